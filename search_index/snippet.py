"""Highlighted snippets: a window of the stored text around the first match, HTML-escaped, with
each match wrapped in <mark>. Plain substring search: in Chinese what the reader typed is what
should light up (信息 inside 个人信息保护 too), and it avoids re-segmenting whole documents."""

from __future__ import annotations

import html
import re

WIDTH = 120  # characters of context: about two lines at 360 px
LEAD = 30  # characters shown before the first match


def _pattern(terms: list[str]) -> re.Pattern | None:
    unique = sorted({t for t in terms if t.strip()}, key=len, reverse=True)  # longest match wins
    return re.compile("|".join(map(re.escape, unique)), re.I) if unique else None


def highlight(text: str, terms: list[str]) -> str:
    """All of `text`, escaped, with every term marked (used for titles)."""
    pattern = _pattern(terms)
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [html.escape(text[last:match.start()]), "<mark>", html.escape(match.group()), "</mark>"]
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, terms: list[str], width: int = WIDTH) -> str:
    """A `width`-character excerpt around the first match (or the opening), escaped and marked."""
    text = re.sub(r"\s+", " ", text).strip()
    pattern = _pattern(terms)
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - LEAD) if first else 0
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    piece = highlight(text[start:end], terms)
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")
