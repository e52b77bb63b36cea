"""The audit log page for 审计员, a page at a time (?after= the opaque token of the next page)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..services import audit_log
from . import web

router = Router()


@router.get("/review/audit", include_in_schema=False)
def audit_page():
    session = web.current_session(router.current_event)
    events, next_token = audit_log.events_in_scope(web.ctx(), session.staff, web.params(router.current_event).get("after"))
    return web.page("audit.html", session, title="审计日志", active="/review/audit", events=events,
                    next_token=next_token)
