"""Signing in and out of the review workspace, and the landing page that sends each role where it works."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import Permission, allowed
from ..domain.errors import DomainError
from ..guard import client_ip
from ..http import error_headers, message_of, status_of
from ..services import accounts
from ..services.dashboard import dashboard
from . import web

router = Router()


@router.get("/review/login", include_in_schema=False)
def login_page():
    token = web.new_login_csrf()
    return web.page("login.html", None, title="登录", login_csrf=token,
                    cookies=[web.login_csrf_cookie(router.current_event, token)])


@router.post("/review/login", include_in_schema=False)
def login():
    event = router.current_event
    data = web.form(event)
    expected = web.cookie(event, web.LOGIN_CSRF_COOKIE)
    ctx = web.ctx()
    fresh = web.new_login_csrf()
    csrf_cookie = web.login_csrf_cookie(event, fresh)

    def again(status: int, message: str, headers: dict | None = None) -> Response:
        return web.page("login.html", None, status=status, title="登录", login_csrf=fresh, message=message,
                        username=data.get("username", "")[:64], headers=headers, cookies=[csrf_cookie])

    if not expected or not web.same_origin(event) or data.get("csrf") != expected:
        return again(403, "页面已过期，请重新登录")
    try:
        token, _ = accounts.login(ctx, data.get("username", ""), data.get("password", ""), client_ip(event.raw_event))
    except DomainError as exc:
        return again(status_of(exc).value, message_of(exc), error_headers(exc))
    # A brand-new session id at every login; the login form's token is spent.
    return web.see_other("/review/", [web.session_cookie(event, token),
                                      f"{web.LOGIN_CSRF_COOKIE}=; Path=/review/login; Max-Age=0"])


@router.post("/review/logout", include_in_schema=False)
def logout():
    session, _ = web.posted_by(router.current_event)
    accounts.logout(web.ctx(), session)
    return web.see_other("/review/login", [web.session_cookie(router.current_event, "", max_age=0)])


@router.get("/review/", include_in_schema=False)
@router.get("/review", include_in_schema=False)
def home():
    session = web.current_session(router.current_event)
    if not allowed(session.staff.role, Permission.view_cases):
        target = "/review/staff" if allowed(session.staff.role, Permission.manage_staff) else "/review/audit"
        return web.see_other(target)
    ctx = web.ctx()
    today = ctx.today()
    return web.page("dashboard.html", session, title="工作概况", active="/review/", today=today,
                    **dashboard(ctx, session.staff, today))
