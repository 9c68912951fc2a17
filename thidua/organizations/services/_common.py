"""Helpers shared by the organisation services: field validation and change snapshots."""

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from thidua.core.exceptions import ValidationFailed


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(_("This field is required."), code="required", field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            _("Ensure this value has at most %(max)d characters.") % {"max": max_length},
            code="too_long",
            field=field,
        )
    return text


def check_choice(value: str, choices: type[models.TextChoices], *, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(
            _("“%(value)s” is not a valid choice.") % {"value": value}, code="invalid_choice", field=field
        )
    return value


def check_period(start: dt.date | None, end: dt.date | None, *, field: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationFailed(
            _("The end date must not be before the start date."), code="dates_out_of_order", field=field
        )
