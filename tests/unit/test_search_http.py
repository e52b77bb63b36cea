"""The shared resolver (functions/http.py): Chinese JSON, and every error mapped to a 4xx/5xx
with a Chinese message in one place."""

import json

import pytest

from functions.domain import errors as domain
from functions.http import make_resolver
from search_index.errors import InvalidSearch, SearchUnavailable


def call(app, path: str = "/boom") -> dict:
    event = {"version": "2.0", "rawPath": path, "rawQueryString": "", "headers": {},
             "requestContext": {"http": {"method": "GET", "path": path}, "stage": "$default"}}
    response = app.resolve(event, None)
    return {**response, "json": json.loads(response["body"])}


def resolver_raising(exc: Exception):
    app = make_resolver()

    @app.get("/boom")
    def boom():
        raise exc

    return app


def test_json_keeps_chinese_characters_readable():
    app = make_resolver()

    @app.get("/boom")
    def hello():
        return {"消息": "你好"}

    assert '"消息":"你好"' in call(app)["body"]


@pytest.mark.parametrize("exc,status", [
    (InvalidSearch({"size": "每页条数 size 应为 1 到 50 之间的整数"}), 422),
    (SearchUnavailable("missing"), 503),
    (domain.InvalidSubmission("手机号码格式不正确", field="mobile"), 422),
    (domain.NotFoundError("没有找到"), 404),
    (domain.ConflictError("征求意见已截止"), 409),
    (domain.RateLimited("请求过于频繁", retry_after=30), 429),
])
def test_each_error_becomes_its_status_with_a_chinese_message(exc, status):
    response = call(resolver_raising(exc))
    assert response["statusCode"] == status
    assert response["json"]["statusCode"] == status and response["json"]["message"]
    assert "Traceback" not in response["body"] and "missing" not in response["body"]


def test_a_rate_limited_answer_says_when_to_retry():
    assert call(resolver_raising(domain.RateLimited("请求过于频繁", retry_after=30)))["headers"]["Retry-After"] == "30"


def test_an_unknown_address_is_a_chinese_404():
    response = call(make_resolver(), "/nowhere")
    assert response["statusCode"] == 404 and response["json"]["message"] == "没有这个地址"
