"""BlobStore on a local folder. Uploads go to a signed endpoint of the local server that enforces the
same policy S3 enforces for a presigned POST: one key, one content type, a size range, an expiry."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import shutil
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from .protocol import PresignedUpload

UPLOAD_PATH = "/api/uploads/local"
DOWNLOAD_PATH = "/review/files"


class PolicyError(ValueError):
    pass


class LocalBlobStore:
    def __init__(self, root: Path, secret_key: bytes):
        self.root = Path(root)
        self._key = hashlib.sha256(b"local-uploads|" + secret_key).digest()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise PolicyError("非法的对象键")
        return path

    def _sign(self, policy: str) -> str:
        return hmac.new(self._key, policy.encode(), hashlib.sha256).hexdigest()

    def presign_upload(self, key: str, content_type: str, max_bytes: int, expires_at: dt.datetime) -> PresignedUpload:
        policy = base64.urlsafe_b64encode(json.dumps(
            {"key": key, "content_type": content_type, "max_bytes": max_bytes,
             "expires": expires_at.isoformat()}).encode()).decode()
        return PresignedUpload(UPLOAD_PATH, {"key": key, "Content-Type": content_type, "policy": policy,
                                             "signature": self._sign(policy)}, expires_at)

    def accept_upload(self, fields: dict[str, str], data: bytes, now: dt.datetime) -> str:
        """Check the signed policy like S3 would, then store the bytes; returns the key."""
        policy, signature = fields.get("policy", ""), fields.get("signature", "")
        if not hmac.compare_digest(self._sign(policy), signature):
            raise PolicyError("上传凭证无效")
        terms = json.loads(base64.urlsafe_b64decode(policy))
        if now > dt.datetime.fromisoformat(terms["expires"]):
            raise PolicyError("上传凭证已过期，请重新选择文件")
        if fields.get("key") != terms["key"] or fields.get("Content-Type") != terms["content_type"]:
            raise PolicyError("上传的文件与凭证不符")
        if not 1 <= len(data) <= terms["max_bytes"]:
            raise PolicyError(f"文件大小应在 1 字节到 {terms['max_bytes'] // (1024 * 1024)} MB 之间")
        path = self._path(terms["key"])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return terms["key"]

    def move(self, key: str, new_key: str) -> None:
        target = self._path(new_key)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._path(key).replace(target)

    def head(self, key: str, length: int = 16) -> tuple[int, bytes] | None:
        path = self._path(key)
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            return path.stat().st_size, handle.read(length)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def put_file(self, key: str, body: BinaryIO, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with tmp.open("wb") as out:
            shutil.copyfileobj(body, out)
        tmp.replace(path)

    def download_url(self, key: str, expires_at: dt.datetime, filename: str | None = None) -> str:
        """Like an S3 presigned GET: the key, an expiry (and the name to save as), signed together."""
        expires = int(expires_at.timestamp())
        name = f"&filename={quote(filename, safe='')}" if filename else ""
        signature = self._sign(f"GET|{key}|{expires}|{filename or ''}")
        return f"{DOWNLOAD_PATH}/{key}?expires={expires}{name}&signature={signature}"

    def open_download(self, key: str, expires: str, signature: str, now: dt.datetime, filename: str = "") -> bytes:
        """The object's bytes if the link is genuine and unexpired; PolicyError otherwise."""
        if not (expires.isascii() and expires.isdigit()) or \
                not hmac.compare_digest(self._sign(f"GET|{key}|{expires}|{filename}"), signature):
            raise PolicyError("链接无效")
        if now.timestamp() > int(expires):
            raise PolicyError("链接已过期，请回到案件页面重新打开附件")
        path = self._path(key)
        if not path.is_file():
            raise PolicyError("附件不存在")
        return path.read_bytes()
