"""领导信箱, 留言选登 and 办理情况统计 as the public and staff use them: a letter to a mailbox (with and
without JavaScript), publication only with consent and never for 检举控告 or 申诉求决, redaction by
default, publish and withdraw audited, the public pages showing no personal data, the figures."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from functions.domain.case import COLLECTION, Case
from functions.domain.redaction import redact
from functions.services import case_store
from tests.integration.review_support import Browser
from tests.integration.test_review_casework import act, office  # noqa: F401 - the fixture
from tests.stored import stored

NAME, MOBILE, ID_NUMBER = "王小明", "13700137000", "11010519491231002X"
LETTER = {"kind": "suggestion", "unit": "130000", "mailbox": "shengwei-shuji", "subject": "关于王小明家门口路灯的建议",
          "body": f"我叫{NAME}，住在石家庄市长安区建设北大街38号，电话{MOBILE}，身份证{ID_NUMBER}。建议夜间延长路灯开放时间。",
          "contact": {"name": NAME, "mobile": MOBILE, "id_number": ID_NUMBER}, "publish_consent": True}


def post(public, body, key):
    return public.post("/api/petitions", json=body, headers={"Idempotency-Key": key * 20})


def replied(ctx, browser, ref, unit_staff="province_approver"):
    staff = browser(unit_staff)
    act(staff, ctx, ref, "accept")
    act(staff, ctx, ref, "start")
    act(staff, ctx, ref, "reply", reply=f"已转交城管部门，{NAME}反映的路灯已调整。")
    return staff


@pytest.fixture
def province(office):
    from functions.domain.access import Role
    from functions.services import accounts
    from tests.integration.review_support import PASSWORD

    app, ctx, clock, browser = office
    accounts.add_staff(ctx.store, "province_approver", "省审核员", "130000", Role.approver, PASSWORD, "t", ctx.clock())
    return office


def test_a_letter_to_the_mailbox_page_goes_to_its_unit_with_a_mailbox_label(province):
    app, ctx, clock, browser = province
    public = Browser(app)
    page = public.get("/mailboxes/shengwei-shuji/").text
    assert "省委书记信箱" in page and 'name="mailbox" value="shengwei-shuji"' in page
    assert 'value="accusation"' not in page and 'value="appeal"' not in page
    receipt = post(public, LETTER, "m").json()
    case = Case.from_data(ctx.store.get(COLLECTION, receipt["reference"]).data)
    assert case.mailbox == "shengwei-shuji" and case.handling_unit == "130000"
    queue = browser("province_approver").get("/review/cases").text
    assert '<span class="tag">信箱</span>' in queue
    assert "信箱：省委书记信箱" in browser("province_approver").get(f"/review/cases/{receipt['reference']}").text


def test_a_letter_to_the_mailbox_without_javascript_is_a_form_post(province):
    app, ctx, clock, browser = province
    fields = {"kind": "inquiry", "unit": "130000", "mailbox": "shengwei-shuji", "subject": "咨询党员组织关系转接",
              "body": "外出务工党员的组织关系如何转接？", "contact.name": "李四", "contact.mobile": "13900139000",
              "publish_consent": "true", "idempotency_key": "", "website": ""}
    response = Browser(app).post("/forms/petition", fields)
    assert response.status_code == 303 and response.headers["location"] == "/forms/receipt"
    [record] = stored(ctx, COLLECTION, "130000")
    case = case_store.load(ctx, record.key).case
    assert case.mailbox == "shengwei-shuji" and case.publish_consent is True


def test_a_mailbox_takes_only_its_own_unit_and_kinds(province):
    app, ctx, clock, browser = province
    public = Browser(app)
    wrong_unit = post(public, {**LETTER, "unit": "130100"}, "u")
    assert wrong_unit.status_code == 422 and "由河北省办理" in wrong_unit.json()["message"]
    accusation = post(public, {**LETTER, "kind": "accusation", "publish_consent": False}, "k")
    assert accusation.status_code == 422 and "检举控告" in accusation.json()["message"]
    unknown = post(public, {**LETTER, "mailbox": "nobody"}, "n")
    assert unknown.status_code == 422


def test_consent_cannot_be_given_for_an_accusation_or_an_appeal(province):
    app, ctx, clock, browser = province
    for kind, key in (("accusation", "a"), ("appeal", "b")):
        body = {**LETTER, "kind": kind, "mailbox": None, "unit": "130100"}
        refused = post(Browser(app), body, key)
        assert refused.status_code == 422 and "不公开" in refused.json()["message"]


def test_publishing_starts_from_a_redacted_copy_beside_the_original(province):
    app, ctx, clock, browser = province
    ref = post(Browser(app), LETTER, "r").json()["reference"]
    staff = replied(ctx, browser, ref)
    page = staff.get(f"/review/cases/{ref}").text
    assert "公开选登" in page and "原文：留言" in page
    textareas = dict(re.findall(r'<textarea id="(subject|body|reply)-publish"[^>]*>([^<]*)</textarea>', page))
    for secret in (NAME, MOBILE, ID_NUMBER, "建设北大街38号"):
        assert all(secret not in text for text in textareas.values()), secret
    assert "［已隐去］" in textareas["body"] and "建议夜间延长路灯开放时间" in textareas["body"]


def test_without_consent_there_is_nothing_to_publish(province):
    app, ctx, clock, browser = province
    ref = post(Browser(app), {**LETTER, "publish_consent": False}, "c").json()["reference"]
    staff = replied(ctx, browser, ref)
    assert "公开选登" not in staff.get(f"/review/cases/{ref}").text
    refused = act(staff, ctx, ref, "publish", subject="标题", body="内容", reply="答复")
    assert refused.status_code == 409 and "没有同意公开" in refused.text


def publish(ctx, staff, ref):
    page = staff.get(f"/review/cases/{ref}").text
    fields = dict(re.findall(r'<textarea id="(subject|body|reply)-publish"[^>]*>([^<]*)</textarea>', page))
    import html

    return act(staff, ctx, ref, "publish", **{k: html.unescape(v) for k, v in fields.items()})


def test_a_published_letter_shows_no_personal_data_and_a_withdrawal_takes_it_down_at_once(province):
    app, ctx, clock, browser = province
    public = Browser(app)
    ref = post(public, LETTER, "p").json()["reference"]
    staff = replied(ctx, browser, ref)
    assert publish(ctx, staff, ref).status_code == 303
    listing = public.get("/messages/").text
    item = public.get(f"/messages/{ref}").text
    for text in (listing, item):
        for secret in (NAME, MOBILE, ID_NUMBER, "建设北大街38号"):
            assert secret not in text, secret
    assert "建议夜间延长路灯开放时间" in item and "领导信箱" in item and "路灯已调整" in item
    found = public.get("/messages/?" + urlencode({"q": "路灯"})).text
    assert f"/messages/{ref}" in found
    assert f"/messages/{ref}" not in public.get("/messages/?" + urlencode({"q": "低保"})).text
    assert f"/messages/{ref}" in public.get("/messages/?unit=130000&kind=mailbox").text
    assert f"/messages/{ref}" not in public.get("/messages/?unit=130100").text  # not the city's

    assert act(staff, ctx, ref, "withdraw", reason="信访人要求撤回。").status_code == 303
    assert public.get(f"/messages/{ref}").status_code == 404
    assert f"/messages/{ref}" not in public.get("/messages/").text
    actions = [e.action for e in ctx.store.audit_trail(COLLECTION, ref)]
    assert actions[-2:] == ["publish", "withdraw"]
    assert [e.action for e in ctx.store.audit_trail("published_message", ref)] == ["submitted", "withdrawn"]


def test_the_redaction_masks_what_identifies_a_person():
    text = redact(f"我叫{NAME}，电话{MOBILE}，邮箱wxm@example.com，身份证{ID_NUMBER}，住兴华小区3栋2单元501室。", [NAME])
    for secret in (NAME, MOBILE, "wxm@example.com", ID_NUMBER, "兴华小区3栋2单元501室"):
        assert secret not in text
    assert text.count("［已隐去］") >= 5


def test_the_handling_figures_per_unit_count_what_happened(province):
    """Three cases to 石家庄市 and one to 保定市 in June 2026, with known outcomes."""
    app, ctx, clock, browser = province
    public = Browser(app)
    base = {"kind": "suggestion", "subject": "建议", "body": "建议改进社区党建工作的方式方法。",
            "contact": {"name": "赵六", "mobile": "13800138000"}}
    receipts = [post(public, {**base, "unit": unit}, key).json()
                for unit, key in (("130100", "1"), ("130100", "2"), ("130100", "3"), ("130600", "4"))]
    refs = [r["reference"] for r in receipts]
    city = browser("city_approver")
    for ref in refs[:2]:  # 石家庄市 accepts two on 1 June and replies on 11 June: 10 days, in time
        act(city, ctx, ref, "accept")
        act(city, ctx, ref, "start")
    clock.set_day("2026-06-11")
    city = browser("city_approver")
    for ref in refs[:2]:
        act(city, ctx, ref, "reply", reply="已研究采纳。")
    for receipt, rating in zip(receipts[:2], ("satisfied", "dissatisfied"), strict=True):
        assert public.post(f"/api/petitions/{receipt['reference']}/rating",
                           json={"query_code": receipt["query_code"], "rating": rating},
                           headers={"Idempotency-Key": rating * 3}).status_code == 200
    page = public.get("/messages/stats?month=2026-06").text
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S))

    def cells(name: str) -> list[str]:
        return re.findall(r"<td>\s*([^<]*?)\s*</td>", rows[name])

    assert cells("石家庄市") == ["3", "2", "2", "100.0%", "10.0", "50.0%"]
    assert cells("保定市") == ["1", "0", "0", "暂无", "暂无", "暂无"]
    assert "<svg" in page and "按期答复率" in page
