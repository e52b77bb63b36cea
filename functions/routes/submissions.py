"""The public's JSON API: petitions, their status and follow-ups, feedback, comments, survey answers.
Thin: validated models in, one service call, a typed model out."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path
from pydantic import BaseModel, Field

from functions import config
from functions.domain.case import PublicStatus
from functions.domain.petitions import PetitionIn
from functions.domain.submissions import CommentIn, FeedbackIn, RatingIn, ReviewRequestIn, SurveyResponseIn
from functions.services import petitions, recovery
from functions.services import submissions as service
from functions.services.idempotency import IdempotentRequest
from functions.services.uploads import UploadIn, UploadOut, start_upload

from ..guard import client_ip
from ..http import documented

router = Router()

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key",
                                              description="每次填写表单生成一个，重复提交时返回第一次的结果")]
Reference = Annotated[str, Path(max_length=20, description="受理编号，例如 XF261127-7K3QM")]
RECEIPT_NOTE = ("请立即抄写或截图保存受理编号和查询码。查询码只显示这一次；"
                "如果选择了短信通知，丢失后可凭受理编号和手机号码重新获取。")


class ReceiptOut(petitions.Receipt):
    note: str = Field(description="给信访人的提示")


class CreatedOut(BaseModel):
    id: str = Field(description="提交的编号")


def _client() -> str:
    return client_ip(router.current_event.raw_event)


def _idempotent(key: str | None) -> IdempotentRequest | None:
    if key is None:
        return None
    event = router.current_event
    body = event.decoded_body
    return IdempotentRequest(f"{event.http_method} {event.path}", key,
                             body.encode() if isinstance(body, str) else body or b"")


@router.post("/api/petitions", status_code=201,
             responses=documented(201, ReceiptOut, "已登记", 400, 409, 413, 415, 422, 429))
def create_petition(petition: Annotated[PetitionIn, Body()], idempotency_key: IdempotencyKey = None) -> ReceiptOut:
    """提交信访事项，返回受理编号和查询码。"""
    receipt = petitions.submit_petition(config.context(), petition, _idempotent(idempotency_key))
    return ReceiptOut(**receipt.model_dump(), note=RECEIPT_NOTE)


@router.get("/api/petitions/<reference>/status", responses=documented(200, PublicStatus, "办理进度", 404, 422, 429))
def petition_status(reference: Reference,
                    query_code: Annotated[str, Header(alias="X-Query-Code", min_length=12, max_length=20,
                                                      description="查询码放在请求头中，不进入网址和访问日志")]) -> PublicStatus:
    """查询办理进度：阶段、办理经过、承办单位、各项期限和公开答复。"""
    return petitions.petition_status(config.context(), reference, query_code)


@router.post("/api/petitions/<reference>/rating",
             responses=documented(200, PublicStatus, "已评价", 400, 404, 409, 413, 415, 422, 429))
def rate_petition(reference: Reference, rating: Annotated[RatingIn, Body()],
                  idempotency_key: IdempotencyKey = None) -> PublicStatus:
    """对答复进行满意度评价（满意、基本满意、不满意），每次答复评价一次。"""
    _idempotent(idempotency_key)  # validates the header; the step itself is idempotent
    return petitions.rate(config.context(), reference, rating.query_code, rating.rating, rating.comment)


@router.post("/api/petitions/<reference>/review-request",
             responses=documented(200, PublicStatus, "已转上一级单位复查（复核）", 400, 404, 409, 413, 415, 422, 429))
def request_review(reference: Reference, request: Annotated[ReviewRequestIn, Body()],
                   idempotency_key: IdempotencyKey = None) -> PublicStatus:
    """收到答复后 30 日内请求复查；收到复查意见后 30 日内请求复核。由上一级单位办理。"""
    _idempotent(idempotency_key)
    return petitions.request_review(config.context(), reference, request.query_code, request.reason)


@router.post("/api/feedback", status_code=201,
             responses=documented(201, CreatedOut, "已收到", 400, 409, 413, 415, 422, 429))
def create_feedback(feedback: Annotated[FeedbackIn, Body()], idempotency_key: IdempotencyKey = None) -> CreatedOut:
    """对本站某个页面或网站整体提出意见建议。"""
    return CreatedOut(**service.submit_feedback(config.context(), feedback, _idempotent(idempotency_key)))


@router.post("/api/consultations/<consultation_id>/comments", status_code=201,
             responses=documented(201, CreatedOut, "已收到", 400, 404, 409, 413, 415, 422, 429))
def create_comment(consultation_id: Annotated[str, Path(max_length=80)], comment: Annotated[CommentIn, Body()],
                   idempotency_key: IdempotencyKey = None) -> CreatedOut:
    """对征求意见稿（或其中某一条）提出意见，仅在征求意见期间接收。"""
    return CreatedOut(**service.submit_comment(config.context(), consultation_id, comment,
                                               _idempotent(idempotency_key)))


@router.post("/api/surveys/<survey_id>/responses", status_code=201,
             responses=documented(201, CreatedOut, "已收到", 400, 404, 409, 413, 415, 422, 429))
def create_survey_response(survey_id: Annotated[str, Path(max_length=80)],
                           response: Annotated[SurveyResponseIn, Body()],
                           idempotency_key: IdempotencyKey = None) -> CreatedOut:
    """提交网络调查答卷，每位答卷人每项调查一次。"""
    return CreatedOut(**service.submit_survey_response(config.context(), survey_id, response, _client(),
                                                       _idempotent(idempotency_key)))


class TokenOut(BaseModel):
    token: str = Field(description="一份答卷的标识：作答时放入 respondent_token，每个标识只能提交一次")


@router.get("/api/surveys/<survey_id>/token", responses=documented(200, TokenOut, "答卷标识", 404, 409, 429))
def survey_token(survey_id: Annotated[str, Path(max_length=80)]) -> TokenOut:
    """取得一份答卷的标识（由服务器签发，每个网络地址每小时有数量限制）。"""
    return TokenOut(token=service.issue_respondent_token(config.context(), survey_id, _client()))


@router.post("/api/uploads", responses=documented(200, UploadOut, "上传凭证", 400, 413, 415, 422, 429))
def create_upload(upload: Annotated[UploadIn, Body()]) -> UploadOut:
    """申请上传一个附件（PDF、JPEG、PNG，不超过 10 MB）：返回附件编号和一次性的上传凭证。"""
    ctx = config.context()
    return start_upload(ctx.blobs, upload, ctx.clock())


class RecoveryIn(BaseModel):
    model_config = {"extra": "forbid"}
    mobile: str = Field(min_length=11, max_length=14, description="登记时填写、并选择了短信通知的手机号码")


class RecoveryConfirmIn(BaseModel):
    model_config = {"extra": "forbid"}
    code: str = Field(min_length=6, max_length=6, pattern=r"^\d{6}$", description="短信收到的 6 位验证码")


class MessageOut(BaseModel):
    message: str


class NewQueryCodeOut(BaseModel):
    reference: str
    query_code: str = Field(description="新的查询码（只显示这一次；原来的查询码已作废）")


@router.post("/api/petitions/<reference>/recovery",
             responses=documented(200, MessageOut, "已处理（是否发送都回答同样的话）", 400, 404, 413, 415, 422, 429))
def request_recovery(reference: Reference, request: Annotated[RecoveryIn, Body()]) -> MessageOut:
    """丢失查询码时，凭受理编号和手机号码获取短信验证码（登记时选择了短信通知的才会发送）。"""
    return MessageOut(message=recovery.request_code(config.context(), reference, request.mobile, _client()))


@router.post("/api/petitions/<reference>/recovery/confirm",
             responses=documented(200, NewQueryCodeOut, "新的查询码", 400, 404, 413, 415, 422, 429))
def confirm_recovery(reference: Reference, request: Annotated[RecoveryConfirmIn, Body()]) -> NewQueryCodeOut:
    """凭验证码取得新的查询码，原来的查询码作废。"""
    from functions.domain.codes import normalize_reference

    code = recovery.confirm_code(config.context(), reference, request.code)
    return NewQueryCodeOut(reference=normalize_reference(reference), query_code=code)
