"""Statutory time limits of petition handling (信访工作条例, 2022) — the one table in the code.

Calendar days unless `working_days` is set. Deadlines are dates in China time (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from site_builder.chinatime import CHINA, china_date

__all__ = ["CHINA", "TIME_LIMITS", "Limit", "TimeLimit", "calendar_deadline", "china_date"]


class Limit(str, enum.Enum):
    assign = "assign"                  # register and forward/assign
    accept_decision = "accept_decision"  # tell the petitioner whether it is accepted
    object = "object"                  # a unit that is not responsible objects (退回)
    handle = "handle"                  # handle after acceptance
    extension = "extension"            # one extension, at most
    review_request = "review_request"  # petitioner may ask for 复查 after the reply
    review = "review"                  # 复查 answered
    re_review_request = "re_review_request"
    re_review = "re_review"            # 复核 answered


@dataclass(frozen=True)
class TimeLimit:
    days: int
    label: str
    working_days: bool = False


TIME_LIMITS: dict[Limit, TimeLimit] = {
    Limit.assign: TimeLimit(15, "登记并转送、交办"),
    Limit.accept_decision: TimeLimit(15, "告知是否受理"),
    Limit.object: TimeLimit(5, "非责任单位提出异议", working_days=True),
    Limit.handle: TimeLimit(60, "受理后办结"),
    Limit.extension: TimeLimit(30, "延期（限一次）"),
    Limit.review_request: TimeLimit(30, "收到答复后请求复查"),
    Limit.review: TimeLimit(30, "复查答复"),
    Limit.re_review_request: TimeLimit(30, "收到复查意见后请求复核"),
    Limit.re_review: TimeLimit(30, "复核答复"),
}


def calendar_deadline(start: dt.date, limit: Limit) -> dt.date:
    """Last day allowed, counting calendar days from the day after `start`."""
    rule = TIME_LIMITS[limit]
    if rule.working_days:
        raise ValueError(f"{limit.value} counts working days: use the working-day calendar")
    return start + dt.timedelta(days=rule.days)
