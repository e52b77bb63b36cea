"""Accessibility (GB/T 37668, WCAG 2.1 AA) and 适老化 in Chromium, checked by axe-core: no serious or
critical violation on the public pages at 360 px and 1280 px, in the normal, high-contrast and
适老化 display modes; the toolbar with and without JavaScript; keyboard use; phone layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_tracking_browser import replied_case

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PUBLIC_PAGES = ["/", "/regulations/", "/regulations/level/规定/", "/regulations/zuzhi-gongzuo-2015/", "/news/",
                "/search/?q=基层组织", "/petition/", "/petition/track/", "/feedback/", "/surveys/manyidu/",
                "/consultations/jiandu-banfa/", "/mailboxes/shengwei-shuji/", "/sitemap/", "/help/", "/privacy/"]
MODES = {"normal": "standard", "high contrast": "standard-contrast", "适老化": "standard-elder",
         "largest text": "larger-contrast-elder"}


@pytest.fixture
def browser(live_server):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium, live_server
        chromium.close()


def open_context(browser, width: int, mode: str | None = None, javascript: bool = True):
    chromium, (base, _) = browser
    context = chromium.new_context(viewport={"width": width, "height": 740}, base_url=base,
                                   java_script_enabled=javascript)
    if mode:
        context.add_cookies([{"name": "portal_display", "value": mode, "url": base}])
    return context


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # What a reader sees once the page is still: axe measures colours as they are at that instant, and
    # mid-way through a transition (the theme fades its tabs out when the page scrolls to a form
    # error) a link is half transparent.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=5000)
    results = Axe().run(page).response
    assert results["passes"], "axe did not run"
    return [f"{page.url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def tracking_result(page, ctx, clock) -> None:
    reference, code = replied_case(ctx, clock)
    page.goto("/petition/track/")
    page.fill("#f-reference", reference)
    page.fill("#f-query_code", code)
    page.click("form.portal-form button[type=submit]")
    page.wait_for_selector(".portal-steps")


def choose(page, name: str, javascript: bool) -> None:
    """Press a toolbar control: a button acting in the page, or (without JavaScript) a link that
    goes through the switch and comes back."""
    if javascript:
        page.get_by_role("button", name=name, exact=True).click()
        return
    with page.expect_navigation(url=page.url):
        page.get_by_role("link", name=name, exact=True).click()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("mode", list(MODES))
def test_no_public_page_has_a_serious_accessibility_violation(browser, width, mode):
    context = open_context(browser, width, MODES[mode])
    page = context.new_page()
    found = []
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        found += serious_violations(page)
    ctx, clock = browser[1][1]
    tracking_result(page, ctx, clock)
    found += serious_violations(page)
    page.goto("/petition/")
    page.click(".portal-form button[type=submit]")  # nothing filled in: the errors beside the fields
    page.wait_for_selector(".portal-field-error")
    found += serious_violations(page)
    assert found == []


def test_the_site_name_is_visible_on_a_phone_and_nothing_is_cut_off(browser):
    page = open_context(browser, 360).new_page()
    for path in ["/", "/regulations/", "/regulations/zuzhi-gongzuo-2015/", "/search/?q=基层组织", "/news/"]:
        page.goto(path)
        name = page.locator(".md-header__topic").first
        assert name.inner_text().strip() == "河北党建网 · 电子党务门户"
        box = name.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["y"] < 200, path
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path


def test_the_footer_shows_the_identity_configured_in_site_yaml(browser):
    page = open_context(browser, 360).new_page()
    page.goto("/regulations/")
    footer = page.locator("footer.portal-footer")
    text = footer.inner_text()
    for expected in ["主办单位：中共河北省委组织部", "承办单位：河北省党员教育中心", "地址：河北省石家庄市裕华区测试路 8 号",
                     "邮编：050011", "电话：0311-87654321", "电子邮箱：help@dangjian.example.cn", "网站标识码：1300000099"]:
        assert expected in text
    assert footer.get_by_role("link", name="冀ICP备12345678号-2").get_attribute("href") == "https://beian.miit.gov.cn/"
    assert footer.get_by_role("link", name="冀公网安备 13010202000123号").get_attribute("href") == \
        "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=13010202000123"
    footer.get_by_role("link", name="网站地图").click()
    assert page.locator("h1").inner_text() == "网站地图"
    assert page.get_by_role("link", name="规定", exact=True).count() == 1  # a real 效力位阶 listing of the fixture


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_high_contrast_and_elder_modes_follow_the_reader_from_page_to_page(browser, javascript):
    page = open_context(browser, 360, javascript=javascript).new_page()
    page.goto("/regulations/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    choose(page, "高对比度", javascript)
    assert page.url.endswith("/regulations/")  # without JavaScript: back on the same page
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    choose(page, "适老化", javascript)
    page.goto("/regulations/zuzhi-gongzuo-2015/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "24px"  # 20 px × 1.2
    assert page.locator(".md-sidebar--secondary").is_hidden()  # one column
    if javascript:
        assert page.get_by_role("button", name="高对比度").get_attribute("aria-pressed") == "true"
    choose(page, "恢复默认", javascript)
    page.goto("/news/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_three_text_sizes(browser, javascript):
    page = open_context(browser, 360, javascript=javascript).new_page()
    page.goto("/news/")
    sizes = []
    for name in ["大", "特大", "标准"]:
        choose(page, name, javascript)
        sizes.append(page.evaluate("getComputedStyle(document.documentElement).fontSize"))
    assert sizes == ["24px", "28px", "20px"]


def test_the_system_high_contrast_setting_is_followed(browser):
    context = open_context(browser, 360)
    page = context.new_page()
    page.emulate_media(contrast="more")
    page.goto("/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"


def test_a_keyboard_user_skips_to_the_content_and_always_sees_where_the_focus_is(browser):
    page = open_context(browser, 1280).new_page()
    page.goto("/regulations/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳至正文"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('article') !== null")  # past the header and toolbar
    page.goto("/regulations/")
    for _ in range(25):  # every stop along the way shows a focus ring
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", page.evaluate("document.activeElement.outerHTML.slice(0, 120)")


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_listing_on_a_phone_shows_documents_first_and_folds_the_facets(browser, javascript):
    page = open_context(browser, 360, javascript=javascript).new_page()
    page.goto("/regulations/")
    first = page.locator("article li a").filter(has_text="正定县党组织选举工作细则").first
    assert first.bounding_box()["y"] < 740  # on the first screen
    facets = page.locator("details.portal-facets")
    assert facets.get_attribute("open") is None
    assert page.get_by_role("link", name="规定", exact=True).is_hidden()
    facets.locator("summary").click()
    assert page.get_by_role("link", name="规定", exact=True).is_visible()


def test_the_petition_guide_opens_with_a_jump_to_the_form_and_folds_its_sections(browser):
    page = open_context(browser, 360, javascript=False).new_page()
    page.goto("/petition/")
    jump = page.get_by_role("link", name="直接填写信访事项")
    assert jump.bounding_box()["y"] < 740
    assert page.locator("details.portal-guide").count() == 4
    assert page.get_by_role("heading", name="办理时限").is_visible()  # the heading stays, its text folds
    assert page.get_by_text("日内告知是否受理").is_hidden()
    jump.click()
    assert page.url.endswith("#form")
    assert page.locator("#form").bounding_box()["y"] < 100  # the form's heading is at the top of the screen


def test_wide_tables_scroll_inside_the_page_on_a_phone(browser):
    page = open_context(browser, 360, "larger-elder").new_page()
    for path in ["/regulations/zuzhi-gongzuo-2015/", "/regulations/zuzhi-gongzuo-2020/", "/regulations/"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path


def test_a_choice_made_without_javascript_wins_over_an_older_one_made_with_it(browser):
    page = open_context(browser, 360).new_page()
    page.goto("/news/")
    page.get_by_role("button", name="高对比度").click()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.goto("/forms/display?reset=1")  # the switch a page without JavaScript uses
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.get_by_role("button", name="高对比度").get_attribute("aria-pressed") == "false"
