"""DynamoDB adapter of the Store: one table (infra/template.yaml), low-level client.

Item layout (PK / SK are strings; the SK kinds never overlap, so no PK prefix can collide):

    record       {collection}#{key}       R                  data, listings, touched …
    entry        {collection}#{key}       L#{listing}        one per listing: sort, summary, path,
                                                             T{i}PK={collection}#{listing}#{path[i]}, T{i}SK=position
    part         {collection}#{key}       P#{kind}#{seq:06d} written once
    audit event  {collection}#{key}       A#{seq:012d}       seq = the record version it produced
    appended     {collection}#{key}       E#{at ISO}#{stamp} append_audit; the record need not exist
    idempotency  I#{key}                  I                  expires (TTL, epoch s) + expires_at (ISO)
    unique claim U#{namespace}#{value}    U
    counters     C#{scope}#{shard:02d}    N                  one attribute n:{name} per counter (ADD)
    rate hits    H#{bucket}               W#{window ISO}     n (ADD), t (recent request tokens), expires (TTL)

Listings over the unit tree: an entry carries, for each level i of its unit's path, T{i}PK/T{i}SK, and
the index `tree{i}` answers "this listing for the unit at level i and everything below it" in one
ordered query. Audit items (A#, E#) with a unit carry T{i}PK=#audit#{path[i]}, T{i}SK={at}#{stamp}
the same way (audit_log); '#audit' cannot be a collection, which may not contain '#'.

Counters are spread over SHARDS items per scope (the record key picks one), so a popular survey's
answers land on many partitions, not one; a scope is read with one BatchGetItem of its shards.

`data`, `summary`, `before`, `after` are JSON *strings*, not maps: the low-level client would
otherwise turn every number into Decimal and floats could not round-trip exactly. Numbers the
adapter itself owns (version, counts) are N. The low-level client (not the boto3 resource) is used so
no Decimal ever reaches the caller.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import secrets
import time
from collections.abc import Sequence
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from functions.store import (
    RECORD_WHAT,
    TRANSACTION_LIMIT,
    check_collection,
    check_event,
    check_insert,
    check_limit,
    check_update,
    decode_audit_token,
    decode_token,
    encode_token,
    from_iso,
    load_json,
    row_of,
    to_iso,
    unique_what,
    unit_path,
)
from functions.store.dynamodb_items import (
    SHARDS,
    TREE_INDEXES,
    Items,
    _n,
    _s,
    audit_of,
    audit_sk,
    check_version,
    claim_item,
    claim_of,
    entry_of,
    epoch_seconds,
    record_item,
    record_of,
    record_pk,
    shard_keys,
    stamps,
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
    StoreError,
    StoreUnavailable,
    UniqueClaim,
    UnitTree,
    VersionConflict,
)

__all__ = ["CLIENT_CONFIG", "SHARDS", "TREE_INDEXES", "DynamoStore"]

CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
# Cancellation reasons worth another try: another transaction held one of our items, or capacity.
# botocore does not retry a cancelled transaction itself, because in general it cannot know.
_RETRYABLE = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
# What DynamoDB answers when it is overloaded or failing; botocore has retried these already.
_OVERLOADED = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
               "InternalServerError", "ServiceUnavailable", "TransactionInProgressException"}
_ATTEMPTS = 6
_IDEMPOTENCY = "idempotency"
# A rate-limit window remembers this many request tokens (so a retried hit counts once); beyond it the
# window is far over every limit and a double count no longer changes an answer.
_HIT_TOKENS = 500
_HIT = "hit:"  # label prefix of a transaction's rate-limit hits
_log = logging.getLogger("functions.store")


def _hit_update(table: str, hit: RateHit) -> dict[str, Any]:
    """A rate-limit hit as one action of a transaction: +1 unless the window already holds `limit`.
    The transaction's ClientRequestToken makes a retried call count once (no token set needed)."""
    return {"Update": {
        "TableName": table, "Key": {"PK": _s(f"H#{hit.bucket}"), "SK": _s(f"W#{to_iso(hit.window_start)}")},
        "UpdateExpression": "ADD n :one SET expires = :ttl",
        "ConditionExpression": "attribute_not_exists(n) OR n < :limit",
        "ExpressionAttributeValues": {":one": _n(1), ":limit": _n(hit.limit), ":ttl": _n(epoch_seconds(hit.expires_at))}}}


def _code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def _guarded(method):
    """Overload and timeouts after botocore's retries become StoreUnavailable (→ 503), logged by error
    code and operation only: requests and messages can hold personal data."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ClientError as exc:
            if _code(exc) not in _OVERLOADED:
                raise
            _log.warning("DynamoDB unavailable during %s: %s", method.__name__, _code(exc))
            raise StoreUnavailable(_code(exc)) from None
        except (ConnectionError, HTTPClientError) as exc:
            _log.warning("DynamoDB unreachable during %s: %s", method.__name__, type(exc).__name__)
            raise StoreUnavailable(type(exc).__name__) from None
    return call


class DynamoStore:
    """Store in one DynamoDB table. Thread-safe (boto3 clients are)."""

    def __init__(self, table_name: str, client: Any = None, tree: UnitTree | None = None):
        self.table = table_name
        self.tree = tree
        self.client = client if client is not None else boto3.client("dynamodb", config=CLIENT_CONFIG)
        self.items = Items(table_name, self._path)

    def _path(self, unit: str | None) -> tuple[str, ...]:
        return () if unit is None else unit_path(self.tree, unit)

    # -- writes ---------------------------------------------------------------------------------

    @_guarded
    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = (),
               parts: tuple[Part, ...] = (), hits: tuple[RateHit, ...] = ()) -> None:
        merged = check_insert(record, audit, idempotency, unique, counters, parts, hits)
        # `labels[i]` says what TransactItems[i] protects, to turn a cancellation into an exception.
        items: list[dict[str, Any]] = []
        labels: list[str | None] = []
        if idempotency is not None:
            # An expired claim that TTL has not yet deleted (TTL lags by up to days) may be replaced.
            # The insert has no "now" of its own; the record's creation time is that moment.
            items.append(self.items.put(claim_item(idempotency), "attribute_not_exists(PK) OR expires_at <= :now",
                                   {":now": _s(to_iso(record.created_at))}, return_old=True))
            labels.append(_IDEMPOTENCY)
        items.append(self.items.put(record_item(record), "attribute_not_exists(PK)"))
        labels.append(RECORD_WHAT)
        # An event at seq 1 exists only if the record does (appended events have E# keys).
        items.append(self.items.put(self.items.audit_item(audit, audit_sk(record.version)), "attribute_not_exists(PK)"))
        labels.append(RECORD_WHAT)
        for claim in unique:
            items.append(self.items.put({"PK": _s(f"U#{claim.namespace}#{claim.value}"), "SK": _s("U")},
                                   "attribute_not_exists(PK)"))
            labels.append(unique_what(claim))
        for hit in hits:  # counted in the same transaction, refused at the limit (cancelling it all)
            items.append(_hit_update(self.table, hit))
            labels.append(_HIT + hit.bucket)
        rest = self.items.entries(record, record.version) + self.items.parts(record, parts) + self.items.counters(record, merged)
        items += rest
        labels += [None] * len(rest)
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
                    raise IdempotentReplay(claim_of(stored))
                # TTL deleted it between the cancellation and the read: the key is free, go again.
                continue
            for label in labels:
                if label is not None and label in failed and not label.startswith(_HIT):
                    raise AlreadyExists(label)
            for label in labels:
                if label is not None and label in failed:
                    raise OverLimit(label.removeprefix(_HIT))
            self._back_off(reasons, attempt)
        raise StoreUnavailable("TransactionConflict")

    @_guarded
    def update(self, record: Record, *, expected_version: int, audit: AuditEvent, parts: tuple[Part, ...] = (),
               counters: tuple[CounterIncrement, ...] = (),
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        merged = check_update(record, audit, parts, counters, new_records)
        pk = record_pk(record.collection, record.key)
        # Read first for created_at and the listings it leaves (an update never moves created_at, and a
        # transaction returns nothing), which also answers NotFound / VersionConflict without a write.
        current = self._get(pk, "R")
        check_version(current, expected_version)
        assert current is not None
        new_version = expected_version + 1
        left = {name for name, _, _ in load_json(current.get("listings", _s("[]"))["S"])} - \
            {listing.name for listing in record.listings}
        items = [self.items.record_update(record, expected_version),
                 self.items.put(self.items.audit_item(audit, audit_sk(new_version)), "attribute_not_exists(PK)")]
        items += self.items.parts(record, parts) + self.items.entries(record, new_version)
        items += [{"Delete": {"TableName": self.table, "Key": {"PK": _s(pk), "SK": _s(f"L#{name}")}}}
                  for name in sorted(left)]
        items += self.items.counters(record, merged)
        inserted = len(items)  # what follows is the records inserted with the update
        for extra, extra_audit in new_records:
            items.append(self.items.put(record_item(extra), "attribute_not_exists(PK)"))
            items.append(self.items.put(self.items.audit_item(extra_audit, audit_sk(extra.version)),
                                        "attribute_not_exists(PK)"))
            items += self.items.entries(extra, extra.version)
        for attempt in range(_ATTEMPTS):
            reasons = self._transact(items)
            if reasons is None:
                touched = current.get("touched")
                return Record(record.collection, record.key, record.data, from_iso(current["created_at"]["S"]),
                              record.unit, new_version, record.listings, from_iso(touched["S"]) if touched else None)
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons[inserted:]):
                raise AlreadyExists(RECORD_WHAT)
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                # Someone else updated between our read and our write (or took the audit seq or a part,
                # which means the same thing). Report the version as it is now.
                now = reasons[0].get("Item") or self._get(pk, "R")
                check_version(now, expected_version)
                raise VersionConflict(int(now["version"]["N"]) if now else None)
            self._back_off(reasons, attempt)
        raise StoreUnavailable("TransactionConflict")

    @_guarded
    def touch(self, collection: str, key: str, at: dt.datetime) -> None:
        check_collection(collection)
        try:
            self.client.update_item(
                TableName=self.table, Key={"PK": _s(record_pk(collection, key)), "SK": _s("R")},
                UpdateExpression="SET touched = :at",
                # No version: two requests of one session refresh it at once without a conflict, and
                # an older time never replaces a newer one.
                ConditionExpression="attribute_exists(PK) AND (attribute_not_exists(touched) OR touched < :at)",
                ExpressionAttributeValues={":at": _s(to_iso(at))}, ReturnValuesOnConditionCheckFailure="ALL_OLD")
        except ClientError as exc:
            if _code(exc) != "ConditionalCheckFailedException":
                raise
            if not exc.response.get("Item"):
                raise NotFound(f"{collection}/{key}") from None

    @_guarded
    def append_audit(self, event: AuditEvent) -> None:
        check_event(event)
        # No record is read or required (a failed login names an account that may not exist), and
        # the key cannot meet an A# item. The condition guards against a repeated stamp, which 64
        # random bits make practically impossible — and meets our own write when botocore repeats a
        # request whose answer was lost: the same item is there already, so the event is stored.
        for _ in range(_ATTEMPTS):
            stamp = stamps.next()
            item = self.items.audit_item(event, f"E#{to_iso(event.at)}#{stamp}", stamp)
            try:
                self.client.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(PK)",
                                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
                return
            except ClientError as exc:
                if _code(exc) != "ConditionalCheckFailedException":
                    raise
                if exc.response.get("Item") == item:
                    return
        raise StoreError("append_audit kept drawing stamps that were taken")

    @_guarded
    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        key = {"PK": _s(f"H#{bucket}"), "SK": _s(f"W#{to_iso(window_start)}")}
        ttl = _n(epoch_seconds(expires_at))
        token = secrets.token_hex(8)
        try:
            # The token makes a repeated request (botocore retries after a lost answer) count once.
            response = self.client.update_item(
                TableName=self.table, Key=key, UpdateExpression="ADD n :one, t :token SET expires = :ttl",
                ConditionExpression="attribute_not_exists(t) OR (size(t) < :cap AND NOT contains(t, :mine))",
                ExpressionAttributeValues={":one": _n(1), ":token": {"SS": [token]}, ":mine": _s(token),
                                           ":cap": _n(_HIT_TOKENS), ":ttl": ttl},
                ReturnValues="UPDATED_NEW", ReturnValuesOnConditionCheckFailure="ALL_OLD")
            return int(response["Attributes"]["n"]["N"])
        except ClientError as exc:
            if _code(exc) != "ConditionalCheckFailedException":
                raise
            old = exc.response.get("Item") or {}
            if token in old.get("t", {}).get("SS", []):
                return int(old["n"]["N"])  # our own earlier attempt counted already
        response = self.client.update_item(TableName=self.table, Key=key, UpdateExpression="ADD n :one SET expires = :ttl",
                                           ExpressionAttributeValues={":one": _n(1), ":ttl": ttl},
                                           ReturnValues="UPDATED_NEW")
        return int(response["Attributes"]["n"]["N"])

    # -- reads ----------------------------------------------------------------------------------

    @_guarded
    def get(self, collection: str, key: str) -> Record | None:
        check_collection(collection)
        item = self._get(record_pk(collection, key), "R")
        return None if item is None else record_of(item)

    @_guarded
    def get_many(self, collection: str, keys: Sequence[str]) -> list[Record]:
        check_collection(collection)
        found = {item["key"]["S"]: record_of(item)
                 for item in self._batch_get([(record_pk(collection, k), "R") for k in dict.fromkeys(keys)])}
        return [found[k] for k in keys if k in found]

    @_guarded
    def parts(self, collection: str, key: str, kinds: Sequence[str] | None = None) -> list[Part]:
        check_collection(collection)
        if kinds is not None and not kinds:
            return []
        # One query from the first kind asked for to the last ("$" sorts after "#"); kinds between them
        # that were not asked for are left out here, so leaving out the first or last one reads nothing of it.
        low, high = ("P#", "P$") if kinds is None else (f"P#{min(kinds)}#", f"P#{max(kinds)}$")
        items = self._query_all(KeyConditionExpression="PK = :pk AND SK BETWEEN :low AND :high",
                                ExpressionAttributeValues={":pk": _s(record_pk(collection, key)), ":low": _s(low),
                                                           ":high": _s(high)})
        return [Part(item["kind"]["S"], int(item["seq"]["N"]), load_json(item["data"]["S"])) for item in items
                if kinds is None or item["kind"]["S"] in kinds]

    @_guarded
    def get_idempotency(self, key: str, now: dt.datetime) -> IdempotencyClaim | None:
        item = self._get(f"I#{key}", "I")
        # TTL deletion is lazy, so an expired claim can still be in the table: judge it here.
        if item is None:
            return None
        claim = claim_of(item)
        return claim if claim.expires_at > now else None

    @_guarded
    def counters(self, scope: str) -> dict[str, int]:
        totals: dict[str, int] = {}
        for item in self._batch_get(shard_keys(scope)):
            for name, value in item.items():
                if name.startswith("n:"):
                    totals[name[2:]] = totals.get(name[2:], 0) + int(value["N"])
        return dict(sorted(totals.items()))

    @_guarded
    def audit_trail(self, collection: str, key: str) -> list[AuditEvent]:
        check_collection(collection)
        # A# (record changes) and E# (appended) items in one query: "E$" sorts after every "E#…",
        # and a record's partition holds no other SK between them (L#, P# and R sort after both).
        items = self._query_all(KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :e",
                                ExpressionAttributeValues={":pk": _s(record_pk(collection, key)),
                                                           ":a": _s("A#"), ":e": _s("E$")})
        # The A# keys are in version order, not in audit order: sort by (at, stamp). The sort is
        # stable, so items written before stamps existed keep their version order among equal `at`.
        items.sort(key=lambda item: (item["at"]["S"], item.get("stamp", {}).get("S", "")))
        return [audit_of(item) for item in items]

    @_guarded
    def audit_log(self, unit: str, *, limit: int = 100,
                  after: str | None = None) -> tuple[list[AuditEvent], str | None]:
        check_limit(limit)
        level = len(self._path(unit)) - 1
        # Tree positions of audit items are unique (they end with the stamp), so "< last position"
        # resumes exactly, newest first; one extra item tells whether more exist.
        kwargs: dict[str, Any] = {
            "TableName": self.table, "IndexName": TREE_INDEXES[level], "ScanIndexForward": False,
            "KeyConditionExpression": f"T{level}PK = :u", "ExpressionAttributeValues": {":u": _s(f"#audit#{unit}")},
        }
        if after is not None:
            at, stamp = decode_audit_token(after)
            kwargs["KeyConditionExpression"] += f" AND T{level}SK < :after"
            kwargs["ExpressionAttributeValues"][":after"] = _s(f"{at}#{stamp}")
        items = self._query_page(limit, kwargs, f"T{level}SK")
        page = [audit_of(item) for item in items[:limit]]
        if len(items) <= limit:
            return page, None
        last = items[limit - 1]
        return page, encode_token(last[f"T{level}SK"]["S"], last["key"]["S"])

    @_guarded
    def listing(self, collection: str, listing: str, unit: str, *, limit: int = 50, after: str | None = None,
                lower: str | None = None, upper: str | None = None,
                descending: bool = False) -> tuple[list[Entry], str | None]:
        check_collection(collection)
        check_limit(limit)
        level, kwargs, skip = self.items.tree_query(collection, listing, unit, lower, upper,
                                               decode_token(after)[0] if after is not None else None, descending)
        items = self._query_page(limit, kwargs, f"T{level}SK", skip)
        page = [entry_of(item) for item in items[:limit]]
        if len(items) <= limit:
            return page, None
        last = items[limit - 1]
        return page, encode_token(last[f"T{level}SK"]["S"], last["key"]["S"])

    @_guarded
    def tally(self, collection: str, listing: str, unit: str, *, lower: str | None = None,
              upper: str | None = None) -> dict[str, int]:
        check_collection(collection)
        _, kwargs, _ = self.items.tree_query(collection, listing, unit, lower, upper, None, False)
        kwargs.update(ProjectionExpression="#path", ExpressionAttributeNames={"#path": "path"})
        counts: dict[str, int] = {}
        while True:
            response = self.client.query(**kwargs)
            for item in response.get("Items", []):
                row = row_of(tuple(item["path"]["S"].split("/")), unit)
                if row is not None:
                    counts[row] = counts.get(row, 0) + 1
            if "LastEvaluatedKey" not in response:
                return dict(sorted(counts.items()))
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    @_guarded
    def hits(self, bucket: str, window_start: dt.datetime) -> int:
        item = self._get(f"H#{bucket}", f"W#{to_iso(window_start)}")
        return int(item["n"]["N"]) if item else 0

    # -- calls ----------------------------------------------------------------------------------

    def _transact(self, items: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """None when committed, else the cancellation reasons (one per item, in order).

        botocore fills ClientRequestToken, so its own retries after a timeout cannot apply the
        transaction twice (DynamoDB treats a repeated token within 10 minutes as the same call).
        """
        if len(items) > TRANSACTION_LIMIT:  # the checks in functions.store keep every write below it
            raise ValueError(f"a write of {len(items)} items exceeds DynamoDB's {TRANSACTION_LIMIT}")
        try:
            self.client.transact_write_items(TransactItems=items)
            return None
        except ClientError as exc:
            if _code(exc) != "TransactionCanceledException":
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

    def _batch_get(self, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Items of up to any number of keys, 100 per BatchGetItem, unprocessed keys asked again."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 100):
            request = {self.table: {"Keys": [{"PK": _s(pk), "SK": _s(sk)} for pk, sk in keys[start:start + 100]],
                                    "ConsistentRead": True}}
            for attempt in range(_ATTEMPTS + 1):
                response = self.client.batch_get_item(RequestItems=request)
                found += response.get("Responses", {}).get(self.table, [])
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                if attempt == _ATTEMPTS:
                    raise StoreUnavailable("UnprocessedKeys")
                time.sleep(random.uniform(0, min(1.0, 0.02 * 2 ** attempt)))
        return found

    def _query_page(self, limit: int, kwargs: dict[str, Any], sk: str, skip: str | None = None) -> list[dict[str, Any]]:
        """Up to limit + 1 items of an index query (the extra one says whether another page exists),
        leaving out the item whose index position (`sk`) is `skip`."""
        items: list[dict[str, Any]] = []
        while len(items) <= limit:
            response = self.client.query(Limit=limit + 1 - len(items) + (skip is not None), **kwargs)
            items += [item for item in response.get("Items", []) if item[sk]["S"] != skip]
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
