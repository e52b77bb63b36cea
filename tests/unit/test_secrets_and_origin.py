"""On AWS the functions take their keys from Secrets Manager (read once per container) and answer only
requests CloudFront sent: a direct call to the execute-api endpoint gets a Chinese 403, and the viewer
address CloudFront reports is the one rate limits count. All against Secrets Manager in moto."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from functions import config, keys, origin
from tests.stored import stored

ORIGIN_VALUE = "c2VjcmV0LWZyb20tY2xvdWRmcm9udC0x"
APP_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


@pytest.fixture
def secretsmanager(monkeypatch):
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "cn-northwest-1", "AWS_REGION": "cn-northwest-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        import boto3

        yield boto3.client("secretsmanager")
    origin.reset()
    config.reset()


@pytest.fixture
def behind_cloudfront(secretsmanager, monkeypatch):
    """The origin secret as the stack creates it, and the functions told where it is."""
    arn = secretsmanager.create_secret(Name="portal-origin", SecretString=json.dumps({"header": ORIGIN_VALUE}))["ARN"]
    monkeypatch.setenv("PORTAL_ORIGIN_SECRET_ARN", arn)
    origin.reset()
    return arn


def event(method: str, path: str, headers: dict | None = None, body: dict | None = None, source="203.0.113.9") -> dict:
    result = {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
              "headers": {"host": "abc123.execute-api.cn-northwest-1.amazonaws.com.cn", **(headers or {})},
              "requestContext": {"http": {"method": method, "path": path, "sourceIp": source},
                                 "requestId": str(uuid.uuid4()), "stage": "$default"},
              "isBase64Encoded": False}
    if body is not None:
        result["body"] = json.dumps(body, ensure_ascii=False)
        result["headers"]["content-type"] = "application/json"
    return result


def from_cloudfront(viewer: str = "198.51.100.7:50412", **headers) -> dict:
    return {origin.ORIGIN_HEADER: ORIGIN_VALUE, origin.VIEWER_ADDRESS_HEADER: viewer, **headers}


FEEDBACK = {"body": "网站的字太小了，希望能调大一些。", "page": "/"}


def feedback_stored() -> int:
    """Feedback items in the webmaster's (the root unit's) queue."""
    ctx = config.context()
    root = next(u.code for u in ctx.registry.units if u.parent is None)
    return len(stored(ctx, "feedback", root))


# --- direct calls -------------------------------------------------------------------------------

@pytest.mark.parametrize("handler_module, method, path", [
    ("functions.handlers.submissions", "POST", "/api/feedback"),
    ("functions.handlers.submissions", "POST", "/forms/feedback"),
    ("functions.handlers.search", "GET", "/api/search"),
    ("functions.handlers.review", "GET", "/review/login"),
])
def test_a_call_that_did_not_come_through_cloudfront_is_refused_in_chinese(behind_cloudfront, handler_module,
                                                                          method, path):
    import importlib

    handler = importlib.import_module(handler_module).handler
    for headers in ({}, {origin.ORIGIN_HEADER: "guessed-value"}, {origin.ORIGIN_HEADER: ORIGIN_VALUE[:-1]}):
        response = handler(event(method, path, headers, FEEDBACK if method == "POST" else None), None)
        assert response["statusCode"] == 403
        text = json.loads(response["body"])["message"] if path.startswith("/api/") else response["body"]
        assert "请通过门户网站访问" in text


def test_a_refused_call_changes_nothing(behind_cloudfront, built_fixture, tmp_path, monkeypatch):
    from functions.handlers.submissions import handler

    monkeypatch.setenv("PORTAL_BUILD_DIR", str(built_fixture))
    monkeypatch.setenv("PORTAL_STORE", f"sqlite:///{tmp_path / 'portal.db'}")
    config.reset()
    assert handler(event("POST", "/api/feedback", {}, FEEDBACK), None)["statusCode"] == 403
    assert feedback_stored() == 0


def test_a_request_through_cloudfront_is_served(behind_cloudfront, built_fixture, tmp_path, monkeypatch):
    from functions.handlers.submissions import handler

    monkeypatch.setenv("PORTAL_BUILD_DIR", str(built_fixture))
    monkeypatch.setenv("PORTAL_STORE", f"sqlite:///{tmp_path / 'portal.db'}")
    config.reset()
    response = handler(event("POST", "/api/feedback", from_cloudfront(), FEEDBACK), None)
    assert response["statusCode"] == 201, response["body"]
    assert feedback_stored() == 1


def test_without_cloudfront_configured_nothing_is_refused(monkeypatch):
    monkeypatch.delenv("PORTAL_ORIGIN_SECRET_ARN", raising=False)
    origin.reset()
    assert origin.refuse_direct_call(event("GET", "/api/search")) is None


# --- rotation -----------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_during_a_rotation_both_the_new_and_the_previous_value_are_accepted(behind_cloudfront, secretsmanager):
    secretsmanager.put_secret_value(SecretId=behind_cloudfront, SecretString=json.dumps({"header": "new-value-2"}))
    fresh = origin.OriginSecrets(behind_cloudfront, sm=secretsmanager)
    assert fresh.accepts("new-value-2") and fresh.accepts(ORIGIN_VALUE)
    assert not fresh.accepts("something-else") and not fresh.accepts(None) and not fresh.accepts("")


def test_a_warm_container_picks_up_a_rotated_value_within_a_minute(behind_cloudfront, secretsmanager):
    clock = Clock()
    warm = origin.OriginSecrets(behind_cloudfront, sm=secretsmanager, clock=clock)
    assert warm.accepts(ORIGIN_VALUE)
    secretsmanager.put_secret_value(SecretId=behind_cloudfront, SecretString=json.dumps({"header": "new-value-2"}))
    clock.now += 30
    assert not warm.accepts("new-value-2")  # read less than a minute ago: not read again
    clock.now += 31
    assert warm.accepts("new-value-2") and warm.accepts(ORIGIN_VALUE)


def test_forged_headers_cost_at_most_one_secret_read_a_minute(behind_cloudfront, secretsmanager):
    reads = []

    class Counting:
        exceptions = secretsmanager.exceptions

        def get_secret_value(self, **kwargs):
            reads.append(kwargs["VersionStage"])
            return secretsmanager.get_secret_value(**kwargs)

    clock = Clock()
    secrets = origin.OriginSecrets(behind_cloudfront, sm=Counting(), clock=clock)
    for _ in range(50):
        assert not secrets.accepts("forged")
    assert reads.count("AWSCURRENT") == 1
    clock.now += 60
    assert not secrets.accepts("forged")
    assert reads.count("AWSCURRENT") == 2


def test_if_the_secret_cannot_be_read_again_a_forged_header_is_refused_not_an_error(behind_cloudfront, secretsmanager):
    class Failing:
        exceptions = secretsmanager.exceptions
        calls = 0

        def get_secret_value(self, **kwargs):
            Failing.calls += 1
            if Failing.calls > 2:  # the first load (current and previous) works, then the service fails
                raise ConnectionError("Secrets Manager unreachable")
            return secretsmanager.get_secret_value(**kwargs)

    clock = Clock()
    secrets = origin.OriginSecrets(behind_cloudfront, sm=Failing(), clock=clock)
    assert secrets.accepts(ORIGIN_VALUE)
    clock.now += 61
    assert not secrets.accepts("forged")
    assert secrets.accepts(ORIGIN_VALUE)  # the values already read still count


# --- the viewer's address -----------------------------------------------------------------------

def test_behind_cloudfront_the_viewer_address_is_the_one_cloudfront_reports(behind_cloudfront):
    from functions.guard import client_ip

    forged = {"x-forwarded-for": "10.9.9.9, 198.51.100.7"}
    assert client_ip(event("POST", "/api/feedback", from_cloudfront("198.51.100.7:50412", **forged))) == "198.51.100.7"
    assert client_ip(event("POST", "/api/feedback", from_cloudfront("2001:db8::17:50412"))) == "2001:db8::17"
    assert client_ip(event("POST", "/api/feedback", from_cloudfront("[2001:db8::17]:443"))) == "2001:db8::17"


def test_locally_a_viewer_address_header_is_not_believed(monkeypatch):
    from functions.guard import client_ip

    monkeypatch.delenv("PORTAL_ORIGIN_SECRET_ARN", raising=False)
    origin.reset()
    sent = event("POST", "/api/feedback", {origin.VIEWER_ADDRESS_HEADER: "198.51.100.7:1"}, source="127.0.0.1")
    assert client_ip(sent) == "127.0.0.1"


def test_two_visitors_behind_one_cloudfront_edge_have_their_own_limits(behind_cloudfront, built_fixture, tmp_path,
                                                                       monkeypatch):
    from functions.handlers.submissions import handler

    monkeypatch.setenv("PORTAL_BUILD_DIR", str(built_fixture))
    monkeypatch.setenv("PORTAL_STORE", f"sqlite:///{tmp_path / 'portal.db'}")
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=2/60")
    config.reset()
    config.context().clock = lambda: dt.datetime(2026, 6, 1, 2, 0, 5, tzinfo=dt.timezone.utc)
    edge = "130.176.1.1"  # every request arrives from the same CloudFront address

    def send(viewer: str) -> int:
        return handler(event("POST", "/api/feedback", from_cloudfront(viewer), FEEDBACK, source=edge), None)["statusCode"]

    assert [send("198.51.100.7:1000") for _ in range(3)] == [201, 201, 429]
    assert send("203.0.113.50:2000") == 201


# --- the application key ------------------------------------------------------------------------

@pytest.fixture
def on_lambda(secretsmanager, built_fixture, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "portal-submissions")
    monkeypatch.setenv("PORTAL_BUILD_DIR", str(built_fixture))
    monkeypatch.setenv("PORTAL_STORE", f"sqlite:///{tmp_path / 'portal.db'}")
    monkeypatch.setenv("PORTAL_BLOBS", f"file:///{tmp_path / 'uploads'}")
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    config.reset()
    return secretsmanager


def test_on_lambda_the_query_code_key_comes_from_the_application_secret(on_lambda, monkeypatch):
    arn = on_lambda.create_secret(Name="party-portal/app", SecretString=json.dumps({"query_code_key": APP_KEY}))["ARN"]
    monkeypatch.setenv("PORTAL_SECRET_ARN", arn)
    assert config.context().secret_key == bytes.fromhex(APP_KEY)


def test_the_key_is_read_once_per_container(on_lambda, monkeypatch):
    arn = on_lambda.create_secret(Name="party-portal/app", SecretString=json.dumps({"query_code_key": APP_KEY}))["ARN"]
    monkeypatch.setenv("PORTAL_SECRET_ARN", arn)
    reads = []
    real = keys.read_secret
    monkeypatch.setattr(keys, "read_secret", lambda *a, **k: reads.append(a) or real(*a, **k))
    for _ in range(5):
        config.context()
    assert len(reads) == 1


def test_a_key_in_the_environment_is_not_used_on_lambda(on_lambda, monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", APP_KEY)
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_ARN"):
        config.context()


@pytest.mark.parametrize("stored", ["not json", json.dumps({"key": APP_KEY}), json.dumps({"query_code_key": "abc"}),
                                    json.dumps({"query_code_key": APP_KEY[:-2] + "zz"})])
def test_a_malformed_application_secret_stops_the_function_without_showing_the_value(on_lambda, monkeypatch, stored):
    arn = on_lambda.create_secret(Name="party-portal/app", SecretString=stored)["ARN"]
    monkeypatch.setenv("PORTAL_SECRET_ARN", arn)
    with pytest.raises(keys.SecretError) as failure:
        config.context()
    assert "query_code_key" in str(failure.value)
    assert APP_KEY[:16] not in str(failure.value) and "abc" not in str(failure.value).replace(arn, "")


def test_a_query_code_issued_before_a_cold_start_still_matches_after_it(on_lambda, monkeypatch):
    from functions.domain import codes

    arn = on_lambda.create_secret(Name="party-portal/app", SecretString=json.dumps({"query_code_key": APP_KEY}))["ARN"]
    monkeypatch.setenv("PORTAL_SECRET_ARN", arn)
    stored = codes.hash_query_code("ABCDEFGHJKLM", config.context().secret_key)
    config.reset()  # a new container
    assert codes.query_code_matches("ABCDEFGHJKLM", stored, config.context().secret_key)
