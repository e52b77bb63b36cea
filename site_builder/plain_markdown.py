"""A fast path for the plainest Markdown bodies, with exactly the output MkDocs would give.

Most regulations, policies and news are nothing but headings (`## 第一章　总则`) and paragraphs of
plain text, yet Python-Markdown spends about a millisecond on each: its block parser, every inline
pattern tried on every paragraph, the serializer, the table of contents. For a body made only of

- paragraphs whose lines hold no character any enabled Markdown feature reacts to
  (`` \\ ` * _ [ ] < > & { } | ``), do not start like a list, quote, rule or indented code, and have
  no leading or trailing white space,
- ATX headings (`#`–`######`, a space, plain text not ending in `#`),
- HTML comments standing alone between blank lines (`<!-- more -->`),

the HTML, heading ids and table of contents are built directly here, using Python-Markdown's own
helpers for ids (the configured slugify, `unique`) and for nesting the table of contents. Anything
else — and every body when mkdocs.yml enables other Markdown extensions or table-of-contents
options than the ones this was checked against — goes through MkDocs' normal rendering. Tests
compare the two on generated bodies and on every document of the fixture and the benchmark.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
from markdown.extensions.toc import nest_toc_tokens, strip_tags, unique
from markdown.serializers import _escape_attrib_html  # the serializer's own attribute escaping

# The extensions this fast path reproduces (mkdocs.yml's, plus the three MkDocs always adds); any
# other set turns it off.
CHECKED_EXTENSIONS = frozenset({"toc", "tables", "fenced_code", "attr_list", "md_in_html", "admonition"})

_REACTIVE = re.compile(r"[\\`*_\[\]<>&{}|\x00-\x1f\x7f]")
_PARAGRAPH_START = re.compile(r"\s|[#>+\-=:!~]|\d+[.)]|\?\?\?")
_HEADING = re.compile(r"(#{1,6}) ([^#\s](?:.*[^#\s])?)\Z")
_COMMENT = re.compile(r"<!--[^<>\-]*-->\Z")


@dataclass
class PlainBody:
    content: str
    toc_tokens: list[dict]
    anchor_ids: set[str]
    title: str | None = None  # the text of a leading h1, which MkDocs makes the page title


class PlainMarkdown:
    """Renders plain bodies the way `markdown.Markdown(**mkdocs config)` inside MkDocs would."""

    def __init__(self, slugify, separator: str, toc_top: int, toc_bottom: int):
        self._slugify, self._separator = slugify, separator
        self._top, self._bottom = toc_top, toc_bottom

    @classmethod
    def for_config(cls, config) -> PlainMarkdown | None:
        """The fast path for this MkDocs config, or None when it enables anything not checked."""
        if set(config["markdown_extensions"]) != CHECKED_EXTENSIONS:
            return None
        options = dict((config["mdx_configs"] or {}).get("toc", {}))
        if not set(options) <= {"permalink", "slugify", "toc_depth"} or options.get("permalink") not in (None, False):
            return None
        md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
        toc = md.treeprocessors["toc"]
        if toc.base_level != 0 or toc.use_anchors or toc.use_permalinks not in (False, None):
            return None
        return cls(toc.slugify, toc.sep, toc.toc_top, toc.toc_bottom)

    def render(self, text: str) -> PlainBody | None:
        """The body's HTML, or None if it is not plain enough for this path."""
        blocks = _blocks(text)
        if blocks is None or (blocks and blocks[0][0] == 1):
            return None  # a leading h1 would become the page title: leave that to MkDocs
        out, tokens, used, counters = [], [], set(), {}
        for level, body in blocks:
            if level == "comment":
                out.append(body + "\n")
            elif level == 0:
                out.append(f"<p>{body}</p>")
            else:
                heading, token = self.heading(level, body, used, counters)
                out.append(heading)
                if self._top <= level <= self._bottom:
                    tokens.append(token)
        return PlainBody("\n".join(out).strip(), nest_toc_tokens(tokens), used)

    def heading(self, level: int, text: str, used: set[str], counters: dict) -> tuple[str, dict]:
        """A heading of plain text with its id (as the toc extension gives it) and its toc token."""
        name = strip_tags(text)
        anchor = unique(self._slugify(html.unescape(name), self._separator), used, counters)
        token = {"level": level, "id": anchor, "name": name, "html": text, "data-toc-label": "", "children": []}
        return f'<h{level} id="{_escape_attrib_html(anchor)}">{text}</h{level}>', token


def _blocks(text: str) -> list[tuple] | None:
    """[(0, paragraph text) | (n, heading text) | ("comment", html)] or None if anything is not plain."""
    blocks: list[tuple] = []
    paragraph: list[str] = []
    group_start = True
    for line in text.split("\n"):
        if not line:
            _flush(paragraph, blocks)
            group_start = True
            continue
        if group_start and _COMMENT.match(line):
            blocks.append(("comment", line))
            group_start = False
            paragraph = ["\0comment"]  # a comment must stand alone: a following line is not plain
            continue
        group_start = False
        if paragraph and paragraph[0] == "\0comment":
            return None
        heading = _HEADING.match(line)
        if heading and not _REACTIVE.search(heading.group(2)):
            _flush(paragraph, blocks)
            blocks.append((len(heading.group(1)), heading.group(2)))
        elif _REACTIVE.search(line) or _PARAGRAPH_START.match(line) or line != line.rstrip():
            return None
        else:
            paragraph.append(line)
    _flush(paragraph, blocks)
    return blocks


def _flush(paragraph: list[str], blocks: list[tuple]) -> None:
    if paragraph and paragraph[0] != "\0comment":
        blocks.append((0, "\n".join(paragraph)))
    paragraph.clear()
