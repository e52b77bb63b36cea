"""决策参考: how petitions come in and are handled over a unit's subtree and a chosen period, for
approvers and auditors — per month by kind and by unit, days to reply (median and 90th
percentile), overdue rate, satisfaction and 复查 rate per unit, month-over-month change, and the
period's hot topics. Drill down: each row is a child unit with everything below it.

A case counts in the month it was received (China date) and for the unit that gave its first reply
(after 交办, the county), or the unit handling it now while unanswered; a 复查 that moves the case
up leaves its figures where they were. The figures are the pure ones of functions.domain.statistics.
The figures are read from each case's facts (the FACTS list by arrival, `statistics.CaseFacts`) over
the staff member's whole scope in the period, so a drill-down shows the same numbers as the row it
came from; the topics from the text kept in the RECEIVED list over the selected unit's subtree (the
period's newest 2,000 petitions against the newest 2,000 of as many months before). No case is read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from functions.domain.access import Permission
from functions.domain.case import COLLECTION, FACTS, KIND_LABELS, RECEIVED, PetitionKind
from functions.domain.errors import InvalidSubmission, NotFoundError
from functions.domain.statistics import (
    CaseFacts,
    Figures,
    add_months,
    by_group_and_month,
    change_percent,
    merged,
    month_of,
    months_from,
    overdue,
)
from site_builder.chinatime import china_minute

from . import case_store, topics
from .accounts import Staff
from .context import PortalContext
from .exports import ExportLink, publish
from .scope import Reading, every, page, require

DEFAULT_MONTHS = 6
MAX_MONTHS = 36
TOPIC_CASES = 2000  # petitions of the period (and as many of the months before) the topics read
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
    lower, upper = case_store.month_bounds(period.first, period.last)
    cases = [CaseFacts.from_summary(e.summary)
             for e in every(ctx, [Reading(COLLECTION, FACTS, staff.unit, lower=lower, upper=upper)])]
    return _figures(ctx, staff, top, period, cases, today)


def _figures(ctx: PortalContext, staff: Staff, top: str, period: Period, cases: list[CaseFacts],
             today: dt.date) -> Decision:
    org = ctx.org
    group_of = {code: child for child in org.children(top) for code in org.subtree(child)}
    group_of[top] = top
    rows = {code: UnitFigures(code, org[code].name + ("（本级）" if code == top else ""),
                              drill=code != top and bool(org.children(code)))
            for code in [top, *org.children(top)]}
    total = UnitFigures(top, org[top].name, drill=False)
    table = by_group_and_month(cases, lambda c: group_of.get(c.answering_unit))
    previous = add_months(period.last, -1)
    in_period = set(period.months)
    for row in rows.values():
        row.figures = merged(f for (g, m), f in table.items() if g == row.unit and m in in_period)
        row.by_month = {m: table[(row.unit, m)].received if (row.unit, m) in table else 0 for m in period.months}
        row.last_month = table.get((row.unit, period.last), Figures())
        row.month_before = table.get((row.unit, previous), Figures())
    counted = [c for c in cases if month_of(c) in in_period and c.answering_unit in group_of]
    for case in counted:
        if overdue(case, today):
            rows[group_of[case.answering_unit]].overdue += 1
    total.figures = merged(r.figures for r in rows.values())
    total.overdue = sum(r.overdue for r in rows.values())
    total.by_month = {m: sum(r.by_month[m] for r in rows.values()) for m in period.months}
    total.last_month = merged(r.last_month for r in rows.values())
    total.month_before = merged(r.month_before for r in rows.values())
    return Decision(top=top, name=org[top].name, trail=_trail(ctx, staff.unit, top), period=period, total=total,
                    rows=list(rows.values()), by_kind=_by_kind(counted, period), changes=_changes(total),
                    topics=_period_topics(ctx, top, period))


def _trail(ctx: PortalContext, own: str, top: str) -> list[tuple[str, str]]:
    path = ctx.org.path(top)
    return [(code, ctx.org[code].name) for code in path[path.index(own):]]


def _by_kind(cases: list[CaseFacts], period: Period) -> list[tuple[str, list[int]]]:
    return [(KIND_LABELS[kind], [sum(1 for c in cases if c.kind == kind.value and month_of(c) == m)
                                 for m in period.months]) for kind in PetitionKind]


def _changes(total: UnitFigures) -> list[Change]:
    before, now = total.month_before, total.last_month
    return [Change("收到信访事项", before.received, now.received, "件"),
            Change("答复用时中位数", before.median_days, now.median_days, "天"),
            Change("按期答复率", before.in_time_rate, now.in_time_rate, "%"),
            Change("满意率", before.satisfaction, now.satisfaction, "%"),
            Change("复查率", before.review_rate, now.review_rate, "%")]


def _period_topics(ctx: PortalContext, top: str, period: Period) -> list[tuple[str, int]]:
    """The period's hot topics against the same number of months before it."""
    lower, upper = case_store.month_bounds(period.first, period.last)
    before, _ = case_store.month_bounds(add_months(period.first, -len(period.months)), period.last)

    def texts(low: str, high: str) -> list[str]:
        entries, _ = page(ctx, [Reading(COLLECTION, RECEIVED, top, lower=low, upper=high, descending=True)], TOPIC_CASES)
        return [e.summary.get("text", "") for e in entries]

    return topics.top_terms(topics.hot_topics(texts(lower, upper), texts(before, lower)))


# --- ranking and export ---------------------------------------------------------------------------

def ranked(rows: list[UnitFigures], key: str, worst_first: bool = True) -> list[UnitFigures]:
    """Rows with figures, the ones needing attention first (highest overdue rate, lowest
    satisfaction); rows without data last."""
    def value(row: UnitFigures) -> float | None:
        return row.overdue_rate if key == "overdue" else row.figures.satisfaction

    with_data = [r for r in rows if value(r) is not None]
    high_first = (key == "overdue") == worst_first
    with_data.sort(key=lambda r: (-(value(r) or 0.0) if high_first else (value(r) or 0.0), r.name))
    return with_data + [r for r in rows if value(r) is None]


def export(ctx: PortalContext, staff: Staff, unit: str | None, first: str | None, last: str | None) -> ExportLink:
    """The page's per-unit, per-month figures as CSV; audited like every export."""
    require(staff, Permission.export)
    view = decision(ctx, staff, unit, first, last)
    body = []
    for row in [*view.rows, view.total]:
        name = f"合计（导出于 {china_minute(ctx.clock())}）" if row is view.total else row.name
        body.append([name, view.period.label, row.figures.received, row.figures.replied, row.figures.median_days,
                     row.figures.p90_days, row.overdue, row.overdue_rate, row.figures.satisfaction,
                     row.figures.review_rate, row.received_change, *[row.by_month[m] for m in view.period.months]])
    headers = ["单位", "期间", "收到（件）", "已答复（件）", "答复用时中位数（天）", "90%答复用时（天）", "超期（件）",
               "超期率（%）", "满意率（%）", "复查率（%）", "末月环比（%）", *[f"{m} 收到（件）" for m in view.period.months]]
    return publish(ctx, staff, "export_decision", f"决策参考_{view.name}_{view.period.first}_{view.period.last}.csv",
                   headers, body, {"unit": view.top, "from": view.period.first, "to": view.period.last,
                                   "rows": len(view.rows)})  # units, not the 合计 line
