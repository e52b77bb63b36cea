"""The whole access matrix: every role × own unit, parent, child, sibling, unrelated unit × every
page and action, including exports and direct URLs. A case handled by 石家庄市 (130100)."""

from __future__ import annotations

import itertools
import re

import pytest

from functions.domain.access import STAFF_ROLES, Role
from tests.integration.review_support import PLACES, Browser, add_everyone, new_case, version_of

IN_SCOPE = {"own", "parent"}  # a parent sees its children; a child, sibling or unrelated unit never does
# What each role may do anywhere (scope decides where): written out here, not derived from the code.
CAN = {
    Role.handler: {"view", "reveal", "note", "opinions", "surveys"},
    Role.approver: {"view", "reveal", "note", "opinions", "surveys", "export", "accept"},
    Role.auditor: {"view", "reveal", "opinions", "surveys", "export", "audit"},
    Role.admin: {"staff"},
}
MATRIX = list(itertools.product(STAFF_ROLES, PLACES))


@pytest.fixture(scope="module")
def world(built_fixture, tmp_path_factory):
    """One store with every staff member and three cases, shared by the matrix (read-mostly)."""
    import os

    from functions import config
    from portal.server import create_app

    db = tmp_path_factory.mktemp("review") / "portal.db"
    saved = {k: os.environ.get(k) for k in ("PORTAL_BUILD_DIR", "PORTAL_STORE", "PORTAL_RATE_LIMITS")}
    os.environ.update(PORTAL_BUILD_DIR=str(built_fixture), PORTAL_STORE=f"sqlite:///{db}",
                      PORTAL_RATE_LIMITS="burst=100000/10,sustained=100000/3600")
    config.reset()
    ctx = config.context()
    add_everyone(ctx)
    app = create_app(built_fixture)
    public = Browser(app)
    cases = {"view": new_case(public), "feedback": public.post(
        "/api/feedback", json={"body": "首页的新闻列表加载缓慢。"}, headers={"Idempotency-Key": "f" * 20}).status_code}
    yield app, ctx, cases["view"]
    config.reset()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def browsers(world):
    app, _, _ = world
    made = {}
    for role, place in MATRIX:
        browser = Browser(app)
        assert browser.login(f"{role.value}_{place}").status_code == 303
        made[(role, place)] = browser
    return made


def csrf(browser, role: Role) -> str:
    """The session's CSRF token from a page this role can open."""
    return browser.csrf("/review/staff" if role is Role.admin else "/review/cases")


def expected(role: Role, place: str, ability: str) -> bool:
    return ability in CAN[role] and place in IN_SCOPE


def refused(role: Role, place: str, ability: str) -> int:
    """A role that never has the ability is told so (403); out of scope reads like nothing there (404)."""
    return 403 if ability not in CAN[role] else 404


def assert_told_the_role(response, needed: str, role: Role) -> None:
    assert response.status_code == 403
    assert f"需要{needed}角色，您的角色是{role.label}" in response.text and "没有这个页面" not in response.text


@pytest.mark.parametrize("role, place", MATRIX)
def test_the_case_page_and_its_direct_url(world, browsers, role, place):
    _, _, ref = world
    response = browsers[(role, place)].get(f"/review/cases/{ref}")
    assert response.status_code == (200 if expected(role, place, "view") else refused(role, place, "view"))
    if response.status_code == 403:
        assert_told_the_role(response, "办理员、审核员或审计员", role)
    if response.status_code == 404:
        assert "不在您的工作范围内" in response.text and "张" not in response.text


@pytest.mark.parametrize("role, place", MATRIX)
def test_the_queue_lists_the_case_only_in_scope(world, browsers, role, place):
    _, _, ref = world
    response = browsers[(role, place)].get("/review/cases")
    if "view" not in CAN[role]:
        assert_told_the_role(response, "办理员、审核员或审计员", role)
    else:
        assert response.status_code == 200 and (ref in response.text) == (place in IN_SCOPE)


@pytest.mark.parametrize("role, place", MATRIX)
def test_the_dashboard_counts_the_case_only_in_scope(world, browsers, role, place):
    response = browsers[(role, place)].get("/review/")
    if "view" not in CAN[role]:
        assert response.status_code == 303  # an admin goes to staff management
        return
    assert response.status_code == 200
    rows = response.text.split("<tr>")[2:]
    total_open = sum(int(cell) for row in rows for cell in
                     re.findall(r'data-label="办理中合计">(\d+)</td>', row))
    assert (total_open >= 1) == (place in IN_SCOPE)


@pytest.mark.parametrize("role, place", MATRIX)
def test_revealing_contact_data(world, browsers, role, place):
    _, ctx, ref = world
    browser = browsers[(role, place)]
    response = browser.post(f"/review/cases/{ref}/reveal", {"csrf": csrf(browser, role)})
    allowed = expected(role, place, "reveal")
    assert response.status_code == (200 if allowed else refused(role, place, "reveal"))
    assert ("13800138000" in response.text) == allowed


def notes_of(ctx, ref: str) -> list:
    return [p for p in ctx.store.parts("petition", ref) if p.kind == "notes"]


@pytest.mark.parametrize("role, place", MATRIX)
def test_adding_an_internal_note(world, browsers, role, place):
    _, ctx, ref = world
    browser = browsers[(role, place)]
    before = len(notes_of(ctx, ref))
    response = browser.post(f"/review/cases/{ref}/note", {"csrf": csrf(browser, role), "version": version_of(ctx, ref),
                                                           "note": f"{role.value}-{place} 的备注"})
    allowed = expected(role, place, "note")
    assert response.status_code == (303 if allowed else refused(role, place, "note"))
    assert len(notes_of(ctx, ref)) == before + allowed


@pytest.mark.parametrize("role, place", MATRIX)
def test_accepting_the_case_is_for_the_handling_units_approver(world, browsers, role, place):
    _, ctx, _ = world
    ref = new_case(Browser(world[0]))
    browser = browsers[(role, place)]
    response = browser.post(f"/review/cases/{ref}/action", {"csrf": csrf(browser, role), "version": version_of(ctx, ref),
                                                             "action": "accept"})
    stage = ctx.store.get("petition", ref).data["stage"]
    if role is Role.approver and place == "own":
        assert (response.status_code, stage) == (303, "accepted")
    else:
        assert stage == "registered"
        # a role that never acts: 403; out of scope: 404; in scope but not allowed here: 409 with the reason
        worker = role in (Role.handler, Role.approver)
        assert response.status_code == (409 if worker and place in IN_SCOPE else 404 if worker else 403)


@pytest.mark.parametrize("role, place", MATRIX)
def test_exporting_cases(world, browsers, role, place):
    _, ctx, ref = world
    response = browsers[(role, place)].download("/review/export/cases.csv")
    if "export" not in CAN[role]:
        assert_told_the_role(response, "审核员或审计员", role)
        return
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert (ref in response.text) == (place in IN_SCOPE)


@pytest.mark.parametrize("role, place", MATRIX)
def test_the_audit_log_is_for_auditors_and_only_their_subtree(world, browsers, role, place):
    _, _, ref = world
    response = browsers[(role, place)].get("/review/audit")
    if "audit" not in CAN[role]:
        assert_told_the_role(response, "审计员", role)
        return
    assert response.status_code == 200
    assert (ref in response.text) == (place in IN_SCOPE)


@pytest.mark.parametrize("role, place", MATRIX)
def test_staff_management_is_for_admins_and_only_their_subtree(world, browsers, role, place):
    response = browsers[(role, place)].get("/review/staff")
    if "staff" not in CAN[role]:
        assert_told_the_role(response, "管理员", role)
        return
    assert response.status_code == 200
    assert ("handler_own" in response.text) == (place in IN_SCOPE)
    assert ("handler_sibling" in response.text) == (place in ("sibling", "parent"))


@pytest.mark.parametrize("role, place", MATRIX)
def test_opinions_and_surveys_pages(world, browsers, role, place):
    browser = browsers[(role, place)]
    opinions = browser.get("/review/opinions")
    survey = browser.get("/review/surveys/manyidu")  # a province survey
    if "opinions" not in CAN[role]:
        assert opinions.status_code == survey.status_code == 403
        return
    assert opinions.status_code == 200
    assert ("首页的新闻列表加载缓慢" in opinions.text) == (place == "parent")  # feedback belongs to the province
    # A province survey: every unit below sees it (issue: staff see surveys run by their unit's ancestors),
    # the province with every answer, the others with their own subtree's.
    assert survey.status_code == 200
    assert ("及其下级单位的答卷人" in survey.text) == (place != "parent")


def test_an_admin_cannot_manage_staff_outside_the_subtree(world, browsers):
    _, ctx, _ = world
    browser = browsers[(Role.admin, "sibling")]  # 保定市's admin
    token = csrf(browser, Role.admin)
    disable = browser.post("/review/staff/handler_own/disable", {"csrf": token})
    assert disable.status_code == 404
    assert not ctx.store.get("staff", "handler_own").data["disabled"]
    add = browser.post("/review/staff", {"csrf": token, "username": "intruder", "name": "越权", "unit": "130100",
                                         "role": "approver"})
    assert add.status_code == 422 and ctx.store.get("staff", "intruder") is None


def test_a_denied_direct_url_is_logged_for_both_units_without_leaking_the_reference(world, browsers):
    _, ctx, ref = world
    browsers[(Role.handler, "sibling")].get(f"/review/cases/{ref}")
    own_log = ctx.store.audit_log("130100", limit=500)[0]
    assert any(e.action == "access_denied" and e.actor == "handler_sibling" and e.key == ref for e in own_log)
    sibling_log = ctx.store.audit_log("130600", limit=500)[0]
    denied = [e for e in sibling_log if e.action == "access_denied" and e.actor == "handler_sibling"]
    assert denied and all(e.key != ref for e in denied)
