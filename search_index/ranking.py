"""Matching and ranking, the same for every backend: field weights, BM25 parameters, the per-process
cache of what the index says about each word, and the one tie-break order (content path), so
that equal scores come out the same way from any engine and any build.

A backend says which documents hold a word, with their scores (`postings`), and gives the text
phrases are looked for in (`texts`); query.py says what matches. The index is immutable, so a
word's documents and scores are read once per process and kept as compact arrays (WordCache);
a query intersects them and adds them up.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from array import array
from bisect import bisect_left
from typing import Protocol

from .cache import WordCache
from .phrases import Texts
from .query import Clause, TextQuery

# How much a match in each field says about the document. `parts` are words found inside or
# across words (analyzer.py): weaker evidence than the same word standing on its own.
WEIGHTS = {"title": 3.0, "body": 1.0, "title_parts": 1.5, "body_parts": 0.5}
B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults


MAX_EXPANSIONS = 20  # indexed words (the shortest) that score one unknown word
_HAN_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")


class Postings(Protocol):
    def frequencies(self, field: str, word: str) -> list[tuple[int, int]]:
        """(document number, times) of every live document holding `word` in `field`."""

    def lengths(self) -> dict[str, list[int]]:
        """Words in each text field of every document, by document number."""

    def texts(self) -> list[str]:
        """Every document's title and text as phrases are looked for in them (records.py), by
        document number ("" for none)."""

    def vocabulary(self) -> list[str]:
        """Every word the index holds, in any text field."""


class Matcher:
    def __init__(self, backend: Postings, order: list[int], live):
        self._backend = backend
        self._order = order  # rank of each document's content path
        self._count = max(1, len(live))
        self._lengths = backend.lengths()
        self._average = {field: max(1, sum(column[d] for d in live)) / self._count
                         for field, column in self._lengths.items()}
        self._cache = WordCache()
        self._lock = threading.Lock()
        self._vocabulary: list[str] | None = None
        self._text: Texts | None = None  # read at the first phrase
        self._expansions: dict[str, list[str]] = {}

    def _entry(self, word: str) -> list:
        """[numbers, scores, ranking or None] of `word` (the ranking is made when first asked)."""
        with self._lock:
            found = self._cache.get(word)
        if found is None:
            ids, scores = self._postings(word)
            found = [ids, scores, None]
            with self._lock:
                self._cache.put(word, found, len(ids))
        return found

    def _postings(self, word: str) -> tuple[array, array]:
        """Documents holding `word` in any text field, ascending, with their BM25F scores: per
        field Whoosh's BM25 (its idf, B and K1) times the field's weight, added up in WEIGHTS
        order. Computed from live documents only, so an updated index scores as a fresh one."""
        scores: dict[int, float] = {}
        for field, weight in WEIGHTS.items():
            found = self._backend.frequencies(field, word)
            if not found:
                continue
            idf = math.log(self._count / (len(found) + 1)) + 1
            lengths, norm, slope = self._lengths[field], K1 * (1 - B), K1 * B / self._average[field]
            for doc, tf in found:
                gain = weight * idf * tf * (K1 + 1) / (tf + norm + slope * lengths[doc])
                scores[doc] = scores.get(doc, 0.0) + gain
        ids = sorted(scores)
        return array("i", ids), array("d", map(scores.__getitem__, ids))

    def match(self, clauses: tuple[Clause, ...]) -> set[int]:
        """Documents matching every clause: words from the cache, then phrases and unknown words
        looked for in the text of the documents the words left (phrases.py)."""
        words = {w for c in clauses if not c.literal for w in c.words}
        # a phrase's Han words of two or more characters are always indexed where the phrase stands
        words |= {w for c in clauses if c.literal and not c.unknown for w in c.words if _HAN_WORD.fullmatch(w)}
        found = self._all(words) if words else None
        for clause in clauses:
            if clause.literal and (found is None or found):
                found = self._texts().containing(clause.literal, found)
        return found or set()

    def _all(self, words) -> set[int]:
        lists = sorted((self._entry(w)[0] for w in words), key=len)
        found = set(lists[0])
        for other in lists[1:]:
            if not found:
                break
            found.intersection_update(other)
        return found

    def _texts(self) -> Texts:
        with self._lock:
            if self._text is None:
                self._text = Texts(self._backend.texts())
            return self._text

    def expansions(self, text: str) -> list[str]:
        """Indexed words containing `text`, shortest first (at most MAX_EXPANSIONS)."""
        with self._lock:
            if text not in self._expansions:
                if self._vocabulary is None:
                    self._vocabulary = self._backend.vocabulary()
                found = sorted((w for w in self._vocabulary if text in w), key=lambda w: (len(w), w))
                if len(self._expansions) > 1000:
                    self._expansions.clear()
                self._expansions[text] = found[:MAX_EXPANSIONS]
            return self._expansions[text]

    def scoring_words(self, query: TextQuery) -> list[str]:
        """The words whose scores rank a match: an unknown word's expansions stand in for it."""
        out: list[str] = []
        for clause in query.clauses:
            out += self.expansions(clause.literal) if clause.unknown else clause.words
        return list(dict.fromkeys(out))

    def top(self, query: TextQuery, among: set[int], k: int) -> list[int]:
        """The `k` best of `among` by the summed scores of the query's words."""
        words = self.scoring_words(query)
        if k <= 0 or not words:
            return []
        if len(words) == 1:  # one word: walk its ranking, kept with its postings
            out = []
            for doc in self._ranking(words[0]):
                if len(out) >= k:
                    return out
                if doc in among:
                    out.append(doc)
            # every scored match is in: the rest (an unknown word found only in the text) score 0
            rest = among.difference(out)
            return out + heapq.nsmallest(k - len(out), rest, key=self._order.__getitem__)
        return ranked([self._scores(word, among) for word in words], among, k, self._order)

    def _scores(self, word: str, among: set[int]) -> dict[int, float]:
        ids, scores, _ = self._entry(word)
        if len(among) * 16 >= len(ids):
            return dict(zip(ids, scores, strict=True))
        out = {}
        for doc in among:
            i = bisect_left(ids, doc)
            if i < len(ids) and ids[i] == doc:
                out[doc] = scores[i]
        return out

    def _ranking(self, word: str) -> array:
        entry = self._entry(word)
        if entry[2] is None:
            ids, scores, _ = entry
            order = self._order
            entry[2] = array("i", (ids[i] for i in sorted(range(len(ids)), key=lambda i: (-scores[i], order[ids[i]]))))
        return entry[2]


def ranked(tables: list[dict[int, float]], among, k: int, order: list[int]) -> list[int]:
    """The `k` documents of `among` with the highest summed score, ties by content path. (Tuples
    compared by heapq in C: a key function per document was most of a two-word query's time.)"""
    gets = [table.get for table in tables]
    if len(gets) == 1:
        (a,) = gets
        items = [(-a(d, 0.0), order[d], d) for d in among]
    elif len(gets) == 2:
        a, b = gets
        items = [(-(a(d, 0.0) + b(d, 0.0)), order[d], d) for d in among]
    elif len(gets) == 3:
        a, b, c = gets
        items = [(-(a(d, 0.0) + b(d, 0.0) + c(d, 0.0)), order[d], d) for d in among]
    else:
        total = dict.fromkeys(among, 0.0)
        for table in tables:
            for d in total:
                total[d] += table.get(d, 0.0)
        items = [(-score, order[d], d) for d, score in total.items()]
    return [d for _, _, d in heapq.nsmallest(k, items)]
