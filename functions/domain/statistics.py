"""Figures about how cases are handled, per unit and month, for the public 办理情况统计 and the
leaders' pages: pure functions over `CaseFacts`, the few facts of a case they need. A case's facts are
kept beside it in the Store (services/case_store.py: the FACTS listing, by arrival), so a page of
figures reads those small entries over a subtree and never a whole case. Dates are China dates."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .case import Case, Rating
from .time_limits import TIME_LIMITS, Limit, china_date

GOOD = frozenset({Rating.satisfied, Rating.basically_satisfied})
# The limits the handling units must keep (the petitioner's own windows to ask for 复查 are not theirs).
UNIT_LIMITS = frozenset({Limit.assign, Limit.accept_decision, Limit.object, Limit.handle, Limit.review,
                         Limit.re_review})


def first_reply_day(case: Case) -> dt.date | None:
    """When the case was first answered (the 答复 step), China date."""
    return next((china_date(s.at) for s in case.steps if s.action == "reply"), None)


def reply_deadline(case: Case) -> dt.date | None:
    """The last day the reply was due: 60 days after acceptance, plus the extension if any."""
    if case.accepted_on is None:
        return None
    days = TIME_LIMITS[Limit.handle].days + (case.extension.days if case.extension else 0)
    return case.accepted_on + dt.timedelta(days=days)


def answering_unit(case: Case) -> str:
    """The unit a case's handling figures belong to: the one that gave the first reply (a 复查
    later moves the case up, not its figures), else the unit handling it now."""
    return next((s.unit for s in case.steps if s.action == "reply" and s.unit), case.handling_unit)


@dataclass(frozen=True)
class CaseFacts:
    """What the figures need of one case."""

    kind: str
    unit: str              # the unit it was addressed to
    answering_unit: str
    received: dt.date
    replied: dt.date | None
    reply_due: dt.date | None
    rated_good: bool | None  # the first rating (before any 复查), None if not rated
    reviewed: bool
    finished: bool
    unit_due: dt.date | None  # the earliest running deadline the handling units must keep

    @classmethod
    def of(cls, case: Case) -> CaseFacts:
        first = [r for r in case.ratings if r.answer == 0]
        running = [day for limit, day in case.deadlines.items() if limit in UNIT_LIMITS]
        return cls(case.kind.value, case.unit, answering_unit(case), case.received_day(), first_reply_day(case),
                   reply_deadline(case), first[-1].rating in GOOD if first else None, bool(case.review_requests),
                   case.finished, min(running) if running else None)

    def to_summary(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(self).items()}

    @classmethod
    def from_summary(cls, data: dict[str, Any]) -> CaseFacts:
        day = {name: dt.date.fromisoformat(data[name]) if data.get(name) else None
               for name in ("received", "replied", "reply_due", "unit_due")}
        return cls(data["kind"], data["unit"], data["answering_unit"], day["received"] or dt.date.min, day["replied"],
                   day["reply_due"], data.get("rated_good"), bool(data.get("reviewed")), bool(data.get("finished")),
                   day["unit_due"])


@dataclass
class Figures:
    """One row: a unit (with everything below it) in one period."""

    received: int = 0
    replied: int = 0
    replied_in_time: int = 0
    days_to_reply: list[int] = field(default_factory=list)
    rated: int = 0
    rated_good: int = 0
    reviews: int = 0

    def add(self, case: CaseFacts) -> None:
        self.received += 1
        if case.replied is not None:
            self.replied += 1
            self.days_to_reply.append((case.replied - case.received).days)
            self.replied_in_time += case.reply_due is not None and case.replied <= case.reply_due
        if case.rated_good is not None:
            self.rated += 1
            self.rated_good += case.rated_good
        self.reviews += case.reviewed

    @property
    def in_time_rate(self) -> float | None:
        return round(100 * self.replied_in_time / self.replied, 1) if self.replied else None

    @property
    def average_days(self) -> float | None:
        return round(statistics.fmean(self.days_to_reply), 1) if self.days_to_reply else None

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days_to_reply)) if self.days_to_reply else None

    @property
    def p90_days(self) -> float | None:
        if not self.days_to_reply:
            return None
        ordered = sorted(self.days_to_reply)
        return float(ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))])

    @property
    def satisfaction(self) -> float | None:
        return round(100 * self.rated_good / self.rated, 1) if self.rated else None

    @property
    def review_rate(self) -> float | None:
        return round(100 * self.reviews / self.replied, 1) if self.replied else None


def month_of(case: CaseFacts) -> str:
    return case.received.strftime("%Y-%m")


def by_group_and_month(cases: Iterable[CaseFacts],
                       group_of: Callable[[CaseFacts], str | None]) -> dict[tuple[str, str], Figures]:
    """(group, "YYYY-MM") → Figures; cases whose group is None are left out."""
    table: dict[tuple[str, str], Figures] = {}
    for case in cases:
        group = group_of(case)
        if group is not None:
            table.setdefault((group, month_of(case)), Figures()).add(case)
    return table


# --- lateness, for the leaders' 决策参考 ------------------------------------------------------------

def overdue(case: CaseFacts, today: dt.date) -> bool:
    """Late with its answer: first replied after its reply deadline, or, unanswered as of `today`,
    still open with one of its running unit deadlines passed (calendar dates, as stored on the case).
    A late 复查 answer is the reviewing unit's, shown in its queue, not counted against the unit that
    answered first."""
    if case.replied is not None:
        return case.reply_due is not None and case.replied > case.reply_due
    return not case.finished and case.unit_due is not None and case.unit_due < today


def merged(parts: Iterable[Figures]) -> Figures:
    """The figures of several months (or units) together."""
    total = Figures()
    for part in parts:
        for name in ("received", "replied", "replied_in_time", "rated", "rated_good", "reviews"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        total.days_to_reply += part.days_to_reply
    return total


def add_months(month: str, n: int) -> str:
    """"2026-01" plus n months (n may be negative)."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_from(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from `first` to `last`, both included (empty when last < first)."""
    out, month = [], first
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def change_percent(before: float | None, now: float | None) -> float | None:
    """Month-over-month change in percent, None when there is nothing to compare with."""
    if before in (None, 0) or now is None:
        return None
    return round(100 * (now - before) / before, 1)
