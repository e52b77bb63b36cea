"""The Store: protocol (protocol.py), two adapters (sqlite.py, dynamodb.py) and the codecs they share.

The adapters are not imported here, so `import functions.store` never pulls in boto3 or opens a
database; `functions.config.make_store` picks one from `PORTAL_STORE`. Everything below exists so that both
adapters encode datetimes, JSON, queue positions and page tokens byte for byte the same way and
refuse the same bad arguments: the contract suite then really tests one behaviour, twice.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from functions.store.protocol import (
    AlreadyExists,
    AuditEvent,
    CounterIncrement,
    IdempotencyClaim,
    IdempotentReplay,
    NotFound,
    Record,
    Store,
    StoreError,
    UniqueClaim,
    VersionConflict,
)

__all__ = [
    "AlreadyExists", "AuditEvent", "CounterIncrement", "IdempotencyClaim", "IdempotentReplay",
    "NotFound", "Record", "Store", "StoreError", "UniqueClaim", "VersionConflict",
]

# Separates queue_sort from the key in a queue position. '#' sorts below every character that ISO
# text and our keys use, so ordering by position equals ordering by (queue_sort, key).
_POSITION_SEPARATOR = "#"


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


def queue_position(record: Record) -> str | None:
    """Where a record sits in its unit's queue, or None when it is not queued.

    The key is appended so that equal queue_sort values still have one stable order, the same in
    both adapters, and so that a page boundary never splits or repeats a tie.
    """
    if record.unit is None or record.queue_sort is None:
        return None
    return f"{record.queue_sort}{_POSITION_SEPARATOR}{record.key}"


def encode_token(position: str, key: str) -> str:
    raw = dump_json([position, key]).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_token(token: str) -> tuple[str, str]:
    """(position, key) of the last record of the previous page; ValueError for anything else."""
    try:
        position, key = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise ValueError("invalid page token") from exc
    if not isinstance(position, str) or not isinstance(key, str):
        raise ValueError("invalid page token")
    return position, key


def check_collection(collection: str) -> None:
    # DynamoDB keys are "{collection}#{key}"; a '#' in the collection would make two records share
    # a key. SQLite would not care, but both adapters refuse it so they accept the same inputs.
    if not collection or "#" in collection:
        raise ValueError(f"collection must be non-empty and contain no '#': {collection!r}")


def check_event(event: AuditEvent) -> None:
    """Validate an audit event on its own (append_audit): naive datetimes fail here, before any write."""
    check_collection(event.collection)
    to_iso(event.at)


def check_audit(record: Record, audit: AuditEvent) -> None:
    check_collection(record.collection)
    if (audit.collection, audit.key) != (record.collection, record.key):
        raise ValueError("the audit event must be about the record being written")
    to_iso(record.created_at)
    check_event(audit)


def check_limit(limit: int) -> None:
    if limit < 1:
        raise ValueError("limit must be at least 1")


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
    position = decode_token(token)[0]
    at, separator, tiebreak = position.partition(_POSITION_SEPARATOR)
    if not separator or not tiebreak or _POSITION_SEPARATOR in tiebreak:
        raise ValueError("invalid page token")
    try:
        if to_iso(from_iso(at)) != at:
            raise ValueError("invalid page token")
    except (ValueError, TypeError) as exc:
        raise ValueError("invalid page token") from exc
    return at, tiebreak


def check_insert(record: Record, audit: AuditEvent, idempotency: IdempotencyClaim | None,
                 unique: tuple[UniqueClaim, ...], counters: tuple[CounterIncrement, ...]) -> list[CounterIncrement]:
    """Validate an insert's arguments; returns the counters with repeated (scope, name) summed.

    Summing is needed because a DynamoDB transaction may touch each item once only; doing it in
    both adapters keeps their results identical.
    """
    check_audit(record, audit)
    if idempotency is not None:
        to_iso(idempotency.expires_at)
    seen: set[tuple[str, str]] = set()
    for claim in unique:
        if not claim.namespace or "#" in claim.namespace:
            raise ValueError(f"unique namespace must be non-empty and contain no '#': {claim.namespace!r}")
        if (claim.namespace, claim.value) in seen:
            raise ValueError(f"unique claim repeated in one insert: {claim.namespace}")
        seen.add((claim.namespace, claim.value))
    merged: dict[tuple[str, str], int] = {}
    for inc in counters:
        merged[(inc.scope, inc.name)] = merged.get((inc.scope, inc.name), 0) + inc.delta
    return [CounterIncrement(scope, name, delta) for (scope, name), delta in merged.items()]


def unique_what(claim: UniqueClaim) -> str:
    """`AlreadyExists.what` for a taken unique claim: the namespace only, since values can be
    secrets (a survey respondent token) and exception messages end up in logs."""
    return f"unique:{claim.namespace}"


RECORD_WHAT = "record"
