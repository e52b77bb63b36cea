"""The one place that maps errors to HTTP statuses, and the HTTP helpers every Lambda shares.

`status_of` is the one mapping of error classes to statuses: the JSON API, the forms posted without
JavaScript and the review pages all ask it, and only render the answer their own way (JSON, the form
again with the input kept, a review page). Every handler gets its resolver from make_resolver(), so
JSON encoding (Chinese kept as UTF-8, not \\uXXXX) and error shapes are the same everywhere.
Nothing a caller sends should produce a 5xx.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import traceback
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field

from functions.domain import errors as domain
from functions.store.protocol import NotFound, StoreError, VersionConflict
from search_index.errors import InvalidSearch, SearchUnavailable
from site_builder.messages import readable_errors

# Error class → status, most specific first (the first class an error is an instance of wins).
STATUS: dict[type[Exception], HTTPStatus] = {
    domain.InvalidSubmission: HTTPStatus.UNPROCESSABLE_ENTITY,
    domain.NotFoundError: HTTPStatus.NOT_FOUND,
    domain.ConflictError: HTTPStatus.CONFLICT,
    domain.RateLimited: HTTPStatus.TOO_MANY_REQUESTS,
    domain.AuthenticationFailed: HTTPStatus.UNAUTHORIZED,
    domain.PageExpired: HTTPStatus.FORBIDDEN,
    domain.AccessDenied: HTTPStatus.FORBIDDEN,
    domain.PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    domain.UnsupportedMediaType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    domain.MalformedRequest: HTTPStatus.BAD_REQUEST,
    domain.ServiceUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
    domain.MethodNotAllowed: HTTPStatus.METHOD_NOT_ALLOWED,
    domain.InternalError: HTTPStatus.INTERNAL_SERVER_ERROR,
    domain.DomainError: HTTPStatus.BAD_REQUEST,
    VersionConflict: HTTPStatus.CONFLICT,
    NotFound: HTTPStatus.NOT_FOUND,
    # The Store's own failures after its retries (StoreUnavailable is a ServiceUnavailable, above), and
    # AWS errors no adapter turned into one (an S3 call throttled or timed out): try again later.
    StoreError: HTTPStatus.SERVICE_UNAVAILABLE,
    ClientError: HTTPStatus.SERVICE_UNAVAILABLE,
    BotoCoreError: HTTPStatus.SERVICE_UNAVAILABLE,
    InvalidSearch: HTTPStatus.UNPROCESSABLE_ENTITY,
    SearchUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}
BUSY = "系统繁忙，本次操作没有完成，请稍后再试"
MESSAGES: dict[type[Exception], str] = {
    VersionConflict: "内容刚刚被他人修改，请刷新页面后重试",
    NotFound: "没有找到要修改的内容，请刷新页面后重试",
    StoreError: BUSY,
    ClientError: BUSY,
    BotoCoreError: BUSY,
    SearchUnavailable: "检索服务暂时不可用，请稍后再试",
}
RETRY_AFTER = 5  # seconds, when a 503 names no wait of its own


# How fields are named to the person who filled in the form.
FIELD_LABELS = {
    "kind": "类别", "unit": "受理单位", "subject": "标题", "body": "内容", "attachments": "附件",
    "notify": "办理进展通知", "publish_consent": "同意公开", "mailbox": "信箱",
    "contact": "联系方式", "contact.name": "姓名", "contact.mobile": "手机号码", "contact.email": "电子邮箱",
    "contact.id_number": "居民身份证号", "page": "页面", "article": "条文", "name": "姓名",
    "answers": "答案", "respondent_token": "答卷人标识", "query_code": "查询码", "X-Query-Code": "查询码",
    "rating": "评价", "reason": "理由", "filename": "文件名", "content_type": "文件类型", "size": "文件大小",
    "Idempotency-Key": "提交标识", "_form": "提交内容",
}
_LOCATIONS = ("body", "query", "path", "header", "cookie")


def validation_errors(raw: list[dict]) -> dict[str, str]:
    """Pydantic errors → {"contact.mobile": "手机号码应为 11 位数字，以 1 开头"}, in Chinese.
    Errors about the whole submission (not one field) are keyed "_form"."""
    errors: dict[str, str] = {}
    rest = []
    for error in raw:
        loc = list(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            errors.setdefault("_form", "提交的内容不是有效的 JSON")
            continue
        if loc == ["body"] and error.get("type") == "missing":
            errors.setdefault("_form", "缺少提交的内容")
            continue
        rest.append(error)
    # One message per field, union branches merged ("应为文本、整数或列表", not one line per type).
    for loc_tuple, message in readable_errors(rest):
        loc = list(loc_tuple)
        if loc and loc[0] in _LOCATIONS:
            loc.pop(0)
        errors.setdefault(".".join(str(part) for part in loc if not isinstance(part, int)) or "_form", message)
    return errors


def status_of(exc: Exception) -> HTTPStatus:
    """The one mapping of errors to HTTP statuses (the first matching class of STATUS wins)."""
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), HTTPStatus.INTERNAL_SERVER_ERROR)


def message_of(exc: Exception) -> str:
    """The Chinese message for the person who made the request."""
    if isinstance(exc, domain.DomainError):
        return exc.message
    if isinstance(exc, InvalidSearch):
        return f"请求参数有误：{exc}"
    return next((text for cls, text in MESSAGES.items() if isinstance(exc, cls)), "请求未能完成，请稍后再试")


def retry_after(exc: Exception) -> int | None:
    wait = getattr(exc, "retry_after", None)
    if wait is None and status_of(exc) is HTTPStatus.SERVICE_UNAVAILABLE:
        return RETRY_AFTER
    return wait


def is_https(headers: dict[str, str]) -> bool:
    """Did the browser use HTTPS? On Lambda always (CloudFront and API Gateway speak only HTTPS to
    browsers); locally when a proxy in front says so."""
    return (headers.get("x-forwarded-proto") == "https") or bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def cookie(cookies: list[str] | None, name: str) -> str | None:
    """The value of one cookie from an HTTP API v2 event's `cookies` list."""
    for item in cookies or []:
        key, _, value = item.partition("=")
        if key.strip() == name:
            return value.strip()
    return None


class ErrorOut(BaseModel):
    """Every error the API answers with."""

    statusCode: int = Field(description="HTTP 状态码")  # noqa: N815 - the wire name
    message: str = Field(description="给用户看的中文说明")
    errors: dict[str, str] | None = Field(None, description="字段 → 中文说明")


_ERROR_DESCRIPTIONS = {
    400: "请求无法读取（例如不是有效的 UTF-8 文本）", 401: "未登录或登录信息不正确", 403: "没有权限",
    404: "不存在，或受理编号与查询码不匹配", 405: "不支持这种请求方法", 409: "与当前状态冲突（已截止、已提交过、已被修改等）",
    413: "提交的内容过大", 415: "内容类型不对，应为 application/json", 422: "内容有误，errors 中逐项说明",
    429: "提交过于频繁，Retry-After 说明多少秒后再试", 503: "服务暂时不可用，Retry-After 说明多少秒后再试",
}


def documented(success: int, model: type[BaseModel], description: str, *errors: int) -> dict[int, dict]:
    """OpenAPI `responses` of an operation: its success status with its model, and every error status
    it can answer with (each with the ErrorOut model)."""
    responses = {success: {"description": description, "content": {"application/json": {"model": model}}}}
    # Any operation may meet an overloaded store or provider: 503 with Retry-After.
    responses.update({code: {"description": _ERROR_DESCRIPTIONS[code],
                             "content": {"application/json": {"model": ErrorOut}}} for code in (*errors, 503)})
    return responses


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def error_response(status: HTTPStatus, message: str, errors: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    body: dict = {"statusCode": status.value, "message": message}
    if errors:
        body["errors"] = errors
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON, body=body,
                    headers=headers)


def field_errors(exc: Exception) -> dict[str, str] | None:
    if isinstance(exc, InvalidSearch):
        return exc.errors
    if isinstance(exc, domain.DomainError) and exc.field:
        return {exc.field: exc.message}
    return None


def error_headers(exc: Exception) -> dict[str, str]:
    headers = {}
    wait = retry_after(exc)
    if wait is not None:
        headers["Retry-After"] = str(wait)
    if isinstance(exc, domain.MethodNotAllowed):
        headers["Allow"] = ", ".join(exc.allowed)
    return headers


_log = logging.getLogger("functions.errors")
UNEXPECTED = "系统暂时出现问题，本次提交没有保存，请稍后再试；如多次出现，请通过页面底部的联系方式告诉我们"


def unexpected(exc: BaseException) -> domain.InternalError:
    """Log an unexpected exception by its type and where it happened (never its message or the request:
    they may hold personal data) and turn it into the Chinese 500 every door shows."""
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{frame.filename.rsplit('/', 2)[-2:]}:{frame.lineno}" if frame else "?"
    _log.error("unexpected %s at %s", type(exc).__name__, where)
    return domain.InternalError(UNEXPECTED)


def unavailable(exc: Exception) -> None:
    """Log why a request got a 503: the error's class and AWS error code (or the Store's cause) and the
    operation — never its message or the request, which may hold personal data."""
    code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else getattr(exc, "cause", "")
    operation = getattr(exc, "operation_name", "")
    _log.warning("unavailable: %s %s %s", type(exc).__name__, code, operation)


def method_not_allowed(app: APIGatewayHttpResolver, method: str, path: str) -> domain.MethodNotAllowed | None:
    """A 405 when the path is routed for other methods only (None when the method is routed, or the path
    is not at all: that stays a 404). Reads the resolver's route list (Powertools is pinned)."""
    routes = app._static_routes + app._dynamic_routes  # noqa: SLF001
    methods = sorted({r.method for r in routes if r.rule.match(path)})
    if not methods or method.upper() in methods or method.upper() in ("HEAD", "OPTIONS"):
        return None
    return domain.MethodNotAllowed(f"这个地址不支持 {method.upper()} 请求，请使用 {'、'.join(methods)}", methods)


def json_error(exc: Exception) -> Response:
    """Any mapped error as the JSON API answers it: {"statusCode", "message", "errors"?}."""
    return error_response(status_of(exc), message_of(exc), field_errors(exc), error_headers(exc))


# At DEBUG the resolver logs each route's arguments (personal data); never let it go below INFO.
logging.getLogger("aws_lambda_powertools.event_handler").setLevel(logging.INFO)


class _RequestState(threading.local):
    """What Powertools keeps of the request being resolved, one copy per thread."""

    event = None
    lambda_context = None

    def __init__(self):
        self.context: dict = {}
        self.frames: list[str] = []


# One per thread for every resolver, as Powertools keeps one per process: a Router included in two
# resolvers (the OpenAPI document's and a handler's) reads the state of whichever it was included in
# last, and a thread resolves one event at a time.
_REQUEST_STATE = _RequestState()


def _per_thread(name: str) -> Any:
    """A resolver attribute kept in the thread's request state (`_RequestState.<name>`)."""
    return property(lambda self: getattr(self._request_state, name),
                    lambda self, value: setattr(self._request_state, name, value))


class ThreadLocalResolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver with its per-request state (the current event, the Lambda
    context, the routing context) kept per thread. Powertools 3.x keeps the current event on the
    BaseRouter class, i.e. one for the whole process: two requests resolved at once in two threads
    (the local server's workers) would read each other's event. On Lambda one thread resolves one
    event at a time, so nothing changes there."""

    def __init__(self, *args, **kwargs):
        self._request_state = _REQUEST_STATE  # before Powertools' __init__, which assigns self.context
        super().__init__(*args, **kwargs)

    # Each attribute Powertools reads and assigns per request, read from and written to this thread's state.
    current_event = _per_thread("event")
    lambda_context = _per_thread("lambda_context")
    context = _per_thread("context")
    processed_stack_frames = _per_thread("frames")

    def resolve(self, event, context) -> dict:
        self._request_state.event = self._to_proxy_event(event)
        self._request_state.lambda_context = context
        try:
            return super().resolve(event, context)
        finally:
            self._request_state.event = self._request_state.lambda_context = None


def make_resolver(render_error: Callable[[Exception], Response] = json_error) -> APIGatewayHttpResolver:
    """The one resolver factory. `render_error` turns a mapped error into this door's answer (JSON by
    default; the review Lambda renders a page); the status always comes from `status_of`. The resolver
    can serve several threads at once (ThreadLocalResolver)."""
    app = ThreadLocalResolver(enable_validation=True, serializer=json_dumps)

    @app.exception_handler(list(STATUS))
    def _mapped(exc: Exception) -> Response:
        if status_of(exc) is HTTPStatus.SERVICE_UNAVAILABLE:
            unavailable(exc)
        return render_error(exc)

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        return render_error(unexpected(exc))

    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response:
        errors = validation_errors(exc.errors())
        summary = "；".join(f"{FIELD_LABELS.get(name, name)}：{text}" for name, text in errors.items())
        return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, f"请修改后再提交。{summary}", errors)

    @app.not_found
    def _not_found(exc: NotFoundError) -> Response:
        return error_response(HTTPStatus.NOT_FOUND, "没有这个地址")

    return app
