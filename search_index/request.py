"""What a search asks for, parsed from query-string parameters with messages a reader understands.

One parser for the JSON API and the HTML page, so both reject the same input the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from site_builder.models import (KIND_LABELS, NORMATIVE_DOCUMENT_LEVELS, PARTY_REGULATION_LEVELS,
                                 Kind, Validity)

from .errors import InvalidSearch

MAX_QUERY = 200
MAX_SIZE = 50
DEFAULT_SIZE = 10
MAX_PAGE = 1000  # deeper pages cost a full sort and nobody reads them; narrow the search instead
TYPES = {k.value: KIND_LABELS[k] for k in (Kind.regulation, Kind.policy, Kind.news, Kind.consultation)}
LEVELS = PARTY_REGULATION_LEVELS + NORMATIVE_DOCUMENT_LEVELS
VALIDITIES = {v.value: v.label for v in Validity}
SORTS = {"relevance": "相关度", "date": "日期"}
PARAMS = ("q", "type", "issuer", "level", "validity", "unit", "year", "from", "to", "sort", "page", "size")


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    type: str | None = None
    issuer: str | None = None  # unit code, name or organ; resolved by the engine
    level: str | None = None
    validity: str | None = None
    unit: str | None = None  # this unit and everything below it
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE
    errors: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def has_filters(self) -> bool:
        return any(v is not None for v in (self.type, self.issuer, self.level, self.validity, self.unit,
                                            self.year, self.date_from, self.date_to))

    @property
    def by_date(self) -> bool:
        """Sort newest first: asked for, or nothing to rank by (an empty query lists by date)."""
        return self.sort == "date" or not self.q

    def params(self, **changes) -> dict[str, str]:
        """The query-string parameters of this search (defaults left out), with `changes` applied."""
        values = {"q": self.q, "type": self.type, "issuer": self.issuer, "level": self.level,
                  "validity": self.validity, "unit": self.unit, "year": self.year,
                  "from": self.date_from, "to": self.date_to, "sort": self.sort, "page": self.page,
                  "size": self.size}
        values.update(changes)
        defaults = {"sort": "relevance", "page": 1, "size": DEFAULT_SIZE}
        return {k: str(v) for k, v in values.items() if v not in (None, "") and defaults.get(k) != v}


def parse_request(params: Mapping[str, str | None] | None) -> SearchRequest:
    """Parse query-string parameters; raise InvalidSearch listing every bad one."""
    raw = {k: (v or "").strip() for k, v in (params or {}).items() if k in PARAMS}
    errors: dict[str, str] = {}
    values: dict = {}

    q = re.sub(r"\s+", " ", raw.get("q", ""))
    if len(q) > MAX_QUERY:
        errors["q"] = f"检索词过长：最多 {MAX_QUERY} 个字符，现有 {len(q)} 个"
    values["q"] = q

    def choice(name: str, allowed, label: str) -> None:
        if value := raw.get(name):
            if value in allowed:
                values[name] = value
            else:
                errors[name] = f"{label}取值无效：“{value[:20]}”，可选：{'、'.join(allowed)}"

    choice("type", TYPES, "文件类型 type ")
    choice("level", LEVELS, "效力位阶 level ")
    choice("validity", VALIDITIES, "时效性 validity ")
    choice("sort", SORTS, "排序方式 sort ")
    for name in ("issuer", "unit"):
        if value := raw.get(name):
            values[name] = value[:50]

    if value := raw.get("year"):
        if re.fullmatch(r"(19|20)\d\d", value):
            values["year"] = int(value)
        else:
            errors["year"] = f"年份 year 应为四位数字，如 2024，收到“{value[:20]}”"
    for name, key, label in (("from", "date_from", "起始日期 from"), ("to", "date_to", "截止日期 to")):
        if value := raw.get(name):
            try:
                values[key] = dt.date.fromisoformat(value)
            except ValueError:
                errors[name] = f"{label} 应为 YYYY-MM-DD 格式的真实日期，收到“{value[:20]}”"
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        errors["from"] = "起始日期 from 不能晚于截止日期 to"

    for name, low, high, default in (("page", 1, MAX_PAGE, 1), ("size", 1, MAX_SIZE, DEFAULT_SIZE)):
        value = raw.get(name)
        if not value:
            values[name] = default
        elif value.isascii() and value.isdigit() and len(value) <= 7 and low <= int(value) <= high:  # not ², ①, 9…9
            values[name] = int(value)
        else:
            label = "页码 page" if name == "page" else "每页条数 size"
            errors[name] = f"{label} 应为 {low} 到 {high} 之间的整数，收到“{value[:20]}”"

    if errors:
        raise InvalidSearch(errors)
    return SearchRequest(**values)
