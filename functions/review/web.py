"""What every review page shares: the session from the cookie, CSRF, rendering with security headers.

Pages are server-rendered with Jinja2 (autoescape on) and carry no script at all, so the
Content-Security-Policy forbids scripts outright. Text the public wrote goes through the `inert`
filter, which also makes bidirectional control characters visible instead of letting them
reorder the page.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from aws_lambda_powertools.event_handler import Response
from markupsafe import Markup, escape

from site_builder.templating import environment

from .. import config
from ..domain.access import Permission, allowed, denied_message
from ..domain.errors import AccessDenied, InvalidSubmission, NotFoundError, PageExpired
from ..formdata import read_pairs
from ..http import cookie as cookie_value
from ..http import is_https as _is_https
from ..services import accounts
from ..services.accounts import Session
from ..services.context import PortalContext

SESSION_COOKIE, SECURE_SESSION_COOKIE = "portal_session", "__Host-portal_session"
LOGIN_CSRF_COOKIE = "portal_login_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
NAV = (("/review/", "概况", Permission.view_cases), ("/review/cases", "信访事项", Permission.view_cases),
       ("/review/decision", "决策参考", Permission.view_decision_support),
       ("/review/opinions", "意见建议", Permission.view_opinions), ("/review/surveys", "网络调查", Permission.view_surveys),
       ("/review/audit", "审计日志", Permission.read_audit_log), ("/review/staff", "人员管理", Permission.manage_staff),
       ("/review/outbox", "通知发件箱", Permission.manage_staff))
_BIDI = {c: f"[U+{ord(c):04X}]" for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"}


def inert(value: object) -> Markup:
    """Escape, and show bidi controls as visible marks so they cannot reorder what staff read."""
    text = str(escape("" if value is None else value))
    for ch, mark in _BIDI.items():
        text = text.replace(ch, f'<span class="bidi">{mark}</span>')
    return Markup(text)


TEMPLATES = environment(Path(__file__).parent.parent / "templates", {"inert": inert})


class LoginRequired(Exception):
    """No live session: the handler answers with a redirect to the login page."""


def ctx() -> PortalContext:
    return config.context()


def is_https(event) -> bool:
    return _is_https(event.headers)


def cookie(event, name: str) -> str | None:
    return cookie_value(event.cookies, name)


def params(event) -> dict[str, str]:
    return event.query_string_parameters or {}


def session_cookie(event, token: str, max_age: int | None = None) -> str:
    name = SECURE_SESSION_COOKIE if is_https(event) else SESSION_COOKIE
    secure = "; Secure" if is_https(event) else ""
    age = f"; Max-Age={max_age}" if max_age is not None else ""
    return f"{name}={token}; Path=/; HttpOnly; SameSite=Strict{secure}{age}"


def current_session(event) -> Session:
    token = cookie(event, SECURE_SESSION_COOKIE) or cookie(event, SESSION_COOKIE)
    session = accounts.session_for(config.context(), token)
    if session is None:
        raise LoginRequired()
    return session


def form(event) -> dict[str, str]:
    return dict(read_pairs(event.decoded_body or "", max_fields=50))


def form_values(event, name: str) -> list[str]:
    """Every value of a field that may repeat (the cases ticked in a list)."""
    return [value for key, value in read_pairs(event.decoded_body or "", max_fields=50) if key == name]


def int_field(data: dict[str, str], name: str) -> int:
    value = data.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 12):
        raise InvalidSubmission("表单内容有误，请刷新页面后重试")
    return int(value)


def same_origin(event) -> bool:
    """Browsers send Origin on POST; a different origin is a cross-site request (belt and braces).

    Behind CloudFront the function sees API Gateway's host, not the site's, so the site's origin
    is configured (PORTAL_SITE_ORIGIN); locally the request's own host is the site."""
    origin = event.headers.get("origin")
    if not origin:
        return True
    configured = os.environ.get("PORTAL_SITE_ORIGIN")
    expected = configured or f"{'https' if is_https(event) else 'http'}://{event.headers.get('host', '')}"
    # Scheme, host and port, all three: "evil://127.0.0.1:8633" is not this site.
    return origin.rstrip("/").lower() == expected.rstrip("/").lower()


def posted_by(event, permission: Permission | None = None) -> tuple[Session, dict[str, str]]:
    """The session and the form of a POST, after the CSRF and origin checks."""
    session = current_session(event)
    data = form(event)
    if not same_origin(event) or not accounts.csrf_ok(session, data.get("csrf")):
        raise CsrfFailed()
    if permission is not None and not allowed(session.staff.role, permission):
        raise AccessDenied(denied_message(session.staff.role, permission))
    return session, data


class CsrfFailed(PageExpired):
    """The form's token or Origin does not match the session (→ the page has expired)."""

    def __init__(self) -> None:
        super().__init__("安全校验未通过（页面可能已打开太久），请返回并刷新页面后重试。")


class Forbidden(NotFoundError):
    """Not allowed here: answered exactly like a page that does not exist."""

    def __init__(self) -> None:
        super().__init__("页面不存在，或不在您的工作范围内。")


def page(template: str, session: Session | None, status: int = 200, headers: dict | None = None,
         cookies: list[str] | None = None, **context) -> Response:
    staff = session.staff if session else None
    org = config.context().org
    nav = [(href, label, perm) for href, label, perm in NAV if staff and allowed(staff.role, perm)
           and (href != "/review/outbox" or staff.unit in org.roots)]  # the outbox is the province's
    html = TEMPLATES.get_template(f"review/{template}").render(
        staff=staff, csrf=session.csrf if session else "", nav=nav,
        unit_name=org[staff.unit].name if staff and staff.unit in org else "", **context)
    response = Response(status_code=status, content_type="text/html; charset=utf-8", body=html,
                        headers={**SECURITY_HEADERS, **(headers or {})})
    for item in cookies or []:
        response.cookies.append(item)
    return response


def see_other(location: str, cookies: list[str] | None = None) -> Response:
    response = Response(status_code=303, content_type="text/html; charset=utf-8", body="",
                        headers={**SECURITY_HEADERS, "Location": location})
    for item in cookies or []:
        response.cookies.append(item)
    return response


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def login_csrf_cookie(event, token: str) -> str:
    """The login form's double-submit token (there is no session yet to hold one)."""
    secure = "; Secure" if is_https(event) else ""
    return f"{LOGIN_CSRF_COOKIE}={token}; Path=/review/login; HttpOnly; SameSite=Strict{secure}"


def now() -> dt.datetime:
    return config.context().clock()
