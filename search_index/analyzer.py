"""The Chinese analyzer: rjieba segmentation with the portal's user dictionary (plus the names of
the organisation network, see `org_words`), the same at index time and at query time.

Text is NFKC-normalised first (full-width digits and letters are the ordinary ones). A text is
indexed as two token strings (words separated by spaces), which both engines store as they are:
- `words`: the coarse words, lowercased;
- `parts`: every other dictionary word in the text (rjieba full mode), inside a word or across
  two: 个人信息 inside 个人信息保护, 党务公开 in 党务公开栏 (cut 党务|公开栏).
A query word matches `words` or `parts`; phrases are looked for in the text itself (`literal`).
HMM new-word discovery is off: it makes cuts depend on context, so a word typed in the search
box could be cut differently from the same text inside a document.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

USERDICT = Path(__file__).with_name("userdict.txt")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_UNIT_SUFFIXES = ("自治县", "新区", "街道", "省", "市", "县", "区", "镇", "乡")


@dataclass(frozen=True)
class Analysed:
    words: str
    parts: str


class Analyzer:
    """One rjieba instance (about 0.1 s and 25 MB) with the user dictionary and `extra` words."""

    def __init__(self, extra: tuple[str, ...] = ()):
        import rjieba

        self.extra = extra
        self._jieba = rjieba.Jieba()
        for line in USERDICT.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts and not parts[0].startswith("#"):
                self._jieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
        for word in extra:
            self._jieba.add_word(word, None, None)

    @property
    def fingerprint(self) -> str:
        """Changes whenever segmentation could change: the dictionary file or the extra words."""
        digest = hashlib.sha256(USERDICT.read_bytes())
        digest.update("\n".join(self.extra).encode())
        return digest.hexdigest()[:16]

    def words(self, text: str) -> list[str]:
        """The coarse words of `text` in order, lowercased, punctuation dropped: a query."""
        return [w.lower() for w in self._jieba.cut(unicodedata.normalize("NFKC", text), False) if w.isalnum()]

    def analyse(self, text: str) -> Analysed:
        text = unicodedata.normalize("NFKC", text)  # full-width letters and digits as typed
        words = self.words(text)
        # Full mode lists every dictionary word at every place; the coarse words are among them,
        # once per place, so what is left after taking them away is what lies inside or across.
        parts = Counter(p for p in self._jieba.cut_all(text) if len(p) > 1 and _HAN.fullmatch(p))
        parts -= Counter(w for w in words if len(w) > 1 and _HAN.fullmatch(w))
        return Analysed(" ".join(words), " ".join(parts.elements()))


@lru_cache(maxsize=4)
def analyzer(extra: tuple[str, ...] = ()) -> Analyzer:
    """The analyzer for a dictionary; one instance per distinct word list per process."""
    return Analyzer(extra)


def words(text: str) -> list[str]:
    """Coarse words with the portal's user dictionary only (for callers outside search)."""
    return analyzer().words(text)


def lengths(title: Analysed, text: Analysed) -> dict[str, int]:
    """Words in each text field (ranking.WEIGHTS' fields), for BM25's length normalisation."""
    count = lambda tokens: len(tokens.split())  # noqa: E731
    return {"title": count(title.words), "body": count(text.words),
            "title_parts": count(title.parts), "body_parts": count(text.parts)}


def literal(text: str) -> str:
    """Text as a phrase is looked for in it: NFKC, lowercased, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def org_words(units) -> tuple[str, ...]:
    """Place and body names from the organisation network, and their short forms (雄安 for
    雄安新区, 正定 for 正定县), so that a reader typing a short name finds every mention."""
    found: set[str] = set()
    for unit in units:
        found.update((unit.name, unit.organ))
        for suffix in _UNIT_SUFFIXES:
            if unit.name.endswith(suffix) and len(unit.name) - len(suffix) >= 2:
                found.add(unit.name[: -len(suffix)])
                break
    return tuple(sorted(w for w in found if _HAN.fullmatch(w)))


def segmenter():
    """The rjieba instance of the default analyzer (user dictionary loaded), for callers that need
    more than words, e.g. part-of-speech tags for the staff's hot topics. Read-only."""
    return analyzer()._jieba
