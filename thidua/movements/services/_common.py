"""Checks shared by the movements services: permission alternatives, membership, dates, open block-years."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.organizations.models import BlockYear, Phase, Unit

MAX_TEXT = 20_000


def require_any(actor: Any, *checks: tuple[str, Any]) -> None:
    """Raise PermissionDenied unless `actor` holds at least one of the (permission, object) pairs."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    if not any(actor.has_perm(perm, obj) for perm, obj in checks):
        raise PermissionDenied()


def check_open(block_year: BlockYear) -> None:
    if block_year.phase == Phase.CLOSED:
        raise ValidationFailed(_("The block-year is closed."), code="block_year_closed")


def member_ids(block_year: BlockYear) -> set[int]:
    return set(block_year.memberships.values_list("unit_id", flat=True))


def check_members(block_year: BlockYear, units: Iterable[Unit], *, field: str) -> None:
    """Every unit must be a member of the block-year."""
    members = member_ids(block_year)
    for unit in units:
        if unit.pk not in members:
            raise ValidationFailed(
                _("%(unit)s is not a member of this block in %(year)s.") % {"unit": unit, "year": block_year.year},
                code="not_a_member",
                field=field,
            )


def check_date(value: Any, *, field: str, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=field)
    return value


def check_in_year(value: dt.date | None, block_year: BlockYear, *, field: str) -> None:
    """Dates of a block-year's work fall within its year, give or take one year."""
    if value is None:
        return
    first, last = dt.date(block_year.year - 1, 1, 1), dt.date(block_year.year + 1, 12, 31)
    if not first <= value <= last:
        raise ValidationFailed(
            _("The date must fall between %(first)s and %(last)s (the block-year %(year)s ± 1 year).")
            % {"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y"), "year": block_year.year},
            code="date_out_of_range",
            field=field,
        )


def check_count(value: Any, *, field: str, maximum: int = 1_000_000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise ValidationFailed(
            _("Enter a whole number between 0 and %(max)d.") % {"max": maximum}, code="invalid", field=field
        )
    return value


def check_movement_year(movement: Any, block_year: BlockYear, *, field: str = "movement") -> None:
    if movement is not None and movement.block_year_id != block_year.pk:
        raise ValidationFailed(
            _("The movement “%(movement)s” belongs to another block-year.") % {"movement": movement},
            code="movement_other_year",
            field=field,
        )


def ids(objects: Iterable[Any]) -> list[int]:
    return sorted(obj.pk for obj in objects)
