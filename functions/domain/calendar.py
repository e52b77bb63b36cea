"""The official working-day calendar for 信访 deadlines counted in 工作日.

Three sources, strongest first:

1. overrides from content (`content/calendar.yaml`, shipped in `build/registry.json`): a date marked
   working or non-working by the editors, e.g. when the State Council has published next year's
   arrangement and the `holidays` package has not caught up yet;
2. the `holidays` package's China calendar: statutory holidays, their substitute days off and the
   make-up workdays on weekends (调休上班) from the State Council notices;
3. for a year the package has no official arrangement for ("fallback"): Monday to Friday minus the
   holidays the package computes by rule. Such deadlines are estimates and say so (`deadline_note`).

Pure: the package computes its dates in memory; nothing is read at call time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal, Protocol

import holidays

from .time_limits import TIME_LIMITS, Limit, calendar_deadline

Coverage = Literal["official", "override", "fallback"]

_COUNTRY = "CN"
_ONE_DAY = dt.timedelta(days=1)


class HasCalendar(Protocol):
    """The registry, as far as the calendar needs it (site_builder.registry.Registry)."""

    @property
    def calendar(self) -> Iterable[CalendarEntry]: ...


class CalendarEntry(Protocol):
    """One override (site_builder.models.CalendarDay has this shape)."""

    date: dt.date
    working: bool
    note: str


def _package_official_years() -> frozenset[int]:
    """Years for which the package holds the State Council's arrangement.

    The package records each year's notice as `special_public_holidays[year]`; an entry of four or five
    items is a day off moved from a weekend day (which becomes a make-up workday). Every notice since
    2001 moves days this way, so a year with such an entry is a year with official data; a year
    without one (the package not yet updated) is estimated. If the package ever stops exposing this
    table, every year becomes "fallback": deadlines stay computable and are flagged as estimates.
    """
    table = getattr(holidays.country_holidays(_COUNTRY), "special_public_holidays", None) or {}
    years = set()
    for year, entries in table.items():
        items = entries if entries and isinstance(entries[0], tuple) else (entries,)
        if any(len(item) >= 4 for item in items):
            years.add(year)
    return frozenset(years)


OFFICIAL_YEARS: frozenset[int] = _package_official_years()


@dataclass(frozen=True)
class _PackageYear:
    days_off: frozenset[dt.date]   # public holidays and substitute days off (official, or by rule)
    make_up: frozenset[dt.date]    # weekend days that are workdays (调休上班); empty in estimated years


@cache
def _package_year(year: int) -> _PackageYear:
    china = holidays.country_holidays(_COUNTRY, years=year)
    # weekend_workdays holds the year's make-up days plus those the package files under a neighbouring
    # year's notice (a late-December Saturday worked for New Year's Day), so keep only this year's.
    return _PackageYear(days_off=frozenset(china),
                        make_up=frozenset(d for d in china.weekend_workdays if d.year == year))


class WorkingCalendar:
    """Answers "is this a working day" and counts 工作日 for deadlines. Immutable once built."""

    def __init__(self, overrides: Iterable[CalendarEntry] = ()):
        days: dict[dt.date, bool] = {}
        for entry in overrides:
            if entry.date in days:
                raise ValueError(f"calendar override for {entry.date} given twice")
            days[entry.date] = entry.working
        self._overrides = days
        # Like the package's official years: a year counts as arranged by the editors once they have
        # entered its make-up workdays; a lone day off (say, a local closure) does not lift the estimate.
        self._override_years = frozenset(day.year for day, working in days.items()
                                         if working and day.weekday() >= 5)

    @classmethod
    def from_registry(cls, registry: HasCalendar) -> WorkingCalendar:
        """The calendar the build shipped (`Registry.calendar`, from content/calendar.yaml)."""
        return cls(registry.calendar)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        package = _package_year(day.year)
        if day.weekday() >= 5:  # Saturday, Sunday: off unless a make-up workday
            return day in package.make_up
        return day not in package.days_off

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (the day of receipt itself does not count)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b; negative when b is before a (e.g. days overdue)."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def coverage(self, year: int) -> Coverage:
        """Where the year's working days come from: the package's official data, the editors'
        overrides (a year the package does not cover yet, whose make-up workdays the editors entered),
        or the Monday–Friday estimate. Overrides win day by day whatever the year's coverage."""
        if year in OFFICIAL_YEARS:
            return "official"
        if year in self._override_years:
            return "override"
        return "fallback"

    def deadline(self, start: dt.date, limit: Limit) -> dt.date:
        """Last day allowed for `limit`, counted from the day after `start`, in calendar days or in
        working days as the policy table says."""
        rule = TIME_LIMITS[limit]
        if rule.working_days:
            return self.add_working_days(start, rule.days)
        return calendar_deadline(start, limit)

    def deadline_note(self, day: dt.date, limit: Limit | None = None) -> str | None:
        """The caveat to show next to a working-day deadline that falls in an estimated year
        (None when the deadline needs no caveat, or when `limit` counts calendar days)."""
        if limit is not None and not TIME_LIMITS[limit].working_days:
            return None
        if self.coverage(day.year) != "fallback":
            return None
        return f"{day.year} 年尚无官方调休安排，工作日按周一至周五估算，请以官方公布为准"
