"""The content repository's CI workflow: valid for GitHub Actions (the workflow schema check-jsonschema
ships, offline), checks every push and pull request, deploys only from main and every night just after
midnight China time, in the order that keeps site and functions in step, and never gives an editor's
pull request AWS access."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.contract.conftest import load_template

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CHINA = dt.timezone(dt.timedelta(hours=8))


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


@pytest.fixture
def workflow() -> dict:
    (path,) = WORKFLOWS
    return load(path)


def steps(job: dict) -> list[str]:
    """Each step as one text: its name, the action it uses and its script."""
    return [" ".join(str(s.get(k, "")) for k in ("name", "uses", "run")) for s in job["steps"]]


def index_of(job: dict, pattern: str) -> int:
    (found,) = [i for i, text in enumerate(steps(job)) if re.search(pattern, text)]
    return found


def test_every_workflow_is_valid_for_github_actions():
    assert WORKFLOWS
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_workflow_is_caught_by_the_schema_check(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  check:\n    steps:\n      - run: make check\n", encoding="utf-8")  # no runs-on
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(broken)],
                            capture_output=True, text=True)
    assert result.returncode != 0


def test_every_push_and_pull_request_is_checked(workflow):
    assert "push" in workflow["on"] and "pull_request" in workflow["on"]
    check = workflow["jobs"]["check"]
    assert "if" not in check
    assert re.search(r"\bmake check\b|\bportal check\b", steps(check)[index_of(check, r"check\b")])


def test_the_nightly_build_runs_just_after_midnight_china_time(workflow):
    (schedule,) = workflow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*")
    utc = dt.datetime(2026, 6, 1, int(hour), int(minute), tzinfo=dt.timezone.utc)
    china = utc.astimezone(CHINA)
    assert china.hour == 0 and 0 < china.minute <= 30


def test_only_main_and_the_schedule_deploy_and_only_after_the_check(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "check"
    assert "github.ref == 'refs/heads/main'" in deploy["if"] and "github.event_name != 'pull_request'" in deploy["if"]
    assert deploy["concurrency"]["cancel-in-progress"] is False


def test_the_deploy_builds_packages_deploys_then_publishes(workflow):
    deploy = workflow["jobs"]["deploy"]
    order = [index_of(deploy, r"portal build"), index_of(deploy, r"portal package"),
             index_of(deploy, r"sam deploy"), index_of(deploy, r"portal publish")]
    # The functions learn about a new survey or window before the site shows its form.
    assert order == sorted(order)
    assert "--arch \"$LAMBDA_ARCH\"" in steps(deploy)[order[1]]
    assert "LambdaArchitecture=$LAMBDA_ARCH" in steps(deploy)[order[2]]  # the package matches the stack


def test_the_template_and_permission_checks_run_when_infra_or_functions_changed(workflow):
    deploy = workflow["jobs"]["deploy"]
    changes = deploy["steps"][index_of(deploy, r"git diff")]
    for folder in ("infra", "functions", "requirements.lock"):
        assert folder in changes["run"]
    contract = deploy["steps"][index_of(deploy, r"pytest tests/contract")]
    assert contract["if"] == f"steps.{changes['id']}.outputs.code == 'true'"
    assert index_of(deploy, r"pytest tests/contract") < index_of(deploy, r"sam deploy")


def test_the_publish_and_the_cleanup_read_outputs_the_stack_has(workflow):
    deploy = workflow["jobs"]["deploy"]
    outputs = set(load_template()["Outputs"])
    named = set(re.findall(r"\b([A-Z][A-Za-z]+(?:Name|Id))\b", " ".join(steps(deploy)[index_of(deploy, r"portal publish"):])))
    assert {"SiteBucketName", "DistributionId", "SubmissionsFunctionName"} <= named
    assert named <= outputs


def test_no_aws_access_outside_the_deploy_job_and_no_stored_keys(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        uses_aws = any("configure-aws-credentials" in text for text in steps(job))
        assert uses_aws == (name == "deploy"), name
    text = WORKFLOWS[0].read_text(encoding="utf-8")
    assert "aws-access-key-id" not in text and "secrets." not in text  # OIDC role, nothing long-lived


def test_actions_are_pinned_and_event_text_never_lands_in_a_script(workflow):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.match(r"^[\w.-]+/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$", step["uses"]), step["uses"]
            # Branch names and commit messages are attacker-controlled: only through env, never inline.
            assert "${{ github.event" not in step.get("run", ""), step.get("name")
