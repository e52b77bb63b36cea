"""What only the SQLite adapter promises: durability settings, append-only audit, real rollback."""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions.store import AuditEvent, CounterIncrement, IdempotencyClaim, IdempotentReplay, Record
from functions.store.sqlite import SqliteStore

T0 = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone.utc)


def insert(store: SqliteStore, key: str, **kwargs) -> None:
    store.insert(Record("petition", key, {"title": "测试"}, T0, "130100"),
                 audit=AuditEvent("petition", key, T0, "public", "submit"), **kwargs)


def test_the_database_uses_wal_and_syncs_every_commit(sqlite_store):
    conn = sqlite_store._conn()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_audit_events_cannot_be_changed_or_deleted_even_with_raw_sql(sqlite_store):
    insert(sqlite_store, "XF1")
    sqlite_store.append_audit(AuditEvent("petition", "XF1", T0, "staff-7", "reveal", "130100"))
    sqlite_store.append_audit(AuditEvent("staff", "nobody", T0, "anonymous", "login-failed"))
    conn = sqlite3.connect(sqlite_store.path)
    for statement in ("UPDATE audit SET actor = 'someone-else'", "UPDATE audit SET at = '' WHERE seq IS NULL",
                      "DELETE FROM audit", "DELETE FROM audit WHERE collection = 'staff'"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    conn.close()
    assert [e.actor for e in sqlite_store.audit_trail("petition", "XF1")] == ["public", "staff-7"]
    assert [e.action for e in sqlite_store.audit_trail("staff", "nobody")] == ["login-failed"]


def test_one_version_has_one_audit_event_even_with_raw_sql(sqlite_store):
    insert(sqlite_store, "XF1")
    conn = sqlite3.connect(sqlite_store.path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO audit (collection, key, seq, at, actor, action, before, after) "
                     "VALUES ('petition', 'XF1', 1, '', 'x', 'forged', 'null', 'null')")
    conn.close()


# The audit table as the first release created it (rows keyed by version, no row id).
_FIRST_LAYOUT = """
CREATE TABLE audit (
    collection TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
    actor TEXT NOT NULL, action TEXT NOT NULL, unit TEXT, before TEXT NOT NULL, after TEXT NOT NULL,
    PRIMARY KEY (collection, key, seq)
) WITHOUT ROWID;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
INSERT INTO audit VALUES ('petition', 'XF1', 1, '2026-03-01T08:30:00.000000+00:00', 'public', 'submit',
                          '130100', 'null', '{"state":"new"}');
INSERT INTO audit VALUES ('petition', 'XF1', 2, '2026-03-01T08:30:00.000000+00:00', 'staff-7', 'assign',
                          '130100', '{"state":"new"}', '{"state":"assigned"}');
INSERT INTO audit VALUES ('petition', 'XF2', 1, '2026-03-01T07:00:00.000000+00:00', 'public', 'submit',
                          '130100', 'null', 'null');
"""


def test_a_database_of_the_first_layout_keeps_its_audit_events(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(_FIRST_LAYOUT)
    conn.close()

    store = SqliteStore(path)
    store.append_audit(AuditEvent("petition", "XF1", T0, "staff-8", "reveal", "130100"))

    assert [e.action for e in store.audit_trail("petition", "XF1")] == ["submit", "assign", "reveal"]
    assert [(e.key, e.action) for e in store.audit_log("130100")[0]] == [
        ("XF1", "reveal"), ("XF1", "assign"), ("XF1", "submit"), ("XF2", "submit")]
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit")
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'audit_first%'").fetchone() == (0,)
    conn.close()
    store.close()
    SqliteStore(path).close()  # opening it again changes nothing
    assert len(SqliteStore(path).audit_trail("petition", "XF1")) == 3


def test_a_failure_halfway_through_an_insert_rolls_back_what_was_already_written(sqlite_store):
    # The record and audit rows are written before the counters; an integer SQLite cannot hold
    # fails on the counters, after the first statements ran.
    with pytest.raises(OverflowError):
        insert(sqlite_store, "XF1", counters=(CounterIncrement("stats", "n", 2**64),))

    assert sqlite_store.get("petition", "XF1") is None
    assert sqlite_store.audit_trail("petition", "XF1") == []
    insert(sqlite_store, "XF1")  # and the connection is usable again
    assert sqlite_store.get("petition", "XF1") is not None


def test_separate_store_objects_on_one_file_see_each_others_writes(tmp_path):
    a, b = SqliteStore(tmp_path / "s.db"), SqliteStore(tmp_path / "s.db")
    insert(a, "XF1")
    assert b.get("petition", "XF1") is not None
    a.close(), b.close()


def test_concurrent_inserts_from_separate_connections_serialise_on_one_idempotency_key(tmp_path):
    # One store object per thread: as close to several server processes as a test gets.
    path = tmp_path / "s.db"
    SqliteStore(path).close()
    claim = IdempotencyClaim("k", "h", "sealed-result", T0 + dt.timedelta(days=1))
    start = threading.Barrier(8)

    def submit(i: int) -> str:
        store = SqliteStore(path)
        start.wait()
        try:
            insert(store, f"XF{i}", idempotency=claim)
            return "stored"
        except IdempotentReplay:
            return "replayed"
        finally:
            store.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(submit, range(8)))
    assert outcomes == ["replayed"] * 7 + ["stored"]


def test_a_finished_worker_threads_connection_is_released(sqlite_store):
    worker = threading.Thread(target=lambda: sqlite_store.get("petition", "x"))
    worker.start(), worker.join()
    gc.collect()
    assert len(sqlite_store._all) == 1  # only the connection of the thread that is still alive


def test_an_in_memory_database_is_refused_because_each_thread_would_get_its_own():
    with pytest.raises(ValueError):
        SqliteStore(":memory:")


# The second layout (records with one queue position, audit rows without their unit's path).
_SECOND_LAYOUT = """
CREATE TABLE records (collection TEXT NOT NULL, key TEXT NOT NULL, unit TEXT, created_at TEXT NOT NULL,
    version INTEGER NOT NULL, queue_sort TEXT, queue_pos TEXT, data TEXT NOT NULL,
    PRIMARY KEY (collection, key)) WITHOUT ROWID;
CREATE INDEX records_queue ON records (collection, unit, queue_pos) WHERE queue_pos IS NOT NULL;
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER,
    at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, unit TEXT, before TEXT NOT NULL, after TEXT NOT NULL);
CREATE INDEX audit_log ON audit (unit, at, id) WHERE unit IS NOT NULL;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
INSERT INTO records VALUES ('petition', 'XF1', '130123', '2026-03-01T08:30:00.000000+00:00', 2, '2026-03-16',
                            '2026-03-16#XF1', '{"title":"旧的信访件"}');
INSERT INTO audit (collection, key, seq, at, actor, action, unit, before, after) VALUES
    ('petition', 'XF1', 1, '2026-03-01T08:30:00.000000+00:00', 'public', 'submit', '130100', 'null', 'null'),
    ('petition', 'XF1', 2, '2026-03-02T08:30:00.000000+00:00', 'staff-7', 'assign', '130123', 'null', 'null');
"""


def test_a_database_of_the_second_layout_keeps_its_records_and_its_audit_log_per_subtree(tmp_path):
    from tests.contract.conftest import TREE

    path = tmp_path / "second.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(_SECOND_LAYOUT)
    conn.close()

    store = SqliteStore(path, tree=TREE)

    assert store.get("petition", "XF1").data == {"title": "旧的信访件"} and store.get("petition", "XF1").version == 2
    assert [e.action for e in store.audit_log("130000")[0]] == ["assign", "submit"]
    assert [e.action for e in store.audit_log("130123")[0]] == ["assign"]
    insert(store, "XF2")
    assert [e.key for e in store.audit_trail("petition", "XF2")] == ["XF2"]
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET actor = 'x'")
    conn.close()
    store.close()
