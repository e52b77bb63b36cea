"""GET /api/search (JSON) and GET /search/ (the server-rendered results page). Thin: parse the
parameters, ask the SearchEngine, shape the answer.

The API's parameters reach `parse_request` as text, so that the API and the page reject the
same input with the same Chinese messages; their types are documented for OpenAPI with
`WithJsonSchema` (what a client should send), not enforced by Powertools. A parameter given
several times arrives from Powertools as a list (it keeps repeated query parameters apart) and
is comma-joined here, as API Gateway joins them in `queryStringParameters`.
"""

from __future__ import annotations

import os
from http import HTTPStatus
from pathlib import Path
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, WithJsonSchema

from search_index.engine import SearchEngine, open_engine
from search_index.errors import SearchUnavailable
from search_index.request import (
    DEFAULT_SIZE,
    LEVELS,
    MAX_PAGE,
    MAX_QUERY,
    MAX_SIZE,
    SORTS,
    TYPES,
    VALIDITIES,
    InvalidSearch,
    parse_request,
)
from search_index.results import SearchResult

from ..search_page import render_page

router = Router()
INDEX_ENV = "PORTAL_SEARCH_INDEX"
_engines: dict[Path, SearchEngine] = {}


def engine() -> SearchEngine:
    """The engine over $PORTAL_SEARCH_INDEX (default build/search-index), opened once per process."""
    path = Path(os.environ.get(INDEX_ENV, "build/search-index")).resolve()
    if path not in _engines:
        _engines[path] = open_engine(path)
    return _engines[path]


def forget_engines() -> None:
    """Open the index afresh on the next request (`portal preview` calls this after a rebuild)."""
    _engines.clear()


def _param(description: str, schema: dict, alias: str | None = None):
    return Annotated[str | list[str] | None, WithJsonSchema(schema), Query(alias=alias, description=description)]


def _text(value: str | list[str] | None) -> str | None:
    return ",".join(value) if isinstance(value, list) else value


def _choices(values) -> dict:
    """A comma-separated list of some of `values` (type=regulation,policy), as OpenAPI says it."""
    one = "(" + "|".join(values) + ")"
    return {"type": "string", "pattern": f"^{one}(,{one})*$", "examples": [",".join(list(values)[:2])]}


_DATE = {"type": "string", "format": "date", "examples": ["2024-03-01"]}
Q = _param(f"检索词：词语、用引号括起的整句或文号（如 冀办发〔2006〕12号），最多 {MAX_QUERY} 个字符",
           {"type": "string", "maxLength": MAX_QUERY, "examples": ["党员教育"]})
Types = _param("文件类型，可多选，用逗号分隔：" + "、".join(f"{v}（{label}）" for v, label in TYPES.items()),
               _choices(TYPES))
Issuers = _param("制定机关：单位代码、名称或发文机关名称，可多选，用逗号分隔",
                 {"type": "string", "examples": ["130000", "中共河北省委"]})
Levels = _param("效力位阶，可多选，用逗号分隔", _choices(LEVELS))
Validities = _param("时效性，可多选，用逗号分隔：" + "、".join(f"{v}（{label}）" for v, label in VALIDITIES.items()),
                    _choices(VALIDITIES))
Units = _param("组织单位（含下级单位）：单位代码或名称，可多选，用逗号分隔",
               {"type": "string", "examples": ["石家庄市", "130100"]})
Years = _param("年份（公布日期所在年），可多选，用逗号分隔",
               {"type": "string", "pattern": r"^(19|20)[0-9]{2}(,(19|20)[0-9]{2})*$", "examples": ["2024"]})
DateFrom = _param("公布日期不早于（含）", _DATE, alias="from")
DateTo = _param("公布日期不晚于（含）", _DATE, alias="to")
Sort = _param("排序：" + "、".join(f"{v}（按{label}）" for v, label in SORTS.items()) + "；不填检索词时按发布日期",
              {"type": "string", "enum": list(SORTS), "default": "relevance"})
Page = _param(f"页码，1 到 {MAX_PAGE}", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1})
Size = _param(f"每页条数，1 到 {MAX_SIZE}",
              {"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": DEFAULT_SIZE})


class SearchError(BaseModel):
    """The error body every handler sends (functions/http.py `error_response`)."""

    statusCode: int  # noqa: N815 - the documented JSON field name (functions/http.py error_response)
    message: str
    errors: dict[str, str] | None = None


def _answer(description: str, model) -> dict:
    return {"description": description, "content": {"application/json": {"model": model}}}


@router.get("/api/search", summary="检索文件", responses={
    200: _answer("一页检索结果", SearchResult),
    422: _answer("检索条件有误：errors 按参数逐项说明", SearchError),
    503: _answer("检索服务暂时不可用（索引缺失）", SearchError)})
def api_search(q: Q = None, type: Types = None, issuer: Issuers = None, level: Levels = None,
               validity: Validities = None, unit: Units = None, year: Years = None,
               date_from: DateFrom = None, date_to: DateTo = None, sort: Sort = None, page: Page = None,
               size: Size = None) -> SearchResult:
    """全文与字段检索：党内法规、政策文件、新闻和征求意见稿。返回总数、当前页结果（标题与摘要中的检索词以
    <mark> 标出）、各分面的计数（每个分面按其他已选条件计数，可继续多选）和已选条件。"""
    given = {"q": q, "type": type, "issuer": issuer, "level": level, "validity": validity, "unit": unit,
             "year": year, "from": date_from, "to": date_to, "sort": sort, "page": page, "size": size}
    return engine().search(parse_request({name: _text(value) for name, value in given.items()}))


@router.get("/search", include_in_schema=False)
@router.get("/search/", include_in_schema=False)
def search_page():  # no return annotation: Powertools would try to build a schema for Response
    params = router.current_event.query_string_parameters or {}
    status, result, request, errors, shell, units = HTTPStatus.OK, None, None, {}, None, []
    try:
        shell, units = engine().page_shell(), engine().units()
        request = parse_request(params)
        result = engine().search(request)
    except InvalidSearch as exc:
        status, errors = HTTPStatus.UNPROCESSABLE_ENTITY, exc.errors
    except SearchUnavailable:  # a page, not JSON, for people who came from the search box
        status, errors = HTTPStatus.SERVICE_UNAVAILABLE, {"service": "检索服务暂时不可用，请稍后再试"}
    html = render_page(shell, request, result, errors, params, units)
    return Response(status_code=status.value, content_type="text/html; charset=utf-8", body=html,
                    headers={"Cache-Control": "public, max-age=300"})
