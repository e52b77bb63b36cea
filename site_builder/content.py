"""What the loader produces and everything downstream reads: validated documents and the content set.

Kept apart from the loader so that the cross-file rules (`checks.py`) and the loader can both name
these types without importing each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .identity import SiteIdentity
from .models import CalendarDay, ChronicleEntry, Kind, Mailbox, PublishedDocument, Survey, Validity
from .org import OrgTree
from .sources import Problem, YamlDoc


@dataclass
class Document:
    """One Markdown document of a known kind, validated, with derived facts filled in later."""

    kind: Kind
    path: str  # posix path relative to content/, e.g. "regulations/dangyuan-jiaoyu.md"
    meta: PublishedDocument
    body: str
    body_first_line: int
    lines: YamlDoc
    unit: str | None = None  # resolved issuer/unit code
    validity: Validity | None = None
    amended_by: list[str] = field(default_factory=list)
    repealed_by: list[str] = field(default_factory=list)
    complete: bool = True  # False: some fields failed validation; `meta` holds only the readable ones

    @property
    def slug(self) -> str:
        return PurePosixPath(self.path).stem

    @property
    def url(self) -> str:
        """Site-relative URL (MkDocs directory URLs), e.g. "regulations/x/"."""
        return str(PurePosixPath(self.path).with_suffix("")) + "/"

    @property
    def date(self) -> dt.date:
        meta = self.meta
        for name in ("published", "date", "opens"):
            if hasattr(meta, name):
                return getattr(meta, name)
        raise AttributeError("date")

    @property
    def is_draft(self) -> bool:
        return bool(getattr(self.meta, "draft", False))


@dataclass
class ContentSet:
    """Validated content. `documents` are the published ones: what the site, listings, search index
    and registry see. Drafts (`draft: true`) are validated like the rest but kept in `drafts` only."""

    root: Path
    today: dt.date
    org: OrgTree
    documents: dict[str, Document]
    chronicle: list[ChronicleEntry]
    surveys: dict[str, Survey]
    survey_paths: dict[str, str]
    pages: list[str]  # other Markdown pages (section intros, about …), passed through untouched
    calendar: list[CalendarDay] = field(default_factory=list)  # working-day overrides, by date
    drafts: dict[str, Document] = field(default_factory=dict)
    mailboxes: dict[str, Mailbox] = field(default_factory=dict)  # 领导信箱 by id, units resolved to codes
    identity: SiteIdentity | None = None  # content/site.yaml: 主办单位, contact, filing numbers

    def of_kind(self, kind: Kind) -> list[Document]:
        """Documents of one kind, newest first."""
        docs = [d for d in self.documents.values() if d.kind is kind]
        return sorted(docs, key=lambda d: (d.date, d.path), reverse=True)

    def all_documents(self) -> list[Document]:
        """Published documents and drafts: everything the checks look at."""
        return [*self.documents.values(), *self.drafts.values()]


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} 个问题")
        self.problems = sorted(set(problems))
