"""A lost query code, recovered: the petitioner who opted in for SMS gives the reference and the mobile
number; a 6-digit one-time code goes to that mobile (valid 10 minutes, 5 tries); with it, a new query
code is issued and the old one stops working.

The first step answers the same whatever was asked (unknown reference, another mobile, no SMS
opt-in), so it tells nobody whether a case exists. Both steps are limited per reference and per
address. Only hashes of the one-time code are stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from functions.domain import codes
from functions.domain.case import COLLECTION, Recovery
from functions.domain.errors import InvalidSubmission, NotFoundError, RateLimited
from functions.domain.identity import validate_mobile
from functions.domain.notices import recovery_notice
from functions.store.protocol import AuditEvent, VersionConflict

from . import case_store
from .context import PortalContext
from .notifications import deliver, outbox_records, with_audit

RECOVERY = "recovery"
CODE_VALID = dt.timedelta(minutes=10)
MAX_TRIES = 5
LIMITS = {"reference": (3, 3600), "client": (10, 3600)}  # codes asked for, per hour
SENT = "如果受理编号和手机号码与登记的一致，且登记时选择了短信通知，验证码已发送到该手机，10 分钟内有效。"
WRONG = "验证码不正确或已过期，请重新获取"


def _digest(ctx: PortalContext, reference: str, code: str) -> str:
    return hmac.new(ctx.secret_key, f"recovery|{reference}|{code}".encode(), hashlib.sha256).hexdigest()


def _limit(ctx: PortalContext, name: str, who: str) -> None:
    count, seconds = LIMITS[name]
    now = ctx.clock()
    start = int(now.timestamp()) // seconds * seconds
    window = dt.datetime.fromtimestamp(start, dt.timezone.utc)
    if ctx.store.hit(f"recovery|{name}|{who}", window, window + dt.timedelta(seconds=2 * seconds)) > count:
        raise RateLimited("获取验证码的次数过多，请稍后再试", retry_after=start + seconds - int(now.timestamp()))


def request_code(ctx: PortalContext, reference: str, mobile: str, client: str) -> str:
    """Send a one-time code if reference, mobile and the SMS opt-in agree; the answer is the same anyway."""
    reference = codes.normalize_reference(reference)
    try:
        mobile = validate_mobile(mobile)
    except ValueError as exc:
        raise InvalidSubmission(str(exc), field="mobile") from None
    _limit(ctx, "client", client)
    _limit(ctx, "reference", hashlib.sha256(reference.encode()).hexdigest()[:32])
    stored = case_store.load(ctx, reference, notes=False)
    case = stored.case if stored else None
    if stored is None or case is None or case.notify != "sms" or not case.contact.mobile \
            or not hmac.compare_digest(case.contact.mobile, mobile):
        return SENT
    code = f"{secrets.randbelow(10**6):06d}"
    now = ctx.clock()
    new = case.model_copy(update={"recovery": Recovery(digest=_digest(ctx, reference, code), until=now + CODE_VALID)})
    messages = outbox_records(ctx, [recovery_notice(case, code)], reference, case.handling_unit, now)
    audit = AuditEvent(COLLECTION, reference, now, actor="public", action="recovery_code_sent", unit=case.handling_unit)
    try:
        case_store.save(ctx, stored, new, audit, with_audit(messages))
    except VersionConflict:
        return SENT  # the case just changed; asking again works
    deliver(ctx, messages)
    return SENT


def confirm_code(ctx: PortalContext, reference: str, code: str) -> str:
    """A new query code (shown once) for the right one-time code; the old query code stops working."""
    reference = codes.normalize_reference(reference)
    code = "".join(ch for ch in code if ch.isascii() and ch.isdigit())
    stored = case_store.load(ctx, reference, notes=False)
    case = stored.case if stored else None
    pending = case.recovery if case else None
    now = ctx.clock()
    if stored is None or case is None or pending is None or now > pending.until or pending.tries >= MAX_TRIES:
        raise NotFoundError(WRONG)
    if not hmac.compare_digest(pending.digest, _digest(ctx, reference, code)):
        tried = case.model_copy(update={"recovery": pending.model_copy(update={"tries": pending.tries + 1})})
        audit = AuditEvent(COLLECTION, reference, now, actor="public", action="recovery_code_wrong",
                           unit=case.handling_unit)
        try:
            case_store.save(ctx, stored, tried, audit)
        except VersionConflict:
            pass
        raise NotFoundError(WRONG)
    query_code = codes.new_query_code()
    renewed = case.model_copy(update={"recovery": None,
                                      "query_code_hash": codes.hash_query_code(query_code, ctx.secret_key)})
    audit = AuditEvent(COLLECTION, reference, now, actor="public", action="query_code_renewed", unit=case.handling_unit)
    try:
        case_store.save(ctx, stored, renewed, audit)
    except VersionConflict:
        raise NotFoundError(WRONG) from None
    return query_code

