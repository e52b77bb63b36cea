"""Per-process cache of what an immutable index says about a word (its documents and scores),
bounded by the number of postings kept, least recently used first out."""

from __future__ import annotations

from collections import OrderedDict

# Postings kept: 12 bytes each (document number, score) and 4 more once a word's ranking is
# made, so at most about 130 MB; at 20,000 documents the whole index fits (docs/performance.md).
BUDGET = 8_000_000


class WordCache:
    def __init__(self, budget: int = BUDGET):
        self.budget = budget
        self._entries: OrderedDict[str, tuple] = OrderedDict()  # word → (value, size)
        self._size = 0

    def get(self, word: str):
        found = self._entries.get(word)
        if found is None:
            return None
        self._entries.move_to_end(word)
        return found[0]

    def put(self, word: str, value, size: int) -> None:
        if size > self.budget or word in self._entries:
            return
        self._entries[word] = (value, size)
        self._size += size
        while self._size > self.budget:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._size -= dropped

    def __len__(self) -> int:
        return len(self._entries)
