"""Regulations and drafts in a real browser (Debian Chromium): the version chain, citation links,
复制本条链接 with and without JavaScript, printing, and a closed draft's results."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE, DESKTOP = {"width": 360, "height": 740}, {"width": 1280, "height": 900}


@pytest.fixture
def browser(live_server):
    from playwright.sync_api import sync_playwright

    base, _ = live_server
    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def open_page(viewport=DESKTOP, javascript=True, clipboard=False):
            context = chromium.new_context(viewport=viewport, base_url=base, java_script_enabled=javascript)
            if clipboard:
                context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
            return context.new_page()

        yield open_page, base
        chromium.close()


def chain(page) -> list[str]:
    return [text.strip() for text in page.locator(".portal-chain > li").all_inner_texts()]


def test_a_reader_of_an_old_version_is_sent_to_the_version_in_force_and_sees_the_same_chain_there(browser):
    open_page, _ = browser
    page = open_page()
    page.goto("/regulations/zuzhi-gongzuo-2015/")
    notice = page.locator(".portal-superseded")
    assert notice.inner_text() == "本文件已修改。现行有效版本：基层组织工作规定（2020年修订）（2020年6月1日起施行）"
    assert notice.bounding_box()["y"] < page.locator(".portal-metadata").bounding_box()["y"]
    old_chain = chain(page)
    assert [line.split("\n")[0] for line in old_chain] == [
        "基层组织工作规定（本文件） 已修改", "基层组织工作规定（2020年修订） 有效", "基层组织工作规定（2026年修订） 尚未生效"]
    notice.get_by_role("link").click()
    page.wait_for_url("**/regulations/zuzhi-gongzuo-2020/")
    assert page.locator("h1").inner_text() == "基层组织工作规定（2020年修订）"
    assert [line.split("\n")[0] for line in chain(page)] == [
        "基层组织工作规定 已修改", "基层组织工作规定（2020年修订）（本文件） 有效", "基层组织工作规定（2026年修订） 尚未生效"]
    assert "新版本基层组织工作规定（2026年修订）将于2026年7月1日起施行" in page.locator(".portal-upcoming").inner_text()
    page.locator(".portal-chain").get_by_role("link", name="基层组织工作规定（2026年修订）").click()
    page.wait_for_url("**/regulations/zuzhi-gongzuo-2026/")
    assert page.locator(".portal-chain li[aria-current=page]").inner_text().startswith("基层组织工作规定（2026年修订）（本文件）")


def test_a_citation_opens_the_cited_regulation_at_the_cited_article(browser):
    open_page, _ = browser
    page = open_page(PHONE)
    page.goto("/regulations/zuzhi-gongzuo-2020/")
    page.get_by_role("link", name="《基层组织工作规定》第十二条").click()
    page.wait_for_url("**/regulations/zuzhi-gongzuo-2015/#%E7%AC%AC%E5%8D%81%E4%BA%8C%E6%9D%A1")
    target = page.locator("[id='第十二条']")
    assert page.evaluate("decodeURIComponent(location.hash)") == "#第十二条"
    box = target.bounding_box()
    assert 0 <= box["y"] < PHONE["height"]  # scrolled to the article
    page.go_back()
    page.get_by_role("link", name="本规定第二条").click()
    assert page.evaluate("decodeURIComponent(location.hash)") == "#第二条"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_citation_of_a_document_outside_the_portal_is_plain_text(browser):
    open_page, _ = browser
    page = open_page()
    page.goto("/regulations/jiguan-banfa-2021/")
    paragraph = page.locator("p", has_text="中国共产党党员教育管理工作条例")
    assert paragraph.locator("a.portal-citation").all_inner_texts() == ["本办法第一条", "《机关党建工作办法》"]


def test_copy_this_article_link_puts_the_articles_address_on_the_clipboard(browser):
    open_page, base = browser
    page = open_page(clipboard=True)
    page.goto("/regulations/zuzhi-gongzuo-2015/")
    link = page.get_by_role("link", name="复制本条链接（第十二条）")
    assert link.is_visible()
    link.click()
    page.wait_for_function("document.querySelector(\"[aria-label='复制本条链接（第十二条）']\").textContent === '已复制'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == base + "/regulations/zuzhi-gongzuo-2015/#%E7%AC%AC%E5%8D%81%E4%BA%8C%E6%9D%A1"
    page.wait_for_function("document.querySelector(\"[aria-label='复制本条链接（第十二条）']\").textContent === '复制本条链接'")


def test_without_javascript_copy_link_is_a_plain_link_to_the_article_and_print_is_hidden(browser):
    open_page, _ = browser
    page = open_page(PHONE, javascript=False)
    page.goto("/regulations/zuzhi-gongzuo-2015/")
    assert page.get_by_role("button", name="打印").count() == 0 or not page.get_by_role("button", name="打印").is_visible()
    page.get_by_role("link", name="复制本条链接（第三条）").click()
    assert page.url.endswith("/regulations/zuzhi-gongzuo-2015/#%E7%AC%AC%E4%B8%89%E6%9D%A1")


def test_print_shows_the_document_without_navigation_toolbar_forms_or_footer(browser):
    open_page, _ = browser
    page = open_page()
    page.goto("/regulations/zuzhi-gongzuo-2015/")
    button = page.get_by_role("button", name="打印")
    assert button.is_visible()
    # (ends with null: Playwright calls a function the expression evaluates to)
    page.evaluate("window.__printed = 0; window.print = function () { window.__printed += 1; }; null")
    button.click()
    assert page.evaluate("window.__printed") == 1  # once: the receipts' print handler does not answer it too
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer", ".portal-doc-tools",
                     ".portal-copy-link", ".portal-feedback-link"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("h1").is_visible() and page.locator(".portal-metadata").is_visible()
    assert page.locator("[id='第十二条']").is_visible()


def test_a_closed_draft_shows_comments_per_article_and_leads_to_the_adoption_report(browser):
    open_page, _ = browser
    page = open_page(PHONE)
    page.goto("/consultations/xuexi-guize/")
    results = page.locator(".portal-results")
    assert "共收到意见 3 条，其中采纳 2 条、不予采纳 1 条（截至2026年2月3日）。" in results.inner_text()
    rows = [row.split("\t") for row in page.locator(".portal-comment-counts tr").all_inner_texts()]
    assert rows == [["条款", "意见数"], ["第一条", "0 条"], ["第二条", "2 条"], ["第三条", "0 条"],
                    ["对征求意见稿整体的意见", "1 条"]]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    results.get_by_role("link", name="查看意见采纳情况（采纳与不予采纳的意见及理由）").click()
    page.wait_for_url("**/reports/xuexi-guize-adoption/")
    text = page.locator("article").inner_text()
    assert "处理结果：不予采纳" in text and "处理结果：采纳" in text
    assert "理由：基层负担较重，每季度一次已能满足学习需要。" in text
    for personal in ("王小明", "赵六", "钱七", "13912345678", "13800000001"):
        assert personal not in page.content()
    page.get_by_role("link", name="查看征求意见稿").click()
    page.wait_for_url("**/consultations/xuexi-guize/")
