"""The Store: protocol (protocol.py), three adapters (sqlite.py, dynamodb.py, memory.py) and the codecs
and limits they share.

The adapters are not imported here, so `import functions.store` never pulls in boto3 or opens a
database; `functions.config.make_store` picks one from `PORTAL_STORE`. Everything below exists so that
all adapters encode datetimes, JSON, positions, unit paths and page tokens byte for byte the same way
and refuse the same bad arguments — and the same oversized writes: the contract suite then really
tests one behaviour, on each store.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from functions.store.protocol import (
    AlreadyExists,
    AuditEvent,
    CounterIncrement,
    Entry,
    IdempotencyClaim,
    IdempotentReplay,
    Listing,
    NotFound,
    OverLimit,
    Part,
    RateHit,
    Record,
    Store,
    StoreError,
    StoreUnavailable,
    UniqueClaim,
    UnitTree,
    VersionConflict,
)

__all__ = [
    "AlreadyExists", "AuditEvent", "CounterIncrement", "Entry", "IdempotencyClaim", "IdempotentReplay", "Listing",
    "NotFound", "OverLimit", "Part", "RateHit", "Record", "Store", "StoreError", "StoreUnavailable", "UniqueClaim", "UnitTree",
    "VersionConflict",
]

# Separates a sort value from the key in a position. '#' sorts below every character that sort values
# (ISO text, digits, letters, '~', '.', ':') and keys use, so ordering by position equals ordering by
# (sort, key); sort values may therefore not contain '#' or anything below it.
_POSITION_SEPARATOR = "#"

# --- limits: what one write may carry, the same in every adapter ---------------------------------
# Levels of the unit tree a listing can answer for (province → city → county → town). DynamoDB keeps
# one index per level (infra/template.yaml: tree0 … tree3); `portal check` keeps the tree that deep
# (site_builder.checks: each unit's level ranks below its parent's, and there are four levels).
UNIT_LEVELS = 4
# Counter names one write may add to in one scope: DynamoDB keeps a scope in one item (per shard), and
# one UpdateExpression adds them all; moto's expression parser recurses per clause and fails near 200.
MAX_COUNTERS_PER_SCOPE = 100
# Scopes, parts and listings one write may touch. In DynamoDB an insert is at most 1 idempotency claim +
# record + audit event + 5 unique claims + 6 entries + 10 parts + 70 counter items = 94 actions, an
# update record + audit event + 10 parts + 6 entries + 6 entries removed + 70 = 94: inside the 100 of
# one TransactWriteItems whatever the caller sends, or refused before anything is written.
MAX_SCOPES_PER_WRITE = 70
MAX_PARTS_PER_WRITE = 10
MAX_LISTINGS = 6
MAX_UNIQUE_CLAIMS = 5
# An insert may count the request's rate-limit hits with it (two rules and one per-address limit are
# used): 94 + 4 = 98.
MAX_HITS_PER_WRITE = 4
# An update may insert records with it (the outbox messages a change sends, a published copy): each is
# its record, its audit event and one listing entry, so two of them add 6 actions: 94 + 6 = 100.
MAX_NEW_RECORDS = 2
# DynamoDB's limit on the actions of one TransactWriteItems.
TRANSACTION_LIMIT = 100


def to_iso(value: dt.datetime) -> str:
    """UTC ISO-8601 text. Naive datetimes are refused: guessing their zone would shift deadlines."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware: {value!r}")
    # Fixed width (always microseconds, always +00:00) so that string order is time order: both
    # SQLite and DynamoDB compare these as text in conditions and sort keys.
    return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def from_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc)


def epoch_seconds(value: dt.datetime) -> int:
    """Whole seconds, rounded up, for DynamoDB TTL: an item must never vanish before it expires."""
    whole = int(value.timestamp())
    return whole if whole == value.timestamp() else whole + 1


def dump_json(value: Any) -> str:
    # ensure_ascii=False keeps Chinese readable in the database; allow_nan=False because NaN is not
    # JSON and would fail later, far from the bug that produced it.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def load_json(text: str) -> Any:
    return json.loads(text)


# --- unit paths --------------------------------------------------------------------------------

def unit_path(tree: UnitTree | None, unit: str) -> tuple[str, ...]:
    """The unit's path from the top of the tree, as the Store keeps it. A unit the tree does not know
    (or a Store without a tree) stands alone at the top; a path deeper than UNIT_LEVELS is refused."""
    if tree is None:
        return (unit,)
    try:
        path = tuple(tree.path(unit))
    except KeyError:
        return (unit,)
    if len(path) > UNIT_LEVELS:
        raise ValueError(f"unit {unit} is {len(path)} levels deep; the Store indexes {UNIT_LEVELS}")
    return path


def row_of(path: tuple[str, ...], unit: str) -> str | None:
    """Which row of `unit`'s tally an entry at `path` counts in: the child of `unit` on the path, or
    `unit` itself; None when the path does not pass through `unit`."""
    if unit not in path:
        return None
    level = path.index(unit)
    return path[level + 1] if level + 1 < len(path) else unit


# --- positions and tokens ------------------------------------------------------------------------

def position(sort: str, key: str) -> str:
    """Where an entry sits in its listing: ties broken by key, identically in every adapter, so a page
    boundary never splits or repeats a tie."""
    return f"{sort}{_POSITION_SEPARATOR}{key}"


def encode_token(position_: str, key: str) -> str:
    raw = dump_json([position_, key]).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_token(token: str) -> tuple[str, str]:
    """(position, key) of the last item of the previous page; ValueError for anything else."""
    try:
        position_, key = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise ValueError("invalid page token") from exc
    if not isinstance(position_, str) or not isinstance(key, str):
        raise ValueError("invalid page token")
    return position_, key


def audit_position(at: dt.datetime, tiebreak: str) -> str:
    """Where an event sits in the audit order: its `at`, then a tiebreak that grows with insertion.

    Text order of positions is the audit order, as long as every tiebreak of one store has the same
    width (SQLite: the zero-padded row id; DynamoDB: the insertion stamp). '#' sorts below every
    character of both, and ISO text never contains one.
    """
    if not tiebreak or _POSITION_SEPARATOR in tiebreak:
        raise ValueError(f"invalid audit tiebreak: {tiebreak!r}")
    return f"{to_iso(at)}{_POSITION_SEPARATOR}{tiebreak}"


def decode_audit_token(token: str) -> tuple[str, str]:
    """(at as ISO text, tiebreak) of the last event of the previous audit_log page; ValueError else."""
    position_ = decode_token(token)[0]
    at, separator, tiebreak = position_.partition(_POSITION_SEPARATOR)
    if not separator or not tiebreak or _POSITION_SEPARATOR in tiebreak:
        raise ValueError("invalid page token")
    try:
        if to_iso(from_iso(at)) != at:
            raise ValueError("invalid page token")
    except (ValueError, TypeError) as exc:
        raise ValueError("invalid page token") from exc
    return at, tiebreak


def in_bounds(sort: str, lower: str | None, upper: str | None) -> bool:
    return (lower is None or sort >= lower) and (upper is None or sort < upper)


# --- argument checks ---------------------------------------------------------------------------

def _name(value: str, what: str) -> None:
    # DynamoDB keys are built as "{collection}#{key}", "{collection}#{listing}#{unit}" …: a '#' in a
    # name would let two things share a key. SQLite would not care, but every adapter refuses it.
    if not value or "#" in value:
        raise ValueError(f"{what} must be non-empty and contain no '#': {value!r}")


def check_collection(collection: str) -> None:
    _name(collection, "collection")


def check_event(event: AuditEvent) -> None:
    """Validate an audit event on its own (append_audit): naive datetimes fail here, before any write."""
    check_collection(event.collection)
    to_iso(event.at)


def check_limit(limit: int) -> None:
    if limit < 1:
        raise ValueError("limit must be at least 1")


def check_sort(sort: str) -> None:
    if not sort or any(ch <= _POSITION_SEPARATOR for ch in sort) or len(sort.encode()) > 400:
        raise ValueError(f"a sort value must be 1-400 bytes with no '#', space or control character: {sort!r}")


def check_listings(record: Record) -> None:
    if len(record.listings) > MAX_LISTINGS:
        raise ValueError(f"a record may be in at most {MAX_LISTINGS} listings")
    names = [listing.name for listing in record.listings]
    if len(set(names)) != len(names):
        raise ValueError("a record is listed once per listing")
    if record.listings and record.unit is None:
        raise ValueError("a listed record needs a unit")
    for listing in record.listings:
        _name(listing.name, "listing name")
        check_sort(listing.sort)


def check_parts(parts: tuple[Part, ...]) -> None:
    if len(parts) > MAX_PARTS_PER_WRITE:
        raise ValueError(f"a write may add at most {MAX_PARTS_PER_WRITE} parts")
    seen: set[tuple[str, int]] = set()
    for part in parts:
        _name(part.kind, "part kind")
        if part.seq < 0 or part.seq > 999_999 or (part.kind, part.seq) in seen:
            raise ValueError(f"part {part.kind} {part.seq}: seq must be 0-999999 and new in this write")
        seen.add((part.kind, part.seq))


def check_record(record: Record, audit: AuditEvent) -> None:
    check_collection(record.collection)
    if (audit.collection, audit.key) != (record.collection, record.key):
        raise ValueError("the audit event must be about the record being written")
    to_iso(record.created_at)
    check_event(audit)
    check_listings(record)


def merge_counters(counters: Iterable[CounterIncrement]) -> dict[str, dict[str, int]]:
    """Increments by scope and name, repeated (scope, name) summed (a DynamoDB transaction may touch an
    item once only, so all adapters sum first); refuses a write over the per-scope limits."""
    merged: dict[str, dict[str, int]] = {}
    for inc in counters:
        if not inc.scope or not inc.name:
            raise ValueError("a counter needs a scope and a name")
        names = merged.setdefault(inc.scope, {})
        names[inc.name] = names.get(inc.name, 0) + inc.delta
    if len(merged) > MAX_SCOPES_PER_WRITE:
        raise ValueError(f"a write may add to at most {MAX_SCOPES_PER_WRITE} counter scopes")
    for scope, names in merged.items():
        if len(names) > MAX_COUNTERS_PER_SCOPE:
            raise ValueError(f"a write may add to at most {MAX_COUNTERS_PER_SCOPE} counters of one scope, "
                             f"not {len(names)} of {scope}")
    return merged


def check_insert(record: Record, audit: AuditEvent, idempotency: IdempotencyClaim | None,
                 unique: tuple[UniqueClaim, ...], counters: tuple[CounterIncrement, ...],
                 parts: tuple[Part, ...], hits: tuple[RateHit, ...] = ()) -> dict[str, dict[str, int]]:
    """Validate an insert's arguments; returns the counters merged by scope (see merge_counters)."""
    check_record(record, audit)
    check_parts(parts)
    check_hits(hits)
    if idempotency is not None:
        to_iso(idempotency.expires_at)
    if len(unique) > MAX_UNIQUE_CLAIMS:
        raise ValueError(f"an insert may take at most {MAX_UNIQUE_CLAIMS} unique claims")
    seen: set[tuple[str, str]] = set()
    for claim in unique:
        _name(claim.namespace, "unique namespace")
        if (claim.namespace, claim.value) in seen:
            raise ValueError(f"unique claim repeated in one insert: {claim.namespace}")
        seen.add((claim.namespace, claim.value))
    return merge_counters(counters)


def check_hits(hits: tuple[RateHit, ...]) -> None:
    if len(hits) > MAX_HITS_PER_WRITE:
        raise ValueError(f"a write may count at most {MAX_HITS_PER_WRITE} rate-limit hits")
    if len({(h.bucket, to_iso(h.window_start)) for h in hits}) != len(hits):
        raise ValueError("a rate-limit window counted twice in one write")
    for hit in hits:
        to_iso(hit.expires_at)
        if hit.limit < 1:
            raise ValueError("a rate limit allows at least one hit")


def check_update(record: Record, audit: AuditEvent, parts: tuple[Part, ...],
                 counters: tuple[CounterIncrement, ...],
                 new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> dict[str, dict[str, int]]:
    check_record(record, audit)
    check_parts(parts)
    if len(new_records) > MAX_NEW_RECORDS:
        raise ValueError(f"an update may insert at most {MAX_NEW_RECORDS} records with it")
    for extra, extra_audit in new_records:
        check_record(extra, extra_audit)
        if len(extra.listings) > 1:
            raise ValueError("a record inserted with an update may be in one listing at most")
    return merge_counters(counters)


def unique_what(claim: UniqueClaim) -> str:
    """`AlreadyExists.what` for a taken unique claim: the namespace only, since values can be
    secrets (a survey respondent token) and exception messages end up in logs."""
    return f"unique:{claim.namespace}"


def summary_of(record: Record, listing: Listing) -> dict[str, Any]:
    return record.data if listing.summary is None else listing.summary


RECORD_WHAT = "record"
