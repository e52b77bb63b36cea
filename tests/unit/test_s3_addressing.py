"""The browser posts attachments straight to S3 and staff follow presigned links: both must name the
bucket's regional host, or S3 answers a new bucket outside us-east-1 with a 307 the upload does not
survive."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from functions.blobs.s3 import S3BlobStore

BUCKET = "party-portal-uploadsbucket-1x2y3z"


@pytest.fixture
def region(monkeypatch, request):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": request.param, "AWS_REGION": request.param}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return request.param


HOSTS = {"eu-west-1": f"{BUCKET}.s3.eu-west-1.amazonaws.com",
         "ap-east-1": f"{BUCKET}.s3.ap-east-1.amazonaws.com",
         "cn-northwest-1": f"{BUCKET}.s3.cn-northwest-1.amazonaws.com.cn"}


@pytest.mark.parametrize("region", sorted(HOSTS), indirect=True)
def test_a_presigned_upload_posts_to_the_buckets_regional_host(region):
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=15)
    upload = S3BlobStore(BUCKET).presign_upload("incoming/a.pdf", "application/pdf", 10_000_000, soon)
    assert urlsplit(upload.url).netloc == HOSTS[region]
    assert upload.fields["key"] == "incoming/a.pdf"


@pytest.mark.parametrize("region", sorted(HOSTS), indirect=True)
def test_a_staff_download_link_names_the_buckets_regional_host(region):
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
    url = S3BlobStore(BUCKET).download_url("attachments/a.pdf", soon)
    assert urlsplit(url).netloc == HOSTS[region]
    assert urlsplit(url).path == "/attachments/a.pdf"
