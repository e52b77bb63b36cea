"""Every legal and illegal transition of a petition case, for every actor.

The expectations are written out here by hand (which action, from which stage, by whom, into which
stage), not read from the transition table the code uses: a wrong entry in that table fails here.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from functions.domain.access import Role
from functions.domain.case import Case, PetitionKind, Publication, PublicReply, Rating, ReviewAnswer, ReviewRequest, Stage
from functions.domain.errors import ConflictError, InvalidSubmission
from functions.domain.petitions import PetitionIn, initial_case
from functions.domain.time_limits import Limit
from functions.domain.transitions import TRANSITIONS, ActionInput, Context, apply, available

TODAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in China
TREE = {"130123": "130100", "130100": "130000", "130602": "130600", "130600": "130000"}
D = dt.date.fromisoformat


def is_descendant(ancestor: str, unit: str) -> bool:
    while unit in TREE:
        unit = TREE[unit]
        if unit == ancestor:
            return True
    return False


def working_days(start: dt.date, n: int) -> dt.date:  # weekdays only; the real calendar has its own tests
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= day.weekday() < 5
    return day


def context(today: dt.date = TODAY, unit: str | None = "130100") -> Context:
    now = dt.datetime.combine(today, dt.time(2, 0), tzinfo=dt.timezone.utc)
    return Context(now=now, today=today, actor_unit=unit, is_descendant=is_descendant, parent_of=TREE.get,
                   add_working_days=working_days)


CTX = context()
H, A, AU, AD, P = Role.handler, Role.approver, Role.auditor, Role.admin, Role.public
S = Stage

# (action, stage, actor) that are allowed, and the stage each action leads to (None: unchanged).
LEGAL = {
    ("accept", S.registered, A), ("not_accept", S.registered, A),
    ("assign", S.accepted, A), ("assign", S.returned, A),
    ("return", S.assigned, H), ("return", S.assigned, A),
    ("start", S.accepted, H), ("start", S.accepted, A), ("start", S.assigned, H), ("start", S.assigned, A),
    ("start", S.returned, H), ("start", S.returned, A),
    ("extend", S.accepted, A), ("extend", S.assigned, A), ("extend", S.returned, A), ("extend", S.in_progress, A),
    ("reply", S.in_progress, H), ("reply", S.in_progress, A),
    ("answer_review", S.review, H), ("answer_review", S.review, A),
    ("answer_review", S.re_review, H), ("answer_review", S.re_review, A),
    ("close", S.replied, A),
    ("rate", S.replied, P), ("rate", S.closed, P),
    ("request_review", S.replied, P), ("request_re_review", S.replied, P),
    ("publish", S.replied, A), ("publish", S.closed, A),
    ("withdraw", S.replied, A), ("withdraw", S.closed, A), ("withdraw", S.review, A), ("withdraw", S.re_review, A),
}
LEADS_TO = {"accept": S.accepted, "not_accept": S.not_accepted, "assign": S.assigned, "return": S.returned,
            "start": S.in_progress, "extend": None, "reply": S.replied, "answer_review": S.replied,
            "close": S.closed, "rate": None, "request_review": S.review, "request_re_review": S.re_review,
            "publish": None, "withdraw": None}
GOOD_INPUT = {"not_accept": ActionInput(reason="不属于党组织职责范围。"), "assign": ActionInput(target_unit="130123"),
              "return": ActionInput(reason="该事项不属于本县职责。"),
              "extend": ActionInput(days=30, reason="情况复杂，需要调查取证。"),
              "reply": ActionInput(reply="经核查，情况属实，已责成整改。"),
              "answer_review": ActionInput(reply="复查认为原答复正确。"),
              "rate": ActionInput(rating=Rating.satisfied), "request_review": ActionInput(reason="整改没有落实到位。"),
              "request_re_review": ActionInput(reason="复查没有回应我的问题。"),
              "publish": ActionInput(subject="社区党费公开", body="建议每月公开党费使用情况。", reply="已督促社区公开。"),
              "withdraw": ActionInput(reason="信访人要求撤回。")}


def registered() -> Case:
    sent = PetitionIn(kind="suggestion", unit="130100", subject="关于社区党建的建议", body="建议社区党组织每月公开党费使用情况。",
                      contact={"name": "张三", "mobile": "13800138000"})
    return initial_case(sent, "XF260601-ABCDE", "hash", NOW)


def case_in(stage: Stage, action: str = "") -> Case:
    """A case in `stage` holding what the action's rules look at (written out, not computed)."""
    case = registered().model_copy(update={"stage": stage})
    case.deadlines = {Limit.handle: D("2026-07-31"), Limit.object: D("2026-06-05"), Limit.review: D("2026-07-01"),
                      Limit.review_request: D("2026-07-01")}
    if stage is S.assigned:
        case.handling_unit, case.assigned_by = "130123", "130100"
    if stage in (S.replied, S.closed, S.review, S.re_review):
        case.public_reply = PublicReply(text="经核查，已整改。", date=D("2026-06-01"))
    if action == "publish":
        case.publish_consent = True
    if action == "withdraw":
        case.publication = Publication(subject="标题", text="内容", reply="答复", published_on=D("2026-05-20"),
                                       unit="130100")
    if action == "request_re_review":
        case.review_requests = [ReviewRequest(level="review", reason="不满意", date=D("2026-05-01"),
                                              from_unit="130123", to_unit="130100")]
        case.review_answers = [ReviewAnswer(text="复查维持。", date=D("2026-05-20"), unit="130100")]
        case.deadlines = {Limit.re_review_request: D("2026-06-19")}
    return case


ACTORS = (H, A, AU, AD, P)
COMBINATIONS = list(itertools.product(LEADS_TO, Stage, ACTORS))


def test_the_table_has_exactly_the_actions_written_out_here():
    assert set(TRANSITIONS) == set(LEADS_TO)


@pytest.mark.parametrize("action, stage, actor", COMBINATIONS,
                         ids=[f"{a}-{s.value}-{r.value}" for a, s, r in COMBINATIONS])
def test_a_transition_happens_only_from_its_stages_and_for_its_actors(action, stage, actor):
    case = case_in(stage, action)
    ctx = context(unit=None if actor is P else case.handling_unit)
    if (action, stage, actor) in LEGAL:
        new = apply(case, action, actor, GOOD_INPUT.get(action, ActionInput()), ctx)
        assert new.stage == (LEADS_TO[action] or stage)
        assert new.steps[-1].action == action and new.steps[-1].stage == new.stage
        assert case == case_in(stage, action)  # the input is not modified
    else:
        with pytest.raises(ConflictError):
            apply(case, action, actor, GOOD_INPUT.get(action, ActionInput()), ctx)


def test_an_auditor_and_an_admin_can_never_change_a_case_and_the_public_only_follows_up():
    for stage in Stage:
        assert available(stage, AU) == [] and available(stage, AD) == []
    assert {t.name for stage in Stage for t in available(stage, P)} == {"rate", "request_review", "request_re_review"}


def test_the_whole_road_from_registration_to_closing():
    case = registered()
    assert case.deadlines == {Limit.assign: D("2026-06-16"), Limit.accept_decision: D("2026-06-16")}
    case = apply(case, "accept", A, ActionInput(), CTX)
    assert case.deadlines == {Limit.handle: D("2026-07-31")}  # 60 days after acceptance
    case = apply(case, "assign", A, ActionInput(target_unit="130123"), CTX)
    assert case.handling_unit == "130123" and case.deadlines[Limit.object] == D("2026-06-08")  # 5 working days
    case = apply(case, "start", H, ActionInput(), context(unit="130123"))
    assert Limit.object not in case.deadlines
    case = apply(case, "extend", A, ActionInput(days=30, reason="需要实地核查。"), context(unit="130123"))
    assert case.deadlines[Limit.handle] == D("2026-08-30")
    assert (case.extension.days, case.extension.reason, case.extension.until) == (30, "需要实地核查。", D("2026-08-30"))
    case = apply(case, "reply", H, ActionInput(reply="已核实并处理。"), context(unit="130123"))
    assert case.stage is S.replied and case.deadlines == {Limit.review_request: D("2026-07-01")}
    case = apply(case, "close", A, ActionInput(), context(unit="130123"))
    assert case.stage is S.closed and case.nearest_deadline() is None and case.queue_sort() == "~2026-06-01"
    assert [s.label for s in case.steps] == ["登记", "受理", "交办下级", "开始办理", "延期", "答复", "办结"]
    assert [s.unit for s in case.steps] == ["130100", "130100", "130100", "130123", "130123", "130123", "130123"]
    assert case.steps[2].to_unit == "130123"


def test_the_queue_order_is_the_nearest_open_deadline():
    case = registered()
    assert case.queue_sort() == "2026-06-16"
    accepted = apply(case, "accept", A, ActionInput(), CTX)
    assert accepted.queue_sort() == "2026-07-31"
    refused = apply(case, "not_accept", A, ActionInput(reason="不属于受理范围。"), CTX)
    assert refused.queue_sort() == "~" and refused.finished


@pytest.mark.parametrize("target", ["130100", "130000", "130602", "999999", None])
def test_a_case_is_assigned_only_down_the_tree(target):
    with pytest.raises(InvalidSubmission, match="下级单位"):
        apply(case_in(S.accepted), "assign", A, ActionInput(target_unit=target), CTX)


def test_a_unit_objects_within_five_working_days_and_the_case_goes_back_up_as_returned():
    case = apply(case_in(S.accepted), "assign", A, ActionInput(target_unit="130123"), CTX)
    with pytest.raises(ConflictError, match="已过"):
        apply(case, "return", H, ActionInput(reason="非本单位职责。"), context(D("2026-06-09"), "130123"))
    back = apply(case, "return", H, ActionInput(reason="非本单位职责。"), context(unit="130123"))
    assert back.stage is S.returned and back.handling_unit == "130100" and back.returns[0].unit == "130123"
    again = apply(back, "assign", A, ActionInput(target_unit="130123"), CTX)
    assert again.stage is S.assigned and again.handling_unit == "130123"


def test_an_extension_is_granted_once_at_most_thirty_days_with_a_reason():
    case = case_in(S.in_progress)
    with pytest.raises(InvalidSubmission, match="1 至 30"):
        apply(case, "extend", A, ActionInput(days=31, reason="理由"), CTX)
    with pytest.raises(InvalidSubmission, match="延期理由"):
        apply(case, "extend", A, ActionInput(days=10, reason="  "), CTX)
    once = apply(case, "extend", A, ActionInput(days=10, reason="需要调查。"), CTX)
    with pytest.raises(ConflictError, match="只能延期一次"):
        apply(once, "extend", A, ActionInput(days=5, reason="还需要时间。"), CTX)


def replied_by_county() -> Case:
    case = case_in(S.in_progress).model_copy(update={"handling_unit": "130123"})
    return apply(case, "reply", H, ActionInput(reply="已核实处理。"), context(unit="130123"))


def test_a_review_goes_to_the_parent_of_the_unit_that_replied_and_a_second_review_one_level_further():
    replied = replied_by_county()
    review = apply(replied, "request_review", P, ActionInput(reason="整改没有落实。"), context(unit=None))
    assert review.stage is S.review and review.handling_unit == "130100"  # 正定县 → 石家庄市
    assert review.deadlines == {Limit.review: D("2026-07-01")}
    assert review.steps[-1].unit is None and review.steps[-1].to_unit == "130100"
    answered = apply(review, "answer_review", A, ActionInput(reply="复查意见：维持。"), context(unit="130100"))
    assert answered.stage is S.replied and answered.deadlines == {Limit.re_review_request: D("2026-07-01")}
    with pytest.raises(ConflictError):
        apply(answered, "request_review", P, ActionInput(reason="再查一次。"), context(unit=None))
    re_review = apply(answered, "request_re_review", P, ActionInput(reason="复查没有回应。"), context(unit=None))
    assert re_review.stage is S.re_review and re_review.handling_unit == "130000"  # 石家庄市 → 河北省
    last = apply(re_review, "answer_review", A, ActionInput(reply="复核意见。"), context(unit="130000"))
    assert last.deadlines == {} and last.review_count == 2
    with pytest.raises(ConflictError):
        apply(last, "request_re_review", P, ActionInput(reason="还不服。"), context(unit=None))


@pytest.mark.parametrize("day, allowed", [("2026-07-01", True), ("2026-07-02", False)])
def test_a_review_may_be_asked_for_up_to_thirty_days_after_the_reply(day, allowed):
    replied = replied_by_county()  # replied on 2026-06-01
    ctx = context(D(day), None)
    if allowed:
        assert apply(replied, "request_review", P, ActionInput(reason="不满意。"), ctx).stage is S.review
    else:
        with pytest.raises(ConflictError, match="已过"):
            apply(replied, "request_review", P, ActionInput(reason="不满意。"), ctx)


def test_each_answer_is_rated_once_and_not_while_a_review_is_pending():
    replied = replied_by_county()
    rated = apply(replied, "rate", P, ActionInput(rating=Rating.dissatisfied, comment="没解决"), context(unit=None))
    assert rated.rating is Rating.dissatisfied and rated.ratings[0].unit == "130123"
    with pytest.raises(ConflictError, match="评价过"):
        apply(rated, "rate", P, ActionInput(rating=Rating.satisfied), context(unit=None))
    review = apply(rated, "request_review", P, ActionInput(reason="不满意。"), context(unit=None))
    with pytest.raises(ConflictError, match="复查、复核期间不能评价"):
        apply(review, "rate", P, ActionInput(rating=Rating.satisfied), context(unit=None))  # refused in 复查
    answered = apply(review, "answer_review", A, ActionInput(reply="复查意见。"), context(unit="130100"))
    assert answered.rating is None  # the 复查 answer is a new answer to rate
    assert apply(answered, "rate", P, ActionInput(rating=Rating.satisfied), context(unit=None)).rating is Rating.satisfied


def test_a_rating_needs_a_reply_first():
    with pytest.raises(ConflictError):
        apply(case_in(S.in_progress), "rate", P, ActionInput(rating=Rating.satisfied), context(unit=None))


def test_an_unknown_action_is_refused():
    with pytest.raises(InvalidSubmission):
        apply(case_in(S.registered), "delete", A, ActionInput(), CTX)


def test_a_message_is_published_only_with_consent_and_never_for_an_accusation_or_appeal():
    replied = replied_by_county()
    with pytest.raises(ConflictError, match="没有同意公开"):
        apply(replied, "publish", A, GOOD_INPUT["publish"], context(unit="130123"))
    consented = replied.model_copy(update={"publish_consent": True})
    published = apply(consented, "publish", A, GOOD_INPUT["publish"], context(unit="130123"))
    assert published.published and published.publication.unit == "130123"
    for kind in (PetitionKind.accusation, PetitionKind.appeal):
        with pytest.raises(ConflictError, match="不公开"):
            apply(consented.model_copy(update={"kind": kind}), "publish", A, GOOD_INPUT["publish"],
                  context(unit="130123"))
    withdrawn = apply(published, "withdraw", A, GOOD_INPUT["withdraw"], context(unit="130123"))
    assert not withdrawn.published and withdrawn.publication.withdrawn_on == TODAY
