"""Use cases of the public besides petitions: feedback, consultation comments, survey answers; and
the one road every public write takes (`insert_once`).

Each write is one Store.insert (record + audit event + idempotency claim + unique claims +
counters), so a 2xx always means everything was committed and an error means nothing was.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.submissions import CommentIn, FeedbackIn, SurveyResponseIn
from functions.domain.surveys import counter_deltas, counter_scope, validate_answers
from functions.store.protocol import AlreadyExists, AuditEvent, CounterIncrement, IdempotentReplay, Record, UniqueClaim

from .context import PortalContext
from .idempotency import IdempotentRequest, previous_result

FEEDBACK, COMMENT, SURVEY_RESPONSE = "feedback", "comment", "survey_response"


def insert_once(ctx: PortalContext, make: Callable[[], tuple[Record, dict]], idem: IdempotentRequest | None,
                unique=(), counters=()) -> dict:
    """Store what `make` builds (record, result) once; a replay of the same request gets the first
    result. The result is what the caller answers with, whatever the door (JSON or a form)."""
    now = ctx.clock()
    replay = previous_result(ctx.store, idem, now)
    if replay is not None:
        return replay
    for _ in range(3):  # a fresh random key on the rare collision of generated keys
        record, result = make()
        audit = AuditEvent(record.collection, record.key, now, actor="public", action="submitted",
                           unit=record.unit, after={"stage": record.data.get("stage", "received")})
        try:
            ctx.store.insert(record, audit=audit, idempotency=idem.claim(result, now) if idem else None,
                             unique=tuple(unique), counters=tuple(counters))
            return result
        except IdempotentReplay as exc:  # a concurrent request with the same key won the race
            assert idem is not None
            return idem.replay(exc.claim)
        except AlreadyExists as exc:
            if exc.what != "record":
                raise ConflictError("已经提交过，不能重复提交") from None
    raise ConflictError("系统繁忙，请稍后重试")


def submit_feedback(ctx: PortalContext, feedback: FeedbackIn, idem: IdempotentRequest | None = None) -> dict:
    root = ctx.org.roots[0]  # the webmaster's unit

    def make() -> tuple[Record, dict]:
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"page": feedback.page, "body": feedback.body,
                "contact": feedback.contact.model_dump(exclude_none=True), "status": "received",
                "received": now.isoformat()}
        return Record(FEEDBACK, key, data, now, unit=root, queue_sort=now.isoformat()), {"id": key}

    return insert_once(ctx, make, idem)


def submit_comment(ctx: PortalContext, consultation_id: str, comment: CommentIn,
                   idem: IdempotentRequest | None = None) -> dict:
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

    def make() -> tuple[Record, dict]:
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"consultation": consultation_id, "article": comment.article, "body": comment.body,
                "name": comment.name, "contact": comment.contact.model_dump(exclude_none=True),
                "status": "received", "received": now.isoformat()}
        return Record(COMMENT, key, data, now, unit=window.unit, queue_sort=now.isoformat()), {"id": key}

    return insert_once(ctx, make, idem)


def submit_survey_response(ctx: PortalContext, survey_id: str, response: SurveyResponseIn,
                           idem: IdempotentRequest | None = None) -> dict:
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
    counters = [CounterIncrement(counter_scope(survey_id), name, delta)
                for name, delta in counter_deltas(survey, answers, response.unit)]

    def make() -> tuple[Record, dict]:
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"survey": survey_id, "answers": answers, "unit": response.unit, "received": now.isoformat()}
        return Record(SURVEY_RESPONSE, key, data, now, unit=survey.unit, queue_sort=now.isoformat()), {"id": key}

    return insert_once(ctx, make, idem, unique=[UniqueClaim(counter_scope(survey_id), token)], counters=counters)
