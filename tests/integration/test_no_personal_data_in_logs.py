"""Names, mobile numbers, ID numbers and query codes never reach the logs, whatever happens."""

from __future__ import annotations

import logging
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
