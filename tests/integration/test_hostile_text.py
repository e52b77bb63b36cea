"""Hostile text through every public text field (and the staff's replies and notes): it is refused
with a Chinese 4xx or stored exactly as sent; every page that shows it — the review pages, the
tracking page — is loaded in Chromium, where no script in it ever runs; the CSV keeps it as text."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest

from functions.domain.access import Role
from functions.domain.case import COLLECTION, Case
from functions.services import accounts
from tests.hostile import REFUSED, STRINGS
from tests.integration.review_support import PASSWORD

CHROMIUM = "/usr/bin/chromium"
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def visible(text: str) -> str:
    """What a review page shows of `text`: bidi controls are made visible as marks, not applied."""
    return "".join(f"[U+{ord(ch):04X}]" if ch in BIDI else ch for ch in text)


@pytest.fixture
def filled(live_server):
    """Every string sent through every public text field; returns what was stored and refused."""
    import httpx

    base, (ctx, clock) = live_server
    accounts.add_staff(ctx.store, "city", "市审核员", "130100", Role.approver, PASSWORD, "t", ctx.clock())
    stored: dict[str, tuple[str, str]] = {}  # hostile string → (reference, query code)
    with httpx.Client(base_url=base, timeout=30) as http:
        def post(path: str, body: dict) -> httpx.Response:
            response = http.post(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
            assert response.status_code < 500, response.text[:300]
            if response.status_code >= 400:
                assert chinese(response.json()["message"]), response.text[:300]
            return response

        for text in STRINGS:
            body = text if len(text) >= 10 else text + "，这是补足长度的正文"
            answer = post("/api/petitions", {"kind": "suggestion", "unit": "130100", "subject": text[:100],
                                             "body": body[:5000], "contact": {"name": text[:50], "mobile": "13800138000"}})
            if text in REFUSED:
                assert answer.status_code == 422
                continue
            if answer.status_code == 201:
                stored[text] = (answer.json()["reference"], answer.json()["query_code"])
            post("/api/feedback", {"body": body[:2000], "contact": {"name": text[:50]}})
            post("/api/consultations/jiandu-banfa/comments", {"body": body[:3000], "name": text[:50]})
    assert len(stored) >= 30, "most hostile strings are text a person may really type, and are kept"
    for text, (reference, _) in stored.items():
        case = Case.from_data(ctx.store.get(COLLECTION, reference).data)
        assert case.subject == text[:100] and case.contact.name == text[:50]  # exactly as sent
    return base, ctx, stored


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def watched(browser, base: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base)
    context.add_init_script("window.__pwned = undefined;")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None and page.dialogs == [], page.url


def test_no_hostile_text_runs_on_any_review_page_or_the_tracking_page(filled, chromium):
    base, ctx, stored = filled
    staff = watched(chromium, base)
    staff.goto("/review/login")
    staff.fill("#username", "city")
    staff.fill("#password", PASSWORD)
    with staff.expect_navigation():
        staff.click("button[type=submit]")
    for url in ("/review/", "/review/cases", "/review/opinions"):
        staff.goto(url)
        assert_nothing_ran(staff)
    staff.goto("/review/cases")
    listed = staff.evaluate("document.querySelector('main').textContent")
    for text in stored:
        assert visible(text[:100]) in listed or "\n" in text or "\u2028" in text

    for text, (reference, _code) in stored.items():
        staff.goto(f"/review/cases/{reference}")
        assert_nothing_ran(staff)
        body = staff.evaluate("document.querySelector('main').textContent")
        assert visible(text[:100]) in body or any(c in text for c in "\n\u2028\u2029")
        for action in ("accept", "start"):
            with staff.expect_navigation():
                staff.locator(f"form.action:has(input[name=action][value={action}]) button[type=submit]").click()
        reply = staff.locator("form.action:has(input[name=action][value=reply])")
        reply.locator("[name=reply]").fill(text if len(text) <= 5000 else text[:5000])
        with staff.expect_navigation():
            reply.locator("button[type=submit]").click()
        assert_nothing_ran(staff)
        assert Case.from_data(ctx.store.get(COLLECTION, reference).data).public_reply, (text[:60], staff.url)

    public = watched(chromium, base)
    for text, (reference, code) in list(stored.items())[:40]:
        public.goto("/petition/track/")
        public.fill("#f-reference", reference)
        public.fill("#f-query_code", code)
        with public.expect_navigation():
            public.click("form.portal-form button[type=submit]")
        assert_nothing_ran(public)
        assert public.locator(".portal-reply").count() == 1, (text[:60], public.inner_text("article")[:300])
        shown = public.evaluate("document.querySelector('.portal-reply').textContent")
        assert shown == text[:5000].strip()  # the reply as the staff member wrote it (trimmed at the ends)


def test_the_csv_keeps_hostile_text_as_text_and_neutralises_formulas(filled):
    import httpx

    base, ctx, stored = filled
    accounts.add_staff(ctx.store, "auditor", "审计员", "130000", Role.auditor, PASSWORD, "t", ctx.clock())
    with httpx.Client(base_url=base, timeout=30) as http:
        import re

        login = http.get("/review/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', login).group(1)
        http.post("/review/login", data={"csrf": token, "username": "auditor", "password": PASSWORD})
        exported = http.get("/review/export/cases.csv", follow_redirects=True)
    content = exported.content.decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(content))}
    for text, (reference, _) in stored.items():
        subject = rows[reference][2]
        if text[:100].lstrip()[:1] in "=+-@＝＋－＠":
            assert subject == "'" + text[:100]
        else:
            assert subject == text[:100]
