"""留言选登 and 办理情况统计: what comes back out to the public.

A message is published only with the petitioner's consent, only for 建议意见 and 咨询 (also when
written to a 领导信箱), only after the reply, and only as a staff member with approval rights edited
it (the editor starts from a redacted copy: names, mobiles, ID numbers, e-mails and addresses masked).
Publication and withdrawal are transitions of the case (audited like every other); the published
text is its own Store record, served by a function: a withdrawal takes effect at once, everywhere,
with nothing left in the static site or its git history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from functions.domain.case import COLLECTION, FACTS, Case, PetitionKind
from functions.domain.errors import NotFoundError
from functions.domain.redaction import redact
from functions.domain.statistics import CaseFacts, Figures, by_group_and_month
from functions.store import Listing as StoreListing
from functions.store.protocol import AuditEvent, Record, VersionConflict

from . import case_store
from .context import PortalContext
from .scope import Reading, every

PUBLISHED = "published_message"
SHOWN = "shown"  # the listing of published messages, newest first; a withdrawn one leaves it
PAGE_SIZE = 20
STATS_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Draft:
    """What the publish form starts from: the originals and their redacted copies."""

    subject: str
    body: str
    reply: str
    original_subject: str
    original_body: str
    original_reply: str


def draft(case: Case) -> Draft:
    names = [case.contact.name or ""]
    reply = case.public_reply.text if case.public_reply else ""
    return Draft(redact(case.subject, names), redact(case.body, names), redact(reply, names),
                 case.subject, case.body, reply)


def _newest_first(day: dt.date, reference: str) -> str:
    return f"{99999999 - int(day.strftime('%Y%m%d')):08d}|{reference}"


def published_record(case: Case, now: dt.datetime) -> Record:
    """The public copy, written in the same transaction as the 公开选登 step."""
    assert case.publication is not None
    p = case.publication
    data = {"reference": case.reference, "kind": case.kind.value, "mailbox": case.mailbox, "subject": p.subject,
            "text": p.text, "reply": p.reply, "unit": p.unit, "received": case.received_day().isoformat(),
            "replied": case.public_reply.date.isoformat() if case.public_reply else None,
            "published": p.published_on.isoformat()}
    return Record(PUBLISHED, case.reference, data, now, unit=p.unit,
                  listings=(StoreListing(SHOWN, _newest_first(p.published_on, case.reference)),))


def take_down(ctx: PortalContext, reference: str, actor: str) -> None:
    """Before the case records the withdrawal: the public copy loses its text and leaves every list.
    (If the process stops in between, the message is already gone; withdrawing again finishes it.)"""
    record = ctx.store.get(PUBLISHED, reference)
    if record is None or record.data.get("withdrawn"):
        return
    audit = AuditEvent(PUBLISHED, reference, ctx.clock(), actor=actor, action="withdrawn", unit=record.unit)
    try:
        ctx.store.update(dataclasses.replace(record, data={"reference": reference, "withdrawn": True}, listings=()),
                         expected_version=record.version, audit=audit)
    except VersionConflict:
        take_down(ctx, reference, actor)


# --- the public side ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Listing:
    items: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def _words(text: str) -> list[str]:
    from search_index.analyzer import words  # the portal's one Chinese segmenter

    return [w for w in words(text) if w.strip()]


def listing(ctx: PortalContext, unit: str | None = None, kind: str | None = None, month: str | None = None,
            q: str | None = None, page: int = 1) -> Listing:
    """Published messages, newest first, filtered by unit (with everything below it), kind, month and
    words (every word of `q` must appear in the title, the message or the reply)."""
    top = unit if unit is not None and unit in ctx.org else ctx.org.roots[0]
    found = [e.summary for e in every(ctx, [Reading(PUBLISHED, SHOWN, top)])]
    if kind:
        found = [d for d in found if d["kind"] == kind or (kind == "mailbox" and d.get("mailbox"))]
    if month:
        found = [d for d in found if d["published"].startswith(month)]
    terms = _words(q or "")
    if terms:
        found = [d for d in found if all(t in f"{d['subject']} {d['text']} {d['reply']}" for t in terms)]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return Listing([{**d, "unit_name": ctx.unit_names.get(d["unit"], d["unit"]),
                     "kind_label": PetitionKind(d["kind"]).label} for d in shown], len(found), page, pages)


def message(ctx: PortalContext, reference: str) -> dict[str, Any]:
    record = ctx.store.get(PUBLISHED, reference)
    if record is None or record.data.get("withdrawn"):
        raise NotFoundError("没有这条留言，或已撤回")
    return {**record.data, "unit_name": ctx.unit_names.get(record.data["unit"], record.data["unit"]),
            "kind_label": PetitionKind(record.data["kind"]).label}


# --- 办理情况统计 --------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatsRow:
    unit: str
    name: str
    figures: Figures


_cache: dict[tuple[Any, ...], tuple[float, object]] = {}
_cache_lock = threading.Lock()


def statistics(ctx: PortalContext, unit: str | None, month: str | None) -> tuple[list[StatsRow], list[str]]:
    """Per child unit of `unit` (each with its subtree) in `month` (or all months): received, replied in
    time, average days to reply, satisfaction. Public figures, computed from the Store and cached."""
    top = unit if unit is not None and unit in ctx.org else ctx.org.roots[0]
    key = (id(ctx), top, month)
    with _cache_lock:
        hit = _cache.get(key)
        if hit and time.monotonic() - hit[0] < STATS_CACHE_SECONDS:
            return hit[1]  # type: ignore[return-value]
    groups = {code: child for child in ctx.org.children(top) for code in ctx.org.subtree(child)}
    groups[top] = top
    lower: str | None = None
    upper: str | None = None
    if month:
        lower, upper = case_store.month_bounds(month, month)
    cases = [CaseFacts.from_summary(e.summary)
             for e in every(ctx, [Reading(COLLECTION, FACTS, top, lower=lower, upper=upper)])]
    table = by_group_and_month(cases, lambda c: groups.get(c.unit))
    counted = ctx.store.counters(case_store.counter_scope(top))  # received|YYYY-MM, kept by every new case
    prefix = f"{case_store.RECEIVED_COUNTER}|"
    months = sorted((name[len(prefix):] for name, n in counted.items() if name.startswith(prefix) and n), reverse=True)
    rows = []
    for group in [top, *ctx.org.children(top)]:
        figures = Figures()
        for (g, m), f in table.items():
            if g == group and (month is None or m == month):
                for name in ("received", "replied", "replied_in_time", "rated", "rated_good", "reviews"):
                    setattr(figures, name, getattr(figures, name) + getattr(f, name))
                figures.days_to_reply += f.days_to_reply
        name = ctx.unit_names[group] + ("（本级）" if group == top and ctx.org.children(top) else "")
        rows.append(StatsRow(group, name, figures))
    result = (rows, months)
    with _cache_lock:
        _cache[key] = (time.monotonic(), result)
    return result
