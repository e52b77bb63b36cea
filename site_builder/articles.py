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


_ARTICLE_PARAGRAPH = re.compile(rf"<p>(第[{_NUMERAL}]+条)[ \u3000]+")


def anchor_articles(html: str) -> str:
    """Give each article paragraph of rendered HTML an id anchor and a self-link on its label.

    Done on the HTML (not the Markdown) so Markdown never has to parse raw HTML on these pages."""

    def replace(match: re.Match) -> str:
        label = match.group(1)
        return (f'<p><a id="{label}" class="article-anchor" href="#{label}" title="本条链接">'
                f"<strong>{label}</strong></a>\u3000")

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
