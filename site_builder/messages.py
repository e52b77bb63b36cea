"""Pydantic errors in plain Chinese, for two audiences.

- The public (the functions' form and API errors, the default): plain words, no code values, no
  regular expressions, no input echoed back, no pointers to documentation.
- Editors (`portal check`): the same, plus the value they typed, the values they may type (with
  their Chinese labels) and a hint where a common slip causes the error.

`readable_errors` also merges the errors of a union (`str | int | list[str]`, which Pydantic reports
once per branch, with the branch's internal name in the location) into one message at one location.
Nothing here ever shows Pydantic's English, its error codes or its type names.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from .models import QUESTION_ID_PATTERN, QUESTION_TYPE_LABELS, UNIT_CODE_PATTERN, UNIT_LEVEL_LABELS


class Audience(str, enum.Enum):
    public = "public"  # someone filling in a form on the site
    editor = "editor"  # someone writing content/ (types field names and code values)


PUBLIC, EDITOR = Audience.public, Audience.editor

_BAD_DATE = "日期无效，应为 YYYY-MM-DD 格式的真实日期"

# type → (public message, editor message); a single string serves both.
_TEMPLATES: dict[str, str | tuple[str, str]] = {
    "missing": "缺少必填项",
    "extra_forbidden": ("未知字段", "未知字段（请检查拼写，可用字段见 docs/editors.md）"),
    "date_from_datetime_parsing": _BAD_DATE,
    "date_from_datetime_inexact": _BAD_DATE,
    "date_parsing": _BAD_DATE,
    "date_type": _BAD_DATE,
    "datetime_parsing": "时间无效",
    "datetime_type": "时间无效",
    "string_type": "应为文本",
    "string_sub_type": "应为文本",
    "string_unicode": "应为有效的文本",
    "string_too_long": "内容过长（最多 {max_length} 个字符）",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "bool_type": ("应为“是”或“否”", "应为 true 或 false"),
    "bool_parsing": ("应为“是”或“否”", "应为 true 或 false"),
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数字过大",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "model_type": ("应为键值对", "应为键值对（映射）"),
    "model_attributes_type": ("应为键值对", "应为键值对（映射）"),
    "dict_type": ("应为键值对", "应为键值对（映射）"),
    "uuid_parsing": "格式不正确",
    "uuid_type": "格式不正确",
    "url_parsing": "网址格式不正确",
    "url_type": "网址格式不正确",
    "json_invalid": "提交的内容格式不正确",
    "json_type": "提交的内容格式不正确",
    "recursion_loop": "嵌套层次过深",
    "none_required": "此项不应填写",
    "union_tag_invalid": "取值无效",
    "union_tag_not_found": "取值无效",
}

# What a pattern asks for, in words (a pattern never reaches a reader). Patterns of the content
# models come from models.py; those of the public's forms are named here as their models write them.
_PATTERNS = {
    UNIT_CODE_PATTERN: "应为 6 位或 9 位数字的行政区划代码",
    QUESTION_ID_PATTERN: "应以小写字母开头，只含小写字母、数字和下划线，最多 32 个字符",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "应为电子邮箱地址，如 name@example.com",
    r"^第[零一二三四五六七八九十百千]+条$": "应为“第×条”，如“第三条”",
    r"^/[^\s]*$": "应为本站页面的地址",
}

# Code values editors type, with the label a reader knows them by.
_VALUE_LABELS: dict[str, str] = {**{k.value: v for k, v in UNIT_LEVEL_LABELS.items()}, **QUESTION_TYPE_LABELS}

_CJK = re.compile(r"[\u3400-\u9fff]")


def chinese_message(error: dict, audience: Audience | str = PUBLIC) -> str:
    """One Pydantic error (an item of `ValidationError.errors()`) as one Chinese sentence."""
    audience = Audience(audience)
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("literal_error", "enum"):
        return _choice_message(error, audience)
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", ""))
        return text if _CJK.search(text) else "取值无效"  # our validators speak Chinese; others do not
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"内容过短（至少 {ctx.get('min_length')} 个字符）"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "格式不正确")
    template = _TEMPLATES.get(kind, "取值无效")
    if isinstance(template, tuple):
        template = template[audience is EDITOR]
    try:
        message = template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        message = template
    return message + (_editor_hint(kind, error.get("input")) if audience is EDITOR else "")


def _choice_message(error: dict, audience: Audience) -> str:
    if audience is PUBLIC:
        return "取值无效，请从给出的选项中选择"
    allowed = [f"{v}（{_VALUE_LABELS[v]}）" if v in _VALUE_LABELS else v
               for v in _expected_values(str((error.get("ctx") or {}).get("expected", "")))]
    value = error.get("input")
    shown = f"：“{value}”" if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    message = f"取值无效{shown}，可选：{'、'.join(allowed)}" if allowed else f"取值无效{shown}"
    if isinstance(value, str) and re.search("[，、,]", value):
        message += "（多个取值请写成列表，用英文逗号分隔，如 [要闻, 基层动态]）"
    return message


def _expected_values(text: str) -> list[str]:
    """Pydantic's "'a', 'b' or 'c'" → ["a", "b", "c"]."""
    return [part.strip().strip("'\"") for part in re.split(r", | or ", text) if part.strip()]


def _editor_hint(kind: str, value: object) -> str:
    """The slip that usually causes an error in a YAML file."""
    if kind == "string_type":
        if isinstance(value, list):
            return "（这里被读成了列表：以 [ 开头的文字请整体加引号）"
        if isinstance(value, dict):
            return "（这里被读成了键值对：文字中有“: ”时请整体加引号）"
        if isinstance(value, (bool, int, float)) or value is None:
            return "（数字、true/false 或空值作文字时请加引号）"
    if kind == "list_type" and isinstance(value, str):
        return f"，如 [{value.strip()}]（用英文方括号，多项之间用英文逗号）"
    return ""


# --- several errors at once -----------------------------------------------------------------

# The names Pydantic gives union branches in an error's location ("str", "list[constrained-str]" …).
_BRANCH = re.compile(r"^(str|int|float|bool|bytes|none|date|datetime|decimal|constrained-\w+|[a-z][a-z-]*\[.*\])$")
_BRANCH_NAMES = (("list", "列表"), ("tuple", "列表"), ("set", "列表"), ("dict", "键值对"), ("literal", "给定的选项"),
                 ("str", "文本"), ("constrained-str", "文本"), ("int", "整数"), ("constrained-int", "整数"),
                 ("float", "数字"), ("constrained-float", "数字"), ("bool", "是或否"), ("date", "日期"))
# Errors that only say "the value is not of this branch's type".
_TYPE_ERRORS = frozenset({"string_type", "int_type", "int_parsing", "int_from_float", "float_type", "float_parsing",
                          "bool_type", "bool_parsing", "list_type", "dict_type", "model_type", "date_type",
                          "date_parsing", "tuple_type", "set_type", "literal_error", "enum", "none_required",
                          "is_instance_of", "model_attributes_type"})


def readable_errors(raw: Iterable[dict], audience: Audience | str = PUBLIC) -> list[tuple[tuple, str]]:
    """Pydantic errors → [(location, Chinese message)], with union branches merged into one error at
    the union's own location and branch names removed from every location."""
    audience = Audience(audience)
    errors = list(raw)
    branch_at = [_branch_index(tuple(e.get("loc", ()))) for e in errors]
    tags: dict[tuple, set[str]] = {}
    for error, at in zip(errors, branch_at, strict=True):
        if at is not None:
            loc = tuple(error["loc"])
            tags.setdefault(loc[:at], set()).add(loc[at])
    # A union reports each of its branches: two or more branch names under one location. A single
    # match is a field that happens to be called like a type ("date"), not a union.
    unions: dict[tuple, list[tuple[str, dict]]] = {}
    out: list[tuple[tuple, str]] = []
    for error, at in zip(errors, branch_at, strict=True):
        loc = tuple(error.get("loc", ()))
        if at is None or len(tags[loc[:at]]) < 2:
            out.append((loc, chinese_message(error, audience)))
            continue
        if loc[:at] not in unions:
            unions[loc[:at]] = []
            out.append((loc[:at], ""))  # placeholder: the union's message goes where it first appeared
        unions[loc[:at]].append((loc[at], error))
    merged: list[tuple[tuple, str]] = []
    for loc, message in out:
        if loc in unions and not message:
            merged += _merge_union(loc, unions.pop(loc), audience)
        else:
            merged.append((loc, message))
    return merged


def _branch_index(loc: tuple) -> int | None:
    return next((i for i, part in enumerate(loc) if isinstance(part, str) and _BRANCH.match(part)), None)


def _merge_union(loc: tuple, branches: list[tuple[str, dict]], audience: Audience) -> list[tuple[tuple, str]]:
    # A branch that failed for another reason than its type is the one the value was meant for.
    for branch, _ in branches:
        specific = [e for b, e in branches if b == branch and e.get("type") not in _TYPE_ERRORS]
        if specific:
            return [(loc + tuple(e["loc"])[len(loc) + 1:], chinese_message(e, audience)) for e in specific]
    kinds: list[str] = []
    for branch, _ in branches:
        name = next((label for prefix, label in _BRANCH_NAMES
                     if branch == prefix or branch.startswith(prefix + "[")), None)
        if name and name not in kinds:
            kinds.append(name)
    if not kinds:
        return [(loc, "取值无效")]
    expected = kinds[0] if len(kinds) == 1 else "、".join(kinds[:-1]) + "或" + kinds[-1]
    return [(loc, f"应为{expected}")]
