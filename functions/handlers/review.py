"""The review Lambda: /review/* pages for staff. Server-rendered, no scripts, scoped by unit."""

from __future__ import annotations

from pathlib import Path

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from .. import guard, origin
from ..domain.errors import ConflictError, DomainError, InvalidSubmission, NotFoundError, RateLimited
from ..http import make_resolver, status_of
from ..review import cases, more, web

# Requests and pages are never logged: they hold petitioners' personal data.
logger = Logger(service="review", log_uncaught_exceptions=True)
app = make_resolver()
app.include_router(cases.router)
app.include_router(more.router)
_CSS = (Path(__file__).parent.parent / "static" / "review.css").read_text(encoding="utf-8")


def _message(status: int, title: str, body: str = "") -> Response:
    session = None
    try:
        session = web.current_session(app.current_event)
    except web.LoginRequired:
        pass
    return web.page("message.html", session, status=status, title=title, body=body)


@app.exception_handler(web.LoginRequired)
def _login(_exc) -> Response:
    return web.see_other("/review/login")


@app.exception_handler(web.CsrfFailed)
def _csrf(_exc) -> Response:
    return _message(403, "页面已过期", "安全校验未通过（页面可能已打开太久），请返回并刷新页面后重试。")


@app.exception_handler([web.Forbidden, NotFoundError])
def _not_found(_exc) -> Response:
    # The same answer for "does not exist" and "not yours": nothing leaks about other units.
    return _message(404, "没有这个页面", "页面不存在，或不在您的工作范围内。")


@app.exception_handler([ConflictError, InvalidSubmission, RateLimited, DomainError])
def _domain(exc: DomainError) -> Response:
    return _message(status_of(exc).value, "未能完成操作", exc.message)


@app.get("/review/static/review.css", include_in_schema=False)
def stylesheet():
    return Response(status_code=200, content_type="text/css; charset=utf-8", body=_CSS,
                    headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


def handler(event: dict, context) -> dict:
    refused = origin.refuse_direct_call(event)
    if refused is not None:
        return refused
    problem = guard.check_body(event, accept_forms=True)
    if problem is not None:
        status, message = problem
        return {"statusCode": status.value, "headers": {"Content-Type": "text/plain; charset=utf-8"},
                "body": message, "isBase64Encoded": False}
    return app.resolve(event, context)
