"""Review pages beyond cases: feedback and comments (采纳/不予采纳), survey results, CSV exports,
the audit log and staff management. Each list covers the staff member's subtree only."""

from __future__ import annotations

import dataclasses
import uuid

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from .. import config
from ..domain.access import Permission, allowed
from ..domain.cases import Role
from ..domain.errors import ConflictError, InvalidSubmission, NotFoundError
from ..domain.petitions import Stage
from ..services import accounts
from ..services.submissions import COMMENT, FEEDBACK, SURVEY_RESPONSE
from ..store.protocol import AuditEvent, Record
from . import web
from .cases import VIEWS, case_rows
from .export import content_disposition, to_csv
from .survey_results import bar_chart_svg, results, units_with_responses

router = Router()
DECISIONS = {"adopted": "采纳", "rejected": "不予采纳"}


def _records(session, collection: str) -> list[Record]:
    """The collection's records in the staff member's subtree, newest first."""
    found = web.casework().records_in_scope(collection, session.staff.unit)
    return sorted(found, key=lambda r: r.queue_sort or "", reverse=True)


def _require(session, permission: Permission) -> None:
    if not allowed(session.staff.role, permission):
        raise web.Forbidden()


def _audit(session, action: str, after: dict) -> None:
    config.context().store.append_audit(AuditEvent("export", str(uuid.uuid4()), web.now(), actor=session.staff.username,
                                                   action=action, unit=session.staff.unit, after=after))


# --- feedback and comments -------------------------------------------------------------------

@router.get("/review/opinions", include_in_schema=False)
def opinions():
    session = web.current_session(router.current_event)
    _require(session, Permission.view_opinions)
    registry = config.context().registry
    comments = _records(session, COMMENT)
    by_consultation: dict[str, list[Record]] = {}
    for record in comments:
        by_consultation.setdefault(record.data["consultation"], []).append(record)
    groups = []
    for cid, records in sorted(by_consultation.items()):
        window = registry.consultations.get(cid)
        order = {a: i for i, a in enumerate(window.articles)} if window else {}
        records.sort(key=lambda r: (order.get(r.data.get("article"), len(order)), r.data["received"]))
        groups.append({"id": cid, "title": window.title if window else cid, "comments": records})
    return web.page("opinions.html", session, title="意见建议", active="/review/opinions",
                    feedback=_records(session, FEEDBACK), groups=groups, decisions=DECISIONS,
                    can_decide=allowed(session.staff.role, Permission.handle_opinions),
                    can_export=allowed(session.staff.role, Permission.export))


@router.post("/review/opinions/<collection>/<key>/decision", include_in_schema=False)
def decide(collection: str, key: str):
    session, data = web.posted_by(router.current_event, Permission.handle_opinions)
    if collection not in (FEEDBACK, COMMENT):
        raise NotFoundError("没有这个页面")
    store = config.context().store
    record = store.get(collection, key)
    if record is None or not web.casework().in_scope(session.staff, record.unit):
        raise NotFoundError("没有这个页面")
    decision, reason = data.get("decision"), (data.get("reason") or "").strip()
    if decision not in DECISIONS or not reason or len(reason) > 1000:
        raise InvalidSubmission("请选择采纳或不予采纳，并填写理由（不超过 1000 字）")
    if str(record.version) != data.get("version"):
        raise ConflictError("这条意见已被他人处理，请刷新后查看")
    new = {**record.data, "decision": decision, "reason": reason, "decided_by": session.staff.username,
           "decided_on": config.context().today().isoformat()}
    store.update(dataclasses.replace(record, data=new), expected_version=record.version,
                 audit=AuditEvent(collection, key, web.now(), actor=session.staff.username, action=f"opinion_{decision}",
                                  unit=record.unit, before={"decision": record.data.get("decision")},
                                  after={"decision": decision}))
    return web.see_other("/review/opinions")


# --- surveys ---------------------------------------------------------------------------------

def _surveys_in_scope(session) -> dict:
    work = web.casework()
    return {sid: s for sid, s in config.context().registry.surveys.items() if work.in_scope(session.staff, s.unit)}


def _survey_in_scope(session, survey_id: str):
    """The survey if the staff member's scope covers it; otherwise the same 404 as a missing one."""
    found = _surveys_in_scope(session).get(survey_id)
    if found is None:
        raise NotFoundError("没有这个页面")
    return found


@router.get("/review/surveys", include_in_schema=False)
def surveys():
    session = web.current_session(router.current_event)
    _require(session, Permission.view_surveys)
    store = config.context().store
    rows = [(sid, s, store.counters(f"survey:{sid}").get("#responses", 0)) for sid, s in _surveys_in_scope(session).items()]
    return web.page("surveys.html", session, title="网络调查", active="/review/surveys", rows=rows)


@router.get("/review/surveys/<survey_id>", include_in_schema=False)
def survey(survey_id: str):
    session = web.current_session(router.current_event)
    _require(session, Permission.view_surveys)
    found = _survey_in_scope(session, survey_id)
    counters = config.context().store.counters(f"survey:{survey_id}")
    units = units_with_responses(counters)
    unit = (router.current_event.query_string_parameters or {}).get("unit")
    unit = unit if unit in units else None
    result = results(found, counters, unit)
    charts = {q.id: bar_chart_svg(q) for q in result.questions if q.options}
    org = web.casework().org
    return web.page("survey.html", session, title=found.title, active="/review/surveys", survey_id=survey_id,
                    result=result, charts=charts, unit=unit,
                    units=[(code, org[code].name if code in org else code, n) for code, n in units.items()],
                    can_export=allowed(session.staff.role, Permission.export))


# --- exports (every one audited) ---------------------------------------------------------------

def _csv(name: str, headers: list[str], rows: list[list]) -> Response:
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=to_csv(headers, rows),
                    headers={**web.SECURITY_HEADERS, "Content-Disposition": content_disposition(name)})


@router.get("/review/export/cases.csv", include_in_schema=False)
def export_cases():
    session = web.current_session(router.current_event)
    _require(session, Permission.export)
    params = router.current_event.query_string_parameters or {}
    view = params.get("view", "all") if params.get("view") in dict(VIEWS) else "all"
    unit = params.get("unit") if web.casework().in_scope(session.staff, params.get("unit")) else None
    stage = params.get("stage") if params.get("stage") in {s.value for s in Stage} else None
    rows = case_rows(session, view, unit, stage)
    _audit(session, "export_cases", {"view": view, "unit": unit, "stage": stage, "rows": len(rows)})
    return _csv("信访事项.csv", ["受理编号", "类别", "标题", "阶段", "承办单位", "登记时间", "最近期限", "剩余"],
                [[r["reference"], r["kind"], r["subject"], r["stage"], r["unit"], r["received"][:16], r["deadline"], r["left"]]
                 for r in rows])


@router.get("/review/export/comments.csv", include_in_schema=False)
def export_comments():
    session = web.current_session(router.current_event)
    _require(session, Permission.export)
    consultation = (router.current_event.query_string_parameters or {}).get("consultation")
    rows = [r for r in _records(session, COMMENT) if consultation in (None, r.data["consultation"])]
    _audit(session, "export_comments", {"consultation": consultation, "rows": len(rows)})
    return _csv("征求意见.csv", ["征求意见稿", "条文", "意见", "处理结果", "理由", "提交时间"],
                [[r.data["consultation"], r.data.get("article") or "整体", r.data["body"],
                  DECISIONS.get(r.data.get("decision"), "未处理"), r.data.get("reason"), r.data["received"][:16]]
                 for r in rows])


@router.get("/review/export/surveys/<survey_id>.csv", include_in_schema=False)
def export_survey(survey_id: str):
    session = web.current_session(router.current_event)
    _require(session, Permission.export)
    found = _survey_in_scope(session, survey_id)
    rows = [r for r in _records(session, SURVEY_RESPONSE) if r.data["survey"] == survey_id]
    _audit(session, "export_survey", {"survey": survey_id, "rows": len(rows)})
    headers = ["提交时间", "地区"] + [f"{n}. {q.text}" for n, q in enumerate(found.questions, start=1)]
    body = []
    for r in rows:
        answers = r.data["answers"]
        body.append([r.data["received"][:16], r.data.get("unit")] +
                    ["、".join(a) if isinstance(a := answers.get(q.id), list) else a for q in found.questions])
    return _csv(f"{found.title}.csv", headers, body)


# --- audit log and staff -----------------------------------------------------------------------

@router.get("/review/audit", include_in_schema=False)
def audit_log():
    session = web.current_session(router.current_event)
    _require(session, Permission.read_audit_log)
    store, org = config.context().store, web.casework().org
    events = []
    for code in org.subtree(session.staff.unit):
        events += store.audit_log(code, limit=200)[0]
    events.sort(key=lambda e: e.at, reverse=True)
    return web.page("audit.html", session, title="审计日志", active="/review/audit", events=events[:500])


def _staff_in_scope(session) -> list[accounts.Staff]:
    return [accounts.get_staff(config.context().store, r.key) for r in _records(session, accounts.STAFF)]


@router.get("/review/staff", include_in_schema=False)
def staff_list():
    return staff_page()


def staff_page(message: str | None = None, password: tuple[str, str] | None = None, status: int = 200) -> Response:
    session = web.current_session(router.current_event)
    _require(session, Permission.manage_staff)
    org = web.casework().org
    members = sorted(_staff_in_scope(session), key=lambda s: (s.unit, s.username))
    return web.page("staff.html", session, status=status, title="人员管理", active="/review/staff", members=members,
                    units=[(c, org[c].name) for c in org.subtree(session.staff.unit)], roles=list(Role),
                    unit_names={c: u.name for c, u in org.units.items()}, message=message, password=password,
                    message_kind="ok" if password else "error")


@router.post("/review/staff", include_in_schema=False)
def staff_add():
    session, data = web.posted_by(router.current_event, Permission.manage_staff)
    unit, role = data.get("unit", ""), data.get("role", "")
    if not web.casework().in_scope(session.staff, unit) or role not in {r.value for r in Role}:
        return staff_page(message="单位或角色无效", status=422)
    password = accounts.new_password()
    try:
        added = accounts.add_staff(config.context().store, data.get("username", ""), data.get("name", "") or "未填写",
                                   unit, Role(role), password, session.staff.username, web.now())
    except (InvalidSubmission, ConflictError) as exc:
        return staff_page(message=exc.message, status=422)
    return staff_page(password=(added.username, password), message=f"已添加 {added.username}，请把初始密码当面告知本人")


@router.post("/review/staff/<username>/<operation>", include_in_schema=False)
def staff_change(username: str, operation: str):
    session, _ = web.posted_by(router.current_event, Permission.manage_staff)
    target = accounts.get_staff(config.context().store, username)
    if target is None or operation not in ("disable", "reset") or not web.casework().in_scope(session.staff, target.unit):
        raise NotFoundError("没有这个页面")
    if target.username == session.staff.username:
        return staff_page(message="不能停用或重置自己的账号，请由其他管理员操作", status=409)
    store = config.context().store
    if operation == "disable":
        accounts.disable_staff(store, username, session.staff.username, web.now())
        return staff_page(message=f"已停用 {username}，其登录已全部失效")
    password = accounts.new_password()
    accounts.reset_password(store, username, password, session.staff.username, web.now())
    return staff_page(password=(username, password), message=f"已重置 {username} 的密码，原有登录已全部失效")
