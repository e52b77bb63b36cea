"""Requests reach the functions through CloudFront only.

CloudFront adds X-Origin-Verify with the origin secret's value to every request it sends to the API
(infra/template.yaml); a request without it came straight to the execute-api endpoint and is refused
with a Chinese 403 before anything else runs. Behind that check, CloudFront-Viewer-Address (which
CloudFront sets itself, overwriting anything the viewer sent) is the viewer's address.

Locally (PORTAL_ORIGIN_SECRET_ARN unset) there is no CloudFront: nothing is refused and the address is
the socket's.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
import time
from collections.abc import Callable

from functions import keys

ORIGIN_HEADER = "x-origin-verify"
VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address"
# A warm container whose cached value no longer matches re-reads the secret at most this often, so a
# rotation needs no restart and a flood of forged headers costs at most one read a minute.
REFRESH_SECONDS = 60
REFUSED = "请通过门户网站访问（不接受直接访问接口地址的请求）。"


class OriginSecrets:
    """The values CloudFront may be sending: the secret's AWSCURRENT and, during a rotation, AWSPREVIOUS."""

    def __init__(self, secret_id: str, sm=None, clock: Callable[[], float] = time.monotonic):
        self.secret_id = secret_id
        self._sm = sm
        self._clock = clock
        self._lock = threading.Lock()
        self._values: tuple[bytes, ...] = ()
        self._loaded_at: float | None = None

    def _load(self) -> None:
        sm = self._sm or keys.client()
        values = []
        for stage in ("AWSCURRENT", "AWSPREVIOUS"):
            text = keys.read_secret(self.secret_id, stage, sm=sm)
            if text is not None:
                values.append(keys.json_field(text, "header", self.secret_id).encode())
        self._values = tuple(values)
        self._loaded_at = self._clock()

    def _matches(self, sent: bytes) -> bool:
        # Compare with every value, in constant time each: the answer does not tell which one matched.
        return any([hmac.compare_digest(sent, value) for value in self._values])

    def accepts(self, sent: str | None) -> bool:
        with self._lock:
            if self._loaded_at is None:
                self._load()
            if not sent:
                return False
            raw = sent.encode("utf-8", "surrogatepass")
            if self._matches(raw):
                return True
            if self._clock() - self._loaded_at >= REFRESH_SECONDS:
                try:
                    self._load()
                except Exception:  # noqa: BLE001 - Secrets Manager unreachable: keep what we had
                    self._loaded_at = self._clock()
                    return False
                return self._matches(raw)
            return False


_lock = threading.Lock()
_secrets: OriginSecrets | None = None


def origin_secrets() -> OriginSecrets | None:
    """The container's OriginSecrets, or None where no CloudFront stands in front (local runs)."""
    global _secrets
    secret_id = os.environ.get("PORTAL_ORIGIN_SECRET_ARN")
    if not secret_id:
        return None
    with _lock:
        if _secrets is None or _secrets.secret_id != secret_id:
            _secrets = OriginSecrets(secret_id)
        return _secrets


def reset() -> None:
    """Forget the cached values (tests)."""
    global _secrets
    with _lock:
        _secrets = None


def _header(event: dict, name: str) -> str | None:
    return next((v for k, v in (event.get("headers") or {}).items() if k.lower() == name), None)


def refuse_direct_call(event: dict) -> dict | None:
    """None when the request came through CloudFront (or no CloudFront is configured), else the 403."""
    secrets = origin_secrets()
    if secrets is None or secrets.accepts(_header(event, ORIGIN_HEADER)):
        return None
    if (event.get("rawPath") or "").startswith("/api/"):
        body, ctype = json.dumps({"statusCode": 403, "message": REFUSED}, ensure_ascii=False), "application/json"
    else:
        body, ctype = REFUSED, "text/plain; charset=utf-8"
    return {"statusCode": 403, "headers": {"Content-Type": ctype, "Cache-Control": "no-store"},
            "body": body, "isBase64Encoded": False}


def viewer_address(event: dict) -> str:
    """The viewer's IP address. Trusted only behind the origin check: then CloudFront-Viewer-Address
    ("198.51.100.10:46532", "2001:db8::1:46532") is CloudFront's own; without the header, the last
    X-Forwarded-For entry is the one CloudFront appended. Elsewhere, the socket's address."""
    source = event.get("requestContext", {}).get("http", {}).get("sourceIp", "unknown")
    if origin_secrets() is None:
        return source
    viewer = (_header(event, VIEWER_ADDRESS_HEADER) or "").strip()
    if ":" in viewer:
        return viewer.rsplit(":", 1)[0].strip("[]")
    forwarded = [p.strip() for p in (_header(event, "x-forwarded-for") or "").split(",") if p.strip()]
    return forwarded[-1] if forwarded else source
