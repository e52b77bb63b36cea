"""A petitioner's whole road on the pages, without JavaScript: submit with SMS opt-in, follow the
history, rate the reply, ask for 复查 (which goes to the parent of the unit that replied) and 复核,
and recover a lost query code."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from functions.domain.case import COLLECTION, Case
from functions.services import notifications
from tests.integration.review_support import Browser
from tests.integration.test_review_casework import act, office  # noqa: F401 - the fixture

PETITION = {"kind": "appeal", "unit": "130100", "subject": "低保评定不公开",
            "body": "村里低保名单没有公示，请核查评定过程。", "contact": {"name": "王五", "mobile": "13700137000"},
            "notify": "sms"}


def track(public, reference, code):
    return public.post("/forms/track", {"reference": reference, "query_code": code})


@pytest.fixture
def replied(office):
    """A petition to 石家庄市, assigned to 正定县, which replied on 2026-06-10."""
    app, ctx, clock, browser = office
    public = Browser(app)
    receipt = public.post("/api/petitions", json=PETITION, headers={"Idempotency-Key": "p" * 20}).json()
    ref, code = receipt["reference"], receipt["query_code"]
    city, county = browser("city_approver"), browser("county_handler")
    act(city, ctx, ref, "accept")
    act(city, ctx, ref, "assign", target_unit="130123")
    act(county, ctx, ref, "start")
    clock.set_day("2026-06-10")  # days later: staff sign in again
    act(browser("county_handler"), ctx, ref, "reply", reply="经核查，已责成村委会补充公示。")
    return app, ctx, clock, browser, public, ref, code


def test_the_tracking_page_shows_every_step_in_china_time_without_staff_names(replied):
    app, ctx, clock, browser, public, ref, code = replied
    page = track(public, ref, code).text
    steps = re.findall(r'<li><span class="portal-step-time">([^<]+)</span> ([^<（]+)', page)
    assert [label.strip() for _, label in steps] == ["登记", "受理", "交办下级", "开始办理", "答复"]
    assert steps[0][0] == "2026-06-01 10:00" and steps[-1][0] == "2026-06-10 10:00"
    assert "（至正定县）" in page and "经核查，已责成村委会补充公示。" in page
    for secret in ("city_approver", "county_handler", "王五", "13700137000"):
        assert secret not in page
    assert "查询另一件信访事项" in page


def test_the_petitioner_rates_the_reply_once(replied):
    app, ctx, clock, browser, public, ref, code = replied
    rated = public.post("/forms/track/rate", {"reference": ref, "query_code": code, "rating": "basically_satisfied",
                                             "comment": "处理及时。"})
    assert rated.status_code == 200 and "感谢您的评价" in rated.text and "您对这次答复的评价：基本满意" in rated.text
    assert 'action="/forms/track/rate"' not in rated.text  # no second rating form
    again = public.post("/forms/track/rate", {"reference": ref, "query_code": code, "rating": "satisfied"})
    assert again.status_code == 409 and "评价过" in again.text
    assert Case.from_data(ctx.store.get(COLLECTION, ref).data).ratings[0].comment == "处理及时。"


def test_a_review_goes_to_the_parent_of_the_county_that_replied_and_then_a_second_one_to_the_province(replied):
    app, ctx, clock, browser, public, ref, code = replied
    clock.set_day("2026-07-10")  # the 30th day after the reply
    asked = public.post("/forms/track/review", {"reference": ref, "query_code": code, "reason": "公示只贴了一天。"})
    assert asked.status_code == 200 and "已转上一级单位办理" in asked.text
    assert "复查中" in asked.text and "石家庄市" in asked.text
    assert 'action="/forms/track/rate"' not in asked.text  # no rating while a review is pending
    city = browser("city_approver")
    assert ref in city.get("/review/cases").text
    act(city, ctx, ref, "answer_review", reply="复查认为原答复正确，维持。")
    page = track(public, ref, code).text
    assert "请求复核" in page and "复查（复核）意见" in page
    second = public.post("/forms/track/review", {"reference": ref, "query_code": code, "reason": "复查没有回应。"})
    assert second.status_code == 200 and "复核中" in second.text and "河北省" in second.text


def test_a_review_cannot_be_asked_for_after_thirty_days(replied):
    app, ctx, clock, browser, public, ref, code = replied
    clock.set_day("2026-07-11")
    page = track(public, ref, code).text
    assert 'action="/forms/track/review"' not in page
    late = public.post("/forms/track/review", {"reference": ref, "query_code": code, "reason": "还是不满意。"})
    assert late.status_code == 409 and "已过" in late.text
    assert Case.from_data(ctx.store.get(COLLECTION, ref).data).stage.value == "replied"


def test_a_review_reason_with_control_characters_is_refused_on_the_page(replied):
    app, ctx, clock, browser, public, ref, code = replied
    refused = public.post("/forms/track/review", {"reference": ref, "query_code": code, "reason": "不满意\x00\x1b"})
    assert refused.status_code == 422 and "控制字符" in refused.text


def recover(public, **fields):
    return public.post("/forms/track/recover", fields)


def sms_codes(ctx) -> list[str]:
    messages = [m for m in notifications.messages(ctx, notifications.SENT)[0]
                + notifications.messages(ctx, notifications.PENDING)[0] if m.data["kind"] == "recovery"]
    return [re.search(r"验证码 (\d{6})", m.data["text"]).group(1) for m in messages]


def test_a_lost_query_code_is_recovered_by_sms_and_the_old_one_stops_working(replied):
    app, ctx, clock, browser, public, ref, old_code = replied
    asked = recover(public, reference=ref, mobile="13700137000")
    assert asked.status_code == 200 and "验证码已发送" in asked.text
    [one_time] = sms_codes(ctx)
    done = recover(public, reference=ref, code=one_time)
    assert done.status_code == 200
    new_code = re.search(r"data-query-code>([^<]+)<", done.text).group(1)
    assert track(public, ref, new_code).status_code == 200
    assert track(public, ref, old_code).status_code == 404
    assert recover(public, reference=ref, code=one_time).status_code == 404  # used once


def test_an_unknown_reference_or_another_mobile_is_answered_the_same(replied):
    app, ctx, clock, browser, public, ref, code = replied
    def answer(reference, mobile, who=public):  # the page, without the reference the person typed back
        return recover(who, reference=reference, mobile=mobile).text.replace(reference, "…")

    answers = {answer(ref, "13900139000"), answer("XF260601-ZZZZZ", "13700137000")}
    real = answer(ref, "13700137000", Browser(app, address="198.51.100.8"))
    assert len(answers) == 1 and answers == {real}
    assert len(sms_codes(ctx)) == 1  # only the real one was sent


def test_a_wrong_or_expired_one_time_code_gives_no_new_query_code(replied):
    app, ctx, clock, browser, public, ref, code = replied
    recover(public, reference=ref, mobile="13700137000")
    [one_time] = sms_codes(ctx)
    wrong = str((int(one_time) + 1) % 10**6).zfill(6)
    for _ in range(5):
        assert recover(public, reference=ref, code=wrong).status_code == 404
    assert recover(public, reference=ref, code=one_time).status_code == 404  # five tries used up
    recover(public, reference=ref, mobile="13700137000")
    fresh = sms_codes(ctx)[-1]
    clock.now += dt.timedelta(minutes=11)
    assert recover(public, reference=ref, code=fresh).status_code == 404  # expired
    assert track(public, ref, code).status_code == 200  # the old code still works: nothing was renewed


def test_asking_for_one_time_codes_is_limited(replied):
    app, ctx, clock, browser, public, ref, code = replied
    statuses = [recover(public, reference=ref, mobile="13700137000").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert len(sms_codes(ctx)) == 3
