"""What the public sends besides petitions: feedback, consultation comments, survey answers, and
the follow-ups of a petition (rating, review request)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt, StrictStr

from .case import Rating
from .petitions import Contact, PublicInput
from .text import Words

QueryCode = Annotated[str, Field(min_length=12, max_length=20, description="提交时取得的查询码")]


class FeedbackIn(PublicInput):
    page: Annotated[str, Field(max_length=300, pattern=r"^/[^\s]*$", description="反馈所针对的本站页面路径")] | None = None
    body: Annotated[str, Words(2000, min_chars=2)]
    contact: Contact = Field(default_factory=Contact)


class CommentIn(PublicInput):
    article: Annotated[str, Field(pattern=r"^第[零一二三四五六七八九十百千]+条$")] | None = None
    body: Annotated[str, Words(3000, min_chars=2)]
    name: Annotated[str, Words(50, one_line=True)] | None = None
    contact: Contact = Field(default_factory=Contact)


class SurveyResponseIn(PublicInput):
    respondent_token: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16,64}$",
                                           description="每位答卷人一个随机标识，同一调查只能作答一次")]
    unit: Annotated[str, Field(pattern=r"^\d{6}(\d{3})?$")] | None = None
    # Strict types: true is not a score, "4" is not a number (the form door converts typed digits).
    answers: dict[Annotated[str, Field(max_length=32)],
                  StrictStr | StrictInt | list[Annotated[StrictStr, Field(max_length=200)]]] = Field(max_length=100)


class RatingIn(PublicInput):
    query_code: QueryCode
    rating: Rating
    comment: Annotated[str, Words(500)] | None = None


class ReviewRequestIn(PublicInput):
    query_code: QueryCode
    reason: Annotated[str, Words(2000, min_chars=5)]
