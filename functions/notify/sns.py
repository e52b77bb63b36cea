"""SMS through Amazon SNS (direct publish to a phone number, transactional). In the China regions SMS
need a registered sender and template with a domestic provider; SNS SMS there is not offered, see
infra/README.md."""

from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .protocol import DeliveryFailed, Message

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
_PERMANENT = {"InvalidParameter", "InvalidParameterValue", "OptedOut"}


class SnsSms:
    def __init__(self, client=None, sender_id: str | None = None):
        self.client = client or boto3.client("sns", config=_CONFIG)
        self.sender_id = sender_id

    def send(self, message: Message) -> None:
        if message.channel != "sms":
            raise DeliveryFailed("短信通道只发送短信", permanent=True)
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if self.sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": self.sender_id}
        try:
            self.client.publish(PhoneNumber=f"+86{message.to}", Message=message.text, MessageAttributes=attributes)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise DeliveryFailed(f"短信服务拒绝发送（{code}）", permanent=code in _PERMANENT) from None
        except BotoCoreError as exc:
            raise DeliveryFailed(f"短信服务暂时无法连接（{type(exc).__name__}）") from None
