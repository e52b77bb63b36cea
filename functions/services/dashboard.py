"""Numbers for leaders: counts per stage for the unit and each child unit, overdue rates, and the
hot topics of this month's petitions against the six months before (functions.services.topics).

Nothing here reads cases one by one: the counts per stage are the counters each case write keeps for
every unit on its path (services/case_store.py), overdue and due-soon are two tallies of the open
queue by deadline, and the topics read the text kept beside each entry of the RECEIVED list: the
month's newest petitions, and the newest of the six months before as the background."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from functions.domain.case import COLLECTION, OPEN, QUEUE, RECEIVED, STAGE_LABELS, Stage
from functions.domain.statistics import add_months

from . import case_store, topics
from .accounts import Staff
from .casework import deadline_bounds
from .context import PortalContext
from .scope import Reading, page

TOPIC_CASES = 300  # the newest petitions of the month the topics are read from
TOPIC_BACKGROUND_CASES = 1200  # and the newest of the months before, to set them against

TOPIC_BACKGROUND_MONTHS = 6  # this month's petitions are set against the six months before


@dataclass
class UnitRow:
    unit: str
    name: str
    by_stage: Counter[str] = field(default_factory=Counter[str])
    open: int = 0
    overdue: int = 0
    due_soon: int = 0

    @property
    def overdue_rate(self) -> float:
        return round(100 * self.overdue / self.open, 1) if self.open else 0.0


def dashboard(ctx: PortalContext, staff: Staff, today: dt.date) -> dict[str, Any]:
    org, top = ctx.org, staff.unit
    counts = ctx.store.counters(case_store.counter_scope(top))
    first, end = deadline_bounds(ctx, today)
    overdue = ctx.store.tally(COLLECTION, QUEUE, top, upper=first)
    due_soon = ctx.store.tally(COLLECTION, QUEUE, top, lower=first, upper=end)
    rows = []
    for code in [top, *org.children(top)]:
        row = UnitRow(code, org[code].name + ("（本级）" if code == top else ""))
        for stage in Stage:
            row.by_stage[stage.value] = counts.get(f"{code}|{stage.value}", 0)
        row.open = sum(row.by_stage[s.value] for s in OPEN)
        row.overdue, row.due_soon = overdue.get(code, 0), due_soon.get(code, 0)
        rows.append(row)
    month = today.strftime("%Y-%m")
    this_month, _ = case_store.month_bounds(month, month)
    background_start, _ = case_store.month_bounds(add_months(month, -TOPIC_BACKGROUND_MONTHS), month)
    newest, _ = page(ctx, [Reading(COLLECTION, RECEIVED, top, lower=this_month, descending=True)], TOPIC_CASES)
    earlier, _ = page(ctx, [Reading(COLLECTION, RECEIVED, top, lower=background_start, upper=this_month,
                                    descending=True)], TOPIC_BACKGROUND_CASES)
    found = topics.hot_topics([e.summary.get("text", "") for e in newest], [e.summary.get("text", "") for e in earlier])
    return {"rows": rows, "stages": [(s.value, STAGE_LABELS[s]) for s in Stage], "topics": topics.top_terms(found),
            "month_total": counts.get(f"{case_store.RECEIVED_COUNTER}|{month}", 0), "topics_from": len(newest)}

