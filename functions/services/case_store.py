"""How a petition case is kept in the Store, in one place for every use case that reads or writes one.

- The case's own record holds what does not grow (`Case.to_data`) and how many of each appended kind
  are stored; what grows with its history — steps, notes, returns, review answers (`case.APPENDED`) —
  is written as parts beside it, each once. A change reads every part but the notes (which only the
  case page shows), so a case with hundreds of long notes costs no more to work on than a new one.
- The record is listed where staff look for it (`Case.listings`): open cases in the queue by nearest
  deadline, finished ones apart from it, every case under its stage and by the time it came in, each
  entry with only what the lists show; and by arrival in FACTS with what the figures of 办理情况统计
  and 决策参考 need (`statistics.CaseFacts`), so they read small entries, never cases; and under keyed
  hashes of the petitioner's name and mobile (`contact_index`), so staff find it by either. The Store
  keeps the handling unit's path, so a list is read for a whole subtree at once.
- The dashboard's counts per stage are counters of every unit on the case's path (`cases@{unit}`,
  named `{row}|{stage}`, row being the child of that unit the case lies under, or the unit itself),
  and the cases received per month (`received|{YYYY-MM}`), changed in the same write as the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from functions.domain.case import APPENDED, COLLECTION, FACTS, Case
from functions.domain.statistics import CaseFacts, add_months
from functions.domain.time_limits import CHINA, china_date
from functions.store import row_of
from functions.store.protocol import AuditEvent, CounterIncrement, Listing, Part, Record

from .contact_index import sorts_of
from .context import PortalContext

RECEIVED_COUNTER = "received"
COUNTS = "appended"  # in the case record: how many parts of each appended kind are stored
WITHOUT_NOTES = tuple(kind for kind in APPENDED if kind != "notes")


@dataclass(frozen=True)
class StoredCase:
    """A case as read from the Store, with the version a change must name."""

    case: Case
    version: int
    created_at: dt.datetime
    read: dict[str, int] = field(default_factory=dict)    # parts of each kind read into `case`
    stored: dict[str, int] = field(default_factory=dict)  # parts of each kind in the Store

    @classmethod
    def of(cls, record: Record, parts: Sequence[Part] = ()) -> StoredCase:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for part in sorted(parts, key=lambda p: (p.kind, p.seq)):
            grouped.setdefault(part.kind, []).append(part.data)
        read = {kind: len(items) for kind, items in grouped.items()}
        stored = {kind: max(n, read.get(kind, 0)) for kind, n in (record.data.get(COUNTS) or {}).items()}
        return cls(Case.from_stored(record.data, grouped), record.version, record.created_at, read,
                   {**read, **stored})


def load(ctx: PortalContext, reference: str, notes: bool = True) -> StoredCase | None:
    """The case with its parts (without its notes, for a change: they are counted, not read)."""
    record = ctx.store.get(COLLECTION, reference)
    if record is None:
        return None
    return StoredCase.of(record, parts_of(ctx, record, notes))


def parts_of(ctx: PortalContext, record: Record, notes: bool = True) -> list[Part]:
    # A record written before the counts existed may hold its lists inline: read everything then.
    skip = not notes and COUNTS in record.data
    return ctx.store.parts(COLLECTION, record.key, kinds=WITHOUT_NOTES if skip else None)


def arrival(moment: dt.datetime) -> str:
    """How the lists by arrival (RECEIVED, FACTS) sort a moment: UTC ISO text."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def month_bounds(first: str, last: str) -> tuple[str, str]:
    """(lower, upper) of the lists by arrival for the China months `first` … `last` ("YYYY-MM")."""
    def start(month: str) -> str:
        return arrival(dt.datetime(int(month[:4]), int(month[5:7]), 1, tzinfo=CHINA))

    return start(first), start(add_months(last, 1))


def counter_scope(unit: str) -> str:
    """The dashboard's counters of one unit's subtree."""
    return f"cases@{unit}"


def record_of(case: Case, created_at: dt.datetime, version: int = 1, stored: dict[str, int] | None = None,
              secret_key: bytes | None = None) -> Record:
    listings = tuple(Listing(name, sort, summary) for name, sort, summary in case.listings())
    listings += (Listing(FACTS, arrival(case.received), CaseFacts.of(case).to_summary()),)
    if secret_key is not None:  # found by the petitioner's name or mobile, as keyed hashes (contact_index)
        listings += tuple(Listing(name, sort, case.queue_summary()) for name, sort in sorts_of(case, secret_key))
    counts = stored if stored is not None else {kind: len(getattr(case, kind)) for kind in APPENDED}
    return Record(COLLECTION, case.reference, {**case.to_data(), COUNTS: counts}, created_at, case.handling_unit,
                  version, listings)


def new_parts(case: Case, read: dict[str, int], stored: dict[str, int]) -> tuple[Part, ...]:
    """The appended entries beyond those read, numbered after those stored."""
    return tuple(Part(kind, stored.get(kind, 0) + i, data) for kind in APPENDED
                 for i, data in enumerate(case.appended(kind, read.get(kind, 0))))


def _path(ctx: PortalContext, unit: str) -> tuple[str, ...]:
    return tuple(ctx.org.path(unit)) if unit in ctx.org else (unit,)


def _stage_counts(ctx: PortalContext, case: Case, delta: int) -> list[CounterIncrement]:
    path = _path(ctx, case.handling_unit)
    return [CounterIncrement(counter_scope(unit), f"{row_of(path, unit)}|{case.stage.value}", delta) for unit in path]


def count_changes(ctx: PortalContext, old: Case | None, new: Case) -> tuple[CounterIncrement, ...]:
    """The dashboard counters a change moves: its stage (and where it is handled) before and after, and
    on arrival the month it was received."""
    if old is not None and (old.stage, old.handling_unit) == (new.stage, new.handling_unit):
        return ()
    changes = _stage_counts(ctx, new, +1)
    if old is None:
        month = china_date(new.received).strftime("%Y-%m")
        changes += [CounterIncrement(counter_scope(unit), f"{RECEIVED_COUNTER}|{month}")
                    for unit in _path(ctx, new.handling_unit)]
    else:
        changes += _stage_counts(ctx, old, -1)
    return tuple(changes)


def first_write(ctx: PortalContext, case: Case, received: dt.datetime) -> tuple[Record, tuple[Part, ...],
                                                                               tuple[CounterIncrement, ...]]:
    """Record, parts and counters of a new case."""
    return (record_of(case, received, secret_key=ctx.secret_key), new_parts(case, {}, {}),
            count_changes(ctx, None, case))


def save(ctx: PortalContext, stored: StoredCase, new: Case, audit: AuditEvent,
         new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> StoredCase:
    """One Store.update: the case, its new parts, its lists and counters, with the audit event and the
    records the change inserts (its outbox messages, a published copy). Raises VersionConflict if the
    case changed since `stored` was read."""
    parts = new_parts(new, stored.read, stored.stored)
    counts = dict(stored.stored)
    for part in parts:
        counts[part.kind] = max(counts.get(part.kind, 0), part.seq + 1)
    record = ctx.store.update(record_of(new, stored.created_at, stored.version, counts, ctx.secret_key),
                              expected_version=stored.version, audit=audit, parts=parts,
                              counters=count_changes(ctx, stored.case, new), new_records=new_records)
    read = {kind: stored.read.get(kind, 0) + sum(1 for p in parts if p.kind == kind) for kind in APPENDED}
    return StoredCase(new, record.version, record.created_at, read, counts)
