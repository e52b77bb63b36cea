"""Hot topics name what this period's petitions are about that earlier ones were not: parking and
e-bike charging this month after a winter of heating complaints, not 晚上, 方便, 增加 or 严重不足."""

from __future__ import annotations

import datetime as dt

import pytest

from functions.domain.access import Role
from functions.domain.petitions import PetitionIn
from functions.services import dashboard, petitions
from functions.services.accounts import Staff
from functions.services.context import PortalContext
from functions.services.topics import hot_topics, terms_of
from tests.contexts import memory_context

WINTER = [  # the months before: heating, and one about fees
    "小区供暖温度不达标，晚上室内只有十几度，希望增加供暖时间",
    "冬季供暖不热，要求供热公司尽快维修暖气",
    "老旧小区暖气管道漏水，供暖效果差，晚上很冷",
    "供暖费收费标准不合理，希望调整，方便困难群众",
    "小区供暖温度偏低，老人孩子受冻，问题严重不足以保障",
    "物业公司乱收物业费，服务质量差",
    "村里道路破损严重，晚上出行不方便，希望尽快修路",
    "供热管网老化，供暖时断时续",
]
THIS_MONTH = [  # parking (4), e-bike charging (3), and single petitions on other things
    "小区停车位严重不足，晚上回家没有地方停车，希望增加停车位，方便居民",
    "小区停车位被外来车辆占用，业主晚上停车难",
    "建议在老旧小区增加停车位，缓解停车难",
    "小区停车位收费标准过高，车位严重不足还要涨价",
    "电动自行车充电难，楼道里私拉电线充电存在安全隐患，建议安装充电桩",
    "小区没有电动自行车充电设施，晚上只能在楼道充电，很不方便",
    "希望增加电动自行车充电桩，方便居民充电",
    "今年供暖什么时候开始，希望增加供暖天数",
    "村卫生室晚上没有医生值班",
]
NOISE = {"晚上", "方便", "增加", "严重不足", "希望", "没有", "建议", "居民", "问题"}


def terms(topics) -> list[str]:
    return [t.term for t in topics]


def test_the_hottest_topics_are_parking_and_e_bike_charging():
    found = terms(hot_topics(THIS_MONTH, WINTER))
    assert "停车位" in found[0] and any("充电" in t for t in found[1:3]), found
    assert "充电桩" in found


def test_words_every_petition_uses_are_not_topics():
    found = set(terms(hot_topics(THIS_MONTH, WINTER)))
    assert not found & NOISE and not any(word in t for t in found for word in ("晚上", "方便", "严重不足"))


def test_last_winters_topic_is_not_hot_this_month_though_one_petition_mentions_it():
    found = terms(hot_topics(THIS_MONTH, WINTER))
    assert not any("供暖" in t for t in found)
    assert any("供暖" in t for t in terms(hot_topics(WINTER, [])))  # it was, in its own months


def test_a_word_common_to_both_periods_is_not_hot_even_if_most_petitions_use_it():
    earlier = ["小区绿化带被毁", "小区垃圾清运不及时", "小区路灯不亮", "小区电梯经常停运"] * 2
    found = terms(hot_topics(THIS_MONTH, earlier))
    assert "小区" not in found and "停车位" in "".join(found)


def test_a_term_in_a_single_petition_is_not_a_topic():
    assert "卫生室" not in "".join(terms(hot_topics(THIS_MONTH, WINTER)))


def test_person_names_and_numbers_never_become_topics():
    assert {"张三", "13800138000"}.isdisjoint(terms_of("张三反映13800138000号码被冒用，张三要求核查"))


def test_dictionary_terms_of_party_work_stay_whole():
    assert "发展党员" in terms_of("村里发展党员程序不规范，发展党员公示走过场")


# --- on the dashboard ---------------------------------------------------------------------------

@pytest.fixture
def ctx() -> PortalContext:
    return memory_context()


def submit(ctx, day: dt.date, text: str) -> None:
    ctx.clock.now = dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.timezone.utc)
    petitions.submit_petition(ctx, PetitionIn.model_validate(
        {"kind": "suggestion", "unit": "130100", "subject": text[:20], "body": text,
         "contact": {"name": "张三", "mobile": "13800138000"}}))


def test_the_dashboard_lists_this_months_topics_against_the_six_months_before(ctx):
    for i, text in enumerate(WINTER):
        submit(ctx, dt.date(2026, 1 + i % 5, 10), text)
    submit(ctx, dt.date(2025, 6, 5), "小区停车位不够用，晚上停车难")  # seven months back: not the background
    for i, text in enumerate(THIS_MONTH):
        submit(ctx, dt.date(2026, 6, 1 + i), text)
    view = dashboard.dashboard(ctx, Staff("city", "市审核员", "130100", Role.approver), dt.date(2026, 6, 20))
    assert view["month_total"] == len(THIS_MONTH)
    first, count = view["topics"][0]
    assert "停车位" in first and count == 3  # 小区停车位, in three of this month's petitions
    assert not {term for term, _ in view["topics"]} & NOISE
