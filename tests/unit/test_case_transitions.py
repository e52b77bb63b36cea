"""Every legal and illegal transition of a petition case, for every role."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from functions.domain.cases import TRANSITIONS, ActionInput, Context, Role, apply, available, nearest_deadline
from functions.domain.errors import ConflictError, InvalidSubmission
from functions.domain.petitions import Stage

TODAY = dt.date(2026, 6, 1)
TREE = {"130123": "130100", "130100": "130000", "130602": "130600", "130600": "130000"}


def is_descendant(ancestor: str, unit: str) -> bool:
    while unit in TREE:
        unit = TREE[unit]
        if unit == ancestor:
            return True
    return False


def working_days(start: dt.date, n: int) -> dt.date:  # weekdays only; the real calendar has its own tests
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= day.weekday() < 5
    return day


CTX = Context(today=TODAY, actor_unit="130100", is_descendant=is_descendant, add_working_days=working_days)
GOOD_INPUT = {"not_accept": ActionInput(reason="不属于党组织职责范围。"), "assign": ActionInput(target_unit="130123"),
              "return": ActionInput(reason="该事项不属于本县职责。"), "extend": ActionInput(days=30, reason="情况复杂，需要调查取证。"),
              "reply": ActionInput(reply="经核查，情况属实，已责成整改。"), "answer_review": ActionInput(reply="复查认为原答复正确。")}


def case_in(stage: Stage) -> dict:
    deadlines = {"assign": "2026-06-16", "accept_decision": "2026-06-16", "handle": "2026-07-31", "object": "2026-06-05",
                 "review": "2026-07-01"}
    return {"stage": stage.value, "unit": "130100", "handling_unit": "130123" if stage is Stage.assigned else "130100",
            "assigned_by": "130100", "deadlines": deadlines, "extended": False}


CASES = list(itertools.product(TRANSITIONS, Stage, Role))


@pytest.mark.parametrize("action, stage, role", CASES, ids=[f"{a}-{s.value}-{r.value}" for a, s, r in CASES])
def test_a_transition_happens_only_from_its_stages_and_for_its_roles(action, stage, role):
    transition = TRANSITIONS[action]
    legal = stage in transition.sources and role in transition.roles
    case = case_in(stage)
    if legal:
        new = apply(case, action, role, GOOD_INPUT.get(action, ActionInput()), CTX)
        assert new["stage"] == (transition.target or stage).value
        assert case == case_in(stage)  # the input is not modified
    else:
        with pytest.raises(ConflictError):
            apply(case, action, role, GOOD_INPUT.get(action, ActionInput()), CTX)


def test_an_auditor_and_an_admin_can_never_change_a_case():
    for stage in Stage:
        assert available(stage, Role.auditor) == [] and available(stage, Role.admin) == []


def test_the_whole_road_from_registration_to_closing():
    case = {"stage": "registered", "unit": "130100", "handling_unit": "130100",
            "deadlines": {"assign": "2026-06-16", "accept_decision": "2026-06-16"}}
    case = apply(case, "accept", Role.approver, ActionInput(), CTX)
    assert case["deadlines"] == {"handle": "2026-07-31"}  # 60 days after acceptance
    case = apply(case, "assign", Role.approver, ActionInput(target_unit="130123"), CTX)
    assert case["handling_unit"] == "130123" and case["deadlines"]["object"] == "2026-06-08"  # 5 working days
    case = apply(case, "start", Role.handler, ActionInput(), CTX)
    assert "object" not in case["deadlines"]
    case = apply(case, "extend", Role.approver, ActionInput(days=30, reason="需要实地核查。"), CTX)
    assert case["deadlines"]["handle"] == "2026-08-30" and "延长 30 天" in case["public_notice"]
    case = apply(case, "reply", Role.handler, ActionInput(reply="已核实并处理。"), CTX)
    assert case["stage"] == "replied" and case["deadlines"] == {"review_request": "2026-07-01"}
    case = apply(case, "close", Role.approver, ActionInput(), CTX)
    assert case["stage"] == "closed" and nearest_deadline(case) is None


@pytest.mark.parametrize("target", ["130100", "130000", "130602", "999999", None])
def test_a_case_is_assigned_only_down_the_tree(target):
    case = case_in(Stage.accepted)
    with pytest.raises(InvalidSubmission, match="下级单位"):
        apply(case, "assign", Role.approver, ActionInput(target_unit=target), CTX)


def test_a_unit_objects_within_five_working_days_and_the_case_goes_back_up():
    case = apply(case_in(Stage.accepted), "assign", Role.approver, ActionInput(target_unit="130123"), CTX)
    late = Context(**{**CTX.__dict__, "today": dt.date(2026, 6, 9)})
    with pytest.raises(ConflictError, match="已过"):
        apply(case, "return", Role.handler, ActionInput(reason="非本单位职责。"), late)
    back = apply(case, "return", Role.handler, ActionInput(reason="非本单位职责。"), CTX)
    assert back["stage"] == "accepted" and back["handling_unit"] == "130100" and back["returns"][0]["unit"] == "130123"


def test_an_extension_is_granted_once_at_most_thirty_days_with_a_reason():
    case = case_in(Stage.in_progress)
    with pytest.raises(InvalidSubmission, match="1 至 30"):
        apply(case, "extend", Role.approver, ActionInput(days=31, reason="理由"), CTX)
    with pytest.raises(InvalidSubmission, match="延期理由"):
        apply(case, "extend", Role.approver, ActionInput(days=10, reason="  "), CTX)
    once = apply(case, "extend", Role.approver, ActionInput(days=10, reason="需要调查。"), CTX)
    with pytest.raises(ConflictError, match="只能延期一次"):
        apply(once, "extend", Role.approver, ActionInput(days=5, reason="还需要时间。"), CTX)


def test_a_review_and_then_a_second_review_are_answered_and_no_more_is_offered():
    case = {**case_in(Stage.review), "deadlines": {"review": "2026-07-01"}}
    first = apply(case, "answer_review", Role.handler, ActionInput(reply="复查意见。"), CTX)
    assert first["stage"] == "replied" and first["deadlines"] == {"review_request": "2026-07-01"}
    second = apply({**first, "stage": "re_review", "deadlines": {"re_review": "2026-07-01"}}, "answer_review",
                   Role.handler, ActionInput(reply="复核意见。"), CTX)
    assert second["deadlines"] == {} and second["review_count"] == 2


def test_an_unknown_action_is_refused():
    with pytest.raises(InvalidSubmission):
        apply(case_in(Stage.registered), "delete", Role.approver, ActionInput(), CTX)
