"""What a search asks for, parsed from query-string parameters with messages a reader understands.

One parser for the JSON API and the HTML page, so both reject the same input the same way.
Facet parameters take several values separated by commas (type=regulation,policy): a repeated
parameter arrives comma-joined from API Gateway and from the local server alike.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from site_builder.models import KIND_LABELS, NORMATIVE_DOCUMENT_LEVELS, PARTY_REGULATION_LEVELS, Kind, Validity

from .errors import InvalidSearch

MAX_QUERY = 200
MAX_SIZE = 50
DEFAULT_SIZE = 10
MAX_PAGE = 1000  # deeper pages cost a full sort and nobody reads them; narrow the search instead
MAX_VALUES = 20  # values of one filter
TYPES = {k.value: KIND_LABELS[k] for k in (Kind.regulation, Kind.policy, Kind.news, Kind.consultation,
                                             Kind.congress, Kind.research)}
LEVELS = PARTY_REGULATION_LEVELS + NORMATIVE_DOCUMENT_LEVELS
VALIDITIES = {v.value: v.label for v in Validity}
SORTS = {"relevance": "相关度", "date": "发布日期", "effective": "施行日期"}
MULTI = ("type", "issuer", "level", "validity", "unit", "year")
PARAMS = ("q", *MULTI, "from", "to", "sort", "page", "size")
LABELS = {"q": "检索词", "type": "文件类型", "issuer": "制定机关", "level": "效力位阶", "validity": "时效性",
          "unit": "组织单位", "year": "年份", "from": "起始日期", "to": "截止日期", "sort": "排序方式",
          "page": "页码", "size": "每页条数"}
_SEPARATORS = re.compile(r"[,，、]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[0-9]{1,7}")  # ASCII digits only: str.isdigit() also takes ² and ①


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    type: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()  # unit code, name or organ; resolved by the engine
    level: tuple[str, ...] = ()
    validity: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()  # each: this unit and everything below it
    year: tuple[int, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) for name in MULTI) or bool(self.date_from or self.date_to)

    @property
    def order(self) -> str:
        """relevance, date (公布日期, newest first) or effective (施行日期); an empty query has
        nothing to rank by and lists by date."""
        return "date" if self.sort == "relevance" and not self.q else self.sort

    def params(self, **changes) -> dict[str, str]:
        """The query-string parameters of this search (defaults left out), with `changes` applied."""
        values = {"q": self.q, **{name: getattr(self, name) for name in MULTI},
                  "from": self.date_from, "to": self.date_to, "sort": self.sort, "page": self.page,
                  "size": self.size}
        values.update(changes)
        defaults = {"sort": "relevance", "page": 1, "size": DEFAULT_SIZE}
        out = {}
        for name, value in values.items():
            if isinstance(value, (tuple, list)):
                value = ",".join(map(str, value))
            if value not in (None, "") and defaults.get(name) != value:
                out[name] = str(value)
        return out

    def toggled(self, name: str, value) -> tuple:
        """This filter's values with `value` added, or removed if it was chosen."""
        current = getattr(self, name)
        return tuple(v for v in current if v != value) if value in current else (*current, value)


def _shown(value: str) -> str:
    """What the reader sent, short and printable, for a message."""
    value = "".join(ch if ch.isprintable() else "�" for ch in value[:20])
    return value + ("…" if len(value) >= 20 else "")


def _unreadable(value: str) -> bool:
    """Control characters (but tab and line breaks) and lone surrogates, which no text holds."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r" for ch in value)


def _clean_query(raw: str, errors: dict[str, str]) -> str:
    if _unreadable(raw):
        errors["q"] = "检索词中有无法显示的控制字符，请删去后重试"
        return ""
    text = "".join(ch for ch in raw if unicodedata.category(ch) != "Cf")  # zero-width, bidi marks
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_QUERY:
        errors["q"] = f"检索词过长：最多 {MAX_QUERY} 个字符，现有 {len(text)} 个"
    return text


def _multi(name: str, raw: str, errors: dict[str, str], allowed=None) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.strip() for v in _SEPARATORS.split(raw) if v.strip()))
    label = LABELS[name]
    if len(values) > MAX_VALUES:
        errors[name] = f"{label}最多可选 {MAX_VALUES} 项，收到 {len(values)} 项"
    elif allowed is not None and (bad := [v for v in values if v not in allowed]):
        choices = "、".join(v if allowed[v] == v else f"{allowed[v]}（{v}）" for v in allowed)
        errors[name] = f"{label}取值无效：“{_shown(bad[0])}”，可选：{choices}"
    elif name == "year" and (bad := [v for v in values if not re.fullmatch(r"(19|20)[0-9]{2}", v)]):
        errors[name] = f"{label}应为四位数字，如 2024，收到“{_shown(bad[0])}”"
    elif name in ("issuer", "unit") and (bad := [v for v in values if len(v) > 50 or _unreadable(v)]):
        errors[name] = f"{label}无效：“{_shown(bad[0])}”"
    return values


def _integer(name: str, raw: str, low: int, high: int, default: int, errors: dict[str, str]) -> int:
    if not raw:
        return default
    if _NUMBER.fullmatch(raw) and low <= int(raw) <= high:
        return int(raw)
    errors[name] = f"{LABELS[name]}应为 {low} 到 {high} 之间的整数，收到“{_shown(raw)}”"
    return default


def _date(name: str, raw: str, errors: dict[str, str]) -> dt.date | None:
    if not raw:
        return None
    try:
        if _DATE.fullmatch(raw):
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    errors[name] = f"{LABELS[name]}应为“年-月-日”格式的真实日期，如 2024-03-01，收到“{_shown(raw)}”"
    return None


def parse_request(params: Mapping[str, str | None] | None) -> SearchRequest:
    """Parse query-string parameters; raise InvalidSearch listing every bad one."""
    raw = {k: (v if isinstance(v, str) else "").strip() for k, v in (params or {}).items() if k in PARAMS}
    errors: dict[str, str] = {}
    values: dict = {"q": _clean_query(raw.get("q", ""), errors)}
    allowed = {"type": TYPES, "level": {level: level for level in LEVELS}, "validity": VALIDITIES}
    for name in MULTI:
        if raw.get(name):
            found = _multi(name, raw[name], errors, allowed.get(name))
            values[name] = tuple(map(int, found)) if name == "year" and name not in errors else found
    if sort := raw.get("sort"):
        if sort in SORTS:
            values["sort"] = sort
        else:
            choices = "、".join(f"按{label}（{v}）" for v, label in SORTS.items())
            errors["sort"] = f"{LABELS['sort']}取值无效：“{_shown(sort)}”，可选：{choices}"
    values["date_from"] = _date("from", raw.get("from", ""), errors)
    values["date_to"] = _date("to", raw.get("to", ""), errors)
    if values["date_from"] and values["date_to"] and values["date_from"] > values["date_to"]:
        errors["from"] = "起始日期不能晚于截止日期"
    values["page"] = _integer("page", raw.get("page", ""), 1, MAX_PAGE, 1, errors)
    values["size"] = _integer("size", raw.get("size", ""), 1, MAX_SIZE, DEFAULT_SIZE, errors)
    if errors:
        raise InvalidSearch(errors)
    return SearchRequest(**values)
