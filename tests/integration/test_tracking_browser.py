"""The tracking page in Chromium on a phone, with JavaScript on and off: the petitioner looks the
case up, reads its history, rates the reply and asks for 复查, which goes one level up."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.domain.access import Role
from functions.domain.case import COLLECTION
from functions.domain.petitions import PetitionIn
from functions.domain.transitions import ActionInput
from functions.services import casework, petitions
from functions.services.accounts import Staff

CHROMIUM = "/usr/bin/chromium"


def replied_case(ctx, clock) -> tuple[str, str]:
    receipt = petitions.submit_petition(ctx, PetitionIn.model_validate({
        "kind": "appeal", "unit": "130100", "subject": "低保评定不公开", "body": "村里低保名单没有公示，请核查评定过程。",
        "contact": {"name": "王五", "mobile": "13700137000"}}))
    city, county = Staff("c", "市审核员", "130100", Role.approver), Staff("h", "县办理员", "130123", Role.handler)
    for staff, action, inputs in ((city, "accept", {}), (city, "assign", {"target_unit": "130123"}),
                                  (county, "start", {}), (county, "reply", {"reply": "已责成村委会补充公示。"})):
        version = ctx.store.get(COLLECTION, receipt.reference).version
        casework.act(ctx, staff, receipt.reference, action, version, ActionInput(**inputs))
    return receipt.reference, receipt.query_code


@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
def phone(request, live_server):
    from playwright.sync_api import sync_playwright

    base, portal = live_server
    assert Path(CHROMIUM).exists()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base,
                                      java_script_enabled=request.param)
        yield context.new_page(), portal
        browser.close()


def test_a_petitioner_follows_the_case_rates_it_and_asks_for_a_review(phone):
    page, (ctx, clock) = phone
    reference, code = replied_case(ctx, clock)
    page.goto("/petition/track/")
    page.fill("#f-reference", reference)
    page.fill("#f-query_code", code)
    page.click("form.portal-form button[type=submit]")
    steps = page.locator(".portal-steps li").all_inner_texts()
    assert [s.split(" ", 2)[2].split("（")[0].split("\u3000")[0] for s in steps] == \
        ["登记", "受理", "交办下级", "开始办理", "答复"]
    assert "已责成村委会补充公示。" in page.inner_text(".portal-reply")

    page.get_by_label("不满意").check()
    page.fill("#f-comment", "公示时间太短。")
    page.click("form[action='/forms/track/rate'] button[type=submit]")
    assert "感谢您的评价" in page.inner_text(".portal-notice")
    assert "您对这次答复的评价：不满意" in page.content()

    page.fill("#f-reason-request_review", "公示只贴了一天就撕掉了。")
    page.click("form[action='/forms/track/review'] button[type=submit]")
    assert "已转上一级单位办理" in page.inner_text(".portal-notice")
    receipt = page.inner_text(".portal-receipt")
    assert "复查中" in receipt and "石家庄市" in receipt  # the parent of 正定县, which replied
    assert page.locator("form[action='/forms/track/rate']").count() == 0
