"""GET /api/search (JSON) and GET /search/ (the server-rendered results page). Thin: parse the
parameters, ask the SearchEngine, shape the answer."""

from __future__ import annotations

import os
from http import HTTPStatus
from pathlib import Path
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from search_index.engine import SearchEngine, open_engine
from search_index.errors import SearchUnavailable
from search_index.request import InvalidSearch, parse_request

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


Text = Annotated[str | None, Query()]


@router.get("/api/search")
def api_search(q: Text = None, type: Text = None, issuer: Text = None, level: Text = None,
               validity: Text = None, unit: Text = None, year: Text = None,
               date_from: Annotated[str | None, Query(alias="from")] = None,
               date_to: Annotated[str | None, Query(alias="to")] = None,
               sort: Text = None, page: Text = None, size: Text = None) -> dict:
    """全文与字段检索：党内法规、政策文件、新闻和征求意见稿。"""
    request = parse_request({"q": q, "type": type, "issuer": issuer, "level": level, "validity": validity,
                             "unit": unit, "year": year, "from": date_from, "to": date_to, "sort": sort,
                             "page": page, "size": size})
    return engine().search(request).to_dict()


@router.get("/search", include_in_schema=False)
@router.get("/search/", include_in_schema=False)
def search_page():  # no return annotation: Powertools would try to build a schema for Response
    params = router.current_event.query_string_parameters or {}
    status, result, request, errors, shell = HTTPStatus.OK, None, None, {}, None
    try:
        shell = engine().page_shell()
        request = parse_request(params)
        result = engine().search(request)
    except InvalidSearch as exc:
        status, errors = HTTPStatus.UNPROCESSABLE_ENTITY, exc.errors
    except SearchUnavailable:  # a page, not JSON, for people who came from the search box
        status, errors = HTTPStatus.SERVICE_UNAVAILABLE, {"service": "检索服务暂时不可用，请稍后再试"}
    html = render_page(shell, request, result, errors, params)
    return Response(status_code=status.value, content_type="text/html; charset=utf-8", body=html,
                    headers={"Cache-Control": "public, max-age=300"})
