"""The local server under concurrent load: nothing acknowledged is lost, nothing is stored twice."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from functions.domain.case import COLLECTION as PETITION
from tests.integration.test_public_submissions import PETITION_BODY
from tests.stored import stored


def test_ten_concurrent_replays_of_one_key_store_one_petition(live_server):
    base, (ctx, _) = live_server
    key = str(uuid.uuid4())

    def send(_):
        with httpx.Client(base_url=base, timeout=30) as client:
            return client.post("/api/petitions", json=PETITION_BODY, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(send, range(10)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["reference"] for r in responses}) == 1
    assert len({r.json()["query_code"] for r in responses}) == 1
    assert len(stored(ctx, PETITION, "130123")) == 1


def test_32_concurrent_clients_each_get_their_own_receipt_and_every_one_is_stored(live_server):
    base, (ctx, _) = live_server

    def send(i):
        body = {**PETITION_BODY, "subject": f"并发提交第{i}件"}
        with httpx.Client(base_url=base, timeout=30) as client:
            return [client.post("/api/petitions", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
                    for _ in range(3)]

    with ThreadPoolExecutor(32) as pool:
        responses = [r for batch in pool.map(send, range(32)) for r in batch]
    assert [r.status_code for r in responses] == [201] * 96
    references = {r.json()["reference"] for r in responses}
    kept = {record.key for record in stored(ctx, PETITION, "130123")}
    assert len(references) == 96 and references == kept
