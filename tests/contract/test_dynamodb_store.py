"""What only the DynamoDB adapter has to get right: item layout, retries, races between read and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

from functions.store import (
    AuditEvent,
    CounterIncrement,
    IdempotencyClaim,
    IdempotentReplay,
    Listing,
    Record,
    StoreError,
    StoreUnavailable,
    VersionConflict,
)
from functions.store.dynamodb import SHARDS, DynamoStore
from tests.contract.conftest import TREE
from tests.faults import LostAnswer, Throttle

T0 = dt.datetime(2026, 3, 1, 8, 30, 0, 250000, tzinfo=dt.timezone.utc)
CLAIM = IdempotencyClaim("k", "h", "sealed-result", T0 + dt.timedelta(hours=24))


def record(key: str = "XF1", **kwargs: Any) -> Record:
    return Record("petition", key, {"分数": 0.1, "n": 10**20, "items": [1, 2]}, T0, "130100", 1, **kwargs)


def audit(key: str = "XF1", at: dt.datetime = T0) -> AuditEvent:
    return AuditEvent("petition", key, at, "public", "submit")


def cancelled(*codes: str) -> ClientError:
    return ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                        "CancellationReasons": [{"Code": c} for c in codes]}, "TransactWriteItems")


class Interfering:
    """Wraps a client; runs `before_transact(n)` ahead of the n-th transact_write_items call."""

    def __init__(self, client: Any, before_transact):
        self._client, self._before, self.calls = client, before_transact, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def transact_write_items(self, **kwargs: Any) -> Any:
        self.calls += 1
        self._before(self.calls, kwargs)
        return self._client.transact_write_items(**kwargs)


def raw(client: Any, pk: str, sk: str) -> dict[str, Any] | None:
    (table,) = client.list_tables()["TableNames"]
    return client.get_item(TableName=table, Key={"PK": {"S": pk}, "SK": {"S": sk}}).get("Item")


def test_data_is_stored_as_one_json_string_so_numbers_come_back_exactly(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client)
    store.insert(record(), audit=audit(), idempotency=CLAIM)

    item = raw(dynamodb_client, "petition#XF1", "R")
    assert item["data"] == {"S": '{"分数":0.1,"n":100000000000000000000,"items":[1,2]}'}
    assert store.get("petition", "XF1").data == {"分数": 0.1, "n": 10**20, "items": [1, 2]}


def test_idempotency_claims_carry_a_ttl_that_never_fires_before_they_expire(dynamodb_client, table_name):
    DynamoStore(table_name, client=dynamodb_client).insert(record(), audit=audit(), idempotency=CLAIM)

    item = raw(dynamodb_client, "I#k", "I")
    assert int(item["expires"]["N"]) >= CLAIM.expires_at.timestamp()
    assert int(item["expires"]["N"]) - CLAIM.expires_at.timestamp() < 1


def test_a_listed_record_is_indexed_by_a_small_entry_per_listing_never_by_the_record_item(dynamodb_client,
                                                                                       table_name):
    store = DynamoStore(table_name, client=dynamodb_client, tree=TREE)
    store.insert(record("XF1"), audit=audit("XF1"))
    big = {"body": "长" * 5000}
    store.insert(Record("petition", "XF2", big, T0, "130123", 1, (Listing("queue", "2026-03-10", {"s": "短"}),)),
                 audit=audit("XF2"))

    assert not any(name.startswith("T") and name[1].isdigit() for name in raw(dynamodb_client, "petition#XF2", "R"))
    entry = raw(dynamodb_client, "petition#XF2", "L#queue")
    assert entry["summary"] == {"S": '{"s":"短"}'} and "data" not in entry
    # One key pair per level of 130123's path: 河北省, 石家庄市, 正定县; none for the town level.
    assert [entry[f"T{i}PK"]["S"] for i in range(3)] == ["petition#queue#130000", "petition#queue#130100",
                                                         "petition#queue#130123"]
    assert {entry[f"T{i}SK"]["S"] for i in range(3)} == {"2026-03-10#XF2"} and "T3PK" not in entry
    assert raw(dynamodb_client, "petition#XF1", "L#queue") is None


def audit_items(client: Any, pk: str) -> list[dict[str, Any]]:
    (table,) = client.list_tables()["TableNames"]
    return client.query(TableName=table, KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :e",
                        ExpressionAttributeValues={":pk": {"S": pk}, ":a": {"S": "A#"}, ":e": {"S": "E$"}})["Items"]


def test_audit_items_carry_the_tree_keys_of_their_units_path_only_when_they_have_a_unit(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client, tree=TREE)
    store.insert(record(), audit=AuditEvent("petition", "XF1", T0, "public", "submit", "130100"))
    store.append_audit(AuditEvent("petition", "XF1", T0, "staff-7", "reveal", "130100"))
    store.append_audit(AuditEvent("petition", "XF1", T0, "anonymous", "access-denied"))

    submit, reveal, denied = sorted(audit_items(dynamodb_client, "petition#XF1"), key=lambda i: i["stamp"]["S"])
    assert submit["SK"] == {"S": "A#000000000001"}  # record changes keep their version key
    assert reveal["SK"]["S"] == f"E#2026-03-01T08:30:00.250000+00:00#{reveal['stamp']['S']}"
    for item in (submit, reveal):
        assert (item["T0PK"], item["T1PK"]) == ({"S": "#audit#130000"}, {"S": "#audit#130100"})
        assert item["T1SK"]["S"] == f"2026-03-01T08:30:00.250000+00:00#{item['stamp']['S']}" and "T2PK" not in item
    assert not any(name.startswith("T0") for name in denied)


def test_counters_of_one_scope_go_to_one_item_of_one_of_the_scopes_shards(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client)
    # As many counters as a 15-question survey of six-option multiple choice adds, in one scope.
    names = ["#responses"] + [f"q{q}#answered" for q in range(15)] + [f"q{q}=选项{o}" for q in range(15) for o in range(6)]
    many = tuple(CounterIncrement("survey:big", n) for n in names[:100])
    for i in range(40):
        store.insert(record(f"R{i}"), audit=audit(f"R{i}"), counters=many)

    (table,) = dynamodb_client.list_tables()["TableNames"]
    shards = [item for item in dynamodb_client.scan(TableName=table)["Items"] if item["PK"]["S"].startswith("C#")]
    assert {item["SK"]["S"] for item in shards} == {"N"}
    assert 4 <= len(shards) <= SHARDS  # 40 answers spread over several partitions, not one
    assert sum(int(item["n:#responses"]["N"]) for item in shards) == 40
    assert store.counters("survey:big") == {name: 40 for name in names[:100]}


def test_insertion_stamps_grow_within_a_process_even_when_the_clock_does_not(monkeypatch):
    from functions.store import dynamodb_items

    monkeypatch.setattr(dynamodb_items.time, "time_ns", lambda: 1_772_353_800_000_000_000)
    stamps = dynamodb_items.Stamps()
    drawn = [stamps.next() for _ in range(5)]
    assert drawn == sorted(drawn) and len({s[:16] for s in drawn}) == 5 and all(len(s) == 32 for s in drawn)


def test_items_written_before_insertion_stamps_keep_their_version_order(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client)
    store.insert(record(), audit=audit())
    store.update(Record("petition", "XF1", {}, T0, "130100", 1), expected_version=1,
                 audit=AuditEvent("petition", "XF1", T0, "staff-7", "assign"))
    for item in audit_items(dynamodb_client, "petition#XF1"):  # as the first release wrote them
        dynamodb_client.update_item(TableName=table_name, Key={"PK": item["PK"], "SK": item["SK"]},
                                    UpdateExpression="REMOVE stamp")
    assert [e.action for e in store.audit_trail("petition", "XF1")] == ["submit", "assign"]


def test_a_transaction_that_collides_with_another_writer_is_tried_again(dynamodb_client, table_name):
    def collide_twice(n: int, _: Any) -> None:
        if n <= 2:
            raise cancelled("None", "TransactionConflict", "None")

    client = Interfering(dynamodb_client, collide_twice)
    DynamoStore(table_name, client=client).insert(record(), audit=audit())

    assert client.calls == 3
    assert raw(dynamodb_client, "petition#XF1", "R") is not None


def test_a_cancellation_that_is_not_a_conflict_is_not_retried(dynamodb_client, table_name):
    def invalid(n: int, _: Any) -> None:
        raise cancelled("ValidationError", "None")

    client = Interfering(dynamodb_client, invalid)
    with pytest.raises(StoreError):
        DynamoStore(table_name, client=client).insert(record(), audit=audit())
    assert client.calls == 1


def test_a_replay_reads_the_stored_claim_when_the_cancellation_does_not_carry_it(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client)
    store.insert(record(), audit=audit(), idempotency=CLAIM)

    def without_item(n: int, kwargs: Any) -> None:
        for op in kwargs["TransactItems"]:
            next(iter(op.values())).pop("ReturnValuesOnConditionCheckFailure", None)

    with pytest.raises(IdempotentReplay) as caught:
        DynamoStore(table_name, client=Interfering(dynamodb_client, without_item)).insert(
            record("XF2"), audit=audit("XF2"), idempotency=CLAIM)
    assert caught.value.claim == CLAIM


def test_an_update_that_loses_a_race_after_reading_reports_the_winners_version(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client)
    store.insert(record(), audit=audit())
    winner = Record("petition", "XF1", {"state": "accepted"}, T0, "130100", 1)

    def someone_else_first(n: int, _: Any) -> None:
        if n == 1:
            store.update(winner, expected_version=1, audit=audit(at=T0 + dt.timedelta(minutes=1)))

    loser = DynamoStore(table_name, client=Interfering(dynamodb_client, someone_else_first))
    with pytest.raises(VersionConflict) as caught:
        loser.update(Record("petition", "XF1", {"state": "rejected"}, T0, "130100", 1), expected_version=1,
                     audit=audit(at=T0 + dt.timedelta(minutes=2)))

    assert caught.value.current_version == 2
    assert store.get("petition", "XF1").data == {"state": "accepted"}
    assert len(store.audit_trail("petition", "XF1")) == 2


def test_the_default_client_uses_standard_retries_and_short_timeouts(aws_env):
    config = DynamoStore("t").client.meta.config
    # botocore reads retries.max_attempts as retries after the first try: 4 attempts in all.
    assert config.retries == {"mode": "standard", "total_max_attempts": 4}
    assert (config.connect_timeout, config.read_timeout) == (2, 5)


# -- what AWS does under load: throttling and lost answers, injected through botocore's event hooks ----

@pytest.fixture
def no_backoff(monkeypatch):
    """botocore's retries without their sleeps (the count of attempts is what matters here)."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


def test_a_throttled_write_succeeds_when_the_throttling_ends_within_botocores_retries(dynamodb_client, table_name,
                                                                                      no_backoff):
    throttle = Throttle(dynamodb_client, "TransactWriteItems", times=3)
    DynamoStore(table_name, client=dynamodb_client).insert(record(), audit=audit(), idempotency=CLAIM)
    assert throttle.attempts == 4  # three refused, the fourth committed
    assert raw(dynamodb_client, "petition#XF1", "R") is not None


def test_a_write_throttled_beyond_the_retries_is_unavailable_and_writes_nothing(dynamodb_client, table_name, no_backoff,
                                                                                caplog):
    Throttle(dynamodb_client, "TransactWriteItems", times=100)
    store = DynamoStore(table_name, client=dynamodb_client)
    with pytest.raises(StoreUnavailable) as caught:
        store.insert(record(), audit=audit(), idempotency=CLAIM,
                     counters=(CounterIncrement("stats", "submitted"),))
    assert caught.value.retry_after > 0
    (table,) = dynamodb_client.list_tables()["TableNames"]
    assert dynamodb_client.scan(TableName=table)["Items"] == []
    assert "ProvisionedThroughputExceededException" in caplog.text and "分数" not in caplog.text


def test_a_throttled_read_is_unavailable_too(dynamodb_client, table_name, no_backoff):
    Throttle(dynamodb_client, "GetItem", times=100, code="ThrottlingException")
    with pytest.raises(StoreUnavailable):
        DynamoStore(table_name, client=dynamodb_client).get("petition", "XF1")


def test_an_appended_event_whose_answer_was_lost_is_stored_once(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client, tree=TREE)
    lost = LostAnswer(dynamodb_client, "PutItem")
    store.append_audit(AuditEvent("petition", "XF1", T0, "staff-7", "reveal", "130100"))
    assert lost.sent == 2  # botocore sent it again, and the second attempt met the first one's item
    assert [e.action for e in store.audit_trail("petition", "XF1")] == ["reveal"]
    assert len(store.audit_log("130000")[0]) == 1


def test_a_rate_limit_hit_whose_answer_was_lost_counts_once(dynamodb_client, table_name):
    store = DynamoStore(table_name, client=dynamodb_client)
    window = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
    store.hit("write|burst|1.2.3.4", window, window + dt.timedelta(seconds=20))
    lost = LostAnswer(dynamodb_client, "UpdateItem")
    assert store.hit("write|burst|1.2.3.4", window, window + dt.timedelta(seconds=20)) == 2
    assert lost.sent == 2 and store.hits("write|burst|1.2.3.4", window) == 2


def test_a_window_remembers_a_bounded_number_of_request_tokens_and_still_counts_beyond(dynamodb_client, table_name,
                                                                                        monkeypatch):
    from functions.store import dynamodb

    monkeypatch.setattr(dynamodb, "_HIT_TOKENS", 3)
    store = DynamoStore(table_name, client=dynamodb_client)
    window = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)
    assert [store.hit("b", window, window + dt.timedelta(hours=1)) for _ in range(6)] == [1, 2, 3, 4, 5, 6]
    assert len(raw(dynamodb_client, "H#b", f"W#{window.isoformat(timespec='microseconds')}")["t"]["SS"]) == 3
