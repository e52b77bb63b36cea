"""One contract, every Notifier: the local outbox folder, SNS (SMS) and SES (e-mail) under moto."""

from __future__ import annotations

import pytest

from functions.notify.protocol import DeliveryFailed, Message, Notifier

SMS = Message("m-1", "sms", "13800138000", "", "【河北党建网】您的信访事项 XF261127-7K3QM 已受理。")
EMAIL = Message("m-2", "email", "zhaoliu@example.com", "信访事项办理进度", "您的信访事项 XF261127-7K3QM 已答复。")
SENDER = "noreply@dangjian.example.cn"


REGION = "us-east-1"  # SES and SNS SMS are not offered in the China regions (see infra/README.md)


@pytest.fixture(params=["outbox", "sns", "ses"])
def notifier(request, tmp_path, aws_env, monkeypatch):
    """(notifier, the channel it serves, a function listing what it delivered as (to, text))."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    if request.param == "outbox":
        from functions.notify.outbox import OutboxFolder

        folder = OutboxFolder(tmp_path / "outbox")
        yield folder, None, lambda: [(m["to"], m["text"]) for m in folder.sent()]
        return
    import boto3
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID

    with mock_aws():
        if request.param == "sns":
            from moto.sns.models import sns_backends

            from functions.notify.sns import SnsSms

            backend = sns_backends[DEFAULT_ACCOUNT_ID][REGION]
            yield SnsSms(boto3.client("sns")), "sms", lambda: [(to, text) for to, text in backend.sms_messages.values()]
        else:
            from moto.ses.models import ses_backends

            from functions.notify.ses import SesEmail

            client = boto3.client("ses")
            client.verify_email_identity(EmailAddress=SENDER)
            backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
            yield SesEmail(SENDER, client), "email", lambda: [(m.destinations["ToAddresses"][0], m.body)
                                                              for m in backend.sent_messages]


def test_every_notifier_satisfies_the_protocol(notifier):
    assert isinstance(notifier[0], Notifier)


def test_a_message_is_delivered_once_with_its_chinese_text(notifier):
    sender, channel, delivered = notifier
    message = EMAIL if channel == "email" else SMS
    sender.send(message)
    [(to, text)] = delivered()
    assert text == message.text
    expected = {"sms": "+8613800138000", "email": "zhaoliu@example.com", None: "138****8000"}[channel]
    assert to == expected  # the local outbox masks what it writes down


def test_a_provider_refuses_a_message_of_the_other_channel_for_good(notifier):
    sender, channel, delivered = notifier
    if channel is None:  # the local outbox writes every channel down, so it delivers both
        sender.send(EMAIL)
        assert delivered() == [("zh*****@example.com", EMAIL.text)]
        return
    with pytest.raises(DeliveryFailed) as failed:
        sender.send(SMS if channel == "email" else EMAIL)
    assert failed.value.permanent and delivered() == []


def test_a_provider_refusal_is_a_delivery_failure_in_chinese(aws_env, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    import boto3
    from moto import mock_aws

    from functions.notify.ses import SesEmail

    with mock_aws():
        unverified = SesEmail("someone@unverified.example.cn", boto3.client("ses"))
        with pytest.raises(DeliveryFailed) as failed:
            unverified.send(EMAIL)
    assert "邮件服务拒绝发送" in failed.value.reason and "zhaoliu" not in failed.value.reason


def test_every_step_reaches_the_petitioner_through_each_adapter(notifier):
    """The whole road on the in-memory Store with this adapter: five steps, five messages."""
    import datetime as dt

    from functions.services.context import PortalContext
    from functions.store.memory import MemoryStore
    from site_builder.loader import load_content
    from site_builder.org import OrgTree
    from site_builder.registry import Registry
    from tests.conftest import FIXTURE_CONTENT, FIXTURE_TODAY
    from tests.unit.test_notifications import submit, walk_the_whole_road

    sender, channel, delivered = notifier
    registry = Registry.from_content(load_content(FIXTURE_CONTENT, today=FIXTURE_TODAY))
    ctx = PortalContext(store=MemoryStore(tree=OrgTree(registry.units)), secret_key=b"k" * 32, registry=registry,
                        clock=lambda: dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc), notifier=sender)
    receipt = submit(ctx, notify="email" if channel == "email" else "sms")
    walk_the_whole_road(ctx, receipt)
    sent = delivered()
    assert len(sent) == 5
    assert [text.split("您的信访事项 ", 1)[1].split(" ", 1)[0] for _, text in sent] == [receipt.reference] * 5
    assert all(receipt.query_code not in text for _, text in sent)
