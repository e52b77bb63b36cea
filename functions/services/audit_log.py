"""The audit log as auditors read it: every event of their unit and the units below, newest first, a
page at a time (one read of the Store's subtree log per page, whatever the size of the network)."""

from __future__ import annotations

from functions.domain.access import Permission
from functions.domain.errors import InvalidSubmission
from functions.store.protocol import AuditEvent

from .accounts import Staff
from .context import PortalContext
from .scope import STALE_PAGE, require

PAGE = 100


def events_in_scope(ctx: PortalContext, staff: Staff, after: str | None = None) -> tuple[list[AuditEvent], str | None]:
    require(staff, Permission.read_audit_log)
    try:
        return ctx.store.audit_log(staff.unit, limit=PAGE, after=after or None)
    except ValueError:
        raise InvalidSubmission(STALE_PAGE) from None
