"""The date in China: what editors, readers and the 时效性 rules mean by "today"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def china_today() -> dt.date:
    """Today's date in China, whatever the machine's time zone (from 16:00 UTC on it is already tomorrow there)."""
    return _now().astimezone(CHINA).date()
