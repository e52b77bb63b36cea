"""The one scope rule of the review workspace, for every staff area: a staff member sees what
belongs to their unit or lies below it, and only with the permission the area needs."""

from __future__ import annotations

from functions.domain.access import Permission, allowed
from functions.domain.errors import NotFoundError
from functions.store.protocol import Record

from .accounts import Staff
from .context import PortalContext


def require(staff: Staff, permission: Permission) -> None:
    """Without the permission the area answers like a page that does not exist."""
    if not allowed(staff.role, permission):
        raise NotFoundError("没有这个页面")


def in_scope(ctx: PortalContext, staff: Staff, unit: str | None) -> bool:
    return ctx.in_scope(staff.unit, unit)


def records_in_scope(ctx: PortalContext, collection: str, top: str) -> list[Record]:
    """Every queued record of `collection` in the units of `top`'s subtree (all pages)."""
    found: list[Record] = []
    for code in ctx.org.subtree(top):
        token = None
        while True:
            page, token = ctx.store.queue(collection, code, limit=200, after=token)
            found += page
            if token is None:
                break
    return found


def newest_first(ctx: PortalContext, staff: Staff, collection: str) -> list[Record]:
    """A collection's records in the staff member's subtree, newest first (queue_sort is the time)."""
    return sorted(records_in_scope(ctx, collection, staff.unit), key=lambda r: r.queue_sort or "", reverse=True)
