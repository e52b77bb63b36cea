"""The public's forms in a real browser (Debian Chromium, JavaScript on, a 360 px phone screen)."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.blobs.protocol import ATTACHMENTS, INCOMING
from functions.domain.case import COLLECTION as PETITION
from functions.services.submissions import FEEDBACK
from tests.stored import stored, survey_counts

CHROMIUM = "/usr/bin/chromium"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def phone(live_server):
    from playwright.sync_api import sync_playwright

    base, portal = live_server
    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base).new_page()
        yield page, portal
        browser.close()


def fill_petition(page, mobile: str) -> None:
    page.goto("/petition/")
    page.get_by_label("建议意见").check()
    page.select_option("#f-unit", "130123")
    page.fill("#f-subject", "关于村级组织换届的建议")
    page.fill("#f-body", "建议在换届前公开候选人的基本情况，方便群众了解和监督。")
    page.fill("[id='f-contact.name']", "李四")
    page.fill("[id='f-contact.mobile']", mobile)


def test_a_citizen_on_a_phone_submits_a_petition_with_an_attachment_and_sees_the_code(phone):
    page, (ctx, _) = phone
    fill_petition(page, "13912345678")
    page.set_input_files("#f-attachments", files=[{"name": "照片.png", "mimeType": "image/png", "buffer": PNG}])
    page.click(".portal-form button[type=submit]")
    page.wait_for_selector(".portal-receipt")
    reference = page.inner_text("[data-reference]")
    assert page.inner_text("[data-query-code]").count("-") == 2
    assert "重新获取" in page.inner_text(".portal-receipt")
    record = ctx.store.get(PETITION, reference)
    [attachment] = record.data["attachments"]
    assert ctx.blobs.head(ATTACHMENTS + attachment) == (len(PNG), PNG[:16])  # kept, out of the expiring prefix
    assert ctx.blobs.head(INCOMING + attachment) is None
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_error_is_shown_beside_the_field_and_nothing_typed_is_lost(phone):
    page, (ctx, _) = phone
    fill_petition(page, "12345")
    page.click(".portal-form button[type=submit]")
    error = page.locator("[id='err-contact.mobile']")
    error.wait_for(state="visible")
    assert "11 位数字" in error.inner_text()
    assert page.get_attribute("[id='f-contact.mobile']", "aria-invalid") == "true"
    assert page.input_value("#f-body") == "建议在换届前公开候选人的基本情况，方便群众了解和监督。"
    assert stored(ctx, PETITION, "130123") == []
    page.fill("[id='f-contact.mobile']", "13912345678")
    page.click(".portal-form button[type=submit]")
    page.wait_for_selector(".portal-receipt")
    assert len(stored(ctx, PETITION, "130123")) == 1


def test_a_survey_question_appears_only_after_the_answer_it_depends_on(phone):
    page, (ctx, _) = phone
    page.goto("/surveys/manyidu/")
    reason = page.locator("[data-show-if='answers.role']")
    assert reason.is_hidden()
    page.get_by_label("党员").check()
    assert reason.is_visible()
    page.get_by_label("网站").check()
    page.locator("[name='answers.score'][value='5']").check()
    page.fill("[id='f-answers.reason']", "信息公开及时。")
    page.click(".portal-form button[type=submit]")
    page.wait_for_selector(".portal-receipt")
    counts = survey_counts(ctx, "manyidu")
    assert counts["role=党员"] == 1 and counts["score=5"] == 1 and counts["reason#answered"] == 1


def test_feedback_remembers_the_page_it_was_sent_from(phone):
    page, (ctx, _) = phone
    page.goto("/feedback/?page=/regulations/zuzhi-gongzuo-2015/")
    page.fill("#f-body", "第十二条的格式有误。")
    page.click(".portal-form button[type=submit]")
    page.wait_for_selector(".portal-receipt")
    [record] = stored(ctx, FEEDBACK, "130000")
    assert record.data["page"] == "/regulations/zuzhi-gongzuo-2015/"


def visible_numbers(page) -> list[str]:
    """The question numbers a screen reader announces (accessible names include generated content)."""
    import re

    snapshot = page.locator("form.portal-survey").aria_snapshot()
    return re.findall(r'(?:group|textbox|spinbutton) "(\d+)\. ', snapshot)


def test_survey_numbers_close_up_when_a_conditional_question_is_hidden(phone):
    page, _ = phone
    page.goto("/surveys/manyidu/")
    assert visible_numbers(page) == ["1", "2", "3", "4"]  # 请说明理由 is hidden
    page.get_by_label("党员").check()
    assert visible_numbers(page) == ["1", "2", "3", "4", "5"]


def test_an_inline_error_goes_away_once_the_field_is_corrected(phone):
    page, _ = phone
    fill_petition(page, "110")
    page.click(".portal-form button[type=submit]")
    error = page.locator("[id='err-contact.mobile']")
    error.wait_for(state="visible")
    page.fill("[id='f-contact.mobile']", "13912345678")
    assert error.is_hidden()
