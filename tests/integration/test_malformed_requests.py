"""Malformed requests sent to the running server over real HTTP (keep-alive) get a clear Chinese 4xx,
change nothing, and leave the connection usable: never an English 500 or a dropped connection."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from functions.domain.case import COLLECTION as PETITION
from tests.integration.test_public_submissions import PETITION_BODY
from tests.stored import answers, stored

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def deep(n: int) -> bytes:
    return b'{"kind": "suggestion", "x": ' + b"[" * n + b"]" * n + b"}"


REQUESTS = {
    "form: a field that is both a value and a group": ("POST", "/forms/petition", FORM, b"contact=x&contact.name=y"),
    "form: a group under a plain field": ("POST", "/forms/petition", FORM, b"subject=a&subject.x=b"),
    "form: a name with 3,000 dotted parts": ("POST", "/forms/feedback", FORM, ("a." * 2999 + "a=1").encode()),
    "form: 250 fields": ("POST", "/forms/feedback", FORM, "&".join(f"f{i}=v" for i in range(250)).encode()),
    "JSON nested 5,000 deep": ("POST", "/api/petitions", JSON, deep(5000)),
    "JSON of 30,000 open brackets": ("POST", "/api/petitions", JSON, b"[" * 30000),
    "JSON with a 5,000-digit number": ("POST", "/api/uploads", JSON,
                                       b'{"filename": "a.pdf", "content_type": "application/pdf", "size": '
                                       + b"9" * 5000 + b"}"),
    "review login with 60 fields": ("POST", "/review/login", FORM, "&".join(f"f{i}=v" for i in range(60)).encode()),
    "survey scale answer of 5,000 digits": ("POST", "/forms/surveys/manyidu/responses", FORM,
                                            b"respondent_token=abcdefghijklmnop1234&answers.role=%E7%BE%A4%E4%BC%97"
                                            b"&answers.score=" + b"9" * 5000),
    "JSON survey scale answer of 5,000 digits": ("POST", "/api/surveys/manyidu/responses", JSON,
                                                 b'{"respondent_token": "abcdefghijklmnop1234", "answers": '
                                                 b'{"role": "\\u7fa4\\u4f17", "score": ' + b"9" * 5000 + b"}}"),
    "JSON in latin-1": ("POST", "/api/feedback", "application/json; charset=latin-1",
                        json.dumps({"body": "网站很好用"}).encode()),
    "upload size true": ("POST", "/api/uploads", JSON,
                         b'{"filename": "a.pdf", "content_type": "application/pdf", "size": true}'),
    "survey score true": ("POST", "/api/surveys/manyidu/responses", JSON,
                          '{"respondent_token": "abcdefghijklmnop1234", "answers": {"role": "群众", "score": true}}'.encode()),
    "survey score as text": ("POST", "/api/surveys/manyidu/responses", JSON,
                             '{"respondent_token": "abcdefghijklmnop1234", "answers": {"role": "群众", "score": "4"}}'.encode()),
    "wrong method on an API route": ("PUT", "/api/petitions", JSON, json.dumps(PETITION_BODY).encode()),
    "wrong method on a form": ("DELETE", "/forms/feedback", FORM, b"body=x"),
}


@pytest.fixture
def client(live_server):
    base, (ctx, _) = live_server
    with httpx.Client(base_url=base, timeout=20) as c:
        yield c, ctx


@pytest.mark.parametrize("method, path, ctype, body", REQUESTS.values(), ids=REQUESTS.keys())
def test_a_malformed_request_gets_a_chinese_4xx_and_the_connection_survives(client, method, path, ctype, body):
    http, ctx = client
    response = http.request(method, path, content=body,
                            headers={"Content-Type": ctype, "Idempotency-Key": str(uuid.uuid4())})
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert is_chinese(response.text), response.text[:300]
    assert "Traceback" not in response.text and "Internal Server Error" not in response.text
    # The same keep-alive connection still answers.
    assert http.get("/api/openapi.json").status_code == 200
    for unit in ctx.org.roots:  # every listing of the whole network
        for collection in (PETITION, "feedback"):
            assert stored(ctx, collection, unit) == []
        for survey_id in ctx.registry.surveys:
            assert answers(ctx, survey_id, unit) == []


SEARCH = ["/api/search?size=²", "/api/search?page=①", "/search/?q=党&page=²", "/api/search?page=" + "9" * 5000]


@pytest.mark.parametrize("url", SEARCH)
def test_odd_digits_in_search_parameters_get_a_chinese_422(client, url):
    http, _ = client
    response = http.get(url)
    assert response.status_code == 422, response.text[:300]
    assert is_chinese(response.text)


def test_a_405_names_the_methods_a_route_takes(client):
    http, _ = client
    response = http.request("PUT", "/api/petitions", json=PETITION_BODY)
    assert response.status_code == 405 and "POST" in response.headers.get("Allow", "")


INTERNALS = ("^", "\\s", "str", "int", "list[", "constrained", "finite_number", " or ", "'suggestion'",
             "docs/editors.md", "Input should", "Field required")
BAD_FIELDS = {
    "an e-mail without @": ("/api/petitions", {**PETITION_BODY, "contact": {**PETITION_BODY["contact"], "email": "x"}}),
    "a kind that does not exist": ("/api/petitions", {**PETITION_BODY, "kind": "complaint"}),
    "an unknown field": ("/api/petitions", {**PETITION_BODY, "priority": "high"}),
    "an answer of the wrong shape": ("/api/surveys/manyidu/responses",
                                     {"respondent_token": "abcdefghijklmnop1234", "answers": {"score": {"a": 1}}}),
    "a number where text belongs": ("/api/feedback", {"body": 12345}),
}


@pytest.mark.parametrize("path, body", BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_the_public_reads_plain_chinese_without_patterns_types_or_code_values(client, path, body):
    http, _ = client
    response = http.post(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 422
    text = json.dumps(response.json(), ensure_ascii=False)
    for internal in INTERNALS:
        assert internal not in text, (internal, text)
    assert is_chinese(text)
