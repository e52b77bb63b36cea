"""Attachments: at most 10 MB of PDF/JPEG/PNG, uploaded with a one-object policy, checked by content."""

from __future__ import annotations

import base64
import datetime as dt
import json

import boto3
import pytest
from moto import mock_aws

from functions.blobs.local import LocalBlobStore, PolicyError
from functions.blobs.protocol import INCOMING, MAX_BYTES
from functions.blobs.s3 import S3BlobStore
from functions.domain.errors import InvalidSubmission
from functions.services.uploads import UploadIn, start_upload, verify_attachments

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)
PDF = b"%PDF-1.7\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


@pytest.fixture
def local(tmp_path):
    return LocalBlobStore(tmp_path / "uploads", b"secret")


def upload(blobs, content_type="application/pdf", size=1000):
    return start_upload(blobs, UploadIn(filename="材料.pdf", content_type=content_type, size=size), NOW).model_dump()


def test_the_server_chooses_the_key_and_the_policy_fixes_type_and_size(local):
    ticket = upload(local)
    assert ticket["id"].endswith(".pdf") and ticket["fields"]["key"] == INCOMING + ticket["id"]
    assert ticket["max_bytes"] == MAX_BYTES == 10 * 1024 * 1024


def test_a_declared_type_or_size_outside_the_rules_is_refused_before_uploading():
    with pytest.raises(ValueError):
        UploadIn(filename="a.exe", content_type="application/x-msdownload", size=10)
    with pytest.raises(ValueError):
        UploadIn(filename="big.pdf", content_type="application/pdf", size=MAX_BYTES + 1)


def test_the_local_endpoint_accepts_exactly_what_the_policy_allows(local):
    ticket = upload(local)
    key = local.accept_upload(ticket["fields"], PDF, NOW)
    assert local.head(key) == (len(PDF), PDF[:16])


@pytest.mark.parametrize("tamper, message", [
    (lambda f: {**f, "Content-Type": "image/png"}, "不符"),
    (lambda f: {**f, "key": "incoming/other.pdf"}, "不符"),
    (lambda f: {**f, "signature": "0" * 64}, "无效"),
    (lambda f: {**f, "policy": f["policy"][:-4] + "AAAA"}, "无效"),
])
def test_the_local_endpoint_refuses_a_tampered_upload(local, tamper, message):
    fields = upload(local)["fields"]
    with pytest.raises(PolicyError, match=message):
        local.accept_upload(tamper(fields), PDF, NOW)


def test_the_local_endpoint_refuses_empty_oversize_and_late_uploads(local):
    fields = upload(local)["fields"]
    with pytest.raises(PolicyError, match="大小"):
        local.accept_upload(fields, b"", NOW)
    with pytest.raises(PolicyError, match="大小"):
        local.accept_upload(fields, b"%PDF-" + b"0" * MAX_BYTES, NOW)
    with pytest.raises(PolicyError, match="过期"):
        local.accept_upload(fields, PDF, NOW + dt.timedelta(minutes=16))


def test_attachments_are_checked_by_content_and_a_fake_is_deleted(local):
    good, fake = upload(local), upload(local, "image/png")
    local.accept_upload(good["fields"], PDF, NOW)
    local.accept_upload(fake["fields"], PDF, NOW)  # a PDF declared as PNG
    verify_attachments(local, [good["id"]])
    with pytest.raises(InvalidSubmission, match="第 2 个附件的内容不是声明的文件类型"):
        verify_attachments(local, [good["id"], fake["id"]])
    assert local.head(INCOMING + fake["id"]) is None


def test_an_attachment_that_was_never_uploaded_is_reported(local):
    with pytest.raises(InvalidSubmission, match="第 1 个附件还没有上传完成"):
        verify_attachments(local, [upload(local)["id"]])


@mock_aws
def test_the_s3_presigned_post_policy_limits_key_type_size_and_time(monkeypatch):
    # moto does not enforce POST policies, so the policy document itself is checked here.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")
    client = boto3.client("s3", region_name="cn-north-1")
    client.create_bucket(Bucket="uploads", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    ticket = start_upload(S3BlobStore("uploads", client),
                          UploadIn(filename="照片.png", content_type="image/png", size=5000),
                          dt.datetime.now(dt.timezone.utc)).model_dump()
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"key": INCOMING + ticket["id"]} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, MAX_BYTES] in conditions
    expires = dt.datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert dt.timedelta(minutes=14) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(minutes=15)
    client.put_object(Bucket="uploads", Key=INCOMING + ticket["id"], Body=PNG)
    verify_attachments(S3BlobStore("uploads", client), [ticket["id"]])


def test_a_stored_petitions_attachments_leave_the_expiring_prefix(local):
    from functions.blobs.protocol import ATTACHMENTS
    from functions.services.uploads import keep_attachments

    ticket = upload(local)
    local.accept_upload(ticket["fields"], PDF, NOW)
    keep_attachments(local, [ticket["id"]])
    assert local.head(INCOMING + ticket["id"]) is None
    assert local.head(ATTACHMENTS + ticket["id"]) == (len(PDF), PDF[:16])
    verify_attachments(local, [ticket["id"]])  # a replay of the same petition still passes
    keep_attachments(local, [ticket["id"]])


@mock_aws
def test_moving_on_s3_copies_then_deletes(monkeypatch):
    from functions.blobs.protocol import ATTACHMENTS

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="uploads")
    client.put_object(Bucket="uploads", Key=INCOMING + "a.png", Body=PNG)
    S3BlobStore("uploads", client).move(INCOMING + "a.png", ATTACHMENTS + "a.png")
    assert S3BlobStore("uploads", client).head(ATTACHMENTS + "a.png") == (len(PNG), PNG[:16])
    assert S3BlobStore("uploads", client).head(INCOMING + "a.png") is None
