"""Staff work on petition cases: queues in scope, the case, actions, the edit lock, notes, reveals.

Every change is one Store.update with its audit event and the version the staff member saw, so a
stale form becomes a ConflictError, never an overwrite. Out-of-scope cases answer NotFoundError
(the same as a missing one) and the attempt is written to the audit log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from site_builder.org import OrgTree

from functions.domain import cases
from functions.domain.access import Permission, allowed
from functions.domain.cases import ActionInput, Role
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.petitions import Stage
from functions.store.protocol import AuditEvent, Record, VersionConflict

from .accounts import Staff
from .submissions import PETITION, PortalContext

LOCK_FOR = dt.timedelta(minutes=15)
CLOSED_SORT = "~"
OUT_OF_SCOPE = "（范围外）"  # stands for a case reference the reader of that log may not see  # finished cases sort after every open deadline in the unit queues


class Calendar(Protocol):
    def add_working_days(self, start: dt.date, n: int) -> dt.date: ...
    def working_days_between(self, a: dt.date, b: dt.date) -> int: ...


@dataclass
class Casework:
    portal: PortalContext
    org: OrgTree
    calendar: Calendar

    # --- reading ---------------------------------------------------------------------------

    def require(self, staff: Staff, permission: Permission) -> None:
        if not allowed(staff.role, permission):
            raise NotFoundError("没有这个页面")

    def in_scope(self, staff: Staff, unit: str | None) -> bool:
        return unit is not None and unit in self.org and self.org.contains(staff.unit, unit)

    def cases_in_scope(self, staff: Staff, unit: str | None = None) -> list[Record]:
        """Every case handled in the staff member's subtree (or in `unit`'s subtree, if in scope),
        nearest deadline first, finished cases last."""
        self.require(staff, Permission.view_cases)
        top = unit if unit and self.in_scope(staff, unit) else staff.unit
        found = self.records_in_scope(PETITION, top)
        return sorted(found, key=lambda r: (r.queue_sort or CLOSED_SORT, r.key))

    def records_in_scope(self, collection: str, top: str) -> list[Record]:
        """Every queued record of `collection` in the units of `top`'s subtree (all pages)."""
        found: list[Record] = []
        for code in self.org.subtree(top):
            token = None
            while True:
                page, token = self.portal.store.queue(collection, code, limit=200, after=token)
                found += page
                if token is None:
                    break
        return found

    def case(self, staff: Staff, reference: str) -> Record:
        self.require(staff, Permission.view_cases)
        record = self.portal.store.get(PETITION, reference)
        if record is None:
            raise NotFoundError("没有这个信访事项")
        if not self.in_scope(staff, record.unit):
            # The case's unit learns who tried; the intruder's unit learns that they tried, not what.
            now = self.portal.clock()
            self.portal.store.append_audit(AuditEvent(PETITION, record.key, now, actor=staff.username,
                                                      action="access_denied", unit=record.unit))
            self.portal.store.append_audit(AuditEvent(PETITION, OUT_OF_SCOPE, now, actor=staff.username,
                                                      action="access_denied", unit=staff.unit))
            raise NotFoundError("没有这个信访事项")
        return record

    def timeline(self, staff: Staff, reference: str) -> list[AuditEvent]:
        self.case(staff, reference)
        return self.portal.store.audit_trail(PETITION, reference)

    def reveal_contact(self, staff: Staff, reference: str) -> dict:
        """The unmasked contact data; the reveal itself is audited."""
        self.require(staff, Permission.reveal_contact)
        record = self.case(staff, reference)
        self._audit_only(staff, record, "contact_revealed")
        return dict(record.data.get("contact", {}))

    def days_left(self, day: str, today: dt.date) -> int:
        """Working days from today to a deadline (negative once overdue)."""
        due = dt.date.fromisoformat(day)
        if due >= today:
            return self.calendar.working_days_between(today, due)
        return -self.calendar.working_days_between(due, today)

    # --- changing --------------------------------------------------------------------------

    def act(self, staff: Staff, reference: str, action: str, version: int, data: ActionInput) -> Record:
        self.require(staff, Permission.act_on_cases)
        record = self._for_change(staff, reference, version)
        if staff.unit != record.data["handling_unit"]:
            raise ConflictError("只有承办单位可以办理这件信访事项")
        today = self.portal.today()
        ctx = cases.Context(today=today, actor_unit=staff.unit,
                            is_descendant=lambda anc, unit: unit in self.org and anc != unit and self.org.contains(anc, unit),
                            add_working_days=self.calendar.add_working_days)
        new = cases.apply(record.data, action, staff.role, data, ctx)
        new.pop("lock", None)  # finishing an action releases the edit lock
        before = {"stage": record.data["stage"], "handling_unit": record.data["handling_unit"]}
        after = {"stage": new["stage"], "handling_unit": new["handling_unit"]}
        return self._save(staff, record, new, action, before, after)

    def note(self, staff: Staff, reference: str, version: int, text: str) -> Record:
        """An internal note: seen by staff only, never on the tracking page."""
        self.require(staff, Permission.act_on_cases)
        text = (text or "").strip()
        if not text or len(text) > 2000:
            raise InvalidSubmission("备注应为 1 至 2000 字", field="note")
        record = self._for_change(staff, reference, version)
        now = self.portal.clock()
        notes = [*record.data.get("notes", []), {"by": staff.username, "name": staff.name, "at": now.isoformat(),
                                                 "text": text}]
        return self._save(staff, record, {**record.data, "notes": notes}, "note_added", None, None)

    def lock(self, staff: Staff, reference: str, version: int) -> Record:
        """Mark the case as being worked on by this staff member for 15 minutes."""
        self.require(staff, Permission.act_on_cases)
        record = self._for_change(staff, reference, version)
        now = self.portal.clock()
        lock = {"by": staff.username, "name": staff.name, "until": (now + LOCK_FOR).isoformat()}
        return self._save(staff, record, {**record.data, "lock": lock}, "locked", None, {"lock": staff.username})

    def unlock(self, staff: Staff, reference: str, version: int) -> Record:
        self.require(staff, Permission.act_on_cases)
        record = self._for_change(staff, reference, version)
        return self._save(staff, record, {k: v for k, v in record.data.items() if k != "lock"}, "unlocked", None, None)

    def holder(self, record: Record) -> dict | None:
        """The live edit lock, if any."""
        lock = record.data.get("lock")
        if lock and dt.datetime.fromisoformat(lock["until"]) > self.portal.clock():
            return lock
        return None

    def _for_change(self, staff: Staff, reference: str, version: int) -> Record:
        record = self.case(staff, reference)
        if record.version != version:
            raise ConflictError("这件信访事项已被他人修改，请刷新页面查看最新情况后再操作")
        holder = self.holder(record)
        if holder and holder["by"] != staff.username:
            raise ConflictError(f"{holder['name']}正在处理这件信访事项（至 {holder['until'][11:16]} UTC），请稍后再试")
        return record

    def _save(self, staff: Staff, record: Record, data: dict, action: str, before, after) -> Record:
        now = self.portal.clock()
        sort = cases.nearest_deadline(data) or f"{CLOSED_SORT}{data.get('closed_on', '')}"
        audit = AuditEvent(PETITION, record.key, now, actor=staff.username, action=action, unit=data["handling_unit"],
                           before=before, after=after)
        try:
            return self.portal.store.update(dataclasses.replace(record, data=data, unit=data["handling_unit"],
                                                                queue_sort=sort),
                                            expected_version=record.version, audit=audit)
        except VersionConflict:
            raise ConflictError("这件信访事项已被他人修改，请刷新页面查看最新情况后再操作") from None

    def _audit_only(self, staff: Staff, record: Record, action: str) -> None:
        self.portal.store.append_audit(AuditEvent(PETITION, record.key, self.portal.clock(), actor=staff.username,
                                                  action=action, unit=record.unit))


def stage_label(record: Record) -> str:
    return Stage(record.data["stage"]).label


def available_actions(record: Record, staff: Staff) -> list[cases.Transition]:
    if staff.unit != record.data["handling_unit"] or staff.role not in (Role.handler, Role.approver):
        return []
    return cases.available(Stage(record.data["stage"]), staff.role)
