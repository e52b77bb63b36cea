"""Numbers for leaders: counts per stage for the unit and each child unit, overdue rates, and the
topics of this month's petitions (keyword frequency, as decision support).

Nothing here reads cases one by one: the counts per stage are the counters each case write keeps for
every unit on its path (services/case_store.py), overdue and due-soon are two tallies of the open
queue by deadline, and the topics read the newest petitions of the month from the RECEIVED list."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from functions.domain.case import COLLECTION, OPEN, QUEUE, RECEIVED, STAGE_LABELS, Stage
from functions.domain.time_limits import CHINA

from . import case_store
from .accounts import Staff
from .casework import deadline_bounds
from .context import PortalContext
from .scope import Reading, page

TOPIC_CASES = 300  # the newest petitions of the month the topics are read from

# Words too common in petitions to say anything about a topic.
STOPWORDS = frozenset("""我们 你们 他们 这个 那个 一个 没有 什么 怎么 为什么 可以 已经 还是 就是 但是 因为 所以 如果 希望 要求
反映 问题 情况 有关 相关 进行 请求 请问 建议 关于 领导 部门 工作 单位 群众 本人 我村 我们村 今年 去年 目前 现在 一直 多次""".split())


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


def _month_start(today: dt.date) -> str:
    """The first moment of this China month as the RECEIVED list sorts it (UTC ISO text)."""
    start = dt.datetime(today.year, today.month, 1, tzinfo=CHINA).astimezone(dt.timezone.utc)
    return start.isoformat(timespec="microseconds")


def dashboard(ctx: PortalContext, staff: Staff, today: dt.date) -> dict:
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
    newest, _ = page(ctx, [Reading(COLLECTION, RECEIVED, top, lower=_month_start(today), descending=True)], TOPIC_CASES)
    return {"rows": rows, "stages": [(s.value, STAGE_LABELS[s]) for s in Stage],
            "topics": top_topics([e.summary.get("text", "") for e in newest]),
            "month_total": counts.get(f"{case_store.RECEIVED_COUNTER}|{month}", 0), "topics_from": len(newest)}


def top_topics(texts: list[str], limit: int = 10) -> list[tuple[str, int]]:
    """Words that appear in the most petitions (each petition counts a word once)."""
    from search_index.analyzer import words  # the portal's one Chinese segmenter and dictionary

    counts: Counter = Counter()
    for text in texts:
        counts.update({w for w in words(text) if len(w) >= 2 and not w.isdigit() and w not in STOPWORDS})
    return counts.most_common(limit)
