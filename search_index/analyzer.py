"""The Chinese analyzer: rjieba segmentation with the portal's user dictionary, used at index time
AND at query time (one module, one segmenter instance per process).

Token positions are word ordinals (not character offsets), so Whoosh phrase queries line up.
At index time every dictionary word inside a longer word is emitted at that word's position, so
信息 finds 个人信息保护. jieba's cut_for_search only looks at 2- and 3-character pieces and would
miss 个人信息 inside the user-dictionary term 个人信息保护; full mode (cut_all) finds them all.
HMM new-word discovery is off: it makes segmentation depend on context, so a phrase typed in the
search box could be cut differently from the same text inside a document.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

USERDICT = Path(__file__).with_name("userdict.txt")


@lru_cache(maxsize=1)
def segmenter():
    """One rjieba instance with the user dictionary, loaded once per process (about 0.3 s)."""
    import rjieba

    jieba = rjieba.Jieba()
    for line in USERDICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            jieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
    return jieba


def words(text: str) -> list[str]:
    """The coarse words of `text` in order (punctuation dropped): what a phrase query matches."""
    return [w for w in segmenter().cut(text, False) if w.isalnum()]


@lru_cache(maxsize=200_000)
def _subwords(word: str) -> tuple[tuple[str, int], ...]:
    """Every dictionary word inside `word` (not `word` itself) with its offset; cached because
    the same words recur across a corpus."""
    out, at = [], 0
    for piece in segmenter().cut_all(word):  # ordered by where each piece starts
        at = word.find(piece, at)
        if len(piece) > 1 and piece != word:
            out.append((piece.lower(), at))
    return tuple(out)


class ChineseTokenizer(Tokenizer):
    """Lowercases Latin letters itself (文号 like ABC〔2020〕1号): one generator, not a filter chain,
    because indexing time is dominated by per-token Python overhead."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        jieba = segmenter()
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        subwords = mode == "index"  # queries are cut coarsely, so a phrase stays a phrase
        for ordinal, (word, start, end) in enumerate(jieba.tokenize(value, "default", False)):
            if not word.isalnum():
                continue  # punctuation and spaces: not tokens, but they still take a position
            pieces = [(word.lower(), start, end)]
            if subwords and len(word) > 2:
                pieces += [(piece, start + at, start + at + len(piece)) for piece, at in _subwords(word)]
            for text, s, e in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = start_pos + ordinal
                if chars:
                    token.startchar, token.endchar = start_char + s, start_char + e
                yield token


def ChineseAnalyzer():
    return ChineseTokenizer()

