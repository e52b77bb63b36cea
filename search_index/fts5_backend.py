"""SQLite FTS5 (Python's standard library, or sqlean.py's SQLite where that lacks FTS5:
sqlite_driver.py) as a search backend, over the same token strings as
Whoosh (analyzer.py). FTS5's `ascii` tokenizer splits them at the spaces and keeps every other
character, so FTS5 sees exactly the portal's words and counts them per column (`instances`, an
fts5vocab table); scoring (BM25F), intersecting words, phrases and ordering are ranking.py's,
shared with Whoosh, so both backends give the same answers in the same order.

Tables: `doc` (the DocTable's columns, with the 文号 key; the IndexRecord and the text as phrases are looked
for in it, both compressed; word counts per field; id = FTS rowid), `text` (FTS5, contentless:
title, body, title_parts, body_parts), `vocabulary` and `instances` (fts5vocab over `text`). Opened
read-only and `immutable`, so SQLite takes no locks (the Lambda's file system is read-only anyway).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import sqlite_driver
from .analyzer import lengths
from .ranking import WEIGHTS
from .records import IndexRecord, packed_literal, unpack_literal
from .table import ROW

DB_FILE = "search.sqlite"
COLUMNS = ROW
_SCHEMA = f"""
CREATE TABLE doc(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
                 issuer TEXT NOT NULL, level TEXT NOT NULL, validity TEXT NOT NULL, unit TEXT NOT NULL,
                 date INTEGER NOT NULL, effective INTEGER NOT NULL, doc_number TEXT NOT NULL,
                 record BLOB NOT NULL, text BLOB NOT NULL, {", ".join(f"{f}_length INTEGER NOT NULL" for f in WEIGHTS)});
CREATE VIRTUAL TABLE text USING fts5({", ".join(WEIGHTS)}, tokenize='ascii', content='');
CREATE VIRTUAL TABLE vocabulary USING fts5vocab(text, 'row');
CREATE VIRTUAL TABLE instances USING fts5vocab(text, 'instance');
"""

Item = tuple  # (IndexRecord, Analysed title, Analysed text), as whoosh_backend.Item


def _insert(db: sqlite3.Connection, items: Iterable[Item], first_id: int) -> None:
    for number, (rec, title, text) in enumerate(items, first_id):
        db.execute("INSERT INTO doc VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (number, rec.path, rec.type, rec.issuer, rec.level, rec.validity, rec.unit, rec.date,
                    rec.effective, rec.doc_number_key, rec.pack(), packed_literal(rec),
                    *lengths(title, text).values()))
        db.execute("INSERT INTO text(rowid, title, body, title_parts, body_parts) VALUES (?,?,?,?,?)",
                   (number, title.words, text.words, title.parts, text.parts))


def create(folder: Path, items: list[Item]) -> None:
    db = sqlite_driver.driver().connect(folder / DB_FILE)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        with db:
            _insert(db, items, 1)
        db.execute("INSERT INTO text(text) VALUES('optimize')")
        db.commit()
    finally:
        db.close()


def update(folder: Path, items: list[Item], removed: Iterable[str], analyse) -> None:
    """Delete `removed` and the old versions of `items`, insert `items` under new rowids. The
    table keeps no copy of its text (contentless), so a deletion hands FTS5 the same token
    strings it indexed: the stored record analysed again (`analyse`, the same dictionary)."""
    db = sqlite_driver.driver().connect(folder / DB_FILE)
    try:
        with db:
            for path in [*removed, *(rec.path for rec, _, _ in items)]:
                row = db.execute("SELECT id, record FROM doc WHERE path = ?", (path,)).fetchone()
                if row:
                    _, title, text = analyse(IndexRecord.unpack(row[1]))
                    db.execute(f"INSERT INTO text(text, rowid, {', '.join(WEIGHTS)}) VALUES ('delete', ?, ?, ?, ?, ?)",
                               (row[0], title.words, text.words, title.parts, text.parts))
                    db.execute("DELETE FROM doc WHERE id = ?", (row[0],))
            (last,) = db.execute("SELECT coalesce(max(id), 0) FROM doc").fetchone()
            _insert(db, items, last + 1)
    finally:
        db.close()


class Fts5Backend:
    def __init__(self, folder: Path):
        uri = (folder / DB_FILE).resolve().as_uri() + "?mode=ro&immutable=1"
        self._db = sqlite_driver.driver().connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        (self.count,) = self._db.execute("SELECT count(*) FROM doc").fetchone()

    def rows(self) -> Iterator[tuple]:
        with self._lock:
            rows = self._db.execute(f"SELECT id, {', '.join(COLUMNS)} FROM doc").fetchall()
        return iter(rows)

    def frequencies(self, field: str, word: str) -> list[tuple[int, int]]:
        with self._lock:
            return self._db.execute("SELECT doc, count(*) FROM instances WHERE term = ? AND col = ? "
                                    "GROUP BY doc ORDER BY doc", (word, field)).fetchall()

    def lengths(self) -> dict[str, list[int]]:
        columns = [f"{field}_length" for field in WEIGHTS]
        with self._lock:
            rows = self._db.execute(f"SELECT id, {', '.join(columns)} FROM doc").fetchall()
        out = {field: [0] * (max((r[0] for r in rows), default=0) + 1) for field in WEIGHTS}
        for number, *counts in rows:
            for field, count in zip(WEIGHTS, counts, strict=True):
                out[field][number] = count
        return out

    def texts(self) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT id, text FROM doc").fetchall()
        out = [""] * (max((r[0] for r in rows), default=0) + 1)
        for number, text in rows:
            out[number] = unpack_literal(text)
        return out

    def vocabulary(self) -> list[str]:
        with self._lock:
            return [term for (term,) in self._db.execute("SELECT term FROM vocabulary")]

    def record(self, doc: int) -> IndexRecord:
        with self._lock:
            (raw,) = self._db.execute("SELECT record FROM doc WHERE id = ?", (doc,)).fetchone()
        return IndexRecord.unpack(raw)
