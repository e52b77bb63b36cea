"""Review pages for petition cases: the queues, the case page and its actions. Each route reads
the form, calls one casework service and renders; the rules live in the service and the domain."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import Permission, allowed
from ..domain.case import Stage
from ..domain.errors import DomainError, InvalidSubmission
from ..domain.transitions import ActionInput
from ..http import message_of, status_of
from ..services import casework
from ..services.accounts import Session, Staff
from . import web

router = Router()
ATTACHMENT_LINK_SECONDS = 300
STAGES = {s.value for s in Stage}


def queue_filters(session: Session) -> tuple[str, str | None, str | None]:
    """(view, unit, stage) from the query string; anything unknown or out of scope is ignored."""
    params = web.params(router.current_event)
    view = params.get("view", "all") if params.get("view") in dict(casework.VIEWS) else "all"
    unit = params.get("unit") if web.ctx().in_scope(session.staff.unit, params.get("unit")) else None
    stage = params.get("stage") if params.get("stage") in STAGES else None
    return view, unit, stage


@router.get("/review/cases", include_in_schema=False)
def case_list():
    session = web.current_session(router.current_event)
    ctx = web.ctx()
    view, unit, stage = queue_filters(session)
    rows, next_token = casework.queue_rows(ctx, session.staff, view, unit, stage,
                                           web.params(router.current_event).get("after"))
    heading = "信访事项" + (f"（{ctx.org[unit].name}）" if unit else "") + (f"：{Stage(stage).label}" if stage else "")
    return web.page("cases.html", session, title="信访事项", active="/review/cases", heading=heading,
                    views=casework.VIEWS, view=view, unit=unit, stage=stage, stages=casework.stage_choices(),
                    rows=rows, next_token=next_token, can_export=allowed(session.staff.role, Permission.export))


def render_case(session: Session, reference: str, status: int = 200, message: str | None = None,
                reveal: bool = False, message_kind: str = "error") -> Response:
    detail = casework.case_detail(web.ctx(), session.staff, reference, reveal=reveal)
    return web.page("case.html", session, status=status, title=reference, active="/review/cases", detail=detail,
                    case=detail.case, version=detail.stored.version, message=message, message_kind=message_kind)


@router.get("/review/cases/<reference>", include_in_schema=False)
def case_page(reference: str):
    return render_case(web.current_session(router.current_event), reference)


def _change(reference: str, operate: Callable[[Staff, dict, int], casework.StoredCase]) -> Response:
    """Run one change; on a rule broken or a stale form, the case page again with why."""
    session, data = web.posted_by(router.current_event, Permission.act_on_cases)
    try:
        version = web.int_field(data, "version")
        changed = operate(session.staff, data, version)
    except DomainError as exc:
        return render_case(session, reference, status_of(exc).value, message_of(exc))
    if not web.ctx().in_scope(session.staff.unit, changed.case.handling_unit):
        return web.see_other("/review/cases")  # e.g. returned up the tree: no longer this unit's case
    return web.see_other(f"/review/cases/{reference}")


def _action_input(data: dict) -> ActionInput:
    days = data.get("days", "").strip()
    if days and not (days.isascii() and days.isdigit() and len(days) <= 3):
        raise InvalidSubmission("延期天数应为 1 至 30 天", field="days")
    return ActionInput(reason=data.get("reason"), reply=data.get("reply"), target_unit=data.get("target_unit"),
                       days=int(days) if days else None, subject=data.get("subject"), body=data.get("body"))


@router.post("/review/cases/<reference>/action", include_in_schema=False)
def case_action(reference: str):
    return _change(reference, lambda staff, data, version: casework.act(
        web.ctx(), staff, reference, data.get("action", ""), version, _action_input(data)))


@router.post("/review/cases/<reference>/note", include_in_schema=False)
def case_note(reference: str):
    return _change(reference, lambda staff, data, version: casework.note(
        web.ctx(), staff, reference, version, data.get("note", "")))


@router.post("/review/cases/<reference>/lock", include_in_schema=False)
def case_lock(reference: str):
    return _change(reference, lambda staff, data, version: casework.lock(web.ctx(), staff, reference, version))


@router.post("/review/cases/<reference>/unlock", include_in_schema=False)
def case_unlock(reference: str):
    return _change(reference, lambda staff, data, version: casework.unlock(web.ctx(), staff, reference, version))


@router.post("/review/cases/<reference>/reveal", include_in_schema=False)
def case_reveal(reference: str):
    session, _ = web.posted_by(router.current_event, Permission.reveal_contact)
    return render_case(session, reference, reveal=True, message="查看完整联系方式已记入审计日志", message_kind="info")


@router.get("/review/cases/<reference>/attachments/<attachment>", include_in_schema=False)
def case_attachment(reference: str, attachment: str):
    """A short-lived link to one attachment of a case in scope; every opening is audited."""
    session = web.current_session(router.current_event)
    return web.see_other(casework.attachment_link(web.ctx(), session.staff, reference, attachment,
                                                  ATTACHMENT_LINK_SECONDS))
