"""How the DynamoDB adapter lays out its items (the table in infra/template.yaml): keys, list entries,
parts, counters, audit events and claims, built and read back. functions/store/dynamodb.py documents
the layout and makes the calls; this module only turns Store values into items and back.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any

from functions.store import (
    UNIT_LEVELS,
    audit_position,
    dump_json,
    epoch_seconds,
    from_iso,
    load_json,
    position,
    summary_of,
    to_iso,
)
from functions.store.protocol import (
    AuditEvent,
    Entry,
    IdempotencyClaim,
    Listing,
    NotFound,
    Part,
    Record,
    VersionConflict,
)

TREE_INDEXES = tuple(f"tree{level}" for level in range(UNIT_LEVELS))
SHARDS = 16


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def record_pk(collection: str, key: str) -> str:
    return f"{collection}#{key}"


def audit_sk(seq: int) -> str:
    # Zero-padded so text order is numeric order.
    return f"A#{seq:012d}"


def shard(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % SHARDS


def shard_keys(scope: str) -> list[tuple[str, str]]:
    return [(f"C#{scope}#{n:02d}", "N") for n in range(SHARDS)]


class Stamps:
    """Insertion stamps: the tiebreak of the audit order, for events with the same `at`.

    16 digits of this process's clock in microseconds, made strictly increasing within the process
    (so events one process writes one after the other keep their order even within one microsecond
    or when the clock steps back), then 64 random bits (so stamps of different processes never
    collide). Across processes the order of two events with the same `at` is that of their
    writers' clocks; DynamoDB offers no cheaper global sequence, and equal `at` values from
    different requests hardly ever happen.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> str:
        with self._lock:
            self._last = max(time.time_ns() // 1000, self._last + 1)
            micros = self._last
        return f"{micros:016d}{secrets.token_hex(8)}"


stamps = Stamps()


class Items:
    """Builds the items and transaction actions of one table, with each unit's path from `path_of`."""

    def __init__(self, table: str, path_of):
        self.table = table
        self.path_of = path_of

    def tree_query(self, collection: str, listing: str, unit: str, lower: str | None, upper: str | None,
                    after: str | None, descending: bool) -> tuple[int, dict[str, Any], str | None]:
        """(level, query arguments, a position to leave out) for a listing's subtree query.

        A key condition takes one range only, so an exclusive `after` and a bound become one
        inclusive BETWEEN, and the item at `after` itself is skipped. `upper` needs no care: it is a
        sort value without '#', so no position equals it and "<=" is "<".
        """
        level = len(self.path_of(unit)) - 1
        sk = f"T{level}SK"
        values: dict[str, Any] = {":u": _s(f"{collection}#{listing}#{unit}")}
        start, end = (lower, after if after is not None else upper) if descending else \
            (after if after is not None else lower, upper)
        skip = after if after is not None and (start if not descending else end) == after else None
        if start is not None and end is not None:
            condition = f" AND {sk} BETWEEN :start AND :end"
            values.update({":start": _s(start), ":end": _s(end)})
        elif start is not None:
            condition = f" AND {sk} {'>' if skip else '>='} :start"
            values[":start"] = _s(start)
            skip = None
        elif end is not None:
            condition = f" AND {sk} < :end"
            values[":end"] = _s(end)
            skip = None
        else:
            condition = ""
        kwargs = {"TableName": self.table, "IndexName": TREE_INDEXES[level], "ScanIndexForward": not descending,
                  "KeyConditionExpression": f"T{level}PK = :u{condition}", "ExpressionAttributeValues": values}
        return level, kwargs, skip

    def tree_keys(self, path: tuple[str, ...], prefix: str, sort_key: str) -> dict[str, Any]:
        keys: dict[str, Any] = {"path": _s("/".join(path))}
        for level, code in enumerate(path):
            keys[f"T{level}PK"] = _s(f"{prefix}#{code}")
            keys[f"T{level}SK"] = _s(sort_key)
        return keys

    def entries(self, record: Record, version: int) -> list[dict[str, Any]]:
        if not record.listings:
            return []
        path = self.path_of(record.unit)
        pk = record_pk(record.collection, record.key)
        puts = []
        for listing in record.listings:
            item = {"PK": _s(pk), "SK": _s(f"L#{listing.name}"), "collection": _s(record.collection),
                    "key": _s(record.key), "listing": _s(listing.name), "unit": _s(record.unit or ""),
                    "sort": _s(listing.sort), "version": _n(version), "created_at": _s(to_iso(record.created_at)),
                    "summary": _s(dump_json(summary_of(record, listing)))}
            item.update(self.tree_keys(path, f"{record.collection}#{listing.name}", position(listing.sort, record.key)))
            puts.append({"Put": {"TableName": self.table, "Item": item}})
        return puts

    def parts(self, record: Record, parts: tuple[Part, ...]) -> list[dict[str, Any]]:
        pk = record_pk(record.collection, record.key)
        return [self.put({"PK": _s(pk), "SK": _s(f"P#{p.kind}#{p.seq:06d}"), "kind": _s(p.kind), "seq": _n(p.seq),
                           "data": _s(dump_json(p.data))}, "attribute_not_exists(PK)") for p in parts]

    def counters(self, record: Record, merged: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
        """One update per scope, on the shard the record's key picks: all of a scope's increments in one
        ADD (at most MAX_COUNTERS_PER_SCOPE names, checked before)."""
        picked = shard(record.key)
        updates = []
        for scope, names in sorted(merged.items()):
            ordered = sorted(names.items())
            updates.append({"Update": {
                "TableName": self.table, "Key": {"PK": _s(f"C#{scope}#{picked:02d}"), "SK": _s("N")},
                "UpdateExpression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(ordered))),
                "ExpressionAttributeNames": {f"#c{i}": f"n:{name}" for i, (name, _) in enumerate(ordered)},
                "ExpressionAttributeValues": {f":c{i}": _n(delta) for i, (_, delta) in enumerate(ordered)}}})
        return updates

    def record_update(self, record: Record, expected_version: int) -> dict[str, Any]:
        sets = ["#data = :data", "#version = :new", "listings = :listings"]
        values: dict[str, Any] = {":data": _s(dump_json(record.data)), ":new": _n(expected_version + 1),
                                  ":expected": _n(expected_version), ":listings": _s(listings_json(record))}
        if record.unit is None:
            expression = "SET " + ", ".join(sets) + " REMOVE #unit"
        else:
            sets.append("#unit = :unit")
            values[":unit"] = _s(record.unit)
            expression = "SET " + ", ".join(sets)
        return {"Update": {
            "TableName": self.table, "Key": {"PK": _s(record_pk(record.collection, record.key)), "SK": _s("R")},
            "UpdateExpression": expression,
            # A missing item has no version, so this also fails when it was never there.
            "ConditionExpression": "#version = :expected",
            # Names always go through placeholders: DATA and UNIT are reserved words.
            "ExpressionAttributeNames": {"#data": "data", "#version": "version", "#unit": "unit"},
            "ExpressionAttributeValues": values, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}

    def audit_item(self, audit: AuditEvent, sk: str, stamp: str | None = None) -> dict[str, Any]:
        stamp = stamp if stamp is not None else stamps.next()
        item = {"PK": _s(record_pk(audit.collection, audit.key)), "SK": _s(sk),
                "collection": _s(audit.collection), "key": _s(audit.key), "at": _s(to_iso(audit.at)),
                "stamp": _s(stamp), "actor": _s(audit.actor), "action": _s(audit.action),
                "before": _s(dump_json(audit.before)), "after": _s(dump_json(audit.after))}
        if audit.unit is not None:
            item["unit"] = _s(audit.unit)
            # Sparse: events without a unit are in no unit's audit_log.
            item.update(self.tree_keys(self.path_of(audit.unit), "#audit", audit_position(audit.at, stamp)))
        return item

    def put(self, item: dict[str, Any], condition: str, values: dict[str, Any] | None = None, *,
             return_old: bool = False) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table, "Item": item, "ConditionExpression": condition}
        if values:
            put["ExpressionAttributeValues"] = values
        if return_old:  # the cancellation then carries the stored item: no second read, no TTL race
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Put": put}



def check_version(item: dict[str, Any] | None, expected: int) -> None:
    if item is None:
        raise NotFound("record")
    if int(item["version"]["N"]) != expected:
        raise VersionConflict(int(item["version"]["N"]))


def listings_json(record: Record) -> str:
    return dump_json([[listing.name, listing.sort, listing.summary] for listing in record.listings])


def record_item(record: Record) -> dict[str, Any]:
    item = {"PK": _s(record_pk(record.collection, record.key)), "SK": _s("R"),
            "collection": _s(record.collection), "key": _s(record.key), "created_at": _s(to_iso(record.created_at)),
            "version": _n(record.version), "data": _s(dump_json(record.data)), "listings": _s(listings_json(record))}
    if record.unit is not None:
        item["unit"] = _s(record.unit)
    return item


def record_of(item: dict[str, Any]) -> Record:
    listings = tuple(Listing(name, sort, summary) for name, sort, summary in load_json(item["listings"]["S"])) \
        if "listings" in item else ()
    return Record(item["collection"]["S"], item["key"]["S"], load_json(item["data"]["S"]),
                  from_iso(item["created_at"]["S"]), item["unit"]["S"] if "unit" in item else None,
                  int(item["version"]["N"]), listings, from_iso(item["touched"]["S"]) if "touched" in item else None)


def entry_of(item: dict[str, Any]) -> Entry:
    return Entry(item["collection"]["S"], item["key"]["S"], item["listing"]["S"], item["unit"]["S"],
                 item["sort"]["S"], int(item["version"]["N"]), from_iso(item["created_at"]["S"]),
                 load_json(item["summary"]["S"]))


def audit_of(item: dict[str, Any]) -> AuditEvent:
    return AuditEvent(item["collection"]["S"], item["key"]["S"], from_iso(item["at"]["S"]), item["actor"]["S"],
                      item["action"]["S"], item["unit"]["S"] if "unit" in item else None,
                      load_json(item["before"]["S"]), load_json(item["after"]["S"]))


def claim_item(claim: IdempotencyClaim) -> dict[str, Any]:
    return {"PK": _s(f"I#{claim.key}"), "SK": _s("I"), "request_hash": _s(claim.request_hash),
            "result": _s(claim.result),
            "expires_at": _s(to_iso(claim.expires_at)), "expires": _n(epoch_seconds(claim.expires_at))}


def claim_of(item: dict[str, Any]) -> IdempotencyClaim:
    return IdempotencyClaim(item["PK"]["S"][2:], item["request_hash"]["S"], item["result"]["S"],
                            from_iso(item["expires_at"]["S"]))
