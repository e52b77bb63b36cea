"""Case work at scale, as staff use it: finding cases (by reference, name, mobile, keyword and
filters), saved filters, bulk 受理 / 交办 with a conflict, confirmations before what cannot be taken
back, success messages, Chinese timelines and the audit log's filters and paging."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest

from functions.domain.access import Role
from functions.services import accounts, audit_log
from tests.integration.review_support import PASSWORD, Browser, new_case, signed_in, version_of

STAFF = {"city_approver": ("张华", "130100", Role.approver), "city_handler": ("李明", "130100", Role.handler),
         "county_approver": ("王芳", "130123", Role.approver), "county_handler": ("赵强", "130123", Role.handler),
         "sibling_approver": ("陈静", "130600", Role.approver), "province_auditor": ("刘审", "130000", Role.auditor),
         "province_admin": ("孙管", "130000", Role.admin)}


@pytest.fixture
def office(portal_env, built_fixture):
    from portal.server import create_app

    ctx, clock = portal_env
    for username, (name, unit, role) in STAFF.items():
        accounts.add_staff(ctx.store, username, name, unit, role, PASSWORD, "test", ctx.clock())
    app = create_app(built_fixture)

    def browser(username: str) -> Browser:
        return signed_in(app, username)

    return app, ctx, clock, browser


def petition(app, subject: str, body: str, name: str = "张三", mobile: str = "13800138000", **more) -> str:
    body += "请有关部门核实处理。"  # the form asks for at least 10 characters
    return new_case(Browser(app), subject=subject, body=body, contact={"name": name, "mobile": mobile}, **more)


def refs_in(html: str) -> set[str]:
    return set(re.findall(r'href="/review/cases/([A-Z0-9-]+)"', html))


def find(browser: Browser, **fields) -> str:
    """The search form, posted as the page posts it; the page of results (following a redirect)."""
    answer = browser.submit("/review/cases/search", fields)
    if answer.status_code == 303:
        answer = browser.get(answer.headers["location"])
    assert answer.status_code == 200, answer.text
    return answer.text


def act(browser, ctx, ref, action, **fields):
    return browser.submit(f"/review/cases/{ref}/action", {"action": action, "version": version_of(ctx, ref), **fields})


# --- finding cases ---------------------------------------------------------------------------------

def test_a_case_is_found_by_reference_name_mobile_and_keyword_and_the_name_stays_masked(office):
    app, ctx, clock, browser = office
    parking = petition(app, "小区停车难", "晚上车位不够，希望增加停车位。", name="张三", mobile="13800138000")
    lights = petition(app, "路灯不亮", "村口的路灯坏了三个月。", name="李四", mobile="13900139000")
    city = browser("city_approver")
    assert refs_in(find(city, by="reference", q=parking.lower())) == {parking}
    by_name = find(city, by="name", q=" 张 三 ")
    assert refs_in(by_name) == {parking} and "张三" not in by_name.replace('value="张 三"', "")
    assert refs_in(find(city, by="mobile", q="+86 139-0013-9000")) == {lights}
    assert refs_in(find(city, by="keyword", q="路灯 三个月")) == {lights}
    assert refs_in(find(city, by="keyword", q="停车位")) == {parking}
    assert refs_in(find(city, by="name", q="王五")) == set()
    assert "没有符合条件的信访事项" in find(city, by="mobile", q="13700137000")


def test_a_search_by_name_or_mobile_never_travels_in_an_address(office):
    app, ctx, clock, browser = office
    petition(app, "小区停车难", "晚上车位不够。", name="张三")
    other = petition(app, "路灯不亮", "村口的路灯坏了。", name="李四", mobile="13900139000")
    city = browser("city_approver")
    answer = city.submit("/review/cases/search", {"by": "name", "q": "张三"})
    assert answer.status_code == 200 and "location" not in answer.headers  # answered in place, not redirected
    # Typed into the address bar it searches nothing: the plain list comes back.
    assert other in refs_in(city.get("/review/cases?by=name&q=%E5%BC%A0%E4%B8%89").text)


def test_names_and_mobiles_are_listed_only_as_keyed_hashes(office, tmp_path):
    app, ctx, clock, browser = office
    petition(app, "小区停车难", "晚上车位不够。", name="欧阳娜娜", mobile="13612345678")
    with sqlite3.connect(tmp_path / "portal.db") as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        listed = " ".join(str(row) for table in tables if "listing" in table or "entr" in table
                          for row in db.execute(f"SELECT * FROM {table}"))  # noqa: S608 - table names from sqlite
    assert listed, "the contact lists are stored"
    assert "欧阳娜娜" not in listed and "13612345678" not in listed


def test_filters_for_kind_stage_unit_dates_and_deadline_state(office):
    app, ctx, clock, browser = office
    clock.set_day("2026-03-02")
    march = petition(app, "三月的建议", "建议公开党费使用情况。", kind="suggestion")
    clock.set_day("2026-04-01")
    april = petition(app, "四月的检举", "反映某干部违规收受礼品。", kind="accusation")
    county = petition(app, "县里的建议", "建议增加图书馆开放时间。", kind="suggestion", unit="130123")
    city = browser("city_approver")
    assert refs_in(find(city, kind="accusation")) == {april}
    assert refs_in(find(city, **{"from": "2026-03-01", "to": "2026-03-31"})) == {march}
    assert refs_in(find(city, **{"from": "2026-04-01"}, unit="130123")) == {county}
    assert act(city, ctx, march, "accept").status_code == 303
    assert refs_in(find(city, stage="accepted", q="建议")) == {march}
    # The county's case is still registered: to be forwarded within 15 days, by 2026-04-16 (a Thursday).
    clock.set_day("2026-04-14")
    city = browser("city_approver")  # signed in again: the clock moved on by weeks
    assert refs_in(find(city, view="due_soon", q="建议")) == {county}
    clock.set_day("2026-04-20")
    city = browser("city_approver")
    assert refs_in(find(city, view="overdue", kind="suggestion")) == {county}
    assert refs_in(find(city, view="closed", q="建议")) == set()
    assert "登记起始日期不能晚于截止日期" in city.submit("/review/cases/search", {"from": "2026-04-02", "to": "2026-04-01"}).text


def test_a_case_out_of_scope_is_never_found(office):
    app, ctx, clock, browser = office
    ref = petition(app, "石家庄的事", "内容。", name="张三")
    sibling = browser("sibling_approver")
    assert refs_in(find(sibling, by="reference", q=ref)) == set()
    assert refs_in(find(sibling, by="name", q="张三")) == set()
    assert refs_in(find(sibling, q="石家庄")) == set()


def test_a_keyword_search_reads_a_bounded_number_of_cases_and_offers_to_go_on(office, monkeypatch):
    from functions.services import case_search, scope

    app, ctx, clock, browser = office
    monkeypatch.setattr(case_search, "SCAN_BUDGET", 4)
    monkeypatch.setattr(scope, "SCAN_BATCH", 2)
    old = petition(app, "很早的路灯问题", "路灯坏了。")
    for i in range(5):
        clock.now += dt.timedelta(minutes=1)
        petition(app, f"别的事情{i}", "别的内容。")
    city = browser("city_approver")
    first = find(city, q="路灯")
    assert refs_in(first) == set() and "本次查找了最近登记的 4 件，没有找到符合条件的" in first
    more = re.search(r'href="(/review/cases\?[^"]*after=[^"]+)">继续查找更早登记的', first).group(1)
    assert refs_in(city.get(more.replace("&amp;", "&")).text) == {old}


# --- saved filters ---------------------------------------------------------------------------------

def test_saved_filters_belong_to_one_account_and_never_keep_a_name(office):
    app, ctx, clock, browser = office
    accusation = petition(app, "检举", "反映违规问题。", kind="accusation")
    petition(app, "建议", "建议内容。", kind="suggestion")
    city, colleague = browser("city_approver"), browser("city_handler")
    saved = city.submit("/review/cases/filters", {"name": "检举件", "kind": "accusation"})
    assert saved.status_code == 303
    page = city.get("/review/cases").text
    link = re.search(r'<a href="(/review/cases\?[^"]+)">检举件</a>', page).group(1)
    assert refs_in(city.get(link.replace("&amp;", "&")).text) == {accusation}
    assert "检举件" not in colleague.get("/review/cases").text
    refused = city.submit("/review/cases/filters", {"name": "张三的", "by": "name", "q": "张三"})
    assert refused.status_code == 422 and "含有个人信息，不能保存" in refused.text
    assert "张三" not in str(ctx.store.get("saved_filter", "city_approver").data)
    assert city.submit("/review/cases/filters", {"delete": "检举件"}).status_code == 303
    assert "检举件" not in city.get("/review/cases").text


# --- bulk actions ----------------------------------------------------------------------------------

def test_bulk_accept_reports_each_case_and_a_conflict_changes_nothing_of_the_others(office):
    app, ctx, clock, browser = office
    refs = [petition(app, f"第{i}件", "内容。") for i in range(3)]
    city, colleague = browser("city_approver"), browser("city_approver")
    picks = [f"{ref}@{version_of(ctx, ref)}" for ref in refs]  # what the queue showed
    assert all(f'value="{pick}"' in city.get("/review/cases").text for pick in picks)
    # Meanwhile a colleague takes the second case ("我来处理"): its version moves on.
    assert colleague.submit(f"/review/cases/{refs[1]}/lock", {"version": version_of(ctx, refs[1])}).status_code == 303
    result = city.post("/review/cases/bulk", {"csrf": city.csrf(), "action": "accept", "pick": picks})
    assert result.status_code == 200
    assert "受理：2 件成功，1 件未能办理（见下表）" in result.text
    assert result.text.count("成功：已受理") == 2 and "已被他人修改" in result.text
    stages = [ctx.store.get("petition", ref).data["stage"] for ref in refs]
    assert stages == ["accepted", "registered", "accepted"]
    for ref in (refs[0], refs[2]):
        assert [e.action for e in ctx.store.audit_trail("petition", ref)].count("accept") == 1


def test_bulk_assign_sends_each_case_down_to_the_chosen_unit(office):
    app, ctx, clock, browser = office
    refs = [petition(app, f"第{i}件", "内容。") for i in range(2)]
    city = browser("city_approver")
    for ref in refs:
        act(city, ctx, ref, "accept")
    picks = [f"{ref}@{version_of(ctx, ref)}" for ref in refs]
    result = city.post("/review/cases/bulk", {"csrf": city.csrf(), "action": "assign", "target_unit": "130123",
                                              "pick": picks})
    assert result.text.count("成功：已交办至正定县") == 2 and "交办：2 件成功" in result.text
    assert {ctx.store.get("petition", ref).data["handling_unit"] for ref in refs} == {"130123"}
    missing = city.post("/review/cases/bulk", {"csrf": city.csrf(), "action": "assign", "pick": picks})
    assert missing.status_code == 422 and "请选择交办单位" in missing.text


def test_bulk_actions_are_for_approvers_and_need_a_ticked_case(office):
    app, ctx, clock, browser = office
    ref = petition(app, "一件", "内容。")
    handler = browser("city_handler")
    assert 'action="/review/cases/bulk"' not in handler.get("/review/cases").text
    refused = handler.post("/review/cases/bulk", {"csrf": handler.csrf(), "action": "accept",
                                                  "pick": f"{ref}@{version_of(ctx, ref)}"})
    assert refused.status_code == 200 and "办理员不能受理" in refused.text
    assert ctx.store.get("petition", ref).data["stage"] == "registered"
    city = browser("city_approver")
    none = city.post("/review/cases/bulk", {"csrf": city.csrf(), "action": "accept"})
    assert none.status_code == 422 and "请至少勾选一件信访事项" in none.text


# --- confirmations and success messages ----------------------------------------------------------

def test_closing_not_accepting_and_returning_ask_for_a_tick_first(office):
    app, ctx, clock, browser = office
    ref = petition(app, "不予受理的事", "内容。")
    city = browser("city_approver")
    page = city.get(f"/review/cases/{ref}").text
    assert re.search(r'<input type="checkbox" id="confirm-not_accept" name="confirm" value="yes" required>', page)
    unticked = act(city, ctx, ref, "not_accept", reason="不属于受理范围。")
    assert unticked.status_code == 422 and "请先勾选“我已核实：这件信访事项不予受理" in unticked.text
    assert ctx.store.get("petition", ref).data["stage"] == "registered"
    ticked = act(city, ctx, ref, "not_accept", reason="不属于受理范围。", confirm="yes")
    assert ticked.status_code == 303
    assert "已完成“不予受理”。" in city.get(ticked.headers["location"]).text

    returned = petition(app, "退回的事", "内容。")
    act(city, ctx, returned, "accept")
    act(city, ctx, returned, "assign", target_unit="130123")
    county = browser("county_handler")
    assert act(county, ctx, returned, "return", reason="不属于本县职责。").status_code == 422
    back = act(county, ctx, returned, "return", reason="不属于本县职责。", confirm="yes")
    assert back.status_code == 303  # no longer the county's: the list, saying what happened to which case
    assert f"信访事项 {returned}：已完成“退回（非本单位职责）”。" in county.get(back.headers["location"]).text


def test_every_change_says_it_succeeded(office):
    app, ctx, clock, browser = office
    ref = petition(app, "一件", "内容。")
    city = browser("city_approver")
    for path, fields, said in ((f"/review/cases/{ref}/lock", {}, "已标记为由您处理"),
                               (f"/review/cases/{ref}/note", {"note": "先电话联系。"}, "备注已添加。"),
                               (f"/review/cases/{ref}/action", {"action": "accept"}, "已完成“受理”。")):
        answer = city.submit(path, {"version": version_of(ctx, ref), **fields})
        assert answer.status_code == 303
        assert said in city.get(answer.headers["location"]).text


# --- Chinese timelines and the audit log -----------------------------------------------------------

def test_the_timeline_says_who_did_what_and_when_in_chinese(office):
    app, ctx, clock, browser = office
    clock.set_day("2026-03-02", hour=9)
    ref = petition(app, "一件", "内容。")
    city = browser("city_approver")
    act(city, ctx, ref, "accept")
    clock.set_day("2026-03-02", hour=15)
    city = browser("city_approver")  # signed in again after the afternoon's break
    act(city, ctx, ref, "assign", target_unit="130123")
    timeline = browser("county_handler").get(f"/review/cases/{ref}").text.split("办理记录")[1]
    assert "2026-03-02 09:00</span> 信访人：提交" in timeline
    assert "2026-03-02 09:00</span> 张华（石家庄市 · 审核员）：受理" in timeline
    assert "2026-03-02 15:00</span> 张华（石家庄市 · 审核员）：交办至正定县" in timeline
    assert "city_approver" not in timeline and "assign" not in timeline


def test_the_audit_log_filters_by_person_action_case_unit_and_dates(office):
    app, ctx, clock, browser = office
    clock.set_day("2026-03-02")
    first = petition(app, "第一件", "内容。")
    clock.set_day("2026-03-05")
    second = petition(app, "第二件", "内容。", unit="130123")
    city, county = browser("city_approver"), browser("county_approver")
    act(city, ctx, first, "accept")
    act(county, ctx, second, "accept")
    auditor = browser("province_auditor")

    def rows(**params) -> list[dict[str, str]]:
        """The log's rows as {column: text}."""
        query = "&".join(f"{k}={v}" for k, v in params.items())
        body = auditor.get(f"/review/audit?{query}").text.split("<tbody>")[1]
        return [{label: re.sub(r"<[^>]+>", "", text) for label, text in
                 re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row)} for row in body.split("<tr>")[1:]]

    accepted = rows(action="accept")
    assert [r["操作"] for r in accepted] == ["受理", "受理"]
    assert {r["人员"] for r in accepted} == {"王芳（正定县 · 审核员）", "张华（石家庄市 · 审核员）"}
    by_person = rows(person="city_approver", action="accept")
    assert [r["对象"] for r in by_person] == [f"信访事项 {first}"]
    assert {r["对象"] for r in rows(case=second)} == {f"信访事项 {second}"}
    assert {"提交", "受理"} <= {r["操作"] for r in rows(case=second)}
    assert {r["所属单位"] for r in rows(unit="130123")} == {"正定县"}
    dated = rows(**{"from": "2026-03-05", "to": "2026-03-05"}, action="submitted")
    assert [r["对象"] for r in dated] == [f"信访事项 {second}"]
    assert "起始日期应为日期" in auditor.get("/review/audit?from=yesterday").text


def test_the_filtered_audit_log_pages(office, monkeypatch):
    app, ctx, clock, browser = office
    monkeypatch.setattr(audit_log, "PAGE", 3)
    refs = [petition(app, f"第{i}件", "内容。") for i in range(7)]
    auditor = browser("province_auditor")
    seen, url = [], "/review/audit?action=submitted"
    while url:
        html = auditor.get(url).text
        seen += re.findall(r'信访事项 ([A-Z0-9-]+)</a>', html)
        found = re.search(r'href="(/review/audit\?[^"]+)">下一页', html)
        url = found.group(1).replace("&amp;", "&") if found else None
        assert "action=submitted" in (url or "action=submitted")
    assert seen == list(reversed(refs))  # newest first, each once


def test_a_member_of_staff_without_access_to_cases_is_told_which_role_it_needs(office):
    app, ctx, clock, browser = office
    answer = browser("province_admin").get("/review/cases")
    assert answer.status_code == 403
    assert "需要办理员、审核员或审计员角色，您的角色是管理员" in answer.text and "没有这个页面" not in answer.text
