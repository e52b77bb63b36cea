"""Staff work on petition cases: queues in scope, the case page, actions, the edit lock, notes,
reveals and attachments.

Every change is one Store.update with its audit event and the version the staff member saw, so a
stale form becomes a ConflictError, never an overwrite (functions.services.case_store writes it).
Out-of-scope cases answer NotFoundError (the same as a missing one) and the attempt is written to the
audit log. Queues are pages of the case listings for the staff member's whole subtree: a page reads
what it shows and no more, whatever the size of the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from functions.blobs.protocol import ATTACHMENTS
from functions.domain import transitions
from functions.domain.access import Permission, Role, allowed
from functions.domain.case import (
    COLLECTION,
    DONE,
    FINISHED,
    KIND_LABELS,
    OPEN,
    QUEUE,
    RATING_LABELS,
    Case,
    EditLock,
    Note,
    PetitionKind,
    Rating,
    Stage,
    stage_listing,
)
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.identity import masked_contact
from functions.domain.notices import notices_for
from functions.domain.text import reject_control_characters
from functions.domain.time_limits import TIME_LIMITS
from functions.store.protocol import AuditEvent, Entry, Record, VersionConflict
from site_builder.chinatime import china_clock

from . import audit_log, case_store, dialogue
from .accounts import Staff
from .case_store import StoredCase
from .context import PortalContext
from .notifications import deliver, outbox_records, with_audit
from .scope import Reading, every, page, require

LOCK_FOR = dt.timedelta(minutes=15)
DUE_SOON = 3  # working days
OUT_OF_SCOPE = "（范围外）"  # stands for a case reference the reader of that log may not see
STALE = "这件信访事项已被他人修改，请刷新页面查看最新情况后再操作"
VIEWS = (("all", "全部"), ("due_soon", "即将超期"), ("overdue", "已超期"), ("open", "未办结"), ("closed", "已办结"))
CONTACT_LABELS = (("name", "姓名"), ("mobile", "手机号码"), ("email", "电子邮箱"), ("id_number", "居民身份证号"))


PAGE = 50


@dataclass(frozen=True)
class QueueRow:
    reference: str
    subject: str
    kind: str
    stage: str
    stage_code: str
    unit: str
    unit_code: str
    deadline: dt.date | None
    left: str
    state: str | None
    received: dt.datetime
    rating: str = ""
    review_reasons: str = ""
    attachments: str = ""
    mailbox: str = ""  # the 领导信箱 it was written to, by name
    version: int = 0   # of the case when the list was read: a bulk action names it


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    date: dt.date
    left: str
    state: str | None
    note: str | None


# --- deadlines -----------------------------------------------------------------------------------

def days_left(ctx: PortalContext, due: dt.date, today: dt.date) -> int:
    """Working days from today to a deadline (negative once overdue)."""
    return ctx.calendar.working_days_between(today, due)


def left_text(days: int) -> str:
    return f"已超期 {-days} 个工作日" if days < 0 else f"剩 {days} 个工作日"


def _state(days: int) -> str | None:
    return "overdue" if days < 0 else "due_soon" if days <= DUE_SOON else None


def deadline_bounds(ctx: PortalContext, today: dt.date) -> tuple[str, str]:
    """(first, end) as ISO dates: a deadline before `first` is overdue (a working day has passed since
    it), one from `first` up to the day before `end` is due soon (3 working days or less)."""
    first = today
    while not ctx.calendar.is_working_day(first):
        first -= dt.timedelta(days=1)
    return first.isoformat(), ctx.calendar.add_working_days(today, DUE_SOON + 1).isoformat()


# --- reading -------------------------------------------------------------------------------------

def _readings(ctx: PortalContext, top: str, view: str, stage: str | None, today: dt.date) -> list[Reading]:
    """The listings a queue view reads, in order: 全部 is the open queue, then the finished cases."""
    first, end = deadline_bounds(ctx, today)
    bounds = {"overdue": (None, first), "due_soon": (first, end)}.get(view, (None, None))
    if stage is not None:
        finished = Stage(stage) in FINISHED
        if (view == "closed" and not finished) or (view in ("open", "overdue", "due_soon") and finished):
            return []
        return [Reading(COLLECTION, stage_listing(stage), top, *bounds)]
    if view == "all":
        return [Reading(COLLECTION, QUEUE, top), Reading(COLLECTION, DONE, top)]
    return [Reading(COLLECTION, DONE if view == "closed" else QUEUE, top, *bounds)]


def _top(ctx: PortalContext, staff: Staff, unit: str | None) -> str:
    return unit if unit and ctx.in_scope(staff.unit, unit) else staff.unit


def row_of(ctx: PortalContext, entry: Entry, today: dt.date) -> QueueRow:
    """A queue row from a listing entry (Case.queue_summary): nothing else is read."""
    s = entry.summary
    stage = Stage(s["stage"])
    due = dt.date.fromisoformat(s["deadline"]) if s.get("deadline") else None
    left = days_left(ctx, due, today) if due else None
    unit = s["handling_unit"]
    return QueueRow(reference=entry.key, subject=s["subject"], kind=KIND_LABELS[PetitionKind(s["kind"])],
                    stage=stage.label, stage_code=stage.value, unit=ctx.unit_names.get(unit, unit), unit_code=unit,
                    deadline=due, left=left_text(left) if left is not None else "",
                    state=_state(left) if left is not None and stage in OPEN else None,
                    received=dt.datetime.fromisoformat(s["received"]),
                    rating=RATING_LABELS[Rating(s["rating"])] if s.get("rating") else "",
                    review_reasons=s.get("review_reasons", ""), attachments=s.get("attachments", ""),
                    mailbox=_mailbox_name(ctx, s.get("mailbox")), version=entry.version)


def _mailbox_name(ctx: PortalContext, mailbox: str | None) -> str:
    box = ctx.registry.mailboxes.get(mailbox) if mailbox else None
    return box.name if box else ""


def queue_rows(ctx: PortalContext, staff: Staff, view: str, unit: str | None, stage: str | None,
               after: str | None = None, limit: int = PAGE) -> tuple[list[QueueRow], str | None]:
    """One page of a queue view (全部, 即将超期, 已超期, 未办结, 已办结), optionally one stage, over the staff
    member's subtree (or `unit`'s, if in scope), and the token of the next page."""
    require(staff, Permission.view_cases)
    today = ctx.today()
    entries, token = page(ctx, _readings(ctx, _top(ctx, staff, unit), view, stage, today), limit, after)
    return [row_of(ctx, e, today) for e in entries], token


def all_queue_rows(ctx: PortalContext, staff: Staff, view: str, unit: str | None,
                   stage: str | None) -> Iterator[QueueRow]:
    """Every row of a queue view, read page by page (exports stream them)."""
    require(staff, Permission.view_cases)
    today = ctx.today()
    for entry in every(ctx, _readings(ctx, _top(ctx, staff, unit), view, stage, today)):
        yield row_of(ctx, entry, today)


def load(ctx: PortalContext, staff: Staff, reference: str, notes: bool = True) -> StoredCase:
    require(staff, Permission.view_cases)
    record = ctx.store.get(COLLECTION, reference)
    if record is None:
        raise NotFoundError("没有这个信访事项")
    if not ctx.in_scope(staff.unit, record.unit):
        # The case's unit learns who tried; the intruder's unit learns that they tried, not what.
        now = ctx.clock()
        ctx.store.append_audit(AuditEvent(COLLECTION, record.key, now, actor=staff.username,
                                          action="access_denied", unit=record.unit))
        ctx.store.append_audit(AuditEvent(COLLECTION, OUT_OF_SCOPE, now, actor=staff.username,
                                          action="access_denied", unit=staff.unit))
        raise NotFoundError("没有这个信访事项")
    return StoredCase.of(record, case_store.parts_of(ctx, record, notes))


@dataclass(frozen=True)
class CaseDetail:
    stored: StoredCase
    handling: str
    deadlines: list[DeadlineRow]
    contact: list[tuple[str, str]]
    revealed: bool
    can_reveal: bool
    can_act: bool
    actions: list[transitions.Transition]
    lock: EditLock | None
    children: list[tuple[str, str]]
    timeline: list[audit_log.Line]
    mailbox: str = ""
    draft: dialogue.Draft | None = None  # the redacted copy 公开选登 starts from, when it is offered

    @property
    def case(self) -> Case:
        return self.stored.case


def case_detail(ctx: PortalContext, staff: Staff, reference: str, reveal: bool = False) -> CaseDetail:
    """Everything the case page shows. Contact data is masked unless `reveal`, which is audited."""
    if reveal:
        require(staff, Permission.reveal_contact)
    stored = load(ctx, staff, reference)
    case, today = stored.case, ctx.today()
    if reveal:
        _audit_only(ctx, staff, stored, "contact_revealed")
    deadlines = []
    for limit, due in sorted(case.deadlines.items(), key=lambda item: item[1]):
        left = days_left(ctx, due, today)
        deadlines.append(DeadlineRow(TIME_LIMITS[limit].label, due, left_text(left), _state(left),
                                     ctx.calendar.deadline_note(due, limit)))
    contact = case.contact.model_dump() if reveal else masked_contact(**case.contact.model_dump())
    can_act = allowed(staff.role, Permission.act_on_cases) and staff.unit == case.handling_unit
    return CaseDetail(
        stored=stored, handling=ctx.org[case.handling_unit].name, deadlines=deadlines,
        contact=[(label, shown) for key, label in CONTACT_LABELS if (shown := contact.get(key))],
        revealed=reveal, can_reveal=allowed(staff.role, Permission.reveal_contact), can_act=can_act,
        actions=(actions := available_actions(ctx, stored, staff)), lock=holder(ctx, case),
        children=[(code, ctx.org[code].name) for code in ctx.org.subtree(staff.unit) if code != staff.unit],
        timeline=audit_log.lines(ctx, ctx.store.audit_trail(COLLECTION, reference)), mailbox=_mailbox_name(ctx, case.mailbox),
        draft=dialogue.draft(case) if any(t.name == "publish" for t in actions) else None)


def available_actions(ctx: PortalContext, stored: StoredCase, staff: Staff) -> list[transitions.Transition]:
    if staff.unit != stored.case.handling_unit or staff.role not in (Role.handler, Role.approver):
        return []
    return transitions.allowed_now(stored.case, staff.role, ctx.transition_context(staff.unit))


def attachment_link(ctx: PortalContext, staff: Staff, reference: str, attachment: str, seconds: int) -> str:
    """A short-lived download link to one attachment of a case in scope; every opening is audited."""
    stored = load(ctx, staff, reference, notes=False)
    if attachment not in stored.case.attachments or ctx.blobs is None:
        raise NotFoundError("没有这个附件")
    now = ctx.clock()
    ctx.store.append_audit(AuditEvent(COLLECTION, reference, now, actor=staff.username, action="attachment_opened",
                                      unit=stored.case.handling_unit, after={"attachment": attachment}))
    return ctx.blobs.download_url(ATTACHMENTS + attachment, now + dt.timedelta(seconds=seconds))


def holder(ctx: PortalContext, case: Case) -> EditLock | None:
    """The live edit lock, if any."""
    return case.lock if case.lock is not None and case.lock.until > ctx.clock() else None


# --- changing ------------------------------------------------------------------------------------

def act(ctx: PortalContext, staff: Staff, reference: str, action: str, version: int,
        data: transitions.ActionInput) -> StoredCase:
    require(staff, Permission.act_on_cases)
    stored = _for_change(ctx, staff, reference, version)
    if staff.unit != stored.case.handling_unit:
        raise ConflictError("只有承办单位可以办理这件信访事项")
    new = transitions.apply(stored.case, action, staff.role, data, ctx.transition_context(staff.unit))
    before = {"stage": stored.case.stage.value, "handling_unit": stored.case.handling_unit}
    after = {"stage": new.stage.value, "handling_unit": new.handling_unit}
    messages = outbox_records(ctx, notices_for(stored.case, new, action, ctx.unit_names, ctx.site_url),
                              new.reference, new.handling_unit, ctx.clock())
    extra = with_audit(messages)
    if action == "publish":  # 留言选登: the public copy is written with the step
        extra += with_audit((dialogue.published_record(new, ctx.clock()),), staff.username, "submitted")
    if action == "withdraw":  # the public copy goes first: privacy before bookkeeping
        dialogue.take_down(ctx, reference, staff.username)
    saved = _save(ctx, staff, stored, new, action, before, after, extra)
    deliver(ctx, messages)  # after the commit; whatever fails here the outbox worker sends later
    return saved


def note(ctx: PortalContext, staff: Staff, reference: str, version: int, text: str) -> StoredCase:
    """An internal note: seen by staff only, never on the tracking page."""
    require(staff, Permission.act_on_cases)
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise InvalidSubmission("备注应为 1 至 2000 字", field="note")
    try:
        reject_control_characters(text)
    except ValueError as exc:
        raise InvalidSubmission(f"备注{exc}", field="note") from None
    stored = _for_change(ctx, staff, reference, version)
    new = stored.case.model_copy(deep=True)
    new.notes.append(Note(by=staff.username, name=staff.name, at=ctx.clock(), text=text))
    return _save(ctx, staff, stored, new, "note_added", None, None)


def lock(ctx: PortalContext, staff: Staff, reference: str, version: int) -> StoredCase:
    """Mark the case as being worked on by this staff member for 15 minutes."""
    require(staff, Permission.act_on_cases)
    stored = _for_change(ctx, staff, reference, version)
    new = stored.case.model_copy(update={"lock": EditLock(by=staff.username, name=staff.name,
                                                          until=ctx.clock() + LOCK_FOR)})
    return _save(ctx, staff, stored, new, "locked", None, {"lock": staff.username})


def unlock(ctx: PortalContext, staff: Staff, reference: str, version: int) -> StoredCase:
    require(staff, Permission.act_on_cases)
    stored = _for_change(ctx, staff, reference, version)
    return _save(ctx, staff, stored, stored.case.model_copy(update={"lock": None}), "unlocked", None, None)


def _for_change(ctx: PortalContext, staff: Staff, reference: str, version: int) -> StoredCase:
    stored = load(ctx, staff, reference, notes=False)  # a change adds notes; it never needs to read them
    if stored.version != version:
        raise ConflictError(STALE)
    lock_ = holder(ctx, stored.case)
    if lock_ and lock_.by != staff.username:
        raise ConflictError(f"{lock_.name}正在处理这件信访事项（至 {china_clock(lock_.until)}），请稍后再试")
    return stored


def _save(ctx: PortalContext, staff: Staff, stored: StoredCase, new: Case, action: str,
          before: dict[str, Any] | None, after: dict[str, Any] | None,
          new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> StoredCase:
    audit = AuditEvent(COLLECTION, new.reference, ctx.clock(), actor=staff.username, action=action,
                       unit=new.handling_unit, before=before, after=after)
    try:
        return case_store.save(ctx, stored, new, audit, new_records)
    except VersionConflict:
        raise ConflictError(STALE) from None


def _audit_only(ctx: PortalContext, staff: Staff, stored: StoredCase, action: str) -> None:
    ctx.store.append_audit(AuditEvent(COLLECTION, stored.case.reference, ctx.clock(), actor=staff.username,
                                      action=action, unit=stored.case.handling_unit))


def stage_choices() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in Stage]


# --- confirmations and what a finished action says -------------------------------------------------

# Actions that cannot be taken back: the form asks for a tick first (works without any script).
CONFIRMATIONS = {
    "not_accept": "我已核实：这件信访事项不予受理，理由将告知信访人",
    "close": "我已核实：答复无误，办结这件信访事项",
    "return": "我已核实：这件信访事项不属于本单位职责，退回交办单位",
}
CHANGES = {"note": "备注已添加。", "lock": "已标记为由您处理，15 分钟内他人不能办理。", "unlock": "已释放，其他人可以办理。"}


def check_confirmed(action: str, confirmed: bool) -> None:
    if action in CONFIRMATIONS and not confirmed:
        raise InvalidSubmission(f"请先勾选“{CONFIRMATIONS[action]}”，再提交", field="confirm")


def done_message(done: str | None, reference: str | None = None) -> str | None:
    """What the page says after a change (`done` names it; anything else says nothing)."""
    if done in CHANGES:
        text = CHANGES[done]
    elif done in transitions.TRANSITIONS:
        text = f"已完成“{transitions.TRANSITIONS[done].label}”。"
    else:
        return None
    return f"信访事项 {reference}：{text}" if reference else text
