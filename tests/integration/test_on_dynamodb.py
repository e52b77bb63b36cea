"""The portal on the DynamoDB Store (moto, the table from infra/template.yaml), through the Lambda
handlers as API Gateway calls them: what only works while data is small and requests are serial must
work here too — big survey answers, long-lived cases, concurrent requests of one session, and a
throttled table that answers 503 instead of losing what people typed."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import boto3
import pytest
from moto import mock_aws

from functions import config
from functions.blobs.local import LocalBlobStore
from functions.domain.access import Role
from functions.domain.transitions import ActionInput
from functions.services import accounts, casework, petitions
from functions.services.accounts import Staff
from functions.services.context import PortalContext
from functions.store.dynamodb import CLIENT_CONFIG, DynamoStore
from site_builder.models import Survey
from site_builder.org import OrgTree
from site_builder.registry import Registry
from tests.contract.conftest import TABLE_NAME, SerialClient, create_table_from_template
from tests.faults import Throttle
from tests.stored import stored, survey_counts

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)
OPTIONS = [f"选项{o}" for o in range(1, 7)]
BIG = Survey.model_validate({
    "title": "十五道多选题的调查", "unit": "130000", "opens": dt.date(2026, 5, 1), "closes": dt.date(2026, 12, 31),
    "questions": [{"id": f"q{i}", "text": f"第{i}题：您关注哪些方面？", "type": "multiple", "options": OPTIONS}
                  for i in range(1, 16)]})


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def aws(built_fixture, monkeypatch, tmp_path):
    """config.context() on a moto DynamoDB table, with a 15 × 6 survey in the registry."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "cn-north-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORTAL_BUILD_DIR", str(built_fixture))
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=1000/10,sustained=100000/3600")
    with mock_aws():
        client = boto3.client("dynamodb", config=CLIENT_CONFIG)
        create_table_from_template(client)
        registry = Registry.load(built_fixture)
        registry = registry.model_copy(update={"surveys": {**registry.surveys, "big": BIG}})
        ctx = PortalContext(store=DynamoStore(TABLE_NAME, client=SerialClient(client), tree=OrgTree(registry.units)),
                            registry=registry, secret_key=b"k" * 32,
                            blobs=LocalBlobStore(tmp_path / "blobs", b"k" * 32), clock=Clock())
        monkeypatch.setattr(config, "_context", ctx)
        yield ctx, client
    config.reset()


@pytest.fixture
def no_backoff(monkeypatch):
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


def call(handler, method: str, path: str, body: str = "", content_type: str = "application/json",
         cookie: str | None = None, **headers) -> dict:
    event = {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
             "headers": {"content-type": content_type, "host": "127.0.0.1", **headers},
             "cookies": [cookie] if cookie else [],
             "requestContext": {"http": {"method": method, "path": path, "sourceIp": "203.0.113.9",
                                         "protocol": "HTTP/1.1", "userAgent": "test"},
                                "requestId": str(uuid.uuid4()), "stage": "$default"},
             "body": body, "isBase64Encoded": False}
    return handler(event, None)


def submissions(method: str, path: str, body: str = "", **kwargs) -> dict:
    from functions.handlers import submissions as handler

    return call(handler.handler, method, path, body, **kwargs)


def headers_of(response: dict) -> dict[str, str]:
    return {k.lower(): v for k, v in response.get("headers", {}).items()}


def answer_big(unit: str = "130123") -> dict:
    token = json.loads(submissions("GET", "/api/surveys/big/token")["body"])["token"]
    answers = {f"q{i}": OPTIONS for i in range(1, 16)}
    return submissions("POST", "/api/surveys/big/responses",
                       json.dumps({"respondent_token": token, "unit": unit, "answers": answers}, ensure_ascii=False),
                       **{"idempotency-key": str(uuid.uuid4())})


def test_a_fifteen_question_six_option_survey_answered_in_full_is_stored_and_counted(aws):
    ctx, _ = aws
    for _ in range(3):
        response = answer_big()
        assert response["statusCode"] == 201, response["body"]
    counts = survey_counts(ctx, "big", "130123")
    assert counts["#responses"] == 3 and counts["130123|#responses"] == 3
    assert all(counts[f"q{i}={o}"] == 3 and counts[f"130123|q{i}={o}"] == 3 for i in range(1, 16) for o in OPTIONS)
    assert all(counts[f"q{i}#answered"] == 3 for i in range(1, 16))


def test_a_case_with_two_hundred_long_notes_still_takes_notes_and_a_reply(aws):
    ctx, _ = aws
    receipt = petitions.submit_petition(ctx, petitions.PetitionIn.model_validate(
        {"kind": "appeal", "unit": "130100", "subject": "长期未解决的问题", "body": "多年反映的问题一直没有解决，请求协调解决。",
         "contact": {"name": "王五", "mobile": "13700137000"}}))
    city = Staff("city", "市审核员", "130100", Role.approver)
    ref = receipt.reference

    def version() -> int:
        return ctx.store.get("petition", ref).version

    for i in range(200):  # each 2,000 characters, about 6 KB: 1.2 MB of notes, three times a DynamoDB item
        casework.note(ctx, city, ref, version(), f"第{i}条备注：" + "情况说明" * 495)
    casework.act(ctx, city, ref, "accept", version(), ActionInput())
    casework.act(ctx, city, ref, "start", version(), ActionInput())
    casework.act(ctx, city, ref, "reply", version(), ActionInput(reply="经协调，已解决。"))

    detail = casework.case_detail(ctx, city, ref)
    assert len(detail.case.notes) == 200 and detail.case.notes[199].text.startswith("第199条备注")
    assert detail.case.stage.value == "replied"
    assert len(json.dumps(ctx.store.get("petition", ref).data, ensure_ascii=False).encode()) < 20_000
    status = petitions.petition_status(ctx, ref, receipt.query_code)
    assert [s.label for s in status.steps][-3:] == ["受理", "开始办理", "答复"]


def test_two_requests_of_one_session_after_a_minute_idle_both_succeed(aws, monkeypatch):
    from functions.handlers import review

    ctx, _ = aws
    accounts.add_staff(ctx.store, "lisi", "李四", "130100", Role.approver, "a-long-test-password", "test", NOW)
    token, _ = accounts.login(ctx, "lisi", "a-long-test-password", "203.0.113.9")
    ctx.clock.now = NOW + dt.timedelta(minutes=2)  # past the minute after which a request refreshes it
    both_read = threading.Barrier(2)
    real_get = ctx.store.get

    def get(collection: str, key: str):
        record = real_get(collection, key)
        if collection == accounts.SESSION:
            both_read.wait(timeout=10)  # both requests have read the session before either writes
        return record

    monkeypatch.setattr(ctx.store, "get", get)
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: call(review.handler, "GET", "/review/cases", cookie=f"portal_session={token}"),
                                range(2)))
    assert [a["statusCode"] for a in answers] == [200, 200]
    assert real_get(accounts.SESSION, accounts.hashlib.sha256(token.encode()).hexdigest()).touched_at == \
        NOW + dt.timedelta(minutes=2)


def test_a_write_throttled_within_botocores_retries_is_stored(aws, no_backoff):
    ctx, client = aws
    throttle = Throttle(client, "TransactWriteItems", times=2)
    response = submissions("POST", "/api/feedback", json.dumps({"body": "首页的字太小了。"}, ensure_ascii=False),
                           **{"idempotency-key": str(uuid.uuid4())})
    assert response["statusCode"] == 201 and throttle.attempts == 3
    assert [r.data["body"] for r in stored(ctx, "feedback", "130000")] == ["首页的字太小了。"]


def test_a_write_throttled_beyond_the_retries_is_a_503_with_retry_after_and_nothing_is_stored(aws, no_backoff):
    ctx, client = aws
    throttle = Throttle(client, "TransactWriteItems", times=1000)
    response = submissions("POST", "/api/feedback", json.dumps({"body": "首页的字太小了。"}, ensure_ascii=False),
                           **{"idempotency-key": str(uuid.uuid4())})
    assert response["statusCode"] == 503
    assert int(headers_of(response)["retry-after"]) > 0
    assert json.loads(response["body"])["message"] == "系统繁忙，本次操作没有完成，请稍后再试"
    throttle.stop()
    assert stored(ctx, "feedback", "130000") == []


def test_a_form_posted_while_the_table_is_throttled_comes_back_with_what_was_typed(aws, no_backoff):
    ctx, client = aws
    throttle = Throttle(client, "TransactWriteItems", times=1000)
    typed = "第三页的附件下载不了，请尽快修复。"
    response = submissions("POST", "/forms/feedback", urlencode({"body": typed}),
                           content_type="application/x-www-form-urlencoded")
    assert response["statusCode"] == 503 and int(headers_of(response)["retry-after"]) > 0
    assert "text/html" in headers_of(response)["content-type"]
    assert typed in response["body"] and "系统繁忙" in response["body"]
    throttle.stop()
    assert stored(ctx, "feedback", "130000") == []


def test_a_staff_page_while_every_read_is_throttled_is_a_503_page_not_a_crash(aws, no_backoff):
    from functions.handlers import review

    ctx, client = aws
    accounts.add_staff(ctx.store, "lisi", "李四", "130100", Role.approver, "a-long-test-password", "test", NOW)
    token, _ = accounts.login(ctx, "lisi", "a-long-test-password", "203.0.113.9")
    Throttle(client, "*", times=1000, code="ThrottlingException")
    response = call(review.handler, "GET", "/review/cases", cookie=f"portal_session={token}")
    assert response["statusCode"] == 503 and int(headers_of(response)["retry-after"]) > 0
    assert "系统繁忙" in response["body"]
