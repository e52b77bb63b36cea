"""The audit log as auditors read it: every event of their unit and the units below, newest first."""

from __future__ import annotations

from functions.domain.access import Permission
from functions.store.protocol import AuditEvent

from .accounts import Staff
from .context import PortalContext
from .scope import require

PAGE = 200
SHOWN = 500


def events_in_scope(ctx: PortalContext, staff: Staff) -> list[AuditEvent]:
    require(staff, Permission.read_audit_log)
    events: list[AuditEvent] = []
    for code in ctx.org.subtree(staff.unit):
        events += ctx.store.audit_log(code, limit=PAGE)[0]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:SHOWN]
