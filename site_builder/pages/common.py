"""Small helpers shared by the generated pages (links, badges, dates, pagination)."""

from __future__ import annotations

import datetime as dt
import html
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..loader import ContentSet, Document
from ..models import KIND_LABELS, Congress, Kind, NormativeDocument, Research, Validity

PAGE_SIZE = 50
# Where the listings of a kind with a section index live (its index.md and facet folders).
KIND_FOLDERS = {Kind.regulation: "regulations", Kind.policy: "policies", Kind.congress: "congresses",
                Kind.research: "research"}


def link(from_uri: str, to_uri: str) -> str:
    """Relative Markdown link target from one source file to another (MkDocs checks it)."""
    return _relative(posixpath.dirname(from_uri), to_uri)


@lru_cache(maxsize=4096)
def _folder_parts(folder: str) -> tuple[str, ...] | None:
    parts = tuple(folder.split("/")) if folder else ()
    return None if any(p in ("", ".", "..") for p in parts) else parts


def _relative(folder: str, to_uri: str) -> str:
    """posixpath.relpath(to_uri, folder) for clean relative paths, without its abspath calls (the
    listings make about four links per document)."""
    here, there = _folder_parts(folder), to_uri.split("/")
    if here is None or any(p in ("", ".", "..") for p in there):
        return posixpath.relpath(to_uri, folder or ".")
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:]) or "."


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Escape characters that Markdown would treat as markup inside link text."""
    return esc(text).replace("[", "\\[").replace("]", "\\]").replace("*", "\\*").replace("_", "\\_")


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def validity_badge(validity: Validity | None) -> str:
    if validity is None:
        return ""
    return f'<span class="portal-badge portal-badge--{validity.value}">{validity.label}</span>'


def document_item(content: ContentSet, doc: Document, from_uri: str) -> str:
    """One line of a listing: linked title, badge, then 文号 · issuer · date."""
    title, rest = _item_parts(content, doc)
    return f"- [{title}]({link(from_uri, doc.path)}){rest}"


class DocumentItems:
    """`document_item` for many listings of one content set: each document appears in about five
    listings, and only its link differs between them."""

    def __init__(self, content: ContentSet):
        self._content = content
        self._parts: dict[str, tuple[str, str]] = {}

    def __call__(self, doc: Document, from_uri: str) -> str:
        parts = self._parts.get(doc.path)
        if parts is None:
            parts = self._parts[doc.path] = _item_parts(self._content, doc)
        return f"- [{parts[0]}]({link(from_uri, doc.path)}){parts[1]}"


def _item_parts(content: ContentSet, doc: Document) -> tuple[str, str]:
    """(link text, what follows the link) of a listing line."""
    meta = doc.meta
    details = []
    if isinstance(meta, NormativeDocument):
        if meta.doc_number:
            details.append(esc(meta.doc_number))
        if doc.unit:
            details.append(esc(content.org[doc.unit].organ))
        details.append(f"{cn_date(meta.published)}公布")
    elif isinstance(meta, Congress):
        details += [esc(content.org[doc.unit].name), f"{cn_date(doc.date)}开幕", f"代表 {meta.delegates} 名"]
    elif isinstance(meta, Research):
        details += [esc(content.org[doc.unit].name), esc(meta.topic), cn_date(doc.date)]
    else:
        details.append(cn_date(doc.date))
    badge = validity_badge(doc.validity)
    return md_text(meta.title), f" {badge}\n  <span class=\"portal-meta\">{' · '.join(details)}</span>"


@dataclass
class Page:
    src_uri: str
    markdown: str


def paginate(base_uri: str, title: str, intro: str, items: Sequence, render: Callable[[object, str], str],
             page_size: int = PAGE_SIZE, count: str = "件") -> Iterator[Page]:
    """A listing split into pages: base/index.md, base/2.md, … with previous/next links."""
    total = max(1, -(-len(items) // page_size))
    uris = [f"{base_uri}/index.md"] + [f"{base_uri}/{n}.md" for n in range(2, total + 1)]
    for number, uri in enumerate(uris, start=1):
        chunk = items[(number - 1) * page_size: number * page_size]
        lines = [f"# {title}" + (f"（第 {number} 页）" if number > 1 else ""), ""]
        if intro:
            lines += [intro, ""]
        lines.append(f"共 {len(items)} {count}。")
        lines.append("")
        lines += [render(item, uri) for item in chunk] or ["暂无文件。"]
        if total > 1:
            lines += ["", _pager(uris, number)]
        yield Page(uri, "\n".join(lines) + "\n")


def facet_pages(items: DocumentItems, docs: list[Document], base: str, key: Callable[[Document], object],
                label: Callable[[object], str], title: Callable[[str], str],
                order: list | None = None, count: str = "件") -> tuple[list[str], list[Page]]:
    """Group `docs` by `key`; return index lines (from `base`/../index.md) and the paginated pages."""
    groups: dict[object, list[Document]] = defaultdict(list)
    for doc in docs:
        groups[key(doc)].append(doc)
    keys = [k for k in order if k in groups] if order else sorted(groups, reverse=True)
    index_uri = base.rsplit("/", 1)[0] + "/index.md"
    lines, pages = [], []
    for value in keys:
        folder = f"{base}/{value}"
        lines.append(f"- [{md_text(label(value))}]({link(index_uri, folder + '/index.md')})（{len(groups[value])}）")
        pages += paginate(folder, title(label(value)), "", groups[value], items, count=count)
    return lines, pages


def section_index(content: ContentSet, kind: Kind, title: str, sections, docs: list[Document],
                  count: str = "件", latest: str = "最新公布") -> Page:
    """A section's front page: the count, its facets (heading, lines, pages) and the newest 20."""
    folder = KIND_FOLDERS[kind]
    uri = f"{folder}/index.md"
    lines = [f"# {title}", "", f"共收录{KIND_LABELS[kind]} {len(docs)} {count}。", ""]
    # Documents first: the facets fold into one line above them (a <details>, no JavaScript needed).
    headings = "、".join(heading.removeprefix("按") for heading, _, _ in sections)
    lines += ['<details class="portal-facets" markdown>', f"<summary>分类浏览（{headings}）</summary>", "",
              '<div class="portal-facets__groups" markdown>', ""]
    for heading, facet_lines, _ in sections:
        lines += ['<div markdown>', "", f"## {heading}", "", *facet_lines, "", "</div>", ""]
    lines += ["</div>", "</details>", "", f"## {latest}", ""]
    lines += [document_item(content, doc, uri) for doc in docs[:20]] or ["暂无文件。"]
    return Page(uri, "\n".join(lines) + "\n")


def _pager(uris: list[str], number: int) -> str:
    here = uris[number - 1]
    parts = []
    if number > 1:
        parts.append(f"[上一页]({link(here, uris[number - 2])})")
    parts.append(f"第 {number} / {len(uris)} 页")
    if number < len(uris):
        parts.append(f"[下一页]({link(here, uris[number])})")
    # `markdown`: without it the links inside the raw HTML block would stay Markdown text.
    return '<nav class="portal-pager" aria-label="分页" markdown>\n\n' + " · ".join(parts) + "\n\n</nav>"
