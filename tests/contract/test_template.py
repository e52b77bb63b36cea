"""The SAM template keeps the data safe and deploys in the China partition."""

from __future__ import annotations

import re


def test_the_table_is_on_demand_encrypted_recoverable_and_expires_claims(template):
    props = template["Resources"]["Table"]["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert [i["IndexName"] for i in props["GlobalSecondaryIndexes"]] == ["queue", "audit"]


def test_the_table_and_bucket_survive_a_stack_deletion(template):
    resources = template["Resources"]
    for name in ("Table", "UploadsBucket"):
        assert resources[name]["DeletionPolicy"] == "Retain"


def test_the_upload_bucket_is_private_and_forgets_abandoned_uploads_after_a_day(template):
    bucket = template["Resources"]["UploadsBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    (incoming,) = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r.get("Prefix") == "incoming/"]
    assert incoming["ExpirationInDays"] == 1
    (cors,) = bucket["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedMethods"] == ["POST"] and cors["AllowedOrigins"] == [{"Ref": "SiteOrigin"}]


def test_no_arn_is_written_for_one_partition_only(template_path):
    text = template_path.read_text(encoding="utf-8")
    assert not re.search(r"arn:aws(-cn)?:", text)
    assert all("${AWS::Partition}" in line for line in text.splitlines() if '"arn:' in line)
