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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .content import ContentSet, Document
from .sources import YamlError, split_front_matter

REPORTS_FOLDER = "reports"


def report_path(consultation_id: str) -> str:
    """Where the adoption report of a draft lives, relative to content/."""
    return f"{REPORTS_FOLDER}/{consultation_id}-adoption.md"


class AdoptionSummary(BaseModel):
    """The counts of an adoption report (its front matter key `comments`)."""

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
    try:
        source = split_front_matter((content.root / path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlError):
        return path, None
    data = source.front_matter.data
    counts = data.get("comments") if isinstance(data, dict) else None
    if isinstance(counts, dict) and isinstance(counts.get("as_of"), str):
        try:
            return path, AdoptionSummary.model_validate(counts)
        except ValidationError:
            pass
    return path, None
