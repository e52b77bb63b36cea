"""Pydantic error types rendered in Chinese for editors (fallback: Pydantic's own message)."""

from __future__ import annotations

_TEMPLATES = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知字段（请检查拼写，可用字段见 docs/editors.md）",
    "date_from_datetime_parsing": "日期无效，应为 YYYY-MM-DD 格式的真实日期",
    "date_from_datetime_inexact": "日期无效，应为 YYYY-MM-DD 格式的真实日期",
    "date_parsing": "日期无效，应为 YYYY-MM-DD 格式的真实日期",
    "date_type": "日期无效，应为 YYYY-MM-DD 格式的真实日期",
    "string_type": "应为文本",
    "string_too_short": "内容过短（至少 {min_length} 个字符）",
    "string_too_long": "内容过长（最多 {max_length} 个字符）",
    "string_pattern_mismatch": "格式不正确（应匹配 {pattern}）",
    "list_type": "应为列表",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "model_type": "应为键值对（映射）",
    "model_attributes_type": "应为键值对（映射）",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "uuid_parsing": "格式不正确",
    "uuid_type": "格式不正确",
    "union_tag_invalid": "取值无效",
    "json_invalid": "不是有效的 JSON",
    "string_unicode": "应为有效的 Unicode 文本",
    "dict_type": "应为键值对（映射）",
}


def chinese_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("literal_error", "enum"):
        return f"取值无效：{error.get('input')!r}，允许的取值：{ctx.get('expected', '')}"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    template = _TEMPLATES.get(kind)
    if template is None:  # never show Pydantic's English to a reader
        return f"取值无效（{kind}）" if kind else "取值无效"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template
