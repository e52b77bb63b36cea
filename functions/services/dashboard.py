"""Numbers for leaders: counts per stage for the unit and each child unit, overdue rates, and the
hot topics of this month's petitions against the six months before (functions.services.topics)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from functions.domain.case import OPEN, STAGE_LABELS, Stage
from functions.domain.statistics import add_months

from .accounts import Staff
from .casework import cases_in_scope, deadline_state
from .context import PortalContext
from . import topics

TOPIC_BACKGROUND_MONTHS = 6  # this month's petitions are set against the six months before


@dataclass
class UnitRow:
    unit: str
    name: str
    by_stage: Counter = field(default_factory=Counter)
    open: int = 0
    overdue: int = 0
    due_soon: int = 0

    @property
    def overdue_rate(self) -> float:
        return round(100 * self.overdue / self.open, 1) if self.open else 0.0


def dashboard(ctx: PortalContext, staff: Staff, today: dt.date) -> dict:
    cases = [stored.case for stored in cases_in_scope(ctx, staff)]
    org = ctx.org
    groups = [(staff.unit, {staff.unit})] + [(child, set(org.subtree(child))) for child in org.children(staff.unit)]
    rows = []
    for code, members in groups:
        row = UnitRow(code, org[code].name + ("（本级）" if code == staff.unit else ""))
        for case in cases:
            if case.handling_unit in members:
                row.by_stage[case.stage.value] += 1
                if case.stage in OPEN:
                    row.open += 1
                    state = deadline_state(ctx, case, today)
                    row.overdue += state == "overdue"
                    row.due_soon += state == "due_soon"
        rows.append(row)
    this_month = today.replace(day=1)
    start = dt.date.fromisoformat(add_months(today.strftime("%Y-%m"), -TOPIC_BACKGROUND_MONTHS) + "-01")
    month = [c for c in cases if c.received_day() >= this_month]
    earlier = [c for c in cases if start <= c.received_day() < this_month]
    found = topics.hot_topics([f"{c.subject} {c.body}" for c in month], [f"{c.subject} {c.body}" for c in earlier])
    return {"rows": rows, "stages": [(s.value, STAGE_LABELS[s]) for s in Stage],
            "topics": topics.top_terms(found), "month_total": len(month)}

