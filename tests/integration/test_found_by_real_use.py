"""Defects a citizen, a member of staff and an attacker met using the running portal, each written
as what the person does and sees. Every test here failed before its fix."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from functions.domain.case import Case
from tests.integration.review_support import Browser, new_case, version_of
from tests.integration.test_review_casework import act, office  # noqa: F401 - the fixture


def case_of(ctx, ref) -> Case:
    return Case.from_data(ctx.store.get("petition", ref).data)


def test_a_case_page_shows_no_e_mail_address_in_full_before_the_audited_reveal(office):
    app, ctx, _, browser = office
    ref = new_case(Browser(app), contact={"name": "赵六", "mobile": "13800138000", "email": "zhaoliu@example.com"})
    handler = browser("city_handler")
    page = handler.get(f"/review/cases/{ref}").text
    assert "zhaoliu@example.com" not in page and "zh*****@example.com" in page and "赵*" in page
    assert "赵六" not in page
    revealed = handler.submit(f"/review/cases/{ref}/reveal", {}).text
    assert "zhaoliu@example.com" in revealed
    assert [e.action for e in ctx.store.audit_trail("petition", ref)][-1] == "contact_revealed"


def test_good_logins_do_not_lock_an_account(office):
    _, _, _, browser = office
    for _ in range(8):
        browser("city_handler")  # logs in successfully each time (asserted inside)


def test_someone_guessing_a_password_does_not_lock_out_the_real_user_elsewhere(office):
    app, ctx, _, browser = office
    attacker = Browser(app)
    for _ in range(6):
        attacker.login("city_handler", "wrong-password-123")
    locked = attacker.login("city_handler", "wrong-password-123")
    assert locked.status_code == 429 and "秒后再试" in locked.text
    real_user = Browser(app, address="198.51.100.7")  # at the office, another address
    assert real_user.login("city_handler").status_code == 303


def test_an_origin_of_another_scheme_is_refused(office):
    app, ctx, _, browser = office
    ref = new_case(Browser(app))
    city = browser("city_approver")
    fields = {"csrf": city.csrf(), "action": "accept", "version": version_of(ctx, ref)}
    refused = city.post(f"/review/cases/{ref}/action", fields, headers={"Origin": "evil://127.0.0.1"})
    assert refused.status_code == 403 and case_of(ctx, ref).stage.value == "registered"
    assert city.post(f"/review/cases/{ref}/action", fields,
                     headers={"Origin": "http://127.0.0.1"}).status_code == 303


def test_a_staff_reply_with_control_characters_is_refused_like_the_publics(office):
    app, ctx, _, browser = office
    ref = new_case(Browser(app))
    city = browser("city_approver")
    act(city, ctx, ref, "accept")
    act(city, ctx, ref, "start")
    refused = act(city, ctx, ref, "reply", reply="经核查\x00已处理\x1b[31m")
    assert refused.status_code == 422 and "控制字符" in refused.text
    assert case_of(ctx, ref).public_reply is None
    note = city.submit(f"/review/cases/{ref}/note", {"version": version_of(ctx, ref), "note": "内部\x07备注"})
    assert note.status_code == 422 and case_of(ctx, ref).notes == []


def test_staff_see_what_the_public_sent_the_review_reason_attachment_names_and_senders(office):
    app, ctx, clock, browser = office
    public = Browser(app)
    from functions.services.uploads import UploadIn, start_upload

    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40
    ticket = start_upload(ctx.blobs, UploadIn(filename="现场照片.png", content_type="image/png", size=len(png)),
                          clock())
    ctx.blobs.accept_upload(ticket.fields, png, clock())
    receipt = public.post("/api/petitions", json={
        "kind": "appeal", "unit": "130100", "subject": "低保评定不公开", "body": "村里低保名单没有公示，请核查评定过程。",
        "contact": {"name": "王五", "mobile": "13700137000"}, "attachments": [ticket.id],
        "attachment_names": {ticket.id: "现场照片.png"}}, headers={"Idempotency-Key": "a" * 20}).json()
    ref, code = receipt["reference"], receipt["query_code"]
    city = browser("city_approver")
    for action, fields in (("accept", {}), ("start", {}), ("reply", {"reply": "已核查。"})):
        act(city, ctx, ref, action, **fields)
    asked = public.post(f"/api/petitions/{ref}/review-request", json={"query_code": code, "reason": "公示期只有一天。"},
                        headers={"Idempotency-Key": "b" * 20})
    assert asked.status_code == 200, asked.text
    page = browser("province_auditor").get(f"/review/cases/{ref}").text
    assert "公示期只有一天。" in page and "现场照片.png" in page

    public.post("/api/feedback", json={"body": "首页字太小。", "contact": {"name": "钱七", "mobile": "13900139000"}},
                headers={"Idempotency-Key": "c" * 20})
    opinions = browser("province_auditor").get("/review/opinions").text
    assert "钱*" in opinions and "139****9000" in opinions and "13900139000" not in opinions
    exported = browser("province_auditor").download("/review/export/feedback.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["网站整体", "首页字太小。", "钱* · 139****9000"]
    cases = browser("province_auditor").download("/review/export/cases.csv")
    row = next(r for r in csv.reader(io.StringIO(cases.content.decode("utf-8-sig"))) if r[0] == ref)
    assert "公示期只有一天。" in row and "现场照片.png" in row


def test_every_time_staff_read_is_china_time_to_the_minute(office):
    app, ctx, clock, browser = office
    clock.now = dt.datetime(2026, 6, 1, 17, 30, tzinfo=dt.timezone.utc)  # 01:30 on 2 June in China
    ref = new_case(Browser(app))
    assert ref.startswith("XF260602-")
    city = browser("city_approver")
    city.submit(f"/review/cases/{ref}/lock", {"version": version_of(ctx, ref)})
    page = browser("city_handler").get(f"/review/cases/{ref}").text
    assert "登记：2026-06-02 01:30" in page and "至 01:45" in page and "UTC" not in page
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}", page)
    exported = city.download("/review/export/cases.csv").content.decode("utf-8-sig")
    assert "2026-06-02 01:30" in exported
    audit = browser("province_auditor").get("/review/audit").text
    assert "2026-06-02 01:30" in audit and "UTC" not in audit


def test_after_returning_a_case_the_handler_lands_on_the_queue_not_a_missing_page(office):
    app, ctx, _, browser = office
    ref = new_case(Browser(app))
    city = browser("city_approver")
    act(city, ctx, ref, "accept")
    act(city, ctx, ref, "assign", target_unit="130123")
    county = browser("county_handler")
    returned = act(county, ctx, ref, "return", reason="不属于本县职责。", confirm="yes")
    assert returned.status_code == 303 and returned.headers["location"].startswith("/review/cases")
    assert "没有这个页面" not in county.get(returned.headers["location"]).text
    assert case_of(ctx, ref).stage.value == "returned"


def test_the_survey_export_names_regions_not_codes(office):
    app, ctx, _, browser = office
    public = Browser(app)
    token = public.get("/api/surveys/manyidu/token").json()["token"]
    assert public.post("/api/surveys/manyidu/responses",
                       json={"respondent_token": token, "unit": "130123", "answers": {"role": "群众", "score": 4}},
                       headers={"Idempotency-Key": "d" * 20}).status_code == 201
    exported = browser("province_auditor").download("/review/export/surveys/manyidu.csv").content.decode("utf-8-sig")
    assert "正定县" in exported and "130123" not in exported


def test_the_adoption_report_written_after_midnight_in_china_is_dated_that_day(office, tmp_path, monkeypatch,
                                                                               built_fixture):
    import os

    from portal import staff_cli
    from portal.cli import main

    monkeypatch.setenv("PORTAL_STORE", os.environ["PORTAL_STORE"])
    # 17:30 UTC on 1 July is 01:30 on 2 July in China.
    monkeypatch.setattr(staff_cli, "_now", lambda: dt.datetime(2026, 7, 1, 17, 30, tzinfo=dt.timezone.utc))
    assert main(["consultation", "report", "jiandu-banfa", "--content", str(tmp_path), "--build", str(built_fixture)]) == 0
    report = (tmp_path / "reports" / "jiandu-banfa-adoption.md").read_text(encoding="utf-8")
    assert "截至2026年7月2日" in report
