"""Which SQLite opens the FTS5 index: Python's own when it has FTS5, sqlean.py's where it does not (Lambda's
python3.11 runtime links SQLite 3.7.17), and a 503 in Chinese where neither has it."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from search_index import sqlite_driver
from search_index.errors import SearchUnavailable


@pytest.fixture(autouse=True)
def fresh_choice():
    sqlite_driver.driver.cache_clear()
    yield
    sqlite_driver.driver.cache_clear()


def test_the_standard_library_is_used_when_its_sqlite_has_fts5():
    assert sqlite_driver.has_fts5(sqlite3)  # this machine's; the case below covers the other kind
    assert sqlite_driver.driver() is sqlite3


def test_without_fts5_in_the_standard_library_sqlean_is_used(monkeypatch):
    real = sqlite_driver.has_fts5
    monkeypatch.setattr(sqlite_driver, "has_fts5", lambda module: module is not sqlite3 and real(module))
    chosen = sqlite_driver.driver()
    assert chosen.__name__ == "sqlean" and real(chosen)


def test_without_fts5_anywhere_search_is_unavailable_with_a_chinese_reason(monkeypatch):
    monkeypatch.setattr(sqlite_driver, "has_fts5", lambda module: False)
    with pytest.raises(SearchUnavailable, match="不支持 FTS5 全文检索"):
        sqlite_driver.driver()
    monkeypatch.setitem(sys.modules, "sqlean", None)  # not installed at all: the same answer
    sqlite_driver.driver.cache_clear()
    with pytest.raises(SearchUnavailable, match="也未安装 sqlean.py"):
        sqlite_driver.driver()


def test_a_module_that_cannot_open_a_database_counts_as_without_fts5():
    class Broken:
        Error = Exception

        @staticmethod
        def connect(_):
            raise OSError("no")

    assert not sqlite_driver.has_fts5(Broken)  # type: ignore[arg-type]
