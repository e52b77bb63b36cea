"""What the petitioner is told, and when: one short Chinese message per step that matters to them.

Messages carry the reference and, where it helps, the unit or the reason, but never the query code
or what the petitioner wrote; the tracking page has the rest. Pure: the services put the messages in
the outbox in the same transaction as the change they tell of.
"""

from __future__ import annotations

from dataclasses import dataclass

from .case import Case
from .notify_text import SIGNATURE, shorten


@dataclass(frozen=True)
class Notice:
    kind: str     # the step: accept, not_accept, assign, extend, reply, answer_review, recovery, digest
    channel: str  # "sms" or "email"
    to: str
    subject: str
    text: str


def _track(site_url: str) -> str:
    return site_url.rstrip("/") + "/petition/track/"


def _text(case: Case, action: str, names: dict[str, str], site_url: str) -> str | None:
    ref = case.reference
    unit = names.get(case.handling_unit, case.handling_unit)
    if action == "accept":
        return f"您的信访事项 {ref} 已受理，承办单位：{unit}。"
    if action == "not_accept":
        reason = shorten(case.public_reply.text if case.public_reply else "", 60)
        return f"您的信访事项 {ref} 不予受理。理由：{reason}。详见 {_track(site_url)}"
    if action == "assign":
        return f"您的信访事项 {ref} 已交办至{unit}办理。"
    if action == "extend" and case.extension is not None:
        return (f"您的信访事项 {ref} 办理期限延长 {case.extension.days} 天，至 {case.extension.until}。"
                f"理由：{shorten(case.extension.reason, 60)}")
    if action == "reply":
        return f"您的信访事项 {ref} 已答复，请凭受理编号和查询码到 {_track(site_url)} 查看。"
    if action == "answer_review":
        which = "复核" if case.review_count >= 2 else "复查"
        return f"您的信访事项 {ref} 的{which}意见已出，请到 {_track(site_url)} 查看。"
    return None


def notices_for(before: Case, after: Case, action: str, names: dict[str, str], site_url: str) -> list[Notice]:
    """The messages a step sends to the petitioner who opted in (none otherwise)."""
    if after.notify is None:
        return []
    to = after.contact.mobile if after.notify == "sms" else after.contact.email
    text = _text(after, action, names, site_url)
    if not to or text is None:
        return []
    return [Notice(kind=action, channel=after.notify, to=to, subject=f"信访事项 {after.reference} 办理进展",
                   text=f"{SIGNATURE}{text}")]


def recovery_notice(case: Case, code: str) -> Notice:
    """The one-time code that lets the petitioner set a new query code (valid 10 minutes)."""
    assert case.contact.mobile
    return Notice(kind="recovery", channel="sms", to=case.contact.mobile, subject="",
                  text=f"{SIGNATURE}验证码 {code}，10 分钟内有效，用于重新获取信访事项 {case.reference} 的查询码。"
                       "如非本人操作，请忽略。")


