"""留言选登 and 办理情况统计 for the public: server-rendered pages in the site's chrome (they come
from the Store, so they are not part of the static site and a withdrawal shows at once)."""

from __future__ import annotations

import os
import re
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from site_builder import shells
from site_builder.templating import environment

from .. import config
from ..domain.case import PUBLISHABLE_KINDS
from ..domain.errors import NotFoundError
from ..reports.charts import rate_chart_svg
from ..services import dialogue

router = Router()
_TEMPLATES = environment(Path(__file__).parent.parent / "templates")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CACHE = {"Cache-Control": "public, max-age=300"}


def _page(title: str, body: str, status: int = HTTPStatus.OK.value) -> Response:
    build = Path(os.environ.get("PORTAL_BUILD_DIR", "build"))
    html = shells.fill(shells.load(build, shells.GENERIC_SHELL), title, body)
    return Response(status_code=status, content_type="text/html; charset=utf-8", body=html, headers=CACHE)


def _filters(params: dict[str, str], ctx) -> dict[str, str | None]:
    unit = params.get("unit") if params.get("unit") in ctx.org else None
    kind = params.get("kind") if params.get("kind") in {k.value for k in PUBLISHABLE_KINDS} | {"mailbox"} else None
    month = params.get("month") if MONTH.match(params.get("month") or "") else None
    q = (params.get("q") or "").strip()[:50] or None
    return {"unit": unit, "kind": kind, "month": month, "q": q}


@router.get("/messages", include_in_schema=False)
@router.get("/messages/", include_in_schema=False)
def messages_page():
    ctx = config.context()
    params = router.current_event.query_string_parameters or {}
    filters = _filters(params, ctx)
    page = params.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and len(page) <= 4 else 1
    found = dialogue.listing(ctx, page=page, **filters)

    def link(**changes) -> str:
        query = {k: v for k, v in {**filters, "page": None, **changes}.items() if v}
        return "/messages/" + ("?" + urlencode(query) if query else "")

    body = _TEMPLATES.get_template("messages.html").render(
        found=found, filters=filters, link=link, units=[(c, ctx.org[c].name) for c in ctx.org.subtree(ctx.org.roots[0])],
        kinds=[("suggestion", "建议意见"), ("inquiry", "咨询"), ("mailbox", "领导信箱")])
    return _page("留言选登", body)


@router.get("/messages/stats", include_in_schema=False)
@router.get("/messages/stats/", include_in_schema=False)
def stats_page():
    ctx = config.context()
    params = router.current_event.query_string_parameters or {}
    filters = _filters(params, ctx)
    rows, months = dialogue.statistics(ctx, filters["unit"], filters["month"])
    chart = rate_chart_svg("按期答复率", [(r.name, r.figures.in_time_rate) for r in rows])
    body = _TEMPLATES.get_template("messages_stats.html").render(
        rows=rows, months=months, chart=chart, filters=filters,
        units=[(c, ctx.org[c].name) for c in ctx.org.subtree(ctx.org.roots[0])])
    return _page("办理情况统计", body)


@router.get("/messages/<reference>", include_in_schema=False)
def message_page(reference: str):
    ctx = config.context()
    try:
        item = dialogue.message(ctx, reference.strip("/"))
    except NotFoundError as exc:
        return _page("没有这条留言", f"<h1>没有这条留言</h1><p>{exc.message}</p><p><a href=\"/messages/\">返回留言选登</a></p>",
                     HTTPStatus.NOT_FOUND.value)
    return _page(item["subject"], _TEMPLATES.get_template("message.html").render(item=item))
