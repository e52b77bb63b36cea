"""Reference numbers (read out on the phone) and secret query codes (never derived from them).

Both use an alphabet without look-alikes (no 0/O, 1/I/L). Query codes are stored only as an
HMAC with the server's secret key, so a leaked table does not reveal them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import math
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 12   # 12 × log2(31) ≈ 59.4 bits
REFERENCE_RANDOM = 5

assert QUERY_CODE_LENGTH * math.log2(len(ALPHABET)) >= 50


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_reference(day: dt.date) -> str:
    """e.g. XF261127-7K3QM: the date helps staff on the phone; the random part avoids guessing."""
    return f"XF{day:%y%m%d}-{_random(REFERENCE_RANDOM)}"


def new_query_code() -> str:
    """e.g. 7K3Q-M9TB-X4PW (shown once on the receipt)."""
    raw = _random(QUERY_CODE_LENGTH)
    return "-".join(raw[i:i + 4] for i in range(0, QUERY_CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    """Forgive spaces, dashes and lower case when the petitioner types the code back."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def normalize_reference(reference: str) -> str:
    text = "".join(ch for ch in reference.upper().strip() if ch.isalnum() or ch == "-")
    if "-" not in text and len(text) == 8 + REFERENCE_RANDOM:
        text = f"{text[:8]}-{text[8:]}"
    return text


def hash_query_code(code: str, secret_key: bytes) -> str:
    return hmac.new(secret_key, normalize_code(code).encode(), hashlib.sha256).hexdigest()


def query_code_matches(code: str, stored_hash: str | None, secret_key: bytes) -> bool:
    """Constant-time; computes the HMAC even when there is no record, so both cases take as long."""
    candidate = hash_query_code(code, secret_key)
    return hmac.compare_digest(candidate, stored_hash or "0" * len(candidate)) and stored_hash is not None


# --- survey respondent tokens ------------------------------------------------------------------
# One answer per token; tokens are issued by the server (signed), so a made-up token is refused and a
# fresh one costs a request the server counts per address. 12 random bytes, the issue time, a MAC.
RESPONDENT_TOKEN_DAYS = 30


def _respondent_mac(secret_key: bytes, survey_id: str, body: bytes) -> bytes:
    return hmac.new(secret_key, b"survey-respondent|" + survey_id.encode() + b"|" + body, hashlib.sha256).digest()[:12]


def new_respondent_token(secret_key: bytes, survey_id: str, now: dt.datetime) -> str:
    body = secrets.token_bytes(12) + int(now.timestamp()).to_bytes(4, "big")
    return base64.urlsafe_b64encode(body + _respondent_mac(secret_key, survey_id, body)).decode().rstrip("=")


def respondent_token_nonce(token: str, secret_key: bytes, survey_id: str, now: dt.datetime) -> str | None:
    """The token's random part (the value one answer claims) if the server issued it for this survey
    within the last 30 days; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, binascii.Error):
        return None
    if len(raw) != 28 or not hmac.compare_digest(raw[16:], _respondent_mac(secret_key, survey_id, raw[:16])):
        return None
    issued = int.from_bytes(raw[12:16], "big")
    age = now.timestamp() - issued
    if age < -300 or age > RESPONDENT_TOKEN_DAYS * 86400:
        return None
    return raw[:12].hex()
