"""An answer to a survey is stored in one bounded write: `portal check` refuses a survey whose answers
could exceed it, before anyone answers, and names the question and the fix in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from functions import store
from functions.domain.surveys import counter_deltas, scoped_deltas, validate_answers
from portal.cli import main
from site_builder import survey_counters
from site_builder.models import Survey
from tests.conftest import FIXTURE_TODAY


def survey(questions: list[dict]) -> Survey:
    return Survey.model_validate({"title": "测试调查", "unit": "130000", "opens": dt.date(2026, 5, 1),
                                  "closes": dt.date(2026, 12, 31), "questions": questions})


def multiple(i: int, options: int = 6) -> dict:
    return {"id": f"q{i}", "text": f"第{i}题", "type": "multiple", "options": [f"选项{o}" for o in range(options)]}


def test_the_content_check_and_the_store_share_their_limits():
    assert survey_counters.MAX_PER_SCOPE == store.MAX_COUNTERS_PER_SCOPE == 100
    assert survey_counters.MAX_SCOPES == store.MAX_SCOPES_PER_WRITE


def test_the_worst_answer_touches_exactly_the_counters_the_check_counts():
    big = survey([multiple(i) for i in range(15)] +
                 [{"id": "s", "text": "满意度", "type": "scale", "min": 1, "max": 5},
                  {"id": "n", "text": "年龄", "type": "number"}, {"id": "t", "text": "意见", "type": "text"}])
    worst = {f"q{i}": [f"选项{o}" for o in range(6)] for i in range(15)} | {"s": 5, "n": 40, "t": "很好"}
    answers = validate_answers(big, worst)
    by_scope: dict[str, int] = {}
    for scope, _, _ in scoped_deltas("big", big, answers, "130123"):
        by_scope[scope] = by_scope.get(scope, 0) + 1
    # The survey's own scope (responses overall and from the unit), then every question twice.
    assert len(by_scope) == survey_counters.scopes_per_answer(big) == 1 + 2 * 18
    for question in big.questions:
        assert by_scope[f"survey:big/{question.id}"] == survey_counters.touched(question)
        assert by_scope[f"survey:big@130123/{question.id}"] == survey_counters.touched(question)
    assert {name for name, _ in counter_deltas(big, answers, None)} - {"#responses"} <= {
        name for q in big.questions for name in survey_counters.names(q)}


def test_fifteen_questions_of_six_options_fit_one_write():
    assert survey_counters.write_problems(survey([multiple(i) for i in range(15)])) == []


@pytest.mark.parametrize("questions, where, words", [
    ([multiple(0, options=120)], 0, "上限为 100 项"),
    ([{"id": "s", "text": "打分", "type": "scale", "min": 0, "max": 100000}], 0, "缩小量表的取值范围"),
    ([multiple(i, options=2) for i in range(35)], None, "最多 34 道题"),
])
def test_a_survey_whose_answer_could_not_be_stored_in_one_write_is_refused(questions, where, words):
    [(index, message)] = survey_counters.write_problems(survey(questions))
    assert index == where and words in message


def test_a_question_limited_by_max_choices_fits_although_it_has_many_options():
    question = multiple(0, options=120) | {"max_choices": 3}
    assert survey_counters.write_problems(survey([question])) == []


def test_portal_check_reports_a_survey_too_large_to_store_at_its_line(content_copy, capsys):
    path = content_copy / "surveys" / "manyidu.yaml"
    options = ", ".join(f"选项{i}" for i in range(150))
    path.write_text(path.read_text(encoding="utf-8") + f"  - id: many\n    text: 很多选项\n    type: multiple\n"
                                                       f"    options: [{options}]\n", encoding="utf-8")
    code = main(["check", "--content", str(content_copy), "--today", FIXTURE_TODAY.isoformat()])
    errors = capsys.readouterr().err.splitlines()
    assert code == 1
    [line] = [e for e in errors if "manyidu.yaml" in e]
    assert line.startswith("surveys/manyidu.yaml:32: questions.5: 一份答卷在本题最多计入 151 项统计")
