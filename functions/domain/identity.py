"""Checks of personal identifiers the public types: mobile numbers and 居民身份证号 (GB 11643)."""

from __future__ import annotations

import datetime as dt
import re

MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_mobile(value: str) -> str:
    value = value.strip().replace(" ", "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    if not MOBILE.match(value):
        raise ValueError("手机号码应为 11 位数字，以 1 开头")
    return value


def validate_id_number(value: str) -> str:
    value = value.strip().upper()
    if not _ID.match(value):
        raise ValueError("居民身份证号应为 18 位，最后一位可以是数字或 X")
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValueError("居民身份证号中的出生日期无效") from None
    if born.year < 1900 or born > dt.date.today():
        raise ValueError("居民身份证号中的出生日期无效")
    if id_check_character(value[:17]) != value[17]:
        raise ValueError("居民身份证号校验位不正确，请核对")
    return value


def mask(value: str | None, keep_start: int = 3, keep_end: int = 4) -> str | None:
    """138****5678 — for pages and exports where the full value is not needed. A value too short to
    keep both ends keeps only its first character."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return value[0] + "*" * (len(value) - 1)
    tail = value[len(value) - keep_end:] if keep_end else ""  # value[-0:] would be the whole value
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + tail


def mask_email(value: str | None) -> str | None:
    """zh****@example.com: the first two characters of the mailbox (one if it is short), no more."""
    if not value:
        return value
    local, at, domain = value.rpartition("@")
    if not at:
        return mask(value, 1, 0)
    keep = 2 if len(local) > 3 else 1
    return local[:keep] + "*" * max(len(local) - keep, 3) + "@" + domain


def mask_name(value: str | None) -> str | None:
    """张** : the family name only."""
    if not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def masked_contact(name: str | None = None, mobile: str | None = None, email: str | None = None,
                   id_number: str | None = None) -> dict[str, str | None]:
    """How contact data is shown everywhere until an audited reveal: pages, exports, the outbox."""
    return {"name": mask_name(name), "mobile": mask(mobile), "email": mask_email(email),
            "id_number": mask(id_number, 3, 4)}
