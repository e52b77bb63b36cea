"""E-mail through Amazon SES (SendEmail, plain text, UTF-8), from a verified sender address."""

from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .protocol import DeliveryFailed, Message

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
_PERMANENT = {"MessageRejected", "InvalidParameterValue", "MailFromDomainNotVerifiedException"}


class SesEmail:
    def __init__(self, sender: str, client=None):
        self.sender = sender
        self.client = client or boto3.client("ses", config=_CONFIG)

    def send(self, message: Message) -> None:
        if message.channel != "email":
            raise DeliveryFailed("邮件通道只发送电子邮件", permanent=True)
        try:
            self.client.send_email(
                Source=self.sender, Destination={"ToAddresses": [message.to]},
                Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"},
                         "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}}})
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise DeliveryFailed(f"邮件服务拒绝发送（{code}）", permanent=code in _PERMANENT) from None
        except BotoCoreError as exc:
            raise DeliveryFailed(f"邮件服务暂时无法连接（{type(exc).__name__}）") from None


class ByChannel:
    """One Notifier over two: SMS to one adapter, e-mail to the other (the AWS setup)."""

    def __init__(self, sms, email):
        self.sms, self.email = sms, email

    def send(self, message: Message) -> None:
        (self.sms if message.channel == "sms" else self.email).send(message)
