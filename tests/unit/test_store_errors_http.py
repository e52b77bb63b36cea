"""What a person gets when the Store or AWS fails under them: a stale write is a 409 with a Chinese
message, an overloaded or unreachable database a 503 with Retry-After — never a bare English 500 —
and the log names the cause without anything the request carried."""

from __future__ import annotations

import json
import logging

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from functions.http import make_resolver, status_of
from functions.store.protocol import NotFound, StoreError, StoreUnavailable, VersionConflict


def call(exc: Exception) -> dict:
    app = make_resolver()

    @app.get("/boom")
    def boom():
        raise exc

    event = {"version": "2.0", "rawPath": "/boom", "rawQueryString": "", "headers": {},
             "requestContext": {"http": {"method": "GET", "path": "/boom"}, "stage": "$default"}}
    response = app.resolve(event, None)
    return {"status": response["statusCode"], "headers": {k.lower(): v for k, v in response["headers"].items()},
            "message": json.loads(response["body"])["message"]}


def throttled(operation: str = "PutObject") -> ClientError:
    return ClientError({"Error": {"Code": "SlowDown", "Message": "张三 13800138000"}}, operation)


@pytest.mark.parametrize("exc, status, words", [
    (VersionConflict(3), 409, "刚刚被他人修改"),
    (NotFound("petition/XF1"), 404, "没有找到"),
    (StoreUnavailable("ProvisionedThroughputExceededException"), 503, "系统繁忙"),
    (StoreError("transaction cancelled: ['ValidationError']"), 503, "系统繁忙"),
    (throttled(), 503, "系统繁忙"),
    (ReadTimeoutError(endpoint_url="https://s3.cn-north-1.amazonaws.com.cn"), 503, "系统繁忙"),
])
def test_store_and_aws_failures_get_their_status_and_a_chinese_message(exc, status, words):
    answer = call(exc)
    assert answer["status"] == status and words in answer["message"]
    if status == 503:
        assert int(answer["headers"]["retry-after"]) > 0


def test_a_503_is_logged_by_its_cause_and_operation_not_by_what_the_request_or_error_carried(caplog):
    with caplog.at_level(logging.WARNING):
        call(throttled("PutObject"))
    assert "ClientError SlowDown PutObject" in caplog.text
    assert "13800138000" not in caplog.text and "张三" not in caplog.text


def test_the_store_being_unavailable_is_a_service_unavailable_domain_error_forms_can_render():
    from functions.domain.errors import DomainError, ServiceUnavailable

    exc = StoreUnavailable("ThrottlingException", retry_after=7)
    assert isinstance(exc, ServiceUnavailable) and isinstance(exc, DomainError) and isinstance(exc, StoreError)
    assert status_of(exc).value == 503 and exc.retry_after == 7
