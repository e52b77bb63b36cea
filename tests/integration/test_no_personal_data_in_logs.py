"""Names, mobile numbers, ID numbers and query codes never reach the logs, whatever happens."""

from __future__ import annotations

import logging
import re
import uuid

from tests.integration.test_public_submissions import PETITION_BODY

SECRETS = ("李四", "13912345678", "11010519491231002X")


def test_submitting_tracking_and_failing_leave_no_personal_data_in_any_log(api, caplog, capsys):
    client, _, _ = api
    caplog.set_level(logging.DEBUG)
    body = {**PETITION_BODY, "contact": {**PETITION_BODY["contact"], "id_number": "11010519491231002X"}}
    receipt = client.post("/api/petitions", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}).json()
    client.get(f"/api/petitions/{receipt['reference']}/status", headers={"X-Query-Code": receipt["query_code"]})
    client.get(f"/api/petitions/{receipt['reference']}/status", headers={"X-Query-Code": "2222-3333-4444"})
    client.post("/api/petitions", json={**body, "contact": {"name": "李四", "mobile": "139123456780"}},
                headers={"Idempotency-Key": str(uuid.uuid4())})
    client.post("/forms/petition", content="kind=suggestion&contact.name=%E6%9D%8E%E5%9B%9B&contact.mobile=13912345678",
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    captured = capsys.readouterr()
    logged = caplog.text + captured.out + captured.err
    for secret in (*SECRETS, receipt["query_code"]):
        assert secret not in logged


def test_a_case_worked_through_by_staff_and_followed_by_the_petitioner_leaves_nothing_personal_in_logs(
        portal_env, built_fixture, caplog, capsys):
    """Journeys 2 and 3 in one: the petitioner submits, tracks, rates and asks for 复查 on the page; the
    city accepts and assigns, the county reveals the contact, replies, exports the queue."""
    from functions.domain.access import Role
    from functions.services import accounts
    from portal.server import create_app
    from tests.integration.review_support import PASSWORD, Browser, version_of

    ctx, clock = portal_env
    caplog.set_level(logging.DEBUG)
    for name, unit, role in (("city", "130100", Role.approver), ("county", "130123", Role.approver)):
        accounts.add_staff(ctx.store, name, "审核员", unit, role, PASSWORD, "test", ctx.clock())
    app = create_app(built_fixture)
    public = Browser(app)
    body = {**PETITION_BODY, "unit": "130100", "contact": {"name": "李四", "mobile": "13912345678",
                                                           "id_number": "11010519491231002X", "email": "lisi@example.cn"}}
    receipt = public.post("/api/petitions", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}).json()
    ref, code = receipt["reference"], receipt["query_code"]
    sessions = []
    for name in ("city", "county"):
        staff = Browser(app)
        answer = staff.login(name)
        assert answer.status_code == 303
        sessions.append((staff, re.search(r"portal_session=([^;]*)", answer.headers["set-cookie"]).group(1)))
    (city, _), (county, _) = sessions

    def act(who, action, **fields):
        answer = who.submit(f"/review/cases/{ref}/action", {"action": action, "version": version_of(ctx, ref), **fields})
        assert answer.status_code == 303, answer.text

    act(city, "accept")
    act(city, "assign", target_unit="130123")
    assert "13912345678" in county.submit(f"/review/cases/{ref}/reveal", {}).text
    act(county, "start")
    act(county, "reply", reply="经核查，已按程序处理。")
    assert county.download("/review/export/cases.csv").status_code == 200
    tracked = public.post("/forms/track", data={"reference": ref, "query_code": code})
    assert "经核查，已按程序处理。" in tracked.text
    rated = public.post("/forms/track/rate", data={"reference": ref, "query_code": code, "rating": "dissatisfied"})
    assert "感谢您的评价" in rated.text
    reviewed = public.post("/forms/track/review", data={"reference": ref, "query_code": code,
                                                        "reason": "答复没有说明处理结果。"})
    assert "已转上一级单位办理" in reviewed.text
    captured = capsys.readouterr()
    logged = caplog.text + captured.out + captured.err
    assert logged.strip(), "the journey is logged at all (otherwise this test proves nothing)"
    for secret in ("李四", "13912345678", "11010519491231002X", "lisi@example.cn", code,
                   *(session for _, session in sessions)):
        assert secret not in logged
