"""The theme's page template rendered once per page *shape*, then filled in for every page of it.

Material's `main.html` costs about 1.2 ms a page, and for the ten thousand pages outside the nav
(documents and listings) almost all of it is the same: the header, the tabs, the whole nav. So the
template is rendered for a placeholder page with marks where a page's own values go (title, URL
slug, body, table of contents), and every later page of the same shape is that shell with its
values put in.

A *shape* is what decides the template's output apart from those values: the page's folder (its
relative links), the structure of its table of contents, and whatever else the template looked at
while rendering the placeholder page, recorded as it reads it (each attribute of the page and each
front-matter key it read, each `… in page.content` test). A page whose recorded values all match the
first page of a shape gets that shell.

How each value is printed at each place (as is, HTML-escaped, tags stripped, URL-encoded) is read
from a second placeholder rendering whose marks carry a suffix that each of those filters changes
differently; a place printed any other way makes the shape unfillable. Finally the first page of
every shape is rendered both ways and compared: if they differ, that shape is always rendered by
the template.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from jinja2.filters import do_striptags, do_urlencode
from markupsafe import escape
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

_MARK = "zqfill{:04d}q"  # letters and digits: no filter of the template changes it
_SUFFIX = "\u3000&x"  # ... while each filter below changes this suffix in its own way
_KNOWN_FILTERS: list[Callable[[str], str]] = [
    lambda v: v,
    lambda v: str(escape(v)),
    lambda v: str(do_striptags(v)),
    lambda v: str(escape(do_striptags(v))),
    do_urlencode,
]
# How a marked value with the suffix comes out of each filter → that filter.
_FILTERS = {f(_MARK.format(0) + _SUFFIX)[len(_MARK.format(0)):]: f for f in _KNOWN_FILTERS}
_MARKS = re.compile(r"zqfill(\d{4})q")
_FORMS = "|".join(re.escape(form) for form in sorted(_FILTERS, key=len, reverse=True))
_MARKS_WITH_SUFFIX = re.compile(r"zqfill(\d{4})q(" + _FORMS + ")?")
TITLE, SLUG, CONTENT = 0, 1, 2
_SENTINELLED = frozenset({"title", "content", "toc", "url", "canonical_url", "abs_url", "meta"})
_MISSING = object()


class TemplateFiller:
    def __init__(self):
        self._probes: dict[tuple, list[_Probe]] = {}
        self._shells: dict[tuple, _Shell | None] = {}  # None: this shape is always rendered
        self.filled = 0
        self.rendered = 0

    def render(self, template, context: dict, page: Page) -> str:
        values = _values(page)
        if values is None:
            return self._render(template, context)
        base = (template.name, posixpath.dirname(page.url.rstrip("/")), _structure(page.toc))
        for probe in self._probes.get(base, ()):
            shell = self._shells.get((base, probe.key(page)), _MISSING)
            if shell is None:
                return self._render(template, context)
            if shell is not _MISSING:
                self.filled += 1
                return shell.fill(values)
        return self._new_shape(base, template, context, page, values)

    def _new_shape(self, base: tuple, template, context: dict, page: Page, values: list[str]) -> str:
        plain, suffixed = _TracingPage(page, ""), _TracingPage(page, _SUFFIX)
        shell = _Shell.parse(template.render(dict(context, page=plain)),
                             template.render(dict(context, page=suffixed)))
        real = self._render(template, context)
        probe = _Probe(plain.observations)
        fillable = shell is not None and not plain.opaque and not suffixed.opaque and shell.fill(values) == real
        self._probes.setdefault(base, []).append(probe)
        self._shells[(base, probe.key(page))] = shell if fillable else None
        return real

    def _render(self, template, context: dict) -> str:
        self.rendered += 1
        return template.render(context)


def _values(page: Page) -> list[str] | None:
    """The page's own values in placeholder order, or None if it cannot be filled in."""
    url, title = page.url, page.title
    if not url.endswith("/") or url.count("/") < 2 or not isinstance(page.content, str) or not isinstance(title, str):
        return None
    if page.meta.get("title", title) != title:
        return None
    values = [title, url.rstrip("/").rsplit("/", 1)[-1], page.content]
    for item in _walk(page.toc):
        values += [item.title, item.id]
    return None if any("zqfill" in v for v in values) else values


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.children)


def _structure(items) -> tuple:
    return tuple((item.level, _structure(item.children)) for item in items)


class _Shell:
    """A rendered placeholder page: literal text, and for each place a value goes, which value and
    which filter."""

    def __init__(self, literals: list[str], places: list[tuple[int, Callable[[str], str]]]):
        self._literals = literals
        self._places = places

    @classmethod
    def parse(cls, plain: str, suffixed: str) -> _Shell | None:
        parts = _MARKS.split(plain)
        literals, slots = parts[0::2], [int(n) for n in parts[1::2]]
        other = _MARKS_WITH_SUFFIX.split(suffixed)
        if other[0::3] != literals or [int(n) for n in other[1::3]] != slots:
            return None  # the suffix changed what the template did: do not guess
        places = []
        for slot, form in zip(slots, other[2::3], strict=True):
            if slot == CONTENT:
                form = _SUFFIX if form is None else None  # the body is printed as is, never filtered
            if form is None:
                return None
            places.append((slot, _FILTERS[form]))
        return cls(literals, places)

    def fill(self, values: list[str]) -> str:
        out = [self._literals[0]]
        for (slot, apply), literal in zip(self._places, self._literals[1:], strict=True):
            out.append(apply(values[slot]))
            out.append(literal)
        return "".join(out)


class _Probe:
    """What the template read while rendering a placeholder page, replayed on another page."""

    def __init__(self, observations: list[tuple[str, str]]):
        self.observations = list(dict.fromkeys(observations))

    def key(self, page: Page) -> tuple:
        return tuple(_observe(page, kind, name) for kind, name in self.observations)


def _observe(page: Page, kind: str, name: str):
    if kind == "attr":
        return repr(getattr(page, name, _MISSING))
    if kind == "meta":
        return "<title>" if name == "title" else repr(page.meta.get(name, _MISSING))
    if kind == "meta-bool":
        return bool(page.meta)
    if kind == "meta-all":
        return repr(sorted((k, repr(v)) for k, v in page.meta.items() if k != "title"))
    return name in page.content  # kind == "in"


class _TracingPage:
    """The page as the template sees it, with marks for its own values; records every other read."""

    def __init__(self, page: Page, suffix: str):
        self.observations: list[tuple[str, str]] = []
        self.opaque = False
        self._page = page
        marks = iter(range(CONTENT + 1, 10_000))
        title = _MARK.format(TITLE) + suffix
        slug = page.url.rstrip("/").rsplit("/", 1)[-1]
        url = page.url[: -len(slug) - 1] + _MARK.format(SLUG) + suffix + "/"
        meta = _TracingMeta(page.meta, self)
        if "title" in page.meta:
            dict.__setitem__(meta, "title", title)
        self._values = {
            "title": title,
            "content": _TracingContent(_MARK.format(CONTENT), self, page.content),
            "toc": TableOfContents(_marked_toc(page.toc, marks, suffix)),
            "url": url,
            "canonical_url": _swap_suffix(page.canonical_url, page.url, url),
            "abs_url": _swap_suffix(page.abs_url, page.url, url),
            "meta": meta,
        }
        if self._values["canonical_url"] is _MISSING or self._values["abs_url"] is _MISSING:
            self.opaque = True

    def __getattr__(self, name: str):
        if name in _SENTINELLED:
            return self._values[name]
        self.observations.append(("attr", name))
        return getattr(self._page, name)


def _swap_suffix(value, old: str, new: str):
    if value is None:
        return None
    return value[: -len(old)] + new if value.endswith(old) else _MISSING


def _marked_toc(items, marks, suffix: str) -> list[AnchorLink]:
    out = []
    for item in items:
        marked = AnchorLink(_MARK.format(next(marks)) + suffix, _MARK.format(next(marks)) + suffix, item.level)
        marked.children = _marked_toc(item.children, marks, suffix)
        if getattr(item, "active", False):
            marked.active = True
        out.append(marked)
    return out


class _TracingMeta(dict):
    """Front matter that records which keys the template read."""

    def __init__(self, meta: dict, tracer: _TracingPage):
        super().__init__(meta)
        self._tracer = tracer

    def _saw(self, kind: str, name: str = "") -> None:
        self._tracer.observations.append((kind, name))

    def __getitem__(self, key):
        self._saw("meta", key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._saw("meta", key)
        return super().get(key, default)

    def __contains__(self, key):
        self._saw("meta", key)
        return super().__contains__(key)

    def __bool__(self):
        self._saw("meta-bool")
        return dict.__len__(self) > 0

    def __iter__(self):
        self._saw("meta-all")
        return super().__iter__()

    def __len__(self):
        self._saw("meta-all")
        return super().__len__()

    def keys(self):
        self._saw("meta-all")
        return super().keys()

    def items(self):
        self._saw("meta-all")
        return super().items()

    def values(self):
        self._saw("meta-all")
        return super().values()


class _TracingContent(str):
    """The body mark: `in` tests are recorded and answered for the real body (so the template takes
    the page's own branch); any other use makes the shape unfillable."""

    def __new__(cls, text: str, tracer: _TracingPage, real: str):
        self = super().__new__(cls, text)
        self._tracer, self._real = tracer, real
        return self

    def __contains__(self, part):
        self._tracer.observations.append(("in", part))
        return part in self._real

    def __getattribute__(self, name):
        if name not in ("_tracer", "_real", "__class__", "__html__", "__html_format__"):
            object.__getattribute__(self, "_tracer").opaque = True
        return object.__getattribute__(self, name)

    def __len__(self):
        object.__getattribute__(self, "_tracer").opaque = True
        return str.__len__(self)
