"""Whole journeys in real Chromium on a 360 px phone, each written as its person's story, against the
running local server (uvicorn on 127.0.0.1, the fixture site, a fresh SQLite store).

1 a reader finds a regulation (test_search_journey.py), 2 a citizen's petition from the form to
复查, 3 staff working the case down the tree, 4 a survey, 5 a consultation comment, 6 every public
form without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from functions.domain.access import Role
from functions.domain.case import COLLECTION, Case
from functions.services import accounts, surveys
from tests.integration.review_support import PASSWORD
from tests.stored import stored

CHROMIUM = "/usr/bin/chromium"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STAFF = {"city_approver": ("130100", Role.approver), "county_handler": ("130123", Role.handler),
         "sibling_handler": ("130602", Role.handler)}


@pytest.fixture
def browser(live_server):
    from playwright.sync_api import sync_playwright

    base, portal = live_server
    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])

        def phone(javascript: bool = True):
            return chromium.new_context(viewport={"width": 360, "height": 740}, base_url=base,
                                        java_script_enabled=javascript).new_page()

        yield phone, portal
        chromium.close()


def sign_in(page, username: str) -> None:
    page.goto("/review/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def staff_action(page, reference: str, action: str, **fields) -> None:
    page.goto(f"/review/cases/{reference}")
    form = page.locator(f"form.action:has(input[name=action][value={action}])")
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        if target.evaluate("el => el.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()


def test_a_citizen_petitions_with_a_photo_follows_it_rates_the_reply_and_asks_for_a_review(browser, tmp_path):
    phone, (ctx, clock) = browser
    for name, (unit, role) in STAFF.items():
        accounts.add_staff(ctx.store, name, name, unit, role, PASSWORD, "test", ctx.clock())
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)

    citizen = phone()
    citizen.goto("/petition/")
    citizen.get_by_label("申诉求决").check()
    citizen.select_option("#f-unit", "130100")
    citizen.fill("#f-subject", "村里低保名单没有公示")
    citizen.fill("#f-body", "村里今年的低保名单没有张榜公示，群众不知道评定的依据，请上级核查。")
    citizen.fill("[id='f-contact.name']", "王五")
    citizen.fill("[id='f-contact.mobile']", "13700137000")
    citizen.get_by_label("短信通知").check()
    citizen.set_input_files("#f-attachments", str(photo))
    citizen.click(".portal-form button[type=submit]")
    citizen.wait_for_selector(".portal-receipt")
    reference = citizen.inner_text("[data-reference]")
    code = citizen.inner_text("[data-query-code]")

    office = phone()
    sign_in(office, "city_approver")
    staff_action(office, reference, "accept")
    staff_action(office, reference, "start")
    office.goto(f"/review/cases/{reference}")
    assert "现场照片.png" in office.content()
    staff_action(office, reference, "reply", reply="经核查，已责成村委会补充公示。")

    citizen.goto("/petition/track/")
    citizen.fill("#f-reference", reference)
    citizen.fill("#f-query_code", code)
    citizen.click("form.portal-form button[type=submit]")
    assert "经核查，已责成村委会补充公示。" in citizen.inner_text(".portal-reply")
    citizen.get_by_label("不满意").check()
    citizen.click("form[action='/forms/track/rate'] button[type=submit]")
    citizen.fill("#f-reason-request_review", "公示只贴了一天。")
    citizen.click("form[action='/forms/track/review'] button[type=submit]")
    receipt = citizen.inner_text(".portal-receipt")
    assert "复查中" in receipt and "河北省" in receipt  # the parent of 石家庄市, which replied

    case = Case.from_data(ctx.store.get(COLLECTION, reference).data)
    assert case.handling_unit == "130000" and case.attachment_names
    sent = [p.read_text(encoding="utf-8") for p in (Path(ctx.store.path).parent / "outbox").glob("*.json")] \
        if (Path(ctx.store.path).parent / "outbox").exists() else []
    assert len(sent) == 2 and all(code not in text for text in sent)  # 受理 and 答复, no query code


def test_a_city_assigns_a_case_the_county_sees_it_nearly_late_and_replies_and_the_sibling_never_sees_it(browser):
    phone, (ctx, clock) = browser
    for name, (unit, role) in STAFF.items():
        accounts.add_staff(ctx.store, name, name, unit, role, PASSWORD, "test", ctx.clock())
    citizen = phone()
    citizen.goto("/petition/")
    citizen.get_by_label("建议意见").check()
    citizen.select_option("#f-unit", "130100")
    citizen.fill("#f-subject", "建议增加社区党员活动场所")
    citizen.fill("#f-body", "社区党员活动室太小，建议利用闲置房屋扩大活动场所。")
    citizen.fill("[id='f-contact.name']", "李四")
    citizen.fill("[id='f-contact.mobile']", "13912345678")
    citizen.click(".portal-form button[type=submit]")
    citizen.wait_for_selector(".portal-receipt")
    reference = citizen.inner_text("[data-reference]")

    city = phone()
    sign_in(city, "city_approver")
    staff_action(city, reference, "accept")
    staff_action(city, reference, "assign", target_unit="130123")
    county = phone()
    sign_in(county, "county_handler")
    staff_action(county, reference, "start")
    clock.now = dt.datetime(2026, 7, 29, 1, 0, tzinfo=dt.timezone.utc)  # 2 working days before the deadline
    sign_in(county, "county_handler")  # the next morning's session
    county.goto("/review/cases?view=due_soon")
    assert reference in county.content()
    staff_action(county, reference, "reply", reply="已协调闲置房屋作为党员活动室。")
    assert Case.from_data(ctx.store.get(COLLECTION, reference).data).stage.value == "replied"

    sibling = phone()
    sign_in(sibling, "sibling_handler")
    for url in ("/review/cases", "/review/cases?view=due_soon", "/review/"):
        sibling.goto(url)
        assert reference not in sibling.content()
    sibling.goto(f"/review/cases/{reference}")
    assert "不在您的工作范围内" in sibling.content()


def test_two_people_answer_a_survey_a_repeat_is_refused_and_the_results_count_both(browser):
    phone, (ctx, clock) = browser
    for who, (role, score) in enumerate((("群众", "4"), ("党员", "5"))):
        page = phone()
        page.goto("/surveys/manyidu/")
        page.get_by_label(role, exact=True).check()
        page.locator(f"[name='answers.score'][value='{score}']").check()
        if role == "党员":
            page.fill("[id='f-answers.reason']", "公开及时。")
        page.click(".portal-form button[type=submit]")
        page.wait_for_selector(".portal-receipt")
        if who == 1:  # the same person again, in the same browser
            page.goto("/surveys/manyidu/")
            page.get_by_label("群众", exact=True).check()
            page.locator("[name='answers.score'][value='1']").check()
            page.click(".portal-form button[type=submit]")
            page.wait_for_selector("[data-summary]:not([hidden])")
            assert "已经提交过" in page.inner_text("[data-summary]")
    counts = surveys.counters_of(ctx, "manyidu", ctx.registry.surveys["manyidu"])
    assert counts["#responses"] == 2 and counts["score=4"] == 1 and counts["score=5"] == 1
    accounts.add_staff(ctx.store, "auditor", "审计员", "130000", Role.auditor, PASSWORD, "test", ctx.clock())
    office = phone()
    sign_in(office, "auditor")
    office.goto("/review/surveys/manyidu")
    assert "共 2 份答卷" in office.content()


def test_a_comment_on_article_three_is_taken_while_the_draft_is_open_and_refused_after(browser):
    phone, (ctx, clock) = browser
    page = phone()
    page.goto("/consultations/jiandu-banfa/")
    page.select_option("#f-article", "第三条")
    page.fill("#f-body", "建议写明决议公开的时限。")
    page.click(".portal-form button[type=submit]")
    page.wait_for_selector(".portal-receipt")
    [comment] = stored(ctx, "comment", "130000")
    assert comment.data["article"] == "第三条"
    clock.set_day("2026-07-01")  # the draft closed on 30 June
    later = phone()
    later.goto("/consultations/jiandu-banfa/")
    later.select_option("#f-article", "第三条")
    later.fill("#f-body", "迟到的意见。")
    later.click(".portal-form button[type=submit]")
    later.wait_for_selector("[data-summary]:not([hidden])")
    assert "已于 2026-06-30 截止" in later.inner_text("[data-summary]")
    assert len(stored(ctx, "comment", "130000")) == 1


def test_every_public_form_works_without_javascript(browser):
    phone, (ctx, clock) = browser
    page = phone(javascript=False)
    page.goto("/petition/")
    page.get_by_label("建议意见").check()
    page.select_option("#f-unit", "130123")
    page.fill("#f-subject", "关于村务公开的建议")
    page.fill("#f-body", "建议村务公开栏每月更新一次，并公开联系电话。")
    page.fill("[id='f-contact.name']", "赵六")
    page.fill("[id='f-contact.mobile']", "13800138000")
    page.click(".portal-form button[type=submit]")
    assert page.locator("[data-reference]").count() == 1, page.inner_text("main")[:800]
    reference, code = page.inner_text("[data-reference]"), page.inner_text("[data-query-code]")
    assert re.match(r"XF\d{6}-[A-Z0-9]{5}$", reference)

    page.goto("/petition/track/")
    page.fill("#f-reference", reference)
    page.fill("#f-query_code", code)
    page.click("form.portal-form button[type=submit]")
    assert "已登记" in page.inner_text(".portal-receipt")

    page.goto("/feedback/")
    page.fill("#f-body", "首页字太小，老年人看不清。")
    page.click(".portal-form button[type=submit]")
    assert "感谢" in page.content()

    page.goto("/consultations/jiandu-banfa/")
    page.fill("#f-body", "建议增加监督条款。")
    page.click(".portal-form button[type=submit]")
    assert "感谢" in page.content()

    page.goto("/surveys/manyidu/")
    page.get_by_label("群众", exact=True).check()
    page.locator("[name='answers.score'][value='3']").check()
    page.click(".portal-form button[type=submit]")
    assert "尚未提交" in page.content()  # the token is handed out with every answer kept
    page.click(".portal-form button[type=submit]")
    assert "感谢您参与本次网络调查" in page.content()

    page.goto("/mailboxes/shengwei-shuji/")
    page.get_by_label("咨询").check()
    page.fill("#f-subject", "咨询党员组织关系转接")
    page.fill("#f-body", "外出务工党员的组织关系如何转接？")
    page.fill("[id='f-contact.name']", "钱七")
    page.fill("[id='f-contact.mobile']", "13600136000")
    page.click(".portal-form button[type=submit]")
    assert page.locator("[data-reference]").count() == 1, page.inner_text("article")[:800]
    assert page.inner_text("[data-reference]").startswith("XF")

    assert [r.unit for r in stored(ctx, COLLECTION, "130123")] == ["130123"]
    assert len(stored(ctx, "feedback", "130000")) == 1
    assert len(stored(ctx, "comment", "130000")) == 1
    assert ctx.store.counters("survey:manyidu")["#responses"] == 1
    assert [r.unit for r in stored(ctx, COLLECTION, "130000")].count("130000") == 1  # the letter to the mailbox
