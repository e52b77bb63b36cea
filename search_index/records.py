"""What the index knows about one document, the same for every engine: the filter and sort
columns, the display fields of a hit, and the plain text for snippets. Made from the validated
ContentSet (no second parser). `fingerprint` tells an incremental build what changed; records
and texts are stored zlib-compressed (the body is most of an index's size)."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
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

    @property
    def year(self) -> str:
        return str(self.date // 10000)

    def pack(self) -> bytes:
        return zlib.compress(json.dumps(vars(self), ensure_ascii=False, separators=(",", ":")).encode())

    @classmethod
    def unpack(cls, raw: bytes) -> IndexRecord:
        return cls(**json.loads(zlib.decompress(raw)))


def packed_literal(rec: IndexRecord) -> bytes:
    """Title and text as a phrase is looked for in them (analyzer.literal), one line each."""
    return zlib.compress((literal(rec.title) + "\n" + literal(rec.text)).encode())


def unpack_literal(raw: bytes | None) -> str:
    return zlib.decompress(raw).decode() if raw else ""


def fingerprint(content: ContentSet, doc: Document) -> str:
    """Changes whenever the document's IndexRecord would: its sources and what is derived for it
    (unit, 时效性). Cheaper than making the record (no Markdown stripping)."""
    digest = hashlib.sha256(doc.meta.model_dump_json().encode())
    derived = (doc.path, doc.kind.value, doc.unit or "", bool(doc.unit and doc.unit in content.org),
               doc.validity.value if doc.validity else "")
    digest.update(repr(derived).encode())
    digest.update(doc.body.encode())
    return digest.hexdigest()[:24]


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


def fingerprints(content: ContentSet) -> dict[str, str]:
    """Every searchable document's fingerprint, by content path, in path order."""
    return {path: fingerprint(content, doc) for path, doc in sorted(content.documents.items())}


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
