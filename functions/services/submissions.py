"""Use cases of the public besides petitions: feedback, consultation comments, survey answers.
Each is one `insert_once` (services/idempotency.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from functions.domain import codes
from functions.domain.errors import ConflictError, InvalidSubmission, NotFoundError, RateLimited
from functions.domain.submissions import CommentIn, FeedbackIn, SurveyResponseIn
from functions.domain.surveys import counter_scope, scoped_deltas, validate_answers
from functions.store import to_iso
from functions.store.protocol import CounterIncrement, Listing, Record, UniqueClaim
from site_builder.models import Survey

from .context import PortalContext
from .idempotency import IdempotentRequest, insert_once

FEEDBACK, COMMENT, SURVEY_RESPONSE = "feedback", "comment", "survey_response"
# Lists staff read them from (each over the unit's subtree): feedback and comments by arrival, comments
# also per draft in article order, survey answers per survey.
RECEIVED = "received"


def consultation_listing(consultation_id: str) -> str:
    return f"consultation:{consultation_id}"


def survey_listing(survey_id: str) -> str:
    return f"survey:{survey_id}"


def comment_counter(consultation_id: str) -> str:
    return f"comments:{consultation_id}"


def submit_feedback(ctx: PortalContext, feedback: FeedbackIn, idem: IdempotentRequest | None = None) -> dict[str, Any]:
    root = ctx.org.roots[0]  # the webmaster's unit

    def make() -> tuple[Record, dict[str, Any]]:
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"page": feedback.page, "body": feedback.body,
                "contact": feedback.contact.model_dump(exclude_none=True), "status": "received",
                "received": now.isoformat()}
        return Record(FEEDBACK, key, data, now, unit=root, listings=(Listing(RECEIVED, to_iso(now)),)), {"id": key}

    return insert_once(ctx, make, idem)


def submit_comment(ctx: PortalContext, consultation_id: str, comment: CommentIn,
                   idem: IdempotentRequest | None = None) -> dict[str, Any]:
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

    def make() -> tuple[Record, dict[str, Any]]:
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"consultation": consultation_id, "article": comment.article, "body": comment.body,
                "name": comment.name, "contact": comment.contact.model_dump(exclude_none=True),
                "status": "received", "received": now.isoformat()}
        # Per draft in article order (comments on the whole draft last), then by time.
        article = window.articles.index(comment.article) if comment.article in window.articles else len(window.articles)
        listings = (Listing(consultation_listing(consultation_id), f"{article:04d}.{to_iso(now)}"),
                    Listing(RECEIVED, to_iso(now)))
        return Record(COMMENT, key, data, now, unit=window.unit, listings=listings), {"id": key}

    return insert_once(ctx, make, idem, counters=(CounterIncrement(comment_counter(consultation_id), "comments"),))


TOKENS_PER_ADDRESS = (20, 3600)     # respondent tokens one address may fetch per survey, per hour
ANSWERS_PER_ADDRESS = (200, 86400)  # answers per survey per address a day: an office behind one NAT fits


def _open_survey(ctx: PortalContext, survey_id: str) -> Survey:
    survey = ctx.registry.surveys.get(survey_id)
    if survey is None:
        raise NotFoundError("没有这项调查")
    if not survey.opens <= ctx.today() <= survey.closes:
        raise ConflictError(f"这项调查的时间是 {survey.opens} 至 {survey.closes}，现在不能作答")
    return survey


def _per_address(ctx: PortalContext, bucket: str, limit: tuple[int, int], message: str) -> None:
    count, seconds = limit
    now = ctx.clock()
    start = int(now.timestamp()) // seconds * seconds
    window = dt.datetime.fromtimestamp(start, dt.timezone.utc)
    if ctx.store.hit(bucket, window, window + dt.timedelta(seconds=2 * seconds)) > count:
        raise RateLimited(message, retry_after=max(1, start + seconds - int(now.timestamp())))


def issue_respondent_token(ctx: PortalContext, survey_id: str, client: str) -> str:
    """A signed token for one answer (the form carries it). Fetching many costs: counted per address."""
    _open_survey(ctx, survey_id)
    _per_address(ctx, f"survey-token|{survey_id}|{client}", TOKENS_PER_ADDRESS,
                 "获取答卷次数过多，请稍后再试")
    return codes.new_respondent_token(ctx.secret_key, survey_id, ctx.clock())


def submit_survey_response(ctx: PortalContext, survey_id: str, response: SurveyResponseIn, client: str,
                           idem: IdempotentRequest | None = None) -> dict[str, Any]:
    survey = _open_survey(ctx, survey_id)
    nonce = codes.respondent_token_nonce(response.respondent_token, ctx.secret_key, survey_id, ctx.clock())
    if nonce is None:
        raise InvalidSubmission("答卷已过期或无效，请刷新调查页面后重新作答", field="respondent_token")
    if response.unit is not None:
        ctx.require_unit(response.unit)
    try:
        answers = validate_answers(survey, response.answers)
    except InvalidSubmission as exc:  # the field as the form and the API name it
        raise InvalidSubmission(exc.message, field=f"answers.{exc.field}" if exc.field else None) from None
    _per_address(ctx, f"survey-answers|{survey_id}|{client}", ANSWERS_PER_ADDRESS,
                 "同一网络地址今天提交的答卷已经很多，请明天再试")
    token = hashlib.sha256(nonce.encode()).hexdigest()
    counters = [CounterIncrement(scope, name, delta)
                for scope, name, delta in scoped_deltas(survey_id, survey, answers, response.unit)]

    def make() -> tuple[Record, dict[str, Any]]:
        now = ctx.clock()
        key = str(uuid.uuid4())
        data = {"survey": survey_id, "answers": answers, "unit": response.unit, "received": now.isoformat()}
        # The list entry stays small (exports read the answers by key), so even a text-heavy survey
        # answered a hundred times a second keeps its list's partition far below its write limit.
        listing = Listing(survey_listing(survey_id), to_iso(now), {"received": data["received"], "unit": response.unit})
        return Record(SURVEY_RESPONSE, key, data, now, unit=survey.unit, listings=(listing,)), {"id": key}

    return insert_once(ctx, make, idem, unique=[UniqueClaim(counter_scope(survey_id), token)], counters=counters)
