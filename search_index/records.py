"""What the index knows about one document, the same for every engine: the filter and sort
columns, the display fields of a hit, and the plain text for snippets. Made from the validated
ContentSet (no second parser); its fingerprint tells an incremental build what changed."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from site_builder.models import NormativeDocument, Regulation

from .analyzer import literal
from .doc_numbers import index_key

if TYPE_CHECKING:
    from site_builder.loader import ContentSet, Document

FACETS = ("type", "issuer", "level", "validity", "year")


@dataclass(frozen=True)
class IndexRecord:
    path: str  # content path, unique: the document's identity in every engine
    url: str
    title: str
    text: str  # plain text of summary and body, for snippets and for indexing
    type: str
    date: int  # yyyymmdd: 公布日期 of normative documents, else the document's date
    effective: int = 0  # yyyymmdd 施行日期, 0 when the document has none
    issuer: str = ""  # unit code
    level: str = ""
    validity: str = ""
    unit: str = ""  # unit code (the filter covers its ancestors, from the index's unit list)
    doc_number: str = ""  # as written
    doc_number_key: str = ""
    summary: str = ""

    def fingerprint(self) -> str:
        raw = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(raw).hexdigest()[:24]

    @property
    def year(self) -> str:
        return str(self.date // 10000)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> IndexRecord:
        return cls(**json.loads(raw))


def literal_text(rec: IndexRecord) -> str:
    """Title and text as a phrase is looked for in them (analyzer.literal), one line each."""
    return literal(rec.title) + "\n" + literal(rec.text)


def _yyyymmdd(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def record(content: ContentSet, doc: Document) -> IndexRecord:
    meta = doc.meta
    fields = {
        "path": doc.path, "url": "/" + doc.url, "title": meta.title, "type": doc.kind.value,
        "text": plain_text("\n".join(part for part in (meta.summary, doc.body) if part)),
        "date": _yyyymmdd(doc.date), "summary": meta.summary,
        "unit": doc.unit if doc.unit and doc.unit in content.org else "",
        "validity": doc.validity.value if doc.validity is not None else "",
    }
    if isinstance(meta, NormativeDocument):
        fields.update(issuer=fields["unit"], effective=_yyyymmdd(meta.effective))
        if meta.doc_number:
            fields.update(doc_number=meta.doc_number, doc_number_key=index_key(meta.doc_number))
    if isinstance(meta, Regulation):
        fields["level"] = meta.level
    return IndexRecord(**fields)


def records(content: ContentSet) -> list[IndexRecord]:
    """Every searchable document, in path order (the tie-break order of every ranking)."""
    return [record(content, doc) for _, doc in sorted(content.documents.items())]


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
