"""The Store: where submissions, their parts, audit events, idempotency records and counters live.

Three adapters implement it (SQLite locally, DynamoDB on AWS, an in-memory fake for unit tests) and
one contract-test suite (tests/contract/) runs unchanged against all of them. Every write that
matters is one atomic unit: the record, its audit event, its new parts, its listing entries, its
idempotency record, unique keys and counter increments are committed together or not at all, and a
2xx is only sent after that commit. Every write is bounded (see `functions.store` for the limits),
so the same write that commits in SQLite commits in one DynamoDB transaction.

Where a record sits in the organisation matters to staff: a Store is built with the unit tree
(`UnitTree`), keeps each listed record's unit path, and answers every listing for a unit's whole
subtree in one ordered, paged read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from functions.domain.errors import ServiceUnavailable


@dataclass(frozen=True)
class Listing:
    """One list a record appears in: `name` within its collection (e.g. a case in "queue" and in
    "stage:accepted"), ordered by `sort` (text order; ties by key). `summary` is what the list shows,
    kept beside the entry so a page of the list never reads whole records; None = the record's data."""

    name: str
    sort: str
    summary: dict[str, Any] | None = None


@dataclass(frozen=True)
class Record:
    """One stored item: a petition, a feedback message, a comment, a survey response …

    `collection` + `key` identify it. `unit` is the org unit code that owns it (staff scoping);
    `data` is JSON-serialisable. `version` starts at 1 and grows by one with every update.
    `listings` are the lists it appears in (none: found by key only). `touched_at` is the last
    `touch()`, set by the Store only (writes ignore it).
    """

    collection: str
    key: str
    data: dict[str, Any]
    created_at: dt.datetime
    unit: str | None = None
    version: int = 1
    listings: tuple[Listing, ...] = ()
    touched_at: dt.datetime | None = None


@dataclass(frozen=True)
class Entry:
    """One row of a listing: where the record is and what the list shows, not the whole record."""

    collection: str
    key: str
    listing: str
    unit: str
    sort: str
    version: int
    created_at: dt.datetime
    summary: dict[str, Any]


@dataclass(frozen=True)
class Part:
    """An item kept under a record instead of inside it (a note, a step of its history …): written
    once, never changed, so a record does not grow with its history. `seq` orders one kind's parts."""

    kind: str
    seq: int
    data: dict[str, Any]


@dataclass(frozen=True)
class AuditEvent:
    """Append-only: who did what to which record, with the state before and after."""

    collection: str
    key: str
    at: dt.datetime
    actor: str  # "public" for submissions; a staff account id otherwise
    action: str
    unit: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass(frozen=True)
class IdempotencyClaim:
    """Ties an Idempotency-Key to the request body's hash and to the result the first request had.

    `result` is opaque text to the Store (the service stores it sealed: it may hold a query code)."""

    key: str  # already scoped by the caller (e.g. a hash of "POST /api/petitions|<header value>")
    request_hash: str
    result: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class CounterIncrement:
    """Add `delta` to counter `name` within `scope` (e.g. scope "survey:x/0", name "q1=选项A")."""

    scope: str
    name: str
    delta: int = 1


@dataclass(frozen=True)
class RateHit:
    """One hit in a rate-limit bucket's window, counted with a write and refused above `limit`: the
    write's own counting, so the request costs no commit of its own for it."""

    bucket: str
    window_start: dt.datetime
    expires_at: dt.datetime
    limit: int


@dataclass(frozen=True)
class UniqueClaim:
    """A value that may be taken only once (e.g. a survey's respondent token)."""

    namespace: str
    value: str


class UnitTree(Protocol):
    """What a Store needs of the organisation: the path from the top unit down to a unit."""

    def path(self, code: str) -> Sequence[str]: ...


class StoreError(Exception):
    pass


class AlreadyExists(StoreError):
    """The record key or one of the unique claims is taken. `what` names which."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


class IdempotentReplay(StoreError):
    """The idempotency key was used before. The caller compares hashes: same → replay, else 409."""

    def __init__(self, claim: IdempotencyClaim):
        super().__init__(claim.key)
        self.claim = claim


class OverLimit(StoreError):
    """A RateHit would take its bucket past its limit; nothing of the write was done (nor counted)."""

    def __init__(self, bucket: str):
        super().__init__(bucket)
        self.bucket = bucket


class VersionConflict(StoreError):
    """The record changed since the caller read it (optimistic locking)."""

    def __init__(self, current_version: int | None):
        super().__init__(f"current version {current_version}")
        self.current_version = current_version


class NotFound(StoreError):
    pass


class StoreUnavailable(StoreError, ServiceUnavailable):
    """The database refused or did not answer in time (throttled, timed out, kept conflicting) after
    the adapter's retries; nothing of the write was committed. A 503 with Retry-After: try later."""

    def __init__(self, cause: str, retry_after: int = 5):
        ServiceUnavailable.__init__(self, "系统繁忙，本次操作没有完成，请稍后再试", retry_after)
        self.cause = cause  # an error code or exception class name: never data


@runtime_checkable
class Store(Protocol):
    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = (),
               parts: tuple[Part, ...] = (), hits: tuple[RateHit, ...] = ()) -> None:
        """Atomically write the record, its audit event, parts, listing entries, idempotency claim,
        unique claims and counters, and count the rate-limit hits.

        Raises IdempotentReplay (carrying the stored claim) if the idempotency key exists — checked
        first, so a replay never reports AlreadyExists; AlreadyExists if the record key or a unique
        claim is taken; OverLimit if a hit would take its bucket's count past its limit. On any error
        nothing at all is written, and no hit counted.
        """

    def get(self, collection: str, key: str) -> Record | None: ...

    def get_many(self, collection: str, keys: Sequence[str]) -> list[Record]:
        """The records of these keys that exist, in the order of `keys`."""

    def update(self, record: Record, *, expected_version: int, audit: AuditEvent, parts: tuple[Part, ...] = (),
               counters: tuple[CounterIncrement, ...] = (),
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        """Replace data/unit/listings if the stored version equals `expected_version`, adding the new
        parts and counters; the returned record has version + 1. Raises NotFound or VersionConflict
        (also when one of the parts exists already); atomic with `audit` and with inserting
        `new_records`, each with its first audit event (the outbox messages a change sends: at most
        two, in one listing each; AlreadyExists if one exists, and then nothing is written)."""

    def touch(self, collection: str, key: str, at: dt.datetime) -> None:
        """Note that a record was used at `at` (a session's last request) without a new version or an
        audit event: concurrent touches never conflict, the latest `at` stays. NotFound if missing."""

    def parts(self, collection: str, key: str, kinds: Sequence[str] | None = None) -> list[Part]:
        """The parts of a record (of these kinds only, if given), by kind and then seq."""

    def get_idempotency(self, key: str, now: dt.datetime) -> IdempotencyClaim | None:
        """The unexpired claim for `key`, if any."""

    def counters(self, scope: str) -> dict[str, int]:
        """All counters of a scope, name → value (missing scope → {})."""

    def audit_trail(self, collection: str, key: str) -> list[AuditEvent]:
        """Audit events of one record, oldest first."""

    def append_audit(self, event: AuditEvent) -> None:
        """An audit event that goes with no record change: a reveal of masked contact data, an
        export, a denied access, a failed login. Append-only like every audit event."""

    def audit_log(self, unit: str, *, limit: int = 100, after: str | None = None) -> tuple[list[AuditEvent], str | None]:
        """Every audit event whose `unit` is `unit` or lies below it (record changes and appended
        events alike), newest first; returns (page, next_token), None on the last page."""

    def listing(self, collection: str, listing: str, unit: str, *, limit: int = 50, after: str | None = None,
                lower: str | None = None, upper: str | None = None,
                descending: bool = False) -> tuple[list[Entry], str | None]:
        """Entries of one listing for `unit` and every unit below it, by (sort, key), restricted to
        lower <= sort < upper; returns (page, next_token) with an opaque token, None on the last page."""

    def tally(self, collection: str, listing: str, unit: str, *, lower: str | None = None,
              upper: str | None = None) -> dict[str, int]:
        """How many entries of a listing (lower <= sort < upper) lie in the subtree of each child of
        `unit`, by the child's code; entries of `unit` itself under its own code. Empty ones left out."""

    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        """Count one hit in a rate-limit bucket for a time window; returns the count so far."""

    def hits(self, bucket: str, window_start: dt.datetime) -> int:
        """The hits counted so far in a bucket's window, without counting one (0 if none)."""
