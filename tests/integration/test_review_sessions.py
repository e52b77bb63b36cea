"""Staff sign-in: rotation, cookie flags, idle and absolute timeouts, logout and disabling end
sessions at once, throttling, one answer for every failure, CSRF on every POST, no GET changes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from functions.domain.access import Role
from functions.services import accounts
from tests.integration.review_support import PASSWORD, Browser, new_case, version_of


@pytest.fixture
def desk(portal_env, built_fixture):
    from portal.server import create_app

    ctx, clock = portal_env
    accounts.add_staff(ctx.store, "lisi", "李审核", "130100", Role.approver, PASSWORD, "test", ctx.clock())
    accounts.add_staff(ctx.store, "boss", "管理员", "130000", Role.admin, PASSWORD, "test", ctx.clock())
    app = create_app(built_fixture)
    return app, ctx, clock


def session_cookie(response) -> str:
    return re.search(r"portal_session=([^;]*)", response.headers["set-cookie"]).group(1)


def test_signing_in_issues_a_new_session_id_every_time_with_strict_cookie_flags(desk):
    app, _, _ = desk
    browser = Browser(app)
    first = browser.login("lisi")
    assert first.status_code == 303 and first.headers["location"] == "/review/"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    second = browser.login("lisi")
    assert session_cookie(first) != session_cookie(second)


def test_over_https_the_cookie_is_secure_and_host_prefixed(desk):
    app, _, _ = desk
    response = Browser(app, https=True).login("lisi")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-portal_session=") and "Secure" in cookie


def test_unknown_user_and_wrong_password_get_the_same_answer(desk):
    app, _, _ = desk
    unknown, wrong = Browser(app).login("nobody"), Browser(app).login("lisi", "wrong-password-123")
    assert unknown.status_code == wrong.status_code == 401
    message = re.compile(r'<p class="message error" role="alert">([^<]+)</p>')
    assert message.search(unknown.text).group(1) == message.search(wrong.text).group(1) == "用户名或密码不正确"


def test_repeated_failures_are_throttled_even_with_the_right_password_next(desk):
    app, _, _ = desk
    browser = Browser(app)
    statuses = [browser.login("lisi", f"guess-{i}-xxxxxxxx").status_code for i in range(5)]
    assert statuses == [401] * 5
    blocked = browser.login("lisi")
    assert blocked.status_code == 429 and "秒后再试" in blocked.text and "Retry-After" in blocked.headers


def test_the_session_ends_after_30_idle_minutes(desk):
    app, _, clock = desk
    browser = Browser(app)
    browser.login("lisi")
    clock.now += dt.timedelta(minutes=29)
    assert browser.get("/review/cases").status_code == 200
    clock.now += dt.timedelta(minutes=31)
    response = browser.get("/review/cases")
    assert response.status_code == 303 and response.headers["location"] == "/review/login"


def test_the_session_ends_after_12_hours_however_active(desk):
    app, _, clock = desk
    browser = Browser(app)
    browser.login("lisi")
    for _ in range(36):  # active every 20 minutes for 12 hours
        clock.now += dt.timedelta(minutes=20)
        assert browser.get("/review/cases").status_code == 200
    clock.now += dt.timedelta(minutes=5)
    assert browser.get("/review/cases").status_code == 303


def test_logout_ends_the_session_at_once(desk):
    app, _, _ = desk
    browser = Browser(app)
    stolen = session_cookie(browser.login("lisi"))
    browser.submit("/review/logout", {})
    thief = Browser(app)
    thief.client.cookies.set("portal_session", stolen)
    assert thief.get("/review/cases").status_code == 303


def test_disabling_an_account_ends_its_sessions_at_once(desk):
    app, _, _ = desk
    worker, admin = Browser(app), Browser(app)
    worker.login("lisi")
    admin.login("boss")
    assert worker.get("/review/cases").status_code == 200
    assert admin.submit("/review/staff/lisi/disable", {}, page="/review/staff").status_code == 200
    assert worker.get("/review/cases").status_code == 303
    assert Browser(app).login("lisi").status_code == 401


def test_a_password_reset_ends_old_sessions_and_shows_the_new_password_once(desk):
    app, ctx, _ = desk
    worker, admin = Browser(app), Browser(app)
    worker.login("lisi")
    admin.login("boss")
    page = admin.submit("/review/staff/lisi/reset", {}, page="/review/staff")
    new = re.search(r"的初始密码：<strong>([^<]+)</strong>", page.text).group(1)
    assert worker.get("/review/cases").status_code == 303
    assert Browser(app).login("lisi", new).status_code == 303
    assert new not in admin.get("/review/staff").text


def test_a_post_without_the_right_csrf_token_changes_nothing(desk):
    app, ctx, _ = desk
    browser = Browser(app)
    browser.login("lisi")
    ref = new_case(browser)
    for token in (None, "forged-token", "伪造的令牌"):  # a non-ASCII token is refused too, not a 500
        data = {"version": version_of(ctx, ref), "action": "accept"} | ({"csrf": token} if token else {})
        response = browser.post(f"/review/cases/{ref}/action", data)
        assert response.status_code == 403 and "页面已过期" in response.text
    assert ctx.store.get("petition", ref).data["stage"] == "registered"


def test_a_cross_site_post_is_refused_even_with_a_token(desk):
    app, ctx, _ = desk
    browser = Browser(app)
    browser.login("lisi")
    ref = new_case(browser)
    response = browser.post(f"/review/cases/{ref}/action", {"csrf": browser.csrf(), "version": version_of(ctx, ref),
                                                             "action": "accept"},
                            headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert ctx.store.get("petition", ref).data["stage"] == "registered"


def test_the_login_form_itself_is_protected_against_cross_site_posts(desk):
    app, _, _ = desk
    browser = Browser(app)
    response = browser.post("/review/login", {"username": "lisi", "password": PASSWORD})  # no token, no cookie
    assert response.status_code == 403
    assert "portal_session=" not in response.headers.get("set-cookie", "")


def test_no_get_changes_anything(desk):
    app, ctx, _ = desk
    browser = Browser(app)
    browser.login("lisi")
    ref = new_case(browser)
    before = ctx.store.get("petition", ref)
    for path in ("action?action=accept", "lock", "note?note=x", "reveal"):
        assert browser.get(f"/review/cases/{ref}/{path}").status_code in (404, 405)
    browser.get(f"/review/cases/{ref}")
    after = ctx.store.get("petition", ref)
    assert (after.version, after.data) == (before.version, before.data)


def test_every_review_page_forbids_scripts_and_framing(desk):
    app, _, _ = desk
    browser = Browser(app)
    browser.login("lisi")
    for path in ("/review/login", "/review/", "/review/cases", "/review/opinions", "/review/surveys"):
        response = browser.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
        assert "<script" not in response.text and response.headers["cache-control"] == "no-store"


def test_behind_a_proxy_the_origin_is_checked_against_the_configured_site(desk, monkeypatch):
    app, ctx, _ = desk
    monkeypatch.setenv("PORTAL_SITE_ORIGIN", "https://dangjian.example.cn")
    browser = Browser(app)
    browser.login("lisi")
    ref = new_case(browser)
    fields = {"csrf": browser.csrf(), "version": version_of(ctx, ref), "action": "accept"}
    api_host = browser.post(f"/review/cases/{ref}/action", fields, headers={"Origin": "https://abc.execute-api.example"})
    assert api_host.status_code == 403
    site = browser.post(f"/review/cases/{ref}/action", fields, headers={"Origin": "https://dangjian.example.cn"})
    assert site.status_code == 303 and ctx.store.get("petition", ref).data["stage"] == "accepted"
