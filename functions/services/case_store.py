"""How a petition case is kept in the Store, in one place for every use case that reads or writes one.

- The case's own record holds what does not grow (`Case.to_data`); what grows with its history —
  steps, notes, returns, review answers (`case.APPENDED`) — is written as parts beside it, each once.
- The record is listed where staff look for it (`Case.listings`): open cases in the queue by nearest
  deadline, finished ones apart from it, every case under its stage and by the time it came in, each
  entry with only what the lists show. The Store keeps the handling unit's path, so a list is read
  for a whole subtree at once.
- The dashboard's counts per stage are counters of every unit on the case's path (`cases@{unit}`,
  named `{row}|{stage}`, row being the child of that unit the case lies under, or the unit itself),
  and the cases received per month (`received|{YYYY-MM}`), changed in the same write as the case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from functions.domain.case import COLLECTION, Case
from functions.domain.time_limits import china_date
from functions.store import row_of
from functions.store.protocol import AuditEvent, CounterIncrement, Listing, Part, Record

from .context import PortalContext

RECEIVED_COUNTER = "received"


@dataclass(frozen=True)
class StoredCase:
    """A case as read from the Store, with the version a change must name."""

    case: Case
    version: int
    created_at: dt.datetime
    stored_parts: dict[str, int] = field(default_factory=dict)  # how many of each appended kind are stored

    @classmethod
    def of(cls, record: Record, parts: list[Part] = ()) -> StoredCase:
        grouped: dict[str, list[dict]] = {}
        for part in sorted(parts, key=lambda p: (p.kind, p.seq)):
            grouped.setdefault(part.kind, []).append(part.data)
        case = Case.from_stored(record.data, grouped)
        return cls(case, record.version, record.created_at, {kind: len(items) for kind, items in grouped.items()})


def load(ctx: PortalContext, reference: str) -> StoredCase | None:
    record = ctx.store.get(COLLECTION, reference)
    return None if record is None else StoredCase.of(record, ctx.store.parts(COLLECTION, reference))


def counter_scope(unit: str) -> str:
    """The dashboard's counters of one unit's subtree."""
    return f"cases@{unit}"


def record_of(case: Case, created_at: dt.datetime, version: int = 1) -> Record:
    listings = tuple(Listing(name, sort, summary) for name, sort, summary in case.listings())
    return Record(COLLECTION, case.reference, case.to_data(), created_at, case.handling_unit, version, listings)


def new_parts(case: Case, stored: dict[str, int]) -> tuple[Part, ...]:
    return tuple(Part(kind, seq, data) for kind, seq, data in case.appended_since(stored))


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


def save(ctx: PortalContext, stored: StoredCase, new: Case, audit: AuditEvent) -> StoredCase:
    """One Store.update: the case, its new parts, its lists and counters, with the audit event.
    Raises VersionConflict if the case changed since `stored` was read."""
    parts = new_parts(new, stored.stored_parts)
    record = ctx.store.update(record_of(new, stored.created_at, stored.version), expected_version=stored.version,
                              audit=audit, parts=parts, counters=count_changes(ctx, stored.case, new))
    counts = dict(stored.stored_parts)
    for part in parts:
        counts[part.kind] = max(counts.get(part.kind, 0), part.seq + 1)
    return StoredCase(new, record.version, record.created_at, counts)
