"""What a closed consultation's page says about the comments: how many each article received, and a
link to the adoption report (意见采纳情况) once an editor has committed it.

The figures come from the report itself, not from the live Store: `portal consultation report ID`
writes them into the report's front matter (`AdoptionSummary`) next to the text, the editor reviews
and commits both, and the build reads them back. A static page cannot know live counts, and once a
draft is closed its counts no longer change, so a report written after the close is exact; the page
and the report always agree, and no public endpoint has to count comments. Before the report is
committed, a closed draft's page says the results are being compiled.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .content import ContentSet, Document
from .sources import YamlError, split_front_matter

REPORTS_FOLDER = "reports"


def report_path(consultation_id: str) -> str:
    """Where the adoption report of a draft lives, relative to content/."""
    return f"{REPORTS_FOLDER}/{consultation_id}-adoption.md"


class AdoptionSummary(BaseModel):
    """The counts of an adoption report (its front matter key `counts`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: dt.date  # the China date the report was written
    total: int = Field(ge=0)
    adopted: int = Field(ge=0)
    rejected: int = Field(ge=0)
    pending: int = Field(ge=0)
    by_article: dict[str, int] = Field(default_factory=dict)  # 第N条 → comments on it
    general: int = Field(ge=0)  # comments on the draft as a whole


def adoption_summary(content: ContentSet, doc: Document) -> tuple[str, AdoptionSummary | None] | None:
    """(report path, its counts or None if it carries none) for a draft whose report is committed."""
    path = report_path(doc.slug)
    if path not in content.pages:
        return None
    summary, _ = read_summary(content.root, path)
    return path, summary


def read_summary(root: Path, path: str) -> tuple[AdoptionSummary | None, int | None]:
    """A report's counts, or (None, line of `counts:`) when they are there but unreadable, or
    (None, None) when the report carries none (written by hand, or before the counts existed)."""
    try:
        source = split_front_matter((root / path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlError):
        return None, None
    data = source.front_matter.data
    if not isinstance(data, dict) or "counts" not in data:
        return None, None
    counts = data["counts"]
    if isinstance(counts, dict) and isinstance(counts.get("as_of"), str):
        try:
            return AdoptionSummary.model_validate(counts), None
        except ValidationError:
            pass
    return None, source.front_matter.line_of(("counts",))
