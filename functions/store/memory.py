"""An in-memory Store for unit tests of services: the same contract as SQLite and DynamoDB (the
contract suite runs on it too), no files, no network. Not for production: nothing survives the
process. One lock serialises every call, which is what makes each write atomic here.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from dataclasses import dataclass, replace

from functions.store import (
    RECORD_WHAT,
    audit_position,
    check_audit,
    check_collection,
    check_event,
    check_insert,
    check_limit,
    decode_audit_token,
    decode_token,
    dump_json,
    encode_token,
    from_iso,
    load_json,
    queue_position,
    to_iso,
    unique_what,
)
from functions.store.protocol import (
    AlreadyExists,
    AuditEvent,
    CounterIncrement,
    IdempotencyClaim,
    IdempotentReplay,
    NotFound,
    Record,
    UniqueClaim,
    VersionConflict,
)

_ID_WIDTH = 20


def _utc(value: dt.datetime) -> dt.datetime:
    return from_iso(to_iso(value))


@dataclass(frozen=True)
class _Event:
    id: int
    event: AuditEvent


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[tuple[str, str], Record] = {}
        self._events: list[_Event] = []
        self._claims: dict[str, IdempotencyClaim] = {}
        self._uniques: set[tuple[str, str]] = set()
        self._counters: dict[str, dict[str, int]] = {}
        self._hits: dict[tuple[str, str], tuple[int, dt.datetime]] = {}

    # Data goes through JSON and times through UTC ISO text, exactly as in the other stores, so a
    # caller mutating its dict never changes what is stored and what comes back is the same.
    @staticmethod
    def _copy(record: Record) -> Record:
        return replace(record, data=load_json(dump_json(record.data)), created_at=_utc(record.created_at))

    def _event(self, event: AuditEvent) -> None:
        stored = replace(event, at=_utc(event.at), before=load_json(dump_json(event.before)),
                         after=load_json(dump_json(event.after)))
        self._events.append(_Event(len(self._events) + 1, stored))

    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = ()) -> None:
        increments = check_insert(record, audit, idempotency, unique, counters)
        with self._lock:
            if idempotency is not None:
                stored = self._claims.get(idempotency.key)
                if stored is not None and stored.expires_at > record.created_at:
                    raise IdempotentReplay(stored)
            if (record.collection, record.key) in self._records:
                raise AlreadyExists(RECORD_WHAT)
            for claim in unique:
                if (claim.namespace, claim.value) in self._uniques:
                    raise AlreadyExists(unique_what(claim))
            self._records[(record.collection, record.key)] = self._copy(record)
            self._event(audit)
            if idempotency is not None:
                self._claims[idempotency.key] = replace(idempotency, expires_at=_utc(idempotency.expires_at))
            self._uniques.update((u.namespace, u.value) for u in unique)
            for inc in increments:
                scope = self._counters.setdefault(inc.scope, {})
                scope[inc.name] = scope.get(inc.name, 0) + inc.delta

    def get(self, collection: str, key: str) -> Record | None:
        check_collection(collection)
        with self._lock:
            found = self._records.get((collection, key))
            return None if found is None else self._copy(found)

    def update(self, record: Record, *, expected_version: int, audit: AuditEvent,
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        check_audit(record, audit)
        for extra, extra_audit in new_records:
            check_audit(extra, extra_audit)
        with self._lock:
            stored = self._records.get((record.collection, record.key))
            if stored is None:
                raise NotFound(f"{record.collection}/{record.key}")
            if stored.version != expected_version:
                raise VersionConflict(stored.version)
            if any((extra.collection, extra.key) in self._records for extra, _ in new_records):
                raise AlreadyExists(RECORD_WHAT)
            new = replace(self._copy(record), created_at=stored.created_at, version=expected_version + 1)
            self._records[(record.collection, record.key)] = new
            self._event(audit)
            for extra, extra_audit in new_records:
                self._records[(extra.collection, extra.key)] = self._copy(extra)
                self._event(extra_audit)
            return self._copy(new)

    def get_idempotency(self, key: str, now: dt.datetime) -> IdempotencyClaim | None:
        with self._lock:
            claim = self._claims.get(key)
        return claim if claim is not None and claim.expires_at > now else None

    def counters(self, scope: str) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counters.get(scope, {}).items()))

    def audit_trail(self, collection: str, key: str) -> list[AuditEvent]:
        check_collection(collection)
        with self._lock:
            found = [e for e in self._events if (e.event.collection, e.event.key) == (collection, key)]
        return [copy.deepcopy(e.event) for e in sorted(found, key=lambda e: (to_iso(e.event.at), e.id))]

    def append_audit(self, event: AuditEvent) -> None:
        check_event(event)
        with self._lock:
            self._event(event)

    def audit_log(self, unit: str, *, limit: int = 100,
                  after: str | None = None) -> tuple[list[AuditEvent], str | None]:
        check_limit(limit)
        bound: tuple[str, int] | None = None
        if after is not None:
            at, tiebreak = decode_audit_token(after)
            if not (tiebreak.isascii() and tiebreak.isdigit()):
                raise ValueError("invalid page token")
            bound = (at, int(tiebreak))
        with self._lock:
            found = [(to_iso(e.event.at), e.id, e.event) for e in self._events if e.event.unit == unit]
        found.sort(key=lambda item: (item[0], item[1]), reverse=True)
        if bound is not None:
            found = [item for item in found if (item[0], item[1]) < bound]
        page = found[:limit]
        events = [copy.deepcopy(item[2]) for item in page]
        if len(found) <= limit:
            return events, None
        last = page[-1]
        return events, encode_token(audit_position(last[2].at, f"{last[1]:0{_ID_WIDTH}d}"), last[2].key)

    def queue(self, collection: str, unit: str, *, limit: int = 50,
              after: str | None = None) -> tuple[list[Record], str | None]:
        check_collection(collection)
        check_limit(limit)
        start = decode_token(after)[0] if after is not None else ""
        with self._lock:
            found = [(position, r) for r in self._records.values()
                     if r.collection == collection and r.unit == unit
                     and (position := queue_position(r)) is not None and position > start]
        found.sort(key=lambda item: item[0])
        page = [self._copy(r) for _, r in found[:limit]]
        if len(found) <= limit:
            return page, None
        position, last = found[limit - 1]
        return page, encode_token(position, last.key)

    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        key = (bucket, to_iso(window_start))
        with self._lock:
            for stale in [k for k, (_, expires) in self._hits.items() if expires <= window_start]:
                del self._hits[stale]
            count = self._hits.get(key, (0, expires_at))[0] + 1
            self._hits[key] = (count, expires_at)
        return count

    def hits(self, bucket: str, window_start: dt.datetime) -> int:
        with self._lock:
            return self._hits.get((bucket, to_iso(window_start)), (0, window_start))[0]
