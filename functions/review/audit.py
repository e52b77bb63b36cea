"""The audit log page for 审计员: filters (person, action, case, unit, dates) and a page at a time
(?after= the opaque token of the next page)."""

from __future__ import annotations

from urllib.parse import urlencode

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..services import audit_log
from . import web

router = Router()
FILTER_KEYS = ("person", "action", "case", "unit", "from", "to")


@router.get("/review/audit", include_in_schema=False)
def audit_page():
    session = web.current_session(router.current_event)
    params = web.params(router.current_event)
    filters = audit_log.filters_of(params)
    found = audit_log.events_in_scope(web.ctx(), session.staff, params.get("after"), filters)
    kept = {k: params[k] for k in FILTER_KEYS if params.get(k)}
    ctx = web.ctx()
    return web.page("audit.html", session, title="审计日志", active="/review/audit", found=found, kept=kept,
                    query=urlencode(kept), actions=audit_log.action_choices(),
                    units=[(code, ctx.org[code].name) for code in ctx.org.subtree(session.staff.unit)])
