"""The public's JSON API: petitions, their status and follow-ups, feedback, comments, survey answers.
Thin: validated models in, one service call, the response out."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path

from functions import config
from functions.domain.petitions import PetitionIn
from functions.domain.submissions import CommentIn, FeedbackIn, RatingIn, ReviewRequestIn, SurveyResponseIn
from functions.services import submissions as service
from functions.services.idempotency import IdempotentRequest
from functions.services.uploads import UploadIn, start_upload
from functions.store.protocol import StoredResponse

from ..http import json_dumps

router = Router()

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", description="每次填写表单生成一个，重复提交时返回第一次的结果")]
RECEIPT_NOTE = "请立即抄写或截图保存受理编号和查询码。查询码只显示这一次，丢失后无法找回。"


def _idempotent(key: str | None) -> IdempotentRequest | None:
    if key is None:
        return None
    event = router.current_event
    return IdempotentRequest(f"{event.http_method} {event.path}", key, event.decoded_body.encode()
                             if isinstance(event.decoded_body, str) else event.decoded_body or b"")


def _created(result: dict) -> StoredResponse:
    return StoredResponse(201, json_dumps(result), {"Content-Type": content_types.APPLICATION_JSON})


def _respond(stored: StoredResponse) -> Response:
    return Response(status_code=stored.status, content_type=stored.headers.get("Content-Type", content_types.APPLICATION_JSON),
                    body=stored.body, headers={k: v for k, v in stored.headers.items() if k != "Content-Type"})


@router.post("/api/petitions")
def create_petition(petition: Annotated[PetitionIn, Body()], idempotency_key: IdempotencyKey = None):
    """提交信访事项，返回受理编号和查询码。"""

    def render(receipt: dict) -> StoredResponse:
        return _created({**receipt, "note": RECEIPT_NOTE})

    return _respond(service.submit_petition(config.context(), petition, render, _idempotent(idempotency_key)))


@router.get("/api/petitions/<reference>/status")
def petition_status(reference: Annotated[str, Path(max_length=20)],
                    query_code: Annotated[str, Header(alias="X-Query-Code", min_length=12, max_length=20,
                                                      description="查询码放在请求头中，不进入网址和访问日志")]) -> dict:
    """查询办理进度：阶段、承办单位、各项期限和公开答复。"""
    return service.petition_status(config.context(), reference, query_code)


@router.post("/api/petitions/<reference>/rating")
def rate_petition(reference: Annotated[str, Path(max_length=20)], rating: Annotated[RatingIn, Body()],
                  idempotency_key: IdempotencyKey = None) -> dict:
    """对答复进行满意度评价（满意、基本满意、不满意）。"""
    _idempotent(idempotency_key)  # validates the header; the update itself is naturally idempotent
    return service.rate_petition(config.context(), reference, rating)


@router.post("/api/petitions/<reference>/review-request")
def request_review(reference: Annotated[str, Path(max_length=20)], request: Annotated[ReviewRequestIn, Body()],
                   idempotency_key: IdempotencyKey = None) -> dict:
    """收到答复后 30 日内请求复查。"""
    _idempotent(idempotency_key)
    return service.request_review(config.context(), reference, request)


@router.post("/api/feedback")
def create_feedback(feedback: Annotated[FeedbackIn, Body()], idempotency_key: IdempotencyKey = None):
    """对本站某个页面或网站整体提出意见建议。"""
    return _respond(service.submit_feedback(config.context(), feedback, _created, _idempotent(idempotency_key)))


@router.post("/api/consultations/<consultation_id>/comments")
def create_comment(consultation_id: Annotated[str, Path(max_length=80)], comment: Annotated[CommentIn, Body()],
                   idempotency_key: IdempotencyKey = None):
    """对征求意见稿（或其中某一条）提出意见，仅在征求意见期间接收。"""
    return _respond(service.submit_comment(config.context(), consultation_id, comment, _created,
                                           _idempotent(idempotency_key)))


@router.post("/api/surveys/<survey_id>/responses")
def create_survey_response(survey_id: Annotated[str, Path(max_length=80)],
                           response: Annotated[SurveyResponseIn, Body()], idempotency_key: IdempotencyKey = None):
    """提交网络调查答卷，每位答卷人每项调查一次。"""
    return _respond(service.submit_survey_response(config.context(), survey_id, response, _created,
                                                   _idempotent(idempotency_key)))


@router.post("/api/uploads")
def create_upload(upload: Annotated[UploadIn, Body()]) -> dict:
    """申请上传一个附件（PDF、JPEG、PNG，不超过 10 MB）：返回附件编号和一次性的上传凭证。"""
    ctx = config.context()
    return start_upload(ctx.blobs, upload, ctx.clock())


@router.get("/api/openapi.json", include_in_schema=False)
def openapi_document():
    from functions.openapi import spec_json

    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=spec_json(),
                    headers={"Cache-Control": "public, max-age=3600"})
