"""The petitioner is told of each step that matters, by the channel they chose, on every adapter;
messages never carry the query code or what the petitioner wrote; nothing is lost or sent twice."""

from __future__ import annotations

import datetime as dt

import pytest

from functions.domain.access import Role
from functions.domain.case import COLLECTION
from functions.domain.petitions import PetitionIn
from functions.domain.transitions import ActionInput
from functions.notify.protocol import DeliveryFailed
from functions.services import casework, notifications, petitions
from functions.services.accounts import Staff
from functions.services.context import PortalContext
from functions.store.memory import MemoryStore
from site_builder.loader import load_content
from site_builder.org import OrgTree
from site_builder.registry import Registry
from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY

CITY = Staff("city", "市审核员", "130100", Role.approver)
COUNTY = Staff("county", "县办理员", "130123", Role.handler)
CITY_PARENT = Staff("province", "省审核员", "130000", Role.approver)
BODY = "建议社区党组织每月公开党费使用情况，账目要清楚。"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


class Recorder:
    """A Notifier that keeps what it was asked to send, and can be told to fail."""

    def __init__(self) -> None:
        self.sent: list = []
        self.failing: DeliveryFailed | None = None

    def send(self, message) -> None:
        if self.failing:
            raise self.failing
        self.sent.append(message)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_content(load_content(FIXTURE_CONTENT, today=FIXTURE_TODAY))


@pytest.fixture
def ctx(registry) -> PortalContext:
    return PortalContext(store=MemoryStore(tree=OrgTree(registry.units)), registry=registry, secret_key=b"k" * 32, clock=Clock(),
                         notifier=Recorder(), site_url="https://dangjian.example.cn/")


def submit(ctx, notify="sms", **contact):
    contact = contact or {"name": "张三", "mobile": "13800138000", "email": "zhangsan@example.com"}
    return petitions.submit_petition(ctx, PetitionIn.model_validate(
        {"kind": "suggestion", "unit": "130100", "subject": "社区党费公开", "body": BODY, "contact": contact,
         "notify": notify}))


def act(ctx, staff, reference, action, **inputs):
    version = ctx.store.get(COLLECTION, reference).version
    return casework.act(ctx, staff, reference, action, version, ActionInput(**inputs))


def walk_the_whole_road(ctx, receipt):
    ref = receipt.reference
    act(ctx, CITY, ref, "accept")
    act(ctx, CITY, ref, "assign", target_unit="130123")
    act(ctx, COUNTY, ref, "start")
    act(ctx, Staff("county_approver", "县审核员", "130123", Role.approver), ref, "extend", days=20,
        reason="需要到村里实地核查。")
    act(ctx, COUNTY, ref, "reply", reply="已督促社区每月公开。")
    petitions.request_review(ctx, ref, receipt.query_code, "公开的内容不全。")
    act(ctx, CITY, ref, "answer_review", reply="复查认为答复正确。")


def test_every_step_that_matters_sends_one_short_message_with_the_reference(ctx):
    receipt = submit(ctx)
    walk_the_whole_road(ctx, receipt)
    texts = [m.text for m in ctx.notifier.sent]
    assert texts == [
        f"【河北党建网】您的信访事项 {receipt.reference} 已受理，承办单位：石家庄市。",
        f"【河北党建网】您的信访事项 {receipt.reference} 已交办至正定县办理。",
        f"【河北党建网】您的信访事项 {receipt.reference} 办理期限延长 20 天，至 2026-08-20。理由：需要到村里实地核查。",
        f"【河北党建网】您的信访事项 {receipt.reference} 已答复，请凭受理编号和查询码到 "
        "https://dangjian.example.cn/petition/track/ 查看。",
        f"【河北党建网】您的信访事项 {receipt.reference} 的复查意见已出，请到 "
        "https://dangjian.example.cn/petition/track/ 查看。",
    ]
    assert {m.to for m in ctx.notifier.sent} == {"13800138000"} and {m.channel for m in ctx.notifier.sent} == {"sms"}


def test_no_message_holds_the_query_code_or_what_the_petitioner_wrote(ctx):
    receipt = submit(ctx, notify="email")
    walk_the_whole_road(ctx, receipt)
    for message in ctx.notifier.sent:
        for secret in (receipt.query_code, receipt.query_code.replace("-", ""), BODY, "社区党费公开", "张三"):
            assert secret not in message.text and secret not in message.subject
    assert {m.to for m in ctx.notifier.sent} == {"zhangsan@example.com"}


def test_a_refusal_tells_the_reason(ctx):
    receipt = submit(ctx)
    act(ctx, CITY, receipt.reference, "not_accept", reason="所反映问题不属于党组织职责范围，请向人民法院提起诉讼。")
    [message] = ctx.notifier.sent
    assert "不予受理。理由：所反映问题不属于党组织职责范围" in message.text


def test_without_an_opt_in_nothing_is_sent(ctx):
    receipt = submit(ctx, notify=None)
    walk_the_whole_road(ctx, receipt)
    assert ctx.notifier.sent == [] and notifications.messages(ctx, notifications.PENDING)[0] == []


def test_a_provider_failure_never_breaks_the_step_and_the_message_is_retried_later(ctx):
    receipt = submit(ctx)
    ctx.notifier.failing = DeliveryFailed("短信服务暂时无法连接（EndpointConnectionError）")
    act(ctx, CITY, receipt.reference, "accept")  # the step itself succeeds
    assert ctx.store.get(COLLECTION, receipt.reference).data["stage"] == "accepted"
    [waiting] = notifications.messages(ctx, notifications.PENDING)[0]
    assert waiting.data["attempts"] == 1 and "暂时无法连接" in waiting.data["last_error"]
    assert notifications.deliver_due(ctx) == 0  # not due yet: back-off
    ctx.notifier.failing = None
    ctx.clock.now += dt.timedelta(seconds=61)
    assert notifications.deliver_due(ctx) == 1
    assert len(ctx.notifier.sent) == 1 and notifications.deliver_due(ctx) == 0
    assert len(ctx.notifier.sent) == 1  # sent once


def test_a_message_that_keeps_failing_ends_up_visible_to_admins_who_can_retry(ctx):
    receipt = submit(ctx)
    ctx.notifier.failing = DeliveryFailed("短信服务拒绝发送（InvalidParameter）", permanent=True)
    act(ctx, CITY, receipt.reference, "accept")
    admin = Staff("admin", "管理员", "130000", Role.admin)
    [row] = notifications.overview(ctx, admin)[notifications.FAILED]
    assert row.to == "138****8000" and "InvalidParameter" in row.last_error and "13800138000" not in repr(row)
    ctx.notifier.failing = None
    notifications.retry(ctx, admin, row.key)
    assert notifications.deliver_due(ctx) == 1 and len(ctx.notifier.sent) == 1


def test_a_message_claimed_by_a_process_that_died_is_flagged_not_resent(ctx):
    receipt = submit(ctx)
    ctx.notifier.failing = DeliveryFailed("x")
    act(ctx, CITY, receipt.reference, "accept")
    [record] = notifications.messages(ctx, notifications.PENDING)[0]
    notifications._move(ctx, record, notifications.SENDING, "2026-06-01T02:00:00.000000+00:00", "claimed")
    ctx.notifier.failing = None
    ctx.clock.now += dt.timedelta(minutes=11)
    notifications.deliver_due(ctx)
    assert ctx.notifier.sent == []
    [failed] = notifications.messages(ctx, notifications.FAILED)[0]
    assert "发送状态不明" in failed.data["last_error"]


def test_staff_get_one_daily_digest_of_their_units_late_and_nearly_late_cases(ctx):
    from functions.services import accounts

    accounts.add_staff(ctx.store, "city_handler", "市办理员", "130100", Role.handler, "a-long-test-password", "t",
                       ctx.clock(), email="city@example.cn")
    receipt = submit(ctx, notify=None)
    act(ctx, CITY, receipt.reference, "accept")  # to be handled within 60 days
    ctx.clock.now = dt.datetime(2026, 7, 29, 1, 0, tzinfo=dt.timezone.utc)  # 2 working days left
    assert notifications.daily_digest(ctx) == 1 and notifications.daily_digest(ctx) == 0  # once a day
    notifications.deliver_due(ctx)
    [digest] = ctx.notifier.sent
    assert digest.to == "city@example.cn" and f"即将超期：{receipt.reference}" in digest.text
    assert "社区党费公开" not in digest.text and "张三" not in digest.text
