"""Review pages for petition cases: the queues, the case page and its actions. Each route reads
the form, calls one casework service and renders; the rules live in the service and the domain."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ..domain.access import Permission, allowed
from ..domain.case import KIND_LABELS, Stage
from ..domain.errors import DomainError, InvalidSubmission
from ..domain.transitions import TRANSITIONS, ActionInput
from ..http import message_of, status_of
from ..services import bulk_actions, case_search, casework, saved_filters
from ..services.accounts import Session, Staff
from . import web

router = Router()
ATTACHMENT_LINK_SECONDS = 300
STAGES = {s.value for s in Stage}
KIND_CHOICES = [(kind.value, label) for kind, label in KIND_LABELS.items()]


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
    params = web.params(router.current_event)
    if params.get("by") in case_search.PRIVATE:  # never from an address: only the posted form searches so
        params = {k: v for k, v in params.items() if k not in ("by", "q")}
    return _list(session, params)


@router.post("/review/cases/search", include_in_schema=False)
def search():
    """The search form is posted, so a petitioner's name or mobile never travels in an address (nor in
    any access log): such a search is answered here; any other goes on as an address one can keep."""
    session, data = web.posted_by(router.current_event, Permission.view_cases)
    query = case_search.query_of(web.ctx(), session.staff, data)
    if query.text and query.by in case_search.PRIVATE:
        return _list(session, {**query.params(), "after": data.get("after", "")})
    return web.see_other("/review/cases?" + urlencode(query.params()))


def _list(session: Session, params: dict[str, str]) -> Response:
    ctx = web.ctx()
    query = case_search.query_of(ctx, session.staff, params)
    if query.searching:
        found = case_search.search(ctx, session.staff, query, params.get("after") or None)
    else:
        rows, token = casework.queue_rows(ctx, session.staff, query.view, query.unit or None, query.stage or None,
                                          params.get("after") or None)
        found = case_search.Found(rows, token)
    unit, stage = query.unit, query.stage
    heading = "信访事项" + (f"（{ctx.org[unit].name}）" if unit else "") + (f"：{Stage(stage).label}" if stage else "")
    private = query.by in case_search.PRIVATE and bool(query.text)
    subtree = [(code, ctx.org[code].name) for code in ctx.org.subtree(session.staff.unit)]
    return web.page("cases.html", session, title="信访事项", active="/review/cases", heading=heading,
                    views=casework.VIEWS, query=query, stages=casework.stage_choices(), kinds=KIND_CHOICES,
                    by_choices=case_search.BY, rows=found.rows, found=found,
                    private=private, kept={k: v for k, v in query.params().items()
                                           if k != "view" and not (private and k in ("by", "q"))},
                    units=subtree, children=[(c, n) for c, n in subtree if c != session.staff.unit],
                    saved=saved_filters.saved(ctx, session.staff),
                    message=casework.done_message(params.get("done"), _reference(params.get("ref"))),
                    message_kind="ok", can_bulk=session.staff.role in TRANSITIONS["accept"].roles,
                    can_export=allowed(session.staff.role, Permission.export))


def _reference(value: str | None) -> str | None:
    return value if value and len(value) <= 40 and value.replace("-", "").isalnum() and value.isascii() else None


@router.post("/review/cases/filters", include_in_schema=False)
def save_filter():
    session, data = web.posted_by(router.current_event, Permission.view_cases)
    ctx = web.ctx()
    query = case_search.query_of(ctx, session.staff, data)
    if data.get("delete"):
        saved_filters.delete(ctx, session.staff, data.get("delete", ""))
    else:
        saved_filters.save(ctx, session.staff, data.get("name", ""), query)
    return web.see_other("/review/cases?" + urlencode(query.params()) if not data.get("delete") else "/review/cases")


@router.post("/review/cases/bulk", include_in_schema=False)
def bulk_action():
    """受理 or 交办 for the cases ticked in the queue: each its own transition; the outcome of each."""
    session, data = web.posted_by(router.current_event, Permission.act_on_cases)
    picks = bulk_actions.picks_of(web.form_values(router.current_event, "pick"))
    result = bulk_actions.act_on_many(web.ctx(), session.staff, data.get("action", ""), picks,
                                      data.get("target_unit") or None)
    return web.page("bulk.html", session, title="批量办理结果", active="/review/cases", result=result,
                    message=result.summary, message_kind="error" if result.failed else "ok")


def render_case(session: Session, reference: str, status: int = 200, message: str | None = None,
                reveal: bool = False, message_kind: str = "error") -> Response:
    detail = casework.case_detail(web.ctx(), session.staff, reference, reveal=reveal)
    return web.page("case.html", session, status=status, title=reference, active="/review/cases", detail=detail,
                    case=detail.case, version=detail.stored.version, message=message, message_kind=message_kind,
                    confirmations=casework.CONFIRMATIONS)


@router.get("/review/cases/<reference>", include_in_schema=False)
def case_page(reference: str):
    said = casework.done_message(web.params(router.current_event).get("done"))
    return render_case(web.current_session(router.current_event), reference, message=said, message_kind="ok")


def _change(reference: str, done: str | None,
            operate: Callable[[Staff, dict, int], casework.StoredCase]) -> Response:
    """Run one change; on a rule broken or a stale form, the case page again with why; else the page
    that follows says what was done (`done`: the action, or note / lock / unlock)."""
    session, data = web.posted_by(router.current_event, Permission.act_on_cases)
    done = done or data.get("action", "")
    try:
        version = web.int_field(data, "version")
        changed = operate(session.staff, data, version)
    except DomainError as exc:
        return render_case(session, reference, status_of(exc).value, message_of(exc))
    said = urlencode({"done": done})
    if not web.ctx().in_scope(session.staff.unit, changed.case.handling_unit):
        # e.g. returned up the tree: no longer this unit's case
        return web.see_other(f"/review/cases?{said}&" + urlencode({"ref": reference}))
    return web.see_other(f"/review/cases/{quote(reference)}?{said}")


def _action_input(data: dict) -> ActionInput:
    days = data.get("days", "").strip()
    if days and not (days.isascii() and days.isdigit() and len(days) <= 3):
        raise InvalidSubmission("延期天数应为 1 至 30 天", field="days")
    return ActionInput(reason=data.get("reason"), reply=data.get("reply"), target_unit=data.get("target_unit"),
                       days=int(days) if days else None, subject=data.get("subject"), body=data.get("body"))


@router.post("/review/cases/<reference>/action", include_in_schema=False)
def case_action(reference: str):
    def operate(staff: Staff, data: dict, version: int) -> casework.StoredCase:
        casework.check_confirmed(data.get("action", ""), data.get("confirm") == "yes")
        return casework.act(web.ctx(), staff, reference, data.get("action", ""), version, _action_input(data))
    return _change(reference, None, operate)


@router.post("/review/cases/<reference>/note", include_in_schema=False)
def case_note(reference: str):
    return _change(reference, "note", lambda staff, data, version: casework.note(
        web.ctx(), staff, reference, version, data.get("note", "")))


@router.post("/review/cases/<reference>/lock", include_in_schema=False)
def case_lock(reference: str):
    return _change(reference, "lock", lambda staff, data, version: casework.lock(web.ctx(), staff, reference, version))


@router.post("/review/cases/<reference>/unlock", include_in_schema=False)
def case_unlock(reference: str):
    return _change(reference, "unlock", lambda staff, data, version: casework.unlock(web.ctx(), staff, reference, version))


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
