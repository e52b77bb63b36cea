"""SQLite adapter of the Store, for the local server and tests (standard library only).

Durability: WAL with synchronous=FULL. With NORMAL a commit that returned can still be lost on
power failure (WAL is synced only at checkpoints), and the protocol promises that a 2xx is sent
only after the commit, i.e. that an acknowledged petition survives. FULL costs one fsync per commit.

Concurrency: the local server runs handlers in worker threads, and sqlite3 connections must not be
shared between threads, so each thread gets its own connection. Every write runs in
BEGIN IMMEDIATE … COMMIT: the write lock is taken up front, so check-then-write sequences (is this
idempotency key taken? is this key taken?) cannot interleave, and any exception rolls back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

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
    UniqueClaim,
    VersionConflict,
)

BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    unit       TEXT,
    created_at TEXT NOT NULL,
    version    INTEGER NOT NULL,
    queue_sort TEXT,
    queue_pos  TEXT,            -- queue_sort + '#' + key, NULL when not queued (see queue_position)
    data       TEXT NOT NULL,   -- JSON
    PRIMARY KEY (collection, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_queue ON records (collection, unit, queue_pos)
    WHERE queue_pos IS NOT NULL;

-- Audit order (audit_trail oldest first, audit_log newest first) is (at, id). id is the insertion
-- order: AUTOINCREMENT never hands out a smaller id, and writes are serialised by BEGIN IMMEDIATE,
-- so id order is commit order. seq is the record version a record change produced, NULL for an
-- appended event (append_audit); the unique index keeps "one event per version" in the database.
CREATE TABLE IF NOT EXISTS audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    seq        INTEGER,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    unit       TEXT,
    before     TEXT NOT NULL,   -- JSON, 'null' when absent
    after      TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_version ON audit (collection, key, seq) WHERE seq IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_trail ON audit (collection, key, at, id);
CREATE INDEX IF NOT EXISTS audit_log ON audit (unit, at, id) WHERE unit IS NOT NULL;
-- The code has no UPDATE/DELETE on audit; the triggers make sure nothing else does either.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

CREATE TABLE IF NOT EXISTS idempotency (
    key          TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    result       TEXT NOT NULL,  -- opaque to the store (sealed by the service)
    expires_at   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS uniques (
    namespace TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (namespace, value)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS counters (
    scope TEXT NOT NULL,
    name  TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (scope, name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS hits (
    bucket       TEXT NOT NULL,
    window_start TEXT NOT NULL,
    count        INTEGER NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (bucket, window_start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS hits_expiry ON hits (expires_at);
"""

_RECORD_COLUMNS = "collection, key, unit, created_at, version, queue_sort, data"
_AUDIT_COLUMNS = "collection, key, at, actor, action, unit, before, after"
# Width of the row id in an audit_log position, so that text order of positions is (at, id) order.
_ID_WIDTH = 20


def _statements(script: str) -> list[str]:
    """Split a script into statements (trigger bodies contain ';', so a plain split would not do)."""
    statements, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip() != ";":
                statements.append(pending.strip())
            pending = ""
    return statements


_SCHEMA_STATEMENTS = _statements(_SCHEMA)


class _Connection(sqlite3.Connection):
    """A subclass only so that connections can be held weakly (the C type has no __weakref__)."""


class SqliteStore:
    """Store in one SQLite file. Safe to share between threads; each thread uses its own connection."""

    def __init__(self, path: str | Path):
        if str(path) == ":memory:" or str(path).startswith("file::memory:"):
            # Every thread's connection would see its own empty in-memory database.
            raise ValueError("SqliteStore needs a file: connections are per thread")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # Weak: when a worker thread ends, its thread-local connection is dropped and closed by
        # garbage collection instead of staying open here until close().
        self._all: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._all_lock = threading.Lock()
        conn = self._conn()
        # journal_mode is stored in the file, so setting it once is enough for every connection.
        conn.execute("PRAGMA journal_mode=WAL")
        # In one write transaction so that two processes starting together cannot half-create it
        # (or both migrate it). Statement by statement: executescript would commit first.
        with self._write() as c:
            _create_schema(c)

    # -- connections and transactions -------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: the module must not open transactions behind our back; we
            # issue BEGIN IMMEDIATE ourselves. check_same_thread=False only so close() can close
            # connections of other threads; each connection is still used by one thread.
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                   check_same_thread=False, factory=_Connection)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            self._local.conn = conn
            with self._all_lock:
                self._all.add(conn)
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            # Also when COMMIT itself fails (disk full …): leave no open transaction behind.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._all_lock:
            conns = list(self._all)
            self._all.clear()
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # -- the protocol -------------------------------------------------------------------------

    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = ()) -> None:
        increments = check_insert(record, audit, idempotency, unique, counters)
        with self._write() as c:
            # Order matters: the idempotency key is checked first, so a replayed request is answered
            # with its first response even though its record key is (of course) taken by now.
            if idempotency is not None:
                stored = self._claim(c, idempotency.key)
                # The insert has no "now" of its own; the record's creation time is that moment.
                if stored is not None and stored.expires_at > record.created_at:
                    raise IdempotentReplay(stored)
            if c.execute("SELECT 1 FROM records WHERE collection = ? AND key = ?",
                         (record.collection, record.key)).fetchone():
                raise AlreadyExists(RECORD_WHAT)
            for claim in unique:
                if c.execute("SELECT 1 FROM uniques WHERE namespace = ? AND value = ?",
                             (claim.namespace, claim.value)).fetchone():
                    raise AlreadyExists(unique_what(claim))
            c.execute(f"INSERT INTO records ({_RECORD_COLUMNS}, queue_pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (record.collection, record.key, record.unit, to_iso(record.created_at),
                       record.version, record.queue_sort, dump_json(record.data), queue_position(record)))
            self._append_audit(c, audit, record.version)
            if idempotency is not None:
                # REPLACE only ever replaces an expired claim: an unexpired one raised above.
                c.execute("INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?)",
                          (idempotency.key, idempotency.request_hash, idempotency.result,
                           to_iso(idempotency.expires_at)))
            c.executemany("INSERT INTO uniques (namespace, value) VALUES (?, ?)",
                          [(u.namespace, u.value) for u in unique])
            c.executemany("INSERT INTO counters (scope, name, value) VALUES (?, ?, ?) "
                          "ON CONFLICT (scope, name) DO UPDATE SET value = value + excluded.value",
                          [(i.scope, i.name, i.delta) for i in increments])

    def get(self, collection: str, key: str) -> Record | None:
        check_collection(collection)
        row = self._conn().execute(f"SELECT {_RECORD_COLUMNS} FROM records WHERE collection = ? AND key = ?",
                                   (collection, key)).fetchone()
        return None if row is None else _record(row)

    def update(self, record: Record, *, expected_version: int, audit: AuditEvent,
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        check_audit(record, audit)
        for extra, extra_audit in new_records:
            check_audit(extra, extra_audit)
        new_version = expected_version + 1
        with self._write() as c:
            row = c.execute("SELECT version, created_at FROM records WHERE collection = ? AND key = ?",
                            (record.collection, record.key)).fetchone()
            if row is None:
                raise NotFound(f"{record.collection}/{record.key}")
            if row[0] != expected_version:
                raise VersionConflict(row[0])
            c.execute("UPDATE records SET data = ?, unit = ?, queue_sort = ?, queue_pos = ?, version = ? "
                      "WHERE collection = ? AND key = ?",
                      (dump_json(record.data), record.unit, record.queue_sort, queue_position(record),
                       new_version, record.collection, record.key))
            self._append_audit(c, audit, new_version)
            for extra, extra_audit in new_records:
                if c.execute("SELECT 1 FROM records WHERE collection = ? AND key = ?",
                             (extra.collection, extra.key)).fetchone():
                    raise AlreadyExists(RECORD_WHAT)
                c.execute(f"INSERT INTO records ({_RECORD_COLUMNS}, queue_pos) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (extra.collection, extra.key, extra.unit, to_iso(extra.created_at), extra.version,
                           extra.queue_sort, dump_json(extra.data), queue_position(extra)))
                self._append_audit(c, extra_audit, extra.version)
        # created_at belongs to the stored record; an update never moves it.
        return Record(record.collection, record.key, record.data, from_iso(row[1]), record.unit,
                      new_version, record.queue_sort)

    def get_idempotency(self, key: str, now: dt.datetime) -> IdempotencyClaim | None:
        claim = self._claim(self._conn(), key)
        return claim if claim is not None and claim.expires_at > now else None

    def counters(self, scope: str) -> dict[str, int]:
        rows = self._conn().execute("SELECT name, value FROM counters WHERE scope = ? ORDER BY name", (scope,))
        return dict(rows.fetchall())

    def audit_trail(self, collection: str, key: str) -> list[AuditEvent]:
        check_collection(collection)
        rows = self._conn().execute(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE collection = ? AND key = ? ORDER BY at, id",
            (collection, key)).fetchall()
        return [_audit(row) for row in rows]

    def append_audit(self, event: AuditEvent) -> None:
        check_event(event)
        with self._write() as c:
            # No record is read or required: a failed login names an account that may not exist.
            self._append_audit(c, event, None)

    def audit_log(self, unit: str, *, limit: int = 100,
                  after: str | None = None) -> tuple[list[AuditEvent], str | None]:
        check_limit(limit)
        sql = f"SELECT {_AUDIT_COLUMNS}, id FROM audit WHERE unit = ?"
        args: list[object] = [unit]
        if after is not None:
            at, tiebreak = decode_audit_token(after)
            if not (tiebreak.isascii() and tiebreak.isdigit()):
                raise ValueError("invalid page token")
            sql += " AND (at, id) < (?, ?)"
            args += [at, int(tiebreak)]
        # One row more than asked tells whether another page exists, so the last page has no token.
        rows = self._conn().execute(sql + " ORDER BY at DESC, id DESC LIMIT ?", (*args, limit + 1)).fetchall()
        page = [_audit(row[:-1]) for row in rows[:limit]]
        if len(rows) <= limit:
            return page, None
        last = page[-1]
        return page, encode_token(audit_position(last.at, f"{rows[limit - 1][-1]:0{_ID_WIDTH}d}"), last.key)

    def queue(self, collection: str, unit: str, *, limit: int = 50,
              after: str | None = None) -> tuple[list[Record], str | None]:
        check_collection(collection)
        check_limit(limit)
        start = decode_token(after)[0] if after is not None else ""
        # One row more than asked tells whether another page exists, so the last page has no token.
        rows = self._conn().execute(
            f"SELECT {_RECORD_COLUMNS}, queue_pos FROM records "
            "WHERE collection = ? AND unit = ? AND queue_pos IS NOT NULL AND queue_pos > ? "
            "ORDER BY queue_pos LIMIT ?", (collection, unit, start, limit + 1)).fetchall()
        page = [_record(row[:-1]) for row in rows[:limit]]
        if len(rows) <= limit:
            return page, None
        return page, encode_token(rows[limit - 1][-1], rows[limit - 1][1])

    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        with self._write() as c:
            # Windows that ended before this one started can never be asked for again; deleting
            # them here keeps the table small without a separate cleaner (DynamoDB has TTL).
            c.execute("DELETE FROM hits WHERE expires_at <= ?", (to_iso(window_start),))
            (count,) = c.execute(
                "INSERT INTO hits (bucket, window_start, count, expires_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + 1 RETURNING count",
                (bucket, to_iso(window_start), to_iso(expires_at))).fetchone()
        return count

    def hits(self, bucket: str, window_start: dt.datetime) -> int:
        row = self._conn().execute("SELECT count FROM hits WHERE bucket = ? AND window_start = ?",
                                   (bucket, to_iso(window_start))).fetchone()
        return row[0] if row else 0

    # -- helpers ------------------------------------------------------------------------------

    def _append_audit(self, c: sqlite3.Connection, audit: AuditEvent, seq: int | None) -> None:
        c.execute(f"INSERT INTO audit (seq, {_AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (seq, audit.collection, audit.key, to_iso(audit.at), audit.actor, audit.action,
                   audit.unit, dump_json(audit.before), dump_json(audit.after)))

    @staticmethod
    def _claim(c: sqlite3.Connection, key: str) -> IdempotencyClaim | None:
        row = c.execute("SELECT request_hash, result, expires_at FROM idempotency WHERE key = ?",
                        (key,)).fetchone()
        if row is None:
            return None
        request_hash, result, expires_at = row
        return IdempotencyClaim(key, request_hash, result, from_iso(expires_at))


def _record(row: tuple) -> Record:
    collection, key, unit, created_at, version, queue_sort, data = row
    return Record(collection, key, load_json(data), from_iso(created_at), unit, version, queue_sort)


def _audit(row: tuple) -> AuditEvent:
    collection, key, at, actor, action, unit, before, after = row
    return AuditEvent(collection, key, from_iso(at), actor, action, unit, load_json(before), load_json(after))


def _create_schema(c: sqlite3.Connection) -> None:
    """Create the tables, or bring a database of the first layout up to date (inside one write).

    The first layout keyed audit rows by (collection, key, seq) WITHOUT ROWID: no row id to give
    the insertion order, and no room for events without a version. Its rows are copied into the
    new table, ids assigned in (at, collection, key, seq) order: the insertion order across records
    was never recorded, and within a record it was the version order, which this keeps for ties.
    """
    claim_columns = {row[1] for row in c.execute("PRAGMA table_info(idempotency)")}
    if "status" in claim_columns:
        # Claims of the layout that stored HTTP responses: 24-hour replay caches, not records. They
        # are dropped rather than converted (their sealed bodies were responses, not results).
        c.execute("DROP TABLE idempotency")
    columns = {row[1] for row in c.execute("PRAGMA table_info(audit)")}
    first_layout = bool(columns) and "id" not in columns
    if first_layout:
        # The triggers would follow the renamed table and keep their names, so the new table's
        # CREATE TRIGGER IF NOT EXISTS would skip; DROP TABLE below fires no DELETE trigger anyway.
        c.execute("DROP TRIGGER IF EXISTS audit_no_update")
        c.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        c.execute("ALTER TABLE audit RENAME TO audit_first_layout")
    for statement in _SCHEMA_STATEMENTS:
        c.execute(statement)
    if first_layout:
        c.execute(f"INSERT INTO audit (seq, {_AUDIT_COLUMNS}) SELECT seq, {_AUDIT_COLUMNS} "
                  "FROM audit_first_layout ORDER BY at, collection, key, seq")
        c.execute("DROP TABLE audit_first_layout")
