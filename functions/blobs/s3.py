"""BlobStore on S3: presigned POSTs whose policy S3 itself enforces (key, type, size, expiry)."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

import boto3
from botocore.config import Config

from .protocol import PresignedUpload

# Virtual-hosted addressing gives presigned URLs the bucket's regional host (bucket.s3.REGION.…).
# Without it botocore signs for the global host bucket.s3.amazonaws.com, which S3 answers with a 307
# redirect for up to a day after a bucket is created outside us-east-1: a browser's upload POST
# does not survive that redirect.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5,
                 signature_version="s3v4", s3={"addressing_style": "virtual"})


class S3BlobStore:
    def __init__(self, bucket: str, client=None):
        self.bucket = bucket
        self.client = client or boto3.client("s3", config=_CONFIG)

    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_at: dt.datetime) -> PresignedUpload:
        seconds = max(1, int((expires_at - dt.datetime.now(dt.timezone.utc)).total_seconds()))
        post = self.client.generate_presigned_post(
            Bucket=self.bucket, Key=key, Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=seconds)
        return PresignedUpload(post["url"], post["fields"], expires_at)

    def head(self, key: str, length: int = 16) -> tuple[int, bytes] | None:
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{length - 1}")
        except self.client.exceptions.NoSuchKey:
            return None
        size = int(obj["ContentRange"].rsplit("/", 1)[1]) if "ContentRange" in obj else obj["ContentLength"]
        return size, obj["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def put_file(self, key: str, body: BinaryIO, content_type: str) -> None:
        # One PUT (up to 5 GB): an export of 20,000 long rows is tens of MB. Encrypted with the bucket's key.
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                               ServerSideEncryption="AES256")

    def download_url(self, key: str, expires_at: dt.datetime, filename: str | None = None) -> str:
        from functions.reports.csv import content_disposition

        seconds = max(1, int((expires_at - dt.datetime.now(dt.timezone.utc)).total_seconds()))
        disposition = content_disposition(filename) if filename else "attachment"
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key, "ResponseContentDisposition": disposition},
            ExpiresIn=seconds)

    def move(self, key: str, new_key: str) -> None:
        self.client.copy_object(Bucket=self.bucket, Key=new_key, CopySource={"Bucket": self.bucket, "Key": key},
                                MetadataDirective="COPY")
        self.client.delete_object(Bucket=self.bucket, Key=key)
