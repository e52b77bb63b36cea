"""Placeholder text: what `portal new` writes where the editor still has to write something.

A placeholder is `【请填写…】`. It is an error wherever it is left in a document that would be
published, so a scaffold can never go live unchanged. (Drafts may keep them: they are not published.)
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"【请填写[^】\n]*】")
_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:")


_UNREPLACED = "占位文字“{}”尚未替换，请填写实际内容"


def unreplaced(found: str) -> str:
    """The message for a placeholder left in place."""
    return _UNREPLACED.format(found)


def is_unreplaced(message: str) -> bool:
    return message.startswith(_UNREPLACED.split("{}")[0])


def placeholder(what: str) -> str:
    """The placeholder asking for `what`, e.g. placeholder("制定机关") → 【请填写制定机关】."""
    return f"【请填写{what}】"


def find_placeholders(text: str, body_first_line: int | None = None) -> list[tuple[int, str, str]]:
    """(line, field, placeholder) for each placeholder in a file's text. Lines from
    `body_first_line` on are the Markdown body (field "正文"); above it, the field is the YAML key of
    the line, or of the nearest line above that has one."""
    found: list[tuple[int, str, str]] = []
    if "【请填写" not in text:
        return found
    key = "元数据"
    for number, line in enumerate(text.split("\n"), start=1):
        in_body = body_first_line is not None and number >= body_first_line
        match = None if in_body else _KEY.match(line)
        if match:
            key = match.group(1)
        for hit in PLACEHOLDER.finditer(line):
            found.append((number, "正文" if in_body else key, hit.group(0)))
    return found
