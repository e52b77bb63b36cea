"""Idempotent writes of the public (`insert_once`): a replay of the same Idempotency-Key and body
gets the first request's result.

Each write is one Store.insert (record + audit event + idempotency claim + unique claims +
counters + the request's rate-limit hits, services/ratelimits.py), so a 2xx always means everything
was committed and an error means nothing was.
The result (what the use case returned, not an HTTP response: each door renders it its own way) can
hold a secret (a petition's query code), so it is stored encrypted with a key derived from the
Idempotency-Key itself, which only the client holds; the Store keeps only a hash of that key. A
leaked table therefore reveals no query codes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from functions.domain.errors import ConflictError, InvalidSubmission
from functions.store.protocol import (
    AlreadyExists,
    AuditEvent,
    CounterIncrement,
    IdempotencyClaim,
    IdempotentReplay,
    OverLimit,
    Part,
    Record,
    Store,
    UniqueClaim,
)

from . import ratelimits
from .context import PortalContext

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
TTL = dt.timedelta(hours=24)


@dataclass(frozen=True)
class IdempotentRequest:
    scope: str  # e.g. "POST /api/petitions"
    key: str    # the Idempotency-Key header as sent
    body: bytes

    def __post_init__(self) -> None:
        if not KEY_PATTERN.match(self.key):
            raise InvalidSubmission("Idempotency-Key 应为 16 至 128 位字母、数字、- 或 _（例如一个 UUID）",
                                    field="Idempotency-Key")

    @property
    def storage_key(self) -> str:
        return hashlib.sha256(f"{self.scope}|{self.key}".encode()).hexdigest()

    @property
    def request_hash(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def _aead(self) -> AESGCM:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=self.scope.encode(), info=b"portal idempotency")
        return AESGCM(hkdf.derive(self.key.encode()))

    def claim(self, result: dict[str, Any], now: dt.datetime) -> IdempotencyClaim:
        nonce = os.urandom(12)
        plain = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
        sealed = nonce + self._aead().encrypt(nonce, plain, self.storage_key.encode())
        return IdempotencyClaim(self.storage_key, self.request_hash, base64.b64encode(sealed).decode(), now + TTL)

    def replay(self, claim: IdempotencyClaim) -> dict[str, Any]:
        """The first request's result, or ConflictError if this key came with another body."""
        if claim.request_hash != self.request_hash:
            raise ConflictError("这个 Idempotency-Key 已经用于内容不同的提交；请刷新页面后重新提交")
        sealed = base64.b64decode(claim.result)
        result: dict[str, Any] = json.loads(self._aead().decrypt(sealed[:12], sealed[12:], self.storage_key.encode()))
        return result


def previous_result(store: Store, request: IdempotentRequest | None, now: dt.datetime) -> dict[str, Any] | None:
    if request is None:
        return None
    claim = store.get_idempotency(request.storage_key, now)
    return None if claim is None else request.replay(claim)


@dataclass(frozen=True)
class NewRecord:
    """What a use case stores once: the record, the result it answers with, the record's first parts and
    the counters it adds to."""

    record: Record
    result: dict[str, Any]
    parts: tuple[Part, ...] = ()
    counters: tuple[CounterIncrement, ...] = ()


def insert_once(ctx: PortalContext, make: Callable[[], NewRecord | tuple[Record, dict[str, Any]]],
                idem: IdempotentRequest | None, unique: Iterable[UniqueClaim] = (),
                counters: Iterable[CounterIncrement] = ()) -> dict[str, Any]:
    """Store what `make` builds once; a replay of the same request gets the first result. The result is
    what the caller answers with, whatever the door (JSON or a form)."""
    now = ctx.clock()
    replay = previous_result(ctx.store, idem, now)
    if replay is not None:
        return replay
    for _ in range(3):  # a fresh random key on the rare collision of generated keys
        made = make()
        new = made if isinstance(made, NewRecord) else NewRecord(*made)
        record, result = new.record, new.result
        audit = AuditEvent(record.collection, record.key, now, actor="public", action="submitted",
                           unit=record.unit, after={"stage": record.data.get("stage", "received")})
        hits = ratelimits.pending()  # the request's rate-limit hits, counted with the record
        try:
            ctx.store.insert(record, audit=audit, idempotency=idem.claim(result, now) if idem else None,
                             unique=tuple(unique), counters=tuple(counters) + new.counters, parts=new.parts,
                             hits=hits)
            ratelimits.settled()
            return result
        except OverLimit as exc:  # others from this address got in first
            ratelimits.settled()
            raise ratelimits.refused(next(h for h in hits if h.bucket == exc.bucket), now) from None
        except IdempotentReplay as exc:  # a concurrent request with the same key won the race
            assert idem is not None
            return idem.replay(exc.claim)
        except AlreadyExists as exc:
            if exc.what != "record":
                raise ConflictError("已经提交过，不能重复提交") from None
    raise ConflictError("系统繁忙，请稍后重试")
