"""The OpenAPI document of the public API: every router of every Lambda in one spec.

Served at GET /api/openapi.json and committed as docs/openapi.json; a test fails when they drift
(regenerate with `portal openapi > docs/openapi.json`)."""

from __future__ import annotations

import json
from functools import lru_cache

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

TITLE = "电子党务门户公共接口"
VERSION = "1.0.0"
router = Router()


@lru_cache(maxsize=1)
def spec_json() -> str:
    # Imported here so that no handler pays for the other handlers' imports at cold start.
    from functions.http import make_resolver
    from functions.routes import search, submissions

    app = make_resolver()
    app.include_router(search.router)
    app.include_router(submissions.router)
    raw = app.get_openapi_json_schema(title=TITLE, version=VERSION,
                                      description="检索党内法规、政策文件和新闻；提交信访事项、意见建议、征求意见和调查答卷。")
    return json.dumps(json.loads(raw), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@router.get("/api/openapi.json", include_in_schema=False)
def openapi_document():
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=spec_json(),
                    headers={"Cache-Control": "public, max-age=3600"})
