"""Phrases and unknown words are looked for in the text itself: every document's title and text,
normalised as `analyzer.literal` (NFKC, lowercase, no spaces), joined into one string with a
separator no query contains. A rare phrase is one C-speed scan of that string; a phrase whose
words already narrowed the documents down is checked in those documents' stretches only."""

from __future__ import annotations

from array import array
from bisect import bisect_right

SEPARATOR = "\x00"  # never in a query: control characters are refused (request.py)


class Texts:
    def __init__(self, texts: list[str]):  # index: the backend's document number ("" if none)
        starts, at = [], 0
        for text in texts:
            starts.append(at)
            at += len(text) + 1
        starts.append(at)
        self._joined = SEPARATOR.join(texts) + SEPARATOR
        self._starts = array("q", starts)

    def containing(self, needle: str, among: set[int] | None = None) -> set[int]:
        """Documents (of `among`, if given) whose text contains `needle`."""
        joined, starts = self._joined, self._starts
        if not needle:
            return set()
        if among is not None and len(among) * 8 < len(starts):
            return {d for d in among if d < len(starts) - 1 and joined.find(needle, starts[d], starts[d + 1]) >= 0}
        found: set[int] = set()
        at = joined.find(needle)
        while at >= 0:
            doc = bisect_right(starts, at) - 1
            found.add(doc)
            at = joined.find(needle, starts[doc + 1])
        return found if among is None else found & among
