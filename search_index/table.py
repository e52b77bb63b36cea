"""The filter and sort columns of every document, in memory, the same for every engine.

The index is immutable, so the columns are read once when an engine opens (from Whoosh's column
files or the SQLite `doc` table) and every filter value gets its set of documents. Filters,
facet counts, the date range and the date orders are Python set and column operations here;
an engine only answers which documents match the words and how they rank.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable

from .records import FACETS

ROW = ("path", "type", "issuer", "level", "validity", "unit", "date", "effective")


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
        self.columns = {name: [None] * size for name in (*ROW, "year")}
        for doc, *values in rows:
            for name, value in zip(ROW, values):
                self.columns[name][doc] = value or ("" if name not in ("date", "effective") else 0)
            self.columns["year"][doc] = str(self.columns["date"][doc] // 10000)
        self.everything = frozenset(row[0] for row in rows)
        by_path = sorted(self.everything, key=self.columns["path"].__getitem__)
        self.order = [0] * size  # rank of the content path: the tie-break of every ordering
        for rank, doc in enumerate(by_path):
            self.order[doc] = rank
        self._sets: dict[str, dict[str, set[int]]] = {name: {} for name in FACETS}
        self._subtree: dict[str, set[int]] = {}
        for doc in self.everything:
            for name in FACETS:
                if value := self.columns[name][doc]:
                    self._sets[name].setdefault(value, set()).add(doc)
            unit = self.columns["unit"][doc]
            while unit:
                self._subtree.setdefault(unit, set()).add(doc)
                unit = parents.get(unit)

    def with_values(self, name: str, values: Iterable[str]) -> set[int]:
        """Documents whose `name` is any of `values` (a unit: the unit or anything below it)."""
        source = self._subtree if name == "unit" else self._sets[name]
        out: set[int] = set()
        for value in values:
            out |= source.get(value, set())
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
