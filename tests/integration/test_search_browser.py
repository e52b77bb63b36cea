"""The search page in a real browser (Debian Chromium) with JavaScript OFF, at 360 px wide,
driven by the keyboard only: how much of the public will meet it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from test_search_api import build, content_root, site  # noqa: F401  (shared module fixtures)

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def page(site):  # noqa: F811
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740},
                                      base_url=str(site.base_url))
        yield context.new_page()
        browser.close()


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(selector).evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"could not reach {selector} with Tab")


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_reader_without_javascript_searches_from_the_header_by_keyboard(page):
    page.goto("/")
    tab_to(page, "#portal-search-q")
    page.keyboard.type("基层组织")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["基层组织"]
    assert page.locator(".portal-search-hits li").count() == 3
    assert page.locator(".portal-search-hits mark").first.inner_text() == "基层组织"
    assert fits_width(page)


def test_a_reader_narrows_by_a_facet_and_the_url_can_be_shared(page, site):  # noqa: F811
    page.goto("/search/?q=%E5%9F%BA%E5%B1%82%E7%BB%84%E7%BB%87")
    tab_to(page, ".portal-search-facets a[href*='validity=effective']")
    page.keyboard.press("Enter")
    page.wait_for_url("**validity=effective*")
    assert page.locator(".portal-search-hits li").count() == 1
    shared = site.get(page.url)  # the same URL opened elsewhere gives the same result
    assert shared.status_code == 200 and shared.text.count('<li>\n    <h2><a href="/regulations/') == 1
    assert fits_width(page)


def test_the_form_on_the_results_page_works_by_keyboard(page):
    page.goto("/search/")
    tab_to(page, ".portal-search-form input[name=type][value=regulation]")
    page.keyboard.press("Space")
    tab_to(page, ".portal-search-form input[name=type][value=policy]")
    page.keyboard.press("Space")
    tab_to(page, ".portal-search-form button")
    page.keyboard.press("Enter")
    page.wait_for_url("**type=regulation*")
    assert parse_qs(urlsplit(page.url).query)["type"] == ["regulation", "policy"]
    assert page.locator(".portal-search-hits li").count() == 8  # 6 regulations and 2 policies
    assert page.locator(".portal-search-chips a").all_inner_texts() == ["文件类型：党内法规 ✕", "文件类型：政策文件 ✕"]
    assert fits_width(page)


def test_a_reader_narrows_to_a_unit_and_its_counties_and_the_header_box_keeps_the_query(page):
    page.goto("/search/?q=%E5%B7%A5%E4%BD%9C")  # 工作
    assert page.locator("#portal-search-q").input_value() == "工作"
    tab_to(page, ".portal-search-form select[name=unit]")
    page.select_option(".portal-search-form select[name=unit]", "130100")  # 石家庄市 (a keyboard pick)
    tab_to(page, ".portal-search-form button")
    page.keyboard.press("Enter")
    page.wait_for_url("**unit=130100*")
    assert page.locator(".portal-search-chips a").all_inner_texts() == ["组织单位：石家庄市 ✕"]
    assert page.locator("#portal-search-q").input_value() == "工作"
    assert page.locator(".portal-search-hits li").count() >= 1
    assert fits_width(page)
