"""DynamoDB adapter of the Store: one table (infra/template.yaml), low-level client.

Item layout (PK / SK are strings; the SK kinds never overlap, so no PK prefix can collide):

    record       {collection}#{key}       R              + GSI1PK={collection}#{unit}, GSI1SK=position
    audit event  {collection}#{key}       A#{seq:012d}   seq = the record version it produced
    appended     {collection}#{key}       E#{at ISO}#{stamp}   append_audit; the record need not exist
    idempotency  I#{key}                  I              expires (TTL, epoch s) + expires_at (ISO)
    unique claim U#{namespace}#{value}    U
    counter      C#{scope}                N#{name}       n (ADD)
    rate hits    H#{bucket}               W#{window ISO} n (ADD), expires (TTL)

Every audit item (A# and E#) carries `at` and `stamp`, the insertion stamp (see _Stamps), and, when
its unit is set, GSI2PK=AU#{unit}, GSI2SK={at ISO}#{stamp} for the `audit` index (audit_log). The
audit order is (at, stamp) everywhere: audit_trail sorts a record's items by it, the index by GSI2SK.

`data`, `before` and `after` are JSON *strings*, not maps: the low-level client
would otherwise turn every number into Decimal and floats could not round-trip exactly; a string
comes back byte for byte. Numbers the adapter itself owns (version, counts, status) are N.

The low-level client (not the boto3 resource) is used so no Decimal ever reaches the caller.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import threading
import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

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
    epoch_seconds,
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
    StoreError,
    UniqueClaim,
    VersionConflict,
)

CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
QUEUE_INDEX = "queue"
AUDIT_INDEX = "audit"
# Cancellation reasons worth another try: another transaction held one of our items, or capacity.
# botocore does not retry a cancelled transaction itself, because in general it cannot know.
_RETRYABLE = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
_ATTEMPTS = 6
_IDEMPOTENCY = "idempotency"


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def _record_pk(collection: str, key: str) -> str:
    return f"{collection}#{key}"


def _audit_sk(seq: int) -> str:
    # Zero-padded so text order is numeric order.
    return f"A#{seq:012d}"


class _Stamps:
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


_stamps = _Stamps()


class DynamoStore:
    """Store in one DynamoDB table. Thread-safe (boto3 clients are)."""

    def __init__(self, table_name: str, client: Any = None):
        self.table = table_name
        self.client = client if client is not None else boto3.client("dynamodb", config=CLIENT_CONFIG)

    # -- the protocol -------------------------------------------------------------------------

    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = ()) -> None:
        increments = check_insert(record, audit, idempotency, unique, counters)
        # `labels[i]` says what TransactItems[i] protects, to turn a cancellation into an exception.
        items: list[dict[str, Any]] = []
        labels: list[str | None] = []
        if idempotency is not None:
            # An expired claim that TTL has not yet deleted (TTL lags by up to days) may be replaced.
            # The insert has no "now" of its own; the record's creation time is that moment.
            items.append(self._put(_claim_item(idempotency), "attribute_not_exists(PK) OR expires_at <= :now",
                                   {":now": _s(to_iso(record.created_at))}, return_old=True))
            labels.append(_IDEMPOTENCY)
        items.append(self._put(_record_item(record), "attribute_not_exists(PK)"))
        labels.append(RECORD_WHAT)
        items.append(self._put(_audit_item(audit, _audit_sk(record.version)), "attribute_not_exists(PK)"))
        # An event at seq 1 exists only if the record does (appended events have E# keys).
        labels.append(RECORD_WHAT)
        for claim in unique:
            items.append(self._put({"PK": _s(f"U#{claim.namespace}#{claim.value}"), "SK": _s("U")},
                                   "attribute_not_exists(PK)"))
            labels.append(unique_what(claim))
        for inc in increments:
            items.append({"Update": {
                "TableName": self.table,
                "Key": {"PK": _s(f"C#{inc.scope}"), "SK": _s(f"N#{inc.name}")},
                "UpdateExpression": "ADD n :d", "ExpressionAttributeValues": {":d": _n(inc.delta)}}})
            labels.append(None)
        if len(items) > 100:
            raise ValueError(f"an insert may write at most 100 items (DynamoDB transaction limit), not {len(items)}")

        for attempt in range(_ATTEMPTS):
            reasons = self._transact(items)
            if reasons is None:
                return
            failed = {labels[i]: r for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"}
            # The idempotency claim is judged first: a replay must never report AlreadyExists.
            if _IDEMPOTENCY in failed:
                assert idempotency is not None
                stored = failed[_IDEMPOTENCY].get("Item") or self._get(f"I#{idempotency.key}", "I")
                if stored is not None:
                    raise IdempotentReplay(_claim(stored))
                # TTL deleted it between the cancellation and the read: the key is free, go again.
                continue
            for label in labels:
                if label is not None and label in failed:
                    raise AlreadyExists(label)
            self._back_off(reasons, attempt)
        raise StoreError("insert kept conflicting with other writers")

    def get(self, collection: str, key: str) -> Record | None:
        check_collection(collection)
        item = self._get(_record_pk(collection, key), "R")
        return None if item is None else _record(item)

    def update(self, record: Record, *, expected_version: int, audit: AuditEvent,
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        check_audit(record, audit)
        for extra, extra_audit in new_records:
            check_audit(extra, extra_audit)
        pk = _record_pk(record.collection, record.key)
        # Read first for created_at (an update never moves it, and a transaction returns nothing),
        # which also answers the common NotFound / VersionConflict without a write.
        current = self._get(pk, "R")
        _check_version(current, expected_version)
        assert current is not None
        new_version = expected_version + 1
        sets = ["#data = :data", "#version = :new"]
        removes: list[str] = []
        values: dict[str, Any] = {":data": _s(dump_json(record.data)), ":new": _n(new_version),
                                  ":expected": _n(expected_version)}
        for name, value in (("unit", record.unit), ("queue_sort", record.queue_sort)):
            if value is None:
                removes.append(f"#{name}")
            else:
                sets.append(f"#{name} = :{name}")
                values[f":{name}"] = _s(value)
        position = queue_position(record)
        if position is None:
            removes += ["GSI1PK", "GSI1SK"]  # sparse index: out of the queue
        else:
            sets += ["GSI1PK = :g1pk", "GSI1SK = :g1sk"]
            values.update({":g1pk": _s(f"{record.collection}#{record.unit}"), ":g1sk": _s(position)})
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        items = [
            {"Update": {"TableName": self.table, "Key": {"PK": _s(pk), "SK": _s("R")},
                        "UpdateExpression": expression,
                        # A missing item has no version, so this also fails when it was never there.
                        "ConditionExpression": "#version = :expected",
                        # Names always go through placeholders: DATA and UNIT are reserved words.
                        "ExpressionAttributeNames": {"#data": "data", "#version": "version", "#unit": "unit",
                                                     "#queue_sort": "queue_sort"},
                        "ExpressionAttributeValues": values,
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            self._put(_audit_item(audit, _audit_sk(new_version)), "attribute_not_exists(PK)"),
        ]
        for extra, extra_audit in new_records:
            items.append(self._put(_record_item(extra), "attribute_not_exists(PK)"))
            items.append(self._put(_audit_item(extra_audit, _audit_sk(extra.version)), "attribute_not_exists(PK)"))
        for attempt in range(_ATTEMPTS):
            reasons = self._transact(items)
            if reasons is None:
                return Record(record.collection, record.key, record.data, from_iso(current["created_at"]["S"]),
                              record.unit, new_version, record.queue_sort)
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons[2:]):
                raise AlreadyExists(RECORD_WHAT)
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                # Someone else updated between our read and our write (or the audit seq is taken,
                # which means the same thing). Report the version as it is now.
                now = reasons[0].get("Item") or self._get(pk, "R")
                _check_version(now, expected_version)
                raise VersionConflict(int(now["version"]["N"]) if now else None)
            self._back_off(reasons, attempt)
        raise StoreError("update kept conflicting with other writers")

    def get_idempotency(self, key: str, now: dt.datetime) -> IdempotencyClaim | None:
        item = self._get(f"I#{key}", "I")
        # TTL deletion is lazy, so an expired claim can still be in the table: judge it here.
        if item is None:
            return None
        claim = _claim(item)
        return claim if claim.expires_at > now else None

    def counters(self, scope: str) -> dict[str, int]:
        items = self._query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :n)",
                                ExpressionAttributeValues={":pk": _s(f"C#{scope}"), ":n": _s("N#")})
        return {item["SK"]["S"][2:]: int(item["n"]["N"]) for item in items}

    def audit_trail(self, collection: str, key: str) -> list[AuditEvent]:
        check_collection(collection)
        # A# (record changes) and E# (appended) items in one query: "E$" sorts after every "E#…",
        # and a record's partition holds no other SK between them (R sorts after both).
        items = self._query_all(KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :e",
                                ExpressionAttributeValues={":pk": _s(_record_pk(collection, key)),
                                                           ":a": _s("A#"), ":e": _s("E$")})
        # The A# keys are in version order, not in audit order: sort by (at, stamp). The sort is
        # stable, so items written before stamps existed keep their version order among equal `at`.
        items.sort(key=lambda item: (item["at"]["S"], item.get("stamp", {}).get("S", "")))
        return [_audit(item) for item in items]

    def append_audit(self, event: AuditEvent) -> None:
        check_event(event)
        # No record is read or required (a failed login names an account that may not exist), and
        # the key cannot meet an A# item. The condition only guards against a repeated stamp,
        # which 64 random bits make practically impossible; a new stamp is then simply drawn.
        for _ in range(_ATTEMPTS):
            stamp = _stamps.next()
            try:
                self.client.put_item(TableName=self.table,
                                     Item=_audit_item(event, f"E#{to_iso(event.at)}#{stamp}", stamp),
                                     ConditionExpression="attribute_not_exists(PK)")
                return
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                    raise
        raise StoreError("append_audit kept drawing stamps that were taken")

    def audit_log(self, unit: str, *, limit: int = 100,
                  after: str | None = None) -> tuple[list[AuditEvent], str | None]:
        check_limit(limit)
        # GSI2SK positions are unique (they end with the stamp), so "GSI2SK < last position" resumes
        # exactly, newest first; one extra item tells whether more exist (as in queue).
        kwargs: dict[str, Any] = {
            "TableName": self.table, "IndexName": AUDIT_INDEX, "KeyConditionExpression": "GSI2PK = :u",
            "ExpressionAttributeValues": {":u": _s(f"AU#{unit}")}, "ScanIndexForward": False,
        }
        if after is not None:
            at, stamp = decode_audit_token(after)
            kwargs["KeyConditionExpression"] += " AND GSI2SK < :after"
            kwargs["ExpressionAttributeValues"][":after"] = _s(f"{at}#{stamp}")
        items = self._query_page(limit, kwargs)
        page = [_audit(item) for item in items[:limit]]
        if len(items) <= limit:
            return page, None
        last = items[limit - 1]
        return page, encode_token(last["GSI2SK"]["S"], last["key"]["S"])

    def queue(self, collection: str, unit: str, *, limit: int = 50,
              after: str | None = None) -> tuple[list[Record], str | None]:
        check_collection(collection)
        check_limit(limit)
        # Positions are unique (they end with the key), so "GSI1SK > last position" resumes exactly;
        # no LastEvaluatedKey has to travel inside the token. One extra item tells whether more exist.
        kwargs: dict[str, Any] = {
            "TableName": self.table, "IndexName": QUEUE_INDEX, "KeyConditionExpression": "GSI1PK = :q",
            "ExpressionAttributeValues": {":q": _s(f"{collection}#{unit}")},
        }
        if after is not None:
            kwargs["KeyConditionExpression"] += " AND GSI1SK > :after"
            kwargs["ExpressionAttributeValues"][":after"] = _s(decode_token(after)[0])
        items = self._query_page(limit, kwargs)
        page = [_record(item) for item in items[:limit]]
        if len(items) <= limit:
            return page, None
        last = items[limit - 1]
        return page, encode_token(last["GSI1SK"]["S"], last["key"]["S"])

    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        response = self.client.update_item(
            TableName=self.table, Key={"PK": _s(f"H#{bucket}"), "SK": _s(f"W#{to_iso(window_start)}")},
            UpdateExpression="ADD n :one SET expires = :ttl",
            ExpressionAttributeValues={":one": _n(1), ":ttl": _n(epoch_seconds(expires_at))},
            ReturnValues="UPDATED_NEW")
        return int(response["Attributes"]["n"]["N"])

    def hits(self, bucket: str, window_start: dt.datetime) -> int:
        item = self._get(f"H#{bucket}", f"W#{to_iso(window_start)}")
        return int(item["n"]["N"]) if item else 0

    # -- helpers ------------------------------------------------------------------------------

    def _put(self, item: dict[str, Any], condition: str, values: dict[str, Any] | None = None, *,
             return_old: bool = False) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table, "Item": item, "ConditionExpression": condition}
        if values:
            put["ExpressionAttributeValues"] = values
        if return_old:  # the cancellation then carries the stored item: no second read, no TTL race
            put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Put": put}

    def _transact(self, items: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """None when committed, else the cancellation reasons (one per item, in order).

        botocore fills ClientRequestToken, so its own retries after a timeout cannot apply the
        transaction twice (DynamoDB treats a repeated token within 10 minutes as the same call).
        """
        try:
            self.client.transact_write_items(TransactItems=items)
            return None
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            return exc.response.get("CancellationReasons") or [{"Code": "Unknown"}]

    @staticmethod
    def _back_off(reasons: list[dict[str, Any]], attempt: int) -> None:
        codes = {r.get("Code") for r in reasons} - {"None", None}
        if not codes <= _RETRYABLE:
            raise StoreError(f"transaction cancelled: {sorted(codes)}")
        # Full jitter: the writers that collided would otherwise collide again in step.
        time.sleep(random.uniform(0, min(1.0, 0.02 * 2 ** attempt)))

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        # Consistent reads: a submitter checking their own write must see it.
        response = self.client.get_item(TableName=self.table, Key={"PK": _s(pk), "SK": _s(sk)}, ConsistentRead=True)
        return response.get("Item")

    def _query_page(self, limit: int, kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        """Up to limit + 1 items of an index query (the extra one says whether another page exists)."""
        items: list[dict[str, Any]] = []
        while len(items) <= limit:
            response = self.client.query(Limit=limit + 1 - len(items), **kwargs)
            items += response.get("Items", [])
            if "LastEvaluatedKey" not in response:  # also set when a 1 MB page ended early
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return items

    def _query_all(self, **kwargs: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs.update(TableName=self.table, ConsistentRead=True)
        while True:
            response = self.client.query(**kwargs)
            items += response.get("Items", [])
            if "LastEvaluatedKey" not in response:
                return items
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _check_version(item: dict[str, Any] | None, expected: int) -> None:
    if item is None:
        raise NotFound("record")
    if int(item["version"]["N"]) != expected:
        raise VersionConflict(int(item["version"]["N"]))


def _record_item(record: Record) -> dict[str, Any]:
    item = {"PK": _s(_record_pk(record.collection, record.key)), "SK": _s("R"),
            "collection": _s(record.collection), "key": _s(record.key), "created_at": _s(to_iso(record.created_at)),
            "version": _n(record.version), "data": _s(dump_json(record.data))}
    if record.unit is not None:
        item["unit"] = _s(record.unit)
    if record.queue_sort is not None:
        item["queue_sort"] = _s(record.queue_sort)
    position = queue_position(record)
    if position is not None:  # sparse GSI: only queued records are in the index
        item["GSI1PK"] = _s(f"{record.collection}#{record.unit}")
        item["GSI1SK"] = _s(position)
    return item


def _record(item: dict[str, Any]) -> Record:
    return Record(item["collection"]["S"], item["key"]["S"], load_json(item["data"]["S"]),
                  from_iso(item["created_at"]["S"]), item["unit"]["S"] if "unit" in item else None,
                  int(item["version"]["N"]), item["queue_sort"]["S"] if "queue_sort" in item else None)


def _audit_item(audit: AuditEvent, sk: str, stamp: str | None = None) -> dict[str, Any]:
    stamp = stamp if stamp is not None else _stamps.next()
    item = {"PK": _s(_record_pk(audit.collection, audit.key)), "SK": _s(sk),
            "collection": _s(audit.collection), "key": _s(audit.key), "at": _s(to_iso(audit.at)),
            "stamp": _s(stamp), "actor": _s(audit.actor), "action": _s(audit.action),
            "before": _s(dump_json(audit.before)), "after": _s(dump_json(audit.after))}
    if audit.unit is not None:
        item["unit"] = _s(audit.unit)
        # Sparse like the queue index: events without a unit are in no unit's audit_log.
        item["GSI2PK"] = _s(f"AU#{audit.unit}")
        item["GSI2SK"] = _s(audit_position(audit.at, stamp))
    return item


def _audit(item: dict[str, Any]) -> AuditEvent:
    return AuditEvent(item["collection"]["S"], item["key"]["S"], from_iso(item["at"]["S"]), item["actor"]["S"],
                      item["action"]["S"], item["unit"]["S"] if "unit" in item else None,
                      load_json(item["before"]["S"]), load_json(item["after"]["S"]))


def _claim_item(claim: IdempotencyClaim) -> dict[str, Any]:
    return {"PK": _s(f"I#{claim.key}"), "SK": _s("I"), "request_hash": _s(claim.request_hash),
            "result": _s(claim.result),
            "expires_at": _s(to_iso(claim.expires_at)), "expires": _n(epoch_seconds(claim.expires_at))}


def _claim(item: dict[str, Any]) -> IdempotencyClaim:
    return IdempotencyClaim(item["PK"]["S"][2:], item["request_hash"]["S"], item["result"]["S"],
                            from_iso(item["expires_at"]["S"]))
