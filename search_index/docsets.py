"""Which documents match, as Python sets, without scoring.

Whoosh's matchers walk postings one document at a time in Python; for totals, facet counts and
filters we only need the set of document numbers, which can be read a posting block at a time
and combined with C-speed set operations. Scoring (Whoosh) then runs only for the top hits.
Relies on the W3 codec's block reader (`_read_ids`, `_next_block`): whoosh-reloaded is pinned and
frozen upstream, so this is vendored behaviour; anything unexpected falls back to `all_ids()`.
"""

from __future__ import annotations

from whoosh import query as Q


class DocSets:
    def __init__(self, searcher, size: int):
        self._searcher = searcher
        self._reader = searcher.reader()
        self.everything = frozenset(range(size))

    def term(self, field: str, text) -> set[int]:
        if (field, text) not in self._reader:
            return set()
        matcher = self._reader.postings(field, text)
        if not hasattr(matcher, "_read_ids"):
            return set(matcher.all_ids())
        ids: list[int] = []
        while matcher.is_active():
            matcher._read_ids()
            ids.extend(matcher._ids[matcher._i:])
            matcher._next_block()
        return set(ids)

    def of(self, q: Q.Query) -> set[int] | frozenset[int]:
        if isinstance(q, Q.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, Q.And):
            sets = sorted((self.of(sub) for sub in q.subqueries), key=len)  # smallest first
            out = set(sets[0]) if sets else set()
            for other in sets[1:]:
                out &= other
                if not out:
                    break
            return out
        if isinstance(q, Q.Or):
            out: set[int] = set()
            for sub in q.subqueries:
                out |= self.of(sub)
            return out
        if isinstance(q, Q.Prefix):
            out = set()
            for text in self._reader.expand_prefix(q.fieldname, q.text):
                out |= self.term(q.fieldname, text)
            return out
        if isinstance(q, Q.Every):
            return self.everything
        if q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
            return set()
        if isinstance(q, Q.Phrase) and q.slop == 1:
            return self.phrase(q.fieldname, q.words)
        return set(q.docs(self._searcher))

    def phrase(self, field: str, words: list[str]) -> set[int]:
        """Documents where `words` stand at consecutive word positions. Positions are decoded
        only for documents holding every word. (Whoosh's own phrase matcher builds a span object
        per position and was about 3x slower here; a word-pair field was faster still for phrases
        of very common words but cut indexing speed 3x: see docs/performance.md.)"""
        candidates = self.of(Q.And([Q.Term(field, w) for w in words]))
        if not candidates or len(words) == 1:
            return set(candidates)
        maps = [self.positions(field, w, candidates) for w in sorted(set(words), key=words.index)]
        at = {w: maps[i] for i, w in enumerate(sorted(set(words), key=words.index))}
        found = set()
        for doc in candidates:
            starts = set(at[words[0]][doc])
            for offset in range(1, len(words)):
                starts.intersection_update(p - offset for p in at[words[offset]][doc])
                if not starts:
                    break
            if starts:
                found.add(doc)
        return found

    def positions(self, field: str, text: str, among: set[int]) -> dict[int, list[int]]:
        """Word positions of `text` in each document of `among` (decoded only for those)."""
        decode = self._searcher.schema[field].format.decode_positions
        matcher = self._reader.postings(field, text)
        out: dict[int, list[int]] = {}
        if not hasattr(matcher, "_read_ids"):
            while matcher.is_active():
                if matcher.id() in among:
                    out[matcher.id()] = decode(matcher.value())
                matcher.next()
            return out
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_values()
            for i in range(matcher._i, len(matcher._ids)):
                if matcher._ids[i] in among:
                    out[matcher._ids[i]] = decode(matcher._values[i])
            matcher._next_block()
        return out
