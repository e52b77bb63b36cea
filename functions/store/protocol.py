"""The Store: where submissions, their audit events, idempotency records and counters live.

Two adapters implement it (SQLite locally, DynamoDB on AWS) and one contract-test suite
(tests/contract/) runs unchanged against both. Every write that matters is one atomic unit:
the record, its first audit event, its idempotency record, its unique keys and its counter
increments are committed together or not at all, and a 2xx is only sent after that commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Record:
    """One stored item: a petition, a feedback message, a comment, a survey response …

    `collection` + `key` identify it. `unit` is the org unit code that owns it (staff scoping);
    `data` is JSON-serialisable. `version` starts at 1 and grows by one with every update.
    """

    collection: str
    key: str
    data: dict[str, Any]
    created_at: dt.datetime
    unit: str | None = None
    version: int = 1
    # Sort key for per-unit queues (e.g. the nearest deadline as ISO text); None = not queued.
    queue_sort: str | None = None


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
    """Add `delta` to counter `name` within `scope` (e.g. scope "survey:x", name "q1=选项A")."""

    scope: str
    name: str
    delta: int = 1


@dataclass(frozen=True)
class UniqueClaim:
    """A value that may be taken only once (e.g. a survey's respondent token)."""

    namespace: str
    value: str


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


class VersionConflict(StoreError):
    """The record changed since the caller read it (optimistic locking)."""

    def __init__(self, current_version: int | None):
        super().__init__(f"current version {current_version}")
        self.current_version = current_version


class NotFound(StoreError):
    pass


@runtime_checkable
class Store(Protocol):
    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = ()) -> None:
        """Atomically write the record, its audit event, idempotency claim, unique claims, counters.

        Raises IdempotentReplay (carrying the stored claim) if the idempotency key exists — checked
        first, so a replay never reports AlreadyExists; AlreadyExists if the record key or a unique
        claim is taken. On any error nothing at all is written.
        """

    def get(self, collection: str, key: str) -> Record | None: ...

    def update(self, record: Record, *, expected_version: int, audit: AuditEvent,
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        """Replace data/unit/queue_sort if the stored version equals `expected_version`; the
        returned record has version + 1. Raises NotFound or VersionConflict; atomic with `audit`
        and with inserting `new_records`, each with its first audit event (e.g. the outbox messages
        a change sends; they must not exist yet, else AlreadyExists and nothing is written)."""

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
        """Every audit event whose `unit` is `unit` (record changes and appended events alike),
        newest first; returns (page, next_token) with an opaque token, None on the last page."""

    def queue(self, collection: str, unit: str, *, limit: int = 50,
              after: str | None = None) -> tuple[list[Record], str | None]:
        """Records of one unit that have a queue_sort, ascending by it; returns (page, next_token).
        `after` is the opaque token from a previous page."""

    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        """Count one hit in a rate-limit bucket for a time window; returns the count so far."""

    def hits(self, bucket: str, window_start: dt.datetime) -> int:
        """The hits counted so far in a bucket's window, without counting one (0 if none)."""
