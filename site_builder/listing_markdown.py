"""A fast path for the listing pages the builder generates (`pages.common.paginate`), with exactly
the output MkDocs would give.

At ten thousand documents the listings are about 900 pages of 50 items each; Python-Markdown takes
some 7 ms a page on them (every inline pattern on every item, an HTML parser over the raw spans).
Their Markdown has a shape the builder itself writes:

    # 标题（第 2 页）                         an h1, first
    市级单位……[河北省](../130000/index.md)。   paragraphs of plain text and links
    - [标题](../../x.md) <span class="…">有效</span>
      <span class="portal-meta">冀发〔2020〕8号 · …</span>      a list of such items
    <nav class="portal-pager" aria-label="分页" markdown>  …  </nav>   the pager

Text may hold entities (`&amp;`), the escapes `md_text` writes (`\\[ \\] \\* \\_`), and the tags
`<span class="…">`, `</span>`, `<br>`. Links are resolved as MkDocs does (the target file's URL,
relative to the page); a link to a file that does not exist, and anything outside this shape,
leaves the page to MkDocs, which then also reports it.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from markdown.serializers import _escape_attrib_html
from mkdocs.utils import get_relative_url

from .plain_markdown import PlainBody, PlainMarkdown

_PLAIN = r"[^\\`*_\[\]<>&{}|!\n]"
_ENTITY = r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);"
_TOKEN = re.compile(
    rf"(?P<link>\[(?P<text>(?:\\[\[\]*_]|{_ENTITY}|{_PLAIN})+)\]\((?P<target>[^()\s<>\"'#?:\\]+\.md)\))"
    rf"|(?P<keep>{_ENTITY}|<span class=\"[a-z0-9_ -]+\">|</span>|<br>|{_PLAIN}+)")
_ESCAPE = re.compile(r"\\([\[\]*_])")
_HEADING = re.compile(rf"# ({_PLAIN}+)\Z")
_PARAGRAPH_START = re.compile(r"\s|[#>+\-=:!~]|\d+[.)]|\?\?\?")
_PAGER_OPEN, _PAGER_CLOSE = '<nav class="portal-pager" aria-label="分页" markdown>', "</nav>"
_PAGER_HTML = '<nav aria-label="分页" class="portal-pager">\n<p>{}</p>\n</nav>'


class ListingMarkdown:
    def __init__(self, plain: PlainMarkdown):
        self._plain = plain

    def render(self, text: str, src_uri: str, page_url: str, files) -> PlainBody | None:
        """The listing's HTML, or None if it is not of the generated shape."""
        blocks = text.rstrip("\n").split("\n\n")
        heading = _HEADING.match(blocks[0]) if blocks else None
        if heading is None or heading.group(1) != heading.group(1).strip():
            return None
        links = _Links(src_uri, page_url, files)
        h1, token = self._plain.heading(1, heading.group(1), set(), {})
        out, after_list = [h1], False
        rest = blocks[1:]
        if len(rest) >= 3 and rest[-3] == _PAGER_OPEN and rest[-1] == _PAGER_CLOSE:
            pager = _inline(rest[-2], links) if _paragraph_lines(rest[-2]) else None
            if pager is None:
                return None
            rest, tail = rest[:-3], [_PAGER_HTML.format(pager)]
        else:
            tail = []
        for block in rest:
            if block.startswith("- "):
                html = None if after_list else _list(block, links)
                after_list = True
            else:
                html = _inline(block, links) if _paragraph_lines(block) else None
                html, after_list = (None if html is None else f"<p>{html}</p>"), False
            if html is None:
                return None
            out.append(html)
        title = " ".join(heading.group(1).split())
        return PlainBody("\n".join(out + tail), [token], {token["id"]}, title)


class _Links:
    """Link targets resolved the way MkDocs rewrites `.md` links."""

    def __init__(self, src_uri: str, page_url: str, files):
        self._folder, self._url, self._files = posixpath.dirname(src_uri), page_url, files

    def href(self, target: str) -> str | None:
        uri = posixpath.normpath(posixpath.join(self._folder, unquote(target)).lstrip("/"))
        file = None if uri.startswith("../") else self._files.get_file_from_path(uri)
        if file is None or file.inclusion.is_excluded():
            return None
        return get_relative_url(file.url, self._url)


def _paragraph_lines(block: str) -> bool:
    return all(line and not _PARAGRAPH_START.match(line) and not line.endswith("  ") for line in block.split("\n"))


def _list(block: str, links: _Links) -> str | None:
    items: list[list[str]] = []
    for line in block.split("\n"):
        if line.startswith("- ["):
            items.append([line[2:]])
        elif line.startswith("  ") and items and not line[2:3].isspace():
            items[-1].append(line)
        else:
            return None
        if line.endswith("  "):
            return None
    out = []
    for first, *more in items:
        html = _inline(first, links)
        if html is None or any(_inline(line[2:], links) != line[2:] for line in more):
            return None  # continuation lines pass through unchanged (spans and plain text only)
        out.append("<li>" + "\n".join([html, *more]) + "</li>")
    return "<ul>\n" + "\n".join(out) + "\n</ul>"


def _inline(text: str, links: _Links) -> str | None:
    out, at = [], 0
    for match in _TOKEN.finditer(text):
        if match.start() != at:
            return None
        at = match.end()
        if match.group("keep") is not None:
            out.append(match.group("keep"))
            continue
        href = links.href(match.group("target"))
        if href is None:
            return None
        label = _ESCAPE.sub(r"\1", match.group("text"))
        out.append(f'<a href="{_escape_attrib_html(href)}">{label}</a>')
    return "".join(out) if at == len(text) else None
