"""Pydantic's errors in plain Chinese: the public (form errors, the default) never sees code values,
regular expressions, union branches, English or pointers to the editors' guide; editors see what they
typed and what they may type, with labels."""

from __future__ import annotations

import enum
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from site_builder.messages import EDITOR, PUBLIC, chinese_message, readable_errors


class Kind(str, enum.Enum):
    suggestion = "suggestion"
    accusation = "accusation"
    appeal = "appeal"
    inquiry = "inquiry"


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind = Kind.suggestion
    level: Literal["党章", "准则", "条例"] = "条例"
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    score: Annotated[float, Field(allow_inf_nan=False)] = 0
    size: int = 0
    answers: dict[str, str | int | list[Annotated[str, Field(max_length=5)]]] = Field(default_factory=dict)
    note: str = ""

    @field_validator("note")
    @classmethod
    def _english(cls, value: str) -> str:
        if value == "x":
            raise ValueError("something went wrong")
        return value


def errors_of(data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)
    return caught.value.errors()


def only(data: dict, audience=PUBLIC) -> str:
    [error] = errors_of(data)
    return chinese_message(error, audience) if audience is not PUBLIC else chinese_message(error)


CASES = {
    "an enum value": ({"kind": "complaint"}, "取值无效，请从给出的选项中选择"),
    "a literal value": ({"level": "章程"}, "取值无效，请从给出的选项中选择"),
    "a pattern": ({"email": "not-an-address"}, "应为电子邮箱地址，如 name@example.com"),
    "an infinite number": ({"score": float("inf")}, "应为数字"),
    "a 5,000-digit number": ({"size": "9" * 5000}, "数字过大"),
    "an unknown field": ({"priority": "high"}, "未知字段"),
    "an English validator message": ({"note": "x"}, "取值无效"),
}


@pytest.mark.parametrize("data, expected", CASES.values(), ids=CASES.keys())
def test_the_public_gets_plain_chinese_by_default(data, expected):
    assert only(data) == expected


def test_an_error_type_without_a_translation_shows_no_code():
    assert chinese_message({"type": "frozen_instance", "loc": ("x",), "msg": "Instance is frozen"}) == "取值无效"


def test_editors_see_what_they_typed_and_what_they_may_type():
    assert only({"level": "章程"}, EDITOR) == "取值无效：“章程”，可选：党章、准则、条例"
    assert only({"priority": "high"}, EDITOR) == "未知字段（请检查拼写，可用字段见 docs/editors.md）"


def test_a_union_is_one_error_at_its_own_field_without_branch_names():
    errors = errors_of({"answers": {"overall": {"a": 1}}})
    assert len(errors) == 3  # Pydantic reports each branch of str | int | list[str]
    assert readable_errors(errors) == [(("answers", "overall"), "应为文本、整数或列表")]


def test_a_union_reports_the_branch_the_value_was_meant_for():
    errors = errors_of({"answers": {"overall": ["太长的一个选项"]}})
    assert readable_errors(errors) == [(("answers", "overall", 0), "内容过长（最多 5 个字符）")]


def test_a_field_named_like_a_type_is_not_taken_for_a_union():
    class Entry(BaseModel):
        date: int

    with pytest.raises(ValidationError) as caught:
        Entry.model_validate({"date": "x"})
    assert readable_errors(caught.value.errors()) == [(("date",), "应为整数")]


def test_no_public_message_carries_internals():
    raw = [e for data, _ in CASES.values() for e in errors_of(data)]
    raw += errors_of({"answers": {"overall": 1.5}})
    for loc, message in readable_errors(raw):
        assert not any(part in ("str", "int") or "[" in str(part) for part in loc), loc
        for internal in (" or ", "'", "^", "\\s", "finite", "docs/", "constrained", "Value error", "suggestion"):
            assert internal not in message, message
