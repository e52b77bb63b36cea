"""Finding cases: by reference, by the petitioner's name or mobile (keyed hashes, `contact_index`), by
keywords in subject and body, with filters for kind, stage, unit, the dates a case came in and its
deadline state; and the filters each staff member saves.

What each search reads (all within the staff member's subtree, or a unit's in it):
- 信访编号: one read of the case.
- 姓名 / 手机号码: the one range of the contact list under the keyed hash: only the cases that match.
- 关键词, or kind and dates without any text: a bounded scan of the RECEIVED list (newest first,
  within the dates asked for), whose entries carry the queue's summary and the first TOPIC_TEXT
  characters of subject and body. One request reads at most SCAN_BUDGET entries; when it stops with
  more to look at, the page says how many it searched and offers to go on.
Filters the lists cannot answer by index (kind, stage, deadline state) are applied to the entries read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from dataclasses import dataclass, replace
from typing import Any

from functions.domain.access import Permission
from functions.domain.case import COLLECTION, FINISHED, QUEUE, RECEIVED, PetitionKind, Stage
from functions.domain.errors import InvalidSubmission
from functions.domain.time_limits import CHINA
from functions.store.protocol import Entry

from . import case_store, casework, contact_index
from .accounts import Staff
from .case_store import StoredCase
from .context import PortalContext
from .scope import require, scan

PAGE = 50
SCAN_BUDGET = 2000
BY = (("keyword", "关键词（标题和内容）"), ("reference", "信访编号"), ("name", "信访人姓名"), ("mobile", "手机号码"))
PRIVATE = ("name", "mobile")  # searches whose text is personal data: never saved, never in a link kept


@dataclass(frozen=True)
class Query:
    by: str = "keyword"
    text: str = ""
    kind: str = ""
    stage: str = ""
    unit: str = ""
    view: str = "all"   # the deadline state: 全部, 即将超期, 已超期, 未办结, 已办结
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def searching(self) -> bool:
        """Does it need more than the queue lists (a text, a kind or dates)?"""
        return bool(self.text or self.kind or self.first or self.last)

    def params(self) -> dict[str, str]:
        """The query string of this query (empty values left out)."""
        out = {"by": self.by if self.text else "", "q": self.text, "kind": self.kind, "stage": self.stage,
               "unit": self.unit, "view": "" if self.view == "all" else self.view,
               "from": self.first.isoformat() if self.first else "", "to": self.last.isoformat() if self.last else ""}
        return {k: v for k, v in out.items() if v}


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidSubmission(f"{label}应为日期，例如 2026-03-01", field=label) from None


def _choice(params: dict[str, str], name: str, choices: Container[str], default: str) -> str:
    """The parameter when it is one of `choices`, else `default`."""
    value = params.get(name)
    return value if value is not None and value in choices else default


def query_of(ctx: PortalContext, staff: Staff, params: dict[str, str]) -> Query:
    """The query from a query string: unknown choices fall back to 全部; a unit out of scope is ignored;
    a malformed date or a text too long is a Chinese 422."""
    text = " ".join((params.get("q") or "").split())
    if len(text) > 50:
        raise InvalidSubmission("查找内容不能超过 50 个字", field="q")
    if any(ord(ch) < 32 for ch in text):
        raise InvalidSubmission("查找内容含有无法识别的字符", field="q")
    first, last = _date(params.get("from"), "登记起始日期"), _date(params.get("to"), "登记截止日期")
    if first and last and first > last:
        raise InvalidSubmission("登记起始日期不能晚于截止日期", field="from")
    unit = params.get("unit") or ""
    return Query(by=_choice(params, "by", dict(BY), "keyword"), text=text,
                 kind=_choice(params, "kind", {k.value for k in PetitionKind}, ""),
                 stage=_choice(params, "stage", {s.value for s in Stage}, ""),
                 unit=unit if unit and ctx.in_scope(staff.unit, unit) else "",
                 view=_choice(params, "view", dict(casework.VIEWS), "all"),
                 first=first, last=last)


@dataclass(frozen=True)
class Found:
    rows: list[casework.QueueRow]
    next_token: str | None
    read: int = 0
    spent: bool = False  # stopped at SCAN_BUDGET with more to look at


def _arrival_bounds(q: Query) -> tuple[str | None, str | None]:
    start = case_store.arrival(dt.datetime.combine(q.first, dt.time(), CHINA)) if q.first else None
    end = case_store.arrival(dt.datetime.combine(q.last + dt.timedelta(days=1), dt.time(), CHINA)) if q.last else None
    return start, end


def _matcher(ctx: PortalContext, q: Query, today: dt.date) -> Callable[[Entry], bool]:
    first, end = casework.deadline_bounds(ctx, today)
    lower, upper = _arrival_bounds(q)
    terms = [t.lower() for t in q.text.split()] if q.by == "keyword" else []

    def state_ok(s: dict[str, Any]) -> bool:
        finished = Stage(s["stage"]) in FINISHED
        due: str = s.get("deadline") or ""  # none yet: neither overdue nor due soon
        return {"all": True, "open": not finished, "closed": finished,
                "overdue": not finished and bool(due) and due < first,
                "due_soon": not finished and bool(due) and first <= due < end}[q.view]

    def keep(entry: Entry) -> bool:
        s = entry.summary
        if "stage" not in s:  # an entry written before the list carried the summary
            return False
        received = case_store.arrival(dt.datetime.fromisoformat(s["received"]))
        text = s.get("text", s.get("subject", "")).lower()
        return ((not q.kind or s["kind"] == q.kind) and (not q.stage or s["stage"] == q.stage) and state_ok(s)
                and (lower is None or received >= lower) and (upper is None or received < upper)
                and all(t in text for t in terms))
    return keep


def search(ctx: PortalContext, staff: Staff, q: Query, after: str | None = None) -> Found:
    """One page of the cases that match, newest first (by reference: the one case)."""
    require(staff, Permission.view_cases)
    top = q.unit or staff.unit
    today = ctx.today()
    if q.text and q.by == "reference":
        return _by_reference(ctx, staff, top, q, today)
    lower: str | None
    upper: str | None
    if q.text and q.by in PRIVATE:
        value = contact_index.name_key(q.text) if q.by == "name" else contact_index.mobile_key(q.text)
        listing = contact_index.BY_NAME if q.by == "name" else contact_index.BY_MOBILE
        sort = contact_index.keyed(ctx.secret_key, listing, value)
        lower, upper, descending = sort, sort + "~", False
    else:
        listing = RECEIVED
        (lower, upper), descending = _arrival_bounds(q), True

    def fetch(inner: str | None, n: int) -> tuple[list[Entry], str | None]:
        return ctx.store.listing(COLLECTION, listing, top, limit=n, after=inner, lower=lower, upper=upper,
                                 descending=descending)
    found = scan(fetch, _matcher(ctx, q, today), PAGE, SCAN_BUDGET, after)
    return Found([casework.row_of(ctx, e, today) for e in found.found], found.next_token, found.read, found.spent)


def _by_reference(ctx: PortalContext, staff: Staff, top: str, q: Query, today: dt.date) -> Found:
    """The case of that reference, if it lies in scope and passes the filters (out of scope: none)."""
    record = ctx.store.get(COLLECTION, q.text.upper())
    if record is None or record.unit is None or not ctx.in_scope(top, record.unit):
        return Found([], None, 1)
    case = StoredCase.of(record, case_store.parts_of(ctx, record, notes=False)).case
    entry = Entry(COLLECTION, record.key, QUEUE, record.unit, case.queue_sort(), record.version, record.created_at,
                  case.queue_summary())
    keep = _matcher(ctx, replace(q, text=""), today)
    return Found([casework.row_of(ctx, entry, today)] if keep(entry) else [], None, 1)
