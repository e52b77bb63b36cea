"""The one place that builds the HTTP resolver and maps exceptions to HTTP responses.

Every handler gets its resolver from make_resolver(), so JSON encoding (Chinese kept as UTF-8,
not \\uXXXX) and error shapes are the same everywhere. Domain errors become 4xx with a Chinese
message; nothing a caller sends should produce a 5xx.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from functions.domain import errors as domain
from site_builder.messages import chinese_message
from search_index.errors import InvalidSearch, SearchUnavailable

# Domain error class → status. The most specific class wins (Powertools looks up the MRO).
DOMAIN_STATUS = {
    domain.InvalidSubmission: HTTPStatus.UNPROCESSABLE_ENTITY,
    domain.NotFoundError: HTTPStatus.NOT_FOUND,
    domain.ConflictError: HTTPStatus.CONFLICT,
    domain.RateLimited: HTTPStatus.TOO_MANY_REQUESTS,
    domain.DomainError: HTTPStatus.BAD_REQUEST,
}


# How fields are named to the person who filled in the form.
FIELD_LABELS = {
    "kind": "类别", "unit": "单位", "subject": "标题", "body": "内容", "attachments": "附件",
    "contact": "联系方式", "contact.name": "姓名", "contact.mobile": "手机号码", "contact.email": "电子邮箱",
    "contact.id_number": "居民身份证号", "page": "页面", "article": "条文", "name": "姓名",
    "answers": "答案", "respondent_token": "答卷人标识", "query_code": "查询码", "X-Query-Code": "查询码",
    "rating": "评价", "reason": "理由", "filename": "文件名", "content_type": "文件类型", "size": "文件大小",
    "Idempotency-Key": "Idempotency-Key", "_form": "提交内容",
}
_LOCATIONS = ("body", "query", "path", "header", "cookie")


def validation_errors(raw: list[dict]) -> dict[str, str]:
    """Pydantic errors → {"contact.mobile": "手机号码应为 11 位数字，以 1 开头"}, in Chinese.
    Errors about the whole submission (not one field) are keyed "_form"."""
    errors: dict[str, str] = {}
    for error in raw:
        loc = list(error.get("loc", ()))
        where = loc.pop(0) if loc and loc[0] in _LOCATIONS else None
        if error.get("type") == "json_invalid":
            errors.setdefault("_form", "提交的内容不是有效的 JSON")
            continue
        if where == "body" and not loc and error.get("type") == "missing":
            errors.setdefault("_form", "缺少提交的内容")
            continue
        name = ".".join(str(part) for part in loc if not isinstance(part, int)) or "_form"
        errors.setdefault(name, chinese_message(error))
    return errors


def status_of(exc: domain.DomainError) -> HTTPStatus:
    """The one mapping of domain errors to HTTP statuses (the most specific class wins)."""
    return next(code for cls, code in DOMAIN_STATUS.items() if isinstance(exc, cls))


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def error_response(status: HTTPStatus, message: str, errors: dict[str, str] | None = None) -> Response:
    body = {"statusCode": status.value, "message": message}
    if errors:
        body["errors"] = errors
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON, body=body)


# At DEBUG the resolver logs each route's arguments (personal data); never let it go below INFO.
logging.getLogger("aws_lambda_powertools.event_handler").setLevel(logging.INFO)


def make_resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True, serializer=json_dumps)

    @app.exception_handler(list(DOMAIN_STATUS))
    def _domain(exc: domain.DomainError) -> Response:
        status = status_of(exc)
        response = error_response(status, exc.message, {exc.field: exc.message} if exc.field else None)
        if isinstance(exc, domain.RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(InvalidSearch)
    def _invalid_search(exc: InvalidSearch) -> Response:
        return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, f"请求参数有误：{exc}", exc.errors)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response:
        errors = validation_errors(exc.errors())
        summary = "；".join(f"{FIELD_LABELS.get(name, name)}：{text}" for name, text in errors.items())
        return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, f"请修改后再提交。{summary}", errors)

    @app.exception_handler(SearchUnavailable)
    def _unavailable(exc: SearchUnavailable) -> Response:
        return error_response(HTTPStatus.SERVICE_UNAVAILABLE, "检索服务暂时不可用，请稍后再试")

    @app.not_found
    def _not_found(exc: NotFoundError) -> Response:
        return error_response(HTTPStatus.NOT_FOUND, "没有这个地址")

    return app
