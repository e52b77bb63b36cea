"""决策参考: how petitions come in and are handled over a unit's subtree and a chosen period, for
approvers and auditors — per month by kind and by unit, days to reply (median and 90th
percentile), overdue rate, satisfaction and 复查 rate per unit, month-over-month change, and the
period's hot topics. Drill down: each row is a child unit with everything below it.

A case counts in the month it was received (China date) and for the unit that gave its first reply
(after 交办, the county), or the unit handling it now while unanswered; a 复查 that moves the case
up leaves its figures where they were. The figures are the pure ones of functions.domain.statistics.
Cases are read over the staff member's whole scope, so a drill-down shows the same numbers as the
row it came from.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from site_builder.chinatime import china_minute

from functions.domain.access import Permission
from functions.domain.case import COLLECTION, KIND_LABELS, Case, PetitionKind
from functions.domain.errors import InvalidSubmission, NotFoundError
from functions.domain.statistics import (Figures, add_months, answering_unit, by_group_and_month, change_percent,
                                         merged, month_of, months_from, overdue)
from functions.store.protocol import AuditEvent

from . import topics
from .accounts import Staff
from .context import PortalContext
from .exports import Export
from .scope import records_in_scope, require

DEFAULT_MONTHS = 6
MAX_MONTHS = 36
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Period:
    first: str  # "YYYY-MM", both included
    last: str

    @property
    def months(self) -> list[str]:
        return months_from(self.first, self.last)

    @property
    def label(self) -> str:
        return self.first if self.first == self.last else f"{self.first} 至 {self.last}"


def period_from(first: str | None, last: str | None, today: dt.date) -> Period:
    """The months asked for (YYYY-MM, as a month field sends them); by default the last six."""
    last = last or today.strftime("%Y-%m")
    first = first or add_months(last, 1 - DEFAULT_MONTHS)
    for value, label in ((first, "起始月份"), (last, "截止月份")):
        if not _MONTH.fullmatch(value):
            raise InvalidSubmission(f"{label}应为年-月，如 2026-01", field="from" if label == "起始月份" else "to")
    if first > last:
        raise InvalidSubmission("起始月份不能晚于截止月份", field="from")
    if len(months_from(first, last)) > MAX_MONTHS:
        raise InvalidSubmission(f"一次最多查看 {MAX_MONTHS} 个月", field="from")
    return Period(first, last)


@dataclass
class UnitFigures:
    """One row: a unit (with its subtree, or only itself for 本级) over the period."""

    unit: str
    name: str
    drill: bool  # has units below it to drill into
    figures: Figures = field(default_factory=Figures)
    overdue: int = 0
    by_month: dict[str, int] = field(default_factory=dict)  # received per month
    last_month: Figures = field(default_factory=Figures)
    month_before: Figures = field(default_factory=Figures)

    @property
    def overdue_rate(self) -> float | None:
        return round(100 * self.overdue / self.figures.received, 1) if self.figures.received else None

    @property
    def received_change(self) -> float | None:
        """Received in the period's last month against the month before, in percent."""
        return change_percent(self.month_before.received, self.last_month.received)


@dataclass(frozen=True)
class Change:
    label: str
    before: float | None
    now: float | None
    suffix: str  # 件, 天, %

    @property
    def change(self) -> float | None:
        if self.suffix == "%":  # rates change in percentage points, not in percent of themselves
            return None if self.before is None or self.now is None else round(self.now - self.before, 1)
        return change_percent(self.before, self.now)


@dataclass
class Decision:
    top: str
    name: str
    trail: list[tuple[str, str]]  # from the staff member's unit down to `top`
    period: Period
    total: UnitFigures
    rows: list[UnitFigures]
    by_kind: list[tuple[str, list[int]]]  # kind label → received per month
    changes: list[Change]
    topics: list[tuple[str, int]]


def decision(ctx: PortalContext, staff: Staff, unit: str | None, first: str | None, last: str | None) -> Decision:
    require(staff, Permission.view_decision_support)
    top = unit or staff.unit
    if not ctx.in_scope(staff.unit, top):
        raise NotFoundError("没有这个单位，或不在您的工作范围内")
    today = ctx.today()
    period = period_from(first, last, today)
    cases = [Case.from_data(record.data) for record in records_in_scope(ctx, COLLECTION, staff.unit)]
    return _figures(ctx, staff, top, period, cases, today)


def _figures(ctx: PortalContext, staff: Staff, top: str, period: Period, cases: list[Case], today: dt.date) -> Decision:
    org = ctx.org
    group_of = {code: child for child in org.children(top) for code in org.subtree(child)}
    group_of[top] = top
    rows = {code: UnitFigures(code, org[code].name + ("（本级）" if code == top else ""),
                              drill=code != top and bool(org.children(code)))
            for code in [top, *org.children(top)]}
    total = UnitFigures(top, org[top].name, drill=False)
    table = by_group_and_month(cases, lambda c: group_of.get(answering_unit(c)))
    previous = add_months(period.last, -1)
    in_period = set(period.months)
    for row in rows.values():
        row.figures = merged(f for (g, m), f in table.items() if g == row.unit and m in in_period)
        row.by_month = {m: table[(row.unit, m)].received if (row.unit, m) in table else 0 for m in period.months}
        row.last_month = table.get((row.unit, period.last), Figures())
        row.month_before = table.get((row.unit, previous), Figures())
    counted = [c for c in cases if month_of(c) in in_period and answering_unit(c) in group_of]
    for case in counted:
        if overdue(case, today):
            rows[group_of[answering_unit(case)]].overdue += 1
    total.figures = merged(r.figures for r in rows.values())
    total.overdue = sum(r.overdue for r in rows.values())
    total.by_month = {m: sum(r.by_month[m] for r in rows.values()) for m in period.months}
    total.last_month = merged(r.last_month for r in rows.values())
    total.month_before = merged(r.month_before for r in rows.values())
    mine = [c for c in cases if answering_unit(c) in group_of]
    return Decision(top=top, name=org[top].name, trail=_trail(ctx, staff.unit, top), period=period, total=total,
                    rows=list(rows.values()), by_kind=_by_kind(counted, period), changes=_changes(total),
                    topics=_period_topics(mine, period))


def _trail(ctx: PortalContext, own: str, top: str) -> list[tuple[str, str]]:
    path = ctx.org.path(top)
    return [(code, ctx.org[code].name) for code in path[path.index(own):]]


def _by_kind(cases: list[Case], period: Period) -> list[tuple[str, list[int]]]:
    return [(KIND_LABELS[kind], [sum(1 for c in cases if c.kind is kind and month_of(c) == m) for m in period.months])
            for kind in PetitionKind]


def _changes(total: UnitFigures) -> list[Change]:
    before, now = total.month_before, total.last_month
    return [Change("收到信访事项", before.received, now.received, "件"),
            Change("答复用时中位数", before.median_days, now.median_days, "天"),
            Change("按期答复率", before.in_time_rate, now.in_time_rate, "%"),
            Change("满意率", before.satisfaction, now.satisfaction, "%"),
            Change("复查率", before.review_rate, now.review_rate, "%")]


def _period_topics(cases: list[Case], period: Period) -> list[tuple[str, int]]:
    """The period's hot topics against the same number of months before it."""
    start = add_months(period.first, -len(period.months))
    now = [f"{c.subject} {c.body}" for c in cases if period.first <= month_of(c) <= period.last]
    earlier = [f"{c.subject} {c.body}" for c in cases if start <= month_of(c) < period.first]
    return topics.top_terms(topics.hot_topics(now, earlier))


# --- ranking and export ---------------------------------------------------------------------------

def ranked(rows: list[UnitFigures], key: str, worst_first: bool = True) -> list[UnitFigures]:
    """Rows with figures, the ones needing attention first (highest overdue rate, lowest
    satisfaction); rows without data last."""
    def value(row: UnitFigures) -> float | None:
        return row.overdue_rate if key == "overdue" else row.figures.satisfaction

    with_data = [r for r in rows if value(r) is not None]
    high_first = (key == "overdue") == worst_first
    with_data.sort(key=lambda r: (-value(r) if high_first else value(r), r.name))
    return with_data + [r for r in rows if value(r) is None]


def export(ctx: PortalContext, staff: Staff, unit: str | None, first: str | None, last: str | None) -> Export:
    """The page's per-unit, per-month figures as CSV; audited like every export."""
    require(staff, Permission.export)
    view = decision(ctx, staff, unit, first, last)
    body = []
    for row in view.rows:
        body.append([row.name, view.period.label, row.figures.received, row.figures.replied, row.figures.median_days,
                     row.figures.p90_days, row.overdue, row.overdue_rate, row.figures.satisfaction,
                     row.figures.review_rate, row.received_change,
                     *[row.by_month[m] for m in view.period.months]])
    ctx.store.append_audit(AuditEvent("export", str(uuid.uuid4()), ctx.clock(), actor=staff.username,
                                      action="export_decision", unit=staff.unit,
                                      after={"unit": view.top, "from": view.period.first, "to": view.period.last,
                                             "rows": len(body)}))
    headers = ["单位", "期间", "收到（件）", "已答复（件）", "答复用时中位数（天）", "90%答复用时（天）", "超期（件）",
               "超期率（%）", "满意率（%）", "复查率（%）", "末月环比（%）", *[f"{m} 收到（件）" for m in view.period.months]]
    return Export(f"决策参考_{view.name}_{view.period.first}_{view.period.last}.csv", headers,
                  [*body, [f"合计（导出于 {china_minute(ctx.clock())}）", view.period.label, view.total.figures.received,
                           view.total.figures.replied, view.total.figures.median_days, view.total.figures.p90_days,
                           view.total.overdue, view.total.overdue_rate, view.total.figures.satisfaction,
                           view.total.figures.review_rate, view.total.received_change,
                           *[view.total.by_month[m] for m in view.period.months]]])
