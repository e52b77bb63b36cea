"""The committees' databases: 代表大会 (congresses) and 调研成果 (research reports).

Their listings (a section index with facets by unit and year, research also by topic), the links a
unit's page gives to them, and the block above each one's own page: a congress's sessions,
delegates and documents; a research report's unit, topic and the rules it informs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..database_checks import linked_documents
from ..loader import ContentSet, Document
from ..models import CONGRESS_DOCUMENT_TYPES, Congress, Kind, Research
from .common import DocumentItems, Page, cn_date, esc, facet_pages, link, section_index, validity_badge

CONGRESSES, RESEARCH = "congresses", "research"


def database_pages(content: ContentSet, items: DocumentItems) -> Iterator[Page]:
    yield from _congress_pages(content, items)
    yield from _research_pages(content, items)


def _by_unit(content: ContentSet, items: DocumentItems, docs: list[Document], base: str, what: str, count: str):
    return facet_pages(items, docs, f"{base}/unit", lambda d: d.unit, lambda code: content.org[code].name,
                       lambda v: f"{v}的{what}", order=list(content.org.units), count=count)


def _by_year(items: DocumentItems, docs: list[Document], base: str, what: str, verb: str, count: str):
    return facet_pages(items, docs, f"{base}/year", lambda d: d.date.year, lambda y: f"{y}年",
                       lambda v: f"{v}{verb}的{what}", count=count)


def _congress_pages(content: ContentSet, items: DocumentItems) -> Iterator[Page]:
    docs = content.of_kind(Kind.congress)
    sections = [("按单位", *_by_unit(content, items, docs, CONGRESSES, "代表大会", "次")),
                ("按召开年份", *_by_year(items, docs, CONGRESSES, "代表大会", "召开", "次"))]
    yield section_index(content, Kind.congress, "代表大会", sections, docs, count="次", latest="历次代表大会")
    for _, _, pages in sections:
        yield from pages


def _research_pages(content: ContentSet, items: DocumentItems) -> Iterator[Page]:
    docs = content.of_kind(Kind.research)
    topics = sorted({d.meta.topic for d in docs})
    sections = [("按调研主题", *facet_pages(items, docs, f"{RESEARCH}/topic", lambda d: d.meta.topic, str,
                                         lambda v: f"调研成果：{v}", order=topics, count="篇")),
                ("按单位", *_by_unit(content, items, docs, RESEARCH, "调研成果", "篇")),
                ("按年份", *_by_year(items, docs, RESEARCH, "调研成果", "完成", "篇"))]
    yield section_index(content, Kind.research, "调研成果", sections, docs, count="篇", latest="最新调研成果")
    for _, _, pages in sections:
        yield from pages


def unit_database_links(content: ContentSet, code: str, from_uri: str) -> list[str]:
    """Lines for a unit's page: its congresses and research reports, when it has any."""
    lines = []
    for kind, base, label, count in ((Kind.congress, CONGRESSES, "代表大会", "次"),
                                     (Kind.research, RESEARCH, "调研成果", "篇")):
        number = sum(1 for d in content.of_kind(kind) if d.unit == code)
        if number:
            lines.append(f"本单位的{label}：[{number} {count}]({link(from_uri, f'{base}/unit/{code}/index.md')})。")
    return lines


# --- the block above a congress's or research report's own page ------------------------------------

def database_head(content: ContentSet, doc: Document) -> str:
    """What goes before the body of a congress or research report; "" for other kinds."""
    if isinstance(doc.meta, Congress):
        return _congress_head(content, doc)
    if isinstance(doc.meta, Research):
        return _research_head(content, doc)
    return ""


def _rows(caption: str, rows: list[tuple[str, str]]) -> str:
    cells = "\n".join(f"<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="portal-metadata">\n<caption>{caption}</caption>\n{cells}\n</table>'


def _href(doc: Document, other: Document) -> str:
    return esc(posixpath.relpath(other.url, doc.url) + "/")  # both are directory URLs


def _period(opens, closes) -> str:
    return cn_date(opens) if opens == closes else f"{cn_date(opens)}至{cn_date(closes)}"


def _congress_head(content: ContentSet, doc: Document) -> str:
    meta: Congress = doc.meta
    unit = content.org[doc.unit]
    sessions = "<br>".join(f"{esc(s.name)}：{_period(s.opens, s.closes)}，{esc(s.place)}" for s in meta.sessions)
    facts = _rows("大会信息", [("单位", esc(unit.name)), ("会期", _period(meta.sessions[0].opens, meta.sessions[-1].closes)),
                           ("会议安排", sessions), ("代表人数", f"{meta.delegates} 名")])
    order = {t: i for i, t in enumerate(CONGRESS_DOCUMENT_TYPES)}
    entries = sorted(meta.documents, key=lambda d: order[d.type])
    linked = linked_documents(content, [d.path for d in entries])
    items = [f'<li>{item.type}：<a href="{_href(doc, other)}">{esc(other.meta.title)}</a></li>'
             for item, other in zip(entries, linked, strict=True)]
    return "\n".join([facts, _link_block("大会文件", items)])


def _research_head(content: ContentSet, doc: Document) -> str:
    meta: Research = doc.meta
    facts = _rows("调研信息", [("调研单位", esc(content.org[doc.unit].name)), ("调研主题", esc(meta.topic)),
                           ("完成日期", cn_date(meta.date))])
    items = [f'<li><a href="{_href(doc, other)}">{esc(other.meta.title)}</a> {validity_badge(other.validity)}</li>'
             for other in linked_documents(content, meta.related)]
    return "\n".join([facts, _link_block("相关法规政策", items)])


def _link_block(heading: str, items: list[str]) -> str:
    if not items:
        return ""
    return f'<div class="portal-history">\n<p><strong>{heading}</strong></p>\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>"
