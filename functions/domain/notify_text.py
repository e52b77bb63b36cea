"""Small text rules shared by every message the portal sends."""

from __future__ import annotations

SIGNATURE = "【河北党建网】"


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters (SMS are short; the tracking page has the rest)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
