"""Chinese full-text and fielded search behind the SearchEngine interface, on Whoosh or SQLite FTS5.

Build side: `build_index(content, out_dir, site_dir)`. Runtime: `open_engine(dir).search(request)`.
Names are imported lazily so that `search_index.errors` / `.request` stay free of the engines (the
shared HTTP layer imports them in every Lambda).
"""

from importlib import import_module

_EXPORTS = {
    "FacetValue": "results", "Filter": "results", "Hit": "results", "SearchResult": "results",
    "SearchEngine": "engine", "open_engine": "engine", "build_index": "indexer",
    "InvalidSearch": "errors", "SearchUnavailable": "errors", "SearchRequest": "request",
    "parse_request": "request",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(name)
