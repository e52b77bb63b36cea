"""The display modes (字号, 高对比度, 适老化) without JavaScript: the toolbar's links come here.

GET /forms/display?size=large (or contrast=toggle, elder=toggle, reset=1) sets the cookie of
site_builder/display.py and returns to the page the link was on. Every page asks
/forms/display.css from inside <noscript>; it answers with a redirect to the built stylesheet of
the cookie's choice, so static pages on S3 follow the choice without any edge function (which the
China regions do not offer). With JavaScript neither is used: the toolbar acts in the page.
"""

from __future__ import annotations

import dataclasses
from http import HTTPStatus
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from site_builder import display

from ..domain.errors import MalformedRequest
from ..http import cookie, is_https

router = Router()
_YEAR = 365 * 24 * 3600
_TOGGLES = {"on": True, "off": False}


@router.get("/forms/display", include_in_schema=False)
def set_display():
    event = router.current_event
    choice = _changed(display.parse(cookie(event.cookies, display.COOKIE)), event.query_string_parameters or {})
    secure = "; Secure" if is_https(event.headers) else ""
    response = Response(status_code=HTTPStatus.SEE_OTHER.value, content_type="text/html; charset=utf-8", body="",
                        headers={"Location": _back(event.headers.get("referer")), "Cache-Control": "no-store"})
    response.cookies.append(f"{display.COOKIE}={choice.key}; Path=/; Max-Age={_YEAR}; SameSite=Lax{secure}")
    return response


@router.get("/forms/display.css", include_in_schema=False)
def display_stylesheet():
    choice = display.parse(cookie(router.current_event.cookies, display.COOKIE))
    return Response(status_code=HTTPStatus.FOUND.value, content_type="text/css; charset=utf-8", body="",
                    headers={"Location": choice.stylesheet, "Cache-Control": "no-store"})


def _changed(choice: display.Choice, query: dict[str, str]) -> display.Choice:
    """The choice after one link of the toolbar; an unknown setting is refused in Chinese."""
    unknown = set(query) - {"size", "contrast", "elder", "reset"}
    if unknown or not query:
        raise MalformedRequest("无法识别的显示设置，请回到页面顶部重新选择字号、高对比度或适老化")
    if "reset" in query:
        return display.Choice()
    if "size" in query:
        if query["size"] not in display.SIZES:
            raise MalformedRequest("字号只能选择“标准”“大”或“特大”")
        choice = dataclasses.replace(choice, size=query["size"])
    for flag in display.FLAGS:
        if flag in query:
            value = query[flag]
            if value != "toggle" and value not in _TOGGLES:
                raise MalformedRequest("高对比度和适老化只能打开或关闭")
            choice = dataclasses.replace(choice, **{flag: not getattr(choice, flag) if value == "toggle" else _TOGGLES[value]})
    return choice


def _back(referer: str | None) -> str:
    """The page the link was on (its path and query only, never another site); else the home page."""
    parts = urlsplit(referer or "")
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 500 or path.startswith("/forms/display"):
        return "/"
    return path + (f"?{parts.query}" if parts.query and len(parts.query) <= 500 else "")
