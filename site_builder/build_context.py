"""The build date: 时效性 and open/closed windows are computed for one day, today in China unless told."""

from __future__ import annotations

import datetime as dt
import os

from .china_time import china_today

TODAY_ENV = "PORTAL_TODAY"


def today_from_env() -> dt.date:
    value = os.environ.get(TODAY_ENV)
    return dt.date.fromisoformat(value) if value else china_today()
