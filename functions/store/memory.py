"""An in-memory Store for unit tests of services: the same contract as SQLite and DynamoDB (the
contract suite runs on it too), no files, no network. Not for production: nothing survives the
process. One lock serialises every call, which is what makes each write atomic here.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from functions.store import (
    RECORD_WHAT,
    audit_position,
    check_collection,
    check_event,
    check_insert,
    check_limit,
    check_update,
    decode_audit_token,
    decode_token,
    dump_json,
    encode_token,
    from_iso,
    in_bounds,
    load_json,
    position,
    row_of,
    summary_of,
    to_iso,
    unique_what,
    unit_path,
)
from functions.store.protocol import (
    AlreadyExists,
    AuditEvent,
    CounterIncrement,
    Entry,
    IdempotencyClaim,
    IdempotentReplay,
    NotFound,
    OverLimit,
    Part,
    RateHit,
    Record,
    UniqueClaim,
    UnitTree,
    VersionConflict,
)

_ID_WIDTH = 20


def _utc(value: dt.datetime) -> dt.datetime:
    return from_iso(to_iso(value))


def _thaw(value):
    """A deep copy through JSON, as the other stores store it: a caller mutating its dict changes nothing."""
    return load_json(dump_json(value))


@dataclass(frozen=True)
class _Event:
    id: int
    event: AuditEvent
    path: tuple[str, ...]


@dataclass(frozen=True)
class _Listed:
    entry: Entry
    path: tuple[str, ...]
    position: str


class MemoryStore:
    def __init__(self, tree: UnitTree | None = None) -> None:
        self.tree = tree
        self._lock = threading.Lock()
        self._records: dict[tuple[str, str], Record] = {}
        self._entries: dict[tuple[str, str], dict[str, _Listed]] = {}  # (collection, key) → listing → entry
        self._parts: dict[tuple[str, str], dict[tuple[str, int], Part]] = {}
        self._events: list[_Event] = []
        self._claims: dict[str, IdempotencyClaim] = {}
        self._uniques: set[tuple[str, str]] = set()
        self._counters: dict[str, dict[str, int]] = {}
        self._hits: dict[tuple[str, str], tuple[int, dt.datetime]] = {}

    def _copy(self, record: Record) -> Record:
        listings = tuple(replace(listing, summary=_thaw(listing.summary)) for listing in record.listings)
        return replace(record, data=_thaw(record.data), created_at=_utc(record.created_at), listings=listings,
                       touched_at=None if record.touched_at is None else _utc(record.touched_at))

    def _event(self, event: AuditEvent) -> None:
        stored = replace(event, at=_utc(event.at), before=_thaw(event.before), after=_thaw(event.after))
        path = unit_path(self.tree, event.unit) if event.unit is not None else ()
        self._events.append(_Event(len(self._events) + 1, stored, path))

    def _list(self, record: Record) -> None:
        self._entries.pop((record.collection, record.key), None)
        if not record.listings:
            return
        path = unit_path(self.tree, record.unit)
        self._entries[(record.collection, record.key)] = {
            listing.name: _Listed(Entry(record.collection, record.key, listing.name, record.unit, listing.sort,
                                        record.version, _utc(record.created_at), _thaw(summary_of(record, listing))),
                                  path, position(listing.sort, record.key))
            for listing in record.listings}

    def _add_parts(self, record: Record, parts: tuple[Part, ...]) -> None:
        stored = self._parts.setdefault((record.collection, record.key), {})
        for part in parts:
            stored[(part.kind, part.seq)] = replace(part, data=_thaw(part.data))

    def _add_counters(self, merged: dict[str, dict[str, int]]) -> None:
        for scope, names in merged.items():
            held = self._counters.setdefault(scope, {})
            for name, delta in names.items():
                held[name] = held.get(name, 0) + delta

    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = (),
               parts: tuple[Part, ...] = (), hits: tuple[RateHit, ...] = ()) -> None:
        merged = check_insert(record, audit, idempotency, unique, counters, parts, hits)
        if record.listings:
            unit_path(self.tree, record.unit)  # a path too deep fails before anything is written
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
            for hit in hits:
                if self._hits.get((hit.bucket, to_iso(hit.window_start)), (0, None))[0] >= hit.limit:
                    raise OverLimit(hit.bucket)
            for hit in hits:
                self._count_hit(hit.bucket, hit.window_start, hit.expires_at)
            kept = replace(self._copy(record), touched_at=None)
            self._records[(record.collection, record.key)] = kept
            self._list(kept)
            self._add_parts(record, parts)
            self._event(audit)
            if idempotency is not None:
                self._claims[idempotency.key] = replace(idempotency, expires_at=_utc(idempotency.expires_at))
            self._uniques.update((u.namespace, u.value) for u in unique)
            self._add_counters(merged)

    def get(self, collection: str, key: str) -> Record | None:
        check_collection(collection)
        with self._lock:
            found = self._records.get((collection, key))
            return None if found is None else self._copy(found)

    def get_many(self, collection: str, keys: Sequence[str]) -> list[Record]:
        check_collection(collection)
        with self._lock:
            return [self._copy(self._records[(collection, k)]) for k in keys if (collection, k) in self._records]

    def update(self, record: Record, *, expected_version: int, audit: AuditEvent, parts: tuple[Part, ...] = (),
               counters: tuple[CounterIncrement, ...] = (),
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        merged = check_update(record, audit, parts, counters, new_records)
        for each in (record, *(extra for extra, _ in new_records)):
            if each.listings:
                unit_path(self.tree, each.unit)
        with self._lock:
            stored = self._records.get((record.collection, record.key))
            if stored is None:
                raise NotFound(f"{record.collection}/{record.key}")
            if stored.version != expected_version:
                raise VersionConflict(stored.version)
            held = self._parts.get((record.collection, record.key), {})
            if any((p.kind, p.seq) in held for p in parts):
                raise VersionConflict(stored.version)
            if any((extra.collection, extra.key) in self._records for extra, _ in new_records):
                raise AlreadyExists(RECORD_WHAT)
            new = replace(self._copy(record), created_at=stored.created_at, version=expected_version + 1,
                          touched_at=stored.touched_at)
            self._records[(record.collection, record.key)] = new
            self._list(new)
            self._add_parts(record, parts)
            self._event(audit)
            self._add_counters(merged)
            for extra, extra_audit in new_records:
                added = self._copy(extra)
                self._records[(extra.collection, extra.key)] = added
                self._list(added)
                self._event(extra_audit)
            return self._copy(new)

    def touch(self, collection: str, key: str, at: dt.datetime) -> None:
        check_collection(collection)
        at = _utc(at)
        with self._lock:
            stored = self._records.get((collection, key))
            if stored is None:
                raise NotFound(f"{collection}/{key}")
            if stored.touched_at is None or stored.touched_at < at:
                self._records[(collection, key)] = replace(stored, touched_at=at)

    def parts(self, collection: str, key: str, kinds: Sequence[str] | None = None) -> list[Part]:
        check_collection(collection)
        with self._lock:
            held = self._parts.get((collection, key), {})
            return [replace(p, data=_thaw(p.data)) for (kind, _), p in sorted(held.items())
                    if kinds is None or kind in kinds]

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
            found = [(to_iso(e.event.at), e.id, e.event) for e in self._events if unit in e.path]
        found.sort(key=lambda item: (item[0], item[1]), reverse=True)
        if bound is not None:
            found = [item for item in found if (item[0], item[1]) < bound]
        page = found[:limit]
        events = [copy.deepcopy(item[2]) for item in page]
        if len(found) <= limit:
            return events, None
        last = page[-1]
        return events, encode_token(audit_position(last[2].at, f"{last[1]:0{_ID_WIDTH}d}"), last[2].key)

    def _matching(self, collection: str, listing: str, unit: str, lower: str | None,
                  upper: str | None) -> list[_Listed]:
        with self._lock:
            return [item for (c, _), listed in self._entries.items() if c == collection
                    for item in (listed.get(listing),)
                    if item is not None and unit in item.path and in_bounds(item.entry.sort, lower, upper)]

    def listing(self, collection: str, listing: str, unit: str, *, limit: int = 50, after: str | None = None,
                lower: str | None = None, upper: str | None = None,
                descending: bool = False) -> tuple[list[Entry], str | None]:
        check_collection(collection)
        check_limit(limit)
        found = self._matching(collection, listing, unit, lower, upper)
        if after is not None:
            last = decode_token(after)[0]
            found = [item for item in found if (item.position < last if descending else item.position > last)]
        found.sort(key=lambda item: item.position, reverse=descending)
        page = [replace(item.entry, summary=_thaw(item.entry.summary)) for item in found[:limit]]
        if len(found) <= limit:
            return page, None
        return page, encode_token(found[limit - 1].position, found[limit - 1].entry.key)

    def tally(self, collection: str, listing: str, unit: str, *, lower: str | None = None,
              upper: str | None = None) -> dict[str, int]:
        check_collection(collection)
        counts: dict[str, int] = {}
        for item in self._matching(collection, listing, unit, lower, upper):
            row = row_of(item.path, unit)
            if row is not None:
                counts[row] = counts.get(row, 0) + 1
        return dict(sorted(counts.items()))

    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        with self._lock:
            return self._count_hit(bucket, window_start, expires_at)

    def _count_hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        key = (bucket, to_iso(window_start))
        for stale in [k for k, (_, expires) in self._hits.items() if expires <= window_start]:
            del self._hits[stale]
        count = self._hits.get(key, (0, expires_at))[0] + 1
        self._hits[key] = (count, expires_at)
        return count

    def hits(self, bucket: str, window_start: dt.datetime) -> int:
        with self._lock:
            return self._hits.get((bucket, to_iso(window_start)), (0, window_start))[0]
