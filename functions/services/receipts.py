"""The receipt of a form posted without JavaScript travels to the receipt page in a short-lived,
encrypted, HttpOnly cookie: the query code never appears in a URL or an access log."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

COOKIE = "portal_receipt"
LIFETIME = dt.timedelta(minutes=30)


def _aead(secret_key: bytes) -> AESGCM:
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal receipt cookie").derive(secret_key))


def seal(receipt: dict[str, Any], secret_key: bytes, now: dt.datetime) -> str:
    payload = json.dumps({"receipt": receipt, "expires": (now + LIFETIME).isoformat()}, ensure_ascii=False).encode()
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + _aead(secret_key).encrypt(nonce, payload, COOKIE.encode())).decode()


def unseal(token: str, secret_key: bytes, now: dt.datetime) -> dict[str, Any] | None:
    try:
        raw = base64.urlsafe_b64decode(token.encode())
        payload = json.loads(_aead(secret_key).decrypt(raw[:12], raw[12:], COOKIE.encode()))
    except (InvalidTag, ValueError, binascii.Error):
        return None
    if now > dt.datetime.fromisoformat(payload["expires"]):
        return None
    receipt: dict[str, Any] = payload["receipt"]
    return receipt
