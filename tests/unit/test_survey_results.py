"""Staff read survey results from the counters kept at submission, as numbers and as a bar chart."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from functions.domain.surveys import counter_deltas, validate_answers
from functions.reports.survey_results import bar_chart_svg, percent, results, units_with_responses
from site_builder.models import Survey

SVG = "{http://www.w3.org/2000/svg}"
SURVEY = Survey.model_validate({
    "title": "党务公开满意度调查", "unit": "130000", "opens": dt.date(2026, 5, 1), "closes": dt.date(2026, 12, 31),
    "questions": [
        {"id": "role", "text": "您的身份是？", "type": "single", "required": True, "options": ["群众", "党员"]},
        {"id": "channels", "text": "您通过哪些渠道了解党务信息？", "type": "multiple", "options": ["网站", "报纸", "电视"]},
        {"id": "score", "text": "总体满意度", "type": "scale", "min": 1, "max": 5},
        {"id": "years", "text": "党龄", "type": "number", "min": 0, "max": 80},
        {"id": "reason", "text": "请说明理由", "type": "text"},
    ]})


def counters_after(*responses: tuple[dict, str | None], survey: Survey = SURVEY) -> dict[str, int]:
    """The counters the store holds after these (answers, unit) submissions."""
    total: Counter[str] = Counter()
    for answers, unit in responses:
        for name, delta in counter_deltas(survey, validate_answers(survey, answers), unit):
            total[name] += delta
    return dict(total)


def question(survey_results, qid):
    return next(q for q in survey_results.questions if q.id == qid)


def shares(question_result):
    return {o.label: (o.count, o.percent) for o in question_result.options}


def test_each_option_shows_how_many_chose_it_and_their_share():
    counters = counters_after(({"role": "群众"}, None), ({"role": "群众"}, None), ({"role": "党员"}, None))
    role = question(results(SURVEY, counters), "role")
    assert role.answered == 3
    assert shares(role) == {"群众": (2, 66.7), "党员": (1, 33.3)}


def test_shares_are_of_those_who_answered_the_question_not_of_all_respondents():
    counters = counters_after(({"role": "群众", "score": 5}, None), ({"role": "群众", "score": 4}, None),
                              ({"role": "党员"}, None), ({"role": "党员"}, None))
    score = question(results(SURVEY, counters), "score")
    assert results(SURVEY, counters).responses == 4 and score.answered == 2
    assert shares(score)["5"] == (1, 50.0)


def test_multiple_choice_shares_may_add_up_to_more_than_100_percent_and_the_result_says_so():
    counters = counters_after(({"role": "群众", "channels": ["网站", "电视"]}, None),
                              ({"role": "党员", "channels": ["网站"]}, None))
    channels = question(results(SURVEY, counters), "channels")
    assert shares(channels) == {"网站": (2, 100.0), "报纸": (0, 0.0), "电视": (1, 50.0)}
    assert channels.percents_may_exceed_100 and "超过 100%" in channels.note
    assert not question(results(SURVEY, counters), "role").percents_may_exceed_100


def test_a_scale_lists_every_value_even_unchosen_ones_and_its_mean():
    counters = counters_after(({"role": "群众", "score": 5}, None), ({"role": "群众", "score": 4}, None),
                              ({"role": "党员", "score": 4}, None))
    score = question(results(SURVEY, counters), "score")
    assert [o.label for o in score.options] == ["1", "2", "3", "4", "5"]
    assert shares(score)["1"] == (0, 0.0) and shares(score)["4"] == (2, 66.7)
    assert score.mean == 4.3


def test_number_questions_give_the_count_and_mean_and_text_questions_only_the_count():
    counters = counters_after(({"role": "党员", "years": 10, "reason": "好"}, None),
                              ({"role": "党员", "years": 25}, None), ({"role": "群众"}, None))
    years, reason = question(results(SURVEY, counters), "years"), question(results(SURVEY, counters), "reason")
    assert (years.answered, years.mean, years.options) == (2, 17.5, ())
    assert (reason.answered, reason.mean, reason.options) == (1, None, ())


def test_a_survey_nobody_answered_shows_zeros_instead_of_failing():
    empty = results(SURVEY, {})
    assert empty.responses == 0
    assert shares(question(empty, "role")) == {"群众": (0, 0.0), "党员": (0, 0.0)}
    assert question(empty, "years").mean is None  # no mean at all rather than a misleading 0
    assert "0 人（0.0%）" in bar_chart_svg(question(empty, "role"))


def test_the_breakdown_by_unit_counts_only_respondents_of_that_unit():
    counters = counters_after(({"role": "群众", "years": 3}, "130100"), ({"role": "党员", "years": 5}, "130100"),
                              ({"role": "党员", "years": 40}, "130200"), ({"role": "党员"}, None))
    shijiazhuang = results(SURVEY, counters, unit="130100")
    assert shijiazhuang.unit == "130100" and shijiazhuang.responses == 2
    assert shares(question(shijiazhuang, "role")) == {"群众": (1, 50.0), "党员": (1, 50.0)}
    assert question(shijiazhuang, "years").mean == 4.0
    assert results(SURVEY, counters).responses == 4


def test_the_units_with_responses_are_listed_with_their_counts():
    survey = SURVEY.model_copy(update={"questions": [
        SURVEY.questions[0].model_copy(update={"options": ["群众", "甲|#responses"]})]})
    counters = counters_after(({"role": "甲|#responses"}, "130200"), ({"role": "群众"}, "130100"),
                              ({"role": "群众"}, "130100001"), ({"role": "群众"}, "130100"), ({"role": "群众"}, None),
                              survey=survey)
    # An option text that looks like a counter suffix is not taken for a unit.
    assert units_with_responses(counters) == {"130100": 2, "130100001": 1, "130200": 1}
    assert units_with_responses({}) == {}


def test_answers_counted_under_an_option_the_editor_later_removed_are_still_shown():
    counters = counters_after(({"role": "群众"}, None), ({"role": "党员"}, None))
    renamed = SURVEY.model_copy(update={"questions": [
        SURVEY.questions[0].model_copy(update={"options": ["群众", "共产党员"]})]})
    assert shares(question(results(renamed, counters), "role")) == {
        "群众": (1, 50.0), "共产党员": (0, 0.0), "党员": (1, 50.0)}


@pytest.mark.parametrize("part, whole, shown", [(1, 8, 12.5), (1, 16, 6.3), (2, 3, 66.7), (1, 3, 33.3),
                                                (0, 0, 0.0), (5, 0, 0.0)])
def test_percentages_are_rounded_half_up_to_one_decimal(part, whole, shown):
    assert percent(part, whole) == shown


# --- chart ------------------------------------------------------------------------------------

def chart(options: list[str], picks: list[str]):
    survey = SURVEY.model_copy(update={"questions": [
        SURVEY.questions[0].model_copy(update={"options": options})]})
    counters = counters_after(*[({"role": pick}, None) for pick in picks], survey=survey)
    result = results(survey, counters).questions[0]
    svg = bar_chart_svg(result)
    return svg, ET.fromstring(svg)


def test_the_chart_is_an_image_named_and_described_in_chinese_for_screen_readers():
    svg, root = chart(["群众", "党员"], ["群众", "群众", "党员"])
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "您的身份是？" in title.text
    assert desc.text == "共 3 人作答。群众：2 人（66.7%）；党员：1 人（33.3%）。"


def test_each_bar_is_labelled_with_its_option_and_people_and_share():
    _, root = chart(["群众", "党员"], ["群众", "群众", "党员"])
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["群众", "2 人（66.7%）", "党员", "1 人（33.3%）"]
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.5)  # bars follow the rounded shares


def test_option_text_from_an_editor_stays_text_in_the_chart():
    hostile = ['<script>alert(1)</script>', '"/><image href="x" onerror="alert(1)']
    svg, root = chart(hostile, [hostile[0]])
    assert [t.text for t in root.iter(f"{SVG}text")][0::2] == hostile
    assert not [el for el in root.iter() if el.tag.endswith(("script", "image"))]
    assert "onerror=\"" not in svg and "<script" not in svg


def test_the_chart_needs_no_script_no_fonts_and_fits_a_phone_screen():
    long_option = "基层党组织通过公开栏、微信群和党员大会等多种形式公开党务信息"
    svg, root = chart([long_option, "其他"], [long_option] * 9999)
    assert root.get("width") == "100%" and root.get("viewBox").split()[:3] == ["0", "0", "360"]
    for text in root.iter(f"{SVG}text"):  # rough width: CJK a full em, ASCII about half
        size = float(text.get("font-size") or root.get("font-size"))
        width = sum(size * (0.6 if ord(ch) < 0x2E80 else 1.0) for ch in text.text)
        assert float(text.get("x")) + width <= 360, text.text
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[0].endswith("…") and "9999 人（100.0%）" in labels
    assert long_option in root.find(f"{SVG}desc").text  # shortened on screen, whole for screen readers
    assert not any(word in svg for word in ("<script", "href", "url(", "@import", "@font-face"))


def test_questions_without_options_have_no_chart():
    counters = counters_after(({"role": "党员", "years": 10, "reason": "好"}, None))
    assert bar_chart_svg(question(results(SURVEY, counters), "years")) == ""
    assert bar_chart_svg(question(results(SURVEY, counters), "reason")) == ""
