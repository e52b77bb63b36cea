"""Turn the words typed in the search box into a Whoosh query.

The public types words, "quoted phrases" and 文号, not query syntax: AND/OR/NOT, wildcards and
field prefixes are taken as plain words, so no input can make the parser fail (no 5xx).
"""

from __future__ import annotations

import re

from whoosh import query as Q

from site_builder.models import normalize_doc_number

from .analyzer import words

TITLE_BOOST = 3.0  # a word in the title says more about the document than one in the body
DOC_NUMBER_BOOST = 20.0  # typing a 文号 means "this document", ahead of documents citing it
_PARTS = re.compile(r'"([^"]*)"?|“([^”]*)”?|(\S+)')
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fffA-Z]{1,12}(\d{4})(\d{0,6})$")


def build_query(text: str) -> tuple[Q.Query | None, list[str]]:
    """The query for `text` (None when there is nothing to search) and the strings to highlight."""
    clauses: list[Q.Query] = []
    highlight: list[str] = []
    for quoted, curly, bare in _PARTS.findall(text):
        phrase = quoted or curly
        if phrase.strip():
            tokens = [w.lower() for w in words(phrase)]
            if len(tokens) > 1:
                clauses.append(Q.Or([Q.Phrase("title", tokens, boost=TITLE_BOOST), Q.Phrase("body", tokens)]))
                highlight.append(re.sub(r"\s+", "", phrase))
                continue
            bare = phrase
        for word in words(bare):
            clauses.append(_anywhere(word.lower()))
            highlight.append(word)
    text_query = Q.And(clauses) if len(clauses) > 1 else (clauses[0] if clauses else None)
    number = _doc_number_query(text)
    if number is not None:
        return (Q.Or([number, text_query]) if text_query else number), highlight
    return text_query, highlight


def _anywhere(word: str) -> Q.Query:
    return Q.Or([Q.Term("title", word, boost=TITLE_BOOST), Q.Term("body", word)])


def _doc_number_query(text: str) -> Q.Query | None:
    """冀办发〔2006〕12号 / 冀办发[2006]12号 / 冀办发2006 12号 → the document with that 文号;
    冀办发〔2006〕 alone → every 冀办发 document of 2006."""
    normal = normalize_doc_number(text.replace('"', "").replace("“", "").replace("”", ""))
    match = _DOC_NUMBER.match(normal)
    if not match:
        return None
    if match.group(2):
        return Q.Term("doc_number", normal, boost=DOC_NUMBER_BOOST)
    return Q.Prefix("doc_number", normal, boost=DOC_NUMBER_BOOST)


def rank_query(q: Q.Query) -> Q.Query:
    """The query used to score hits whose matching was already decided (docsets.py): phrases
    become AND of their words, which ranks the same documents without re-checking positions."""
    if isinstance(q, Q.Phrase):
        return Q.And([Q.Term(q.fieldname, w) for w in q.words], boost=q.boost)
    if isinstance(q, (Q.And, Q.Or)):
        return type(q)([rank_query(sub) for sub in q.subqueries], boost=q.boost)
    return q


def has_phrase(q: Q.Query | None) -> bool:
    return isinstance(q, Q.Phrase) or any(has_phrase(sub) for sub in getattr(q, "subqueries", ()))
