"""Bad input gets a clear 4xx in Chinese, never a 5xx, and never leaves a partial record."""

from __future__ import annotations

import uuid

import pytest

from functions.domain.case import COLLECTION as PETITION
from tests.integration.test_public_submissions import PETITION_BODY
from tests.stored import stored

TEXT_FIELDS = ("subject", "body", "contact.name")


def post(client, body: bytes | dict, content_type="application/json", **headers):
    kwargs = {"json": body} if isinstance(body, dict) else {"content": body}
    return client.post("/api/petitions", headers={"Content-Type": content_type, "Idempotency-Key": str(uuid.uuid4()),
                                                  **headers}, **kwargs)


def with_field(path: str, value) -> dict:
    body = {**PETITION_BODY, "contact": dict(PETITION_BODY["contact"])}
    if path.startswith("contact."):
        body["contact"][path.split(".", 1)[1]] = value
    else:
        body[path] = value
    return body


CASES = {
    "malformed JSON": (b'{"kind": "suggestion",', "application/json", 422, "不是有效的 JSON"),
    "wrong content type": (b'{"kind": "suggestion"}', "text/plain", 415, "JSON"),
    "form post to the JSON API": (b"kind=suggestion", "application/x-www-form-urlencoded", 415, "JSON"),
    "oversize body": (b'{"body": "' + b"x" * 70_000 + b'"}', "application/json", 413, "过大"),
    "invalid UTF-8": (b'{"subject": "\xff\xfe"}', "application/json", 400, "UTF-8"),
    "empty body": (b"", "application/json", 422, "缺少提交的内容"),
    "a JSON array": (b"[]", "application/json", 422, "应为键值对"),
}


@pytest.mark.parametrize("raw, ctype, status, words", CASES.values(), ids=CASES.keys())
def test_a_garbled_request_gets_a_clear_error(api, raw, ctype, status, words):
    client, ctx, _ = api
    response = post(client, raw, ctype)
    assert response.status_code == status, response.text
    assert words in response.json()["message"]
    assert stored(ctx, PETITION, "130123") == []


FIELD_CASES = {
    "control character": ("subject", "标题\x1b[31m", "控制字符"),
    "10,000 characters": ("body", "字" * 10_000, "最多 5000 个字符"),
    "unknown field": ("priority", "high", "未知字段"),
    "wrong kind": ("kind", "complaint", "取值无效"),
    "wrong type": ("attachments", "file.pdf", "应为列表"),
    "too short": ("body", "太短", "至少 10 个字符"),
    "blank": ("subject", "   ", "空白"),
    "bad mobile": ("contact.mobile", "110", "11 位"),
    "bad id number": ("contact.id_number", "110105194912310021", "校验位"),
}


@pytest.mark.parametrize("field, value, words", FIELD_CASES.values(), ids=FIELD_CASES.keys())
def test_a_bad_field_is_named_with_a_message_a_person_can_act_on(api, field, value, words):
    client, ctx, _ = api
    response = post(client, with_field(field, value))
    assert response.status_code == 422, response.text
    body = response.json()
    assert words in body["errors"][field], body
    assert words in body["message"]
    assert stored(ctx, PETITION, "130123") == []


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">点</a>\u202e'


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_markup_in_any_text_field_is_stored_exactly_as_sent(api, field):
    client, ctx, _ = api
    value = HOSTILE + "这是一段足够长的正文内容" if field == "body" else HOSTILE[:40]
    response = post(client, with_field(field, value))
    assert response.status_code == 201, response.text
    [record] = stored(ctx, PETITION, "130123")
    kept = record.data["contact"]["name"] if field == "contact.name" else record.data[field]
    assert kept == value


def test_the_json_answer_keeps_chinese_readable(api):
    client, _, _ = api
    response = post(client, with_field("kind", "complaint"))
    assert "取值无效" in response.text  # not \\u53d6\\u503c


def test_too_many_requests_get_429_with_retry_after(api, monkeypatch):
    client, ctx, _ = api
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=3/60")
    statuses = [post(client, PETITION_BODY).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = post(client, PETITION_BODY)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "秒后再试" in limited.json()["message"]
    assert len(stored(ctx, PETITION, "130123")) == 3
