"""The BlobStore protocol and the upload rules both adapters enforce."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import BinaryIO, Protocol, runtime_checkable

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# Declared type → the magic bytes a real file of that type starts with.
ALLOWED_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
INCOMING = "incoming/"      # uploads wait here; the bucket expires what is left after a day
ATTACHMENTS = "attachments/"  # attachments of stored petitions, kept
EXPORTS = "exports/"          # CSV exports for staff: read through a short link, expired by the bucket after a day


@dataclass(frozen=True)
class PresignedUpload:
    """A browser POSTs `fields` plus the file (multipart, field name "file") to `url`."""

    url: str
    fields: dict[str, str]
    expires_at: dt.datetime


@runtime_checkable
class BlobStore(Protocol):
    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_at: dt.datetime) -> PresignedUpload:
        """A one-object upload: exactly `key`, exactly `content_type`, 1..max_bytes bytes."""

    def head(self, key: str, length: int = 16) -> tuple[int, bytes] | None:
        """(size, first `length` bytes) of a stored object, or None if absent."""

    def delete(self, key: str) -> None: ...

    def move(self, key: str, new_key: str) -> None:
        """Move an object (uploads leave the expiring incoming/ prefix once their petition is kept)."""

    def put_file(self, key: str, body: BinaryIO, content_type: str) -> None:
        """Store a file read from `body` (an export), encrypted at rest."""

    def download_url(self, key: str, expires_at: dt.datetime, filename: str | None = None) -> str:
        """A link that reads one object until `expires_at` (staff opening an attachment, an export),
        saved under `filename` if given."""


def sniff_ok(content_type: str, first_bytes: bytes) -> bool:
    return any(first_bytes.startswith(magic) for magic in ALLOWED_TYPES.get(content_type, ()))
