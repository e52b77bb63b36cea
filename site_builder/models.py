"""Content models: one Pydantic definition per concept, shared by the builder, the search index
and the functions. Importable without MkDocs (the bottom floor of the import graph).

Field names follow the glossary in docs/architecture.md; values a reader sees stay in Chinese.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]


class Strict(BaseModel):
    """Unknown fields are errors: a typo in front matter must not vanish silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- organisation network ---------------------------------------------------------------------

class UnitLevel(str, enum.Enum):
    province = "province"
    city = "city"
    county = "county"
    town = "town"
    party_body = "party_body"  # 党委部门 (办公厅, 组织部, 纪委监委, 信访局 …) of a province, city or county


UNIT_LEVEL_LABELS = {UnitLevel.province: "省", UnitLevel.city: "市", UnitLevel.county: "县（市、区）",
                     UnitLevel.town: "乡镇（街道）", UnitLevel.party_body: "党委部门"}
REGIONS = frozenset({UnitLevel.province, UnitLevel.city, UnitLevel.county, UnitLevel.town})


UNIT_CODE_PATTERN = r"^\d{6}(\d{3})?$"  # 行政区划代码: 6 digits, 9 for towns; party bodies: parent + 9xx


class Unit(Strict):
    code: Annotated[str, StringConstraints(pattern=UNIT_CODE_PATTERN)]
    name: NonEmpty
    organ: NonEmpty  # the party committee that speaks for the unit, e.g. 中共河北省委
    level: UnitLevel
    parent: str | None = None
    # The city whose code this county carries when another unit leads it (容城县 130629 carries
    # 保定市's code and is led by 雄安新区 133100). Only for the code check; the tree uses `parent`.
    coded_under: str | None = None

    @property
    def is_region(self) -> bool:
        """A place (province … town), not a party body: where people live, for survey regions."""
        return self.level in REGIONS

    @property
    def description(self) -> str:
        """One line for the unit's page: its kind and its code."""
        if self.level is UnitLevel.party_body:
            return f"党委部门，单位代码 {self.code}"
        return f"{UNIT_LEVEL_LABELS[self.level]}级单位，行政区划代码 {self.code}"


# --- documents --------------------------------------------------------------------------------

class Kind(str, enum.Enum):
    regulation = "regulation"
    policy = "policy"
    news = "news"
    consultation = "consultation"
    chronicle = "chronicle"
    survey = "survey"
    congress = "congress"
    research = "research"


KIND_LABELS = {Kind.regulation: "党内法规", Kind.policy: "政策文件", Kind.news: "新闻",
               Kind.consultation: "征求意见", Kind.chronicle: "大事记", Kind.survey: "网络调查",
               Kind.congress: "代表大会", Kind.research: "调研成果"}

# 效力位阶: the party-regulation ranks first, then the ranks used for normative documents.
PARTY_REGULATION_LEVELS = ("党章", "准则", "条例", "规定", "办法", "规则", "细则")
NORMATIVE_DOCUMENT_LEVELS = ("决定", "意见", "通知")
Level = Literal["党章", "准则", "条例", "规定", "办法", "规则", "细则", "决定", "意见", "通知"]


class Validity(str, enum.Enum):
    not_yet_effective = "not_yet_effective"
    effective = "effective"
    amended = "amended"
    repealed = "repealed"

    @property
    def label(self) -> str:
        return VALIDITY_LABELS[self]


VALIDITY_LABELS = {Validity.not_yet_effective: "尚未生效", Validity.effective: "有效",
                   Validity.amended: "已修改", Validity.repealed: "已废止"}

_DOC_NUMBER_NOISE = re.compile(r"[\s〔〕\[\]［］()（）【】第号]")


def normalize_doc_number(doc_number: str) -> str:
    """冀办发〔2006〕12号, 冀办发[2006]12号 and 冀办发2006 12号 all become 冀办发200612.

    Used for duplicate detection at build time and for 文号 lookups in search.
    """
    return _DOC_NUMBER_NOISE.sub("", doc_number).upper()


def _not_before(later: dt.date, earlier: dt.date | None, message: str) -> dt.date:
    # `earlier` is None when that field itself failed validation (reported on its own line).
    if earlier is not None and later < earlier:
        raise ValueError(message)
    return later


class PublishedDocument(Strict):
    """Fields every public document has (front matter of a Markdown page)."""

    title: Title
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    tags: list[NonEmpty] = Field(default_factory=list)
    draft: bool = False  # checked like the rest, but not built, listed, indexed or registered


class NormativeDocument(PublishedDocument):
    """A policy or regulation: issued by a unit, with 文号, dates and version links."""

    doc_number: NonEmpty | None = None
    issuer: NonEmpty  # unit code or name; the loader resolves it to a code
    published: dt.date
    effective: dt.date
    category: NonEmpty
    amends: list[NonEmpty] = Field(default_factory=list)
    repeals: list[NonEmpty] = Field(default_factory=list)

    @field_validator("effective")
    @classmethod
    def _effective_not_before_published(cls, effective: dt.date, info: ValidationInfo) -> dt.date:
        return _not_before(effective, info.data.get("published"), "施行日期不能早于公布日期")


class Policy(NormativeDocument):
    pass


class Regulation(NormativeDocument):
    level: Level

    @property
    def family(self) -> str:
        return "党内法规" if self.level in PARTY_REGULATION_LEVELS else "规范性文件"


NEWS_CATEGORIES = ("要闻", "基层动态", "通知公告")
NewsCategory = Literal["要闻", "基层动态", "通知公告"]


class News(PublishedDocument):
    date: dt.date
    categories: list[NewsCategory] = Field(min_length=1)
    unit: NonEmpty | None = None


class Consultation(PublishedDocument):
    unit: NonEmpty
    opens: dt.date
    closes: dt.date

    @field_validator("closes")
    @classmethod
    def _window(cls, closes: dt.date, info: ValidationInfo) -> dt.date:
        return _not_before(closes, info.data.get("opens"), "征求意见截止日期不能早于开始日期")


class ChronicleEntry(Strict):
    date: dt.date
    event: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=500)]
    unit: NonEmpty | None = None


class Chronicle(Strict):
    entries: list[ChronicleEntry] = Field(min_length=1)


# --- surveys ----------------------------------------------------------------------------------

QuestionType = Literal["single", "multiple", "scale", "text", "number"]
QUESTION_TYPE_LABELS = {"single": "单选", "multiple": "多选", "scale": "量表", "text": "文字", "number": "数字"}
QUESTION_ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


class ShowIf(Strict):
    question: NonEmpty
    equals: str | int


class Question(Strict):
    id: Annotated[str, StringConstraints(pattern=QUESTION_ID_PATTERN)]
    text: NonEmpty
    type: QuestionType
    required: bool = False
    options: list[NonEmpty] = Field(default_factory=list)
    max_choices: int | None = Field(default=None, ge=1)
    min: int | None = None
    max: int | None = None
    max_length: int = Field(default=500, ge=1, le=5000)
    show_if: ShowIf | None = None

    @model_validator(mode="after")
    def _shape(self):
        choice = self.type in ("single", "multiple")
        if choice and len(self.options) < 2:
            raise ValueError("单选题和多选题至少需要两个选项")
        if not choice and self.options:
            raise ValueError(f"{QUESTION_TYPE_LABELS[self.type]}题（{self.type}）不能设置 options")
        if len(set(self.options)) != len(self.options):
            raise ValueError("选项不能重复")
        if self.max_choices is not None:
            if self.type != "multiple":
                raise ValueError("只有多选题可以设置 max_choices")
            if self.max_choices > len(self.options):
                raise ValueError("max_choices 不能大于选项数")
        if self.type == "scale":
            if self.min is None or self.max is None:
                raise ValueError("量表题必须设置 min 和 max")
        if self.min is not None and self.max is not None and self.max <= self.min:
            raise ValueError("max 必须大于 min")
        if self.type in ("single", "multiple", "text") and (self.min is not None or self.max is not None):
            raise ValueError(f"{QUESTION_TYPE_LABELS[self.type]}题（{self.type}）不能设置 min/max")
        return self

    def allows(self, value: str | int) -> bool:
        """Whether `value` is a possible answer (used to check show_if conditions)."""
        if self.type in ("single", "multiple"):
            return value in self.options
        if self.type in ("scale", "number"):
            if not isinstance(value, int) or isinstance(value, bool):
                return False
            return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)
        return isinstance(value, str)


class Survey(Strict):
    title: Title
    unit: NonEmpty
    opens: dt.date
    closes: dt.date
    description: str = ""
    questions: list[Question] = Field(min_length=1)

    @field_validator("closes")
    @classmethod
    def _window(cls, closes: dt.date, info: ValidationInfo) -> dt.date:
        return _not_before(closes, info.data.get("opens"), "调查截止日期不能早于开始日期")

    @field_validator("questions")
    @classmethod
    def _question_ids_unique(cls, questions: list[Question]) -> list[Question]:
        seen: set[str] = set()
        for q in questions:
            if q.id in seen:
                raise ValueError(f"题目编号 {q.id} 重复")
            seen.add(q.id)
        return questions


# --- the committees' databases: 代表大会 and 调研成果 -----------------------------------------------

CONGRESS_DOCUMENT_TYPES = ("报告", "决议")
CongressDocumentType = Literal["报告", "决议"]


class CongressSession(Strict):
    """One meeting of a congress (预备会议, 第一次全体会议 …): when and where."""

    name: NonEmpty
    opens: dt.date
    closes: dt.date
    place: NonEmpty

    @field_validator("closes")
    @classmethod
    def _window(cls, closes: dt.date, info: ValidationInfo) -> dt.date:
        return _not_before(closes, info.data.get("opens"), "会议结束日期不能早于开始日期")


class CongressDocument(Strict):
    """A report or resolution of a congress: a link to the published document on the site."""

    type: CongressDocumentType
    path: NonEmpty  # content path of the document, e.g. news/posts/x.md


class Congress(PublishedDocument):
    """A 代表大会 a unit convenes; `title` is its name, e.g. 中国共产党河北省第十次代表大会."""

    unit: NonEmpty  # the unit whose congress it is (code, name or organ)
    sessions: list[CongressSession] = Field(min_length=1)
    delegates: int = Field(ge=1, le=100000)  # 代表人数
    documents: list[CongressDocument] = Field(default_factory=list)

    @field_validator("sessions")
    @classmethod
    def _sessions_in_order(cls, sessions: list[CongressSession]) -> list[CongressSession]:
        names: set[str] = set()
        for earlier, later in zip(sessions, sessions[1:], strict=False):
            if later.opens < earlier.opens:
                raise ValueError(f"会议应按时间先后排列：“{later.name}”早于“{earlier.name}”")
        for session in sessions:
            if session.name in names:
                raise ValueError(f"会议名称“{session.name}”重复")
            names.add(session.name)
        return sessions

    @property
    def date(self) -> dt.date:
        """The day the congress opened (its first session): what listings sort and group by."""
        return self.sessions[0].opens


class Research(PublishedDocument):
    """A 调研成果: a report of a unit's research on one topic, linked to the rules it informs."""

    unit: NonEmpty
    date: dt.date
    topic: NonEmpty  # 调研主题, e.g. 基层治理; listings group by it
    related: list[NonEmpty] = Field(default_factory=list)  # regulations/policies, as content paths


FRONT_MATTER_MODELS: dict[Kind, type[PublishedDocument]] = {
    Kind.regulation: Regulation,
    Kind.policy: Policy,
    Kind.news: News,
    Kind.consultation: Consultation,
    Kind.congress: Congress,
    Kind.research: Research,
}


# --- working-day calendar (content/calendar.yaml) ---------------------------------------------

class CalendarDay(Strict):
    """A day the editors mark working or non-working; it wins over the `holidays` package."""

    date: dt.date
    working: bool
    note: NonEmpty  # why, e.g. the State Council notice it comes from


class Mailbox(Strict):
    """A 领导信箱 a unit opens for a named office (content/mailboxes.yaml)."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    name: Title  # e.g. 省委书记信箱
    unit: NonEmpty  # the unit whose staff handle what comes in (code, name or organ)
    description: str = ""


class Mailboxes(Strict):
    mailboxes: list[Mailbox] = Field(default_factory=list)


class CalendarOverride(Strict):
    """content/calendar.yaml (optional). Duplicate dates are reported by the loader, at their line."""

    entries: list[CalendarDay] = Field(default_factory=list)
