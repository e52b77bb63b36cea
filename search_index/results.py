"""What a search returns, the same from every engine: plain dataclasses, JSON-ready."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
    count: int  # matches with this value, under every other facet's choice
    selected: bool = False


@dataclass
class Filter:
    """One chosen filter value, shown as a removable chip."""

    name: str  # the parameter: type, issuer, level, validity, unit, year, date
    value: str
    label: str


@dataclass
class SearchResult:
    total: int
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    filters: list[Filter] = field(default_factory=list)
    pages: int = 1

    def __post_init__(self):
        self.pages = max(1, -(-self.total // self.size))

    def to_dict(self) -> dict:
        return asdict(self)
