"""The index schema and how one validated Document becomes one index record.

Filters and facets are cheap columns: ID for exact values, year as an ID, the date as a sortable
NUMERIC (yyyymmdd) — never DATETIME, whose ranges were ~480 ms at 20,000 documents here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from site_builder.models import NormativeDocument, Regulation, normalize_doc_number

from .analyzer import ChineseAnalyzer

if TYPE_CHECKING:
    from site_builder.loader import ContentSet, Document

FACETS = ("type", "issuer", "level", "validity", "year")


def make_schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        path=ID(stored=True, unique=True),
        url=STORED(),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True),
        body=TEXT(analyzer=analyzer, stored=True, phrase=True),  # stored plain text: snippets
        doc_number=ID(),  # normalised: 冀办发200612
        type=ID(stored=True, sortable=True),
        issuer=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        validity=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        # the unit and all its ancestors, so "石家庄市 and below" is one term
        unit=KEYWORD(stored=False, scorable=False),
        date=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        meta=STORED(),  # display-only fields (文号 as written, dates, unit code, summary)
    )


def record(content: ContentSet, doc: Document) -> dict:
    """The index fields of one document; empty values are left out (no facet bucket for "")."""
    meta = doc.meta
    fields = {
        "path": doc.path,
        "url": "/" + doc.url,
        "title": meta.title,
        "body": plain_text("\n".join(part for part in (meta.summary, doc.body) if part)),
        "type": doc.kind.value,
        "year": str(doc.date.year),
        "date": int(doc.date.strftime("%Y%m%d")),
        "meta": {"summary": meta.summary, "unit": doc.unit, "date": doc.date.isoformat()},
    }
    if doc.unit and doc.unit in content.org:
        fields["unit"] = " ".join(content.org.path(doc.unit))
    if isinstance(meta, NormativeDocument):
        fields["issuer"] = doc.unit
        fields["meta"].update(published=meta.published.isoformat(), effective=meta.effective.isoformat(),
                              category=meta.category, doc_number=meta.doc_number)
        if meta.doc_number:
            fields["doc_number"] = normalize_doc_number(meta.doc_number)
    if isinstance(meta, Regulation):
        fields["level"] = meta.level
    if doc.validity is not None:
        fields["validity"] = doc.validity.value
    return {k: v for k, v in fields.items() if v not in (None, "")}


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"^\s{0,3}(#{1,6}|[-*+]|\d+\.|>)\s+|[*_`|]{1,3}|\{[:#.][^}]*\}", re.M)


def plain_text(markdown: str) -> str:
    """Readable text for snippets: the Markdown markup removed, the words kept."""
    text = _COMMENT.sub("", markdown)
    text = _LINK.sub(r"\1", _TAG.sub("", text))
    text = _MARKUP.sub("", text)
    return re.sub(r"\n{2,}", "\n", text).strip()
