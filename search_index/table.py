"""The filter and sort columns of every document, in memory, the same for every engine.

The index is immutable, so the columns are read once when an engine opens (from Whoosh's column
files or the SQLite `doc` table) and every filter value gets its set of documents. Filters,
facet counts, the date range and the date orders are Python set and column operations here;
an engine only answers which documents match the words and how they rank.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable

ROW = ("path", "type", "issuer", "level", "validity", "unit", "date", "effective", "doc_number")


def intersect(sets: Iterable) -> set[int] | frozenset[int]:
    """The documents in every one of `sets` (any sized containers), smallest first."""
    ordered = sorted(sets, key=len)
    if len(ordered) == 1:
        return ordered[0] if isinstance(ordered[0], (set, frozenset)) else set(ordered[0])
    out = set(ordered[0])
    for other in ordered[1:]:
        if not out:
            break
        out = out & other if isinstance(other, (set, frozenset)) else {d for d in out if d in other}
    return out


class DocTable:
    def __init__(self, rows: Iterable[tuple], parents: dict[str, str | None]):
        rows = list(rows)
        size = max((row[0] for row in rows), default=-1) + 1
        docs = [row[0] for row in rows]
        self.columns: dict[str, list] = {}
        for at, name in enumerate(ROW, 1):
            column, empty = [None] * size, 0 if name in ("date", "effective") else ""
            for doc, row in zip(docs, rows, strict=True):
                column[doc] = row[at] or empty
            self.columns[name] = column
        date = self.columns["date"]
        self.columns["year"] = [str(d // 10000) if d is not None else None for d in date]
        self.everything = frozenset(docs)
        self.order = [0] * size  # rank of the content path: the tie-break of every ordering
        for rank, doc in enumerate(sorted(docs, key=self.columns["path"].__getitem__)):
            self.order[doc] = rank
        self._parents = parents
        self._by: dict[str, dict[str, set[int]]] = {}
        self._sorted_numbers: list[str] | None = None

    def _groups(self, name: str) -> dict[str, set[int]]:
        """Documents by value of one column, made when first asked (opening stays fast)."""
        found = self._by.get(name)
        if found is None:
            found = {}
            column = self.columns[name]
            for doc in self.everything:
                if value := column[doc]:
                    found.setdefault(value, set()).add(doc)
            if name == "unit":  # a unit's group holds its whole subtree
                for unit, direct in [(u, frozenset(d)) for u, d in found.items()]:
                    parent = self._parents.get(unit)
                    while parent:
                        found.setdefault(parent, set()).update(direct)
                        parent = self._parents.get(parent)
            self._by[name] = found
        return found

    def with_values(self, name: str, values: Iterable[str]) -> set[int]:
        """Documents whose `name` is any of `values` (a unit: the unit or anything below it)."""
        source = self._groups(name)
        out: set[int] = set()
        for value in values:
            out |= source.get(value, set())
        return out

    def with_doc_number(self, key: str, complete: bool) -> set[int]:
        """Documents whose 文号 key is `key`, or (not complete: organ and year) starts with it."""
        numbers = self._groups("doc_number")
        if complete:
            return set(numbers.get(key, ()))
        if self._sorted_numbers is None:
            self._sorted_numbers = sorted(numbers)
        keys = self._sorted_numbers
        out: set[int] = set()
        for at in range(bisect_left(keys, key), len(keys)):
            if not keys[at].startswith(key):
                break
            out |= numbers[keys[at]]
        return out

    def within(self, docs, low: int, high: int) -> set[int]:
        date = self.columns["date"]
        return {d for d in docs if low <= date[d] <= high}

    def counts(self, name: str, docs) -> Counter:
        column = self.columns[name]
        counts = Counter(map(column.__getitem__, docs))
        counts.pop("", None)
        return counts

    def newest(self, docs, k: int, by: str = "date") -> list[int]:
        """The `k` newest of `docs` by 公布日期 (`date`) or 施行日期 (`effective`; documents without
        one last, by date); equal dates by content path."""
        date, order = self.columns["date"], self.order
        if by == "effective":
            effective = self.columns["effective"]
            return heapq.nsmallest(k, docs, key=lambda d: (-effective[d], -date[d], order[d]))
        return heapq.nsmallest(k, docs, key=lambda d: (-date[d], order[d]))
