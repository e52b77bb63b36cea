"""The SearchEngine interface and its Whoosh implementation. Nothing outside search_index talks
to Whoosh: callers hand in a SearchRequest and get plain dataclasses back."""

from __future__ import annotations

import heapq
import json
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from whoosh import index
from whoosh import query as Q

from .docsets import DocSets
from .errors import SearchUnavailable
from .indexer import META_FILE, PAGE_FILE
from .query import build_query, has_phrase, rank_query
from .request import LEVELS, TYPES, VALIDITIES, InvalidSearch, SearchRequest
from .schema import FACETS
from .snippet import highlight, snippet


@dataclass
class Hit:
    title: str
    title_html: str  # escaped, matches in <mark>
    url: str
    type: str
    type_label: str
    snippet: str  # escaped, matches in <mark>
    date: str
    doc_number: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    level: str | None = None
    validity: str | None = None
    validity_label: str | None = None
    published: str | None = None
    effective: str | None = None
    unit: str | None = None
    unit_name: str | None = None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResult:
    total: int
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    filters: dict[str, str] = field(default_factory=dict)  # applied filters → readable labels

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["pages"] = self.pages
        return data


class SearchEngine(Protocol):
    def search(self, request: SearchRequest, facets: bool = True) -> SearchResult:
        """One page of hits; with `facets`, also the total and the counts over all matches."""

    def page_shell(self) -> str | None:
        """The site's chrome for the /search/ page, if the build provided one."""


class WhooshEngine:
    """Read-only searcher over an immutable index. One searcher is kept open for the life of the
    process; Whoosh searchers are not safe to share between threads, hence the lock."""

    def __init__(self, index_dir: Path | str):
        index_dir = Path(index_dir)
        if not index.exists_in(str(index_dir)):
            raise SearchUnavailable(f"检索索引不存在：{index_dir}")
        self._dir = index_dir
        self._searcher = index.open_dir(str(index_dir), readonly=True).searcher()
        reader = self._searcher.reader()
        # The index never changes, so facet and date columns are read into memory once.
        self._columns = {name: list(reader.column_reader(name)) for name in (*FACETS, "date")}
        self._sets = DocSets(self._searcher, reader.doc_count_all())
        meta = json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
        self._units: dict[str, dict] = meta["units"]
        self._unit_refs = {ref: code for code, u in self._units.items() for ref in (code, u["name"], u["organ"])}
        self._lock = threading.Lock()

    def page_shell(self) -> str | None:
        path = self._dir / PAGE_FILE
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def search(self, request: SearchRequest, facets: bool = True) -> SearchResult:
        filters, date_range, labels = self._filters(request)
        text_query, terms = build_query(request.q)
        if request.q and text_query is None:
            text_query = Q.NullQuery  # only punctuation typed: nothing can match
        want = request.page * request.size
        with self._lock:
            # The matching set comes from posting blocks, unscored (docsets.py); total, facets,
            # the date filter and date order read in-memory columns; only the top `want` hits
            # are scored by Whoosh.
            ranked_only = not facets and text_query is not None and not request.by_date \
                and not (filters or date_range or has_phrase(text_query))
            if ranked_only:  # top hits alone: Whoosh finds them faster than the set would be built
                matched = None
            elif filters or text_query is not None:
                matched = self._sets.of(Q.And([*filters, text_query] if text_query is not None else filters))
            else:
                matched = self._sets.everything
            if date_range:
                low, high = date_range
                date = self._columns["date"]
                matched = {d for d in matched if low <= date[d] <= high}
            if text_query is not None and not request.by_date:
                # Without filters `matched` is exactly what the query matches: no filter lets
                # Whoosh skip blocks that cannot reach the top hits.
                phrase = has_phrase(text_query)
                restrict = set(matched) if filters or date_range or phrase else None
                results = self._searcher.search(rank_query(text_query), limit=want, filter=restrict)
                ranked = [results.docnum(i) for i in range(min(want, results.scored_length()))]
                total = results.estimated_length() if matched is None else len(matched)
            else:
                date = self._columns["date"]
                ranked = heapq.nlargest(want, matched, key=lambda d: (date[d], -d))
                total = len(matched)
            hits = [self._hit(self._searcher.stored_fields(d), terms) for d in ranked[(request.page - 1) * request.size:]]
        counts = {name: Counter(map(self._columns[name].__getitem__, matched)) for name in FACETS} if facets else {}
        return SearchResult(total=total, page=request.page, size=request.size, hits=hits,
                            facets={name: self._facet(name, c) for name, c in counts.items()}, filters=labels)

    def _filters(self, request: SearchRequest) -> tuple[list[Q.Query], tuple[int, int] | None, dict[str, str]]:
        """Term filters, the date range (read from the date column, not a range query) and labels."""
        terms: list[Q.Query] = []
        labels: dict[str, str] = {}
        for name in ("type", "level", "validity"):
            if value := getattr(request, name):
                terms.append(Q.Term(name, value))
                labels[name] = self._label(name, value)
        for name in ("issuer", "unit"):
            if ref := getattr(request, name):
                code = self._unit_refs.get(ref)
                if code is None:
                    raise InvalidSearch({name: f"未知的{'制定机关' if name == 'issuer' else '组织单位'}：“{ref}”"})
                terms.append(Q.Term(name, code))  # unit: indexed with its ancestors, so subtree
                labels[name] = self._units[code]["organ" if name == "issuer" else "name"]
        if request.year:
            terms.append(Q.Term("year", str(request.year)))
            labels["year"] = f"{request.year}年"
        date_range = None
        if request.date_from or request.date_to:
            low = int(request.date_from.strftime("%Y%m%d")) if request.date_from else 0
            high = int(request.date_to.strftime("%Y%m%d")) if request.date_to else 99991231
            date_range = (low, high)
            labels["date"] = f"{request.date_from or '…'} 至 {request.date_to or '…'}"
        return terms, date_range, labels

    def _label(self, name: str, value: str) -> str:
        if name == "type":
            return TYPES.get(value, value)
        if name == "validity":
            return VALIDITIES.get(value, value)
        if name == "issuer":
            return self._units.get(value, {}).get("organ", value)
        if name == "year":
            return f"{value}年"
        return value

    def _facet(self, name: str, counts: dict) -> list[FacetValue]:
        values = [FacetValue(v, self._label(name, v), n) for v, n in counts.items() if v]
        if name == "year":
            return sorted(values, key=lambda f: f.value, reverse=True)
        if name == "level":
            return sorted(values, key=lambda f: LEVELS.index(f.value) if f.value in LEVELS else 99)
        return sorted(values, key=lambda f: (-f.count, f.value))

    def _hit(self, stored: dict, terms: list[str]) -> Hit:
        meta = stored.get("meta", {})
        unit = meta.get("unit")
        issuer = stored.get("issuer")
        validity = stored.get("validity")
        return Hit(title=stored["title"], title_html=highlight(stored["title"], terms), url=stored["url"],
                   type=stored["type"], type_label=TYPES.get(stored["type"], stored["type"]),
                   snippet=snippet(stored.get("body", ""), terms), date=meta["date"],
                   doc_number=meta.get("doc_number"), issuer=issuer,
                   issuer_name=self._label("issuer", issuer) if issuer else None,
                   level=stored.get("level"), validity=validity,
                   validity_label=VALIDITIES.get(validity) if validity else None,
                   published=meta.get("published"), effective=meta.get("effective"),
                   unit=unit, unit_name=self._units.get(unit, {}).get("name") if unit else None)


def open_engine(index_dir: Path | str) -> SearchEngine:
    return WhooshEngine(index_dir)
