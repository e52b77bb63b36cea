"""The audit log and a case's 办理记录 as people read them: who (name, unit, role), what (受理,
交办至正定县 …), when (China time), newest first for auditors, a page at a time.

Unfiltered, or filtered by unit or by case, a page is one indexed read (the subtree log of that unit,
or the case's own trail). Filters by person, action or dates are a bounded scan of the subtree log,
newest first: one request reads at most SCAN_BUDGET events and says so when it stops with more to
look at ("继续查找更早的记录"), so no request grows with the size of the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from functions.domain.access import Permission
from functions.domain.case import COLLECTION
from functions.domain.errors import InvalidSubmission
from functions.domain.time_limits import CHINA
from functions.domain.transitions import TRANSITIONS
from functions.store.protocol import AuditEvent

from .accounts import STAFF, Staff, staff_from
from .context import PortalContext
from .scope import STALE_PAGE, require, scan

PAGE = 100
SCAN_BUDGET = 2000  # events one filtered request reads at most

# What each recorded action reads as; a case's steps take their names from the transitions table.
ACTIONS: dict[str, str] = {
    "submitted": "提交", "note_added": "添加内部备注", "locked": "我来处理（锁定 15 分钟）", "unlocked": "释放处理",
    "contact_revealed": "查看完整联系方式", "attachment_opened": "打开附件", "access_denied": "试图查看范围外的信访事项",
    "export_cases": "导出信访事项", "export_comments": "导出征求意见", "export_feedback": "导出页面反馈",
    "export_survey": "导出调查结果", "export_decision": "导出决策参考", "login": "登录", "logout": "退出登录",
    "login_failed": "登录失败", "staff_added": "添加工作人员", "staff_disabled": "停用工作人员",
    "password_reset": "重置密码", "opinion_adopted": "采纳意见", "opinion_rejected": "不予采纳意见",
    "query_code_renewed": "重新生成查询码", "recovery_code_sent": "发送找回查询码的验证码",
    "recovery_code_wrong": "找回查询码时验证码有误", "queued": "通知待发送", "sent": "通知已发送", "failed": "通知发送失败",
    "withdrawn": "撤回", "saved_filter": "保存筛选条件", "deleted_filter": "删除筛选条件",
    **{name: t.label for name, t in TRANSITIONS.items()},
}
ACTIONS.update({"assign": "交办", "return": "退回"})
COLLECTIONS = {COLLECTION: "信访事项", STAFF: "工作人员", "session": "登录", "feedback": "页面反馈",
               "comment": "征求意见", "outbox": "通知", "saved_filter": "筛选条件", "published_message": "留言选登",
               "recovery": "找回查询码"}
ACTORS = {"public": "信访人", "system": "系统"}


@dataclass(frozen=True)
class Line:
    """One audit event as a sentence: 2026-03-02 09:15 张华（石家庄市 · 审核员）交办至正定县."""

    at: dt.datetime
    who: str
    who_unit: str
    who_role: str
    what: str
    about: str       # 信访事项 SJ… / 工作人员 … (the object, by its kind in Chinese)
    reference: str   # the case reference, for a link ("" for anything else)
    unit: str        # the unit the event belongs to, by name


@dataclass(frozen=True)
class Filters:
    person: str = ""   # a user name
    action: str = ""   # a key of ACTIONS
    case: str = ""     # a case reference
    unit: str = ""     # a unit code in scope
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def scanning(self) -> bool:
        return bool(self.person or self.action or self.first or self.last)


@dataclass(frozen=True)
class LogPage:
    lines: list[Line]
    next_token: str | None
    read: int = 0
    spent: bool = False  # the request stopped at SCAN_BUDGET with more to look at


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidSubmission(f"{label}应为日期，例如 2026-03-01") from None


def filters_of(params: dict[str, str]) -> Filters:
    """The filters from the query string; a malformed value is a Chinese 422, an unknown action ignored."""
    text = {k: (params.get(k) or "").strip()[:64] for k in ("person", "action", "case", "unit")}
    first, last = _date(params.get("from"), "起始日期"), _date(params.get("to"), "截止日期")
    if first and last and first > last:
        raise InvalidSubmission("起始日期不能晚于截止日期")
    return Filters(person=text["person"].lower(), action=text["action"] if text["action"] in ACTIONS else "",
                   case=text["case"].upper(), unit=text["unit"], first=first, last=last)


def _people(ctx: PortalContext, events: Sequence[AuditEvent]) -> dict[str, Staff]:
    names = sorted({e.actor for e in events if e.actor not in ACTORS})
    return {r.key: staff_from(r) for r in ctx.store.get_many(STAFF, names)} if names else {}


def what(ctx: PortalContext, event: AuditEvent) -> str:
    """The action as a phrase, with where a case went when it moved: 交办至正定县, 退回至石家庄市."""
    label = ACTIONS.get(event.action, "其他操作")
    moved = (event.after or {}).get("handling_unit")
    if event.action in ("assign", "return") and moved:
        return f"{label}至{ctx.unit_names.get(moved, moved)}"
    return label


def lines(ctx: PortalContext, events: Sequence[AuditEvent]) -> list[Line]:
    people = _people(ctx, events)
    out = []
    for e in events:
        person = people.get(e.actor)
        if person is not None:
            who, who_unit, who_role = person.name, ctx.unit_names.get(person.unit, person.unit), person.role.label
        else:
            who, who_unit, who_role = ACTORS.get(e.actor, "工作人员"), "", ""
        out.append(Line(at=e.at, who=who, who_unit=who_unit, who_role=who_role, what=what(ctx, e),
                        about=f"{COLLECTIONS.get(e.collection, '记录')} {e.key}" if e.collection != STAFF else
                        f"工作人员 {e.key}", reference=e.key if e.collection == COLLECTION else "",
                        unit=ctx.unit_names.get(e.unit, e.unit) if e.unit else ""))
    return out


def _bounds(f: Filters) -> tuple[dt.datetime | None, dt.datetime | None]:
    """China days → [start, end) moments."""
    start = dt.datetime.combine(f.first, dt.time(), CHINA) if f.first else None
    end = dt.datetime.combine(f.last + dt.timedelta(days=1), dt.time(), CHINA) if f.last else None
    return start, end


def _keeps(f: Filters) -> Callable[[AuditEvent], bool]:
    start, end = _bounds(f)

    def keep(e: AuditEvent) -> bool:
        return ((not f.person or e.actor == f.person) and (not f.action or e.action == f.action)
                and (start is None or e.at >= start) and (end is None or e.at < end)
                and (not f.case or e.key == f.case))
    return keep


def events_in_scope(ctx: PortalContext, staff: Staff, after: str | None = None,
                    filters: Filters = Filters()) -> LogPage:
    """A page of the audit log of the staff member's subtree (or a unit's in it, or one case's)."""
    require(staff, Permission.read_audit_log)
    unit = filters.unit if filters.unit and ctx.in_scope(staff.unit, filters.unit) else staff.unit
    if filters.case:
        return _case_page(ctx, staff, unit, filters)
    if not filters.scanning:
        try:
            events, token = ctx.store.audit_log(unit, limit=PAGE, after=after or None)
        except ValueError:
            raise InvalidSubmission(STALE_PAGE) from None
        return LogPage(lines(ctx, events), token)
    start, _ = _bounds(filters)
    stop = _Stop(start)
    found = scan(lambda inner, n: stop.fetch(ctx.store.audit_log(unit, limit=n, after=inner)), _keeps(filters),
                 PAGE, SCAN_BUDGET, after)
    token = None if stop.passed and not found.next_token else found.next_token
    return LogPage(lines(ctx, found.found), token, found.read, found.spent and token is not None)


class _Stop:
    """Ends a newest-first scan once it has gone past the first day asked for."""

    def __init__(self, start: dt.datetime | None):
        self.start, self.passed = start, False

    def fetch(self, answer: tuple[list[AuditEvent], str | None]) -> tuple[list[AuditEvent], str | None]:
        events, token = answer
        if self.start is not None and events and events[-1].at < self.start:
            self.passed = True
            return events, None
        return events, token


def _case_page(ctx: PortalContext, staff: Staff, unit: str, filters: Filters) -> LogPage:
    """One case's trail, newest first, only where its events belong to the unit's subtree."""
    events = [e for e in reversed(ctx.store.audit_trail(COLLECTION, filters.case))
              if e.unit is not None and ctx.in_scope(unit, e.unit) and _keeps(filters)(e)]
    return LogPage(lines(ctx, events[:PAGE * 5]), None, len(events))


def action_choices() -> list[tuple[str, str]]:
    return sorted(ACTIONS.items(), key=lambda item: item[1])
