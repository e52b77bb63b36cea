"""Which SQLite the FTS5 backend uses: Python's own sqlite3 when it has FTS5, else the SQLite that
sqlean.py ships (the same DB-API module, a current SQLite with FTS5 compiled in).

Why: the index is written where `portal build` runs (a current SQLite) and read where the search
function runs. Lambda's python3.11 runtime (Amazon Linux 2) links SQLite 3.7.17, which predates FTS5
(3.9), so there the standard module could not open the index. The file format is the same for both.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from types import ModuleType

from .errors import SearchUnavailable


def has_fts5(module: ModuleType) -> bool:
    try:
        db = module.connect(":memory:")
    except Exception:  # noqa: BLE001 - a module that cannot even open a memory database has no FTS5
        return False
    try:
        db.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        return True
    except module.Error:
        return False
    finally:
        db.close()


@cache
def driver() -> ModuleType:
    """The sqlite3-compatible module to open FTS5 indexes with (chosen once per process)."""
    if has_fts5(sqlite3):
        return sqlite3
    try:
        import sqlean  # type: ignore[import-untyped]
    except ImportError:
        sqlean = None
    if sqlean is not None and has_fts5(sqlean):
        return sqlean
    raise SearchUnavailable(f"本机的 SQLite {sqlite3.sqlite_version} 不支持 FTS5 全文检索，也未安装 sqlean.py")
