"""The lists that find a case by its petitioner's name or mobile without keeping either in clear:
each case with a name (a mobile) is listed under an HMAC of it, keyed by the app's secret key
(`PortalContext.secret_key`, the key of the query codes), so the Store holds only keyed hashes and a
search computes the same hash and reads the one matching range.

A name is compared as written, without spaces (张 三 = 张三, full-width letters folded by NFKC); a mobile
by its 11 digits (+86, spaces and dashes dropped)."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from functions.domain.case import Case

BY_NAME, BY_MOBILE = "contact_name", "contact_mobile"
_NOT_DIGIT = re.compile(r"\D")


def name_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


def mobile_key(mobile: str) -> str:
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", mobile))
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def keyed(secret_key: bytes, listing: str, value: str) -> str:
    """The sort of a case in `listing` for this (normalised) value: hex, never the value."""
    return hmac.new(secret_key, f"{listing}|{value}".encode(), hashlib.sha256).hexdigest()


def sorts_of(case: Case, secret_key: bytes) -> list[tuple[str, str]]:
    """(listing, sort) for each contact list the case is in: none for an anonymous petition."""
    out = []
    if case.contact.name and name_key(case.contact.name):
        out.append((BY_NAME, keyed(secret_key, BY_NAME, name_key(case.contact.name))))
    if case.contact.mobile and mobile_key(case.contact.mobile):
        out.append((BY_MOBILE, keyed(secret_key, BY_MOBILE, mobile_key(case.contact.mobile))))
    return out
