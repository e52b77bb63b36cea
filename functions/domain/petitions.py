"""Petitions (信访件): what the public sends, the stages a case goes through, what the public may see."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .identity import validate_id_number, validate_mobile
from .text import Line, Text
from .time_limits import TIME_LIMITS, Limit, calendar_deadline, china_date

MAX_ATTACHMENTS = 5


class PetitionKind(str, enum.Enum):
    suggestion = "suggestion"
    accusation = "accusation"
    appeal = "appeal"
    inquiry = "inquiry"

    @property
    def label(self) -> str:
        return {"suggestion": "建议意见", "accusation": "检举控告", "appeal": "申诉求决", "inquiry": "咨询"}[self.value]


class Stage(str, enum.Enum):
    registered = "registered"
    accepted = "accepted"
    not_accepted = "not_accepted"
    assigned = "assigned"
    in_progress = "in_progress"
    returned = "returned"
    replied = "replied"
    review = "review"
    re_review = "re_review"
    closed = "closed"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {Stage.registered: "已登记", Stage.accepted: "已受理", Stage.not_accepted: "不予受理",
                Stage.assigned: "已交办", Stage.in_progress: "办理中", Stage.returned: "退回",
                Stage.replied: "已答复", Stage.review: "复查中", Stage.re_review: "复核中",
                Stage.closed: "已办结"}


class PublicInput(BaseModel):
    """Anything the public sends: unknown fields are refused with a clear message, not ignored.

    Its repr shows field names only: libraries log arguments at debug level, and these hold
    names, mobile numbers and ID numbers that must never reach a log."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    def __repr_args__(self):
        return [(name, "…") for name in type(self).model_fields]


class Contact(PublicInput):
    name: Line(50) | None = None
    mobile: Annotated[str, AfterValidator(validate_mobile)] | None = None
    email: Annotated[Line(100), Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    id_number: Annotated[str, AfterValidator(validate_id_number)] | None = None


class PetitionIn(PublicInput):
    kind: PetitionKind
    unit: Annotated[str, Field(pattern=r"^\d{6}(\d{3})?$", description="受理单位的行政区划代码")]
    subject: Line(100)
    body: Text(5000, min_chars=10)
    contact: Contact = Field(default_factory=Contact)
    attachments: list[Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pdf|jpg|png)$")]] = Field(
        default_factory=list, max_length=MAX_ATTACHMENTS, description="先通过 /api/uploads 上传后得到的附件编号")

    @model_validator(mode="after")
    def _named_unless_accusation(self):
        # 检举控告 may be anonymous; every other kind needs someone to answer to.
        if self.kind is not PetitionKind.accusation:
            missing = [label for label, value in (("姓名", self.contact.name), ("手机号码", self.contact.mobile))
                       if not value]
            if missing:
                raise ValueError(f"{self.kind.label}需要填写{'和'.join(missing)}（只有检举控告可以匿名）")
        if len(set(self.attachments)) != len(self.attachments):
            raise ValueError("附件重复")
        return self


def initial_case(petition: PetitionIn, reference: str, query_code_hash: str, received: dt.datetime) -> dict:
    """The stored data of a newly registered petition, with its first deadlines."""
    day = china_date(received)
    return {
        "reference": reference,
        "query_code_hash": query_code_hash,
        "kind": petition.kind.value,
        "stage": Stage.registered.value,
        "unit": petition.unit,
        "handling_unit": petition.unit,
        "subject": petition.subject,
        "body": petition.body,
        "contact": petition.contact.model_dump(exclude_none=True),
        "anonymous": not (petition.contact.name or petition.contact.mobile),
        "attachments": list(petition.attachments),
        "received": received.isoformat(),
        "deadlines": {
            Limit.assign.value: calendar_deadline(day, Limit.assign).isoformat(),
            Limit.accept_decision.value: calendar_deadline(day, Limit.accept_decision).isoformat(),
        },
        "public_reply": None,
        "extended": False,
        "rating": None,
    }


def public_status(case: dict, unit_names: dict[str, str]) -> dict:
    """What the tracking page may show: no contact data, no internal notes, no query-code hash."""
    stage = Stage(case["stage"])
    deadlines = [{"name": name, "label": TIME_LIMITS[Limit(name)].label, "date": day}
                 for name, day in sorted(case.get("deadlines", {}).items(), key=lambda item: item[1])]
    reply = case.get("public_reply")
    return {
        "reference": case["reference"],
        "kind": case["kind"],
        "kind_label": PetitionKind(case["kind"]).label,
        "stage": stage.value,
        "stage_label": stage.label,
        "handling_unit": unit_names.get(case["handling_unit"], case["handling_unit"]),
        "received": case["received"],
        "deadlines": deadlines,
        "extended": case.get("extended", False),
        "reply": reply,
        "rating": case.get("rating"),
    }
