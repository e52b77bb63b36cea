"""A document's versions: every document linked to it through `amends`/`repeals`, directly or through
others, in the order they took effect — the same chain on every version's page."""

from __future__ import annotations

from .content import ContentSet, Document
from .models import NormativeDocument, Validity

SUPERSEDED = (Validity.amended, Validity.repealed)


def version_chain(content: ContentSet, doc: Document) -> list[Document]:
    """All predecessors and successors of `doc` and `doc` itself, oldest first (by 施行日期, then
    公布日期); a document on its own is a chain of one."""
    seen, todo = {doc.path: doc}, [doc]
    while todo:
        current = todo.pop()
        for path in _neighbours(current):
            other = content.documents.get(path.lstrip("/"))
            if other is not None and other.path not in seen:
                seen[other.path] = other
                todo.append(other)
    return sorted(seen.values(), key=lambda d: (d.meta.effective, d.meta.published, d.path))


def _neighbours(doc: Document) -> list[str]:
    meta = doc.meta
    if not isinstance(meta, NormativeDocument):
        return []
    return [*meta.amends, *meta.repeals, *doc.amended_by, *doc.repealed_by]


def current_version(chain: list[Document]) -> Document | None:
    """The version in force (有效): the latest to take effect if, oddly, there are several."""
    effective = [d for d in chain if d.validity is Validity.effective]
    return effective[-1] if effective else None


def relation(doc: Document, chain: list[Document]) -> str:
    """How `doc` relates to the earlier versions of its chain: 修改《…》, 废止《…》 or ""."""
    meta = doc.meta
    titles = {d.path: d.meta.title for d in chain}
    parts = []
    for verb, paths in (("修改", meta.amends), ("废止", meta.repeals)):
        named = [f"《{titles[p.lstrip('/')]}》" for p in paths if p.lstrip("/") in titles]
        if named:
            parts.append(verb + "、".join(named))
    return "；".join(parts)
