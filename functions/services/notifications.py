"""The outbox: messages are written to the Store in the same transaction as the change they tell of,
then delivered after commit by a Notifier, with retries and back-off; failures stay visible to
admins and can be retried; nothing is lost and nothing is sent twice by the portal itself.

Life of a message (its record's `unit` is its state, `queue_sort` orders each state's queue):
  outbox:pending  (due at queue_sort) ─claim→ outbox:sending ─sent→ outbox:sent (newest first)
                                          └─failed→ pending again later (back-off) or outbox:failed
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

from functions.domain.access import Permission
from functions.domain.errors import NotFoundError
from functions.domain.identity import mask, mask_email
from functions.domain.notices import Notice
from functions.notify.protocol import DeliveryFailed, Message
from functions.store import to_iso
from functions.store.protocol import AlreadyExists, AuditEvent, Record, VersionConflict

from .accounts import Staff
from .context import PortalContext
from .scope import require

OUTBOX = "outbox"
PENDING, SENDING, SENT, FAILED = "outbox:pending", "outbox:sending", "outbox:sent", "outbox:failed"
BACK_OFF = (60, 300, 1800, 7200, 43200)  # seconds before the 2nd … 6th try; then it is failed
STUCK_AFTER = dt.timedelta(minutes=10)
STATE_LABELS = {PENDING: "待发送", SENDING: "发送中", SENT: "已发送", FAILED: "发送失败"}
_log = logging.getLogger("functions.notifications")


def _newest_first(moment: dt.datetime) -> str:
    return f"{10**12 - int(moment.timestamp()):013d}"


def outbox_records(notices: list[Notice], reference: str | None, now: dt.datetime) -> tuple[Record, ...]:
    """The outbox records of `notices`, due now (to be written with the change that sends them)."""
    return tuple(Record(OUTBOX, str(uuid.uuid4()), {
        "kind": n.kind, "channel": n.channel, "to": n.to, "subject": n.subject, "text": n.text,
        "reference": reference, "attempts": 0, "created": now.isoformat(), "last_error": None},
        now, unit=PENDING, queue_sort=to_iso(now)) for n in notices)


def with_audit(records: tuple[Record, ...], actor: str = "system", action: str = "queued") -> tuple:
    """(record, its first audit event) pairs, as Store.update takes the records it inserts."""
    return tuple((r, AuditEvent(r.collection, r.key, r.created_at, actor=actor, action=action, unit=r.unit
                                if not r.unit or not r.unit.startswith("outbox:") else None)) for r in records)


def masked_to(data: dict) -> str:
    return mask_email(data["to"]) if data["channel"] == "email" else mask(data["to"]) or ""


def _move(ctx: PortalContext, record: Record, state: str, sort: str | None, action: str, actor: str = "system",
          **changes) -> Record:
    audit = AuditEvent(OUTBOX, record.key, ctx.clock(), actor=actor, action=action, unit=None,
                       before={"state": record.unit}, after={"state": state})
    return ctx.store.update(dataclasses.replace(record, unit=state, queue_sort=sort,
                                                data={**record.data, **changes}),
                            expected_version=record.version, audit=audit)


def _deliver(ctx: PortalContext, record: Record) -> bool:
    """Claim, send, record the outcome. False when another deliverer had it first."""
    if ctx.notifier is None:
        return False
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
    for stuck in ctx.store.queue(OUTBOX, SENDING, limit=limit)[0]:
        if stuck.queue_sort and stuck.queue_sort < to_iso(now - STUCK_AFTER):
            try:
                _move(ctx, stuck, FAILED, _newest_first(now), "unconfirmed",
                      last_error="发送状态不明（发送过程中断），请确认对方是否已收到后再决定是否重发")
            except VersionConflict:
                pass
    handled = 0
    for record in ctx.store.queue(OUTBOX, PENDING, limit=limit)[0]:
        if record.queue_sort and record.queue_sort > to_iso(now):
            break  # the queue is ordered by due time
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
    records = ctx.store.queue(OUTBOX, state, limit=limit)[0]
    return [OutboxRow(r.key, state, STATE_LABELS[state], "短信" if r.data["channel"] == "sms" else "电子邮件",
                      masked_to(r.data), _masked_text(r.data), r.data.get("reference"), r.data["attempts"],
                      r.data.get("last_error"), r.data["created"]) for r in records]


def _masked_text(data: dict) -> str:
    """One-time codes are for the petitioner's phone only, not for an admin's screen."""
    if data.get("kind") == "recovery":
        return "（验证码短信，内容不显示）"
    return data["text"]


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
    if record is None or record.unit != FAILED:
        raise NotFoundError("没有这条待重发的消息")
    _move(ctx, record, PENDING, to_iso(ctx.clock()), "retry", actor=admin.username, last_error=None)


def daily_digest(ctx: PortalContext) -> int:
    """One e-mail a day to each 办理员 and 审核员 with an e-mail address: their unit's cases that are
    即将超期 or 已超期 (references, stages and deadlines only: no petitioner's data in a mailbox).
    Safe to run twice a day: the day's message for a person has a fixed key, so it is queued once."""
    from functions.domain.access import Role
    from functions.domain.case import COLLECTION, OPEN, Case

    from . import accounts
    from .casework import days_left, deadline_state, left_text

    now, today = ctx.clock(), ctx.today()
    queued = 0
    for code in ctx.org.units:
        people = [accounts.get_staff(ctx.store, r.key) for r in ctx.store.queue(accounts.STAFF, code, limit=500)[0]]
        people = [p for p in people if p and not p.disabled and p.email and p.role in (Role.handler, Role.approver)]
        if not people:
            continue
        late, soon = [], []
        token = None
        while True:
            page, token = ctx.store.queue(COLLECTION, code, limit=200, after=token)
            for record in page:
                case = Case.from_data(record.data)
                state = deadline_state(ctx, case, today) if case.stage in OPEN else None
                due = case.nearest_deadline()
                if state and due:
                    line = f"{case.reference}（{case.stage.label}，期限 {due}，{left_text(days_left(ctx, due, today))}）"
                    (late if state == "overdue" else soon).append(line)
            if token is None:
                break
        if not late and not soon:
            continue
        name = ctx.unit_names.get(code, code)
        text = (f"{name}今日信访事项期限提醒：已超期 {len(late)} 件，即将超期 {len(soon)} 件。\n"
                + "".join(f"已超期：{line}\n" for line in late) + "".join(f"即将超期：{line}\n" for line in soon)
                + f"请登录工作台办理：{ctx.site_url.rstrip('/')}/review/cases?view=overdue")
        for person in people:
            record = Record(OUTBOX, f"digest-{today.isoformat()}-{person.username}", {
                "kind": "digest", "channel": "email", "to": person.email, "subject": f"{name}信访事项期限提醒（{today}）",
                "text": text, "reference": None, "attempts": 0, "created": now.isoformat(), "last_error": None},
                now, unit=PENDING, queue_sort=to_iso(now))
            try:
                ctx.store.insert(record, audit=AuditEvent(OUTBOX, record.key, now, actor="system", action="queued"))
                queued += 1
            except AlreadyExists:
                pass
    return queued


