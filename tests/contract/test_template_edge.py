"""What stands in front of the functions and watches them: CloudFront proves itself with a secret
header and reports the viewer's address, the web ACL limits each address on the write routes, keys
come from Secrets Manager (never a template parameter), concurrency is capped where the table is
written, alarms cover errors, throttles and 5xx, and every deploy can be rolled back."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.contract.test_template import allowed, functions_of

ROOT = Path(__file__).resolve().parents[2]
# Headers API Gateway sets itself on every request it passes to a function.
ADDED_BY_API_GATEWAY = {"host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-port"}


def distribution(template) -> dict[str, Any]:
    return template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]


def api_origin(template) -> dict[str, Any]:
    (origin,) = [o for o in distribution(template)["Origins"] if o["Id"] == "api"]
    return origin


# --- secrets ------------------------------------------------------------------------------------

def test_no_key_is_a_template_parameter_or_an_environment_value(template):
    parameters = template["Parameters"]
    assert not [name for name, p in parameters.items() if p.get("NoEcho")]
    assert "SecretKey" not in parameters
    for name, props in functions_of(template).items():
        env = props["Environment"]["Variables"]
        assert "PORTAL_SECRET_KEY" not in env, name
        assert not any("resolve:secretsmanager" in json.dumps(value) for value in env.values()), name


def test_each_function_may_read_exactly_the_secrets_it_uses(template):
    expected = {"SearchFunction": [{"Ref": "OriginSecret"}],
                "SubmissionsFunction": [{"Ref": "AppSecretArn"}, {"Ref": "OriginSecret"}],
                "ReviewFunction": [{"Ref": "AppSecretArn"}, {"Ref": "OriginSecret"}],
                "NotifyFunction": [{"Ref": "AppSecretArn"}]}  # runs on a schedule: no origin to prove
    for name, props in functions_of(template).items():
        grants = {a: r for a, r in allowed(props).items() if a.startswith("secretsmanager:")}
        assert grants == {"secretsmanager:GetSecretValue": expected[name]}, name
        env = props["Environment"]["Variables"]
        if name == "NotifyFunction":
            assert "PORTAL_ORIGIN_SECRET_ARN" not in env and env["PORTAL_SECRET_ARN"] == {"Ref": "AppSecretArn"}
            continue
        assert env["PORTAL_ORIGIN_SECRET_ARN"] == {"Ref": "OriginSecret"}
        if name != "SearchFunction":
            assert env["PORTAL_SECRET_ARN"] == {"Ref": "AppSecretArn"}
        else:
            assert "PORTAL_SECRET_ARN" not in env


def test_the_application_secret_is_the_operators_so_no_stack_change_can_replace_it(template):
    parameter = template["Parameters"]["AppSecretArn"]
    assert "Default" not in parameter
    assert re.match(parameter["AllowedPattern"],
                    "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:party-portal/app-AbCdEf")
    assert not re.match(parameter["AllowedPattern"], "party-portal/app")
    created = [r for r in template["Resources"].values() if r["Type"] == "AWS::SecretsManager::Secret"]
    assert len(created) == 1  # the origin secret only


def test_the_origin_secret_is_generated_as_the_json_field_the_functions_read(template):
    from functions import origin

    secret = template["Resources"]["OriginSecret"]["Properties"]["GenerateSecretString"]
    assert secret["GenerateStringKey"] == "header" and secret["SecretStringTemplate"] == "{}"
    assert secret["PasswordLength"] >= 32 and secret["ExcludePunctuation"] is True
    (header,) = api_origin(template)["OriginCustomHeaders"]
    assert header["HeaderName"].lower() == origin.ORIGIN_HEADER
    condition, pinned, current = header["HeaderValue"]["Fn::If"]
    assert condition == "PinOriginSecretVersion"
    assert current == {"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString:header}}"}
    assert pinned == {"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString:header::${OriginSecretVersionId}}}"}


# --- what reaches the functions -----------------------------------------------------------------

def request_headers_the_code_reads() -> set[str]:
    """Request header names read anywhere in functions/ (the local shim aside), lowercased."""
    from functions import origin

    names = {origin.ORIGIN_HEADER, origin.VIEWER_ADDRESS_HEADER}
    for path in (ROOT / "functions").rglob("*.py"):
        if "local" in path.relative_to(ROOT / "functions").parts:
            continue
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'headers\.get\(\s*"([A-Za-z-]+)"', text))
        names |= set(re.findall(r'Header\(alias="([A-Za-z-]+)"', text))
        names |= set(re.findall(r'_header\(event, "([A-Za-z-]+)"\)', text))
    return {n.lower() for n in names}


def test_every_request_header_the_functions_read_reaches_them_and_host_does_not(template):
    from functions import origin

    policy = template["Resources"]["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    headers = policy["HeadersConfig"]
    assert headers["HeaderBehavior"] == "whitelist" and len(headers["Headers"]) <= 10  # CloudFront's quota
    forwarded = {h.lower() for h in headers["Headers"]}
    read = request_headers_the_code_reads()
    assert {"x-query-code", "idempotency-key", "origin", "content-type"} <= read  # the scan finds them
    sent_by_cloudfront = {h["HeaderName"].lower() for h in api_origin(template)["OriginCustomHeaders"]}
    assert read - forwarded - ADDED_BY_API_GATEWAY - sent_by_cloudfront == set()
    assert origin.VIEWER_ADDRESS_HEADER in forwarded and "host" not in forwarded
    assert policy["CookiesConfig"] == {"CookieBehavior": "all"}
    assert policy["QueryStringsConfig"] == {"QueryStringBehavior": "all"}


# --- the web ACL --------------------------------------------------------------------------------

def _matches(statement: dict[str, Any], method: str, path: str) -> bool:
    """A WAF statement (the subset the template uses) evaluated for one request."""
    (kind, body), = statement.items()
    if kind == "OrStatement":
        return any(_matches(s, method, path) for s in body["Statements"])
    if kind == "AndStatement":
        return all(_matches(s, method, path) for s in body["Statements"])
    if kind == "NotStatement":
        return not _matches(body["Statement"], method, path)
    assert kind == "ByteMatchStatement", kind
    assert body["TextTransformations"] == [{"Priority": 0, "Type": "NONE"}]
    (field,) = body["FieldToMatch"]
    value = {"UriPath": path, "Method": method}[field]
    needle, where = body["SearchString"], body["PositionalConstraint"]
    return {"EXACTLY": value == needle, "STARTS_WITH": value.startswith(needle),
            "ENDS_WITH": value.endswith(needle), "CONTAINS": needle in value}[where]


def counted_by(template, method: str, path: str) -> list[str]:
    rules = template["Resources"]["WebAcl"]["Properties"]["Rules"]
    return [r["Name"] for r in rules
            if _matches(r["Statement"]["RateBasedStatement"]["ScopeDownStatement"], method, path)]


@pytest.mark.parametrize("method, path, counted", [
    ("POST", "/api/petitions", True),
    ("POST", "/api/feedback", True),
    ("POST", "/api/uploads", True),
    ("GET", "/api/petitions/XA2026000123/status", True),
    ("POST", "/forms/petition", True),
    ("GET", "/forms/receipt", True),
    ("POST", "/review/login", True),
    ("GET", "/review/login", True),
    ("GET", "/api/search", False),
    ("GET", "/search/", False),
    ("GET", "/api/openapi.json", False),
    ("POST", "/review/cases/x1/reply", False),
    ("GET", "/regulations/", False),
])
def test_the_web_acl_limits_each_address_on_the_write_routes_only(template, method, path, counted):
    assert bool(counted_by(template, method, path)) == counted


def test_an_address_over_the_limit_gets_a_chinese_429_with_retry_after(template):
    acl = template["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT" and acl["DefaultAction"] == {"Allow": {}}
    for rule in acl["Rules"]:
        rate = rule["Statement"]["RateBasedStatement"]
        assert rate["AggregateKeyType"] == "IP" and rate["Limit"] == {"Ref": "WafWriteLimit"}
        response = rule["Action"]["Block"]["CustomResponse"]
        assert response["ResponseCode"] == 429
        assert {"Name": "Retry-After", "Value": str(rate["EvaluationWindowSec"])} in response["ResponseHeaders"]
        body = acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
        assert "提交过于频繁" in body["Content"]
        if body["ContentType"] == "APPLICATION_JSON":
            assert json.loads(body["Content"])["statusCode"] == 429


def test_the_web_acl_is_made_only_where_cloudfront_can_use_it_and_attached_to_the_distribution(template):
    assert template["Resources"]["WebAcl"]["Condition"] == "CreateWebAcl"
    created = template["Conditions"]["CreateWebAcl"]["Fn::And"]
    assert {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]} in created
    given = template["Conditions"]["UseGivenWebAcl"]["Fn::And"]
    assert {"Fn::Condition": "OutsideChina"} in given  # !Condition, as the test loader reads it
    assert distribution(template)["WebACLId"] == {"Fn::If": [
        "CreateWebAcl", {"Fn::GetAtt": ["WebAcl", "Arn"]},
        {"Fn::If": ["UseGivenWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]}]}


def test_the_functions_own_limits_leave_room_for_people_sharing_one_address(template):
    from functions.guard import Rule

    spec = template["Parameters"]["RateLimits"]["Default"]
    rules = {name: Rule(name, *map(int, rate.split("/"))) for name, rate in
             (part.split("=") for part in spec.split(","))}
    assert rules["burst"].limit >= 20 and rules["burst"].seconds <= 10
    assert rules["sustained"].limit >= 300 and rules["sustained"].seconds == 3600


# --- capacity, alarms, rollback -----------------------------------------------------------------

def test_the_functions_that_write_the_table_have_a_concurrency_ceiling(template):
    functions = functions_of(template)
    for name, parameter in (("SubmissionsFunction", "SubmissionsConcurrency"), ("ReviewFunction", "ReviewConcurrency")):
        condition, reserved, none = functions[name]["ReservedConcurrentExecutions"]["Fn::If"]
        assert reserved == {"Ref": parameter} and none == {"Ref": "AWS::NoValue"}
        assert template["Parameters"][parameter]["Default"] > 0
    assert "ReservedConcurrentExecutions" not in functions["SearchFunction"]  # never touches the table


def alarms(template) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]


def test_errors_and_throttles_of_every_function_raise_an_alarm(template):
    watched = {(a["MetricName"], a["Dimensions"][0]["Value"]["Ref"]) for a in alarms(template) if "MetricName" in a
               and a["Namespace"] == "AWS/Lambda"}
    for name in functions_of(template):
        assert ("Errors", name) in watched and ("Throttles", name) in watched


def test_server_errors_of_the_api_and_throttled_table_calls_raise_an_alarm(template):
    api = [a for a in alarms(template) if a.get("Namespace") == "AWS/ApiGateway"]
    assert [(a["MetricName"], a["Dimensions"]) for a in api] == [("5xx", [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}])]
    (table,) = [a for a in alarms(template) if "Metrics" in a]
    metrics = {m["MetricStat"]["Metric"]["MetricName"] for m in table["Metrics"] if "MetricStat" in m}
    assert metrics == {"ReadThrottleEvents", "WriteThrottleEvents"}


def test_every_alarm_tells_the_alarm_topic_in_chinese(template):
    for alarm in alarms(template):
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}] and alarm["OKActions"] == [{"Ref": "AlarmTopic"}]
        assert re.search(r"[\u4e00-\u9fff]", alarm["AlarmDescription"])
        assert alarm["TreatMissingData"] == "notBreaching"


def test_every_deploy_publishes_a_version_behind_an_alias_and_site_objects_keep_old_versions(template):
    assert template["Globals"]["Function"]["AutoPublishAlias"] == "live"
    site = template["Resources"]["SiteBucket"]["Properties"]
    assert site["VersioningConfiguration"] == {"Status": "Enabled"}
    (old,) = [r for r in site["LifecycleConfiguration"]["Rules"] if "NoncurrentVersionExpiration" in r]
    assert old["NoncurrentVersionExpiration"]["NoncurrentDays"] >= 7
