"""Staff lists and exports at volume: an export of 20,000 rows is a 303 to a short link (the Lambda response
stays tiny, whatever the rows), every list pages with an opaque token, finished cases leave the queue
but stay findable, and a page token that was tampered with is a Chinese 4xx, not a crash."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from functions import config
from functions.blobs.local import LocalBlobStore
from functions.domain.access import Role
from functions.domain.submissions import CommentIn
from functions.services import accounts, submissions
from functions.services.context import PortalContext
from functions.store.memory import MemoryStore
from site_builder.org import OrgTree
from site_builder.registry import Registry
from tests.integration.review_support import PASSWORD, Browser, new_case, signed_in, version_of


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def portal(built_fixture, tmp_path, monkeypatch):
    """The local portal on the in-memory Store (fast enough to hold 20,000 comments) and folder blobs."""
    from portal.server import create_app

    monkeypatch.setenv("PORTAL_BUILD_DIR", str(built_fixture))
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "burst=100000/10,sustained=1000000/3600")
    registry = Registry.load(built_fixture)
    ctx = PortalContext(store=MemoryStore(tree=OrgTree(registry.units)), registry=registry, secret_key=b"k" * 32,
                        blobs=LocalBlobStore(tmp_path / "blobs", b"k" * 32), clock=Clock())
    monkeypatch.setattr(config, "_context", ctx)
    for name, unit, role in (("province_approver", "130000", Role.approver), ("city_approver", "130100", Role.approver),
                             ("province_admin", "130000", Role.admin), ("province_auditor", "130000", Role.auditor)):
        accounts.add_staff(ctx.store, name, name, unit, role, PASSWORD, "test", ctx.clock())
    app = create_app(built_fixture)

    def browser(name: str) -> Browser:
        return signed_in(app, name)

    yield app, ctx, browser
    config.reset()


def test_an_export_of_twenty_thousand_comments_is_a_redirect_to_the_whole_file(portal):
    app, ctx, browser = portal
    text = "建议在第二条中明确公开的时限和渠道，" * 10  # 190 characters: 20,000 of them are about 11 MB
    for i in range(20_000):
        submissions.submit_comment(ctx, "jiandu-banfa", CommentIn(article="第二条", body=f"{i:05d}{text}"))
    staff = browser("province_approver")

    answer = staff.get("/review/export/comments.csv?consultation=jiandu-banfa")

    assert answer.status_code == 303 and answer.content == b""
    link = answer.headers["location"]
    assert link.startswith("/review/files/exports/") and "signature=" in link
    download = staff.get(link)
    assert download.status_code == 200 and len(download.content) > 6 * 1024 * 1024  # more than Lambda could send
    assert "filename*=UTF-8''%E5%BE%81%E6%B1%82%E6%84%8F%E8%A7%81.csv" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["征求意见稿", "条文", "意见"] and len(rows) == 20_001
    assert sorted(int(r[2][:5]) for r in rows[1:]) == list(range(20_000))
    [logged] = [e for e in ctx.store.audit_log("130000", limit=10)[0] if e.action == "export_comments"]
    assert logged.after == {"consultation": "jiandu-banfa", "rows": 20_000}


def test_an_export_link_is_short_lived_and_cannot_be_reused_for_another_file(portal):
    app, ctx, browser = portal
    new_case(Browser(app))
    staff = browser("city_approver")
    link = staff.get("/review/export/cases.csv").headers["location"]
    forged = link.replace("/exports/", "/exports/x")
    assert staff.get(forged).status_code in (403, 404)
    ctx.clock.now += dt.timedelta(minutes=6)
    assert staff.get(link).status_code == 403


def next_link(html: str) -> str | None:
    found = re.search(r'<p class="pages"><a href="([^"]+)">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def references(html: str) -> list[str]:
    return re.findall(r'<a href="/review/cases/(XF[0-9A-Z-]+)">', html)


def test_the_queue_pages_through_every_case_of_the_subtree_with_next_links(portal):
    app, ctx, browser = portal
    public = Browser(app)
    made = {new_case(public, unit=unit) for unit in ["130100"] * 40 + ["130123"] * 40 + ["130600"] * 35}
    staff = browser("province_approver")
    seen, url, pages = [], "/review/cases", 0
    while url:
        html = staff.get(url).text
        seen += references(html)
        pages += 1
        url = next_link(html)
    assert pages == 3 and len(seen) == 115 and set(seen) == made
    assert "after" in parse_qs(urlsplit(next_link(staff.get("/review/cases").text)).query)


def test_a_closed_case_leaves_the_queue_and_is_found_among_the_finished(portal):
    app, ctx, browser = portal
    ref = new_case(Browser(app))
    city = browser("city_approver")
    for action, fields in (("accept", {}), ("start", {}), ("reply", {"reply": "已办理。"}), ("close", {"confirm": "yes"})):
        assert city.submit(f"/review/cases/{ref}/action", {"action": action, "version": version_of(ctx, ref),
                                                             **fields}).status_code == 303
    assert ctx.store.listing("petition", "queue", "130000") == ([], None)
    assert ref not in city.get("/review/cases?view=open").text
    assert ref in city.get("/review/cases?view=closed").text and ref in city.get("/review/cases").text
    assert ref in city.get("/review/cases?stage=closed").text


@pytest.mark.parametrize("url", ["/review/cases?after=not-a-token", "/review/cases?after=WzEsIm5vIl0=",
                                 "/review/audit?after=%%%", "/review/staff?after=eyJ4IjoxfQ==",
                                 "/review/opinions?feedback_after=abc"])
def test_a_tampered_page_token_is_a_chinese_4xx(portal, url):
    app, ctx, browser = portal
    staff = browser("province_admin") if "staff" in url else browser("province_auditor") if "audit" in url \
        else browser("province_approver")
    answer = staff.get(url)
    assert 400 <= answer.status_code < 500 and "翻页链接已失效" in answer.text


def test_the_audit_log_and_the_staff_list_page_through_their_subtree(portal, monkeypatch):
    from functions.services import audit_log, staff

    monkeypatch.setattr(staff, "PAGE", 5)  # pages of 5 instead of 100: fewer slow password hashes to make
    monkeypatch.setattr(audit_log, "PAGE", 5)
    app, ctx, browser = portal
    for i in range(12):
        accounts.add_staff(ctx.store, f"clerk{i:03d}", f"办事员{i}", "130123", Role.handler, PASSWORD, "test", ctx.clock())
    admin = browser("province_admin")
    seen, url, pages = [], "/review/staff", 0
    while url:
        html = admin.get(url).text
        seen += re.findall(r"<td>(clerk\d{3}|province_\w+|city_\w+)</td>", html)
        url, pages = next_link(html), pages + 1
    # The fixture's accounts are named like their user names, so their rows show them twice.
    assert sorted(set(seen)) == sorted([f"clerk{i:03d}" for i in range(12)] + ["city_approver", "province_admin",
                                                                              "province_approver", "province_auditor"])
    assert len([n for n in seen if n.startswith("clerk")]) == 12 and pages == 4
    auditor = browser("province_auditor")
    actions, url = [], "/review/audit"
    while url:
        html = auditor.get(url).text
        actions += re.findall(r'<td data-label="操作">(添加工作人员|登录)</td>', html)
        url = next_link(html)
    assert actions.count("添加工作人员") == 16 and actions.count("登录") == 2
