"""The SQLite adapter's schema, and how a database of an earlier layout is brought up to date.
functions/store/sqlite.py is the adapter; this module only creates and migrates its tables."""

from __future__ import annotations

import sqlite3

from functions.store import UNIT_LEVELS

LEVEL_COLUMNS = ", ".join(f"a{level}" for level in range(UNIT_LEVELS))
_LEVEL_INDEXES = "\n".join(
    # Covering for a listing page (position) and for a tally (the next level down).
    f"CREATE INDEX IF NOT EXISTS entries_l{level} ON entries (collection, listing, a{level}, position"
    f"{f', a{level + 1}' if level + 1 < UNIT_LEVELS else ''}) WHERE a{level} IS NOT NULL;\n"
    f"CREATE INDEX IF NOT EXISTS audit_l{level} ON audit (a{level}, at, id) WHERE a{level} IS NOT NULL;"
    for level in range(UNIT_LEVELS))

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS records (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    unit       TEXT,
    created_at TEXT NOT NULL,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,   -- JSON
    listings   TEXT NOT NULL DEFAULT '[]',  -- JSON [[name, sort, summary or null], ...]
    touched_at TEXT,
    PRIMARY KEY (collection, key)
) WITHOUT ROWID;

-- One row per (record, listing): the listing's sort value, the record's unit path one level per
-- column (a0 = the top unit …), and what the list shows. A subtree's listing is one index range.
CREATE TABLE IF NOT EXISTS entries (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    listing    TEXT NOT NULL,
    position   TEXT NOT NULL,   -- sort + '#' + key (see functions.store.position)
    sort       TEXT NOT NULL,
    unit       TEXT NOT NULL,
    {", ".join(f"a{level} TEXT" for level in range(UNIT_LEVELS))},
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    summary    TEXT NOT NULL,   -- JSON
    PRIMARY KEY (collection, key, listing)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS parts (
    collection TEXT NOT NULL,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (collection, key, kind, seq)
) WITHOUT ROWID;

-- Audit order (audit_trail oldest first, audit_log newest first) is (at, id). id is the insertion
-- order: AUTOINCREMENT never hands out a smaller id, and writes are serialised by BEGIN IMMEDIATE,
-- so id order is commit order. seq is the record version a record change produced, NULL for an
-- appended event (append_audit); the unique index keeps "one event per version" in the database.
-- a0 … are the path of the event's unit, for the audit log of a subtree.
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
    after      TEXT NOT NULL,
    {", ".join(f"a{level} TEXT" for level in range(UNIT_LEVELS))}
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_version ON audit (collection, key, seq) WHERE seq IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_trail ON audit (collection, key, at, id);
{_LEVEL_INDEXES}
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

RECORD_COLUMNS = "collection, key, unit, created_at, version, data, listings, touched_at"
ENTRY_COLUMNS = "collection, key, listing, unit, sort, version, created_at, summary"
AUDIT_COLUMNS = "collection, key, at, actor, action, unit, before, after"
# Width of the row id in an audit_log position, so that text order of positions is (at, id) order.
ID_WIDTH = 20


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


def levels(path: tuple[str, ...]) -> list[str | None]:
    return list(path) + [None] * (UNIT_LEVELS - len(path))


def _columns(c: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in c.execute(f"PRAGMA table_info({table})")}


def create_schema(c: sqlite3.Connection, path_of) -> None:
    """Create the tables, or bring a database of an earlier layout up to date (inside one write).

    Earlier layouts: the first keyed audit rows by (collection, key, seq) WITHOUT ROWID (no row id to
    give the insertion order); the second had the row id but no unit path, and records with one
    queue position instead of listings. Audit rows are copied into the new table with their path,
    ids kept where they existed, otherwise assigned in (at, collection, key, seq) order (within a
    record that was the version order). Records gain their new columns; records written before
    listings existed are found by key until their next change lists them again.
    """
    if "status" in _columns(c, "idempotency"):
        # Claims of the layout that stored HTTP responses: 24-hour replay caches, not records. They
        # are dropped rather than converted (their sealed bodies were responses, not results).
        c.execute("DROP TABLE idempotency")
    records = _columns(c, "records")
    if records and "listings" not in records:
        c.execute("ALTER TABLE records ADD COLUMN listings TEXT NOT NULL DEFAULT '[]'")
        c.execute("ALTER TABLE records ADD COLUMN touched_at TEXT")
        c.execute("DROP INDEX IF EXISTS records_queue")
    audit = _columns(c, "audit")
    earlier = bool(audit) and "a0" not in audit
    if earlier:
        # The triggers would follow the renamed table and keep their names, so the new table's
        # CREATE TRIGGER IF NOT EXISTS would skip; DROP TABLE below fires no DELETE trigger anyway.
        c.execute("DROP TRIGGER IF EXISTS audit_no_update")
        c.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        c.execute("DROP INDEX IF EXISTS audit_log")
        c.execute("ALTER TABLE audit RENAME TO audit_earlier")
    for statement in _SCHEMA_STATEMENTS:
        c.execute(statement)
    if earlier:
        has_id = "id" in audit
        rows = c.execute(f"SELECT {'id' if has_id else 'NULL'}, seq, {AUDIT_COLUMNS} FROM audit_earlier "
                         f"ORDER BY {'id' if has_id else 'at, collection, key, seq'}").fetchall()
        c.executemany(f"INSERT INTO audit (id, seq, {AUDIT_COLUMNS}, {LEVEL_COLUMNS}) "
                      f"VALUES ({', '.join('?' * (10 + UNIT_LEVELS))})",
                      [(*row, *levels(path_of(row[7]))) for row in rows])
        c.execute("DROP TABLE audit_earlier")
