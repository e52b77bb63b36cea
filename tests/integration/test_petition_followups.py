"""After a reply, the petitioner rates it or asks for a review (复查) within 30 days."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from functions.domain.case import COLLECTION as PETITION
from functions.domain.case import Case
from functions.store.protocol import AuditEvent
from tests.integration.test_public_submissions import send_petition


def reply(ctx, reference: str, day: str) -> None:
    """What a handler's reply does to the case (the review workspace will do this through its own actions)."""
    record = ctx.store.get(PETITION, reference)
    due = (dt.date.fromisoformat(day) + dt.timedelta(days=30)).isoformat()
    data = {**record.data, "stage": "replied", "public_reply": {"text": "经核查，已责成整改。", "date": day},
            "deadlines": {"review_request": due}}
    ctx.store.update(dataclasses.replace(record, data=data), expected_version=record.version,
                     audit=AuditEvent(PETITION, reference, ctx.clock(), actor="test", action="replied"))


@pytest.fixture
def petition(api):
    client, ctx, clock = api
    receipt = send_petition(client).json()
    return client, ctx, clock, receipt["reference"], receipt["query_code"]


def post(client, path: str, body: dict):
    return client.post(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})


def test_a_petition_cannot_be_rated_before_it_is_answered(petition):
    client, _, _, ref, code = petition
    response = post(client, f"/api/petitions/{ref}/rating", {"query_code": code, "rating": "satisfied"})
    assert response.status_code == 409 and "收到答复后才能评价" in response.json()["message"]


def test_the_petitioner_rates_the_reply_and_the_tracking_page_shows_it(petition):
    client, ctx, _, ref, code = petition
    reply(ctx, ref, "2026-06-10")
    rated = post(client, f"/api/petitions/{ref}/rating", {"query_code": code, "rating": "basically_satisfied"})
    assert rated.status_code == 200 and rated.json()["rating"] == "basically_satisfied"
    status = client.get(f"/api/petitions/{ref}/status", headers={"X-Query-Code": code}).json()
    assert status["reply"]["text"] == "经核查，已责成整改。" and status["rating"] == "basically_satisfied"
    assert [e.action for e in ctx.store.audit_trail(PETITION, ref)] == ["submitted", "replied", "rate"]


def test_rating_needs_the_query_code(petition):
    client, ctx, _, ref, _ = petition
    reply(ctx, ref, "2026-06-10")
    response = post(client, f"/api/petitions/{ref}/rating", {"query_code": "2222-3333-4444", "rating": "dissatisfied"})
    assert response.status_code == 404
    assert Case.from_data(ctx.store.get(PETITION, ref).data).rating is None


@pytest.mark.parametrize("day, status", [("2026-07-10", 200), ("2026-07-11", 409)])
def test_a_review_may_be_requested_up_to_30_days_after_the_reply(petition, day, status):
    client, ctx, clock, ref, code = petition
    reply(ctx, ref, "2026-06-10")
    clock.set_day(day)
    response = post(client, f"/api/petitions/{ref}/review-request", {"query_code": code, "reason": "整改没有落实到位。"})
    assert response.status_code == status, response.text
    if status == 200:
        body = response.json()
        assert body["stage_label"] == "复查中"
        assert {"name": "review", "label": "复查答复", "date": "2026-08-09"} in body["deadlines"]
    else:
        assert "已过" in response.json()["message"]
        assert ctx.store.get(PETITION, ref).data["stage"] == "replied"


def test_a_review_cannot_be_requested_before_a_reply(petition):
    client, _, _, ref, code = petition
    response = post(client, f"/api/petitions/{ref}/review-request", {"query_code": code, "reason": "请尽快处理。"})
    assert response.status_code == 409
