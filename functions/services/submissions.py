"""Use cases of the public: send a petition, feedback, a comment or survey answers; follow a petition.

Each write is one Store.insert (record + audit event + idempotency claim + unique claims +
counters), so a 2xx always means everything was committed and an error means nothing was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from site_builder.registry import Registry

from functions.blobs.protocol import BlobStore
from functions.domain import codes
from functions.domain.cases import nearest_deadline
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.petitions import PetitionIn, Stage, initial_case, public_status
from functions.domain.submissions import CommentIn, FeedbackIn, RatingIn, ReviewRequestIn, SurveyResponseIn
from functions.domain.surveys import counter_deltas, validate_answers
from functions.domain.time_limits import Limit, calendar_deadline, china_date
from functions.store.protocol import (AlreadyExists, AuditEvent, CounterIncrement, IdempotentReplay, Record, Store,
                                      StoredResponse, UniqueClaim, VersionConflict)

from .idempotency import IdempotentRequest, previous_response
from .uploads import keep_attachments, verify_attachments

PETITION, FEEDBACK, COMMENT, SURVEY_RESPONSE = "petition", "feedback", "comment", "survey_response"
Render = Callable[[dict], StoredResponse]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class PortalContext:
    """What every use case needs; built once per process by functions.config."""

    store: Store
    registry: Registry
    secret_key: bytes
    blobs: BlobStore | None = None
    clock: Callable[[], dt.datetime] = utc_now
    unit_names: dict[str, str] = field(init=False)

    def __post_init__(self):
        self.unit_names = {u.code: u.name for u in self.registry.units}

    def today(self) -> dt.date:
        return china_date(self.clock())

    def require_unit(self, code: str, field_name: str = "unit") -> str:
        if code not in self.unit_names:
            raise InvalidSubmission(f"单位代码“{code}”不存在", field=field_name)
        return code


def _insert_once(ctx: PortalContext, make: Callable[[], tuple[Record, dict]], render: Render,
                 idem: IdempotentRequest | None, unique=(), counters=()) -> StoredResponse:
    now = ctx.clock()
    replay = previous_response(ctx.store, idem, now)
    if replay is not None:
        return replay
    for _ in range(3):  # a fresh random key on the rare collision of generated keys
        record, result = make()
        response = render(result)
        audit = AuditEvent(record.collection, record.key, now, actor="public", action="submitted",
                           unit=record.unit, after={"stage": record.data.get("stage", "received")})
        try:
            ctx.store.insert(record, audit=audit, idempotency=idem.claim(response, now) if idem else None,
                             unique=tuple(unique), counters=tuple(counters))
            return response
        except IdempotentReplay as exc:  # a concurrent request with the same key won the race
            return idem.replay(exc.claim)
        except AlreadyExists as exc:
            if exc.what != "record":
                raise ConflictError("已经提交过，不能重复提交") from None
    raise ConflictError("系统繁忙，请稍后重试")


def submit_petition(ctx: PortalContext, petition: PetitionIn, render: Render,
                    idem: IdempotentRequest | None = None) -> StoredResponse:
    ctx.require_unit(petition.unit)
    if petition.attachments:
        if ctx.blobs is None:
            raise InvalidSubmission("暂不接收附件", field="attachments")
        verify_attachments(ctx.blobs, petition.attachments)
        keep_attachments(ctx.blobs, petition.attachments)

    def make():
        received = ctx.clock()
        reference = codes.new_reference(china_date(received))
        query_code = codes.new_query_code()
        case = initial_case(petition, reference, codes.hash_query_code(query_code, ctx.secret_key), received)
        record = Record(PETITION, reference, case, received, unit=petition.unit,
                        queue_sort=nearest_deadline(case))
        receipt = {"reference": reference, "query_code": query_code, **public_status(case, ctx.unit_names)}
        return record, receipt

    return _insert_once(ctx, make, render, idem)


def _authorised_case(ctx: PortalContext, reference: str, query_code: str) -> Record:
    """The case, if the code matches. Unknown reference and wrong code are the same NotFoundError."""
    record = ctx.store.get(PETITION, codes.normalize_reference(reference))
    stored_hash = record.data.get("query_code_hash") if record else None
    if not codes.query_code_matches(query_code, stored_hash, ctx.secret_key):
        raise NotFoundError("受理编号或查询码不正确")
    return record


def petition_status(ctx: PortalContext, reference: str, query_code: str) -> dict:
    return public_status(_authorised_case(ctx, reference, query_code).data, ctx.unit_names)


def _update_case(ctx: PortalContext, record: Record, data: dict, action: str, before: dict, after: dict) -> dict:
    now = ctx.clock()
    audit = AuditEvent(PETITION, record.key, now, actor="public", action=action, unit=record.unit,
                       before=before, after=after)
    try:
        updated = ctx.store.update(Record(PETITION, record.key, data, record.created_at, record.unit,
                                          record.version, nearest_deadline(data)),
                                   expected_version=record.version, audit=audit)
    except VersionConflict:
        raise ConflictError("办理状态刚刚发生变化，请刷新后重试") from None
    return public_status(updated.data, ctx.unit_names)


def rate_petition(ctx: PortalContext, reference: str, rating: RatingIn) -> dict:
    record = _authorised_case(ctx, reference, rating.query_code)
    data = dict(record.data)
    if not data.get("public_reply"):
        raise ConflictError("收到答复后才能评价")
    if data.get("rating") == rating.rating.value:
        return public_status(data, ctx.unit_names)  # the same rating again changes nothing
    before = {"rating": data.get("rating")}
    data["rating"] = rating.rating.value
    return _update_case(ctx, record, data, "rated", before, {"rating": data["rating"]})


def request_review(ctx: PortalContext, reference: str, request: ReviewRequestIn) -> dict:
    """复查 after a reply, then 复核 after the review's answer; each within its deadline."""
    record = _authorised_case(ctx, reference, request.query_code)
    data = dict(record.data)
    if data["stage"] in (Stage.review.value, Stage.re_review.value):
        return public_status(data, ctx.unit_names)  # asked already: nothing changes
    due = data.get("deadlines", {}).get(Limit.review_request.value)
    if data["stage"] != Stage.replied.value or due is None:
        raise ConflictError("只有已答复、且未用完复查复核的信访事项可以提出请求")
    if ctx.today() > dt.date.fromisoformat(due):
        raise ConflictError(f"请求复查（复核）的期限（至 {due}）已过")
    second = data.get("review_count", 0) >= 1
    stage, limit = (Stage.re_review, Limit.re_review) if second else (Stage.review, Limit.review)
    today = ctx.today()
    data["stage"] = stage.value
    data.setdefault("review_requests", []).append({"reason": request.reason, "date": today.isoformat()})
    deadlines = {k: v for k, v in data["deadlines"].items() if k != Limit.review_request.value}
    data["deadlines"] = {**deadlines, limit.value: calendar_deadline(today, limit).isoformat()}
    return _update_case(ctx, record, data, "review_requested", {"stage": Stage.replied.value}, {"stage": stage.value})


def submit_feedback(ctx: PortalContext, feedback: FeedbackIn, render: Render,
                    idem: IdempotentRequest | None = None) -> StoredResponse:
    root = next(u.code for u in ctx.registry.units if u.parent is None)  # the webmaster's unit

    def make():
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"page": feedback.page, "body": feedback.body,
                "contact": feedback.contact.model_dump(exclude_none=True), "status": "received",
                "received": now.isoformat()}
        return Record(FEEDBACK, key, data, now, unit=root, queue_sort=now.isoformat()), {"id": key}

    return _insert_once(ctx, make, render, idem)


def submit_comment(ctx: PortalContext, consultation_id: str, comment: CommentIn, render: Render,
                   idem: IdempotentRequest | None = None) -> StoredResponse:
    window = ctx.registry.consultations.get(consultation_id)
    if window is None:
        raise NotFoundError("没有这个征求意见稿")
    today = ctx.today()
    if today < window.opens:
        raise ConflictError(f"征求意见将于 {window.opens} 开始，届时欢迎提出意见")
    if today > window.closes:
        raise ConflictError(f"征求意见已于 {window.closes} 截止，不再接收意见")
    if comment.article is not None and comment.article not in window.articles:
        raise InvalidSubmission(f"征求意见稿中没有“{comment.article}”", field="article")

    def make():
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"consultation": consultation_id, "article": comment.article, "body": comment.body,
                "name": comment.name, "contact": comment.contact.model_dump(exclude_none=True),
                "status": "received", "received": now.isoformat()}
        return Record(COMMENT, key, data, now, unit=window.unit, queue_sort=now.isoformat()), {"id": key}

    return _insert_once(ctx, make, render, idem)


def submit_survey_response(ctx: PortalContext, survey_id: str, response: SurveyResponseIn, render: Render,
                           idem: IdempotentRequest | None = None) -> StoredResponse:
    survey = ctx.registry.surveys.get(survey_id)
    if survey is None:
        raise NotFoundError("没有这项调查")
    today = ctx.today()
    if not survey.opens <= today <= survey.closes:
        raise ConflictError(f"这项调查的时间是 {survey.opens} 至 {survey.closes}，现在不能作答")
    if response.unit is not None:
        ctx.require_unit(response.unit)
    answers = validate_answers(survey, response.answers)
    token = hashlib.sha256(response.respondent_token.encode()).hexdigest()
    counters = [CounterIncrement(f"survey:{survey_id}", name, delta)
                for name, delta in counter_deltas(survey, answers, response.unit)]

    def make():
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"survey": survey_id, "answers": answers, "unit": response.unit, "received": now.isoformat()}
        return Record(SURVEY_RESPONSE, key, data, now, unit=survey.unit, queue_sort=now.isoformat()), {"id": key}

    return _insert_once(ctx, make, render, idem, unique=[UniqueClaim(f"survey:{survey_id}", token)],
                        counters=counters)
