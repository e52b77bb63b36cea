"""Text the public sends: limits in characters (not bytes), no control characters.

Text is stored exactly as sent (HTML is not stripped or rewritten); it is escaped wherever shown.
A field is typed `Annotated[str, Words(max_chars, ...)]`: one metadata object carries the rules, so
the annotation stays a real type for type checkers and the JSON schema keeps its length limits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def reject_control_characters(value: str) -> str:
    for ch in value:
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs"):
            raise ValueError(f"包含不可见的控制字符（U+{ord(ch):04X}），请删除后再提交")
    return value


def reject_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("不能只包含空白字符")
    return value


def single_line(value: str) -> str:
    if any(ch in value for ch in "\r\n\t"):
        raise ValueError("不能包含换行")
    return value


@dataclass(frozen=True)
class Words:
    """`min_chars`..`max_chars` characters, no control characters, not blank; `one_line` also refuses
    newlines and tabs."""

    max_chars: int
    min_chars: int = 1
    one_line: bool = False
    pattern: str | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        schema: core_schema.CoreSchema = core_schema.str_schema(min_length=self.min_chars, max_length=self.max_chars,
                                                                pattern=self.pattern)
        checks: list[Callable[[str], str]] = [reject_control_characters, reject_blank]
        if self.one_line:
            checks.append(single_line)
        for check in checks:
            schema = core_schema.no_info_after_validator_function(check, schema)
        return schema
