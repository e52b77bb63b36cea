"""决策参考's figures against petitions whose answers are known (tests/integration/decision_cases.py
has the table): per unit and month, days to reply, overdue, satisfaction, 复查, the change from the
month before, and the same numbers one level down."""

from __future__ import annotations

import datetime as dt

import pytest

from functions.domain.access import Role
from functions.domain.errors import AccessDenied, InvalidSubmission, NotFoundError
from functions.services import decision
from functions.services.accounts import Staff
from functions.services.context import PortalContext
from tests.contexts import memory_context
from tests.integration.decision_cases import make_cases

PROVINCE = Staff("p", "省审核员", "130000", Role.approver)
CITY_AUDITOR = Staff("ca", "市审计员", "130100", Role.auditor)


@pytest.fixture(scope="module")
def ctx() -> PortalContext:
    ctx = memory_context()
    make_cases(ctx)
    return ctx


def rows(view) -> dict[str, decision.UnitFigures]:
    return {row.name: row for row in view.rows}


def test_the_province_sees_each_city_with_its_counties_over_the_period(ctx):
    view = decision.decision(ctx, PROVINCE, None, "2026-04", "2026-05")
    city, baoding = rows(view)["石家庄市"], rows(view)["保定市"]
    assert (city.figures.received, city.figures.replied, city.overdue) == (5, 3, 2)  # H is before the period
    assert (city.figures.median_days, city.figures.p90_days) == (20.0, 64.0)
    assert (city.overdue_rate, city.figures.satisfaction, city.figures.review_rate) == (40.0, 50.0, 33.3)
    assert (baoding.figures.received, baoding.figures.median_days, baoding.figures.p90_days) == (2, 9.5, 14.0)
    assert (baoding.overdue_rate, baoding.figures.satisfaction, baoding.figures.review_rate) == (0.0, 100.0, 0.0)
    assert rows(view)["河北省（本级）"].figures.received == 0


def test_the_totals_take_every_case_of_the_subtree(ctx):
    total = decision.decision(ctx, PROVINCE, None, "2026-04", "2026-05").total
    assert (total.figures.received, total.figures.replied, total.overdue, total.overdue_rate) == (7, 5, 2, 28.6)
    assert (total.figures.median_days, total.figures.p90_days) == (14.0, 64.0)
    assert (total.figures.satisfaction, total.figures.review_rate) == (66.7, 20.0)


def test_submissions_per_month_by_kind_and_by_unit(ctx):
    view = decision.decision(ctx, PROVINCE, None, "2026-04", "2026-05")
    assert dict(view.by_kind) == {"建议意见": [1, 3], "检举控告": [1, 0], "申诉求决": [1, 0], "咨询": [0, 1]}
    assert rows(view)["石家庄市"].by_month == {"2026-04": 3, "2026-05": 2}
    assert rows(view)["保定市"].by_month == {"2026-04": 0, "2026-05": 2}


def test_the_change_from_the_month_before(ctx):
    view = decision.decision(ctx, PROVINCE, None, "2026-04", "2026-05")
    assert rows(view)["石家庄市"].received_change == -33.3  # 2 in May after 3 in April
    assert rows(view)["保定市"].received_change is None  # nothing in April to compare with
    changes = {c.label: (c.before, c.now, c.change) for c in view.changes}
    assert changes["收到信访事项"] == (3, 4, 33.3)
    assert changes["答复用时中位数"] == (20.0, 9.5, -52.5)  # April: 10, 20, 64 days; May: 5, 14
    assert changes["满意率"] == (50.0, 100.0, 50.0)  # percentage points


def test_units_are_ranked_with_the_ones_needing_attention_first(ctx):
    view = decision.decision(ctx, PROVINCE, None, "2026-04", "2026-05")
    assert [r.name for r in decision.ranked(view.rows, "overdue")] == ["石家庄市", "保定市", "河北省（本级）"]
    assert [r.name for r in decision.ranked(view.rows, "satisfaction")] == ["石家庄市", "保定市", "河北省（本级）"]


def test_drilling_down_to_the_city_splits_it_into_its_own_work_and_its_counties(ctx):
    view = decision.decision(ctx, PROVINCE, "130100", "2026-04", "2026-05")
    own, county = rows(view)["石家庄市（本级）"], rows(view)["正定县"]
    assert (own.figures.received, own.figures.replied, own.overdue) == (4, 2, 2)
    # B was answered by 正定县; its 复查 took the case up to the city, not its figures.
    assert (county.figures.received, county.figures.median_days, county.figures.satisfaction,
            county.figures.review_rate) == (1, 20.0, 0.0, 100.0)
    assert view.trail == [("130000", "河北省"), ("130100", "石家庄市")]
    assert decision.decision(ctx, PROVINCE, "130123", "2026-04", "2026-05").total.figures.received == 1


def test_a_city_auditor_sees_the_same_city_figures_and_no_other_city(ctx):
    own = decision.decision(ctx, CITY_AUDITOR, None, "2026-04", "2026-05")
    assert own.total.figures.received == 5 and own.trail == [("130100", "石家庄市")]
    with pytest.raises(NotFoundError):
        decision.decision(ctx, CITY_AUDITOR, "130600", "2026-04", "2026-05")
    with pytest.raises(NotFoundError):
        decision.decision(ctx, CITY_AUDITOR, "130000", "2026-04", "2026-05")


def test_a_handler_is_told_the_decision_page_is_for_approvers_and_auditors(ctx):
    with pytest.raises(AccessDenied, match="需要审核员或审计员角色，您的角色是办理员"):
        decision.decision(ctx, Staff("h", "办理员", "130100", Role.handler), None, None, None)


def test_the_default_period_is_the_last_six_months(ctx):
    assert decision.period_from(None, None, dt.date(2026, 6, 10)) == decision.Period("2026-01", "2026-06")


@pytest.mark.parametrize("first,last,message", [
    ("2026-13", "2026-05", "起始月份应为年-月，如 2026-01"),
    ("2026-04", "五月", "截止月份应为年-月，如 2026-01"),
    ("2026-05", "2026-04", "起始月份不能晚于截止月份"),
    ("2020-01", "2026-05", "一次最多查看 36 个月"),
])
def test_a_period_that_cannot_be_read_is_refused_in_chinese(first, last, message):
    with pytest.raises(InvalidSubmission, match=message):
        decision.period_from(first, last, dt.date(2026, 6, 10))
