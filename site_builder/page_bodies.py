"""Page bodies (Markdown → HTML): plain ones on a fast path, the others by MkDocs' own
`Page.render`, once per distinct source.

`PortalPage` is MkDocs' `Page` for every page outside the nav (documents and generated listings);
its `render` asks `BodyRenderer`, which renders a plain body or a generated listing directly
(plain_markdown.py, listing_markdown.py: the same HTML), else returns the body from the cache when
the same Markdown was rendered at the same path before and every file it linked to still resolves
the same way, else lets MkDocs render it and keeps the result. Its `read_source` keeps the parsed
front matter in the same cache, and asks first whether the page is kept whole (page_outputs.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils.meta import YAML_RE, get_data

from .listing_markdown import ListingMarkdown
from .plain_markdown import PlainBody, PlainMarkdown
from .render_cache import RenderCache, digest

_log = logging.getLogger("mkdocs.structure.pages")  # MkDocs' own messages, from where it logs them


class PortalPage(Page):
    """A page outside the nav whose front matter and body come from `BodyRenderer`.

    `keep(page, source)` (from the plugin) says, from the page's source text, whether the live site's
    copy of the page is kept; then nothing of it is parsed or rendered."""

    def __init__(self, file: File, config, bodies: BodyRenderer, keep=None):
        super().__init__(None, file, config)
        self.bodies = bodies
        self.keep = keep
        self.portal_kept = False
        self.portal_cache_keys: list[str] = []

    def read_source(self, config) -> None:
        if self.bodies.cache is None and self.keep is None:
            return super().read_source(config)
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            try:
                source = self.file.content_string
            except OSError:
                _log.error(f"File not found: {self.file.src_path}")
                raise
            except ValueError:
                _log.error(f"Encoding error reading file: {self.file.src_path}")
                raise
        if self.keep is not None and self.keep(self, source):
            self.markdown = ""  # set by keep(): meta (title), anchors, links, title from the last build
            self.portal_kept = True
        elif self.bodies.cache is None:
            self.markdown, self.meta = get_data(source)
        else:
            self.markdown, self.meta = self.bodies.front_matter(self, source)

    def render(self, config, files: Files) -> None:
        if self.portal_kept:  # the live site's page stays: nothing to render
            self.content = ""
            return
        self.bodies.render(self, config, files)


class BodyRenderer:
    def __init__(self, cache: RenderCache | None, fingerprint: str, plain: PlainMarkdown | None = None):
        self.cache = cache
        self.fingerprint = fingerprint
        self.plain = plain
        self.listing = ListingMarkdown(plain) if plain is not None else None
        self._warnings = _WarningCounter()
        self._files: Files | None = None
        self._resolved: dict[str, str | None] = {}
        logging.getLogger("mkdocs").addHandler(self._warnings)

    def close(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self._warnings)

    def front_matter(self, page: Page, source: str) -> tuple[str, dict]:
        """MkDocs' `meta.get_data(source)`, with the parsed YAML kept between builds."""
        match = YAML_RE.match(source)
        if match is None:
            return get_data(source)
        key = "front-matter:" + digest(match.group(1))
        page.portal_cache_keys.append(key)
        stored = self.cache.body(key)
        if stored is not None:
            return (source[match.end():].lstrip("\n"), _decode(stored["meta"])) if stored["ok"] else (source, {})
        markdown, meta = get_data(source)
        encoded = _encode(meta)
        if encoded is not _UNSUPPORTED:
            self.cache.put_body(key, {"ok": markdown != source, "meta": encoded})
        return markdown, meta

    def render(self, page: Page, config, files: Files) -> None:
        text = page.markdown or ""
        listing = text.startswith("# ")  # generated listings open with their h1; documents never do
        body = self.plain.render(text) if self.plain is not None and not listing else None
        if body is not None:  # cheaper to render again than to look up
            _apply(page, body)
            page.portal_lookups = {}
            return
        if self.cache is None:
            self._convert(page, config, files, listing)
            return
        key = digest(self.fingerprint, page.file.src_uri, text)
        page.portal_cache_keys.append(key)
        stored = self.cache.body(key)
        if stored is not None and self.links_hold(stored["lookups"], files):
            _restore(page, stored, files)
            page.portal_lookups = stored["lookups"]
            self.cache.hit("bodies")
            return
        lookups = _RecordingFiles(files)
        warnings = self._warnings.count
        self._convert(page, config, lookups, listing)
        if self._warnings.count == warnings:  # a page that warned fails a strict build: keep nothing
            self.cache.put_body(key, _dump(page, lookups.seen))
            page.portal_lookups = lookups.seen

    def _convert(self, page: Page, config, files, listing: bool) -> None:
        """The listing fast path, else MkDocs' own rendering."""
        body = None
        if listing and self.listing is not None:
            body = self.listing.render(page.markdown, page.file.src_uri, page.file.url, files)
        if body is not None:
            _apply(page, body)
        else:
            Page.render(page, config, files)

    def links_hold(self, lookups: dict[str, str | None], files: Files) -> bool:
        """Whether every path a body looked up still resolves as it did (memoised for the build)."""
        if files is not self._files:  # the file list is fixed once pages are rendered
            self._files, self._resolved = files, {}
        resolved = self._resolved
        for path, seen in lookups.items():
            if path not in resolved:
                resolved[path] = _resolution(find_file(files, path))
            if resolved[path] != seen:
                return False
        return True


_CLEAN_PATH = re.compile(r"^(?!\./)(?!.*//)(?!.*/\./)(?!.*/\.?$)[^\\]+$")


def find_file(files, path: str) -> File | None:
    """`files.get_file_from_path(path)`, without its PurePath for paths already in posix form."""
    if _CLEAN_PATH.match(path):
        return files.src_uris.get(path)
    return files.get_file_from_path(path)


class _RecordingFiles:
    """`files` as MkDocs' link rewriting sees it, remembering each path it looked up."""

    def __init__(self, files: Files):
        self._files = files
        self.seen: dict[str, str | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = find_file(self._files, path)
        self.seen[path] = _resolution(file)
        return file

    def __getattr__(self, name):
        return getattr(self._files, name)


def _resolution(file: File | None) -> str | None:
    return None if file is None else f"{file.url}\0{file.inclusion.name}"


def _apply(page: Page, body: PlainBody) -> None:
    page.content, page.toc, page._title_from_render = body.content, get_toc(body.toc_tokens), body.title
    page.present_anchor_ids, page.links_to_anchors = body.anchor_ids, {}


def _dump(page: Page, lookups: dict[str, str | None]) -> dict:
    return {
        "content": page.content,
        "toc": [_token(item) for item in page.toc],
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links_to_anchors": {file.src_uri: links for file, links in (page.links_to_anchors or {}).items()},
        "lookups": lookups,
    }


def _restore(page: Page, stored: dict, files: Files) -> None:
    page.content = stored["content"]
    page.toc = get_toc(stored["toc"])
    page._title_from_render = stored["title"]
    page.present_anchor_ids = set(stored["anchors"])
    page.links_to_anchors = {find_file(files, uri): links for uri, links in stored["links_to_anchors"].items()}


def _token(item: AnchorLink) -> dict:
    return {"level": item.level, "id": item.id, "name": item.title, "children": [_token(c) for c in item.children]}


_UNSUPPORTED = object()


def _encode(value):
    """YAML values as JSON that keeps their types: lists are always [tag, …], so nothing is ambiguous."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    if isinstance(value, list):
        items = [_encode(v) for v in value]
        return _UNSUPPORTED if _UNSUPPORTED in items else ["list", items]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        items = [[k, _encode(v)] for k, v in value.items()]
        return _UNSUPPORTED if any(v is _UNSUPPORTED for _, v in items) else ["dict", items]
    return _UNSUPPORTED


def _decode(value):
    if not isinstance(value, list):
        return value
    tag, body = value
    if tag == "datetime":
        return dt.datetime.fromisoformat(body)
    if tag == "date":
        return dt.date.fromisoformat(body)
    if tag == "list":
        return [_decode(v) for v in body]
    return {k: _decode(v) for k, v in body}


class _WarningCounter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
