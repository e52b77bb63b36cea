"""The state machine of a petition case: one table of transitions, each guarded.

A transition names the stages it leaves from, the stage it enters, who may take it (staff roles, or
the petitioner as `Role.public`), and what it needs (a reason, a reply, a target unit, a rating).
`apply()` is the only way a case changes stage or takes a public step, so an illegal transition is
impossible in code, not just hidden in the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .access import Role
from .case import (
    PUBLISHABLE_KINDS,
    Case,
    Extension,
    Publication,
    PublicReply,
    Rating,
    RatingEntry,
    Return,
    ReviewAnswer,
    ReviewRequest,
    Stage,
    Step,
)
from .errors import ConflictError, InvalidSubmission
from .text import reject_control_characters
from .time_limits import TIME_LIMITS, Limit, calendar_deadline

WORKERS = frozenset({Role.handler, Role.approver})
APPROVERS = frozenset({Role.approver})
PUBLIC = frozenset({Role.public})
MAX_REVIEWS = 2  # 复查, then 复核


@dataclass(frozen=True)
class ActionInput:
    """What the actor sends with an action (each action reads only what it needs)."""

    reason: str | None = None
    reply: str | None = None
    target_unit: str | None = None
    days: int | None = None
    rating: Rating | None = None
    comment: str | None = None
    subject: str | None = None   # 留言选登: the message as it will be published
    body: str | None = None


@dataclass(frozen=True)
class Context:
    """Facts about the world an action needs: the moment, the acting unit, the org tree, the calendar."""

    now: dt.datetime
    today: dt.date  # China date of `now`
    actor_unit: str | None  # None for the petitioner
    is_descendant: Callable[[str, str], bool]   # (ancestor, unit) → strictly below?
    parent_of: Callable[[str], str | None]
    add_working_days: Callable[[dt.date, int], dt.date]


Effect = Callable[[Case, ActionInput, Context], "str | None"]  # returns the unit the case went to, if it moved


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[Stage]
    target: Stage | None  # None: the stage does not change (延期, 评价)
    roles: frozenset[Role]
    effect: Effect
    needs: tuple[str, ...] = ()   # ActionInput fields the form must ask for
    public: bool = False          # writes something the petitioner reads on the tracking page
    guard: Callable[[Case, Context], str | None] | None = None  # why not, or None when allowed
    refusal: str | None = None    # what the petitioner reads when the stage does not allow it


def _need_text(value: str | None, field: str, label: str, limit: int = 2000) -> str:
    """Text a staff member or the petitioner writes: the same rules as every public text field."""
    value = (value or "").strip()
    if not value:
        raise InvalidSubmission(f"请填写{label}", field=field)
    if len(value) > limit:
        raise InvalidSubmission(f"{label}最多 {limit} 字", field=field)
    try:
        reject_control_characters(value)
    except ValueError as exc:
        raise InvalidSubmission(f"{label}{exc}", field=field) from None
    return value


def _set(case: Case, **changes: dt.date | None) -> None:
    for name, day in changes.items():
        if day is None:
            case.deadlines.pop(Limit(name), None)
        else:
            case.deadlines[Limit(name)] = day


# --- staff -----------------------------------------------------------------------------------

def _accept(case: Case, data: ActionInput, ctx: Context) -> None:
    case.accepted_on = ctx.today
    _set(case, assign=None, accept_decision=None, handle=calendar_deadline(ctx.today, Limit.handle))


def _not_accept(case: Case, data: ActionInput, ctx: Context) -> None:
    reason = _need_text(data.reason, "reason", "不予受理的理由")
    case.public_reply = PublicReply(text=reason, date=ctx.today, kind="not_accepted")
    case.deadlines.clear()


def _assign(case: Case, data: ActionInput, ctx: Context) -> str:
    target = data.target_unit
    if not target or not ctx.is_descendant(case.handling_unit, target):
        raise InvalidSubmission("只能交办给本单位的下级单位", field="target_unit")
    case.assigned_by = case.handling_unit
    case.handling_unit = target
    case.assigned_on = ctx.today
    _set(case, assign=None, object=ctx.add_working_days(ctx.today, TIME_LIMITS[Limit.object].days))
    return target


def _return(case: Case, data: ActionInput, ctx: Context) -> str:
    reason = _need_text(data.reason, "reason", "退回理由")
    due = case.deadlines.get(Limit.object)
    if due is None or ctx.today > due:
        raise ConflictError(f"提出异议的期限（交办后 5 个工作日{f'，至 {due}' if due else ''}）已过，请按期办理")
    back = case.assigned_by or case.unit
    case.returns.append(Return(unit=case.handling_unit, reason=reason, date=ctx.today))
    case.handling_unit = back
    case.assigned_by = None
    case.assigned_on = None
    _set(case, object=None)
    return back


def _start(case: Case, data: ActionInput, ctx: Context) -> None:
    _set(case, object=None)


def _extend(case: Case, data: ActionInput, ctx: Context) -> None:
    if case.extension is not None:
        raise ConflictError("每件信访事项只能延期一次")
    days = data.days or 0
    limit = TIME_LIMITS[Limit.extension].days
    if not 1 <= days <= limit:
        raise InvalidSubmission(f"延期天数应为 1 至 {limit} 天", field="days")
    reason = _need_text(data.reason, "reason", "延期理由")
    handle = case.deadlines[Limit.handle] + dt.timedelta(days=days)
    case.extension = Extension(days=days, reason=reason, date=ctx.today, until=handle)
    _set(case, handle=handle)


def _reply(case: Case, data: ActionInput, ctx: Context) -> None:
    text = _need_text(data.reply, "reply", "答复内容", limit=5000)
    case.public_reply = PublicReply(text=text, date=ctx.today)
    _set(case, handle=None, object=None, review_request=calendar_deadline(ctx.today, Limit.review_request))


def _answer_review(case: Case, data: ActionInput, ctx: Context) -> None:
    text = _need_text(data.reply, "reply", "复查（复核）意见", limit=5000)
    case.review_answers.append(ReviewAnswer(text=text, date=ctx.today, unit=case.handling_unit))
    case.public_reply = PublicReply(text=text, date=ctx.today, kind="review")
    more = case.review_count < MAX_REVIEWS
    _set(case, review=None, re_review=None,
         re_review_request=calendar_deadline(ctx.today, Limit.re_review_request) if more else None)


def _close(case: Case, data: ActionInput, ctx: Context) -> None:
    case.closed_on = ctx.today
    case.deadlines.clear()


# --- the petitioner ----------------------------------------------------------------------------

def _within(case: Case, limit: Limit, ctx: Context) -> str | None:
    due = case.deadlines.get(limit)
    if due is None:
        return "现在不能提出这项请求"
    if ctx.today > due:
        return f"请求{'复查' if limit is Limit.review_request else '复核'}的期限（至 {due}）已过"
    return None


def _may_request_review(case: Case, ctx: Context) -> str | None:
    if case.review_requests or case.public_reply is None or case.public_reply.kind != "reply":
        return "只有收到答复、且尚未请求复查的信访事项可以请求复查"
    return _within(case, Limit.review_request, ctx)


def _may_request_re_review(case: Case, ctx: Context) -> str | None:
    if case.review_count != 1 or len(case.review_requests) != 1:
        return "只有收到复查意见、且尚未请求复核的信访事项可以请求复核"
    return _within(case, Limit.re_review_request, ctx)


def _escalate(case: Case, data: ActionInput, ctx: Context, level: Limit) -> str:
    """复查/复核 go to the unit one level above the one whose answer is contested (信访工作条例)."""
    reason = _need_text(data.reason, "reason", "请求理由")
    contested = case.handling_unit
    upper = ctx.parent_of(contested) or contested  # the top of the network reviews its own answer
    review = level is Limit.review
    case.review_requests.append(ReviewRequest(level="review" if review else "re_review", reason=reason,
                                              date=ctx.today, from_unit=contested, to_unit=upper))
    case.handling_unit = upper
    _set(case, review_request=None, re_review_request=None, **{level.value: calendar_deadline(ctx.today, level)})
    return upper


def _request_review(case: Case, data: ActionInput, ctx: Context) -> str:
    return _escalate(case, data, ctx, Limit.review)


def _request_re_review(case: Case, data: ActionInput, ctx: Context) -> str:
    return _escalate(case, data, ctx, Limit.re_review)


def _may_rate(case: Case, ctx: Context) -> str | None:
    if case.public_reply is None or case.public_reply.kind == "not_accepted":
        return "收到答复后才能评价"
    if case.rating is not None:
        return "您已经评价过这次答复，每次答复只能评价一次"
    return None


def _rate(case: Case, data: ActionInput, ctx: Context) -> None:
    if data.rating is None:
        raise InvalidSubmission("请选择满意、基本满意或不满意", field="rating")
    comment = _need_text(data.comment, "comment", "评价意见", limit=500) if (data.comment or "").strip() else ""
    case.ratings.append(RatingEntry(rating=data.rating, comment=comment or None, date=ctx.today,
                                    answer=case.review_count, unit=case.handling_unit))


# --- 留言选登 ---------------------------------------------------------------------------------

def _may_publish(case: Case, ctx: Context) -> str | None:
    if case.kind not in PUBLISHABLE_KINDS:
        return f"{case.kind.label}不公开"
    if not case.publish_consent:
        return "信访人没有同意公开，不能选登"
    if case.published:
        return "已经公开"
    if case.public_reply is None or case.public_reply.kind == "not_accepted":
        return "答复后才能公开"
    return None


def _publish(case: Case, data: ActionInput, ctx: Context) -> None:
    subject = _need_text(data.subject, "subject", "公开的标题", limit=100)
    body = _need_text(data.body, "body", "公开的留言内容", limit=5000)
    reply = _need_text(data.reply, "reply", "公开的答复内容", limit=5000)
    case.publication = Publication(subject=subject, text=body, reply=reply, published_on=ctx.today,
                                   unit=case.handling_unit)


def _may_withdraw(case: Case, ctx: Context) -> str | None:
    return None if case.published else "没有公开，无需撤回"


def _withdraw(case: Case, data: ActionInput, ctx: Context) -> None:
    _need_text(data.reason, "reason", "撤回理由")
    assert case.publication is not None
    case.publication = case.publication.model_copy(update={"withdrawn_on": ctx.today})


S = Stage
TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("accept", "受理", frozenset({S.registered}), S.accepted, APPROVERS, _accept),
    Transition("not_accept", "不予受理", frozenset({S.registered}), S.not_accepted, APPROVERS, _not_accept,
               needs=("reason",), public=True),
    Transition("assign", "交办下级", frozenset({S.accepted, S.returned}), S.assigned, APPROVERS, _assign,
               needs=("target_unit",)),
    Transition("return", "退回（非本单位职责）", frozenset({S.assigned}), S.returned, WORKERS, _return,
               needs=("reason",)),
    Transition("start", "开始办理", frozenset({S.accepted, S.assigned, S.returned}), S.in_progress, WORKERS, _start),
    Transition("extend", "延期", frozenset({S.accepted, S.assigned, S.returned, S.in_progress}), None, APPROVERS,
               _extend, needs=("days", "reason"), public=True),
    Transition("reply", "答复", frozenset({S.in_progress}), S.replied, WORKERS, _reply, needs=("reply",), public=True),
    Transition("answer_review", "答复复查（复核）", frozenset({S.review, S.re_review}), S.replied, WORKERS,
               _answer_review, needs=("reply",), public=True),
    Transition("close", "办结", frozenset({S.replied}), S.closed, APPROVERS, _close),
    Transition("publish", "公开选登", frozenset({S.replied, S.closed}), None, APPROVERS, _publish,
               needs=("subject", "body", "reply"), public=True, guard=_may_publish),
    Transition("withdraw", "撤回公开", frozenset({S.replied, S.closed, S.review, S.re_review}), None, APPROVERS,
               _withdraw, needs=("reason",), guard=_may_withdraw),
    # The petitioner's own steps (query code instead of a login).
    Transition("rate", "满意度评价", frozenset({S.replied, S.closed}), None, PUBLIC, _rate,
               needs=("rating",), public=True, guard=_may_rate,
               refusal="收到答复后才能评价；复查、复核期间不能评价，收到意见后可以评价"),
    Transition("request_review", "请求复查", frozenset({S.replied}), S.review, PUBLIC, _request_review,
               needs=("reason",), public=True, guard=_may_request_review,
               refusal="只有收到答复、且尚未请求复查的信访事项可以请求复查"),
    Transition("request_re_review", "请求复核", frozenset({S.replied}), S.re_review, PUBLIC, _request_re_review,
               needs=("reason",), public=True, guard=_may_request_re_review,
               refusal="只有收到复查意见、且尚未请求复核的信访事项可以请求复核"),
)}


def available(stage: Stage, role: Role) -> list[Transition]:
    """The actions a role may take on a case in this stage, in the table's order (guards aside)."""
    return [t for t in TRANSITIONS.values() if stage in t.sources and role in t.roles]


def allowed_now(case: Case, role: Role, ctx: Context) -> list[Transition]:
    """The actions a role may take on this case today: stage, role and guard all allow them."""
    return [t for t in available(case.stage, role) if t.guard is None or t.guard(case, ctx) is None]


def apply(case: Case, action: str, role: Role, data: ActionInput, ctx: Context) -> Case:
    """A new Case after `action`, or ConflictError/InvalidSubmission. `case` is not modified."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise InvalidSubmission(f"没有“{action}”这个操作")
    if case.stage not in transition.sources:
        raise ConflictError(transition.refusal or f"当前阶段为“{case.stage.label}”，不能{transition.label}")
    if role not in transition.roles:
        raise ConflictError(f"{role.label}不能{transition.label}")
    if transition.guard is not None and (why := transition.guard(case, ctx)) is not None:
        raise ConflictError(why)
    new = case.model_copy(deep=True)
    acting_unit = ctx.actor_unit if role is not Role.public else None
    moved_to = transition.effect(new, data, ctx)
    if transition.target is not None:
        new.stage = transition.target
    new.steps.append(Step(action=action, label=transition.label, stage=new.stage, unit=acting_unit,
                          to_unit=moved_to, at=ctx.now))
    new.lock = None  # finishing an action releases the edit lock
    return new
