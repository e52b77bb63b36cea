"""The forms of the site posted without JavaScript (application/x-www-form-urlencoded).

Same models and services as the JSON API. On success: 303 to a receipt page. On any error: the
page the form came from, re-rendered with what the person typed and each error next to its
field, so nothing typed is lost.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ValidationError

from site_builder import forms, shells
from site_builder.templating import environment

from .. import config
from ..domain.case import RATING_LABELS, Rating
from ..domain.codes import normalize_reference
from ..domain.errors import DomainError, InvalidSubmission
from ..domain.petitions import PetitionIn
from ..domain.submissions import CommentIn, FeedbackIn, ReviewRequestIn, SurveyResponseIn
from ..domain.surveys import numbers_from_form
from ..formdata import derived_idempotency_key, flatten, parse_form, read_pairs
from ..guard import client_ip
from ..http import FIELD_LABELS, cookie, error_headers, is_https, message_of, status_of, validation_errors
from ..services import petitions, receipts, recovery
from ..services import submissions as service
from ..services.idempotency import IdempotentRequest

router = Router()
_TEMPLATES = environment(Path(__file__).parent.parent / "templates")


def _build_dir() -> Path:
    return Path(os.environ.get("PORTAL_BUILD_DIR", "build"))


def _html(status: int, body: str, headers: dict | None = None) -> Response:
    return Response(status_code=status, content_type="text/html; charset=utf-8", body=body,
                    headers={"Cache-Control": "no-store", **(headers or {})})


def _page(title: str, body_html: str) -> str:
    return shells.fill(shells.load(_build_dir(), shells.GENERIC_SHELL), title, body_html)


def _posted(list_fields: frozenset[str] = frozenset()) -> tuple[dict, dict, IdempotentRequest]:
    event = router.current_event
    body = event.decoded_body or ""
    data, control = parse_form(body, list_fields)
    key = control["idempotency_key"] or derived_idempotency_key(client_ip(event.raw_event), event.path, body)
    return data, control, IdempotentRequest(f"POST {event.path}", key, body.encode())


def _submit(shell: str, render_form: Callable[[forms.FormState], str], model: type[BaseModel],
            submit: Callable, list_fields: frozenset[str] = frozenset(),
            prepare: Callable[[dict], dict] = lambda data: data) -> Response:
    """Validate, submit, and answer 303 → `then`; or re-render the form with the errors."""
    data, control, idem = _posted(list_fields)
    values = flatten(data)
    try:
        if control["website"]:
            raise InvalidSubmission("请清空“请勿填写此项”一栏后再提交（该栏用于识别自动程序）")
        return submit(model.model_validate(prepare(data)), idem)
    except ValidationError as exc:
        status, errors, message, headers = HTTPStatus.UNPROCESSABLE_ENTITY, validation_errors(exc.errors()), None, {}
    except DomainError as exc:  # incl. the Store busy or unreachable (503 + Retry-After): the input stays
        status = status_of(exc)
        errors = {exc.field: exc.message} if exc.field else {}
        message, headers = message_of(exc), error_headers(exc)
    form_html = render_form(forms.FormState(values=values, errors=errors, message=message,
                                            idempotency_key=control["idempotency_key"], labels=FIELD_LABELS))
    return _html(status.value, forms.replace_form(shells.load(_build_dir(), shell), form_html), headers)


def _see_other(location: str, cookie: str | None = None) -> Response:
    headers = {"Location": location}
    response = _html(HTTPStatus.SEE_OTHER.value, "", headers)
    if cookie:
        response.cookies.append(cookie)
    return response


def _receipt_cookie(token: str) -> str:
    secure = "; Secure" if is_https(router.current_event.headers) else ""
    return (f"{receipts.COOKIE}={token}; Path=/forms/receipt; Max-Age={int(receipts.LIFETIME.total_seconds())}; "
            f"HttpOnly; SameSite=Strict{secure}")


def error_page(status: HTTPStatus, message: str) -> str:
    """A page for errors found before a form could be parsed (size, rate limit): go back, input kept."""
    body = (f"<h1>未能提交</h1><p class=\"portal-warning\">{html.escape(message)}</p>"
            "<p>请使用浏览器的“返回”按钮回到表单，已填写的内容仍在。</p>")
    return _page("未能提交", body)


@router.post("/forms/petition", include_in_schema=False)
def petition_form():
    ctx = config.context()

    def submit(petition: PetitionIn, idem: IdempotentRequest):
        receipt = petitions.submit_petition(ctx, petition, idem)
        token = receipts.seal(receipt.model_dump(mode="json"), ctx.secret_key, ctx.clock())
        return _see_other("/forms/receipt", _receipt_cookie(token))

    def prepare(data: dict) -> dict:  # a ticked box posts "true"; the model takes a real boolean only
        if "publish_consent" in data:
            data = {**data, "publish_consent": data["publish_consent"] == "true"}
        return data

    shell, mailbox = "petition", None
    box_id = dict(read_pairs(router.current_event.decoded_body or "")).get("mailbox")
    if box_id and box_id in ctx.registry.mailboxes:
        shell, mailbox = f"mailbox-{box_id}", ctx.registry.mailboxes[box_id]
    return _submit(shell, lambda state: forms.petition_form(ctx.org, state, mailbox=mailbox), PetitionIn, submit,
                   prepare=prepare)


@router.get("/forms/receipt", include_in_schema=False)
def receipt_page():
    ctx = config.context()
    token = cookie(router.current_event.cookies, receipts.COOKIE)
    receipt = receipts.unseal(token, ctx.secret_key, ctx.clock()) if token else None
    if receipt is None:
        return _html(HTTPStatus.NOT_FOUND.value, _page("回执已失效", _TEMPLATES.get_template("receipt_expired.html").render()))
    body = _TEMPLATES.get_template("receipt.html").render(receipt=receipt)
    return _html(HTTPStatus.OK.value, _page("提交成功", body))


THANKS = {"feedback": "感谢您的意见建议，我们会认真研究。", "comment": "感谢您对征求意见稿提出的意见。",
          "survey": "感谢您参与本次网络调查。"}


@router.get("/forms/thanks", include_in_schema=False)
def thanks_page():
    kind = router.current_event.raw_query_string
    message = THANKS.get(kind, "提交成功。")
    return _html(HTTPStatus.OK.value, _page("提交成功", _TEMPLATES.get_template("thanks.html").render(message=message)))


def _page_from_referer() -> str | None:
    referer = urlsplit(router.current_event.headers.get("referer") or "")
    page = parse_qs(referer.query).get("page", [None])[0]
    return page if page and page.startswith("/") and len(page) <= 300 and " " not in page else None


@router.post("/forms/feedback", include_in_schema=False)
def feedback_form():
    ctx = config.context()

    def submit(feedback: FeedbackIn, idem: IdempotentRequest):
        if feedback.page is None:  # without JavaScript the page travels in the form page's own URL
            feedback = feedback.model_copy(update={"page": _page_from_referer()})
        service.submit_feedback(ctx, feedback, idem)
        return _see_other("/forms/thanks?feedback")

    return _submit("feedback", forms.feedback_form, FeedbackIn, submit)


@router.post("/forms/consultations/<consultation_id>/comments", include_in_schema=False)
def comment_form(consultation_id: str):
    ctx = config.context()
    window = ctx.registry.consultations.get(consultation_id)
    if window is None:
        return _html(HTTPStatus.NOT_FOUND.value, _page("页面不存在", "<h1>没有这个征求意见稿</h1>"))

    def submit(comment: CommentIn, idem: IdempotentRequest):
        service.submit_comment(ctx, consultation_id, comment, idem)
        return _see_other("/forms/thanks?comment")

    return _submit(f"consultation-{consultation_id}",
                   lambda state: forms.comment_form(consultation_id, window.articles, state), CommentIn, submit)


@router.post("/forms/surveys/<survey_id>/responses", include_in_schema=False)
def survey_form(survey_id: str):
    ctx = config.context()
    survey = ctx.registry.surveys.get(survey_id)
    if survey is None:
        return _html(HTTPStatus.NOT_FOUND.value, _page("页面不存在", "<h1>没有这项调查</h1>"))
    multiple = frozenset(f"answers.{q.id}" for q in survey.questions if q.type == "multiple")
    client = client_ip(router.current_event.raw_event)

    def render(state: forms.FormState) -> str:
        return forms.survey_form(survey_id, survey, ctx.org, state)

    def submit(response: SurveyResponseIn, idem: IdempotentRequest):
        service.submit_survey_response(ctx, survey_id, response, client, idem)
        return _see_other("/forms/thanks?survey")

    def prepare(data: dict) -> dict:
        if isinstance(data.get("answers"), dict):
            data = {**data, "answers": numbers_from_form(survey, data["answers"])}
        return data

    data, control, _ = _posted(multiple)
    if not data.get("respondent_token"):
        # Without JavaScript the static page cannot hold a token: hand one out with the answers kept.
        try:
            token = service.issue_respondent_token(ctx, survey_id, client)
        except DomainError as exc:
            state = forms.FormState(values=flatten(data), message=message_of(exc))
            return _html(status_of(exc).value, forms.replace_form(shells.load(_build_dir(), f"survey-{survey_id}"),
                                                                   render(state)))
        values = {**flatten(data), "respondent_token": token}
        state = forms.FormState(values=values, notice=CONFIRM_SURVEY, idempotency_key=control["idempotency_key"])
        return _html(HTTPStatus.OK.value, forms.replace_form(shells.load(_build_dir(), f"survey-{survey_id}"),
                                                             render(state)))
    return _submit(f"survey-{survey_id}", render, SurveyResponseIn, submit, multiple, prepare)


CONFIRM_SURVEY = "您的答案已填好，尚未提交。请核对后点击页面下方的“提交”按钮完成提交（为保证每人只提交一次答卷）。"


REVIEW_CHOICES = (
    ("request_review", "请求复查", "对答复不满意的，可以在收到答复之日起 30 日内请求复查，由承办单位的上一级单位办理。"),
    ("request_re_review", "请求复核",
     "对复查意见不满意的，可以在收到复查意见之日起 30 日内请求复核，由复查单位的上一级单位办理。"),
)


def _track_page(status, code: str, notice: str | None = None, message: str | None = None,
                http_status: int = HTTPStatus.OK.value) -> Response:
    panel = _TEMPLATES.get_template("status.html").render(
        status=status, code=code, rating_labels=RATING_LABELS, notice=notice, message=message,
        rating_choices=[(r.value, r.label) for r in Rating], review_choices=REVIEW_CHOICES)
    return _html(http_status, forms.replace_form(shells.load(_build_dir(), "track"), panel))


def _track_again(values: dict, message: str, status: int) -> Response:
    state = forms.FormState(values=values, message=message)
    return _html(status, forms.replace_form(shells.load(_build_dir(), "track"), forms.track_form(state)))


@router.post("/forms/track", include_in_schema=False)
def track_form():
    ctx = config.context()
    data, _, _ = _posted()
    reference, code = str(data.get("reference", "")), str(data.get("query_code", ""))
    try:
        if not reference or not code:
            raise InvalidSubmission("请填写受理编号和查询码")
        status = petitions.petition_status(ctx, reference, code)
    except DomainError as exc:
        return _track_again({"reference": reference}, message_of(exc), status_of(exc).value)
    return _track_page(status, code)


def _follow_up(step: Callable[[object, str, str, dict], object], done: str) -> Response:
    """A step the petitioner takes on the tracking page: the page again, with what happened."""
    ctx = config.context()
    data, _, _ = _posted()
    reference, code = str(data.get("reference", "")), str(data.get("query_code", ""))
    try:
        status = step(ctx, reference, code, data)
    except DomainError as exc:
        try:
            status = petitions.petition_status(ctx, reference, code)
        except DomainError:
            return _track_again({"reference": reference}, message_of(exc), status_of(exc).value)
        return _track_page(status, code, message=message_of(exc), http_status=status_of(exc).value)
    return _track_page(status, code, notice=done)


@router.post("/forms/track/rate", include_in_schema=False)
def track_rate():
    def step(ctx, reference, code, data):
        if data.get("rating") not in {r.value for r in Rating}:
            raise InvalidSubmission("请选择满意、基本满意或不满意", field="rating")
        return petitions.rate(ctx, reference, code, Rating(data["rating"]), str(data.get("comment") or "") or None)
    return _follow_up(step, "感谢您的评价。")


@router.post("/forms/track/review", include_in_schema=False)
def track_review():
    def step(ctx, reference, code, data):
        reason = str(data.get("reason") or "")
        try:  # the same rules as the JSON API (length, no control characters)
            ReviewRequestIn.model_validate({"query_code": "x" * 12, "reason": reason})
        except ValidationError as exc:
            raise InvalidSubmission("；".join(validation_errors(exc.errors()).values()), field="reason") from None
        return petitions.request_review(ctx, reference, code, reason)

    return _follow_up(step, "已转上一级单位办理，办理期限见上方。")


@router.get("/forms/track/recover", include_in_schema=False)
def recover_page():
    return _html(HTTPStatus.OK.value, _page("找回查询码", forms.recover_form()))


@router.post("/forms/track/recover", include_in_schema=False)
def recover_form():
    ctx = config.context()
    data, _, _ = _posted()
    reference, mobile, code = (str(data.get(k, "")) for k in ("reference", "mobile", "code"))
    client = client_ip(router.current_event.raw_event)
    try:
        if code:
            new_code = recovery.confirm_code(ctx, reference, code)
            body = _TEMPLATES.get_template("recovered.html").render(reference=normalize_reference(reference),
                                                                    query_code=new_code)
            return _html(HTTPStatus.OK.value, _page("已重新获取查询码", body))
        if not reference or not mobile:
            raise InvalidSubmission("请填写受理编号和手机号码")
        notice = recovery.request_code(ctx, reference, mobile, client)
    except DomainError as exc:
        state = forms.FormState(values={"reference": reference, "mobile": mobile}, message=message_of(exc))
        return _html(status_of(exc).value, _page("找回查询码", forms.recover_form(state, step="code" if code else "ask")))
    state = forms.FormState(values={"reference": reference}, notice=notice)
    return _html(HTTPStatus.OK.value, _page("找回查询码", forms.recover_form(state, step="code")))
