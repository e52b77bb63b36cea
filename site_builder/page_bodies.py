"""Page bodies (Markdown → HTML): plain ones on a fast path, the others by MkDocs' own
`Page.render`, once per distinct source.

`PortalPage` is MkDocs' `Page` for every page outside the nav (documents and generated listings);
its `render` asks `BodyRenderer`, which renders a plain body directly (plain_markdown.py, the same
HTML), else returns the body from the cache when the same Markdown was rendered at the same path
before and every file it linked to still resolves the same way, else lets MkDocs render it and
keeps the result. Its `read_source` keeps the parsed front matter in the same cache.
"""

from __future__ import annotations

import datetime as dt
import logging

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils.meta import YAML_RE, get_data

from .plain_markdown import PlainMarkdown
from .render_cache import RenderCache, digest

_log = logging.getLogger("mkdocs.structure.pages")  # MkDocs' own messages, from where it logs them


class PortalPage(Page):
    """A page outside the nav whose front matter and body come from `BodyRenderer`."""

    def __init__(self, file: File, config, bodies: BodyRenderer):
        super().__init__(None, file, config)
        self.bodies = bodies

    def read_source(self, config) -> None:
        if self.bodies.cache is None:
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
        self.markdown, self.meta = self.bodies.front_matter(source)

    def render(self, config, files: Files) -> None:
        self.bodies.render(self, config, files)


class BodyRenderer:
    def __init__(self, cache: RenderCache | None, fingerprint: str, plain: PlainMarkdown | None = None):
        self.cache = cache
        self.fingerprint = fingerprint
        self.plain = plain
        self._warnings = _WarningCounter()
        self._files: Files | None = None
        self._resolved: dict[str, str | None] = {}
        logging.getLogger("mkdocs").addHandler(self._warnings)

    def close(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self._warnings)

    def front_matter(self, source: str) -> tuple[str, dict]:
        """MkDocs' `meta.get_data(source)`, with the parsed YAML kept between builds."""
        match = YAML_RE.match(source)
        if match is None:
            return get_data(source)
        key = "front-matter:" + digest(match.group(1))
        stored = self.cache.body(key)
        if stored is not None:
            return (source[match.end():].lstrip("\n"), _decode(stored["meta"])) if stored["ok"] else (source, {})
        markdown, meta = get_data(source)
        encoded = _encode(meta)
        if encoded is not _UNSUPPORTED:
            self.cache.put_body(key, {"ok": markdown != source, "meta": encoded})
        return markdown, meta

    def render(self, page: Page, config, files: Files) -> None:
        body = self.plain.render(page.markdown or "") if self.plain is not None else None
        if body is not None:
            page.content, page.toc, page._title_from_render = body.content, get_toc(body.toc_tokens), None
            page.present_anchor_ids, page.links_to_anchors = body.anchor_ids, {}
            return
        if self.cache is None:
            Page.render(page, config, files)
            return
        key = digest(self.fingerprint, page.file.src_uri, page.markdown or "")
        stored = self.cache.body(key)
        if stored is not None and self._links_hold(stored["lookups"], files):
            _restore(page, stored, files)
            self.cache.hit("bodies")
            return
        lookups = _RecordingFiles(files)
        warnings = self._warnings.count
        Page.render(page, config, lookups)
        if self._warnings.count == warnings:  # a page that warned fails a strict build: keep nothing
            self.cache.put_body(key, _dump(page, lookups.seen))


    def _links_hold(self, lookups: dict[str, str | None], files: Files) -> bool:
        if files is not self._files:  # the file list is fixed once pages are rendered
            self._files, self._resolved = files, {}
        resolved = self._resolved
        for path, seen in lookups.items():
            if path not in resolved:
                resolved[path] = _resolution(files.get_file_from_path(path))
            if resolved[path] != seen:
                return False
        return True


class _RecordingFiles:
    """`files` as MkDocs' link rewriting sees it, remembering each path it looked up."""

    def __init__(self, files: Files):
        self._files = files
        self.seen: dict[str, str | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = self._files.get_file_from_path(path)
        self.seen[path] = _resolution(file)
        return file

    def __getattr__(self, name):
        return getattr(self._files, name)


def _resolution(file: File | None) -> str | None:
    return None if file is None else f"{file.url}\0{file.inclusion.name}"


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
    page.links_to_anchors = {files.get_file_from_path(uri): links for uri, links in stored["links_to_anchors"].items()}


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
