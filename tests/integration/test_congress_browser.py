"""The committees' databases as the public meets them: `portal build` over content with congresses
and research reports, the local server on 127.0.0.1, and Chromium with JavaScript off at 360 px
following the 代表大会 listing to a congress, then narrowing a search to 调研成果."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.cli import main as portal
from portal.server import create_app
from tests.integration.conftest import serving
from tests.unit.database_support import write_database_content

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> str:
    content = write_database_content(tmp_path_factory.mktemp("content") / "content")
    out = tmp_path_factory.mktemp("build")
    assert portal(["build", "--content", str(content), "--today", "2026-06-01", "--out", str(out)]) == 0
    with serving(create_app(out)) as base:
        yield base


@pytest.fixture(scope="module")
def page(base_url):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740},
                                      base_url=base_url)
        yield context.new_page()
        browser.close()


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_reader_follows_the_congress_listing_by_unit_to_a_congress_and_its_resolution(page):
    page.goto("/congresses/")
    assert page.locator("article h1").inner_text() == "代表大会"
    assert fits_width(page)
    page.click("details.portal-facets summary")  # the facets are folded above the documents
    page.locator("article a", has_text="石家庄市").first.click()
    page.wait_for_url("**/congresses/unit/130100/")
    assert page.locator("article h1").inner_text() == "石家庄市的代表大会"
    page.locator("article a", has_text="中国共产党石家庄市第十一次代表大会").click()
    page.wait_for_url("**/congresses/shijiazhuang-shiyi/")
    facts = page.locator("table.portal-metadata").inner_text()
    assert "代表人数\t420 名" in facts and "大会：2025年3月10日至2025年3月12日，石家庄市会议中心" in facts
    assert fits_width(page)

    page.goto("/congresses/sheng-shi/")
    page.locator("article a", has_text="省第十次党代会关于省委报告的决议").click()
    page.wait_for_url("**/news/posts/shengdaihui-jueyi/")
    assert page.locator("article h1").inner_text() == "省第十次党代会关于省委报告的决议"


def test_a_reader_narrows_a_search_to_research_reports_by_the_type_facet(page):
    page.goto("/search/?q=%E4%BA%BA%E6%89%8D")  # 人才
    assert page.locator(".portal-search-hits li").count() == 2  # the fixture policy and the research report
    page.locator(".portal-search-facets a", has_text="调研成果").click()
    page.wait_for_url("**type=research*")
    hits = page.locator(".portal-search-hits li")
    assert hits.count() == 1
    assert "保定市基层人才队伍状况调研报告" in hits.first.inner_text()
    assert "调研成果" in hits.first.inner_text()
    assert fits_width(page)
