"""Petitions (信访件): what the public sends. The case they become is functions.domain.case."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from .case import PUBLISHABLE_KINDS, Case, ContactDetails, PetitionKind, Stage, Step
from .identity import validate_id_number, validate_mobile
from .text import Words
from .time_limits import Limit, calendar_deadline, china_date

MAX_ATTACHMENTS = 5
AttachmentId = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pdf|jpg|png)$")]


class PublicInput(BaseModel):
    """Anything the public sends: unknown fields are refused with a clear message, not ignored.

    Its repr shows field names only: libraries log arguments at debug level, and these hold
    names, mobile numbers and ID numbers that must never reach a log."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    def __repr_args__(self) -> list[tuple[str, str]]:
        return [(name, "…") for name in type(self).model_fields]


class Contact(PublicInput):
    name: Annotated[str, Words(50, one_line=True)] | None = None
    mobile: Annotated[str, AfterValidator(validate_mobile)] | None = None
    email: Annotated[str, Words(100, one_line=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    id_number: Annotated[str, AfterValidator(validate_id_number)] | None = None


class PetitionIn(PublicInput):
    kind: PetitionKind
    unit: Annotated[str, Field(pattern=r"^\d{6}(\d{3})?$", description="受理单位的行政区划代码")]
    subject: Annotated[str, Words(100, one_line=True)]
    body: Annotated[str, Words(5000, min_chars=10)]
    contact: Contact = Field(default_factory=Contact)
    attachments: list[AttachmentId] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS, description="先通过 /api/uploads 上传后得到的附件编号")
    notify: Literal["sms", "email"] | None = Field(
        None, description="办理进展通知：sms（发到所填手机号码）或 email（发到所填电子邮箱）；不填则不通知")
    mailbox: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")] | None = Field(
        None, description="写给领导信箱时，信箱的编号（见网站“领导信箱”栏目）")
    publish_consent: StrictBool = Field(
        False, description="同意在答复后公开留言（不公开姓名和联系方式）；检举控告、申诉求决不公开")
    attachment_names: dict[AttachmentId, Annotated[str, Words(200, one_line=True)]] = Field(
        default_factory=dict, max_length=MAX_ATTACHMENTS, description="附件编号 → 信访人电脑上的文件名（供工作人员辨认）")

    @model_validator(mode="after")
    def _named_unless_accusation(self) -> PetitionIn:
        # 检举控告 may be anonymous; every other kind needs someone to answer to.
        if self.kind is not PetitionKind.accusation:
            missing = [label for label, value in (("姓名", self.contact.name), ("手机号码", self.contact.mobile))
                       if not value]
            if missing:
                raise ValueError(f"{self.kind.label}需要填写{'和'.join(missing)}（只有检举控告可以匿名）")
        if len(set(self.attachments)) != len(self.attachments):
            raise ValueError("附件重复")
        if set(self.attachment_names) - set(self.attachments):
            raise ValueError("附件名称对应的附件不在附件列表中")
        if self.publish_consent and self.kind not in PUBLISHABLE_KINDS:
            raise ValueError(f"{self.kind.label}不公开，不能选择同意公开")
        if self.notify == "sms" and not self.contact.mobile:
            raise ValueError("选择短信通知时请填写手机号码")
        if self.notify == "email" and not self.contact.email:
            raise ValueError("选择邮件通知时请填写电子邮箱")
        return self


def initial_case(petition: PetitionIn, reference: str, query_code_hash: str, received: dt.datetime) -> Case:
    """The case a petition becomes when it is registered, with its first deadlines counted from its
    China date."""
    day = china_date(received)
    contact = ContactDetails(**petition.contact.model_dump())
    return Case(
        reference=reference, query_code_hash=query_code_hash, kind=petition.kind, stage=Stage.registered,
        unit=petition.unit, handling_unit=petition.unit, subject=petition.subject, body=petition.body,
        contact=contact, anonymous=not (contact.name or contact.mobile), attachments=list(petition.attachments),
        attachment_names=dict(petition.attachment_names), notify=petition.notify, mailbox=petition.mailbox,
        publish_consent=petition.publish_consent, received=received,
        deadlines={Limit.assign: calendar_deadline(day, Limit.assign),
                   Limit.accept_decision: calendar_deadline(day, Limit.accept_decision)},
        steps=[Step(action="registered", label="登记", stage=Stage.registered, unit=petition.unit, at=received)])
