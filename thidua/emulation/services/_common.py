"""Checks shared by the emulation services: an open block-year, member units, dates, numbers."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from thidua.core.exceptions import ValidationFailed
from thidua.organizations.models import BlockYear, Phase, Unit

MAX_TEXT = 20_000
MAX_LINE = 2_000


def check_open(block_year: BlockYear) -> None:
    """Nothing of a closed block-year changes any more."""
    if block_year.phase == Phase.CLOSED:
        raise ValidationFailed(_("The block-year is closed."), code="block_year_closed")


def member_ids(block_year: BlockYear) -> set[int]:
    return set(block_year.memberships.values_list("unit_id", flat=True))


def check_member(block_year: BlockYear, unit: Unit, *, field: str = "unit") -> None:
    if not block_year.memberships.filter(unit=unit).exists():
        raise ValidationFailed(
            _("%(unit)s is not a member of this block in %(year)s.") % {"unit": unit, "year": block_year.year},
            code="not_member",
            field=field,
        )


def check_date(value: Any, *, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=field)
    return value


def check_date_between(value: dt.date, first: dt.date, last: dt.date, *, field: str, code: str) -> dt.date:
    if not first <= value <= last:
        raise ValidationFailed(
            _("The date must fall between %(first)s and %(last)s.")
            % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")},
            code=code,
            field=field,
        )
    return value


def check_not_future(value: dt.date, today: dt.date, *, field: str, code: str) -> dt.date:
    if value > today:
        raise ValidationFailed(_("The date cannot be in the future."), code=code, field=field)
    return value


def check_amount(value: Any, *, field: str, code: str = "invalid_value") -> Decimal | None:
    """A non-negative number with at most two decimals and twelve digits before the point, or None."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("Enter a number."), code=code, field=field) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationFailed(_("Enter a number from 0 to 999,999,999,999."), code=code, field=field)
    return amount.quantize(Decimal("0.01"))


def check_int(value: Any, *, field: str, code: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}, code=code, field=field
        )
    return value
