"""Leaders' dashboard over their subtree, read from counters and tallies kept with each case — the same
numbers as counting the cases one by one, without reading them."""

from __future__ import annotations

import datetime as dt

import pytest

from functions.domain.access import Role
from functions.domain.petitions import PetitionIn
from functions.domain.transitions import ActionInput
from functions.services import casework, petitions
from functions.services.accounts import Staff
from functions.services.context import PortalContext
from functions.services.dashboard import dashboard
from tests.contexts import memory_context

PROVINCE = Staff("prov", "省审核员", "130000", Role.approver)
CITY = Staff("city", "石家庄审核员", "130100", Role.approver)
BAODING = Staff("bd", "保定审核员", "130600", Role.approver)


@pytest.fixture
def ctx() -> PortalContext:
    return memory_context()


def submit(ctx, unit: str, subject: str) -> str:
    return petitions.submit_petition(ctx, PetitionIn.model_validate(
        {"kind": "suggestion", "unit": unit, "subject": subject, "body": f"{subject}，请有关部门尽快研究解决。",
         "contact": {"name": "张三", "mobile": "13800138000"}})).reference


def act(ctx, staff, ref, action, **inputs):
    casework.act(ctx, staff, ref, action, ctx.store.get("petition", ref).version, ActionInput(**inputs))


@pytest.fixture
def network(ctx):
    """石家庄: one registered, one assigned to 正定县; 保定: one registered, one closed."""
    submit(ctx, "130100", "路灯损坏")
    assigned = submit(ctx, "130100", "路灯照明不足")
    act(ctx, CITY, assigned, "accept")
    act(ctx, CITY, assigned, "assign", target_unit="130123")
    submit(ctx, "130600", "公交线路调整")
    closed = submit(ctx, "130600", "路灯夜间不亮")
    for action, inputs in (("accept", {}), ("start", {}), ("reply", {"reply": "已修复。"}), ("close", {})):
        act(ctx, BAODING, closed, action, **inputs)
    return ctx


def rows_of(board) -> dict[str, dict]:
    return {row.unit: {"stages": {k: v for k, v in row.by_stage.items() if v}, "open": row.open,
                       "overdue": row.overdue, "due_soon": row.due_soon} for row in board["rows"]}


def test_the_province_sees_each_citys_subtree_and_its_own_cases_by_stage(network):
    board = dashboard(network, PROVINCE, network.today())
    assert rows_of(board) == {
        "130000": {"stages": {}, "open": 0, "overdue": 0, "due_soon": 0},
        "130100": {"stages": {"registered": 1, "assigned": 1}, "open": 2, "overdue": 0, "due_soon": 0},
        "130600": {"stages": {"registered": 1, "closed": 1}, "open": 1, "overdue": 0, "due_soon": 0}}
    assert board["month_total"] == 4
    assert dict(board["topics"])["路灯"] == 3


def test_a_city_sees_its_own_row_and_its_counties(network):
    assert rows_of(dashboard(network, CITY, network.today())) == {
        "130100": {"stages": {"registered": 1}, "open": 1, "overdue": 0, "due_soon": 0},
        "130123": {"stages": {"assigned": 1}, "open": 1, "overdue": 0, "due_soon": 0}}


def test_overdue_and_due_soon_follow_the_calendar_without_any_write(network):
    ctx = network
    # 交办 within 5 working days: assigned on Monday 1 June, due Monday 8 June. On Thursday 4 June
    # 2 working days are left (due soon); on Tuesday 9 June it is overdue. Registrations have 15 days.
    ctx.clock.now = dt.datetime(2026, 6, 4, 2, 0, tzinfo=dt.timezone.utc)
    assert rows_of(dashboard(ctx, CITY, ctx.today()))["130123"]["due_soon"] == 1
    ctx.clock.now = dt.datetime(2026, 6, 9, 2, 0, tzinfo=dt.timezone.utc)
    rows = rows_of(dashboard(ctx, PROVINCE, ctx.today()))
    assert (rows["130100"]["overdue"], rows["130600"]["overdue"]) == (1, 0)
    ctx.clock.now = dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.timezone.utc)
    rows = rows_of(dashboard(ctx, PROVINCE, ctx.today()))
    assert (rows["130100"]["overdue"], rows["130600"]["overdue"]) == (2, 1)  # the closed case is never overdue


def test_the_queue_views_match_the_dashboard(network):
    ctx = network
    ctx.clock.now = dt.datetime(2026, 6, 9, 2, 0, tzinfo=dt.timezone.utc)
    overdue, _ = casework.queue_rows(ctx, PROVINCE, "overdue", None, None)
    assert [r.subject for r in overdue] == ["路灯照明不足"] and overdue[0].state == "overdue"
    everything, _ = casework.queue_rows(ctx, PROVINCE, "all", None, None)
    assert [r.subject for r in everything][-1] == "路灯夜间不亮"  # finished cases after the open ones
    assert [r.subject for r in casework.queue_rows(ctx, PROVINCE, "closed", None, None)[0]] == ["路灯夜间不亮"]
    assert casework.queue_rows(ctx, PROVINCE, "open", None, "closed") == ([], None)
    assert [r.subject for r in casework.queue_rows(ctx, PROVINCE, "all", "130600", "registered")[0]] == ["公交线路调整"]
