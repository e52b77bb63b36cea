"""Turn the words typed in the search box into a TextQuery that every engine answers the same way.

The public types words, "quoted phrases" and 文号, not query syntax: AND/OR/NOT, wildcards and
field prefixes are taken as plain words, so no input can make a parser fail (no 5xx).

What matches (the contract both engines are tested against):
- a word matches a document whose title or text holds it as a word, or holds it inside or across
  words (`parts`, see analyzer.py);
- a phrase (two or more words in quotes) matches where exactly its text stands in the title or
  in the text (spaces ignored, full-width characters as half-width, any case): "数据安全管理"
  finds 数据安全管理工作 but not 数据安全，完善管理;
- a word the dictionary does not know comes out of the segmenter as single characters (驻村 →
  驻|村); such a run, or a single character typed alone, matches like a phrase, wherever its
  characters stand together (single characters are not indexed words);
- all words and phrases must match; a query shaped like a 文号 also finds the document with that
  文号 (ORed with the words), and organ + year alone (冀办发〔2006〕) lists that year's 文号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analyzer import Analyzer, literal
from .doc_numbers import doc_number_key

_PARTS = re.compile(r'"([^"]*)"?|“([^”]*)”?|(\S+)')
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]  # one word, or a phrase of several
    literal: str = ""  # a phrase or unknown word: the text to find (analyzer.literal)
    unknown: bool = False  # single characters standing for a word the dictionary lacks


@dataclass(frozen=True)
class TextQuery:
    clauses: tuple[Clause, ...] = ()  # every clause must match
    doc_number: tuple[str, bool] | None = None  # (key, complete) from doc_numbers.doc_number_key
    highlight: tuple[str, ...] = ()  # what to mark in titles and snippets

    @property
    def words(self) -> list[str]:
        """Every word of every clause, once, in order."""
        return list(dict.fromkeys(w for clause in self.clauses for w in clause.words))


def _bare(tokens: list[str]) -> list[Clause]:
    """Words, with runs of single Han characters kept together as unknown words."""
    out: list[Clause] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and _HAN.match(token):
            run.append(token)
            continue
        if run:
            out.append(Clause(tuple(run), "".join(run), unknown=True))
        run = []
        if token:
            out.append(Clause((token,)))
    return out


def parse_text(text: str, analyzer: Analyzer) -> TextQuery:
    clauses: list[Clause] = []
    highlight: list[str] = []
    for quoted, curly, bare in _PARTS.findall(text):
        phrase = quoted or curly
        if phrase.strip():
            tokens = tuple(analyzer.words(phrase))
            if len(tokens) > 1:
                clauses.append(Clause(tokens, literal(phrase)))
                highlight.append(re.sub(r"\s+", "", phrase))
                continue
            bare = phrase
        for clause in _bare(analyzer.words(bare)):
            clauses.append(clause)
            highlight.append(clause.literal or clause.words[0])
    return TextQuery(tuple(dict.fromkeys(clauses)), doc_number_key(text), tuple(highlight))
