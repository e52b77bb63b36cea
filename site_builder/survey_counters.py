"""How much one survey answer writes: the counters it adds to, per question, and whether that fits the
one bounded write the Store commits an answer in.

Results are counters kept at submission (functions.domain.surveys.counter_deltas builds their names):
per question, "answered", one per chosen option or scale value, a sum for numbers. Each question's
counters are one counter scope, and, when the respondent names a unit, once more under that unit.
This module counts them — the most one answer can touch, and every name a question can ever hold —
so that `portal check` refuses a survey whose answers could not be stored, before anyone answers it.

The limits are the Store's (functions.store, which this floor may not import; a test keeps them
equal): one write adds to at most MAX_PER_SCOPE counters of a scope and touches at most MAX_SCOPES
scopes, and a scope's names must fit one DynamoDB item (400 KB) with room to spare.
"""

from __future__ import annotations

from .models import Question, Survey

MAX_PER_SCOPE = 100
MAX_SCOPES = 70
MAX_SCOPE_BYTES = 300_000
_UNIT_PREFIX = 10  # "130123100|" before a name counted under the respondent's unit
_PER_NAME = 12     # the stored attribute's own prefix and its number


def touched(question: Question) -> int:
    """The most counters of this question one answer adds to."""
    if question.type == "multiple":
        return 1 + (question.max_choices or len(question.options))
    return {"single": 2, "scale": 3, "number": 2, "text": 1}[question.type]


def names(question: Question) -> list[str]:
    """Every counter name this question can ever hold."""
    answered = [f"{question.id}#answered"]
    if question.type in ("single", "multiple"):
        return answered + [f"{question.id}={option}" for option in question.options]
    if question.type == "scale":
        return answered + [f"{question.id}={v}" for v in range(question.min, question.max + 1)] + [f"{question.id}#sum"]
    if question.type == "number":
        return answered + [f"{question.id}#sum"]
    return answered


def scope_bytes(question: Question) -> int:
    """About how large the stored item of this question's counters can grow (under a unit: the larger)."""
    return sum(len(name.encode()) + _UNIT_PREFIX + _PER_NAME for name in names(question))


def scopes_per_answer(survey: Survey) -> int:
    """The most counter scopes one answer touches: the survey's own, then every question twice (total
    and under the respondent's unit)."""
    return 1 + 2 * len(survey.questions)


def write_problems(survey: Survey) -> list[tuple[int | None, str]]:
    """(question index or None for the whole survey, Chinese message) for each way an answer to this
    survey would not fit one write."""
    problems: list[tuple[int | None, str]] = []
    for i, question in enumerate(survey.questions):
        if touched(question) > MAX_PER_SCOPE:
            problems.append((i, f"一份答卷在本题最多计入 {touched(question)} 项统计，上限为 {MAX_PER_SCOPE} 项："
                                f"请减少选项，或用 max_choices 限制可选数量"))
        elif scope_bytes(question) > MAX_SCOPE_BYTES:
            problems.append((i, f"本题的统计项过多（取值范围 {question.min} 至 {question.max}），无法存放，"
                                "请缩小量表的取值范围，或改为数字题"))
    if scopes_per_answer(survey) > MAX_SCOPES:
        most = (MAX_SCOPES - 1) // 2
        problems.append((None, f"题目太多：一份答卷的统计无法在一次写入中保存（最多 {most} 道题，现有 "
                               f"{len(survey.questions)} 道），请拆分为几项调查"))
    return problems
