"""What the builder adds to a document page: the metadata table, the version history and the
article anchors. The editor's Markdown stays as written."""

from __future__ import annotations

import posixpath

from ..articles import anchor_articles
from ..loader import ContentSet, Document
from ..models import Consultation, News, NormativeDocument, Regulation
from .common import cn_date, esc, validity_badge
from .databases import database_head
from .listings import consultation_state

ANCHORED_KINDS = ("regulation", "policy", "consultation")


def decorate_document(content: ContentSet, doc: Document, body_html: str) -> str:
    """The page body MkDocs rendered, with the header blocks before it and article anchors in it."""
    return document_head(content, doc) + "\n" + document_body(doc, body_html)


def document_head(content: ContentSet, doc: Document) -> str:
    """What goes before the body: metadata table and version history, consultation notice, news line."""
    head = []
    if isinstance(doc.meta, NormativeDocument):
        head += [_metadata_table(content, doc), _version_history(content, doc)]
    elif isinstance(doc.meta, Consultation):
        head.append(_consultation_notice(content, doc))
    elif isinstance(doc.meta, News):
        unit = f" · {esc(content.org[doc.unit].organ)}" if doc.unit else ""
        head.append(f'<p class="portal-meta">{cn_date(doc.meta.date)} · {"、".join(esc(c) for c in doc.meta.categories)}'
                    f"{unit}</p>")
    else:
        head.append(database_head(content, doc))  # 代表大会, 调研成果
    return "\n".join(part for part in head if part)


def document_body(doc: Document, body_html: str) -> str:
    """The rendered body with article anchors for the kinds that have articles (depends on nothing else)."""
    return anchor_articles(body_html) if doc.kind.value in ANCHORED_KINDS else body_html


def _metadata_table(content: ContentSet, doc: Document) -> str:
    meta: NormativeDocument = doc.meta
    rows = []
    if meta.doc_number:
        rows.append(("文号", esc(meta.doc_number)))
    rows.append(("制定机关", esc(content.org[doc.unit].organ)))
    if isinstance(meta, Regulation):
        rows.append(("效力位阶", f"{esc(meta.level)}（{meta.family}）"))
    rows += [("类别", esc(meta.category)), ("公布日期", cn_date(meta.published)),
             ("施行日期", cn_date(meta.effective)), ("时效性", validity_badge(doc.validity))]
    cells = "\n".join(f"<tr><th scope=\"row\">{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="portal-metadata">\n<caption>文件信息</caption>\n{cells}\n</table>'


def _version_history(content: ContentSet, doc: Document) -> str:
    meta: NormativeDocument = doc.meta
    groups = [("本文件修改了", meta.amends), ("本文件废止了", meta.repeals),
              ("本文件被以下文件修改", doc.amended_by), ("本文件被以下文件废止", doc.repealed_by)]
    items = []
    for heading, paths in groups:
        for path in paths:
            other = content.documents[path.lstrip("/")]
            href = posixpath.relpath(other.url, doc.url) + "/"  # both are directory URLs
            items.append(f'<li>{heading}：<a href="{esc(href)}">{esc(other.meta.title)}</a>'
                         f"（{cn_date(other.meta.effective)}施行）{validity_badge(other.validity)}</li>")
    if not items:
        return ""
    return '<div class="portal-history">\n<p><strong>版本沿革</strong></p>\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>"


def _consultation_notice(content: ContentSet, doc: Document) -> str:
    meta: Consultation = doc.meta
    state = consultation_state(content, doc)
    return (f'<p class="portal-notice portal-notice--{ "open" if state == "征求中" else "closed"}">'
            f"<strong>{state}</strong>　征求意见时间：{cn_date(meta.opens)}至{cn_date(meta.closes)}；"
            f"负责单位：{esc(content.org[doc.unit].organ)}</p>")
