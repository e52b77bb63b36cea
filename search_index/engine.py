"""The SearchEngine interface and the one search flow both engines share.

An engine is a backend (Whoosh or SQLite FTS5: which documents match the words, how they rank,
their stored record) plus what is the same for all: the DocTable of filter columns, the unit
list, labels, facets, 文号 ordering and hits. Which backend an index uses is recorded in the
index folder at build time (`PORTAL_SEARCH_ENGINE`, see indexer.py); `open_engine` reads it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from .analyzer import analyzer
from .errors import SearchUnavailable
from .query import TextQuery, parse_text
from .ranking import Matcher, Postings
from .records import FACETS, IndexRecord
from .request import LEVELS, TYPES, VALIDITIES, InvalidSearch, SearchRequest
from .results import FacetValue, Filter, Hit, SearchResult
from .snippet import highlight, snippet
from .table import DocTable, intersect

META_FILE = "portal-search.json"  # engine, units, dictionary words: what the searcher needs
PAGE_FILE = "page.html"  # the site's chrome around the search results (see page_shell.py)
ENGINES = ("whoosh", "fts5")


class SearchEngine(Protocol):
    name: str

    def search(self, request: SearchRequest, facets: bool = True) -> SearchResult:
        """One page of hits; with `facets`, also the counts over all matches."""

    def page_shell(self) -> str | None:
        """The site's chrome for the /search/ page, if the build provided one."""

    def units(self) -> list[tuple[str, str, int]]:
        """(code, name, depth) of the units a reader can filter by, parents before children."""


class Backend(Postings, Protocol):
    def rows(self):
        """(number, *table.ROW) of every live document."""

    def record(self, doc: int) -> IndexRecord:
        """The stored record of one document, for its hit."""


class Engine:
    def __init__(self, name: str, backend: Backend, folder: Path, meta: dict):
        self.name = name
        self._backend = backend
        self._dir = folder
        self._units: dict[str, dict] = meta["units"]
        self._refs = {ref: code for code, u in self._units.items() for ref in (code, u["name"], u["organ"])}
        self._analyzer = analyzer(tuple(meta.get("words", ())))
        self.table = DocTable(backend.rows(), {c: u["parent"] for c, u in self._units.items()})
        self._matcher = Matcher(backend, self.table.order, self.table.everything)

    def page_shell(self) -> str | None:
        path = self._dir / PAGE_FILE
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def units(self) -> list[tuple[str, str, int]]:
        children: dict[str | None, list[str]] = {}
        for code, unit in sorted(self._units.items()):
            children.setdefault(unit["parent"] if unit["parent"] in self._units else None, []).append(code)
        out, stack = [], [(code, 0) for code in reversed(children.get(None, []))]
        while stack:
            code, depth = stack.pop()
            out.append((code, self._units[code]["name"], depth))
            stack += [(child, depth + 1) for child in reversed(children.get(code, []))]
        return out

    def search(self, request: SearchRequest, facets: bool = True) -> SearchResult:
        chosen, labels = self._filters(request)
        query = parse_text(request.q, self._analyzer) if request.q else None
        base = self.table.everything if query is None else self._text_matches(query)
        if request.date_from or request.date_to:
            low = int(request.date_from.strftime("%Y%m%d")) if request.date_from else 0
            high = int(request.date_to.strftime("%Y%m%d")) if request.date_to else 99991231
            base = self.table.within(base, low, high)
        matched = intersect([base, *chosen.values()])
        want = request.page * request.size
        if request.order == "relevance":
            ranked = self._ranked(query, matched, base, want)
        else:
            ranked = self.table.newest(matched, want, request.order)
        hits = [self._hit(self._backend.record(d), query) for d in ranked[(request.page - 1) * request.size:]]
        counts = {}
        if facets:  # each facet counted under every *other* facet's choice: values can be added
            for name in FACETS:
                others = [docs for other, docs in chosen.items() if other != name]
                docs = intersect([base, *others]) if name in chosen else matched
                counts[name] = self._facet(name, self.table.counts(name, docs), getattr(request, name))
        return SearchResult(total=len(matched), page=request.page, size=request.size, hits=hits,
                            facets=counts, filters=labels)

    def _text_matches(self, query: TextQuery) -> set[int]:
        found = self._matcher.match(query.clauses) if query.clauses else set()
        if query.doc_number:
            found = found | self.table.with_doc_number(*query.doc_number)
        return found & self.table.everything

    def _ranked(self, query: TextQuery, matched, base, want: int) -> list[int]:
        """Documents with the 文号 typed come first (newest first), then the rest by score."""
        numbered = self.table.with_doc_number(*query.doc_number) & matched if query.doc_number else set()
        first = self.table.newest(numbered, want)
        rest = matched - numbered if numbered else matched
        return first + self._matcher.top(query, rest, want - len(first))

    def _filters(self, request: SearchRequest) -> tuple[dict[str, set[int]], list[Filter]]:
        chosen: dict[str, set[int]] = {}
        labels: list[Filter] = []
        for name in ("type", "level", "validity", "year", "issuer", "unit"):
            values = [str(v) for v in getattr(request, name)]
            if name in ("issuer", "unit"):
                values = [self._unit_code(name, ref) for ref in values]
            if values:
                chosen[name] = self.table.with_values(name, values)
                labels += [Filter(name, v, self._label(name, v)) for v in values]
        if request.date_from or request.date_to:
            span = f"{request.date_from or '…'} 至 {request.date_to or '…'}"
            labels.append(Filter("date", span, span))
        return chosen, labels

    def _unit_code(self, name: str, ref: str) -> str:
        code = self._refs.get(ref)
        if code is None:
            raise InvalidSearch({name: f"未知的{'制定机关' if name == 'issuer' else '组织单位'}：“{ref[:50]}”"})
        return code

    def _label(self, name: str, value: str) -> str:
        if name == "type":
            return TYPES.get(value, value)
        if name == "validity":
            return VALIDITIES.get(value, value)
        if name in ("issuer", "unit") and value in self._units:
            return self._units[value]["organ" if name == "issuer" else "name"]
        if name == "year":
            return f"{value}年"
        return value

    def _facet(self, name: str, counts, chosen) -> list[FacetValue]:
        chosen = {str(v) for v in chosen} if name != "issuer" else {self._refs.get(v) for v in chosen}
        values = [FacetValue(v, self._label(name, v), n, v in chosen) for v, n in counts.items()]
        if name == "year":
            return sorted(values, key=lambda f: f.value, reverse=True)
        if name == "level":
            return sorted(values, key=lambda f: LEVELS.index(f.value) if f.value in LEVELS else 99)
        return sorted(values, key=lambda f: (-f.count, f.value))

    def _hit(self, rec: IndexRecord, query: TextQuery | None) -> Hit:
        terms = list(query.highlight) if query else []
        published = f"{rec.date // 10000:04d}-{rec.date // 100 % 100:02d}-{rec.date % 100:02d}"
        effective = (f"{rec.effective // 10000:04d}-{rec.effective // 100 % 100:02d}-{rec.effective % 100:02d}"
                     if rec.effective else None)
        return Hit(title=rec.title, title_html=highlight(rec.title, terms), url=rec.url, type=rec.type,
                   type_label=TYPES.get(rec.type, rec.type), snippet=snippet(rec.text, terms), date=published,
                   doc_number=rec.doc_number or None, issuer=rec.issuer or None,
                   issuer_name=self._label("issuer", rec.issuer) if rec.issuer else None,
                   level=rec.level or None, validity=rec.validity or None,
                   validity_label=VALIDITIES.get(rec.validity) if rec.validity else None,
                   published=published if rec.effective else None, effective=effective,
                   unit=rec.unit or None, unit_name=self._label("unit", rec.unit) if rec.unit else None)


def open_engine(folder: Path | str) -> SearchEngine:
    """The engine recorded in `folder` at build time, read-only. An index that is missing or
    cannot be read (half copied, an SQLite without FTS5) is SearchUnavailable, a 503."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SearchUnavailable(f"检索索引不存在或不完整：{folder}") from exc
    name = meta.get("engine", "whoosh")
    try:
        if name == "fts5":
            from .fts5_backend import Fts5Backend

            return Engine(name, Fts5Backend(folder), folder, meta)
        from .whoosh_backend import WhooshBackend

        return Engine(name, WhooshBackend(folder), folder, meta)
    except Exception as exc:  # noqa: BLE001 - whatever the engine raised, the reader gets a 503
        logging.getLogger(__name__).exception("search index at %s cannot be opened", folder)
        raise SearchUnavailable(f"检索索引无法打开：{folder}") from exc
