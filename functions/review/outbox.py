"""The outbox page for the province's 管理员: what was sent, what waits, what failed (and retry)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import Permission
from ..services import notifications
from . import web

router = Router()


@router.get("/review/outbox", include_in_schema=False)
def outbox_page():
    session = web.current_session(router.current_event)
    groups = notifications.overview(web.ctx(), session.staff)
    return web.page("outbox.html", session, title="通知发件箱", active="/review/outbox", groups=groups,
                    labels=notifications.STATE_LABELS)


@router.post("/review/outbox/<key>/retry", include_in_schema=False)
def outbox_retry(key: str):
    session, _ = web.posted_by(router.current_event, Permission.manage_staff)
    notifications.retry(web.ctx(), session.staff, key)
    return web.see_other("/review/outbox")
