"""What a petition writes: one transaction holding the petition and the address's rate-limit counts,
and the limit still holds exactly for petitions that arrive at the same time."""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from functions.domain.case import COLLECTION as PETITION
from functions.handlers import submissions as submissions_handler
from functions.local.asgi import LocalContext, to_event
from tests.stored import stored

PETITION_BODY = {"kind": "suggestion", "unit": "130123", "subject": "关于村级组织换届的建议",
                 "body": "建议在换届前公开候选人的基本情况，方便群众了解和监督。",
                 "contact": {"name": "李四", "mobile": "13912345678"}}


def petition_event(key: str | None = None, body: dict | None = None) -> dict:
    scope = {"type": "http", "method": "POST", "path": "/api/petitions", "client": ("203.0.113.9", 5000),
             "headers": [(b"content-type", b"application/json"),
                         (b"idempotency-key", (key or str(uuid.uuid4())).encode())]}
    return to_event(scope, json.dumps(body or PETITION_BODY, ensure_ascii=False).encode())


def send(event: dict) -> dict:
    return submissions_handler.handler(event, LocalContext("submissions", "t"))


def count_writes(ctx) -> list[int]:
    """Counts the Store's write transactions from now on."""
    writes = [0]
    original = ctx.store._write

    def counted():
        writes[0] += 1
        return original()

    ctx.store._write = counted
    return writes


def test_a_petition_is_stored_in_one_write_with_its_rate_limit_counts(portal_env):
    ctx, _ = portal_env
    writes = count_writes(ctx)
    answer = send(petition_event())
    assert answer["statusCode"] == 201
    assert writes == [1]
    assert len(stored(ctx, PETITION, "130123")) == 1


def test_petitions_sent_at_once_from_one_address_stop_exactly_at_the_limit(portal_env, monkeypatch):
    ctx, _ = portal_env
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=10/600,sustained=60/3600")
    start = threading.Barrier(16)

    def one(_: int) -> dict:
        event = petition_event()
        start.wait()
        return send(event)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(one, range(16)))
    assert sorted(a["statusCode"] for a in answers) == [201] * 10 + [429] * 6
    refused = [json.loads(a["body"])["message"] for a in answers if a["statusCode"] == 429]
    assert all(m.startswith("提交过于频繁，请 ") and m.endswith("秒后再试（已填写的内容不会丢失）") for m in refused)
    assert len(stored(ctx, PETITION, "130123")) == 10


def test_a_resent_petition_counts_against_the_limit_like_any_request(portal_env, monkeypatch):
    ctx, _ = portal_env
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=2/600")
    first = send(petition_event("resent-petition-0001"))
    again = send(petition_event("resent-petition-0001"))
    assert first["statusCode"] == again["statusCode"] == 201 and first["body"] == again["body"]
    third = send(petition_event())
    assert third["statusCode"] == 429
    assert len(stored(ctx, PETITION, "130123")) == 1
