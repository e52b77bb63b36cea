"""PyYAML's parser errors in Chinese, at the line the editor has to change, with the usual cause.

PyYAML reports where it gave up, which is often the line after the slip (a full-width colon on
line 3 is noticed on line 4). So before translating, the lines around the error are searched for the
slips editors make most: a full-width colon after a field name, a field name without a space after
its colon, a tab.
"""

from __future__ import annotations

import re

import yaml

# `  - id：q1` / `summary：…`: a field name followed by a full-width colon.
_FULLWIDTH_COLON = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*：")
# `issuer:中共…`: a field name whose colon is not followed by a space (but not `http://`).
_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]*):(?![\s/]|$)")

# PyYAML's problem text (a prefix of it) → what it means for an editor.
_PROBLEMS = (
    ("could not find expected ':'", "缺少冒号：字段名和取值之间要用英文冒号加空格（“: ”）；请检查是否用了中文冒号"),
    ("mapping values are not allowed here",
     "此处不能出现“: ”：取值中含有“: ”时请给整个取值加引号；也请检查上一行的冒号是否为英文冒号"),
    ("found character '\\t' that cannot start any token", "含有 Tab 字符：YAML 只能用空格缩进"),
    ("found a tab character", "含有 Tab 字符：YAML 只能用空格缩进"),
    ("expected ',' or ']'", "方括号列表没有闭合，或列表项之间缺少英文逗号"),
    ("did not find expected ',' or ']'", "方括号列表没有闭合，或列表项之间缺少英文逗号"),
    ("expected ',' or '}'", "花括号没有闭合，或各项之间缺少英文逗号"),
    ("did not find expected ',' or '}'", "花括号没有闭合，或各项之间缺少英文逗号"),
    ("found unexpected end of stream", "引号没有闭合"),
    ("expected <block end>", "缩进不一致：同一层的字段要左对齐，列表的每一项以“- ”开头并对齐"),
    ("did not find expected key", "缩进不一致，或缺少冒号"),
    ("did not find expected '-' indicator", "列表项缩进不一致：每一项以“- ”开头并对齐"),
    ("did not find expected node content", "缺少取值，或取值以不能出现在开头的符号开始：请给取值加引号"),
    ("found undefined alias", "以 * 开头的取值会被当作引用：请给取值加引号"),
    ("expected alphabetic or numeric character", "以 & 或 * 开头的取值请加引号"),
    ("found unknown escape character", "双引号中的反斜杠“\\”要写成“\\\\”，或改用单引号"),
    ("found undefined tag handle", "以 ! 开头的取值请加引号"),
    ("could not determine a constructor", "以 ! 开头的取值请加引号"),
    ("found unhashable key", "字段名不能是列表或键值对"),
    ("found duplicate anchor", "以 & 开头的取值请加引号"),
    ("expected a comment or a line break", "取值后面有多余的内容：请给整个取值加引号"),
    ("expected a single document", "文件中只能有一个 YAML 文档（请删除多余的 ---）"),
)
_CANNOT_START = re.compile(r"found character '(.)' that cannot start any token")
# `title: [通知]关于……`, `title: "关于"的通知`: a value that opens like a list, a mapping or a quote
# and then goes on; YAML ends the value at the closing mark and trips over the rest.
_OPENS_THEN_GOES_ON = re.compile(r"^\s*(?:-\s+)?[^\s:#][^:#]*:\s+([\[{\"'])")


def key_slip(line: str) -> tuple[str, str] | None:
    """(field, hint) for a line that looks like a field written with the wrong colon, else None."""
    match = _FULLWIDTH_COLON.match(line)
    if match:
        return match.group(1), f"“{match.group(1)}”后面用了中文冒号“：”，请改为英文冒号加空格（“{match.group(1)}: ”）"
    match = _NO_SPACE.match(line)
    if match:
        return match.group(1), f"“{match.group(1)}:”后面缺少空格，请写成“{match.group(1)}: ”"
    return None


def yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(1-based line within `text`, Chinese message) for a PyYAML error."""
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    lines = text.split("\n")
    first = min(line, context.line + 1 if context else line) - 1
    for number in range(line, max(first, 1) - 1, -1):  # from the error line back to where PyYAML started
        slip = key_slip(lines[number - 1]) if number <= len(lines) else None
        if slip:
            return number, slip[1]
    problem = str(getattr(exc, "problem", None) or "")
    if problem.startswith("found unexpected end of stream") and context:
        line = context.line + 1  # where the unclosed quote opened
    opened = _OPENS_THEN_GOES_ON.match(lines[line - 1]) if line <= len(lines) else None
    if opened and problem.startswith("expected <block end>"):
        return line, (f"取值以“{opened.group(1)}”开头时，YAML 只读到与它配对的符号为止：请用引号把整个取值括起来，"
                      f"如 title: '[通知]关于……'")
    return line, _translate(problem)


def _translate(problem: str) -> str:
    for prefix, message in _PROBLEMS:
        if problem.startswith(prefix):
            return message
    match = _CANNOT_START.match(problem)
    if match:
        return f"取值不能以“{match.group(1)}”开头：请给取值加引号"
    return "请检查缩进、冒号和引号"
