"""Feedback (意见建议) and consultation comments (征求意见) for staff: lists in scope, and the
decision 采纳 / 不予采纳 with a reason, one audited update each."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from functions.domain.access import Permission
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.identity import masked_contact
from functions.domain.text import reject_control_characters
from functions.store.protocol import AuditEvent, Record, VersionConflict

from .accounts import Staff
from .context import PortalContext
from .scope import newest_first, require
from .submissions import COMMENT, FEEDBACK

DECISIONS = {"adopted": "采纳", "rejected": "不予采纳"}
MAX_REASON = 1000


@dataclass(frozen=True)
class Opinion:
    """One feedback message or comment as staff see it: who sent it is masked, like on the case page."""

    record: Record
    sender: str  # e.g. "张* · 138****8000", or "" when the sender left nothing


def sender_of(data: dict) -> str:
    contact = dict(data.get("contact") or {})
    if data.get("name") and not contact.get("name"):
        contact["name"] = data["name"]
    masked = masked_contact(**{k: contact.get(k) for k in ("name", "mobile", "email", "id_number")})
    return " · ".join(v for v in masked.values() if v)


@dataclass(frozen=True)
class CommentGroup:
    id: str
    title: str
    comments: list[Opinion]


@dataclass(frozen=True)
class Opinions:
    feedback: list[Opinion]
    groups: list[CommentGroup]


def opinions(ctx: PortalContext, staff: Staff) -> Opinions:
    """Feedback newest first; comments grouped by draft, in article order, then by time."""
    require(staff, Permission.view_opinions)
    by_consultation: dict[str, list[Record]] = {}
    for record in newest_first(ctx, staff, COMMENT):
        by_consultation.setdefault(record.data["consultation"], []).append(record)
    groups = []
    for cid, records in sorted(by_consultation.items()):
        window = ctx.registry.consultations.get(cid)
        order = {a: i for i, a in enumerate(window.articles)} if window else {}
        records.sort(key=lambda r: (order.get(r.data.get("article"), len(order)), r.data["received"]))
        groups.append(CommentGroup(cid, window.title if window else cid,
                                   [Opinion(r, sender_of(r.data)) for r in records]))
    return Opinions([Opinion(r, sender_of(r.data)) for r in newest_first(ctx, staff, FEEDBACK)], groups)


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
    try:
        return ctx.store.update(dataclasses.replace(record, data=new), expected_version=record.version, audit=audit)
    except VersionConflict:
        raise ConflictError("这条意见已被他人处理，请刷新后查看") from None
