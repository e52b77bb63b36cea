"""One contract, every store: each test here runs against SQLite, DynamoDB (moto) and the in-memory Store."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions.store import (
    AlreadyExists,
    AuditEvent,
    CounterIncrement,
    IdempotencyClaim,
    IdempotentReplay,
    Listing,
    NotFound,
    OverLimit,
    Part,
    RateHit,
    Record,
    Store,
    UniqueClaim,
    VersionConflict,
    encode_token,
)

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def queued(sort: str | None, summary: dict | None = None) -> tuple[Listing, ...]:
    return () if sort is None else (Listing("queue", sort, summary),)


def petition(key: str = "XF2026-0001", *, unit: str | None = "130100", queue_sort: str | None = None,
             data: dict | None = None, at: dt.datetime = T0) -> Record:
    return Record("petition", key, data if data is not None else {"title": "反映道路维修问题"}, at, unit,
                  1, queued(queue_sort))


def submitted(record: Record) -> AuditEvent:
    return AuditEvent(record.collection, record.key, record.created_at, "public", "submit", record.unit,
                      None, record.data)


def claim(key: str = "idem-1", *, expires: dt.datetime = T0 + dt.timedelta(hours=24),
          body: str = '{"reference":"XF2026-0001"}') -> IdempotencyClaim:
    return IdempotencyClaim(key, "sha256-of-body", body, expires)


def add(store: Store, record: Record, **kwargs) -> Record:
    store.insert(record, audit=submitted(record), **kwargs)
    return record


def test_both_stores_satisfy_the_store_protocol(store):
    assert isinstance(store, Store)


def test_a_record_reads_back_exactly_as_written(store):
    data = {"title": "关于“最多跑一次”改革的建议", "content": "第一条　……\n第二条", "contact": {"phone": "13800000000"},
            "tags": ["交通", "民生"], "count": 3, "ratio": 0.1, "big": 2**53 + 1, "flag": True, "none": None,
            "nested": [{"a": [1, 2.5, "三"]}, []]}
    record = add(store, petition(data=data, queue_sort="2026-03-16T00:00:00+00:00"))

    got = store.get("petition", record.key)

    assert got == record
    assert got.created_at.tzinfo is not None and got.created_at.utcoffset() == dt.timedelta(0)
    assert type(got.data["count"]) is int and type(got.data["ratio"]) is float and got.data["big"] == 2**53 + 1


def test_a_datetime_in_another_zone_is_stored_as_the_same_instant_in_utc(store):
    beijing = dt.timezone(dt.timedelta(hours=8))
    record = add(store, petition(at=dt.datetime(2026, 3, 1, 16, 30, tzinfo=beijing)))

    got = store.get("petition", record.key)

    assert got.created_at == dt.datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert got.created_at.utcoffset() == dt.timedelta(0)


def test_a_naive_datetime_is_refused_and_nothing_is_written(store):
    record = petition(at=dt.datetime(2026, 3, 1, 8, 30))
    with pytest.raises(ValueError):
        add(store, record)
    with pytest.raises(ValueError):
        add(store, record, idempotency=claim())
    with pytest.raises(ValueError):
        add(store, petition(), idempotency=claim(expires=dt.datetime(2026, 3, 2)))
    assert store.get("petition", record.key) is None
    assert store.get_idempotency("idem-1", T0) is None


def test_a_record_that_was_never_written_reads_as_none(store):
    assert store.get("petition", "nope") is None


def test_a_collection_name_with_a_hash_is_refused_so_keys_cannot_alias(store):
    add(store, Record("a", "b#c", {}, T0))
    with pytest.raises(ValueError):
        add(store, Record("a#b", "c", {}, T0))
    with pytest.raises(ValueError):
        store.get("a#b", "c")


def assert_left_no_trace(store: Store, record: Record, first: Record) -> None:
    assert store.get(record.collection, record.key) in (None, first)
    assert store.audit_trail(first.collection, first.key) == [submitted(first)]
    assert store.counters("stats") == {"submitted": 1}
    assert store.get_idempotency("idem-2", T0) is None


def test_a_second_record_with_the_same_key_is_refused_and_leaves_no_trace(store):
    first = add(store, petition(), counters=(CounterIncrement("stats", "submitted"),), idempotency=claim())
    again = petition(data={"title": "另一件"})

    with pytest.raises(AlreadyExists) as caught:
        add(store, again, idempotency=claim("idem-2"), unique=(UniqueClaim("respondent", "tok-9"),),
            counters=(CounterIncrement("stats", "submitted"),))

    assert caught.value.what == "record"
    assert store.get("petition", first.key) == first
    assert_left_no_trace(store, again, first)
    # The unique claim of the failed insert was not taken either, so it is still free.
    add(store, petition("XF2026-0002"), unique=(UniqueClaim("respondent", "tok-9"),))


def test_a_taken_unique_claim_is_refused_and_leaves_no_trace(store):
    first = add(store, petition(), unique=(UniqueClaim("respondent", "tok-1"),),
                counters=(CounterIncrement("stats", "submitted"),))
    second = petition("XF2026-0002")

    with pytest.raises(AlreadyExists) as caught:
        add(store, second, idempotency=claim("idem-2"),
            unique=(UniqueClaim("other", "x"), UniqueClaim("respondent", "tok-1")),
            counters=(CounterIncrement("stats", "submitted"),))

    assert caught.value.what == "unique:respondent"
    assert "tok-1" not in str(caught.value)  # respondent tokens are secrets; messages reach logs
    assert store.get("petition", second.key) is None
    assert store.audit_trail("petition", second.key) == []
    assert_left_no_trace(store, second, first)
    add(store, petition("XF2026-0003"), unique=(UniqueClaim("other", "x"),))  # "other" stayed free


def test_the_same_unique_value_in_another_namespace_is_not_taken(store):
    add(store, petition(), unique=(UniqueClaim("respondent:survey-a", "tok"),))
    add(store, petition("XF2026-0002"), unique=(UniqueClaim("respondent:survey-b", "tok"),))
    assert store.get("petition", "XF2026-0002") is not None


def test_a_repeated_idempotency_key_replays_the_stored_claim_even_for_another_record_key(store):
    first_claim = claim()
    add(store, petition(), idempotency=first_claim, counters=(CounterIncrement("stats", "submitted"),))

    with pytest.raises(IdempotentReplay) as caught:
        add(store, petition("XF2026-0999"), idempotency=claim(body="different"),
            counters=(CounterIncrement("stats", "submitted"),))

    assert caught.value.claim == first_claim
    assert caught.value.claim.result == '{"reference":"XF2026-0001"}'
    assert store.get("petition", "XF2026-0999") is None
    assert store.counters("stats") == {"submitted": 1}


def test_a_replay_with_the_same_record_key_reports_the_replay_not_already_exists(store):
    add(store, petition(), idempotency=claim())
    with pytest.raises(IdempotentReplay):
        add(store, petition(), idempotency=claim())


def test_an_expired_idempotency_claim_is_not_returned(store):
    add(store, petition(), idempotency=claim(expires=T0 + dt.timedelta(hours=1)))

    assert store.get_idempotency("idem-1", T0 + dt.timedelta(minutes=59)) == claim(expires=T0 + dt.timedelta(hours=1))
    assert store.get_idempotency("idem-1", T0 + dt.timedelta(hours=1)) is None
    assert store.get_idempotency("never-used", T0) is None


def test_an_expired_idempotency_key_can_be_used_again(store):
    add(store, petition(), idempotency=claim(expires=T0 + dt.timedelta(hours=1)))
    later = T0 + dt.timedelta(hours=2)
    renewed = claim(expires=later + dt.timedelta(hours=24), body="second")

    add(store, petition("XF2026-0002", at=later), idempotency=renewed)

    assert store.get_idempotency("idem-1", later) == renewed


def test_counters_add_up_over_several_inserts_and_scopes_do_not_mix(store):
    for i, choice in enumerate(["选项A", "选项B", "选项A"]):
        add(store, petition(f"R{i}"), counters=(CounterIncrement("survey:s1", f"q1={choice}"),
                                                CounterIncrement("survey:s1", "responses"),
                                                CounterIncrement("survey:s2", "responses", 2)))

    assert store.counters("survey:s1") == {"q1=选项A": 2, "q1=选项B": 1, "responses": 3}
    assert store.counters("survey:s2") == {"responses": 6}
    assert store.counters("survey:none") == {}


def test_the_same_counter_named_twice_in_one_insert_counts_both(store):
    add(store, petition(), counters=(CounterIncrement("s", "n"), CounterIncrement("s", "n", 4)))
    assert store.counters("s") == {"n": 5}


def staff_update(record: Record, data: dict, *, version: int, at: dt.datetime, queue_sort: str | None = None,
                 unit: str | None = "130100", listings: tuple[Listing, ...] | None = None) -> tuple[Record, AuditEvent]:
    new = Record(record.collection, record.key, data, record.created_at, unit, version,
                 queued(queue_sort) if listings is None else listings)
    return new, AuditEvent(record.collection, record.key, at, "staff-7", "assign", unit, record.data, data)


def test_an_update_with_the_current_version_bumps_the_version_and_appends_to_the_audit_trail(store):
    record = add(store, petition())
    changed, event = staff_update(record, {"title": "反映道路维修问题", "state": "assigned"}, version=1,
                                  at=T0 + dt.timedelta(hours=1))

    returned = store.update(changed, expected_version=1, audit=event)

    assert returned.version == 2 and returned.data["state"] == "assigned" and returned.created_at == T0
    assert store.get("petition", record.key) == returned
    assert store.audit_trail("petition", record.key) == [submitted(record), event]


def test_an_update_with_a_stale_version_conflicts_and_changes_nothing(store):
    record = add(store, petition())
    first, event1 = staff_update(record, {"state": "assigned"}, version=1, at=T0 + dt.timedelta(hours=1))
    store.update(first, expected_version=1, audit=event1)
    stale, event2 = staff_update(record, {"state": "closed"}, version=1, at=T0 + dt.timedelta(hours=2))

    with pytest.raises(VersionConflict) as caught:
        store.update(stale, expected_version=1, audit=event2)

    assert caught.value.current_version == 2
    assert store.get("petition", record.key).data == {"state": "assigned"}
    assert store.audit_trail("petition", record.key) == [submitted(record), event1]


def test_updating_a_record_that_does_not_exist_is_not_found(store):
    ghost, event = staff_update(petition("ghost"), {"state": "closed"}, version=1, at=T0)
    with pytest.raises(NotFound):
        store.update(ghost, expected_version=1, audit=event)
    assert store.audit_trail("petition", "ghost") == []


def test_an_audit_event_about_another_record_is_refused(store):
    record = petition()
    with pytest.raises(ValueError):
        store.insert(record, audit=submitted(petition("other")))
    assert store.get("petition", record.key) is None


def test_the_audit_trail_lists_events_oldest_first(store):
    record = add(store, petition())
    events = [submitted(record)]
    current = record
    for step, state in enumerate(["accepted", "assigned", "replied", "closed"], start=1):
        changed, event = staff_update(current, {"state": state}, version=step, at=T0 + dt.timedelta(days=step))
        current = store.update(changed, expected_version=step, audit=event)
        events.append(event)
    add(store, petition("XF2026-0002"))  # another record's trail stays separate

    assert store.audit_trail("petition", record.key) == events
    assert [e.action for e in store.audit_trail("petition", "XF2026-0002")] == ["submit"]
    assert store.audit_trail("petition", "missing") == []


def keys(entries) -> list[str]:
    return [e.key for e in entries]


def test_a_listing_holds_a_units_records_and_those_of_every_unit_below_it_by_sort_then_key(store):
    add(store, petition("late", queue_sort="2026-04-20"))
    add(store, petition("early", queue_sort="2026-03-10"))
    add(store, petition("tie-b", queue_sort="2026-03-15", unit="130123"))
    add(store, petition("tie-a", queue_sort="2026-03-15", unit="130123100"))
    add(store, petition("unlisted", queue_sort=None))
    add(store, petition("other-city", unit="130200", queue_sort="2026-03-01"))
    store.insert(Record("feedback", "f1", {}, T0, "130100", 1, queued("2026-03-01")),
                 audit=AuditEvent("feedback", "f1", T0, "public", "submit"))

    assert store.listing("petition", "queue", "130100") == (store.listing("petition", "queue", "130100", limit=9)[0],
                                                            None)
    assert keys(store.listing("petition", "queue", "130100")[0]) == ["early", "tie-a", "tie-b", "late"]
    assert keys(store.listing("petition", "queue", "130000")[0]) == ["other-city", "early", "tie-a", "tie-b", "late"]
    assert keys(store.listing("petition", "queue", "130123")[0]) == ["tie-a", "tie-b"]
    assert keys(store.listing("petition", "queue", "130123100")[0]) == ["tie-a"]
    assert keys(store.listing("petition", "queue", "130200")[0]) == ["other-city"]
    assert store.listing("petition", "queue", "139999") == ([], None)
    assert store.listing("petition", "done", "130100") == ([], None)


def test_a_listing_entry_carries_what_the_list_shows_and_the_record_version(store):
    summary = {"subject": "道路维修", "deadline": "2026-03-10"}
    record = add(store, Record("petition", "XF1", {"title": "道路维修", "body": "很长的正文"}, T0, "130123", 1,
                               (Listing("queue", "2026-03-10", summary), Listing("received", T0.isoformat()))))

    [entry] = store.listing("petition", "queue", "130000")[0]
    [plain] = store.listing("petition", "received", "130000")[0]

    assert (entry.key, entry.unit, entry.listing, entry.sort, entry.version) == ("XF1", "130123", "queue",
                                                                                  "2026-03-10", 1)
    assert entry.summary == summary and entry.created_at == T0
    assert plain.summary == record.data  # no summary given: the list shows the record's data
    assert store.get("petition", "XF1") == record


def test_a_listing_pages_through_with_next_token_until_there_is_none(store):
    expected = [f"XF{i:03d}" for i in range(7)]
    for i, key in enumerate(reversed(expected)):
        add(store, petition(key, queue_sort=f"2026-03-{10 + (6 - i) // 2:02d}", unit=("130100", "130123")[i % 2]))

    for descending in (False, True):
        seen, token, pages = [], None, 0
        while True:
            page, token = store.listing("petition", "queue", "130000", limit=3, after=token, descending=descending)
            seen += keys(page)
            pages += 1
            if token is None:
                break
            assert isinstance(token, str) and len(page) == 3
        assert seen == (expected[::-1] if descending else expected) and pages == 3


def test_a_listing_can_be_bounded_by_sort_and_still_pages_within_the_bounds(store):
    for day in range(1, 10):
        add(store, petition(f"D{day}", queue_sort=f"2026-03-0{day}"))
    add(store, petition("no-deadline", queue_sort="~"))

    def everything(**bounds) -> list[str]:
        seen, token = [], None
        while True:
            page, token = store.listing("petition", "queue", "130000", limit=2, after=token, **bounds)
            seen += keys(page)
            if token is None:
                return seen

    assert everything(upper="2026-03-04") == ["D1", "D2", "D3"]  # upper is exclusive
    assert everything(lower="2026-03-07") == ["D7", "D8", "D9", "no-deadline"]  # lower is inclusive
    assert everything(lower="2026-03-03", upper="2026-03-07") == ["D3", "D4", "D5", "D6"]
    assert everything(lower="2026-03-03", upper="2026-03-07", descending=True) == ["D6", "D5", "D4", "D3"]
    assert everything(upper="~") == [f"D{day}" for day in range(1, 10)]


def test_a_tally_counts_entries_per_child_subtree_and_the_units_own_under_its_code(store):
    for key, unit, sort in (("a", "130000", "2026-03-01"), ("b", "130100", "2026-03-01"), ("c", "130123", "2026-03-02"),
                            ("d", "130123100", "2026-03-05"), ("e", "130200", "2026-03-09"), ("f", "130602", "2026-03-01")):
        add(store, petition(key, unit=unit, queue_sort=sort))

    assert store.tally("petition", "queue", "130000") == {"130000": 1, "130100": 3, "130200": 1, "130600": 1}
    assert store.tally("petition", "queue", "130100") == {"130100": 1, "130123": 2}
    assert store.tally("petition", "queue", "130123") == {"130123": 1, "130123100": 1}
    assert store.tally("petition", "queue", "130123100") == {"130123100": 1}
    assert store.tally("petition", "queue", "130000", upper="2026-03-05") == {"130000": 1, "130100": 2, "130600": 1}
    assert store.tally("petition", "queue", "130000", lower="2026-03-02", upper="2026-03-06") == {"130100": 2}
    assert store.tally("petition", "done", "130000") == {}


def test_a_full_last_page_has_no_next_token(store):
    for i in range(4):
        add(store, petition(f"K{i}", queue_sort=f"2026-03-1{i}"))
    first, token = store.listing("petition", "queue", "130100", limit=2)
    second, token2 = store.listing("petition", "queue", "130100", limit=2, after=token)
    assert keys(first + second) == ["K0", "K1", "K2", "K3"] and token2 is None


def test_a_garbled_page_token_a_bad_limit_or_a_bad_sort_is_refused(store):
    with pytest.raises(ValueError):
        store.listing("petition", "queue", "130100", after="not a token!")
    with pytest.raises(ValueError):
        store.listing("petition", "queue", "130100", limit=0)
    for sort in ("has#hash", "has space", ""):
        with pytest.raises(ValueError):
            add(store, petition("bad", queue_sort=sort))
    with pytest.raises(ValueError):  # a listed record needs a unit to be listed under
        add(store, petition("nowhere", unit=None, queue_sort="2026-03-01"))
    assert store.get("petition", "bad") is None and store.get("petition", "nowhere") is None


def test_an_update_moves_a_record_between_units_and_listings_and_out_of_them(store):
    record = add(store, petition(queue_sort="2026-03-10"))
    moved, event = staff_update(record, {"state": "assigned"}, version=1, at=T0, unit="130123",
                                listings=(Listing("queue", "2026-03-12"), Listing("stage:assigned", "2026-03-12")))
    moved = store.update(moved, expected_version=1, audit=event)
    assert keys(store.listing("petition", "queue", "130100")[0]) == [record.key]  # 130123 is below 130100
    assert store.listing("petition", "queue", "130123")[0][0].version == 2
    assert keys(store.listing("petition", "stage:assigned", "130000")[0]) == [record.key]

    done, event = staff_update(moved, {"state": "closed"}, version=2, at=T0, unit="130200",
                               listings=(Listing("done", "~2026-03-20"),))
    store.update(done, expected_version=2, audit=event)
    for listing in ("queue", "stage:assigned"):
        assert store.listing("petition", listing, "130000") == ([], None)
    assert keys(store.listing("petition", "done", "130200")[0]) == [record.key]
    assert store.listing("petition", "done", "130100") == ([], None)
    assert store.get("petition", record.key).listings == (Listing("done", "~2026-03-20"),)


def test_many_records_are_read_by_key_in_the_order_asked_and_missing_ones_are_left_out(store):
    for key in ("A", "B", "C"):
        add(store, petition(key))
    assert [r.key for r in store.get_many("petition", ["C", "missing", "A"])] == ["C", "A"]
    assert store.get_many("petition", []) == []
    assert len(store.get_many("petition", [f"K{i}" for i in range(150)] + ["B"])) == 1


# -- parts: what grows is kept beside the record, not in it --------------------------------------

def test_parts_are_written_with_the_record_and_its_updates_and_read_in_order(store):
    record = add(store, petition(), parts=(Part("step", 0, {"label": "登记"}),))
    changed, update = staff_update(record, {"state": "accepted"}, version=1, at=T0)
    store.update(changed, expected_version=1, audit=update,
                 parts=(Part("note", 1, {"text": "第二条"}), Part("note", 0, {"text": "第一条"}), Part("step", 1, {})))

    assert store.parts("petition", record.key) == [Part("note", 0, {"text": "第一条"}), Part("note", 1, {"text": "第二条"}),
                                                   Part("step", 0, {"label": "登记"}), Part("step", 1, {})]
    assert store.parts("petition", "missing") == []
    assert store.get("petition", record.key).data == {"state": "accepted"}  # parts are not in the record
    assert store.parts("petition", record.key, kinds=("step",)) == [Part("step", 0, {"label": "登记"}), Part("step", 1, {})]
    assert [p.kind for p in store.parts("petition", record.key, kinds=("note", "step"))] == ["note"] * 2 + ["step"] * 2
    assert store.parts("petition", record.key, kinds=()) == []


def test_a_part_that_exists_already_conflicts_and_the_update_changes_nothing(store):
    record = add(store, petition(), parts=(Part("note", 0, {"text": "原有"}),))
    changed, update = staff_update(record, {"state": "accepted"}, version=1, at=T0)
    with pytest.raises(VersionConflict):
        store.update(changed, expected_version=1, audit=update, parts=(Part("note", 0, {"text": "重复"}),))
    assert store.parts("petition", record.key) == [Part("note", 0, {"text": "原有"})]
    assert store.get("petition", record.key).version == 1


def test_a_stale_update_adds_no_parts_and_no_counters(store):
    record = add(store, petition())
    first, event1 = staff_update(record, {"state": "accepted"}, version=1, at=T0)
    store.update(first, expected_version=1, audit=event1)
    stale, event2 = staff_update(record, {"state": "closed"}, version=1, at=T0)
    with pytest.raises(VersionConflict):
        store.update(stale, expected_version=1, audit=event2, parts=(Part("note", 0, {}),),
                     counters=(CounterIncrement("cases", "closed"),))
    assert store.parts("petition", record.key) == [] and store.counters("cases") == {}


def test_an_update_adds_its_counters_in_the_same_write(store):
    record = add(store, petition(), counters=(CounterIncrement("cases@130100", ".|registered"),))
    changed, update = staff_update(record, {"state": "accepted"}, version=1, at=T0)
    store.update(changed, expected_version=1, audit=update,
                 counters=(CounterIncrement("cases@130100", ".|registered", -1),
                           CounterIncrement("cases@130100", ".|accepted")))
    assert store.counters("cases@130100") == {".|accepted": 1, ".|registered": 0}


def test_a_write_adds_to_at_most_a_hundred_counters_of_one_scope(store):
    too_many = tuple(CounterIncrement("survey:big", f"q={i}") for i in range(101))
    with pytest.raises(ValueError):
        add(store, petition(), counters=too_many)
    assert store.get("petition", "XF2026-0001") is None and store.counters("survey:big") == {}
    add(store, petition(), counters=too_many[:100] + tuple(CounterIncrement("survey:big/1", f"q={i}") for i in range(100)))
    assert len(store.counters("survey:big")) == 100 and len(store.counters("survey:big/1")) == 100


# -- touch: a session's last request, without a version ---------------------------------------

def test_touching_a_record_keeps_the_latest_time_without_a_new_version(store):
    record = add(store, petition())
    store.touch("petition", record.key, T0 + dt.timedelta(minutes=5))
    store.touch("petition", record.key, T0 + dt.timedelta(minutes=3))  # an older request answered late

    got = store.get("petition", record.key)
    assert got.touched_at == T0 + dt.timedelta(minutes=5) and got.version == 1
    assert store.audit_trail("petition", record.key) == [submitted(record)]
    changed, update = staff_update(record, {"state": "revoked"}, version=1, at=T0)
    assert store.update(changed, expected_version=1, audit=update).touched_at == T0 + dt.timedelta(minutes=5)
    with pytest.raises(NotFound):
        store.touch("petition", "missing", T0)


def test_concurrent_touches_and_an_update_of_one_record_never_conflict(store):
    record = add(store, petition())
    start = threading.Barrier(9)

    def touch(i: int) -> None:
        start.wait()
        store.touch("petition", record.key, T0 + dt.timedelta(seconds=i))

    with ThreadPoolExecutor(max_workers=9) as pool:
        touching = [pool.submit(touch, i) for i in range(8)]
        start.wait()
        changed, update = staff_update(record, {"state": "revoked"}, version=1, at=T0)
        store.update(changed, expected_version=1, audit=update)
        for future in touching:
            future.result()

    got = store.get("petition", record.key)
    assert got.touched_at == T0 + dt.timedelta(seconds=7) and got.version == 2 and got.data == {"state": "revoked"}


def test_rate_limit_hits_count_per_bucket_and_window(store):
    window = dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    later = window + dt.timedelta(minutes=1)

    counts = [store.hit("lookup:1.2.3.4", window, later) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert store.hit("lookup:5.6.7.8", window, later) == 1
    assert store.hit("lookup:1.2.3.4", later, later + dt.timedelta(minutes=1)) == 1


def test_the_hits_of_a_window_can_be_read_without_counting_one(store):
    window = dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    later = window + dt.timedelta(minutes=15)
    assert store.hits("login:a", window) == 0
    store.hit("login:a", window, later)
    store.hit("login:a", window, later)
    assert store.hits("login:a", window) == 2 and store.hits("login:a", window) == 2
    assert store.hits("login:b", window) == 0 and store.hits("login:a", later) == 0


HOUR = dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def rate_hits(limit: int = 3) -> tuple[RateHit, ...]:
    """The two rules the guard counts for one address (a burst window and an hour)."""
    return (RateHit("write|burst|1.2.3.4", HOUR, HOUR + dt.timedelta(seconds=20), limit),
            RateHit("write|sustained|1.2.3.4", HOUR, HOUR + dt.timedelta(hours=2), 60))


def test_an_insert_counts_its_rate_limit_hits_with_the_record(store):
    add(store, petition("XF1"), hits=rate_hits())
    add(store, petition("XF2"), hits=rate_hits())
    assert store.hits("write|burst|1.2.3.4", HOUR) == 2
    assert store.hits("write|sustained|1.2.3.4", HOUR) == 2
    assert store.hit("write|burst|1.2.3.4", HOUR, HOUR + dt.timedelta(seconds=20)) == 3  # one count, two ways


def test_an_insert_past_a_rate_limit_writes_nothing_and_counts_nothing(store):
    for key in ("XF1", "XF2", "XF3"):
        add(store, petition(key), hits=rate_hits(limit=3))
    with pytest.raises(OverLimit) as refused:
        add(store, petition("XF4"), idempotency=claim("idem-4"), hits=rate_hits(limit=3))
    assert refused.value.bucket == "write|burst|1.2.3.4"
    assert store.get("petition", "XF4") is None
    assert store.audit_trail("petition", "XF4") == []
    assert store.get_idempotency("idem-4", T0) is None
    assert store.hits("write|burst|1.2.3.4", HOUR) == 3 and store.hits("write|sustained|1.2.3.4", HOUR) == 3
    # Another window of the same address is not affected.
    later = (RateHit("write|burst|1.2.3.4", HOUR + dt.timedelta(seconds=10), HOUR + dt.timedelta(seconds=30), 3),)
    add(store, petition("XF5"), hits=later)
    assert store.get("petition", "XF5") is not None


def test_a_replay_or_a_taken_key_is_reported_before_the_rate_limit(store):
    for key in ("XF1", "XF2", "XF3"):
        add(store, petition(key), hits=rate_hits(limit=3), idempotency=claim(f"idem-{key}"))
    with pytest.raises(IdempotentReplay):
        add(store, petition("XF9"), idempotency=claim("idem-XF1"), hits=rate_hits(limit=3))
    with pytest.raises(AlreadyExists):
        add(store, petition("XF2"), hits=rate_hits(limit=3))


def test_an_insert_may_count_at_most_four_rate_limit_hits(store):
    hits = tuple(RateHit(f"write|rule{i}|1.2.3.4", HOUR, HOUR + dt.timedelta(hours=1), 10) for i in range(5))
    with pytest.raises(ValueError):
        add(store, petition("XF1"), hits=hits)
    assert store.get("petition", "XF1") is None
    add(store, petition("XF1"), hits=hits[:4])
    assert [store.hits(h.bucket, HOUR) for h in hits] == [1, 1, 1, 1, 0]


def test_ten_concurrent_inserts_with_one_idempotency_key_store_exactly_one_record(store):
    start = threading.Barrier(10)

    def submit(i: int) -> str:
        start.wait()
        try:
            add(store, petition(f"XF-{i}"), idempotency=claim(), counters=(CounterIncrement("stats", "submitted"),))
            return "stored"
        except IdempotentReplay as replay:
            assert replay.claim.result == '{"reference":"XF2026-0001"}'
            return "replayed"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(submit, range(10)))

    assert sorted(outcomes) == ["replayed"] * 9 + ["stored"]
    assert [store.get("petition", f"XF-{i}") is not None for i in range(10)].count(True) == 1
    assert store.counters("stats") == {"submitted": 1}


# -- audit events without a record change, and the per-unit audit log ------------------------------

def event(key: str, at: dt.datetime, action: str = "reveal", *, unit: str | None = "130100",
          collection: str = "petition", actor: str = "staff-7") -> AuditEvent:
    return AuditEvent(collection, key, at, actor, action, unit, None, {"field": "contact"})


def test_appended_events_join_the_trail_in_time_order_with_the_record_changes(store):
    record = add(store, petition())
    changed, update = staff_update(record, {"state": "assigned"}, version=1, at=T0 + dt.timedelta(hours=2))
    store.update(changed, expected_version=1, audit=update)
    export = event(record.key, T0 + dt.timedelta(hours=3), "export")
    reveal = event(record.key, T0 + dt.timedelta(hours=1))  # appended later, but happened earlier
    for appended in (export, reveal):
        store.append_audit(appended)

    assert store.audit_trail("petition", record.key) == [submitted(record), reveal, update, export]
    assert store.get("petition", record.key).version == 2  # an appended event changes no record


def test_events_with_the_same_at_are_listed_in_the_order_they_were_written(store):
    record = add(store, petition())  # submitted at T0
    first = event(record.key, T0, "reveal")
    store.append_audit(first)
    changed, update = staff_update(record, {"state": "assigned"}, version=1, at=T0)
    store.update(changed, expected_version=1, audit=update)
    second = event(record.key, T0, "export")
    store.append_audit(second)

    assert store.audit_trail("petition", record.key) == [submitted(record), first, update, second]


def test_an_event_for_a_record_that_does_not_exist_is_appended_and_never_collides(store):
    failed_login = AuditEvent("staff", "no-such-user", T0, "anonymous", "login-failed", None, None, {"ip": "1.2.3.4"})

    store.append_audit(failed_login)
    store.append_audit(failed_login)  # the very same event twice: two events, neither overwritten

    assert store.get("staff", "no-such-user") is None
    assert store.audit_trail("staff", "no-such-user") == [failed_login, failed_login]
    # The record can still be created under that key; its first event collides with nothing.
    denied = event("XF2026-0001", T0 - dt.timedelta(minutes=5), "access-denied")
    store.append_audit(denied)
    record = add(store, petition())
    assert store.audit_trail("petition", record.key) == [denied, submitted(record)]


def test_an_appended_event_with_a_naive_datetime_or_a_bad_collection_is_refused(store):
    with pytest.raises(ValueError):
        store.append_audit(event("XF1", dt.datetime(2026, 3, 1, 8, 30)))
    with pytest.raises(ValueError):
        store.append_audit(event("XF1", T0, collection="a#b"))
    assert store.audit_trail("petition", "XF1") == []
    assert store.audit_log("130100") == ([], None)


def test_concurrent_appends_to_one_record_are_all_kept(store):
    start = threading.Barrier(10)

    def append(i: int) -> None:
        start.wait()
        store.append_audit(event("XF1", T0 + dt.timedelta(seconds=i), f"reveal-{i}"))

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(append, range(10)))

    assert [e.action for e in store.audit_trail("petition", "XF1")] == [f"reveal-{i}" for i in range(10)]


def test_the_audit_log_lists_the_events_of_a_units_subtree_newest_first(store):
    record = add(store, petition(at=T0))                                         # 130100
    other = add(store, petition("XF2026-0002", unit="130200", at=T0 + dt.timedelta(minutes=1)))
    reveal = event(record.key, T0 + dt.timedelta(minutes=2))
    store.append_audit(reveal)
    store.append_audit(event(other.key, T0 + dt.timedelta(minutes=3), unit="130200"))
    store.append_audit(event("someone", T0 + dt.timedelta(minutes=4), "login-failed", unit=None,
                             collection="staff"))
    # The record moves to 130200: the event belongs to the unit it names, so 130200's log.
    moved, transfer = staff_update(record, {"state": "transferred"}, version=1,
                                   at=T0 + dt.timedelta(minutes=5), unit="130200")
    store.update(moved, expected_version=1, audit=transfer)
    export = event(record.key, T0 + dt.timedelta(minutes=6), "export")
    store.append_audit(export)
    # Failed writes leave no event in any log.
    with pytest.raises(AlreadyExists):
        add(store, petition(data={"title": "重复"}, at=T0 + dt.timedelta(minutes=7)))
    stale, lost = staff_update(record, {"state": "closed"}, version=1, at=T0 + dt.timedelta(minutes=8))
    with pytest.raises(VersionConflict):
        store.update(stale, expected_version=1, audit=lost)

    assert store.audit_log("130100") == ([export, reveal, submitted(record)], None)
    assert [(e.key, e.action) for e in store.audit_log("130200")[0]] == [
        (record.key, "assign"), (other.key, "reveal"), (other.key, "submit")]
    assert store.audit_log("139999") == ([], None)
    # The province's log holds both cities' events; a county's only its own subtree's.
    assert len(store.audit_log("130000")[0]) == 6
    county = event("XF9", T0 + dt.timedelta(minutes=9), unit="130123100")
    store.append_audit(county)
    assert store.audit_log("130123") == ([county], None)
    assert store.audit_log("130100")[0][0] == county


def test_the_audit_log_pages_through_with_next_token_until_there_is_none(store):
    # Pairs of events share an `at`, so page boundaries fall inside ties as well.
    expected = []
    for i in range(8):
        at = T0 + dt.timedelta(minutes=i // 2)
        if i == 0:
            expected.append(submitted(add(store, petition("XF-0", at=at))))
        else:
            expected.append(event(f"XF-{i % 3}", at, f"reveal-{i}"))
            store.append_audit(expected[-1])
    expected.reverse()  # newest first; within a tie, the later written first

    for limit, pages in ((3, 3), (4, 2), (8, 1), (100, 1)):
        seen, token, count = [], None, 0
        while True:
            page, token = store.audit_log("130100", limit=limit, after=token)
            seen += page
            count += 1
            if token is None:
                break
            assert isinstance(token, str) and len(page) == limit
        assert (seen, count) == (expected, pages), limit


def test_a_bad_audit_log_token_or_limit_is_refused(store):
    add(store, petition())
    queue_token = encode_token("2026-03-10#XF1", "XF1")  # a token of another list
    for token in ("not a token!", queue_token, encode_token("2026-03-01T08:30:00#1", "k")):
        with pytest.raises(ValueError):
            store.audit_log("130100", after=token)
    with pytest.raises(ValueError):
        store.audit_log("130100", limit=0)


def test_records_inserted_with_an_update_commit_with_it_or_not_at_all(store):
    case = add(store, petition(queue_sort="2026-03-10"))
    pending = (Listing("pending", "2026-03-01"),)
    message = Record("outbox", "m-1", {"to": "138****8000", "text": "已受理"}, T0, "130000", 1, pending)
    queued_event = AuditEvent("outbox", "m-1", T0, "system", "queued")
    changed = Record(case.collection, case.key, {"title": "已受理"}, T0, case.unit, 1, case.listings)
    event = AuditEvent(case.collection, case.key, T0, "staff", "accept", case.unit)
    store.update(changed, expected_version=1, audit=event, new_records=((message, queued_event),))
    assert store.get("outbox", "m-1").data == {"to": "138****8000", "text": "已受理"}
    assert [e.action for e in store.audit_trail("outbox", "m-1")] == ["queued"]
    assert [e.key for e in store.listing("outbox", "pending", "130000")[0]] == ["m-1"]

    again = Record(case.collection, case.key, {"title": "第二次"}, T0, case.unit, 2, case.listings)
    with pytest.raises(AlreadyExists):  # the message exists: the whole update is refused
        store.update(again, expected_version=2, audit=event, new_records=((message, queued_event),))
    assert store.get(case.collection, case.key).data == {"title": "已受理"}
    assert store.get(case.collection, case.key).version == 2
    with pytest.raises(VersionConflict):  # a stale update writes no message either
        store.update(again, expected_version=1, audit=event,
                     new_records=((Record("outbox", "m-2", {}, T0, "130000", 1, pending),
                                   AuditEvent("outbox", "m-2", T0, "system", "queued")),))
    assert store.get("outbox", "m-2") is None
    assert [e.key for e in store.listing("outbox", "pending", "130000")[0]] == ["m-1"]
