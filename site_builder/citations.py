"""Citations in a document's text, linked to the cited document and article when the portal has them.

Two shapes are recognised (flk.npc.gov.cn links neither):

- `《中国共产党纪律处分条例》第二十条` or just `《…》`: the title between the marks is looked up among
  the portal's regulations and policies; an article that follows is linked only if the cited
  document has it.
- `本条例第五条` (本规定, 本办法, 本细则 … of the document itself): a link to its own article.

The same finder serves the page (`link_citations`, on the rendered HTML, like the article anchors,
so the fast and the plain Markdown paths give the same page) and `portal check`
(`checks.citation_warnings`, on the Markdown source, with the line of each cited 第N条 the cited document
does not have). Nothing is ever linked inside a heading, an existing link or code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .articles import article_ids
from .content import ContentSet, Document
from .models import Kind, NormativeDocument, Validity

_ARTICLE = "第[零一二三四五六七八九十百千]+条"
# 《title》 optionally followed by 第N条; or 本条例 / 本规定 … followed by 第N条.
CITATION = re.compile(
    rf"《(?P<title>[^《》<>\n]{{1,120}})》(?P<cited>{_ARTICLE})?"
    rf"|本(?:实施)?(?:党章|准则|条例|规定|办法|规则|细则|决定|意见|通知|方案|规程|措施)(?P<own>{_ARTICLE})")
CITED_KINDS = (Kind.regulation, Kind.policy)  # what a 《title》 may resolve to
_SKIP = re.compile(r"<(/?)(a|h[1-6]|code|pre|script|style)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Citation:
    start: int
    end: int
    title: str | None  # None: the document cites itself (本条例第五条)
    article: str | None
    title_end: int  # where 《…》 ends (the article label follows)


def find_citations(text: str) -> Iterator[Citation]:
    """Every citation in plain text (HTML entities already decoded by the caller or absent)."""
    for match in CITATION.finditer(text):
        if match.group("own"):
            yield Citation(match.start(), match.end(), None, match.group("own"), match.start())
        else:
            yield Citation(match.start(), match.end(), match.group("title").strip(), match.group("cited"),
                           match.end("title") + 1)


class CitationIndex:
    """Titles of the portal's regulations and policies → the document a citation of that title means.

    Several documents may carry the same title (versions that kept it): the one in force is meant,
    else the most recent one."""

    def __init__(self, content: ContentSet):
        by_title: dict[str, list[Document]] = {}
        for doc in content.documents.values():
            title = getattr(doc.meta, "title", None)
            if doc.kind in CITED_KINDS and isinstance(doc.meta, NormativeDocument) and title:
                by_title.setdefault(_bare(title), []).append(doc)
        self._docs = {title: max(docs, key=_preference) for title, docs in by_title.items()}
        self._articles: dict[str, frozenset[str]] = {}

    def document(self, title: str) -> Document | None:
        return self._docs.get(_bare(html.unescape(title)))

    def articles(self, doc: Document) -> frozenset[str]:
        if doc.path not in self._articles:
            self._articles[doc.path] = frozenset(article_ids(doc.body))
        return self._articles[doc.path]

    def target(self, doc: Document, citation: Citation) -> tuple[Document | None, str | None]:
        """(cited document, cited article if it has it) for a citation in `doc`."""
        cited = doc if citation.title is None else self.document(citation.title)
        if cited is None:
            return None, None
        article = citation.article if citation.article in self.articles(cited) else None
        return cited, article


    def links(self, doc: Document, citation: Citation) -> bool:
        """Whether the citation gets a link: the portal has the document, and it is not a bare
        mention of this page itself."""
        cited, article = self.target(doc, citation)
        return cited is not None and (article is not None or (citation.title is not None and cited is not doc))


def relative_url(from_url: str, to_url: str) -> str:
    """The relative link between two site directory URLs: "regulations/a/" → "regulations/b/" is "../b/"
    (posixpath.relpath without its abspath calls; document URLs have no "." or ".." parts)."""
    here, there = from_url.rstrip("/").split("/"), to_url.rstrip("/").split("/")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:]) + "/"


def _bare(title: str) -> str:
    return title.strip().removeprefix("《").removesuffix("》").strip()


def _preference(doc: Document) -> tuple:
    return (doc.validity is Validity.effective, doc.meta.effective, doc.path)


def link_citations(index: CitationIndex, doc: Document, body_html: str) -> str:
    """The rendered body with each resolvable citation linked (text inside links, headings and code
    is left alone)."""
    if not any(index.links(doc, citation) for citation in find_citations(body_html)):
        return body_html  # most pages: nothing to link, no need to walk the tags
    out, depth, last = [], 0, 0
    for tag in _TAG.finditer(body_html):
        if depth == 0:
            out.append(_link_text(index, doc, body_html[last:tag.start()]))
        else:
            out.append(body_html[last:tag.start()])
        skip = _SKIP.match(tag.group(0))
        if skip:
            depth = max(0, depth - 1) if skip.group(1) else depth + 1
        out.append(tag.group(0))
        last = tag.end()
    out.append(_link_text(index, doc, body_html[last:]) if depth == 0 else body_html[last:])
    return "".join(out)


def _link_text(index: CitationIndex, doc: Document, text: str) -> str:
    """One run of escaped text between tags, with its citations linked."""
    if not text or ("《" not in text and "本" not in text):
        return text
    parts, last = [], 0
    for citation in find_citations(text):
        if not index.links(doc, citation):
            continue
        cited, article = index.target(doc, citation)
        href = "" if cited is doc else relative_url(doc.url, cited.url)
        parts.append(text[last:citation.start])
        if citation.title is None:
            parts.append(_anchor(f"#{article}", text[citation.start:citation.end], "本文件" + article))
        elif article:  # the whole 《…》第N条 leads to the article
            label = f"《{html.unescape(citation.title)}》{article}"
            parts.append(_anchor(f"{href}#{article}", text[citation.start:citation.end], label))
        else:  # the document; an article it does not have stays text
            label = f"《{html.unescape(citation.title)}》"
            parts.append(_anchor(href, text[citation.start:citation.title_end], label))
            parts.append(text[citation.title_end:citation.end])
        last = citation.end
    parts.append(text[last:])
    return "".join(parts)


def _anchor(href: str, text: str, title: str) -> str:
    return f'<a class="portal-citation" href="{html.escape(href)}" title="{html.escape(title)}">{text}</a>'


def citation_key(index: CitationIndex, doc: Document) -> str:
    """What the linked body depends on besides its own HTML: where each citation of `doc` leads."""
    targets = []
    for citation in find_citations(doc.body):
        cited, article = index.target(doc, citation)
        targets.append(f"{citation.title}|{citation.article}|{cited.url if cited else ''}|{article or ''}")
    return "\n".join(targets)
