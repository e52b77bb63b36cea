"""信访 deadlines counted in 工作日 follow the State Council's holiday arrangements: holidays and the
days off moved next to them do not count, make-up workdays on a weekend (调休上班) do.

Every date below was printed from `holidays` 0.108 (China) and checked against the State Council
notices on the 2025 and 2026 holiday arrangements.
"""

from __future__ import annotations

import datetime as dt

import pytest

from functions.domain.calendar import WorkingCalendar
from functions.domain.time_limits import TIME_LIMITS, Limit
from site_builder.models import CalendarDay

D = dt.date
CALENDAR = WorkingCalendar()


def five_working_days_after(day: dt.date, calendar: WorkingCalendar = CALENDAR) -> dt.date:
    return calendar.add_working_days(day, 5)


# --- the official arrangements -----------------------------------------------------------------

def test_an_objection_received_the_day_before_national_day_2025_is_due_after_the_eight_day_break():
    # Off 1–8 Oct (National Day with Mid-Autumn); Saturday 11 Oct is a make-up workday and counts.
    assert five_working_days_after(D(2025, 9, 30)) == D(2025, 10, 14)


def test_the_make_up_sunday_before_national_day_2025_counts_as_a_working_day():
    # Received Friday 26 Sep: Sun 28, Mon 29, Tue 30 Sep, then Thu 9 and Fri 10 Oct.
    assert five_working_days_after(D(2025, 9, 26)) == D(2025, 10, 10)


def test_an_objection_received_before_spring_festival_2025_skips_the_eight_days_off():
    # Sunday 26 Jan is a workday; 28 Jan – 4 Feb are off.
    assert five_working_days_after(D(2025, 1, 24)) == D(2025, 2, 7)


def test_spring_festival_2026_counts_the_make_up_saturday_before_it_and_skips_the_nine_days_off():
    # Saturday 14 Feb is a workday, 15–23 Feb are off, then 24–27 Feb.
    assert five_working_days_after(D(2026, 2, 13)) == D(2026, 2, 27)


def test_the_make_up_saturday_after_spring_festival_2026_counts():
    # Thu 26, Fri 27, Sat 28 Feb (make-up), Mon 2, Tue 3 Mar.
    assert five_working_days_after(D(2026, 2, 25)) == D(2026, 3, 3)


def test_a_count_across_new_year_2026_includes_the_make_up_sunday_4_january():
    assert five_working_days_after(D(2025, 12, 31)) == D(2026, 1, 8)


def test_labour_day_2026_is_five_days_off_and_saturday_9_may_is_a_workday():
    assert five_working_days_after(D(2026, 4, 30)) == D(2026, 5, 11)


def test_national_day_2026_is_seven_days_off_and_saturday_10_october_is_a_workday():
    assert five_working_days_after(D(2026, 9, 30)) == D(2026, 10, 13)


def test_an_ordinary_week_counts_monday_to_friday():
    assert five_working_days_after(D(2026, 3, 6)) == D(2026, 3, 13)


@pytest.mark.parametrize("day, working", [
    (D(2025, 1, 26), True),    # Sunday, make-up workday for Spring Festival
    (D(2025, 2, 8), True),     # Saturday, make-up workday
    (D(2025, 4, 27), True),    # Sunday, make-up workday for Labour Day
    (D(2025, 5, 5), False),    # Monday, Labour Day break
    (D(2025, 6, 2), False),    # Monday, Dragon Boat Festival (31 May fell on a Saturday)
    (D(2025, 9, 28), True),    # Sunday, make-up workday for National Day
    (D(2025, 10, 8), False),   # Wednesday, last day of the National Day break
    (D(2025, 10, 11), True),   # Saturday, make-up workday
    (D(2026, 1, 2), False),    # Friday, New Year's break
    (D(2026, 1, 4), True),     # Sunday, make-up workday
    (D(2026, 2, 23), False),   # Monday, last day of Spring Festival
    (D(2026, 4, 6), False),    # Monday, Qingming (5 April fell on a Sunday)
    (D(2026, 9, 20), True),    # Sunday, make-up workday for National Day
    (D(2026, 3, 7), False),    # an ordinary Saturday
    (D(2026, 3, 9), True),     # an ordinary Monday
])
def test_each_day_is_working_or_not_as_the_state_council_arranged(day, working):
    assert CALENDAR.is_working_day(day) is working


def test_the_day_of_receipt_does_not_count():
    assert CALENDAR.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)   # received on a Monday
    assert CALENDAR.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)   # received on a Saturday


def test_working_days_between_counts_the_days_after_the_first_date_up_to_the_second():
    assert CALENDAR.working_days_between(D(2025, 9, 30), D(2025, 10, 14)) == 5
    assert CALENDAR.working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0   # all of the break
    assert CALENDAR.working_days_between(D(2025, 10, 14), D(2025, 9, 30)) == -5  # overdue by five
    assert CALENDAR.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_counting_forward_and_counting_between_agree_through_a_whole_year():
    start = D(2026, 1, 1)
    for offset in range(365):
        day = start + dt.timedelta(days=offset)
        assert CALENDAR.working_days_between(day, CALENDAR.add_working_days(day, 5)) == 5


def test_2025_and_2026_are_covered_by_official_data():
    assert CALENDAR.coverage(2025) == "official"
    assert CALENDAR.coverage(2026) == "official"
    assert CALENDAR.deadline_note(D(2026, 10, 13)) is None


# --- overrides from content --------------------------------------------------------------------

def test_a_day_the_editors_mark_non_working_is_skipped():
    calendar = WorkingCalendar([CalendarDay(date=D(2025, 10, 9), working=False, note="本单位停止办公")])
    assert not calendar.is_working_day(D(2025, 10, 9))
    assert five_working_days_after(D(2025, 9, 30), calendar) == D(2025, 10, 15)


def test_a_holiday_the_editors_mark_working_counts():
    calendar = WorkingCalendar([CalendarDay(date=D(2025, 10, 8), working=True, note="更正示例")])
    assert calendar.is_working_day(D(2025, 10, 8))
    assert five_working_days_after(D(2025, 9, 30), calendar) == D(2025, 10, 13)


def test_the_same_day_cannot_be_overridden_twice():
    entries = [CalendarDay(date=D(2025, 10, 9), working=False, note="一"),
               CalendarDay(date=D(2025, 10, 9), working=True, note="二")]
    with pytest.raises(ValueError):
        WorkingCalendar(entries)


# --- years without official data ---------------------------------------------------------------

def test_a_year_without_official_data_is_marked_fallback_and_its_deadlines_carry_a_note():
    assert CALENDAR.coverage(2028) == "fallback"
    assert CALENDAR.deadline_note(D(2028, 5, 9)) == "2028 年尚无官方调休安排，工作日按周一至周五估算，请以官方公布为准"


def test_a_fallback_year_counts_monday_to_friday_minus_the_statutory_holidays():
    # 1–2 May 2028 (Mon, Tue) are Labour Day; no Saturday is a workday in an estimated year.
    assert not CALENDAR.is_working_day(D(2028, 4, 29))
    assert five_working_days_after(D(2028, 4, 28)) == D(2028, 5, 9)


def test_a_deadline_running_into_a_fallback_year_carries_the_note():
    deadline = CALENDAR.deadline(D(2099, 12, 30), Limit.object)
    assert deadline.year == 2100
    assert CALENDAR.deadline_note(deadline, Limit.object).startswith("2100 年尚无官方调休安排")


def test_entering_a_years_make_up_workdays_lifts_the_fallback_note():
    calendar = WorkingCalendar([CalendarDay(date=D(2028, 4, 29), working=True, note="劳动节调休上班"),
                                CalendarDay(date=D(2028, 5, 3), working=False, note="劳动节放假")])
    assert calendar.coverage(2028) == "override"
    assert calendar.deadline_note(D(2028, 5, 9)) is None
    # Sat 29 Apr counts; 1–3 May are off: 29 Apr, 4, 5, 8, 9 May.
    assert five_working_days_after(D(2028, 4, 28), calendar) == D(2028, 5, 9)
    assert calendar.add_working_days(D(2028, 4, 28), 1) == D(2028, 4, 29)


def test_a_lone_day_off_in_a_fallback_year_keeps_the_note():
    calendar = WorkingCalendar([CalendarDay(date=D(2028, 6, 6), working=False, note="本单位停止办公")])
    assert calendar.coverage(2028) == "fallback"
    assert calendar.deadline_note(D(2028, 6, 9)) is not None


# --- one call for every limit ------------------------------------------------------------------

def test_deadline_counts_working_days_for_an_objection():
    assert TIME_LIMITS[Limit.object].working_days
    assert CALENDAR.deadline(D(2025, 9, 30), Limit.object) == D(2025, 10, 14)


def test_deadline_counts_calendar_days_for_handling_and_ignores_holidays():
    assert CALENDAR.deadline(D(2025, 9, 30), Limit.handle) == D(2025, 11, 29)   # 60 days
    assert CALENDAR.deadline(D(2025, 9, 30), Limit.assign) == D(2025, 10, 15)   # 15 days, through the break


def test_every_limit_in_the_policy_table_has_a_deadline_and_calendar_day_limits_need_no_note():
    for limit in Limit:
        deadline = CALENDAR.deadline(D(2028, 4, 28), limit)
        assert deadline > D(2028, 4, 28)
        note = CALENDAR.deadline_note(deadline, limit)
        assert (note is not None) is TIME_LIMITS[limit].working_days
