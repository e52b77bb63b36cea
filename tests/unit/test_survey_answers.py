"""Survey answers are checked against the survey's own rules."""

from __future__ import annotations

import pytest

from functions.domain.errors import InvalidSubmission
from functions.domain.surveys import counter_deltas, validate_answers
from site_builder.loader import load_content
from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY

SURVEY = load_content(FIXTURE_CONTENT, today=FIXTURE_TODAY).surveys["manyidu"]


def check(**answers):
    return validate_answers(SURVEY, answers)


def rejected(**answers) -> InvalidSubmission:
    with pytest.raises(InvalidSubmission) as exc:
        check(**answers)
    return exc.value


def test_a_complete_answer_is_kept_in_canonical_form():
    kept = check(role="党员", channels=["电视", "网站"], score=4, reason="很好", years=12)
    assert kept == {"role": "党员", "channels": ["网站", "电视"], "score": 4, "reason": "很好", "years": 12}


def test_required_questions_must_be_answered():
    assert rejected(role="群众").field == "score"
    assert rejected(role="群众").message == "“总体满意度”为必答题，请作答"


@pytest.mark.parametrize("answers, field", [
    ({"role": "干部", "score": 3}, "role"),
    ({"role": "群众", "score": 6}, "score"),
    ({"role": "群众", "score": 3, "channels": ["网站", "报纸", "电视"]}, "channels"),
    ({"role": "群众", "score": 3, "channels": ["网站", "网站"]}, "channels"),
    ({"role": "群众", "score": 3, "years": 81}, "years"),
    ({"role": "群众", "score": 3, "years": "十"}, "years"),
    ({"role": "群众", "score": 3, "nope": 1}, "nope"),
])
def test_answers_outside_the_rules_are_refused_naming_the_question(answers, field):
    assert rejected(**answers).field == field


def test_a_conditional_question_is_answered_only_when_shown():
    assert check(role="党员", score=3, reason="理由")["reason"] == "理由"
    error = rejected(role="群众", score=3, reason="理由")
    assert error.field == "reason" and "不需要回答" in error.message
    assert "reason" not in check(role="群众", score=3)


def test_counters_cover_options_totals_sums_and_the_unit_breakdown():
    kept = check(role="党员", channels=["网站"], score=5, years=10)
    deltas = dict(counter_deltas(SURVEY, kept, unit="130100"))
    assert deltas["#responses"] == 1 and deltas["role=党员"] == 1 and deltas["channels=网站"] == 1
    assert deltas["score=5"] == 1 and deltas["years#sum"] == 10 and deltas["130100|role=党员"] == 1
    assert "reason#answered" not in deltas


@pytest.mark.parametrize("score", [True, "4", 4.0, "9" * 5000])
def test_a_score_must_be_a_number_not_true_or_text(score):
    assert rejected(role="群众", score=score).field == "score"


def test_the_digits_a_form_posts_become_numbers_and_nothing_else_does():
    from functions.domain.surveys import numbers_from_form

    survey = SURVEY
    converted = numbers_from_form(survey, {"role": "群众", "score": "4", "years": "-2", "reason": "12"})
    assert converted == {"role": "群众", "score": 4, "years": -2, "reason": "12"}
    for odd in ("²", "４", "1e3", "9" * 10, " ", "4.0"):
        assert numbers_from_form(survey, {"score": odd})["score"] == odd
