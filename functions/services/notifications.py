"""The outbox: messages are written to the Store in the same transaction as the change they tell of,
then delivered after commit by a Notifier, with retries and back-off; failures stay visible to
admins and can be retried; nothing is lost and nothing is sent twice by the portal itself.

Each message is a record of the unit it concerns (the case's handling unit, the staff member's unit),
so the province reads every message from one listing per state; `data["state"]` and the one listing
the record is in say where it is, the listing's sort orders it:
  pending  (by due time) ─claim→ sending (by claim time) ─sent→ sent (newest first)
                                    └─failed→ pending again later (back-off) or failed (newest first)
A claim is a version-checked update, so two deliverers never send one message. A process that dies
between claim and send leaves the message in `sending`; after 10 minutes it is moved to `failed`
with "发送状态不明" for an admin to check and retry — the portal does not guess and send twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from functions.domain.access import Permission
from functions.domain.errors import NotFoundError
from functions.domain.identity import mask, mask_email
from functions.domain.notices import Notice
from functions.notify.protocol import DeliveryFailed, Message
from functions.store import to_iso
from functions.store.protocol import AlreadyExists, AuditEvent, Listing, Record, VersionConflict

from .accounts import Staff
from .context import PortalContext
from .scope import require

OUTBOX = "outbox"
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"  # the states, each a listing
BACK_OFF = (60, 300, 1800, 7200, 43200)  # seconds before the 2nd … 6th try; then it is failed
STUCK_AFTER = dt.timedelta(minutes=10)
STATE_LABELS = {PENDING: "待发送", SENDING: "发送中", SENT: "已发送", FAILED: "发送失败"}
_log = logging.getLogger("functions.notifications")


def _newest_first(moment: dt.datetime) -> str:
    return f"{10**12 - int(moment.timestamp()):013d}"


def _home(ctx: PortalContext, unit: str | None) -> str:
    """The unit a message is kept under: the one it concerns, else the top of the network."""
    return unit if unit and unit in ctx.org else ctx.org.roots[0]


def _message(key: str, unit: str, data: dict[str, Any], now: dt.datetime) -> Record:
    return Record(OUTBOX, key, {**data, "state": PENDING, "attempts": 0, "created": now.isoformat(), "last_error": None},
                  now, unit=unit, listings=(Listing(PENDING, to_iso(now)),))


def outbox_records(ctx: PortalContext, notices: list[Notice], reference: str | None, unit: str | None,
                   now: dt.datetime) -> tuple[Record, ...]:
    """The outbox records of `notices`, due now (to be written with the change that sends them)."""
    return tuple(_message(str(uuid.uuid4()), _home(ctx, unit), {
        "kind": n.kind, "channel": n.channel, "to": n.to, "subject": n.subject, "text": n.text,
        "reference": reference}, now) for n in notices)


def with_audit(records: tuple[Record, ...], actor: str = "system",
               action: str = "queued") -> tuple[tuple[Record, AuditEvent], ...]:
    """(record, its first audit event) pairs, as Store.update takes the records it inserts. A message's
    events name no unit: the units' audit logs tell of cases, not of the letters about them."""
    return tuple((r, AuditEvent(r.collection, r.key, r.created_at, actor=actor, action=action,
                                unit=None if r.collection == OUTBOX else r.unit)) for r in records)


def messages(ctx: PortalContext, state: str, limit: int = 100, after: str | None = None,
             upper: str | None = None) -> tuple[list[Record], str | None]:
    """The messages in one state over the whole network, in the state's order (sort < `upper`)."""
    entries, token = ctx.store.listing(OUTBOX, state, ctx.org.roots[0], limit=limit, after=after, upper=upper)
    return ctx.store.get_many(OUTBOX, [e.key for e in entries]), token


def masked_to(data: dict[str, Any]) -> str:
    return (mask_email(data["to"]) if data["channel"] == "email" else mask(data["to"])) or ""


def _move(ctx: PortalContext, record: Record, state: str, sort: str, action: str, actor: str = "system",
          **changes: Any) -> Record:
    audit = AuditEvent(OUTBOX, record.key, ctx.clock(), actor=actor, action=action, unit=None,
                       before={"state": record.data.get("state")}, after={"state": state})
    return ctx.store.update(dataclasses.replace(record, listings=(Listing(state, sort),),
                                                data={**record.data, **changes, "state": state}),
                            expected_version=record.version, audit=audit)


def _deliver(ctx: PortalContext, record: Record) -> bool:
    """Claim, send, record the outcome. False when another deliverer had it first."""
    if ctx.notifier is None or record.data.get("state") != PENDING:
        return False  # moved on between reading the list and reading the message
    now = ctx.clock()
    try:
        claimed = _move(ctx, record, SENDING, to_iso(now), "claimed", attempts=record.data["attempts"] + 1)
    except VersionConflict:
        return False
    data = claimed.data
    try:
        ctx.notifier.send(Message(claimed.key, data["channel"], data["to"], data["subject"], data["text"]))
    except DeliveryFailed as exc:
        attempts = data["attempts"]
        if exc.permanent or attempts > len(BACK_OFF):
            _move(ctx, claimed, FAILED, _newest_first(now), "failed", last_error=exc.reason)
        else:
            later = now + dt.timedelta(seconds=BACK_OFF[attempts - 1])
            _move(ctx, claimed, PENDING, to_iso(later), "retry_later", last_error=exc.reason)
        _log.warning("outbox message %s not delivered (attempt %d): %s", claimed.key, attempts, exc.reason)
        return True
    _move(ctx, claimed, SENT, _newest_first(now), "sent", sent_at=now.isoformat(), last_error=None)
    return True


def deliver(ctx: PortalContext, records: tuple[Record, ...]) -> None:
    """Right after a commit: try to send its messages now. Never raises: whatever is left is sent by
    `deliver_due` later, so a slow or broken provider never breaks the change itself."""
    for record in records:
        try:
            _deliver(ctx, record)
        except Exception as exc:  # noqa: BLE001 - the change is committed; the worker will retry
            _log.warning("outbox delivery deferred: %s", type(exc).__name__)


def deliver_due(ctx: PortalContext, limit: int = 100) -> int:
    """Send every pending message that is due (the worker: a thread locally, a schedule on AWS);
    also moves messages stuck in `sending` to `failed`. Returns how many were handled."""
    now = ctx.clock()
    stuck_before = to_iso(now - STUCK_AFTER)
    for stuck in messages(ctx, SENDING, limit, upper=stuck_before)[0]:
        if stuck.data.get("state") != SENDING or not all(entry.sort < stuck_before for entry in stuck.listings):
            continue  # sent or claimed again since the list was read
        try:
            _move(ctx, stuck, FAILED, _newest_first(now), "unconfirmed",
                  last_error="发送状态不明（发送过程中断），请确认对方是否已收到后再决定是否重发")
        except VersionConflict:
            pass
    handled = 0
    # The pending list is ordered by due time: what is due now is its beginning.
    for record in messages(ctx, PENDING, limit, upper=to_iso(now + dt.timedelta(microseconds=1)))[0]:
        handled += _deliver(ctx, record)
    return handled


@dataclass(frozen=True)
class OutboxRow:
    key: str
    state: str
    label: str
    channel: str
    to: str
    text: str
    reference: str | None
    attempts: int
    last_error: str | None
    created: str


def _rows(ctx: PortalContext, state: str, limit: int) -> list[OutboxRow]:
    records = messages(ctx, state, limit)[0]
    return [OutboxRow(r.key, state, STATE_LABELS[state], "短信" if r.data["channel"] == "sms" else "电子邮件",
                      masked_to(r.data), _masked_text(r.data), r.data.get("reference"), r.data["attempts"],
                      r.data.get("last_error"), r.data["created"]) for r in records]


def _masked_text(data: dict[str, Any]) -> str:
    """One-time codes are for the petitioner's phone only, not for an admin's screen."""
    if data.get("kind") == "recovery":
        return "（验证码短信，内容不显示）"
    return str(data["text"])


def _require_top_admin(ctx: PortalContext, admin: Staff) -> None:
    """The outbox serves the whole network: only the province's 管理员 looks after it."""
    require(admin, Permission.manage_staff)
    if admin.unit not in ctx.org.roots:
        raise NotFoundError("没有这个页面")


def overview(ctx: PortalContext, admin: Staff) -> dict[str, list[OutboxRow]]:
    _require_top_admin(ctx, admin)
    return {state: _rows(ctx, state, 100) for state in (FAILED, PENDING, SENDING, SENT)}


def retry(ctx: PortalContext, admin: Staff, key: str) -> None:
    _require_top_admin(ctx, admin)
    record = ctx.store.get(OUTBOX, key)
    if record is None or record.data.get("state") != FAILED:
        raise NotFoundError("没有这条待重发的消息")
    _move(ctx, record, PENDING, to_iso(ctx.clock()), "retry", actor=admin.username, last_error=None)


DIGEST_LINES = 50  # cases listed per kind in one digest; the rest are counted


def _listed(label: str, lines: list[str]) -> str:
    shown = "".join(f"{label}：{line}\n" for line in lines[:DIGEST_LINES])
    more = len(lines) - DIGEST_LINES
    return shown + (f"{label}的另有 {more} 件，请登录工作台查看。\n" if more > 0 else "")


def daily_digest(ctx: PortalContext) -> int:
    """One e-mail a day to each 办理员 and 审核员 with an e-mail address: the cases their unit handles
    that are 即将超期 or 已超期 (references, stages and deadlines only: no petitioner's data in a
    mailbox). Two reads of the whole network: the open queue up to the due-soon bound (by deadline,
    so nothing later is read) and the staff accounts. Safe to run twice a day: the day's message for
    a person has a fixed key, so it is queued once."""
    from functions.domain.access import Role
    from functions.domain.case import COLLECTION, QUEUE, Stage

    from . import accounts
    from .casework import days_left, deadline_bounds, left_text
    from .scope import Reading, every

    now, today = ctx.clock(), ctx.today()
    root = ctx.org.roots[0]
    first, end = deadline_bounds(ctx, today)
    late: dict[str, list[str]] = {}
    soon: dict[str, list[str]] = {}
    for entry in every(ctx, [Reading(COLLECTION, QUEUE, root, upper=end)]):
        summary = entry.summary
        if not summary.get("deadline"):
            continue
        due = dt.date.fromisoformat(summary["deadline"])
        line = (f"{entry.key}（{Stage(summary['stage']).label}，期限 {due}，"
                f"{left_text(days_left(ctx, due, today))}）")
        (late if summary["deadline"] < first else soon).setdefault(entry.unit, []).append(line)
    people: dict[str, list[accounts.Staff]] = {}
    for entry in every(ctx, [Reading(accounts.STAFF, accounts.ACCOUNTS, root)]):
        person = accounts.staff_of(entry.summary, entry.unit)
        if not person.disabled and person.email and person.role in (Role.handler, Role.approver):
            people.setdefault(entry.unit, []).append(person)
    queued = 0
    for code in sorted(set(late) | set(soon)):
        if code not in people:
            continue
        unit_late, unit_soon = late.get(code, []), soon.get(code, [])
        name = ctx.unit_names.get(code, code)
        text = (f"{name}今日信访事项期限提醒：已超期 {len(unit_late)} 件，即将超期 {len(unit_soon)} 件。\n"
                + _listed("已超期", unit_late) + _listed("即将超期", unit_soon)
                + f"请登录工作台办理：{ctx.site_url.rstrip('/')}/review/cases?view=overdue")
        for person in people[code]:
            record = _message(f"digest-{today.isoformat()}-{person.username}", code, {
                "kind": "digest", "channel": "email", "to": person.email, "subject": f"{name}信访事项期限提醒（{today}）",
                "text": text, "reference": None}, now)
            try:
                ctx.store.insert(record, audit=AuditEvent(OUTBOX, record.key, now, actor="system", action="queued"))
                queued += 1
            except AlreadyExists:
                pass
    return queued
