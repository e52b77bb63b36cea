"""Review pages for petition cases: login, dashboard, queues, the case page and its actions."""

from __future__ import annotations

import datetime as dt

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from .. import config
from ..domain.access import Permission, allowed
from ..domain.cases import ActionInput
from ..blobs.protocol import ATTACHMENTS
from ..domain.errors import ConflictError, DomainError, InvalidSubmission, NotFoundError, RateLimited
from ..store.protocol import AuditEvent
from ..domain.identity import mask
from ..domain.petitions import PetitionKind, Stage
from ..domain.time_limits import TIME_LIMITS, Limit
from ..guard import client_ip
from ..services import accounts
from ..services.casework import available_actions, stage_label
from ..services.dashboard import dashboard, deadline_state
from . import web

router = Router()
VIEWS = (("all", "全部"), ("due_soon", "即将超期"), ("overdue", "已超期"), ("open", "未办结"), ("closed", "已办结"))
ATTACHMENT_LINK_SECONDS = 300
CONTACT_LABELS = (("name", "姓名"), ("mobile", "手机号码"), ("email", "电子邮箱"), ("id_number", "居民身份证号"))


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
    ctx = config.context()
    fresh = web.new_login_csrf()
    csrf_cookie = web.login_csrf_cookie(event, fresh)

    def again(status: int, message: str, headers: dict | None = None) -> Response:
        return web.page("login.html", None, status=status, title="登录", login_csrf=fresh, message=message,
                        username=data.get("username", "")[:64], headers=headers, cookies=[csrf_cookie])

    if not expected or not web.same_origin(event) or data.get("csrf") != expected:
        return again(403, "页面已过期，请重新登录")
    try:
        token, _ = accounts.login(ctx.store, data.get("username", ""), data.get("password", ""),
                                  client_ip(event.raw_event), ctx.clock())
    except RateLimited as exc:
        return again(429, exc.message, {"Retry-After": str(exc.retry_after)})
    except DomainError as exc:
        return again(401, exc.message)
    # A brand-new session id at every login; the login form's token is spent.
    return web.see_other("/review/", [web.session_cookie(event, token),
                                      f"{web.LOGIN_CSRF_COOKIE}=; Path=/review/login; Max-Age=0"])


@router.post("/review/logout", include_in_schema=False)
def logout():
    session, _ = web.posted_by(router.current_event)
    accounts.logout(config.context().store, session, web.now())
    return web.see_other("/review/login", [web.session_cookie(router.current_event, "", max_age=0)])


@router.get("/review/", include_in_schema=False)
@router.get("/review", include_in_schema=False)
def home():
    session = web.current_session(router.current_event)
    if not allowed(session.staff.role, Permission.view_cases):
        target = "/review/staff" if allowed(session.staff.role, Permission.manage_staff) else "/review/audit"
        return web.see_other(target)
    work = web.casework()
    today = config.context().today()
    return web.page("dashboard.html", session, title="工作概况", active="/review/", today=today,
                    **dashboard(work, session.staff, today))


def _left(days: int) -> str:
    return f"已超期 {-days} 个工作日" if days < 0 else f"剩 {days} 个工作日"


def case_rows(session, view: str, unit: str | None, stage: str | None = None) -> list[dict]:
    work = web.casework()
    today = config.context().today()
    rows = []
    for record in work.cases_in_scope(session.staff, unit):
        data = record.data
        state = deadline_state(work, record, today)
        finished = data["stage"] in (Stage.closed.value, Stage.not_accepted.value)
        if (view == "due_soon" and state != "due_soon") or (view == "overdue" and state != "overdue") \
                or (view == "open" and finished) or (view == "closed" and not finished) \
                or (stage and data["stage"] != stage):
            continue
        nearest = min(data.get("deadlines", {}).values(), default=None) if not finished else None
        rows.append({"reference": record.key, "subject": data["subject"], "kind": PetitionKind(data["kind"]).label,
                     "stage": stage_label(record), "unit": work.org[record.unit].name, "unit_code": record.unit,
                     "deadline": nearest, "left": _left(work.days_left(nearest, today)) if nearest else "",
                     "state": state, "received": data["received"], "stage_code": data["stage"]})
    return rows


@router.get("/review/cases", include_in_schema=False)
def case_list():
    session = web.current_session(router.current_event)
    params = router.current_event.query_string_parameters or {}
    view = params.get("view", "all") if params.get("view") in dict(VIEWS) else "all"
    unit = params.get("unit")
    stage = params.get("stage") if params.get("stage") in {s.value for s in Stage} else None
    work = web.casework()
    if unit and not work.in_scope(session.staff, unit):
        unit = None
    heading = "信访事项" + (f"（{work.org[unit].name}）" if unit else "") + (f"：{Stage(stage).label}" if stage else "")
    return web.page("cases.html", session, title="信访事项", active="/review/cases", heading=heading, views=VIEWS,
                    view=view, unit=unit, stage=stage, stages=[(s.value, s.label) for s in Stage],
                    rows=case_rows(session, view, unit, stage), can_export=allowed(session.staff.role, Permission.export))


def render_case(session, reference: str, status: int = 200, message: str | None = None, revealed: dict | None = None,
                message_kind: str = "error") -> Response:
    work = web.casework()
    record = work.case(session.staff, reference)
    today = config.context().today()
    data = record.data
    deadlines = []
    for name, day in sorted(data.get("deadlines", {}).items(), key=lambda item: item[1]):
        left = work.days_left(day, today)
        state = "overdue" if left < 0 else "due_soon" if left <= 3 else None
        deadlines.append({"label": TIME_LIMITS[Limit(name)].label, "date": day, "left": _left(left), "state": state,
                          "note": work.calendar.deadline_note(dt.date.fromisoformat(day))})
    contact = data.get("contact", {})
    shown = revealed if revealed is not None else {
        "name": (contact.get("name") or "")[:1] + "*" * max(0, len(contact.get("name") or "") - 1),
        "mobile": mask(contact.get("mobile")), "email": mask(contact.get("email"), 2, 0) if contact.get("email") else None,
        "id_number": mask(contact.get("id_number"))}
    children = [(code, work.org[code].name) for code in work.org.subtree(session.staff.unit) if code != session.staff.unit]
    return web.page("case.html", session, status=status, title=reference, active="/review/cases", case=data,
                    version=record.version, kind=PetitionKind(data["kind"]).label, stage=stage_label(record),
                    handling=work.org[data["handling_unit"]].name, deadlines=deadlines,
                    contact=[(label, shown.get(key)) for key, label in CONTACT_LABELS if shown.get(key)],
                    revealed=revealed is not None, can_reveal=allowed(session.staff.role, Permission.reveal_contact),
                    actions=available_actions(record, session.staff), lock=work.holder(record), children=children,
                    can_act=allowed(session.staff.role, Permission.act_on_cases)
                    and session.staff.unit == data["handling_unit"],
                    timeline=work.portal.store.audit_trail("petition", reference), message=message,
                    message_kind=message_kind)


@router.get("/review/cases/<reference>", include_in_schema=False)
def case_page(reference: str):
    return render_case(web.current_session(router.current_event), reference)


def _change(reference: str, operate) -> Response:
    session, data = web.posted_by(router.current_event, Permission.act_on_cases)
    try:
        version = int(data.get("version", "-1"))
        operate(web.casework(), session.staff, data, version)
    except ValueError:
        return render_case(session, reference, 422, "表单内容有误，请刷新后重试")
    except (ConflictError, InvalidSubmission) as exc:  # the page again, with the latest state and why
        return render_case(session, reference, 409 if isinstance(exc, ConflictError) else 422, exc.message)
    return web.see_other(f"/review/cases/{reference}")


@router.post("/review/cases/<reference>/action", include_in_schema=False)
def case_action(reference: str):
    def operate(work, staff, data, version):
        days = data.get("days")
        work.act(staff, reference, data.get("action", ""), version,
                 ActionInput(reason=data.get("reason"), reply=data.get("reply"), target_unit=data.get("target_unit"),
                             days=int(days) if days and days.strip().isdigit() else None))
    return _change(reference, operate)


@router.post("/review/cases/<reference>/note", include_in_schema=False)
def case_note(reference: str):
    return _change(reference, lambda work, staff, data, version: work.note(staff, reference, version, data.get("note", "")))


@router.post("/review/cases/<reference>/lock", include_in_schema=False)
def case_lock(reference: str):
    return _change(reference, lambda work, staff, data, version: work.lock(staff, reference, version))


@router.post("/review/cases/<reference>/unlock", include_in_schema=False)
def case_unlock(reference: str):
    return _change(reference, lambda work, staff, data, version: work.unlock(staff, reference, version))


@router.post("/review/cases/<reference>/reveal", include_in_schema=False)
def case_reveal(reference: str):
    session, _ = web.posted_by(router.current_event, Permission.reveal_contact)
    contact = web.casework().reveal_contact(session.staff, reference)
    return render_case(session, reference, revealed=contact, message="查看完整联系方式已记入审计日志",
                       message_kind="info")


@router.get("/review/cases/<reference>/attachments/<attachment>", include_in_schema=False)
def case_attachment(reference: str, attachment: str):
    """A short-lived link to one attachment of a case in scope; every opening is audited."""
    session = web.current_session(router.current_event)
    work = web.casework()
    record = work.case(session.staff, reference)
    if attachment not in record.data.get("attachments", []):
        raise NotFoundError("没有这个附件")
    work.portal.store.append_audit(AuditEvent("petition", reference, web.now(), actor=session.staff.username,
                                              action="attachment_opened", unit=record.unit, after={"attachment": attachment}))
    expires = web.now() + dt.timedelta(seconds=ATTACHMENT_LINK_SECONDS)
    return web.see_other(work.portal.blobs.download_url(ATTACHMENTS + attachment, expires))


@router.get("/review/files/attachments/<name>", include_in_schema=False)
def local_file(name: str):
    """Local stand-in for S3's presigned GET (the link itself is the permission, as on S3)."""
    from ..blobs.local import LocalBlobStore, PolicyError

    blobs = config.context().blobs
    params = router.current_event.query_string_parameters or {}
    if not isinstance(blobs, LocalBlobStore):
        raise NotFoundError("没有这个附件")
    try:
        data = blobs.open_download(ATTACHMENTS + name, params.get("expires", ""), params.get("signature", ""), web.now())
    except PolicyError as exc:
        return web.page("message.html", None, status=403, title="无法打开附件", body=str(exc))
    ctype = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}[name.rsplit(".", 1)[1]]
    return Response(status_code=200, content_type=ctype, body=data,  # bytes: sent base64-encoded by Powertools
                    headers={**web.SECURITY_HEADERS, "Content-Disposition": "attachment"})
