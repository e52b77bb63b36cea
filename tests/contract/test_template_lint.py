"""infra/template.yaml passes cfn-lint as written and after the SAM transform, in a global and in the
China regions, without touching AWS.

cfn-lint checks the SAM resources of the template against SAM's own schema only: a broken reference
inside a SAM property (an HttpApi event's ApiId, a statement in Policies) passes it. So the template is
also translated with aws-sam-translator, offline, the way CloudFormation's transform would in that
region, and the plain CloudFormation it produces is linted too.
"""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode.decode import decode
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

# us-east-1 stands for the global partition; cn-north-1 and cn-northwest-1 are the whole of aws-cn.
REGIONS = ("us-east-1", "cn-north-1", "cn-northwest-1")

# cfn-lint warnings tolerated, each with the reason; errors never are. Empty today: add a rule id
# here (not a suppression in the template's Metadata) only with a reason a reviewer can check.
ALLOWED_WARNINGS: dict[str, str] = {}

# What `sam package` puts in place of the local CodeUri before the transform runs.
PACKAGED_CODE = "s3://portal-artifacts-bucket/portal-lambda.zip"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linting and translating must work offline: any connection attempt fails the test."""

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the template checks tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def sam_template(path: Path) -> dict[str, Any]:
    """The template as CloudFormation parses it (cfn-lint's decoder reads every short form)."""
    template, problems = decode(str(path))
    assert not problems, [str(p) for p in problems]
    return json.loads(json.dumps(template))


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam package` hands it to CloudFormation: code uploaded, CodeUri an S3 URI."""
    result = copy.deepcopy(template)
    function_globals = result.get("Globals", {}).get("Function", {})
    if "CodeUri" in function_globals:
        function_globals["CodeUri"] = PACKAGED_CODE
    for resource in result["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function" and "CodeUri" in resource.get("Properties", {}):
            resource["Properties"]["CodeUri"] = PACKAGED_CODE
    return result


def translate(template: dict[str, Any], region: str) -> dict[str, Any]:
    """The SAM transform for `region`, offline: a boto3 session with a fixed region and dummy
    credentials (the translator only reads its region, for the partition), and a managed-policy
    lookup that refuses, since naming a managed policy instead of an ARN would need IAM."""
    session = boto3.session.Session(region_name=region, aws_access_key_id="offline",
                                    aws_secret_access_key="offline")

    def managed_policy_map() -> dict[str, str]:
        raise AssertionError("Policies name a managed policy: use its ARN built with ${AWS::Partition}")

    translator = Translator(None, Parser(), boto_session=session)
    return translator.translate(packaged(template), parameter_values={}, get_managed_policy_map=managed_policy_map)


def problems(template_text: str, region: str) -> list[str]:
    found = []
    for match in lint(template_text, config=ManualArgs(regions=[region])):
        if match.rule.id.startswith("W") and match.rule.id in ALLOWED_WARNINGS:
            continue
        if match.rule.id.startswith("I"):
            continue
        found.append(f"{match.rule.id} line {match.linenumber}: {match.message}")
    return found


@pytest.mark.parametrize("region", REGIONS)
def test_the_template_passes_cfn_lint_as_written(template_path: Path, region: str) -> None:
    assert problems(template_path.read_text(encoding="utf-8"), region) == []


@pytest.mark.parametrize("region", REGIONS)
def test_the_translated_template_passes_cfn_lint(template_path: Path, region: str) -> None:
    translated = translate(sam_template(template_path), region)
    assert not any(r["Type"].startswith("AWS::Serverless::") for r in translated["Resources"].values())
    assert problems(json.dumps(translated, indent=1), region) == []


def test_a_broken_reference_inside_a_sam_event_is_caught_by_the_translation(template_path: Path) -> None:
    template = sam_template(template_path)
    event = template["Resources"]["SearchFunction"]["Properties"]["Events"]["ApiSearch"]
    event["Properties"]["ApiId"] = {"Ref": "NoSuchApi"}
    assert problems(json.dumps(template), "us-east-1") == []  # cfn-lint alone lets it through
    with pytest.raises(InvalidDocumentException, match="ApiId must be a valid reference"):
        translate(template, "us-east-1")


def test_no_check_is_switched_off_inside_the_template(template_path: Path) -> None:
    template = sam_template(template_path)
    holders = [template, *template["Resources"].values()]
    assert not [h for h in holders if "cfn-lint" in (h.get("Metadata") or {})]

