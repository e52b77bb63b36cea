"""The petition case (信访件) as one typed object: its stages and their named subsets, deadlines,
queue order, history, and what the petitioner may see of it.

A Case is stored as the `data` of a Store record (`Case.to_data()`), except what grows with its
history (`APPENDED`: steps, notes, returns, review answers), which is kept as items of its own beside
it (`Case.appended`, `Case.from_stored`), so a case never outgrows one stored item. Every stage change
goes through the one transition table in `functions.domain.transitions`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .time_limits import CHINA, TIME_LIMITS, Limit, china_date

COLLECTION = "petition"  # the Store collection of cases
FINISHED_SORT = "~"      # finished cases sort after every open deadline in a unit's queue
# The lists a case is in (see Case.listings): open cases in QUEUE by nearest deadline, finished ones in
# DONE by the day they closed, every case in its stage's list and in RECEIVED by the time it came in.
QUEUE, DONE, RECEIVED = "queue", "done", "received"
FACTS = "facts"  # every case by arrival, with what the figures need (functions.domain.statistics.CaseFacts)
TOPIC_TEXT = 1000  # characters of subject and body the dashboard's topics read from the RECEIVED list
# What grows with a case's history: kept as separate items, appended to, never rewritten.
APPENDED: tuple[str, ...] = ("steps", "notes", "returns", "review_answers")


def stage_listing(stage: Stage | str) -> str:
    return f"stage:{stage.value if isinstance(stage, Stage) else stage}"


class PetitionKind(str, enum.Enum):
    suggestion = "suggestion"
    accusation = "accusation"
    appeal = "appeal"
    inquiry = "inquiry"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


# Kinds that may be published with the petitioner's consent (留言选登); 检举控告 and 申诉求决 never are.
PUBLISHABLE_KINDS = frozenset({PetitionKind.suggestion, PetitionKind.inquiry})
KIND_LABELS = {PetitionKind.suggestion: "建议意见", PetitionKind.accusation: "检举控告",
               PetitionKind.appeal: "申诉求决", PetitionKind.inquiry: "咨询"}


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
                Stage.assigned: "已交办", Stage.in_progress: "办理中", Stage.returned: "已退回",
                Stage.replied: "已答复", Stage.review: "复查中", Stage.re_review: "复核中",
                Stage.closed: "已办结"}
# Named subsets: the one definition of "finished" and "open" for queues, dashboards and exports.
FINISHED: frozenset[Stage] = frozenset({Stage.closed, Stage.not_accepted})
OPEN: frozenset[Stage] = frozenset(Stage) - FINISHED
REVIEWING: frozenset[Stage] = frozenset({Stage.review, Stage.re_review})  # a 复查/复核 is pending


class Rating(str, enum.Enum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    dissatisfied = "dissatisfied"

    @property
    def label(self) -> str:
        return RATING_LABELS[self]


RATING_LABELS = {Rating.satisfied: "满意", Rating.basically_satisfied: "基本满意", Rating.dissatisfied: "不满意"}


class _Part(BaseModel):
    # Stored data written by an earlier version may carry fields no longer used: ignore them.
    model_config = ConfigDict(extra="ignore")


class ContactDetails(_Part):
    """The petitioner's contact data as validated at submission (see petitions.Contact)."""

    name: str | None = None
    mobile: str | None = None
    email: str | None = None
    id_number: str | None = None


class PublicReply(_Part):
    text: str
    date: dt.date
    kind: Literal["reply", "not_accepted", "review"] = "reply"


class Extension(_Part):
    days: int
    reason: str
    date: dt.date
    until: dt.date | None = None  # the new handling deadline


class Return(_Part):
    unit: str     # the unit that objected
    reason: str
    date: dt.date


class ReviewRequest(_Part):
    level: Literal["review", "re_review"]
    reason: str
    date: dt.date
    from_unit: str  # the unit whose answer is contested
    to_unit: str    # the unit that reviews it (one level up)


class ReviewAnswer(_Part):
    text: str
    date: dt.date
    unit: str | None = None


class RatingEntry(_Part):
    """满意度评价 of one answer: the reply (answer 0), the 复查 answer (1) or the 复核 answer (2)."""

    rating: Rating
    comment: str | None = None
    date: dt.date
    answer: int
    unit: str  # the unit whose answer was rated


class Note(_Part):
    by: str
    name: str
    at: dt.datetime
    text: str


class EditLock(_Part):
    by: str
    name: str
    until: dt.datetime


class Recovery(_Part):
    """A one-time code sent to recover a lost query code (only its keyed hash is kept)."""

    digest: str
    tries: int = 0
    until: dt.datetime


class Publication(_Part):
    """留言选登: the message and its reply as published (personal details edited out by staff)."""

    subject: str
    text: str
    reply: str
    published_on: dt.date
    unit: str                  # the unit whose reply is published
    withdrawn_on: dt.date | None = None


class Step(_Part):
    """One step of the case's history, as the petitioner may see it: what happened, where, when."""

    action: str            # a transition name, or "registered"
    label: str             # e.g. 受理, 交办下级
    stage: Stage           # the stage after the step
    unit: str | None = None  # the unit that acted (None: the petitioner)
    to_unit: str | None = None  # where the case went (交办, 退回, 复查)
    at: dt.datetime


class Case(_Part):
    reference: str
    query_code_hash: str
    kind: PetitionKind
    stage: Stage
    unit: str            # the unit the petition was addressed to
    handling_unit: str   # the unit working on it now
    subject: str
    body: str
    contact: ContactDetails = Field(default_factory=ContactDetails)
    anonymous: bool = False
    notify: Literal["sms", "email"] | None = None  # the petitioner's opt-in for progress messages
    mailbox: str | None = None        # 领导信箱: the office it was written to
    publish_consent: bool = False     # may be published after the reply (never for 检举控告/申诉求决)
    publication: Publication | None = None
    attachments: list[str] = Field(default_factory=list)
    attachment_names: dict[str, str] = Field(default_factory=dict)  # as the petitioner's files were named
    received: dt.datetime
    deadlines: dict[Limit, dt.date] = Field(default_factory=dict)
    public_reply: PublicReply | None = None
    extension: Extension | None = None
    ratings: list[RatingEntry] = Field(default_factory=list)
    accepted_on: dt.date | None = None
    assigned_by: str | None = None
    assigned_on: dt.date | None = None
    closed_on: dt.date | None = None
    returns: list[Return] = Field(default_factory=list)
    review_requests: list[ReviewRequest] = Field(default_factory=list)
    review_answers: list[ReviewAnswer] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    lock: EditLock | None = None
    recovery: Recovery | None = None
    steps: list[Step] = Field(default_factory=list)

    # -- storage ------------------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Case:
        return cls.model_validate(data)

    @classmethod
    def from_stored(cls, data: dict[str, Any], appended: dict[str, list[dict[str, Any]]]) -> Case:
        """The case from its stored data and its appended items by kind. Data written before the
        appended lists moved out still carries them inline: those are used when no items exist."""
        merged = {**data, **{kind: items for kind, items in appended.items() if kind in APPENDED and items}}
        return cls.model_validate(merged)

    def to_data(self) -> dict[str, Any]:
        """What the case's own stored item holds: everything but the appended lists."""
        return self.model_dump(mode="json", exclude_none=True, exclude=set(APPENDED))

    def appended(self, kind: str, start: int = 0) -> list[dict[str, Any]]:
        """The entries of one appended list from `start` on, as stored."""
        return [entry.model_dump(mode="json", exclude_none=True) for entry in getattr(self, kind)[start:]]

    # -- derived facts --------------------------------------------------------------------------

    @property
    def extended(self) -> bool:
        return self.extension is not None

    @property
    def finished(self) -> bool:
        return self.stage in FINISHED

    @property
    def rating(self) -> Rating | None:
        """The petitioner's rating of the answer they have now (each answer is rated once at most)."""
        current = [r for r in self.ratings if r.answer == self.review_count]
        return current[-1].rating if current else None

    @property
    def published(self) -> bool:
        return self.publication is not None and self.publication.withdrawn_on is None

    @property
    def review_count(self) -> int:
        """How many 复查/复核 answers the case has had (at most two)."""
        return len(self.review_answers)

    def nearest_deadline(self) -> dt.date | None:
        """The earliest deadline still running, or None (a finished case has none)."""
        return min(self.deadlines.values(), default=None)

    def queue_sort(self) -> str:
        """The one queue order: open cases by their nearest deadline (ISO date), then finished ones
        (and open ones without a deadline) by the day they closed."""
        due = self.nearest_deadline()
        if self.finished or due is None:
            return FINISHED_SORT + (self.closed_on.isoformat() if self.closed_on else "")
        return due.isoformat()

    def received_day(self) -> dt.date:
        return china_date(self.received)

    def queue_summary(self) -> dict[str, Any]:
        """What a queue page and its CSV export show of a case (kept beside each list entry, so a page
        of the queue never reads whole cases): codes, not labels; dates as ISO text."""
        due = None if self.finished else self.nearest_deadline()
        return {"subject": self.subject, "kind": self.kind.value, "stage": self.stage.value,
                "handling_unit": self.handling_unit, "deadline": due.isoformat() if due else None,
                "received": self.received.isoformat(), "rating": self.rating.value if self.rating else None,
                "review_reasons": "；".join(r.reason for r in self.review_requests),
                "attachments": "、".join(self.attachment_names.get(a, a) for a in self.attachments),
                "mailbox": self.mailbox}

    def listings(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(list, sort, what it shows) for each list the case is in: QUEUE while open (by nearest
        deadline) or DONE once finished (by the day it closed), its stage's list (same order), and
        RECEIVED (by arrival, with what the queue shows and the text the dashboard's topics and the
        keyword search read)."""
        summary = self.queue_summary()
        sort = self.queue_sort()
        text = f"{self.subject} {self.body}"[:TOPIC_TEXT]
        return [(DONE if self.finished else QUEUE, sort, summary), (stage_listing(self.stage), sort, summary),
                (RECEIVED, self.received.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"),
                 {**summary, "text": text})]


# --- what the petitioner sees -------------------------------------------------------------------

class DeadlineOut(BaseModel):
    name: Limit
    label: str
    date: dt.date


class StepOut(BaseModel):
    label: str
    stage_label: str
    unit: str | None = Field(description="办理单位名称；信访人本人的操作为空")
    to_unit: str | None = None
    at: dt.datetime = Field(description="北京时间")


class ExtensionOut(BaseModel):
    days: int
    reason: str
    until: dt.date | None


class PublicStatus(BaseModel):
    """What the tracking page may show: no contact data, no internal notes, no staff names."""

    reference: str
    kind: PetitionKind
    kind_label: str
    stage: Stage
    stage_label: str
    handling_unit: str = Field(description="承办单位名称")
    received: dt.datetime = Field(description="登记时间（北京时间）")
    deadlines: list[DeadlineOut]
    extended: bool
    extension: ExtensionOut | None = None
    reply: PublicReply | None = None
    rating: Rating | None = None
    steps: list[StepOut] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list,
                               description="信访人现在可以进行的操作：rate（评价）、request_review（请求复查）、"
                                           "request_re_review（请求复核）")
    review_request_until: dt.date | None = Field(None, description="可以请求复查（复核）的最后一天")


def public_status(case: Case, unit_names: dict[str, str], actions: Sequence[str] = ()) -> PublicStatus:
    def name(code: str | None) -> str | None:
        return None if code is None else unit_names.get(code, code)

    until = case.deadlines.get(Limit.review_request) or case.deadlines.get(Limit.re_review_request)
    return PublicStatus(
        reference=case.reference, kind=case.kind, kind_label=case.kind.label, stage=case.stage,
        stage_label=case.stage.label, handling_unit=name(case.handling_unit) or "",
        received=case.received.astimezone(CHINA),
        deadlines=[DeadlineOut(name=limit, label=TIME_LIMITS[limit].label, date=day)
                   for limit, day in sorted(case.deadlines.items(), key=lambda item: item[1])],
        extended=case.extended,
        extension=ExtensionOut(days=case.extension.days, reason=case.extension.reason, until=case.extension.until)
        if case.extension else None,
        reply=case.public_reply, rating=case.rating,
        steps=[StepOut(label=s.label, stage_label=s.stage.label, unit=name(s.unit), to_unit=name(s.to_unit),
                       at=s.at.astimezone(CHINA)) for s in case.steps],
        actions=list(actions), review_request_until=until if actions else None)
