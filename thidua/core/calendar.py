"""Deadlines in working days, read from the `core.CalendarDay` table.

Other apps call `due_after(start, days)` to set a deadline and `working_days_late(due_on, today)` to
say how late something is. Both load only the CalendarDay rows of the window they need (one query,
widened in the rare case the window was too short) and hand them to the pure functions of
`thidua.core.workdays`.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from thidua.core.models import CalendarDay, CalendarDayKind
from thidua.core.workdays import add_working_days, working_days_between

# Longest run of non-working days in a year (Tết: up to 9 days) is far below this margin.
_MARGIN_DAYS = 60


def _days_in(start: dt.date, end: dt.date) -> tuple[set[dt.date], set[dt.date]]:
    """(holidays, working weekend days) with dates in [start, end]."""
    holidays: set[dt.date] = set()
    working_weekends: set[dt.date] = set()
    for day, kind in CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"):
        (holidays if kind == CalendarDayKind.HOLIDAY else working_weekends).add(day)
    return holidays, working_weekends


def due_after(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start not counted; 0 → start or the next working day).

    Raises ValueError for a negative `days`.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    span = days * 2 + _MARGIN_DAYS
    while True:
        end = start + dt.timedelta(days=span)
        holidays, working_weekends = _days_in(start, end)
        due = add_working_days(start, days, holidays=holidays, working_weekends=working_weekends)
        if due <= end:
            return due
        span *= 2  # the rows loaded did not cover the answer: load a wider window


def working_days_late(due_on: dt.date, today: dt.date) -> int:
    """How many working days after `due_on` today is (0 when not late)."""
    if today <= due_on:
        return 0
    holidays, working_weekends = _days_in(due_on, today)
    return working_days_between(due_on, today, holidays=holidays, working_weekends=working_weekends)


def working_days_late_map(due_dates: Iterable[dt.date], today: dt.date) -> dict[dt.date, int]:
    """`working_days_late` for many due dates at once (one query): {due_on: working days late}, 0 when not late."""
    dates = set(due_dates)
    late = {day for day in dates if day < today}
    result = dict.fromkeys(dates, 0)
    if late:
        holidays, working_weekends = _days_in(min(late), today)
        for day in late:
            result[day] = working_days_between(day, today, holidays=holidays, working_weekends=working_weekends)
    return result


def calendar_days(year: int) -> QuerySet[CalendarDay]:
    """The holidays and make-up working days of `year`, in date order (for a page or the admin)."""
    return CalendarDay.objects.filter(date__year=year).order_by("date")
