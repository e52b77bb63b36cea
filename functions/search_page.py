"""Render the /search/ page on the server (works without JavaScript): a form, the results with
highlighted snippets, facet links, sort and pagination. Every state is a plain GET URL, so a
result page can be bookmarked and shared. Jinja2 autoescapes; only snippets marked by
search_index (escaped text + <mark>) are inserted as markup."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from search_index.engine import SearchResult
from search_index.page_shell import MARKER
from search_index.request import DEFAULT_SIZE, LEVELS, MAX_QUERY, SORTS, TYPES, VALIDITIES, SearchRequest

FACET_TITLES = {"type": "文件类型", "issuer": "制定机关", "level": "效力位阶", "validity": "时效性", "year": "年份"}
FILTER_TITLES = {**FACET_TITLES, "unit": "组织单位", "date": "日期"}


@lru_cache(maxsize=1)
def _template():
    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("search.html")


def _url(params: dict[str, str]) -> str:
    return "/search/" + ("?" + urlencode(params) if params else "")


def render_page(shell: str | None, request: SearchRequest | None, result: SearchResult | None,
                errors: dict[str, str], raw: dict[str, str]) -> str:
    """The whole HTML page: the results article poured into the site's chrome (`shell`)."""
    shown = request or SearchRequest(q=(raw.get("q") or "")[:MAX_QUERY])

    def link(**changes) -> str:
        changes.setdefault("page", None)  # any change of filter or sort starts again at page 1
        return _url(shown.params(**changes))

    article = _template().render(
        request=shown, result=result, errors=errors, link=link, raw=raw,
        facet_titles=FACET_TITLES, filter_titles=FILTER_TITLES, types=TYPES, levels=LEVELS,
        validities=VALIDITIES, sorts=SORTS, max_query=MAX_QUERY, default_size=DEFAULT_SIZE)
    if shell and MARKER in shell:
        return shell.replace(MARKER, article, 1).replace(
            "</head>", '<meta name="robots" content="noindex">\n</head>', 1)
    return ('<!doctype html>\n<html lang="zh"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            '<meta name="robots" content="noindex"><title>检索</title>'
            '<link rel="stylesheet" href="/assets/portal.css"></head>'
            f'<body><main class="md-typeset">{article}</main></body></html>')
