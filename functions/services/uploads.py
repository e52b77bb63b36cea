"""Attachments: hand out a presigned upload, and later check what was uploaded before a petition
may refer to it (exists, within the size limit, and its bytes match its declared type)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt

from functions.blobs.protocol import ALLOWED_TYPES, ATTACHMENTS, EXTENSIONS, INCOMING, MAX_BYTES, BlobStore, sniff_ok
from functions.domain.errors import InvalidSubmission
from functions.domain.petitions import PublicInput
from functions.domain.text import Words

UPLOAD_TTL = dt.timedelta(minutes=15)
_TYPE_BY_EXTENSION = {ext: ctype for ctype, ext in EXTENSIONS.items()}


class UploadIn(PublicInput):
    filename: Annotated[str, Words(200, one_line=True)]
    content_type: Literal["application/pdf", "image/jpeg", "image/png"]
    size: StrictInt = Field(ge=1, le=MAX_BYTES, description="文件大小（字节），最大 10 MB")


class UploadOut(BaseModel):
    id: str = Field(description="附件编号，提交信访事项时放入 attachments")
    url: str = Field(description="上传地址（以 multipart/form-data 提交 fields 和 file）")
    fields: dict[str, str]
    expires_at: dt.datetime
    max_bytes: int


def start_upload(blobs: BlobStore | None, upload: UploadIn, now: dt.datetime) -> UploadOut:
    if blobs is None:
        raise InvalidSubmission("暂不接收附件", field="filename")
    attachment_id = f"{uuid.uuid4()}.{EXTENSIONS[upload.content_type]}"  # the server picks the key
    presigned = blobs.presign_upload(INCOMING + attachment_id, upload.content_type, MAX_BYTES, now + UPLOAD_TTL)
    return UploadOut(id=attachment_id, url=presigned.url, fields=presigned.fields, expires_at=presigned.expires_at,
                     max_bytes=MAX_BYTES)


def verify_attachments(blobs: BlobStore, attachment_ids: list[str]) -> None:
    """Raise InvalidSubmission for the first attachment that is missing, too large or not what it says."""
    for number, attachment_id in enumerate(attachment_ids, start=1):
        content_type = _TYPE_BY_EXTENSION[attachment_id.rsplit(".", 1)[1]]
        if blobs.head(ATTACHMENTS + attachment_id) is not None:
            continue  # checked and kept already (a replay, or a concurrent double submit)
        found = blobs.head(INCOMING + attachment_id)
        if found is None:
            raise InvalidSubmission(f"第 {number} 个附件还没有上传完成，请重新上传", field="attachments")
        size, first_bytes = found
        if size > MAX_BYTES:
            blobs.delete(INCOMING + attachment_id)
            raise InvalidSubmission(f"第 {number} 个附件超过 10 MB", field="attachments")
        if not sniff_ok(content_type, first_bytes):
            blobs.delete(INCOMING + attachment_id)
            allowed = "、".join(t.split("/")[1].upper() for t in ALLOWED_TYPES)
            raise InvalidSubmission(f"第 {number} 个附件的内容不是声明的文件类型（只接受 {allowed}）", field="attachments")


def keep_attachments(blobs: BlobStore, attachment_ids: list[str]) -> None:
    """Move checked uploads out of incoming/ (which expires) before the petition is stored. If the
    store then fails, the moved files are orphans under attachments/, never a petition without files."""
    for attachment_id in attachment_ids:
        if blobs.head(ATTACHMENTS + attachment_id) is None:  # a replayed submission moved it already
            blobs.move(INCOMING + attachment_id, ATTACHMENTS + attachment_id)
