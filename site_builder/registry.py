"""build/registry.json: what the functions need from content (units, surveys, consultation windows,
working-day calendar overrides), in the same models, so nothing at runtime parses Markdown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .articles import article_ids
from .loader import ContentSet
from .models import CalendarDay, Kind, Mailbox, Survey, Unit

REGISTRY_FILE = "registry.json"


class ConsultationWindow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    unit: str
    opens: dt.date
    closes: dt.date
    url: str
    articles: list[str]  # 第一条, 第二条 … of the draft, the targets a comment may name


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    built: dt.date
    units: list[Unit]
    surveys: dict[str, Survey]
    consultations: dict[str, ConsultationWindow]
    calendar: list[CalendarDay] = Field(default_factory=list)  # content/calendar.yaml, sorted by date
    mailboxes: dict[str, Mailbox] = Field(default_factory=dict)  # content/mailboxes.yaml, units as codes

    @classmethod
    def from_content(cls, content: ContentSet) -> Registry:
        consultations = {
            doc.slug: ConsultationWindow(id=doc.slug, title=doc.meta.title, unit=doc.unit, opens=doc.meta.opens,
                                         closes=doc.meta.closes, url=doc.url, articles=article_ids(doc.body))
            for doc in content.of_kind(Kind.consultation)}
        return cls(built=content.today, units=list(content.org.units.values()), surveys=content.surveys,
                   consultations=consultations, calendar=content.calendar, mailboxes=content.mailboxes)

    @classmethod
    def load(cls, build_dir: Path) -> Registry:
        return cls.model_validate_json((Path(build_dir) / REGISTRY_FILE).read_bytes())

    def to_json(self) -> str:
        return self.model_dump_json(indent=1)
