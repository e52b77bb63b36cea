"""The SQLite Store's group commit: many threads' writes share one COMMIT, and each caller hears back
only after the COMMIT that holds its write (or learns that nothing of it was kept)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions.store import AlreadyExists, AuditEvent, IdempotencyClaim, IdempotentReplay, Record
from functions.store.protocol import StoreUnavailable
from functions.store.sqlite import SqliteStore

T0 = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
THREADS = 16


def insert(store: SqliteStore, key: str, **kwargs) -> None:
    store.insert(Record("petition", key, {"title": "测试"}, T0, "130100"),
                 audit=AuditEvent("petition", key, T0, "public", "submit"), **kwargs)


def committed_keys(path) -> set[str]:
    """What another process sees: only committed rows."""
    conn = sqlite3.connect(path)
    try:
        return {k for (k,) in conn.execute("SELECT key FROM records WHERE collection = 'petition'")}
    finally:
        conn.close()


class CountingConnection(sqlite3.Connection):
    """Counts COMMITs on the write connection; can be told to fail the next one like a full disk."""

    commits = 0
    fail_next_commit = False
    lock = threading.Lock()

    def execute(self, sql, *args):
        if sql == "COMMIT":
            with CountingConnection.lock:
                if CountingConnection.fail_next_commit:
                    CountingConnection.fail_next_commit = False
                    raise sqlite3.OperationalError("database or disk is full")
                CountingConnection.commits += 1
        return super().execute(sql, *args)


@pytest.fixture
def counted_store(tmp_path):
    store = SqliteStore(tmp_path / "s.db")
    original = store._connect

    def connect():
        conn = original()
        conn.close()
        conn = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False, factory=CountingConnection)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    store.close()
    store._group._connect = connect
    CountingConnection.commits, CountingConnection.fail_next_commit = 0, False
    yield store
    store.close()


def test_each_insert_is_visible_to_another_process_as_soon_as_it_returns(tmp_path):
    store = SqliteStore(tmp_path / "s.db")
    start = threading.Barrier(THREADS)

    def submit(i: int) -> bool:
        start.wait()
        insert(store, f"XF{i}")
        return f"XF{i}" in committed_keys(store.path)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        assert list(pool.map(submit, range(THREADS))) == [True] * THREADS
    store.close()


def test_concurrent_inserts_share_commits(counted_store):
    start = threading.Barrier(THREADS)

    def submit(i: int) -> None:
        start.wait()
        for n in range(10):
            insert(counted_store, f"XF{i}-{n}")

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(submit, range(THREADS)))
    assert len(committed_keys(counted_store.path)) == THREADS * 10
    assert CountingConnection.commits < THREADS * 10


def test_a_refused_write_in_a_batch_leaves_the_others_of_that_batch_committed(tmp_path):
    store = SqliteStore(tmp_path / "s.db")
    insert(store, "XF-taken")
    start = threading.Barrier(THREADS)

    def submit(i: int) -> str:
        start.wait()
        try:
            insert(store, "XF-taken" if i % 4 == 0 else f"XF{i}")
            return "stored"
        except AlreadyExists:
            return "taken"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(submit, range(THREADS)))
    assert outcomes.count("taken") == 4 and outcomes.count("stored") == THREADS - 4
    assert committed_keys(store.path) == {"XF-taken"} | {f"XF{i}" for i in range(THREADS) if i % 4}
    assert len(store.audit_trail("petition", "XF-taken")) == 1
    store.close()


def test_one_idempotency_key_sent_by_many_threads_at_once_is_stored_once(tmp_path):
    store = SqliteStore(tmp_path / "s.db")
    claim = IdempotencyClaim("k", "h", "sealed-result", T0 + dt.timedelta(days=1))
    start = threading.Barrier(THREADS)

    def submit(i: int) -> str:
        start.wait()
        try:
            insert(store, f"XF{i}", idempotency=claim)
            return "stored"
        except IdempotentReplay:
            # The replay is answered only once the first write is durable.
            return "replayed" if len(committed_keys(store.path)) == 1 else "replayed too early"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = sorted(pool.map(submit, range(THREADS)))
    assert outcomes == ["replayed"] * (THREADS - 1) + ["stored"]
    store.close()


def test_when_a_commit_fails_its_writers_hear_the_store_is_unavailable_and_nothing_stays(counted_store):
    CountingConnection.fail_next_commit = True
    with pytest.raises(StoreUnavailable) as refused:
        insert(counted_store, "XF1")
    assert refused.value.message == "系统繁忙，本次操作没有完成，请稍后再试"
    assert committed_keys(counted_store.path) == set()
    assert counted_store.get("petition", "XF1") is None
    insert(counted_store, "XF1")  # the next write commits normally
    assert committed_keys(counted_store.path) == {"XF1"}
