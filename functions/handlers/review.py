"""The review Lambda: /review/* pages for staff. Server-rendered, no scripts, scoped by unit."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from .. import guard, origin
from ..domain.errors import AccessDenied, DomainError
from ..http import error_headers, make_resolver, message_of, method_not_allowed, status_of
from ..review import audit, cases, decision, exports, login, opinions, outbox, staff, surveys, web

# Requests and pages are never logged: they hold petitioners' personal data.
logger = Logger(service="review", log_uncaught_exceptions=True)
_CSS = (Path(__file__).parent.parent / "static" / "review.css").read_text(encoding="utf-8")
TITLES = {HTTPStatus.NOT_FOUND: "没有这个页面", HTTPStatus.FORBIDDEN: "页面已过期"}
NOT_FOUND = "页面不存在，或不在您的工作范围内。"


def error_page(exc: Exception) -> Response:
    """Any mapped error as a review page: the status from the one mapping, a Chinese title and text."""
    status = status_of(exc)
    session = None
    try:
        session = web.current_session(app.current_event)
    except Exception:  # noqa: BLE001 - signed out, or the Store is what failed: the page without a menu
        pass
    # "Missing" and "not yours" read the same: nothing leaks about other units.
    body = NOT_FOUND if status is HTTPStatus.NOT_FOUND else message_of(exc)
    title = "无权使用这部分功能" if isinstance(exc, AccessDenied) else TITLES.get(status, "未能完成操作")
    return web.page("message.html", session, status=status.value, title=title,
                    body=body, headers=error_headers(exc))


app = make_resolver(render_error=error_page)
for module in (login, cases, decision, opinions, surveys, exports, audit, staff, outbox):
    app.include_router(module.router)


@app.exception_handler(web.LoginRequired)
def _login(_exc) -> Response:
    return web.see_other("/review/login")


@app.get("/review/static/review.css", include_in_schema=False)
def stylesheet():
    return Response(status_code=200, content_type="text/css; charset=utf-8", body=_CSS,
                    headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


def handler(event: dict, context) -> dict:
    refused = origin.refuse_direct_call(event)
    if refused is not None:
        return refused
    http = event.get("requestContext", {}).get("http", {})
    try:
        wrong_method = method_not_allowed(app, http.get("method", "GET"), event.get("rawPath", ""))
        if wrong_method is not None:
            raise wrong_method
        guard.check_body(event, accept_forms=True)
    except DomainError as exc:
        return {"statusCode": status_of(exc).value,
                "headers": {"Content-Type": "text/plain; charset=utf-8", **error_headers(exc)},
                "body": message_of(exc), "isBase64Encoded": False}
    return app.resolve(event, context)
