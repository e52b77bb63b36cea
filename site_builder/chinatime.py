"""China time (Asia/Shanghai): the one time zone people read. Times are stored in UTC; every date
and time a person reads (pages, CSV, reports, messages) is shown through these functions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date()


def _moment(value: dt.datetime | str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError(f"a time shown to people must carry its zone: {value!r}")
    return moment.astimezone(CHINA)


def china_minute(value: dt.datetime | str | None) -> str:
    """"2026-12-01 20:29" in China time ("" for None): minutes, never microseconds or a zone name."""
    if value is None or value == "":
        return ""
    return _moment(value).strftime("%Y-%m-%d %H:%M")


def china_clock(value: dt.datetime | str | None) -> str:
    """"20:29" in China time, for a time later today (the end of an edit lock)."""
    if value is None or value == "":
        return ""
    return _moment(value).strftime("%H:%M")


def chinese_date(day: dt.date | str | None) -> str:
    """"2026年12月1日"."""
    if day is None or day == "":
        return ""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.year}年{day.month}月{day.day}日"
