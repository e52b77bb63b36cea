"""SQLite adapter of the Store, for the local server and tests (standard library only).

Durability: WAL with synchronous=FULL. With NORMAL a commit that returned can still be lost on
power failure (WAL is synced only at checkpoints), and the protocol promises that a 2xx is sent
only after the commit, i.e. that an acknowledged petition survives. FULL costs one fsync per commit.

Concurrency: the local server runs handlers in worker threads. Each thread reads through its own
connection. Every write goes through the one write connection (functions/store/sqlite_commit.py):
its statements run inside BEGIN IMMEDIATE … one SAVEPOINT each, one thread at a time, so
check-then-write sequences (is this idempotency key taken? is this key taken?) cannot interleave, an
exception undoes that write only, and the writes that arrive while one COMMIT is being fsynced are
committed together by the next (group commit): one fsync for many writes, each acknowledged only
after its own COMMIT returned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path

from functions.store import (
    RECORD_WHAT,
    UNIT_LEVELS,
    audit_position,
    check_collection,
    check_event,
    check_insert,
    check_limit,
    check_update,
    decode_audit_token,
    decode_token,
    dump_json,
    encode_token,
    from_iso,
    load_json,
    position,
    summary_of,
    to_iso,
    unique_what,
    unit_path,
)
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
    UniqueClaim,
    UnitTree,
    VersionConflict,
)
from functions.store.sqlite_commit import GroupCommit
from functions.store.sqlite_schema import (
    AUDIT_COLUMNS as _AUDIT_COLUMNS,
)
from functions.store.sqlite_schema import (
    ENTRY_COLUMNS as _ENTRY_COLUMNS,
)
from functions.store.sqlite_schema import (
    ID_WIDTH as _ID_WIDTH,
)
from functions.store.sqlite_schema import (
    LEVEL_COLUMNS as _LEVEL_COLUMNS,
)
from functions.store.sqlite_schema import (
    RECORD_COLUMNS as _RECORD_COLUMNS,
)
from functions.store.sqlite_schema import (
    create_schema,
)
from functions.store.sqlite_schema import (
    levels as _levels,
)

BUSY_TIMEOUT_SECONDS = 10.0

class _Connection(sqlite3.Connection):
    """A subclass only so that connections can be held weakly (the C type has no __weakref__)."""


class SqliteStore:
    """Store in one SQLite file. Safe to share between threads; each thread uses its own connection."""

    def __init__(self, path: str | Path, tree: UnitTree | None = None):
        if str(path) == ":memory:" or str(path).startswith("file::memory:"):
            # Every thread's connection would see its own empty in-memory database.
            raise ValueError("SqliteStore needs a file: connections are per thread")
        self.path = Path(path)
        self.tree = tree
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # Weak: when a worker thread ends, its thread-local connection is dropped and closed by
        # garbage collection instead of staying open here until close().
        self._all: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._all_lock = threading.Lock()
        self._group = GroupCommit(self._connect)
        conn = self._conn()
        # journal_mode is stored in the file, so setting it once is enough for every connection.
        conn.execute("PRAGMA journal_mode=WAL")
        # In one write transaction so that two processes starting together cannot half-create it
        # (or both migrate it). Statement by statement: executescript would commit first.
        with self._write() as c:
            create_schema(c, self._path_of)

    # -- connections and transactions -------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection for reads (each sees the last committed state)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._all_lock:
                self._all.add(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: the module must not open transactions behind our back; we issue
        # BEGIN IMMEDIATE ourselves. check_same_thread=False: close() closes connections of other
        # threads, and the write connection serves every thread (one at a time, see sqlite_commit).
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                               check_same_thread=False, factory=_Connection)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return conn

    def _write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One write transaction's statements, group-committed with other threads' (sqlite_commit):
        on leaving the block they are durable, or nothing of them is and the error is raised."""
        return self._group.write()

    def close(self) -> None:
        with self._all_lock:
            conns = list(self._all)
            self._all.clear()
        for conn in conns:
            conn.close()
        self._group.close()
        self._local = threading.local()

    def _path_of(self, unit: str | None) -> tuple[str, ...]:
        return () if unit is None else unit_path(self.tree, unit)

    # -- the protocol -------------------------------------------------------------------------

    def insert(self, record: Record, *, audit: AuditEvent, idempotency: IdempotencyClaim | None = None,
               unique: tuple[UniqueClaim, ...] = (), counters: tuple[CounterIncrement, ...] = (),
               parts: tuple[Part, ...] = (), hits: tuple[RateHit, ...] = ()) -> None:
        merged = check_insert(record, audit, idempotency, unique, counters, parts, hits)
        path = self._path_of(record.unit) if record.listings else ()
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
            for hit in hits:
                if self._count_hit(c, hit.bucket, hit.window_start, hit.expires_at) > hit.limit:
                    raise OverLimit(hit.bucket)  # the savepoint's rollback uncounts the hits
            c.execute("INSERT INTO records (collection, key, unit, created_at, version, data, listings) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (record.collection, record.key, record.unit, to_iso(record.created_at), record.version,
                       dump_json(record.data), _dump_listings(record.listings)))
            self._list(c, record, record.version, path)
            self._add_parts(c, record, parts)
            self._append_audit(c, audit, record.version)
            if idempotency is not None:
                # REPLACE only ever replaces an expired claim: an unexpired one raised above.
                c.execute("INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?)",
                          (idempotency.key, idempotency.request_hash, idempotency.result,
                           to_iso(idempotency.expires_at)))
            c.executemany("INSERT INTO uniques (namespace, value) VALUES (?, ?)",
                          [(u.namespace, u.value) for u in unique])
            self._add_counters(c, merged)

    def get(self, collection: str, key: str) -> Record | None:
        check_collection(collection)
        row = self._conn().execute(f"SELECT {_RECORD_COLUMNS} FROM records WHERE collection = ? AND key = ?",
                                   (collection, key)).fetchone()
        return None if row is None else _record(row)

    def get_many(self, collection: str, keys: Sequence[str]) -> list[Record]:
        check_collection(collection)
        found: dict[str, Record] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start:start + 500])
            rows = self._conn().execute(
                f"SELECT {_RECORD_COLUMNS} FROM records WHERE collection = ? AND key IN "
                f"({', '.join('?' * len(chunk))})", (collection, *chunk)).fetchall()
            found.update((row[1], _record(row)) for row in rows)
        return [found[k] for k in keys if k in found]

    def update(self, record: Record, *, expected_version: int, audit: AuditEvent, parts: tuple[Part, ...] = (),
               counters: tuple[CounterIncrement, ...] = (),
               new_records: tuple[tuple[Record, AuditEvent], ...] = ()) -> Record:
        merged = check_update(record, audit, parts, counters, new_records)
        path = self._path_of(record.unit) if record.listings else ()
        extra_paths = [self._path_of(extra.unit) if extra.listings else () for extra, _ in new_records]
        new_version = expected_version + 1
        with self._write() as c:
            row = c.execute("SELECT version, created_at, touched_at FROM records WHERE collection = ? AND key = ?",
                            (record.collection, record.key)).fetchone()
            if row is None:
                raise NotFound(f"{record.collection}/{record.key}")
            if row[0] != expected_version:
                raise VersionConflict(row[0])
            for part in parts:
                if c.execute("SELECT 1 FROM parts WHERE collection = ? AND key = ? AND kind = ? AND seq = ?",
                             (record.collection, record.key, part.kind, part.seq)).fetchone():
                    raise VersionConflict(row[0])
            c.execute("UPDATE records SET data = ?, unit = ?, listings = ?, version = ? "
                      "WHERE collection = ? AND key = ?",
                      (dump_json(record.data), record.unit, _dump_listings(record.listings), new_version,
                       record.collection, record.key))
            self._list(c, record, new_version, path)
            self._add_parts(c, record, parts)
            self._append_audit(c, audit, new_version)
            self._add_counters(c, merged)
            for (extra, extra_audit), extra_path in zip(new_records, extra_paths, strict=True):
                if c.execute("SELECT 1 FROM records WHERE collection = ? AND key = ?",
                             (extra.collection, extra.key)).fetchone():
                    raise AlreadyExists(RECORD_WHAT)
                c.execute("INSERT INTO records (collection, key, unit, created_at, version, data, listings) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (extra.collection, extra.key, extra.unit, to_iso(extra.created_at), extra.version,
                           dump_json(extra.data), _dump_listings(extra.listings)))
                self._list(c, extra, extra.version, extra_path)
                self._append_audit(c, extra_audit, extra.version)
        # created_at belongs to the stored record; an update never moves it.
        return Record(record.collection, record.key, record.data, from_iso(row[1]), record.unit, new_version,
                      record.listings, from_iso(row[2]) if row[2] else None)

    def touch(self, collection: str, key: str, at: dt.datetime) -> None:
        check_collection(collection)
        when = to_iso(at)
        with self._write() as c:
            if not c.execute("SELECT 1 FROM records WHERE collection = ? AND key = ?", (collection, key)).fetchone():
                raise NotFound(f"{collection}/{key}")
            c.execute("UPDATE records SET touched_at = ? WHERE collection = ? AND key = ? "
                      "AND (touched_at IS NULL OR touched_at < ?)", (when, collection, key, when))

    def parts(self, collection: str, key: str, kinds: Sequence[str] | None = None) -> list[Part]:
        check_collection(collection)
        only = f" AND kind IN ({', '.join('?' * len(kinds))})" if kinds is not None else ""
        rows = self._conn().execute(f"SELECT kind, seq, data FROM parts WHERE collection = ? AND key = ?{only} "
                                    "ORDER BY kind, seq", (collection, key, *(kinds or ()))).fetchall()
        return [Part(kind, seq, load_json(data)) for kind, seq, data in rows]

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
        level = len(self._path_of(unit)) - 1
        sql = f"SELECT {_AUDIT_COLUMNS}, id FROM audit WHERE a{level} = ?"
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

    def _where(self, collection: str, listing: str, unit: str, lower: str | None,
               upper: str | None) -> tuple[int, str, list[object]]:
        level = len(self._path_of(unit)) - 1
        sql = f"collection = ? AND listing = ? AND a{level} = ?"
        args: list[object] = [collection, listing, unit]
        # Positions are sort + '#' + key and '#' sorts below every sort character, so position >= lower
        # is sort >= lower and position < upper is sort < upper.
        if lower is not None:
            sql += " AND position >= ?"
            args.append(lower)
        if upper is not None:
            sql += " AND position < ?"
            args.append(upper)
        return level, sql, args

    def listing(self, collection: str, listing: str, unit: str, *, limit: int = 50, after: str | None = None,
                lower: str | None = None, upper: str | None = None,
                descending: bool = False) -> tuple[list[Entry], str | None]:
        check_collection(collection)
        check_limit(limit)
        _, where, args = self._where(collection, listing, unit, lower, upper)
        if after is not None:
            where += " AND position < ?" if descending else " AND position > ?"
            args.append(decode_token(after)[0])
        order = "DESC" if descending else ""
        # One row more than asked tells whether another page exists, so the last page has no token.
        rows = self._conn().execute(f"SELECT {_ENTRY_COLUMNS}, position FROM entries WHERE {where} "
                                    f"ORDER BY position {order} LIMIT ?", (*args, limit + 1)).fetchall()
        page = [_entry(row[:-1]) for row in rows[:limit]]
        if len(rows) <= limit:
            return page, None
        return page, encode_token(rows[limit - 1][-1], rows[limit - 1][1])

    def tally(self, collection: str, listing: str, unit: str, *, lower: str | None = None,
              upper: str | None = None) -> dict[str, int]:
        check_collection(collection)
        level, where, args = self._where(collection, listing, unit, lower, upper)
        below = f"a{level + 1}" if level + 1 < UNIT_LEVELS else "NULL"
        rows = self._conn().execute(f"SELECT {below}, count(*) FROM entries WHERE {where} GROUP BY {below}",
                                    args).fetchall()
        return dict(sorted((child or unit, n) for child, n in rows))

    def hit(self, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        with self._write() as c:
            return self._count_hit(c, bucket, window_start, expires_at)

    @staticmethod
    def _count_hit(c: sqlite3.Connection, bucket: str, window_start: dt.datetime, expires_at: dt.datetime) -> int:
        # Windows that ended before this one started can never be asked for again; deleting them
        # here keeps the table small without a separate cleaner (DynamoDB has TTL).
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

    def _list(self, c: sqlite3.Connection, record: Record, version: int, path: tuple[str, ...]) -> None:
        c.execute("DELETE FROM entries WHERE collection = ? AND key = ?", (record.collection, record.key))
        c.executemany(
            f"INSERT INTO entries (collection, key, listing, position, sort, unit, {_LEVEL_COLUMNS}, version, "
            f"created_at, summary) VALUES ({', '.join('?' * (9 + UNIT_LEVELS))})",
            [(record.collection, record.key, listing.name, position(listing.sort, record.key), listing.sort,
              record.unit, *_levels(path), version, to_iso(record.created_at),
              dump_json(summary_of(record, listing))) for listing in record.listings])

    @staticmethod
    def _add_parts(c: sqlite3.Connection, record: Record, parts: tuple[Part, ...]) -> None:
        c.executemany("INSERT INTO parts (collection, key, kind, seq, data) VALUES (?, ?, ?, ?, ?)",
                      [(record.collection, record.key, p.kind, p.seq, dump_json(p.data)) for p in parts])

    @staticmethod
    def _add_counters(c: sqlite3.Connection, merged: dict[str, dict[str, int]]) -> None:
        c.executemany("INSERT INTO counters (scope, name, value) VALUES (?, ?, ?) "
                      "ON CONFLICT (scope, name) DO UPDATE SET value = value + excluded.value",
                      [(scope, name, delta) for scope, names in merged.items() for name, delta in names.items()])

    def _append_audit(self, c: sqlite3.Connection, audit: AuditEvent, seq: int | None) -> None:
        c.execute(f"INSERT INTO audit (seq, {_AUDIT_COLUMNS}, {_LEVEL_COLUMNS}) "
                  f"VALUES ({', '.join('?' * (9 + UNIT_LEVELS))})",
                  (seq, audit.collection, audit.key, to_iso(audit.at), audit.actor, audit.action,
                   audit.unit, dump_json(audit.before), dump_json(audit.after), *_levels(self._path_of(audit.unit))))

    @staticmethod
    def _claim(c: sqlite3.Connection, key: str) -> IdempotencyClaim | None:
        row = c.execute("SELECT request_hash, result, expires_at FROM idempotency WHERE key = ?",
                        (key,)).fetchone()
        if row is None:
            return None
        request_hash, result, expires_at = row
        return IdempotencyClaim(key, request_hash, result, from_iso(expires_at))


def _dump_listings(listings: tuple[Listing, ...]) -> str:
    return dump_json([[listing.name, listing.sort, listing.summary] for listing in listings])


def _record(row: tuple) -> Record:
    collection, key, unit, created_at, version, data, listings, touched_at = row
    return Record(collection, key, load_json(data), from_iso(created_at), unit, version,
                  tuple(Listing(name, sort, summary) for name, sort, summary in load_json(listings)),
                  from_iso(touched_at) if touched_at else None)


def _entry(row: tuple) -> Entry:
    collection, key, listing, unit, sort, version, created_at, summary = row
    return Entry(collection, key, listing, unit, sort, version, from_iso(created_at), load_json(summary))


def _audit(row: tuple) -> AuditEvent:
    collection, key, at, actor, action, unit, before, after = row
    return AuditEvent(collection, key, from_iso(at), actor, action, unit, load_json(before), load_json(after))
