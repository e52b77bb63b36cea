"""What the builder adds to a document page: a notice when a newer version is in force, the print
button, the metadata table, the whole version chain, a closed draft's comment counts, article
anchors and links on citations. The editor's Markdown stays as written."""

from __future__ import annotations

from ..articles import anchor_articles, article_ids
from ..citations import CitationIndex, citation_key, link_citations, relative_url
from ..consultation_results import AdoptionSummary, adoption_summary
from ..loader import ContentSet, Document
from ..models import Consultation, News, NormativeDocument, Regulation, Validity
from ..version_chain import SUPERSEDED, current_version, relation, version_chain
from .common import cn_date, esc, validity_badge
from .databases import database_head
from .listings import consultation_state

ANCHORED_KINDS = ("regulation", "policy", "consultation")
# Shown by the page's script (assets/document.js); without it there is nothing to press.
TOOLS = ('<p class="portal-doc-tools" data-doc-tools hidden>'
         '<button type="button" class="md-button" data-print-document>打印</button></p>')


def decorate_document(content: ContentSet, doc: Document, body_html: str) -> str:
    """The page body MkDocs rendered, with the header blocks before it and article anchors in it."""
    return document_head(content, doc) + "\n" + document_body(content, doc, body_html)


def document_head(content: ContentSet, doc: Document) -> str:
    """What goes before the body: notices, print button, metadata, version chain, comment counts."""
    head = []
    if isinstance(doc.meta, NormativeDocument):
        chain = version_chain(content, doc)
        head += [_version_notice(doc, chain), TOOLS, _metadata_table(content, doc), _version_history(doc, chain)]
    elif isinstance(doc.meta, Consultation):
        head += [_consultation_notice(content, doc), TOOLS, _consultation_results(content, doc)]
    elif isinstance(doc.meta, News):
        unit = f" · {esc(content.org[doc.unit].organ)}" if doc.unit else ""
        head.append(f'<p class="portal-meta">{cn_date(doc.meta.date)} · {"、".join(esc(c) for c in doc.meta.categories)}'
                    f"{unit}</p>")
        head.append(TOOLS)
    else:
        head += [database_head(content, doc), TOOLS]  # 代表大会, 调研成果
    return "\n".join(part for part in head if part)


def document_body(content: ContentSet, doc: Document, body_html: str) -> str:
    """The rendered body with citations linked and article anchors, for the kinds that have articles."""
    if doc.kind.value not in ANCHORED_KINDS:
        return body_html
    return anchor_articles(link_citations(citation_index(content), doc, body_html))


def body_inputs(content: ContentSet, doc: Document) -> str:
    """Everything `document_body` reads besides the rendered body: the page is kept from the last
    build only while this is unchanged (the kind decides the anchors, the cited documents the links)."""
    if doc.kind.value not in ANCHORED_KINDS:
        return doc.kind.value
    return doc.kind.value + "\n" + citation_key(citation_index(content), doc)


_INDEX: list = [None, None]  # [content set, its CitationIndex]: one index per build


def citation_index(content: ContentSet) -> CitationIndex:
    if _INDEX[0] is not content:
        _INDEX[:] = [content, CitationIndex(content)]
    return _INDEX[1]


def _href(doc: Document, other: Document) -> str:
    return relative_url(doc.url, other.url)


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


def _version_notice(doc: Document, chain: list[Document]) -> str:
    """At the top of a superseded version: the version in force; of the version in force: a newer
    version that is yet to take effect."""
    current = current_version(chain)
    if doc.validity in SUPERSEDED:
        state = "已废止" if doc.validity is Validity.repealed else "已修改"
        if current is None or current is doc:
            return f'<p class="portal-superseded" role="note"><strong>本文件{state}</strong>。</p>'
        return (f'<p class="portal-superseded" role="note"><strong>本文件{state}</strong>。现行有效版本：'
                f'<a href="{esc(_href(doc, current))}" data-current-version>{esc(current.meta.title)}</a>'
                f"（{cn_date(current.meta.effective)}起施行）</p>")
    later = [d for d in chain if d.validity is Validity.not_yet_effective and d.meta.effective > doc.meta.effective]
    if doc.validity is Validity.effective and later:
        nxt = later[0]
        return (f'<p class="portal-upcoming" role="note">新版本<a href="{esc(_href(doc, nxt))}">'
                f"{esc(nxt.meta.title)}</a>将于{cn_date(nxt.meta.effective)}起施行，届时本文件不再有效。</p>")
    return ""


def _version_history(doc: Document, chain: list[Document]) -> str:
    """Every version of the chain, oldest first, this one marked."""
    if len(chain) < 2:
        return ""
    items = []
    for other in chain:
        how = relation(other, chain)
        how = f"；{esc(how)}" if how else ""
        dates = f"{cn_date(other.meta.published)}公布，{cn_date(other.meta.effective)}起施行{how}"
        if other is doc:
            items.append(f'<li aria-current="page"><strong>{esc(other.meta.title)}</strong>（本文件）'
                         f' {validity_badge(other.validity)}<br><span class="portal-meta">{dates}</span></li>')
        else:
            items.append(f'<li><a href="{esc(_href(doc, other))}">{esc(other.meta.title)}</a>'
                         f' {validity_badge(other.validity)}<br><span class="portal-meta">{dates}</span></li>')
    return (f'<div class="portal-history">\n<p><strong>版本沿革</strong>（共 {len(chain)} 个版本，按施行日期排列）</p>\n'
            '<ol class="portal-chain">\n' + "\n".join(items) + "\n</ol>\n</div>")


def _consultation_notice(content: ContentSet, doc: Document) -> str:
    meta: Consultation = doc.meta
    state = consultation_state(content, doc)
    return (f'<p class="portal-notice portal-notice--{ "open" if state == "征求中" else "closed"}">'
            f"<strong>{state}</strong>　征求意见时间：{cn_date(meta.opens)}至{cn_date(meta.closes)}；"
            f"负责单位：{esc(content.org[doc.unit].organ)}</p>")


def _consultation_results(content: ContentSet, doc: Document) -> str:
    """A closed draft: comments per article and the adoption report, once an editor committed it."""
    if consultation_state(content, doc) != "已结束":
        return ""
    found = adoption_summary(content, doc)
    if found is None:
        return ('<div class="portal-results">\n<p><strong>意见处理情况</strong></p>\n'
                "<p>征求意见已结束，意见采纳情况正在整理，整理完成后将在本页公布。</p>\n</div>")
    path, summary = found
    href = relative_url(doc.url, path.removesuffix(".md") + "/")
    link = f'<p><a href="{esc(href)}" data-adoption-report>查看意见采纳情况（采纳与不予采纳的意见及理由）</a></p>'
    table = _counts_table(doc, summary) if summary is not None else ""
    return f'<div class="portal-results">\n<p><strong>意见处理情况</strong></p>\n{table}{link}\n</div>'


def _counts_table(doc: Document, summary: AdoptionSummary) -> str:
    rows = [(f'<a href="#{label}">{label}</a>', summary.by_article.get(label, 0)) for label in article_ids(doc.body)]
    rows += [(esc(label), count) for label, count in summary.by_article.items() if label not in article_ids(doc.body)]
    rows.append(("对征求意见稿整体的意见", summary.general))
    cells = "\n".join(f'<tr><th scope="row">{label}</th><td>{count} 条</td></tr>' for label, count in rows)
    return (f"<p>共收到意见 {summary.total} 条，其中采纳 {summary.adopted} 条、不予采纳 {summary.rejected} 条"
            f"{f'、尚未处理 {summary.pending} 条' if summary.pending else ''}"
            f"（截至{cn_date(summary.as_of)}）。</p>\n"
            '<table class="portal-comment-counts">\n<caption>各条收到的意见</caption>\n'
            '<tr><th scope="col">条款</th><th scope="col">意见数</th></tr>\n'
            f"{cells}\n</table>\n")
