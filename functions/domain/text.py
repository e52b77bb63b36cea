"""Text the public sends: limits in characters (not bytes), no control characters.

Text is stored exactly as sent (HTML is not stripped or rewritten); it is escaped wherever shown.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

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


def Text(max_chars: int, min_chars: int = 1):  # noqa: N802 - reads like a type
    """A str of `min_chars`..`max_chars` characters without control characters (newlines allowed)."""
    return Annotated[str, StringConstraints(min_length=min_chars, max_length=max_chars),
                     AfterValidator(reject_control_characters), AfterValidator(reject_blank)]


def Line(max_chars: int, min_chars: int = 1):  # noqa: N802
    """One line: like Text but without newlines or tabs."""

    def single_line(value: str) -> str:
        if any(ch in value for ch in "\r\n\t"):
            raise ValueError("不能包含换行")
        return value

    return Annotated[Text(max_chars, min_chars), AfterValidator(single_line)]
