"""The Notifier: sends one short message by SMS or e-mail. Messages are queued in the Store (the
outbox, written in the same transaction as the change they tell of) and handed to a Notifier after
commit by functions.services.notifications; a Notifier only delivers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Channel = Literal["sms", "email"]


@dataclass(frozen=True)
class Message:
    id: str              # the outbox record's key: the same message is never sent under two ids
    channel: Channel
    to: str              # a mobile number (11 digits) or an e-mail address
    subject: str         # e-mail subject; SMS carry only `text`
    text: str


class DeliveryFailed(Exception):
    """The provider refused or could not be reached; `reason` is safe to show to admins (no address)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent  # e.g. an invalid number: retrying will not help


@runtime_checkable
class Notifier(Protocol):
    def send(self, message: Message) -> None:
        """Deliver the message or raise DeliveryFailed."""
