"""Links in the editors' Markdown, checked the way the build checks them, before the build.

MkDocs (strict, with the `validation.links` settings of mkdocs.yml: absolute links relative to
content/, unrecognised links and missing targets are warnings, and strict turns warnings into a
failed build) rejects a relative link to a file that is not among the site's files. `portal check`
finds the same links first, with path:line and a Chinese message, and also the links the build lets
through but a reader would find broken: `#第十二条` when the target has no 第十二条, and links to
drafts, which are not published.

A target can be a content file or a generated page (listings, unit pages …). Generated pages are
known only from complete content; while other problems remain, links to places where generated
pages live are left for the next run, and links into the documents' own folders are still checked.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .articles import article_ids
from .content import ContentSet
from .loader import KIND_FOLDERS, RESERVED_SLUGS, Reading, read_content
from .models import Kind
from .sources import Problem

ANCHORED_KINDS = (Kind.regulation, Kind.policy, Kind.consultation)  # their articles get id anchors
_ARTICLE_FRAGMENT = re.compile(r"^第[零一二三四五六七八九十百千]+条$")
_DATA_SUFFIXES = (".yaml", ".yml")  # data files, not pages (the build drops them)

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,}).*?^\1\2[`~]*\s*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_INLINE = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)


def markdown_links(body: str) -> Iterator[tuple[int, str]]:
    """(0-based line, target) of every Markdown link and image in `body`, outside code."""
    if "](" not in body and "]:" not in body:
        return
    blank = body
    if "`" in blank or "~~~" in blank:
        blank = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), blank)
        blank = _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), blank)
    found = [(m.start(1), m.group(1)) for m in _INLINE.finditer(blank)]
    found += [(m.start(1), m.group(1)) for m in _REFERENCE.finditer(blank)]
    for offset, target in sorted(found):
        yield blank.count("\n", 0, offset), target.strip("<>")


class LinkChecker:
    def __init__(self, content: ContentSet, complete: bool):
        self.content = content
        self.complete = complete  # the rest of the content is valid, so generated pages can be listed
        self.pages = set(content.pages)
        self._static: set[str] | None = None
        self._generated: set[str] | None = None

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        for doc in self.content.all_documents():
            found += self._check_body(doc.path, doc.body, doc.body_first_line)
        for rel in self.content.pages:
            text = (self.content.root / rel).read_text(encoding="utf-8", errors="replace")
            body, first_line = _page_body(text)
            found += self._check_body(rel, body, first_line)
            if self.complete and _in_generated_section(rel) and rel in self.generated():
                found.append(Problem(rel, 1, "文件名", "这个页面由系统生成，请不要在 content/ 中手写同名文件（请删除或改名）"))
        return found

    @property
    def static(self) -> set[str]:
        """Files other than pages and data (images, PDFs …): MkDocs copies them and links may point at them."""
        if self._static is None:
            root = self.content.root
            self._static = {p.relative_to(root).as_posix() for p in root.rglob("*")
                            if p.is_file() and p.suffix != ".md" and not p.name.endswith(_DATA_SUFFIXES)}
        return self._static

    def generated(self) -> set[str]:
        if self._generated is None:
            from .pages.home import home_page, survey_pages  # the builder's own page list, rendered once
            from .pages.listings import listing_pages

            pages = [home_page(self.content), *listing_pages(self.content), *survey_pages(self.content)]
            self._generated = {page.src_uri for page in pages} | {"news/rss.xml"}
        return self._generated

    def _check_body(self, rel: str, body: str, first_line: int) -> list[Problem]:
        problems = []
        for line, url in markdown_links(body):
            message = self._check_link(rel, url)
            if message:
                problems.append(Problem(rel, first_line + line, "正文", message))
        return problems

    def _check_link(self, rel: str, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or "\x02amp\x03" in url:
            return None  # another site, mailto: …
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if not path:
            return self._check_fragment(rel, rel, fragment, url) if fragment else None
        absolute = url.startswith(("/", "\\"))
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path).lstrip("/"))
        if target in self.content.drafts:
            return f"链接的“{url}”是草稿（draft: true），草稿不会发布，链接会失效"
        if self._exists(target):
            return self._check_fragment(rel, target, fragment, url) if fragment else None
        if self._exists(target) is None:
            return None  # may be a generated page: decided once the rest of the content is valid
        suggestion = self._suggest(rel, path, target, absolute)
        tip = f"，是否应为“{suggestion}”？" if suggestion else ""
        if not posixpath.splitext(path)[1] and not absolute:
            return f"链接“{url}”没有指向文件：站内链接请写到 .md 文件{tip or '（写相对本文件的路径）'}"
        if absolute:
            return f"链接的文件“{url}”不存在（以 / 开头的链接从 content/ 算起，应写到 .md 文件）{tip}"
        return f"链接的文件“{url}”不存在（从本文件所在目录算起是 content/{target}）{tip}"

    def _exists(self, target: str) -> bool | None:
        """True/False, or None when it could only be a generated page and those are not known yet."""
        if target in self.content.documents or target in self.pages:
            return True
        if target in self.static:
            return True
        if not target.endswith((".md", ".xml")):
            return False  # generated pages are Markdown (and the RSS feed)
        if self.complete:
            return target in self.generated()
        return None if _could_be_generated(target) else False

    def _suggest(self, rel: str, path: str, target: str, absolute: bool) -> str | None:
        """MkDocs' own guesses: the folder's index.md, the same name with .md."""
        stem = target.removesuffix("/").removesuffix(".html")
        guesses = [posixpath.join(stem, "index.md"), stem + ".md"] if not target.endswith(".md") else []
        for guess in guesses:
            if guess not in self.content.drafts and self._exists(guess):
                return "/" + guess if absolute else posixpath.relpath(guess, posixpath.dirname(rel) or ".")
        return None

    def _check_fragment(self, rel: str, target: str, fragment: str, url: str) -> str | None:
        if not _ARTICLE_FRAGMENT.match(fragment):
            return None  # headings and form anchors: MkDocs only notes these, and so do we
        doc = self.content.documents.get(target) or self.content.drafts.get(target)
        where = "本文件" if target == rel else f"“{target}”"
        if doc is None or doc.kind not in ANCHORED_KINDS:
            return f"链接“{url}”中的“#{fragment}”无效：只有党内法规、政策文件和征求意见稿的条文有锚点"
        articles = article_ids(doc.body)
        if fragment not in articles:
            have = f"（共 {len(articles)} 条，最后一条是{articles[-1]}）" if articles else "（没有条文）"
            return f"链接“{url}”中的“#{fragment}”不存在：{where}中没有{fragment}{have}"
        return None


def check_links(content: ContentSet, complete: bool) -> list[Problem]:
    """Every link problem of content/ (bodies of documents, drafts and plain pages)."""
    return LinkChecker(content, complete).problems()


def check_content(root: Path | str, today: dt.date | None = None) -> Reading:
    """Everything `portal check` reports, in one pass: the loader's problems and the link problems."""
    reading = read_content(root, today)
    links = check_links(reading.content, complete=not reading.problems)
    return Reading(reading.content, sorted(set(reading.problems + links)))


# The sections of the site whose pages the builder generates (the nav of mkdocs.yml); a plain page
# elsewhere (about.md, petition/ …) cannot clash with a generated one, so no listing is rendered for it.
_GENERATED_SECTIONS = ("regulations/", "policies/", "news/", "consultations/", "surveys/", "chronicle/", "units/")


def _in_generated_section(rel: str) -> bool:
    return rel == "index.md" or rel.startswith(_GENERATED_SECTIONS)


def _could_be_generated(target: str) -> bool:
    for folder in KIND_FOLDERS:
        if target.startswith(folder + "/"):
            first = target.removeprefix(folder + "/").split("/")[0].removesuffix(".md")
            return first in RESERVED_SLUGS
    return True


def _page_body(text: str) -> tuple[str, int]:
    """A plain page's Markdown without its optional front matter, and the line the body starts at."""
    lines = text.lstrip("\ufeff").split("\n")
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                return "\n".join(lines[end + 1:]), end + 2
    return "\n".join(lines), 1
