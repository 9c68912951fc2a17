"""Working-day arithmetic for deadlines (Vietnamese public-sector calendar).

Deadlines in the commendation workflow are counted in WORKING days: Monday–Friday, minus the
public holidays and the days off the Government announces each year, plus the make-up working
Saturdays/Sundays it declares in exchange. Those dates live in the `core.CalendarDay` table; this
module is kept PURE (no database, no clock) so the counting rules can be property-tested and reused
with any set of holidays. `thidua.core.calendar` loads the rows and calls these functions.

`due_after` is re-exported here (it reads the database, lazily) because the workflow code imports
it from this module; it is the same function as `thidua.core.calendar.due_after`.
"""

import datetime as dt
from collections.abc import Collection

_ONE_DAY = dt.timedelta(days=1)


def is_working_day(day: dt.date, *, holidays: Collection[dt.date], working_weekends: Collection[dt.date]) -> bool:
    """True for Monday–Friday not in `holidays`, and for a Saturday/Sunday listed in `working_weekends`."""
    if day.weekday() >= 5:
        return day in working_weekends
    return day not in holidays


def next_working_day(day: dt.date, *, holidays: Collection[dt.date], working_weekends: Collection[dt.date]) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, holidays=holidays, working_weekends=working_weekends):
        day += _ONE_DAY
    return day


def add_working_days(
    start: dt.date, days: int, *, holidays: Collection[dt.date], working_weekends: Collection[dt.date]
) -> dt.date:
    """The date `days` working days after `start` (`start` itself is not counted).

    `days=0` gives `start` when it is a working day, else the next working day. Negative counts
    are refused: a deadline is never before the event that starts it.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return next_working_day(start, holidays=holidays, working_weekends=working_weekends)
    day = start
    remaining = days
    while remaining:
        day += _ONE_DAY
        if is_working_day(day, holidays=holidays, working_weekends=working_weekends):
            remaining -= 1
    return day


def working_days_between(
    start: dt.date, end: dt.date, *, holidays: Collection[dt.date], working_weekends: Collection[dt.date]
) -> int:
    """The number of working days in (start, end]; negative (−count of (end, start]) when end < start.

    Used for "N working days overdue": `working_days_between(due_on, today)`.
    """
    if end < start:
        return -working_days_between(end, start, holidays=holidays, working_weekends=working_weekends)
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        if is_working_day(day, holidays=holidays, working_weekends=working_weekends):
            count += 1
        day += _ONE_DAY
    return count


def due_after(start: dt.date, days: int) -> dt.date:
    """The deadline `days` working days after `start`, using the `core.CalendarDay` table."""
    from thidua.core.calendar import due_after as _due_after

    return _due_after(start, days)
