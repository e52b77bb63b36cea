"""Staff work cases on time: the road from registration to closing, deadlines in working days,
conflicts that never overwrite, masked contact data, and public text that stays inert."""

from __future__ import annotations

import csv
import io
import re

import pytest

from functions.domain.access import Role
from functions.services import accounts
from tests.integration.review_support import PASSWORD, Browser, new_case, signed_in, version_of
from tests.stored import stored

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">点我</a>\u202e倒序'


@pytest.fixture
def office(portal_env, built_fixture):
    from portal.server import create_app

    ctx, clock = portal_env
    staff = {"city_approver": ("130100", Role.approver), "city_handler": ("130100", Role.handler),
             "county_handler": ("130123", Role.handler), "county_approver": ("130123", Role.approver),
             "province_auditor": ("130000", Role.auditor), "province_admin": ("130000", Role.admin)}
    for name, (unit, role) in staff.items():
        accounts.add_staff(ctx.store, name, name, unit, role, PASSWORD, "test", ctx.clock())
    app = create_app(built_fixture)

    def browser(name: str) -> Browser:
        return signed_in(app, name)

    return app, ctx, clock, browser


def act(browser, ctx, ref, action, **fields):
    return browser.submit(f"/review/cases/{ref}/action", {"action": action, "version": version_of(ctx, ref), **fields})


def test_a_case_travels_down_the_tree_and_back_to_the_petitioner(office):
    app, ctx, clock, browser = office
    public = Browser(app)
    receipt = public.post("/api/petitions", json={"kind": "appeal", "unit": "130100", "subject": "低保评定不公开",
                                                  "body": "村里低保名单没有公示，请核查评定过程。",
                                                  "contact": {"name": "王五", "mobile": "13700137000"}},
                          headers={"Idempotency-Key": "r" * 20}).json()
    ref, code = receipt["reference"], receipt["query_code"]
    city, county = browser("city_approver"), browser("county_handler")
    assert act(city, ctx, ref, "accept").status_code == 303
    assert act(city, ctx, ref, "assign", target_unit="130123").status_code == 303
    assert ref in county.get("/review/cases").text
    assert act(county, ctx, ref, "start").status_code == 303
    assert act(county, ctx, ref, "reply", reply="经核查，已责成村委会补充公示。").status_code == 303
    status = public.get(f"/api/petitions/{ref}/status", headers={"X-Query-Code": code}).json()
    assert status["stage_label"] == "已答复" and status["reply"]["text"] == "经核查，已责成村委会补充公示。"
    assert status["handling_unit"] == "正定县"
    assert act(browser("county_approver"), ctx, ref, "close", confirm="yes").status_code == 303
    actions = [e.action for e in ctx.store.audit_trail("petition", ref)]
    assert actions[:6] == ["submitted", "accept", "assign", "start", "reply", "close"]


def test_an_objection_deadline_counts_working_days_across_the_national_day_holiday(office):
    app, ctx, clock, browser = office
    clock.set_day("2026-09-30")
    ref = new_case(Browser(app))
    city = browser("city_approver")
    act(city, ctx, ref, "accept")
    act(city, ctx, ref, "assign", target_unit="130123")
    assert ctx.store.get("petition", ref).data["deadlines"]["object"] == "2026-10-13"  # 10 Oct is a make-up workday
    page = browser("county_handler").get(f"/review/cases/{ref}").text
    assert "非责任单位提出异议：2026-10-13（剩 5 个工作日）" in page


def test_a_deadline_after_a_make_up_saturday_and_the_due_soon_and_overdue_views(office):
    app, ctx, clock, browser = office
    clock.set_day("2026-02-13")
    ref = new_case(Browser(app))
    city = browser("city_approver")
    act(city, ctx, ref, "accept")
    act(city, ctx, ref, "assign", target_unit="130123")
    assert ctx.store.get("petition", ref).data["deadlines"]["object"] == "2026-02-27"
    clock.set_day("2026-02-25")  # 2 working days left (days later: sign in again)
    city = browser("city_approver")
    assert ref in city.get("/review/cases?view=due_soon").text and ref not in city.get("/review/cases?view=overdue").text
    clock.set_day("2026-03-02")
    city = browser("city_approver")
    overdue = city.get("/review/cases?view=overdue").text
    assert ref in overdue and "已超期 2 个工作日" in overdue  # Sat 28 Feb 2026 was a make-up workday


def test_a_stale_form_gets_a_conflict_message_not_an_overwrite(office):
    app, ctx, clock, browser = office
    ref = new_case(Browser(app))
    first, second = browser("city_approver"), browser("city_handler")
    stale = version_of(ctx, ref)
    assert first.submit(f"/review/cases/{ref}/note", {"version": stale, "note": "先到的备注"}).status_code == 303
    late = second.submit(f"/review/cases/{ref}/note", {"version": stale, "note": "后到的备注"})
    assert late.status_code == 409 and "已被他人修改" in late.text
    notes = [p.data["text"] for p in ctx.store.parts("petition", ref) if p.kind == "notes"]
    assert notes == ["先到的备注"]


def test_the_edit_lock_shows_who_is_working_and_stops_others(office):
    app, ctx, clock, browser = office
    ref = new_case(Browser(app))
    holder, other = browser("city_handler"), browser("city_approver")
    assert holder.submit(f"/review/cases/{ref}/lock", {"version": version_of(ctx, ref)}).status_code == 303
    page = other.get(f"/review/cases/{ref}").text
    assert "city_handler 正在处理" in page
    blocked = act(other, ctx, ref, "accept")
    assert blocked.status_code == 409 and "正在处理" in blocked.text
    assert ctx.store.get("petition", ref).data["stage"] == "registered"
    clock.now += __import__("datetime").timedelta(minutes=16)  # the lock lapses after 15 minutes
    assert act(other, ctx, ref, "accept").status_code == 303


def test_contact_data_is_masked_until_a_reveal_that_is_audited(office):
    app, ctx, clock, browser = office
    ref = new_case(Browser(app))
    handler = browser("city_handler")
    page = handler.get(f"/review/cases/{ref}").text
    assert "138****8000" in page and "13800138000" not in page and "110***********002X" in page
    revealed = handler.submit(f"/review/cases/{ref}/reveal", {})
    assert "13800138000" in revealed.text and "记入审计日志" in revealed.text
    events = [e for e in ctx.store.audit_trail("petition", ref) if e.action == "contact_revealed"]
    assert [e.actor for e in events] == ["city_handler"]
    assert "contact_revealed" in browser("province_auditor").get("/review/audit").text


def test_exports_neutralise_formulas_and_are_audited(office):
    app, ctx, clock, browser = office
    ref = new_case(Browser(app), subject='=HYPERLINK("http://evil.example","点击")')
    response = browser("city_approver").download("/review/export/cases.csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == ref)
    assert row[2].startswith("'=HYPERLINK")
    assert "export_cases" in browser("province_auditor").get("/review/audit").text


def test_hostile_text_from_the_public_is_inert_on_every_review_page(office):
    app, ctx, clock, browser = office
    public = Browser(app)
    ref = new_case(public, subject=HOSTILE[:100], body=HOSTILE + "足够长的正文。",
                   contact={"name": HOSTILE[:50], "mobile": "13800138000"})
    public.post("/api/feedback", json={"body": HOSTILE, "page": "/"}, headers={"Idempotency-Key": "h" * 20})
    public.post("/api/consultations/jiandu-banfa/comments", json={"body": HOSTILE, "article": "第一条"},
                headers={"Idempotency-Key": "c" * 20})
    handler = browser("city_handler")
    handler.submit(f"/review/cases/{ref}/note", {"version": version_of(ctx, ref), "note": HOSTILE})
    pages = {name: b.get(path).text for name, b, path in (
        ("dashboard", handler, "/review/"), ("queue", handler, "/review/cases"), ("case", handler, f"/review/cases/{ref}"),
        ("opinions (province)", browser("province_auditor"), "/review/opinions"),
        ("audit", browser("province_auditor"), "/review/audit"))}
    pages["reveal"] = handler.submit(f"/review/cases/{ref}/reveal", {}).text
    for name, html in pages.items():
        assert "<script>alert" not in html, name
        assert not re.search(r"<img[^>]*onerror", html), name
        assert 'href="javascript:' not in html, name
        assert "\u202e" not in html, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["case"] and "[U+202E]" in pages["case"]
    assert "&lt;script&gt;" in pages["opinions (province)"]


def test_feedback_and_comments_are_marked_adopted_or_not_with_a_reason(office):
    app, ctx, clock, browser = office
    public = Browser(app)
    public.post("/api/consultations/jiandu-banfa/comments", json={"body": "建议明确公开时限。", "article": "第二条"},
                headers={"Idempotency-Key": "d" * 20})
    [comment] = stored(ctx, "comment", "130000")
    province = Browser(app)
    accounts.add_staff(ctx.store, "province_handler", "省办理员", "130000", Role.handler, PASSWORD, "test", ctx.clock())
    province.login("province_handler")
    page = province.get("/review/opinions").text
    assert "第二条" in page and "建议明确公开时限" in page
    missing = province.submit(f"/review/opinions/comment/{comment.key}/decision",
                              {"decision": "adopted", "reason": "", "version": comment.version})
    assert missing.status_code == 422
    done = province.submit(f"/review/opinions/comment/{comment.key}/decision",
                           {"decision": "adopted", "reason": "已在修改稿中增加时限。", "version": comment.version})
    assert done.status_code == 303
    assert ctx.store.get("comment", comment.key).data["decision"] == "adopted"
    city = browser("city_handler")
    assert city.submit(f"/review/opinions/comment/{comment.key}/decision",
                       {"decision": "rejected", "reason": "越权", "version": comment.version + 1}).status_code == 404


def test_survey_results_show_counts_percentages_and_a_chart_while_it_runs(office):
    app, ctx, clock, browser = office
    public = Browser(app)
    for i, role in enumerate(("党员", "党员", "群众")):
        token = public.get("/api/surveys/manyidu/token").json()["token"]
        public.post("/api/surveys/manyidu/responses", json={"respondent_token": token, "unit": "130100",
                                                            "answers": {"role": role, "score": 4}},
                    headers={"Idempotency-Key": f"s{i:020d}"})
    accounts.add_staff(ctx.store, "province_viewer", "省审计员", "130000", Role.auditor, PASSWORD, "test", ctx.clock())
    viewer = Browser(app)
    viewer.login("province_viewer")
    page = viewer.get("/review/surveys/manyidu").text
    assert "共 3 份答卷" in page and "<svg" in page and "66.7%" in page and "33.3%" in page
    by_unit = viewer.get("/review/surveys/manyidu?unit=130100").text
    assert "石家庄市" in by_unit and "共 3 份答卷" in by_unit


def test_the_consultation_report_command_writes_markdown_for_editors(office, tmp_path, monkeypatch, built_fixture):
    from portal.cli import main

    app, ctx, clock, browser = office
    Browser(app).post("/api/consultations/jiandu-banfa/comments", json={"body": "建议增加监督条款。联系我 13800138000",
                                                                        "name": "赵六"},
                      headers={"Idempotency-Key": "e" * 20})
    monkeypatch.setenv("PORTAL_STORE", ctx.store_url if hasattr(ctx, "store_url") else __import__("os").environ["PORTAL_STORE"])
    assert main(["consultation", "report", "jiandu-banfa", "--content", str(tmp_path), "--build", str(built_fixture)]) == 0
    report = (tmp_path / "reports" / "jiandu-banfa-adoption.md").read_text(encoding="utf-8")
    assert "建议增加监督条款" in report and "未处理" in report
    assert "赵六" not in report and "13800138000" not in report


def test_attachments_open_through_short_lived_links_and_each_opening_is_audited(office):
    app, ctx, clock, browser = office
    from functions.services.uploads import UploadIn, start_upload

    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40
    ticket = start_upload(ctx.blobs, UploadIn(filename="现场.png", content_type="image/png", size=len(png)), clock()).model_dump()
    ctx.blobs.accept_upload(ticket["fields"], png, clock())
    ref = new_case(Browser(app), attachments=[ticket["id"]])
    handler = browser("city_handler")
    link = handler.get(f"/review/cases/{ref}/attachments/{ticket['id']}")
    assert link.status_code == 303
    url = link.headers["location"]
    assert "expires=" in url and "signature=" in url
    opened = handler.get(url)
    assert opened.status_code == 200 and opened.content == png and opened.headers["content-type"] == "image/png"
    assert any(e.action == "attachment_opened" for e in ctx.store.audit_trail("petition", ref))
    assert handler.get(url.replace("signature=", "signature=0")).status_code == 403
    clock.now += __import__("datetime").timedelta(minutes=6)
    assert Browser(app).get(url).status_code == 403  # the link has expired
    outsider = Browser(app)
    accounts.add_staff(ctx.store, "baoding_handler", "保定", "130600", Role.handler, PASSWORD, "test", ctx.clock())
    outsider.login("baoding_handler")
    assert outsider.get(f"/review/cases/{ref}/attachments/{ticket['id']}").status_code == 404


def test_the_queue_filters_by_stage_and_the_dashboard_links_to_it(office):
    app, ctx, clock, browser = office
    public = Browser(app)
    waiting, accepted = new_case(public), new_case(public)
    city = browser("city_approver")
    act(city, ctx, accepted, "accept")
    page = city.get("/review/cases?stage=accepted").text
    assert accepted in page and waiting not in page and "已受理" in page
    assert 'href="/review/cases?unit=130100&amp;stage=accepted"' in city.get("/review/").text
    assert waiting in city.get("/review/cases?stage=bogus").text  # an unknown stage is ignored, not an error
