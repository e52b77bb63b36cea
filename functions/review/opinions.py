"""Feedback and consultation comments for staff: the list in scope and the 采纳 / 不予采纳 decision."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import Permission, allowed
from ..services import opinions as service
from . import web

router = Router()


@router.get("/review/opinions", include_in_schema=False)
def opinions():
    session = web.current_session(router.current_event)
    params = web.params(router.current_event)
    found = service.opinions(web.ctx(), session.staff, params.get("feedback_after"), params.get("consultation"),
                             params.get("after"))
    return web.page("opinions.html", session, title="意见建议", active="/review/opinions",
                    feedback=found.feedback, feedback_next=found.feedback_next, groups=found.groups,
                    consultation=found.consultation, decisions=service.DECISIONS,
                    can_decide=allowed(session.staff.role, Permission.handle_opinions),
                    can_export=allowed(session.staff.role, Permission.export))


@router.post("/review/opinions/<collection>/<key>/decision", include_in_schema=False)
def decide(collection: str, key: str):
    session, data = web.posted_by(router.current_event, Permission.handle_opinions)
    service.decide(web.ctx(), session.staff, collection, key, data.get("version"), data.get("decision"),
                   data.get("reason"))
    return web.see_other("/review/opinions")
