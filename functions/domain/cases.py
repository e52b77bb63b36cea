"""The state machine of a petition case: one table of transitions, each guarded.

A transition names the stages it leaves from, the stage it enters, who may take it, and what it
needs (a reason, a reply, a target unit). `apply()` is the only way a case changes stage, so an
illegal transition is impossible in code, not just hidden in the page.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ConflictError, InvalidSubmission
from .petitions import Stage
from .time_limits import TIME_LIMITS, Limit, calendar_deadline


class Role(str, enum.Enum):
    handler = "handler"    # 办理员: works the cases of their unit
    approver = "approver"  # 审核员: also accepts, assigns, approves extensions and closes
    auditor = "auditor"    # 审计员: reads everything in scope and the audit log, changes nothing
    admin = "admin"        # 管理员: manages the staff of their subtree

    @property
    def label(self) -> str:
        return {"handler": "办理员", "approver": "审核员", "auditor": "审计员", "admin": "管理员"}[self.value]


WORKERS = frozenset({Role.handler, Role.approver})
APPROVERS = frozenset({Role.approver})
MAX_REVIEWS = 2  # 复查, then 复核


@dataclass(frozen=True)
class ActionInput:
    """What a staff member sends with an action (each action reads only what it needs)."""

    reason: str | None = None
    reply: str | None = None
    target_unit: str | None = None
    days: int | None = None


@dataclass(frozen=True)
class Context:
    """Facts about the world an action needs: today, the acting unit, the org tree, the calendar."""

    today: dt.date
    actor_unit: str
    is_descendant: Callable[[str, str], bool]   # (ancestor, unit) → strictly below?
    add_working_days: Callable[[dt.date, int], dt.date]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[Stage]
    target: Stage | None  # None: the stage does not change (延期)
    roles: frozenset[Role]
    apply: Callable[[dict, ActionInput, Context], None]
    needs: tuple[str, ...] = ()   # ActionInput fields the form must ask for
    public: bool = False          # writes something the petitioner sees on the tracking page


def _need_text(value: str | None, field: str, label: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidSubmission(f"请填写{label}", field=field)
    if len(value) > limit:
        raise InvalidSubmission(f"{label}最多 {limit} 字", field=field)
    return value


def _set_deadlines(case: dict, **changes: dt.date | None) -> None:
    deadlines = dict(case.get("deadlines", {}))
    for name, day in changes.items():
        if day is None:
            deadlines.pop(name, None)
        else:
            deadlines[name] = day.isoformat()
    case["deadlines"] = deadlines


def _accept(case: dict, data: ActionInput, ctx: Context) -> None:
    case["accepted_on"] = ctx.today.isoformat()
    _set_deadlines(case, assign=None, accept_decision=None, handle=calendar_deadline(ctx.today, Limit.handle))


def _not_accept(case: dict, data: ActionInput, ctx: Context) -> None:
    reason = _need_text(data.reason, "reason", "不予受理的理由")
    case["public_reply"] = {"text": reason, "date": ctx.today.isoformat(), "kind": "not_accepted"}
    case["deadlines"] = {}


def _assign(case: dict, data: ActionInput, ctx: Context) -> None:
    target = data.target_unit
    if not target or not ctx.is_descendant(case["handling_unit"], target):
        raise InvalidSubmission("只能交办给本单位的下级单位", field="target_unit")
    case["assigned_by"] = case["handling_unit"]
    case["handling_unit"] = target
    case["assigned_on"] = ctx.today.isoformat()
    _set_deadlines(case, assign=None, object=ctx.add_working_days(ctx.today, TIME_LIMITS[Limit.object].days))


def _return(case: dict, data: ActionInput, ctx: Context) -> None:
    reason = _need_text(data.reason, "reason", "退回理由")
    if ctx.today > dt.date.fromisoformat(case["deadlines"]["object"]):
        raise ConflictError(f"提出异议的期限（交办后 5 个工作日，至 {case['deadlines']['object']}）已过，请按期办理")
    case.setdefault("returns", []).append({"unit": case["handling_unit"], "reason": reason, "date": ctx.today.isoformat()})
    case["handling_unit"] = case.pop("assigned_by")
    case.pop("assigned_on", None)
    _set_deadlines(case, object=None)


def _start(case: dict, data: ActionInput, ctx: Context) -> None:
    _set_deadlines(case, object=None)


def _extend(case: dict, data: ActionInput, ctx: Context) -> None:
    if case.get("extended"):
        raise ConflictError("每件信访事项只能延期一次")
    days = data.days or 0
    limit = TIME_LIMITS[Limit.extension].days
    if not 1 <= days <= limit:
        raise InvalidSubmission(f"延期天数应为 1 至 {limit} 天", field="days")
    reason = _need_text(data.reason, "reason", "延期理由")
    handle = dt.date.fromisoformat(case["deadlines"]["handle"]) + dt.timedelta(days=days)
    case["extended"] = True
    case["extension"] = {"days": days, "reason": reason, "date": ctx.today.isoformat()}
    case["public_notice"] = f"办理期限延长 {days} 天，至 {handle.isoformat()}。理由：{reason}"
    _set_deadlines(case, handle=handle)


def _reply(case: dict, data: ActionInput, ctx: Context) -> None:
    text = _need_text(data.reply, "reply", "答复内容", limit=5000)
    case["public_reply"] = {"text": text, "date": ctx.today.isoformat()}
    _set_deadlines(case, handle=None, object=None,
                   review_request=calendar_deadline(ctx.today, Limit.review_request))


def _answer_review(case: dict, data: ActionInput, ctx: Context) -> None:
    text = _need_text(data.reply, "reply", "复查（复核）意见", limit=5000)
    case["review_count"] = case.get("review_count", 0) + 1
    case.setdefault("review_answers", []).append({"text": text, "date": ctx.today.isoformat()})
    case["public_reply"] = {"text": text, "date": ctx.today.isoformat(), "kind": "review"}
    more = case["review_count"] < MAX_REVIEWS
    _set_deadlines(case, review=None, re_review=None,
                   review_request=calendar_deadline(ctx.today, Limit.re_review_request) if more else None)


def _close(case: dict, data: ActionInput, ctx: Context) -> None:
    case["closed_on"] = ctx.today.isoformat()
    case["deadlines"] = {}


S = Stage
TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("accept", "受理", frozenset({S.registered}), S.accepted, APPROVERS, _accept),
    Transition("not_accept", "不予受理", frozenset({S.registered}), S.not_accepted, APPROVERS, _not_accept,
               needs=("reason",), public=True),
    Transition("assign", "交办下级", frozenset({S.accepted}), S.assigned, APPROVERS, _assign, needs=("target_unit",)),
    Transition("return", "退回（非本单位职责）", frozenset({S.assigned}), S.accepted, WORKERS, _return, needs=("reason",)),
    Transition("start", "开始办理", frozenset({S.accepted, S.assigned}), S.in_progress, WORKERS, _start),
    Transition("extend", "延期", frozenset({S.accepted, S.assigned, S.in_progress}), None, APPROVERS, _extend,
               needs=("days", "reason"), public=True),
    Transition("reply", "答复", frozenset({S.in_progress}), S.replied, WORKERS, _reply, needs=("reply",), public=True),
    Transition("answer_review", "答复复查（复核）", frozenset({S.review, S.re_review}), S.replied, WORKERS,
               _answer_review, needs=("reply",), public=True),
    Transition("close", "办结", frozenset({S.replied}), S.closed, APPROVERS, _close),
)}


def available(stage: Stage, role: Role) -> list[Transition]:
    """The actions a role may take on a case in this stage, in the table's order."""
    return [t for t in TRANSITIONS.values() if stage in t.sources and role in t.roles]


def apply(case: dict, action: str, role: Role, data: ActionInput, ctx: Context) -> dict:
    """A new case dict after `action`, or ConflictError/InvalidSubmission. `case` is not modified."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise InvalidSubmission(f"没有“{action}”这个操作")
    stage = Stage(case["stage"])
    if stage not in transition.sources:
        raise ConflictError(f"当前阶段为“{stage.label}”，不能{transition.label}")
    if role not in transition.roles:
        raise ConflictError(f"{role.label}不能{transition.label}")
    new = {**case, "deadlines": dict(case.get("deadlines", {}))}
    transition.apply(new, data, ctx)
    if transition.target is not None:
        new["stage"] = transition.target.value
    return new


def nearest_deadline(case: dict) -> str | None:
    """The queue order: the earliest open deadline (ISO date), or None for a finished case."""
    return min(case.get("deadlines", {}).values(), default=None)
