"""Render the /search/ page on the server (works without JavaScript): a form, the results with
highlighted snippets, facet links, sort and pagination. Every state is a plain GET URL, so a
result page can be bookmarked and shared. Jinja2 autoescapes; only snippets marked by
search_index (escaped text + <mark>) are inserted as markup."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from search_index.page_shell import MARKER
from search_index.request import DEFAULT_SIZE, LABELS, LEVELS, MAX_QUERY, MULTI, SORTS, TYPES, VALIDITIES, SearchRequest
from search_index.results import SearchResult
from site_builder.templating import environment

FACET_TITLES = {"type": "文件类型", "issuer": "制定机关", "level": "效力位阶", "validity": "时效性", "year": "年份"}
FILTER_TITLES = {**FACET_TITLES, "unit": "组织单位", "date": "日期"}
HEADER_BOX = 'id="portal-search-q"'  # the search box in the site header (theme/partials/header.html)
UNIT_DEPTH = 2  # units offered in the form: province, cities, counties (deeper via links and the API)


@dataclass
class Choice:
    label: str
    href: str
    selected: bool = False
    count: int | None = None


def _printable(text: str) -> str:
    """What was typed, shown back in the form after an error: without control characters and
    lone surrogates (the reason for the error, which the page cannot even encode)."""
    return "".join(ch for ch in str(text) if unicodedata.category(ch) not in ("Cc", "Cs"))


def _template():
    return _environment().get_template("search.html")


@lru_cache(maxsize=1)
def _environment():
    return environment(Path(__file__).with_name("templates"))


class Links:
    """URLs of this search with one thing changed; any change of filter or sort starts at page 1.
    Filters are carried as the engine resolved them (unit codes, not the names typed)."""

    def __init__(self, request: SearchRequest, result: SearchResult | None):
        self.request = request
        self.current = {name: tuple(str(v) for v in getattr(request, name)) for name in MULTI}
        if result is not None:
            for name in ("issuer", "unit"):
                self.current[name] = tuple(f.value for f in result.filters if f.name == name)

    def __call__(self, **changes) -> str:
        changes.setdefault("page", None)
        params = self.request.params(**{**self.current, **changes})
        return "/search/" + ("?" + urlencode(params) if params else "")

    def toggle(self, name: str, value: str) -> str:
        values = self.current[name]
        return self(**{name: tuple(v for v in values if v != value) if value in values else (*values, value)})

    def chips(self, result: SearchResult) -> list[Choice]:
        out = []
        for f in result.filters:
            href = self(**{"from": None, "to": None}) if f.name == "date" else self.toggle(f.name, f.value)
            out.append(Choice(f"{FILTER_TITLES[f.name]}：{f.label}", href, True))
        return out

    def facets(self, result: SearchResult) -> dict[str, list[Choice]]:
        return {name: [Choice(f.label, self.toggle(name, f.value), f.selected, f.count) for f in values]
                for name, values in result.facets.items() if values}


def render_page(shell: str | None, request: SearchRequest | None, result: SearchResult | None,
                errors: dict[str, str], raw: dict[str, str], units: list[tuple[str, str, int]] = ()) -> str:
    """The whole HTML page: the results article poured into the site's chrome (`shell`)."""
    shown = request or SearchRequest(q=_printable(raw.get("q") or "")[:MAX_QUERY])
    links = Links(shown, result)
    article = _template().render(
        request=shown, result=result, errors=errors, link=links, links=links, labels=LABELS,
        chips=links.chips(result) if result else [], facets=links.facets(result) if result else {},
        facet_titles=FACET_TITLES, types=TYPES, levels=LEVELS, validities=VALIDITIES, sorts=SORTS,
        units=[u for u in units if u[2] <= UNIT_DEPTH], max_query=MAX_QUERY, default_size=DEFAULT_SIZE)
    if shell and MARKER in shell:
        page = shell.replace(MARKER, article, 1).replace(
            "</head>", '<meta name="robots" content="noindex">\n</head>', 1)
        # The header's search box keeps what was searched for (the site's pages leave it empty).
        return page.replace(HEADER_BOX, f'{HEADER_BOX} value="{html.escape(shown.q)}"', 1)
    return ('<!doctype html>\n<html lang="zh"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            '<meta name="robots" content="noindex"><title>检索</title>'
            '<link rel="stylesheet" href="/assets/portal.css"></head>'
            f'<body><main class="md-typeset">{article}</main></body></html>')
