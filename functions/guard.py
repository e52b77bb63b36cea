"""Checks every public write passes before routing: body size, content type, UTF-8, rate limits.

Run by the handlers ahead of the resolver so that oversize or garbled bodies never reach JSON
parsing, and so that limits apply the same to the JSON API and the HTML forms.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
from dataclasses import dataclass

from functions import origin
from functions.domain.errors import MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from functions.services import ratelimits
from functions.store.protocol import RateHit, Store

MAX_JSON_BYTES = 64 * 1024          # a 5,000-character petition escaped as \uXXXX is ~30 KB
MAX_FORM_BYTES = 64 * 1024
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    seconds: int


def _rules() -> tuple[Rule, ...]:
    """PORTAL_RATE_LIMITS="burst=10/10,sustained=60/3600" (count/seconds per client IP)."""
    spec = os.environ.get("PORTAL_RATE_LIMITS", "burst=10/10,sustained=60/3600")
    rules = []
    for part in filter(None, spec.split(",")):
        name, rate = part.split("=")
        limit, seconds = rate.split("/")
        rules.append(Rule(name.strip(), int(limit), int(seconds)))
    return tuple(rules)


def client_ip(event: dict) -> str:
    """The caller's address: behind CloudFront the viewer's (functions/origin.py), else the socket's."""
    return origin.viewer_address(event)


def rate_hits(event: dict, now: dt.datetime, scope: str = "write") -> tuple[RateHit, ...]:
    """One hit per rule for this request's address, in the rules' current windows."""
    ip = client_ip(event)
    return tuple(RateHit(f"{scope}|{rule.name}|{ip}", *ratelimits.window_of(now, rule.seconds), rule.limit)
                 for rule in _rules())


def check_rate(store: Store, event: dict, now: dt.datetime, scope: str = "write") -> None:
    """Count this request against every rule now (a commit of its own); 429 past a limit."""
    for hit in rate_hits(event, now, scope):
        if store.hit(hit.bucket, hit.window_start, hit.expires_at) > hit.limit:
            raise ratelimits.refused(hit, now)


def precheck_rate(store: Store, hits: tuple[RateHit, ...], now: dt.datetime) -> None:
    """429 if a limit is already used up, reading the counts only: the insert counts the hits."""
    for hit in hits:
        if store.hits(hit.bucket, hit.window_start) >= hit.limit:
            raise ratelimits.refused(hit, now)


# The doors that store a new submission with insert_once: their hits are counted by that insert.
_STORES_NEW = re.compile(r"/(api|forms)/(petitions|petition|feedback|consultations/[^/]+/comments"
                         r"|surveys/[^/]+/responses)")


def stores_new(event: dict) -> bool:
    http = event.get("requestContext", {}).get("http", {})
    return http.get("method") == "POST" and _STORES_NEW.fullmatch(event.get("rawPath", "")) is not None


def body_bytes(event: dict) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8", "surrogatepass")


def check_body(event: dict, accept_forms: bool | None = None) -> None:
    """Raise RequestRejected (413, 415, 400) unless the body can be read. HTML form bodies are
    accepted where `accept_forms` (default: paths under /forms/)."""
    method = event.get("requestContext", {}).get("http", {}).get("method", "GET")
    if method not in WRITE_METHODS:
        return
    raw = body_bytes(event)
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    ctype, _, parameters = headers.get("content-type", "").partition(";")
    ctype = ctype.strip().lower()
    charset = next((value.strip().strip('"').lower() for key, _, value in
                    (p.strip().partition("=") for p in parameters.split(";")) if key.strip().lower() == "charset"),
                   "utf-8")
    is_form = ctype in ("application/x-www-form-urlencoded", "multipart/form-data")
    limit = MAX_FORM_BYTES if is_form else MAX_JSON_BYTES
    if len(raw) > limit:
        raise PayloadTooLarge(f"提交的内容过大（上限 {limit // 1024} KB），请精简后再提交")
    if accept_forms is None:
        accept_forms = event.get("rawPath", "").startswith("/forms/")
    if ctype != "application/json" and not (is_form and accept_forms):
        raise UnsupportedMediaType("请以 JSON 格式提交（Content-Type: application/json）")
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType("请以 UTF-8 编码提交（charset=utf-8）")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("提交的内容不是有效的 UTF-8 文本") from None
    if ctype == "application/json":
        check_json(text)


MAX_DIGITS = 18    # no number the API takes is longer


def _number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise MalformedRequest(f"提交的数字位数过多（最多 {MAX_DIGITS} 位）")
    return int(text)


def check_json(text: str) -> None:
    """Refuse JSON that would crash a parser (nesting deep enough to exhaust the stack) or holds
    absurd numbers, before anything parses it for real. Malformed JSON passes here: the resolver
    answers it with its own 422."""
    try:
        json.loads(text, parse_int=_number, parse_constant=_not_a_number)
    except RecursionError:
        raise MalformedRequest("提交的内容嵌套层次过深，无法处理") from None
    except ValueError:
        pass  # malformed: the resolver's 422 says so


def _not_a_number(text: str) -> float:
    raise MalformedRequest("提交的内容含有无效的数字（NaN 或 Infinity）")
