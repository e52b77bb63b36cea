"""The one scope rule of the review workspace, for every staff area — a staff member sees what belongs to
their unit or lies below it, and only with the permission the area needs — and the one way staff
lists are read: pages of Store listings for a unit's whole subtree, with one opaque next_token even
when a page spans several listings read one after the other."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from functions.domain.access import Permission, allowed, denied_message
from functions.domain.errors import AccessDenied, InvalidSubmission
from functions.store.protocol import Entry

from .accounts import Staff
from .context import PortalContext

STALE_PAGE = "翻页链接已失效，请回到第一页重新查看"


def require(staff: Staff, permission: Permission) -> None:
    """Without the permission the area answers 403 and names the roles that open it (which areas a
    role opens is no secret; what lies outside the staff member's scope still answers like nothing)."""
    if not allowed(staff.role, permission):
        raise AccessDenied(denied_message(staff.role, permission))


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


# --- bounded scans: filters the Store cannot answer by index --------------------------------------

SCAN_BATCH = 200


T = TypeVar("T")


@dataclass(frozen=True)
class Scanned(Generic[T]):
    """One page of a filtered scan: what matched, the token to go on (None: nothing more), and how
    many entries this request read; `spent` says the request stopped because it had read its budget."""

    found: list[T]
    next_token: str | None
    read: int
    spent: bool


def _scan_token(inner: str | None, skip: int) -> str:
    return base64.urlsafe_b64encode(json.dumps(["scan", inner, skip]).encode()).decode("ascii")


def _unscan(token: str | None) -> tuple[str | None, int]:
    if not token:
        return None, 0
    try:
        tag, inner, skip = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise InvalidSubmission(STALE_PAGE) from None
    if tag != "scan" or not (inner is None or isinstance(inner, str)) or not isinstance(skip, int) \
            or not 0 <= skip <= SCAN_BATCH * 2:
        raise InvalidSubmission(STALE_PAGE)
    return inner, skip


def scan(fetch: Callable[[str | None, int], tuple[list[T], str | None]], keep: Callable[[T], bool],
         limit: int, budget: int, token: str | None = None) -> Scanned[T]:
    """Up to `limit` items that `keep` accepts, reading at most `budget` items (in batches of
    SCAN_BATCH) through `fetch(store_token, n)`. The token it returns resumes exactly after the last
    item looked at, even inside a batch (the batch is read again and its first items skipped)."""
    inner, skip = _unscan(token)
    found: list[T] = []
    read = 0
    while read < budget:
        try:
            items, following = fetch(inner, skip + min(SCAN_BATCH, budget - read))
        except ValueError:  # a token the Store cannot read
            raise InvalidSubmission(STALE_PAGE) from None
        for i in range(skip, len(items)):
            read += 1
            if keep(items[i]):
                found.append(items[i])
                if len(found) == limit:
                    more = _scan_token(inner, i + 1) if i + 1 < len(items) else (
                        _scan_token(following, 0) if following is not None else None)
                    return Scanned(found, more, read, False)
        if following is None:
            return Scanned(found, None, read, False)
        inner, skip = following, 0
    return Scanned(found, _scan_token(inner, skip), read, True)
