"""Numbers for leaders: counts per stage for the unit and each child unit, overdue rates, and the
topics of this month's petitions (keyword frequency, as decision support)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from functions.domain.case import OPEN, STAGE_LABELS, Stage

from .accounts import Staff
from .casework import cases_in_scope, deadline_state
from .context import PortalContext

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
    month = [c for c in cases if c.received_day().strftime("%Y-%m") == today.strftime("%Y-%m")]
    return {"rows": rows, "stages": [(s.value, STAGE_LABELS[s]) for s in Stage],
            "topics": top_topics([f"{c.subject} {c.body}" for c in month]), "month_total": len(month)}


def top_topics(texts: list[str], limit: int = 10) -> list[tuple[str, int]]:
    """Words that appear in the most petitions (each petition counts a word once)."""
    from search_index.analyzer import words  # the portal's one Chinese segmenter and dictionary

    counts: Counter = Counter()
    for text in texts:
        counts.update({w for w in words(text) if len(w) >= 2 and not w.isdigit() and w not in STOPWORDS})
    return counts.most_common(limit)
