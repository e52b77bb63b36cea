"""Survey answers checked against the survey's definition (from the registry), and the counter
increments that keep results readable without scanning every response.

Counters are kept in one scope per question (`question_scope`), and once more per question under the
respondent's unit, beside the survey's own scope for the response totals: one answer adds to a
bounded number of counters in a bounded number of scopes, which `portal check` verifies for each
survey (site_builder.survey_counters). A question keeps its scope whatever editors do to the others.
"""

from __future__ import annotations

from typing import Any

from site_builder.models import Question, Survey

from .errors import InvalidSubmission
from .text import reject_control_characters

Answer = str | int | list[str]
RESPONSES = "#responses"


def counter_scope(survey_id: str) -> str:
    """The Store counter scope holding one survey's response totals (overall and per unit)."""
    return f"survey:{survey_id}"


def question_scope(survey_id: str, question_id: str, unit: str | None = None) -> str:
    """The counter scope of one question's counts, overall or of the respondents of one unit."""
    return f"{counter_scope(survey_id)}{f'@{unit}' if unit else ''}/{question_id}"


def result_scopes(survey_id: str, survey: Survey, unit: str | None = None) -> list[str]:
    """Every scope the results (overall, or of one unit's respondents) are read from."""
    return [counter_scope(survey_id)] + [question_scope(survey_id, q.id, unit) for q in survey.questions]


def scoped_deltas(survey_id: str, survey: Survey, answers: dict[str, Answer],
                  unit: str | None) -> list[tuple[str, str, int]]:
    """(scope, counter name, delta) of one answer: counter_deltas, each in its question's scope."""
    out = []
    for name, delta in counter_deltas(survey, answers, unit):
        within, bare = (unit, name.split("|", 1)[1]) if unit and name.startswith(f"{unit}|") else (None, name)
        if bare == RESPONSES:
            out.append((counter_scope(survey_id), name, delta))
        else:
            question_id = bare.split("#", 1)[0].split("=", 1)[0]
            out.append((question_scope(survey_id, question_id, within), name, delta))
    return out


def _shown(question: Question, answers: dict[str, Any]) -> bool:
    cond = question.show_if
    if cond is None:
        return True
    given = answers.get(cond.question)
    return cond.equals in given if isinstance(given, list) else given == cond.equals


def named(question: Question) -> str:
    """How a message names a question: by its text (numbers shift when conditional questions hide)."""
    text = question.text.strip()
    return f"“{text if len(text) <= 24 else text[:23] + '…'}”"


def validate_answers(survey: Survey, answers: dict[str, Any]) -> dict[str, Answer]:
    """Return the answers to keep, or raise InvalidSubmission naming the question (field = its id)."""
    known = {q.id for q in survey.questions}
    for qid in answers:
        if qid not in known:
            raise InvalidSubmission(f"没有编号为“{qid}”的题目", field=str(qid))
    kept: dict[str, Answer] = {}
    for number, question in enumerate(survey.questions, start=1):
        value = answers.get(question.id)
        empty = value is None or value == "" or value == []
        if not _shown(question, kept):
            if not empty:
                raise InvalidSubmission(f"{named(question)}在当前选择下不需要回答", field=question.id)
            continue
        if empty:
            if question.required:
                raise InvalidSubmission(f"{named(question)}为必答题，请作答", field=question.id)
            continue
        kept[question.id] = _check(question, number, value)
    return kept


def _check(question: Question, number: int, value: Any) -> Answer:
    where = named(question)
    if question.type == "single":
        if not isinstance(value, str) or value not in question.options:
            raise InvalidSubmission(f"{where}的选项无效", field=question.id)
        return value
    if question.type == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidSubmission(f"{where}应选择一个或多个选项", field=question.id)
        if len(set(value)) != len(value) or any(v not in question.options for v in value):
            raise InvalidSubmission(f"{where}的选项无效或重复", field=question.id)
        if question.max_choices and len(value) > question.max_choices:
            raise InvalidSubmission(f"{where}最多选择 {question.max_choices} 项", field=question.id)
        return [o for o in question.options if o in value]  # canonical order
    if question.type in ("scale", "number"):
        # Strict: a number, not "4" or true (forms.py turns the digits a form posts into numbers).
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidSubmission(f"{where}应填写整数", field=question.id)
        if (question.min is not None and value < question.min) or (question.max is not None and value > question.max):
            raise InvalidSubmission(f"{where}应在 {question.min} 到 {question.max} 之间", field=question.id)
        return value
    if not isinstance(value, str):
        raise InvalidSubmission(f"{where}应填写文字", field=question.id)
    if len(value) > question.max_length:
        raise InvalidSubmission(f"{where}最多 {question.max_length} 个字（现在 {len(value)} 个）", field=question.id)
    try:
        reject_control_characters(value)
    except ValueError as exc:
        raise InvalidSubmission(f"{where}{exc}", field=question.id) from None
    return value


def counter_deltas(survey: Survey, answers: dict[str, Answer], unit: str | None) -> list[tuple[str, int]]:
    """(counter name, delta) pairs: per option and per scale value, answered counts, sums of numbers,
    the response total; each also under the respondent's unit when given (breakdown by unit)."""
    deltas = [(RESPONSES, 1)]
    for question in survey.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        deltas.append((f"{question.id}#answered", 1))
        if question.type in ("single", "scale"):
            deltas.append((f"{question.id}={value}", 1))
        elif question.type == "multiple" and isinstance(value, list):  # validate_answers: a list of options
            deltas += [(f"{question.id}={option}", 1) for option in value]
        if question.type in ("scale", "number") and isinstance(value, int):  # validate_answers: an int
            deltas.append((f"{question.id}#sum", value))
    if unit:
        deltas += [(f"{unit}|{name}", delta) for name, delta in list(deltas)]
    return deltas


def numbers_from_form(survey: Survey, answers: dict[str, Any]) -> dict[str, Any]:
    """HTML forms post every answer as text: turn the digits typed for scale and number questions
    into numbers (at most 9 digits; anything else stays text and is refused as not a number)."""
    numeric = {q.id for q in survey.questions if q.type in ("scale", "number")}
    out = dict(answers)
    for qid in numeric & set(out):
        value = out[qid]
        if isinstance(value, str):
            digits = value.strip()
            body = digits[1:] if digits.startswith("-") else digits
            if body.isascii() and body.isdigit() and len(body) <= 9:
                out[qid] = int(digits)
    return out
