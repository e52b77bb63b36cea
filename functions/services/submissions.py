"""Use cases of the public besides petitions: feedback, consultation comments, survey answers.
Each is one `insert_once` (services/idempotency.py)."""

from __future__ import annotations

import hashlib
import uuid

from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError
from functions.domain.submissions import CommentIn, FeedbackIn, SurveyResponseIn
from functions.domain.surveys import counter_deltas, counter_scope, validate_answers
from functions.store.protocol import CounterIncrement, Record, UniqueClaim

from .context import PortalContext
from .idempotency import IdempotentRequest, insert_once

FEEDBACK, COMMENT, SURVEY_RESPONSE = "feedback", "comment", "survey_response"


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
