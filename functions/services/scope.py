"""The one scope rule of the review workspace, for every staff area — a staff member sees what belongs to
their unit or lies below it, and only with the permission the area needs — and the one way staff
lists are read: pages of Store listings for a unit's whole subtree, with one opaque next_token even
when a page spans several listings read one after the other."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from functions.domain.access import Permission, allowed
from functions.domain.errors import InvalidSubmission, NotFoundError
from functions.store.protocol import Entry

from .accounts import Staff
from .context import PortalContext

STALE_PAGE = "翻页链接已失效，请回到第一页重新查看"


def require(staff: Staff, permission: Permission) -> None:
    """Without the permission the area answers like a page that does not exist."""
    if not allowed(staff.role, permission):
        raise NotFoundError("没有这个页面")


def in_scope(ctx: PortalContext, staff: Staff, unit: str | None) -> bool:
    return ctx.in_scope(staff.unit, unit)


@dataclass(frozen=True)
class Reading:
    """One listing to read: its entries for `unit`'s subtree, lower <= sort < upper."""

    collection: str
    listing: str
    unit: str
    lower: str | None = None
    upper: str | None = None
    descending: bool = False


def _token(index: int, inner: str | None) -> str:
    return base64.urlsafe_b64encode(json.dumps([index, inner]).encode()).decode("ascii")


def _untoken(token: str | None, readings: Sequence[Reading]) -> tuple[int, str | None]:
    if not token:
        return 0, None
    try:
        index, inner = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise InvalidSubmission(STALE_PAGE) from None
    if not isinstance(index, int) or not 0 <= index < len(readings) or not (inner is None or isinstance(inner, str)):
        raise InvalidSubmission(STALE_PAGE)
    return index, inner


def page(ctx: PortalContext, readings: Sequence[Reading], limit: int,
         token: str | None = None) -> tuple[list[Entry], str | None]:
    """Up to `limit` entries of the readings in turn, and the token of the next page (None: no more).
    Each Store call reads at most what the page still needs."""
    index, inner = _untoken(token, readings)
    found: list[Entry] = []
    while index < len(readings) and len(found) < limit:
        r = readings[index]
        try:
            entries, inner = ctx.store.listing(r.collection, r.listing, r.unit, limit=limit - len(found), after=inner,
                                               lower=r.lower, upper=r.upper, descending=r.descending)
        except ValueError:  # a token the Store cannot read: tampered with, or from another list
            raise InvalidSubmission(STALE_PAGE) from None
        found += entries
        if inner is None:
            index += 1
    return found, None if index >= len(readings) else _token(index, inner)


def every(ctx: PortalContext, readings: Sequence[Reading], batch: int = 500) -> Iterator[Entry]:
    """All entries of the readings, read `batch` at a time (exports stream them)."""
    token = None
    while True:
        entries, token = page(ctx, readings, batch, token)
        yield from entries
        if token is None:
            return
