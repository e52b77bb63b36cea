"""The review workspace on a 360 px phone (Debian Chromium): the dashboard and the queue fit the
screen without sideways scrolling, each row a card whose deadline columns come first; and the
confirmation before 办结 works with JavaScript switched off."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.domain.access import Role
from functions.services import accounts
from tests.integration.review_support import PASSWORD, new_case

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def office_on_a_phone(live_server, tmp_path):
    import httpx
    from playwright.sync_api import sync_playwright

    base, (ctx, clock) = live_server
    accounts.add_staff(ctx.store, "city_approver", "张华", "130100", Role.approver, PASSWORD, "test", ctx.clock())
    public = httpx.Client(base_url=base)
    refs = [new_case(public, subject=f"关于小区停车位不足的反映（第{i}件）") for i in range(3)]
    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (scripts/system-deps.sh)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def page_at(width: int, javascript: bool = True):
            page = browser.new_context(viewport={"width": width, "height": 740}, base_url=base,
                                       java_script_enabled=javascript).new_page()
            page.goto("/review/login")
            page.fill("#username", "city_approver")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/review/")
            return page

        yield page_at, refs, ctx, tmp_path
        browser.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_dashboard_fits_a_phone_with_the_deadline_figures_first(office_on_a_phone):
    page_at, refs, ctx, shots = office_on_a_phone
    page = page_at(360)
    page.screenshot(path=str(shots / "dashboard-360.png"), full_page=True)
    assert fits(page)
    card = page.locator("table.dashboard tbody tr").first
    overdue = card.locator('td[data-label="已超期"]').bounding_box()
    registered = card.locator('td[data-label="已登记"]').bounding_box()
    assert overdue["y"] < registered["y"], "the deadline figures come before the counts per stage"
    assert overdue["width"] > 200, "a card is as wide as the screen, not a squeezed column"


def test_the_queue_fits_a_phone_and_shows_each_deadline_under_the_title(office_on_a_phone):
    page_at, refs, ctx, shots = office_on_a_phone
    page = page_at(360)
    page.goto("/review/cases")
    page.screenshot(path=str(shots / "queue-360.png"), full_page=True)
    assert fits(page)
    row = page.locator("table.queue tbody tr").first
    title, due = (row.locator(f"td.{name}").bounding_box() for name in ("title", "due"))
    assert title["y"] < due["y"], "the case first, then its deadline"
    assert "剩" in row.locator("td.due").inner_text()
    wide = page_at(1280)
    wide.goto("/review/cases")
    wide.screenshot(path=str(shots / "queue-1280.png"), full_page=True)
    assert fits(wide)
    cells = wide.locator("table.queue tbody tr").first.locator("td")
    assert cells.nth(1).bounding_box()["y"] == cells.nth(2).bounding_box()["y"], "a table row on a wide screen"


def test_closing_asks_for_the_tick_with_javascript_off(office_on_a_phone):
    page_at, refs, ctx, shots = office_on_a_phone
    ref = refs[0]
    page = page_at(360, javascript=False)
    page.goto(f"/review/cases/{ref}")
    form = page.locator("form.action", has=page.locator("input[value=not_accept]"))
    form.locator("textarea[name=reason]").fill("所反映问题不属于受理范围。")
    form.locator("button[type=submit]").click()  # the browser itself refuses: the tick is required
    assert ctx.store.get("petition", ref).data["stage"] == "registered"
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/review/cases/{ref}?done=not_accept")
    page.screenshot(path=str(shots / "not-accepted-360.png"), full_page=True)
    assert "已完成“不予受理”。" in page.locator(".message").inner_text()
    assert ctx.store.get("petition", ref).data["stage"] == "not_accepted"
