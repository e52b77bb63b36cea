"""Feedback (意见建议) and consultation comments (征求意见) for staff: lists in scope, a page at a time,
and the decision 采纳 / 不予采纳 with a reason, one audited update each."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from functions.domain.access import Permission
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.identity import masked_contact
from functions.domain.text import reject_control_characters
from functions.store.protocol import AuditEvent, Entry, Record, VersionConflict

from .accounts import Staff
from .context import PortalContext
from .scope import Reading, page, require
from .submissions import COMMENT, FEEDBACK, RECEIVED, comment_counter, consultation_listing

DECISIONS = {"adopted": "采纳", "rejected": "不予采纳"}
MAX_REASON = 1000
FEEDBACK_PAGE, COMMENT_PAGE = 50, 20


@dataclass(frozen=True)
class Opinion:
    """One feedback message or comment as staff see it: who sent it is masked, like on the case page."""

    record: Entry  # the list entry: its summary is the whole message (key, version, data)
    sender: str  # e.g. "张* · 138****8000", or "" when the sender left nothing

    @property
    def data(self) -> dict[str, Any]:
        return self.record.summary


def sender_of(data: dict[str, Any]) -> str:
    contact = dict(data.get("contact") or {})
    if data.get("name") and not contact.get("name"):
        contact["name"] = data["name"]
    masked = masked_contact(**{k: contact.get(k) for k in ("name", "mobile", "email", "id_number")})
    return " · ".join(v for v in masked.values() if v)


@dataclass(frozen=True)
class CommentGroup:
    id: str
    title: str
    total: int
    comments: list[Opinion]
    next_token: str | None = None


@dataclass(frozen=True)
class Opinions:
    feedback: list[Opinion]
    groups: list[CommentGroup]
    feedback_next: str | None = None
    consultation: str | None = None  # the one draft whose comments are paged through, if any


def _opinions(entries: list[Entry]) -> list[Opinion]:
    return [Opinion(e, sender_of(e.summary)) for e in entries]


def comment_group(ctx: PortalContext, staff: Staff, consultation: str, after: str | None = None) -> CommentGroup:
    """A page of one draft's comments in article order, then by time (404 when out of scope)."""
    require(staff, Permission.view_opinions)
    window = ctx.registry.consultations.get(consultation)
    if window is None or not ctx.in_scope(staff.unit, window.unit):
        raise NotFoundError("没有这个页面")
    entries, token = page(ctx, [Reading(COMMENT, consultation_listing(consultation), window.unit)], COMMENT_PAGE, after)
    total = ctx.store.counters(comment_counter(consultation)).get("comments", 0)
    return CommentGroup(consultation, window.title, total, _opinions(entries), token)


def opinions(ctx: PortalContext, staff: Staff, feedback_after: str | None = None,
             consultation: str | None = None, after: str | None = None) -> Opinions:
    """Feedback newest first, a page at a time; each draft in scope with its first comments — or, for one
    draft, a page of its comments."""
    require(staff, Permission.view_opinions)
    if consultation is not None:
        return Opinions([], [comment_group(ctx, staff, consultation, after)], None, consultation)
    groups = [comment_group(ctx, staff, cid) for cid, window in sorted(ctx.registry.consultations.items())
              if ctx.in_scope(staff.unit, window.unit)]
    feedback, token = page(ctx, [Reading(FEEDBACK, RECEIVED, staff.unit, descending=True)], FEEDBACK_PAGE,
                           feedback_after)
    return Opinions(_opinions(feedback), [g for g in groups if g.total or g.comments], token)


def decide(ctx: PortalContext, staff: Staff, collection: str, key: str, version: str | None,
           decision: str | None, reason: str | None) -> Record:
    require(staff, Permission.handle_opinions)
    if collection not in (FEEDBACK, COMMENT):
        raise NotFoundError("没有这个页面")
    record = ctx.store.get(collection, key)
    if record is None or not ctx.in_scope(staff.unit, record.unit):
        raise NotFoundError("没有这个页面")
    reason = (reason or "").strip()
    if decision not in DECISIONS or not reason or len(reason) > MAX_REASON:
        raise InvalidSubmission(f"请选择采纳或不予采纳，并填写理由（不超过 {MAX_REASON} 字）", field="reason")
    try:
        reject_control_characters(reason)
    except ValueError as exc:
        raise InvalidSubmission(f"理由{exc}", field="reason") from None
    if str(record.version) != version:
        raise ConflictError("这条意见已被他人处理，请刷新后查看")
    new = {**record.data, "decision": decision, "reason": reason, "decided_by": staff.username,
           "decided_on": ctx.today().isoformat()}
    audit = AuditEvent(collection, key, ctx.clock(), actor=staff.username, action=f"opinion_{decision}",
                       unit=record.unit, before={"decision": record.data.get("decision")}, after={"decision": decision})
    listings = tuple(dataclasses.replace(listing, summary=None) for listing in record.listings)
    try:
        return ctx.store.update(dataclasses.replace(record, data=new, listings=listings),
                                expected_version=record.version, audit=audit)
    except VersionConflict:
        raise ConflictError("这条意见已被他人处理，请刷新后查看") from None
