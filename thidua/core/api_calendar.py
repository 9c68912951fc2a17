"""JSON API of the working-day calendar: the holidays, announced days off and make-up working weekend days
that every deadline is counted against.

The Django admin shows the calendar read-only, so administrators edit it here. Writes go through
core/services_calendar.py (permission core.manage_calendar, validation, one transaction, audit); its errors reach
the client as JSON with their stable codes. Any signed-in user may read a year's calendar.
"""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from thidua.api.common import WRITE_RESPONSES
from thidua.api.common import actor_of as _actor
from thidua.api.errors import ERROR_RESPONSES
from thidua.core.calendar import calendar_days
from thidua.core.models import CalendarDay
from thidua.core.permissions import require_perm
from thidua.core.services_calendar import calendar_day_remove, calendar_day_set

router = Router(tags=["calendar"])


class CalendarDayOut(Schema):
    date: dt.date
    kind: str
    name: str
    legal_basis: str
    source_url: str
    unconfirmed: bool


class CalendarDayIn(Schema):
    kind: str = Field(..., description="holiday (a day off) or working_day (a Saturday or Sunday worked in exchange).")
    name: str = Field(..., description="What the day is, e.g. “Tết Nguyên đán”.")
    legal_basis: str = ""
    source_url: str = ""
    unconfirmed: bool = Field(False, description="Not yet confirmed by an official announcement.")


@router.get(
    "/calendar-days",
    response={200: list[CalendarDayOut], **ERROR_RESPONSES},
    summary="The holidays and make-up working days of a year, in date order",
)
def calendar_day_list(request: HttpRequest, year: int) -> QuerySet[CalendarDay]:
    require_perm(_actor(request), "core.view_calendarday")
    return calendar_days(year)


@router.put(
    "/calendar-days/{date}",
    response={200: CalendarDayOut, **WRITE_RESPONSES},
    summary="Record a day as a holiday or a make-up working day (creates or replaces it; admin only)",
)
def calendar_day_put(request: HttpRequest, date: dt.date, payload: CalendarDayIn) -> CalendarDay:
    return calendar_day_set(actor=_actor(request), day=date, **payload.model_dump())


@router.delete(
    "/calendar-days/{date}",
    response={204: None, **WRITE_RESPONSES},
    summary="Make a day an ordinary day again (admin only)",
)
def calendar_day_delete(request: HttpRequest, date: dt.date) -> Status[None]:
    calendar_day_remove(actor=_actor(request), day=date)
    return Status(204, None)
