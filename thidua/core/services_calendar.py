"""Services for the working-day calendar: an administrator records the year's holidays, announced days
off and make-up working weekend days, which every deadline in the system is counted against.

Each write is atomic and audited, because changing one day moves the deadlines computed after it.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import ValidationFailed
from thidua.core.models import CalendarDay, CalendarDayKind
from thidua.core.permissions import require_perm
from thidua.organizations.services._common import check_choice, clean_text, snapshot

CALENDAR_DAY_FIELDS = ["date", "kind", "name", "legal_basis", "source_url", "unconfirmed"]


def _check_day(day: Any) -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field="day")
    return day


def _check_url(value: str | None) -> str:
    url = clean_text(value, field="source_url", max_length=500)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationFailed(_("Enter a valid URL."), code="invalid_url", field="source_url") from None
    return url


@transaction.atomic
def calendar_day_set(
    *,
    actor: Any,
    day: dt.date,
    kind: str,
    name: str,
    legal_basis: str = "",
    source_url: str = "",
    unconfirmed: bool = False,
) -> CalendarDay:
    """Record `day` as a holiday/day off or as a make-up working day (creating or updating its row).

    A make-up working day must be a Saturday or Sunday: Monday–Friday are working days already.
    """
    require_perm(actor, "core.manage_calendar")
    day = _check_day(day)
    kind = check_choice(kind, CalendarDayKind, field="kind")
    if kind == CalendarDayKind.WORKING_DAY and day.weekday() < 5:
        raise ValidationFailed(
            _("Only a Saturday or a Sunday can be declared a make-up working day."), code="not_weekend", field="day"
        )
    values = {
        "kind": kind,
        "name": clean_text(name, field="name", max_length=255, required=True),
        "legal_basis": (legal_basis or "").strip(),
        "source_url": _check_url(source_url),
        "unconfirmed": bool(unconfirmed),
    }
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    if existing is None:
        calendar_day = CalendarDay(date=day, **values)
        calendar_day.save()
        audit_record(
            actor=actor,
            action="calendar_day.create",
            obj=calendar_day,
            changes=model_changes({}, snapshot(calendar_day, CALENDAR_DAY_FIELDS)),
        )
        return calendar_day
    before = snapshot(existing, CALENDAR_DAY_FIELDS)
    for field, value in values.items():
        setattr(existing, field, value)
    changes = model_changes(before, snapshot(existing, CALENDAR_DAY_FIELDS))
    if changes:
        existing.save()
        audit_record(actor=actor, action="calendar_day.update", obj=existing, changes=changes)
    return existing


@transaction.atomic
def calendar_day_remove(*, actor: Any, day: dt.date) -> None:
    """Make `day` an ordinary day again (Monday–Friday working, weekend off)."""
    require_perm(actor, "core.manage_calendar")
    day = _check_day(day)
    calendar_day = CalendarDay.objects.select_for_update().filter(date=day).first()
    if calendar_day is None:
        raise ValidationFailed(
            _("%(day)s is not in the calendar.") % {"day": day.isoformat()}, code="not_in_calendar", field="day"
        )
    added = model_changes({}, snapshot(calendar_day, CALENDAR_DAY_FIELDS))
    changes = {field: [value, None] for field, (_none, value) in added.items()}
    audit_record(actor=actor, action="calendar_day.remove", obj=calendar_day, changes=changes)
    calendar_day.delete()
