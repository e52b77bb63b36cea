"""A member of the public sends petitions, feedback, comments and survey answers over HTTP."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from functions.domain.case import COLLECTION as PETITION
from functions.services.submissions import COMMENT, FEEDBACK
from functions.store.protocol import Record
from tests.stored import stored as stored_records
from tests.stored import survey_counts

PETITION_BODY = {"kind": "suggestion", "unit": "130123", "subject": "关于村级组织换届的建议",
                 "body": "建议在换届前公开候选人的基本情况，方便群众了解和监督。",
                 "contact": {"name": "李四", "mobile": "13912345678"}}


def key() -> str:
    return str(uuid.uuid4())


def send_petition(client, body=None, **headers):
    return client.post("/api/petitions", json=body or PETITION_BODY, headers={"Idempotency-Key": key(), **headers})


def stored(ctx, collection: str, unit: str) -> list[Record]:
    return stored_records(ctx, collection, unit)


# --- petitions -------------------------------------------------------------------------------

def test_a_citizen_submits_a_petition_and_gets_a_reference_and_a_query_code(api):
    client, ctx, _ = api
    response = send_petition(client)
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["reference"].startswith("XF260601-")
    assert len(receipt["query_code"].replace("-", "")) == 12
    assert "重新获取" in receipt["note"]
    assert receipt["stage_label"] == "已登记" and receipt["handling_unit"] == "正定县"
    [record] = stored(ctx, PETITION, "130123")
    assert record.data["contact"] == {"name": "李四", "mobile": "13912345678"}
    assert receipt["query_code"] not in repr(record.data)  # only its HMAC is stored


def test_the_status_shows_stage_unit_and_deadlines_but_no_personal_data(api):
    client, _, _ = api
    receipt = send_petition(client).json()
    status = client.get(f"/api/petitions/{receipt['reference']}/status", headers={"X-Query-Code": receipt["query_code"]})
    assert status.status_code == 200
    body = status.json()
    assert body["stage_label"] == "已登记"
    assert [d["date"] for d in body["deadlines"]] == ["2026-06-16", "2026-06-16"]
    for private in ("李四", "13912345678", "换届前公开", "query_code_hash"):
        assert private not in status.text


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(api):
    client, _, _ = api
    receipt = send_petition(client).json()
    wrong_code = client.get(f"/api/petitions/{receipt['reference']}/status", headers={"X-Query-Code": "2222-3333-4444"})
    unknown_ref = client.get("/api/petitions/XF260601-ZZZZZ/status", headers={"X-Query-Code": receipt["query_code"]})
    assert wrong_code.status_code == unknown_ref.status_code == 404
    assert wrong_code.text == unknown_ref.text
    assert "受理编号或查询码不正确" in wrong_code.text


def test_an_accusation_may_be_anonymous_but_a_suggestion_may_not(api):
    client, _, _ = api
    anonymous = {**PETITION_BODY, "contact": {}}
    assert send_petition(client, {**anonymous, "kind": "accusation"}).status_code == 201
    refused = send_petition(client, anonymous)
    assert refused.status_code == 422
    assert "姓名和手机号码" in refused.json()["message"]


def test_a_petition_to_a_unit_that_does_not_exist_is_refused(api):
    client, _, _ = api
    response = send_petition(client, {**PETITION_BODY, "unit": "999999"})
    assert response.status_code == 422 and "999999" in response.json()["message"]


# --- idempotency -----------------------------------------------------------------------------

def test_a_double_submit_returns_the_first_receipt_and_stores_one_petition(api):
    client, ctx, _ = api
    headers = {"Idempotency-Key": key()}
    first = client.post("/api/petitions", json=PETITION_BODY, headers=headers)
    second = client.post("/api/petitions", json=PETITION_BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert len(stored(ctx, PETITION, "130123")) == 1


def test_the_same_key_with_a_different_body_is_a_conflict(api):
    client, ctx, _ = api
    headers = {"Idempotency-Key": key()}
    assert client.post("/api/petitions", json=PETITION_BODY, headers=headers).status_code == 201
    changed = client.post("/api/petitions", json={**PETITION_BODY, "subject": "另一个标题"}, headers=headers)
    assert changed.status_code == 409 and "Idempotency-Key" in changed.json()["message"]
    assert len(stored(ctx, PETITION, "130123")) == 1


def test_a_malformed_idempotency_key_is_refused(api):
    client, _, _ = api
    response = client.post("/api/petitions", json=PETITION_BODY, headers={"Idempotency-Key": "short"})
    assert response.status_code == 422 and "Idempotency-Key" in response.json()["message"]


# --- feedback, comments, surveys ---------------------------------------------------------------

def test_feedback_about_a_page_is_received(api):
    client, ctx, _ = api
    response = client.post("/api/feedback", json={"page": "/regulations/zuzhi-gongzuo-2015/", "body": "第十二条的链接打不开。"},
                           headers={"Idempotency-Key": key()})
    assert response.status_code == 201
    [record] = stored(ctx, FEEDBACK, "130000")
    assert record.data["page"] == "/regulations/zuzhi-gongzuo-2015/"


def test_a_comment_on_an_article_is_accepted_while_the_window_is_open(api):
    client, ctx, clock = api
    response = client.post("/api/consultations/jiandu-banfa/comments", json={"article": "第二条", "body": "建议增加公开时限。"},
                           headers={"Idempotency-Key": key()})
    assert response.status_code == 201
    [record] = stored(ctx, COMMENT, "130000")
    assert record.data["article"] == "第二条"


@pytest.mark.parametrize("day, message", [("2026-07-01", "已于 2026-06-30 截止"), ("2026-04-30", "将于 2026-05-01 开始")])
def test_a_comment_outside_the_window_gets_a_clear_409(api, day, message):
    client, ctx, clock = api
    clock.set_day(day)
    response = client.post("/api/consultations/jiandu-banfa/comments", json={"body": "建议增加公开时限。"},
                           headers={"Idempotency-Key": key()})
    assert response.status_code == 409 and message in response.json()["message"]
    assert stored(ctx, COMMENT, "130000") == []


def test_the_window_closes_at_midnight_china_time(api):
    client, _, clock = api
    clock.now = dt.datetime(2026, 6, 30, 15, 59, tzinfo=dt.timezone.utc)  # 23:59 on the 30th in China
    ok = client.post("/api/consultations/jiandu-banfa/comments", json={"body": "最后一分钟的意见。"},
                     headers={"Idempotency-Key": key()})
    clock.now = dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.timezone.utc)  # 00:00 on 1 July in China
    late = client.post("/api/consultations/jiandu-banfa/comments", json={"body": "晚了一分钟的意见。"},
                       headers={"Idempotency-Key": key()})
    assert (ok.status_code, late.status_code) == (201, 409)


def test_a_comment_on_an_article_the_draft_does_not_have_is_refused(api):
    client, _, _ = api
    response = client.post("/api/consultations/jiandu-banfa/comments", json={"article": "第九条", "body": "意见内容。"},
                           headers={"Idempotency-Key": key()})
    assert response.status_code == 422 and "第九条" in response.json()["message"]


def survey_token(client) -> str:
    response = client.get("/api/surveys/manyidu/token")
    assert response.status_code == 200, response.text
    return response.json()["token"]


def survey_answer(token: str, **answers) -> dict:
    return {"respondent_token": token, "unit": "130100", "answers": answers or {"role": "党员", "score": 4, "reason": "很好"}}


def test_survey_answers_are_counted_and_one_respondent_answers_once(api):
    client, ctx, _ = api
    token = survey_token(client)
    first = client.post("/api/surveys/manyidu/responses", json=survey_answer(token), headers={"Idempotency-Key": key()})
    assert first.status_code == 201
    again = client.post("/api/surveys/manyidu/responses", json=survey_answer(token, role="群众", score=2),
                        headers={"Idempotency-Key": key()})
    assert again.status_code == 409
    counts = survey_counts(ctx, "manyidu", "130100")
    assert counts["#responses"] == 1 and counts["role=党员"] == 1 and counts["130100|score=4"] == 1
    assert "role=群众" not in counts


@pytest.mark.parametrize("answers, field", [({"role": "群众"}, "score"),
                                            ({"role": "群众", "score": 3, "reason": "不该答"}, "reason"),
                                            ({"role": "群众", "score": 9}, "score")])
def test_survey_answers_breaking_the_rules_are_refused_and_not_counted(api, answers, field):
    client, ctx, _ = api
    response = client.post("/api/surveys/manyidu/responses", json=survey_answer(survey_token(client), **answers),
                           headers={"Idempotency-Key": key()})
    assert response.status_code == 422 and f"answers.{field}" in response.json().get("errors", {})
    assert survey_counts(ctx, "manyidu") == {}


def test_a_closed_survey_takes_no_answers(api):
    client, _, clock = api
    token = survey_token(client)
    clock.set_day("2027-01-01")
    response = client.post("/api/surveys/manyidu/responses", json=survey_answer(token), headers={"Idempotency-Key": key()})
    assert response.status_code == 409 and "不能作答" in response.json()["message"]


def test_a_made_up_respondent_token_is_refused(api):
    client, ctx, _ = api
    response = client.post("/api/surveys/manyidu/responses", json=survey_answer("t" * 20), headers={"Idempotency-Key": key()})
    assert response.status_code == 422 and "刷新调查页面" in response.json()["message"]
    assert survey_counts(ctx, "manyidu") == {}


def test_fresh_tokens_from_one_address_are_limited(api):
    client, _, _ = api
    statuses = [client.get("/api/surveys/manyidu/token").status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
