"""Articles (第一条, 第二条 …) of regulations and drafts get stable anchors, so a citation like
`regulations/x/#第十二条` keeps working and comments can target an article."""

from __future__ import annotations

import re

_NUMERAL = "零一二三四五六七八九十百千"
# An article starts a paragraph: 第十二条 followed by a (full- or half-width) space.
ARTICLE_START = re.compile(rf"^(第[{_NUMERAL}]+条)[ \u3000]+", re.MULTILINE)


def article_ids(body: str) -> list[str]:
    """The article labels in order of appearance, e.g. ["第一条", "第二条"]."""
    return ARTICLE_START.findall(body)


_ARTICLE_PARAGRAPH = re.compile(rf"<p>(第[{_NUMERAL}]+条)[ \u3000]+(.*?)</p>", re.DOTALL)


def anchor_articles(html: str) -> str:
    """Give each article paragraph of rendered HTML an id anchor, a self-link on its label and, at its
    end, a visible 复制本条链接 (a plain link to the article; the page's script copies it instead).

    Done on the HTML (not the Markdown) so Markdown never has to parse raw HTML on these pages."""

    def replace(match: re.Match) -> str:
        label = match.group(1)
        return (f'<p><a id="{label}" class="article-anchor" href="#{label}" title="本条链接">'
                f"<strong>{label}</strong></a>\u3000{match.group(2)}"
                f' <a class="portal-copy-link" href="#{label}" data-copy-link aria-label="复制本条链接（{label}）">'
                "复制本条链接</a></p>")

    return _ARTICLE_PARAGRAPH.sub(replace, html)


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def article_number(label: str) -> int:
    """第一百零二条 → 102 (used to sort and to validate targets)."""
    text = label.removeprefix("第").removesuffix("条")
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
    return total + digit


def article_problems(body: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Articles out of sequence, as (line, Chinese message), lines counted from `first_line` (the
    line of the file the body starts at): each article must be the one after the previous, starting
    at 第一条; a number used twice or skipped, or an article placed before a smaller one, is reported."""
    problems: list[tuple[int, str]] = []
    seen: dict[int, int] = {}  # article number → line
    expected, line, counted = 1, first_line, 0
    for match in ARTICLE_START.finditer(body):
        label = match.group(1)
        line += body.count("\n", counted, match.start())
        counted = match.start()
        number = article_number(label)
        if number in seen:
            problems.append((line, f"{label}重复（第 {seen[number]} 行已有{label}）"))
        elif number > expected:
            missing = _label(expected) if number == expected + 1 else f"{_label(expected)}至{_label(number - 1)}"
            where = f"{_label(expected - 1)}之后是{label}" if expected > 1 else f"条文应从第一条开始，这里是{label}"
            problems.append((line, f"缺少{missing}：{where}"))
        elif number < expected:
            problems.append((line, f"条文顺序错误：{label}排在{_label(expected - 1)}之后"))
        if number not in seen:
            seen[number] = line
        expected = max(expected, number + 1)
    return problems


def _label(number: int) -> str:
    """102 → 第一百零二条 (the inverse of article_number)."""
    return f"第{chinese_numeral(number)}条"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 102 → 一百零二, 1010 → 一千零一十."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number - 10] if number > 10 else "")
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(digits[digit] + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)
