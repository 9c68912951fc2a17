"""Services of the awards catalogue: the texts of award types, and new dated values of the numbers of law.

A value of law is never edited in place: an amendment is a new row from its start date, and the period of the
value it replaces is closed the day before, so that decisions keep the figures in force on their dates. Periods of
one series never overlap (checked here under a lock on the series, because only PostgreSQL could enforce it), and
the base salary has no gaps: every day from its first value on is covered. Texts (legal basis, source, note,
"unconfirmed") may be corrected on any row.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.awards.models import (
    AwardParameter,
    AwardType,
    BaseSalary,
    DatedValue,
    Decider,
    HandedOver,
    PrizeCoefficient,
    Recipient,
    ValueType,
)
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.services._common import check_choice, check_period, clean_text, snapshot

DATED_FIELDS = ["valid_from", "valid_to", "legal_basis", "source_url", "unconfirmed", "note"]
COEFFICIENT_FIELDS = ["award_type", "recipient", "coefficient", *DATED_FIELDS]
BASE_SALARY_FIELDS = ["amount", *DATED_FIELDS]
PARAMETER_FIELDS = ["key", "value_type", "value", "description", *DATED_FIELDS]
AWARD_TYPE_FIELDS = [
    "name",
    "decided_by",
    "decided_by_text",
    "authority_basis",
    "legal_basis",
    "source_url",
    "handed_over",
    "counts_as_history",
    "valid_from",
    "valid_to",
    "unconfirmed",
    "note",
    "position",
    "active",
]
MAX_COEFFICIENT = Decimal("99.99")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


# --- validation helpers ----------------------------------------------------------------------------------------------


def _check_date(value: Any, *, field: str, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=field)
    return value


def _check_url(value: str | None, *, field: str = "source_url") -> str:
    url = clean_text(value, field=field, max_length=500)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationFailed(_("Enter a valid web address."), code="invalid_url", field=field) from None
    return url


def _check_bool(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(_("Enter yes or no."), code="invalid", field=field)
    return value


def _dated_texts(*, legal_basis: str, source_url: str | None, unconfirmed: bool, note: str | None) -> dict[str, Any]:
    return {
        "legal_basis": clean_text(legal_basis, field="legal_basis", max_length=500, required=True),
        "source_url": _check_url(source_url),
        "unconfirmed": _check_bool(unconfirmed, field="unconfirmed"),
        "note": (note or "").strip(),
    }


def _check_coefficient(value: Any) -> Decimal:
    try:
        if isinstance(value, (bool, float)):
            raise InvalidOperation
        number = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number <= 0 or number > MAX_COEFFICIENT or number != number.quantize(Decimal("0.01")):
        raise ValidationFailed(
            _("Enter a coefficient greater than 0 and at most 99.99, with at most two decimal places."),
            code="invalid_coefficient",
            field="coefficient",
        )
    return number.quantize(Decimal("0.01"))


def _check_amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > 10**12:
        raise ValidationFailed(
            _("Enter an amount in whole đồng greater than 0."), code="invalid_amount", field="amount"
        )
    return value


def _check_value(value_type: str, value: Any) -> Any:
    """The JSON form of a parameter value (decimals as canonical strings), or ValidationFailed("invalid_value")."""
    if value is None:
        return None
    ok = False
    stored: Any = value
    if value_type == ValueType.DECIMAL and not isinstance(value, bool | float):
        try:
            number = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
            ok = number.is_finite() and number >= 0
            stored = str(number)
        except (InvalidOperation, TypeError, ValueError):
            ok = False
    elif value_type == ValueType.INTEGER:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif value_type == ValueType.BOOLEAN:
        ok = isinstance(value, bool)
    elif value_type == ValueType.TEXT:
        ok = isinstance(value, str) and 0 < len(value.strip()) <= 500
        stored = value.strip() if isinstance(value, str) else value
    if not ok:
        raise ValidationFailed(
            _("This value is not a valid %(type)s.") % {"type": ValueType(value_type).label},
            code="invalid_value",
            field="value",
        )
    return stored


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# --- periods ---------------------------------------------------------------------------------------------------------


def _open_period(*, actor: Any, series: QuerySet[Any], valid_from: dt.date, continuous: bool, action: str) -> None:
    """Make room for a new value from `valid_from`: close the open period the day before, or refuse.

    Refuses a start on or before the start of an existing row (the past is not rewritten: that would change the
    figures of decisions already made) or inside a closed period ("overlap"), and, for a continuous series, a start
    that leaves days uncovered after a closed period ("gap").
    """
    rows = list(series.select_for_update().order_by("valid_from"))
    if not rows:
        return
    last = rows[-1]
    if last.valid_from >= valid_from or (last.valid_to is not None and last.valid_to >= valid_from):
        raise ValidationFailed(
            _("A value is already in force on %(date)s; a new value must start after %(last)s.")
            % {"date": _day(valid_from), "last": _day(last.valid_to or last.valid_from)},
            code="overlap",
            field="valid_from",
        )
    if last.valid_to is None:
        before = snapshot(last, DATED_FIELDS)
        last.valid_to = valid_from - dt.timedelta(days=1)
        last.save(update_fields=["valid_to", "updated_at"])
        audit_record(actor=actor, action=action, obj=last, changes=model_changes(before, snapshot(last, DATED_FIELDS)))
    elif continuous and last.valid_to + dt.timedelta(days=1) != valid_from:
        raise ValidationFailed(
            _("The series must have no gap: the new value must start on %(date)s.")
            % {"date": _day(last.valid_to + dt.timedelta(days=1))},
            code="gap",
            field="valid_from",
        )


# --- award types -----------------------------------------------------------------------------------------------------


@transaction.atomic
def award_type_update(*, actor: Any, award_type: AwardType, **changes: Any) -> AwardType:
    """Correct the texts, authority, handover, validity, order or active flag of an award type (not its code)."""
    require_perm(actor, "awards.manage_catalogue")
    unknown = set(changes) - set(AWARD_TYPE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    award_type = AwardType.objects.select_for_update().get(pk=award_type.pk)
    before = snapshot(award_type, AWARD_TYPE_FIELDS)
    for name, value in changes.items():
        if name == "name":
            value = clean_text(value, field=name, max_length=255, required=True)
        elif name in ("decided_by_text",):
            value = clean_text(value, field=name, max_length=255)
        elif name in ("authority_basis", "legal_basis"):
            value = clean_text(value, field=name, max_length=500)
        elif name == "source_url":
            value = _check_url(value)
        elif name == "decided_by":
            check_choice(value, Decider, field=name)
        elif name == "handed_over":
            check_choice(value, HandedOver, field=name)
        elif name in ("counts_as_history", "unconfirmed", "active"):
            _check_bool(value, field=name)
        elif name in ("valid_from", "valid_to"):
            _check_date(value, field=name, required=False)
        elif name == "note":
            value = (value or "").strip()
        elif name == "position" and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767):
            raise ValidationFailed(_("Enter a whole number between 0 and 32767."), code="invalid", field=name)
        setattr(award_type, name, value)
    check_period(award_type.valid_from, award_type.valid_to, field="valid_to")
    diff = model_changes(before, snapshot(award_type, AWARD_TYPE_FIELDS))
    if diff:
        award_type.save()
        audit_record(actor=actor, action="award_type.update", obj=award_type, changes=diff)
    return award_type


# --- dated values ----------------------------------------------------------------------------------------------------


@transaction.atomic
def prize_coefficient_add(
    *,
    actor: Any,
    award_type: AwardType,
    recipient: str,
    coefficient: Decimal | int | str,
    valid_from: dt.date,
    legal_basis: str,
    source_url: str = "",
    unconfirmed: bool = False,
    note: str = "",
) -> PrizeCoefficient:
    """A new coefficient of `award_type` for `recipient` from `valid_from` (the open one closes the day before)."""
    require_perm(actor, "awards.manage_prize_money")
    check_choice(recipient, Recipient, field="recipient")
    if not award_type.allows(recipient):
        raise ValidationFailed(
            _("%(award)s is not given to this kind of recipient.") % {"award": award_type.name},
            code="recipient_not_allowed",
            field="recipient",
        )
    value = _check_coefficient(coefficient)
    _check_date(valid_from, field="valid_from")
    texts = _dated_texts(legal_basis=legal_basis, source_url=source_url, unconfirmed=unconfirmed, note=note)
    _open_period(
        actor=actor,
        series=PrizeCoefficient.objects.filter(award_type=award_type, recipient=recipient),
        valid_from=valid_from,
        continuous=False,
        action="prize_coefficient.close",
    )
    row = PrizeCoefficient.objects.create(
        award_type=award_type, recipient=recipient, coefficient=value, valid_from=valid_from, **texts
    )
    audit_record(
        actor=actor,
        action="prize_coefficient.add",
        obj=row,
        changes=model_changes({}, snapshot(row, COEFFICIENT_FIELDS)),
    )
    return row


@transaction.atomic
def base_salary_add(
    *,
    actor: Any,
    amount: int,
    valid_from: dt.date,
    legal_basis: str,
    source_url: str = "",
    unconfirmed: bool = False,
    note: str = "",
) -> BaseSalary:
    """A new base salary from `valid_from`; the series stays continuous (the open value closes the day before)."""
    require_perm(actor, "awards.manage_prize_money")
    value = _check_amount(amount)
    _check_date(valid_from, field="valid_from")
    texts = _dated_texts(legal_basis=legal_basis, source_url=source_url, unconfirmed=unconfirmed, note=note)
    _open_period(
        actor=actor,
        series=BaseSalary.objects.all(),
        valid_from=valid_from,
        continuous=True,
        action="base_salary.close",
    )
    row = BaseSalary.objects.create(amount=value, valid_from=valid_from, **texts)
    audit_record(
        actor=actor, action="base_salary.add", obj=row, changes=model_changes({}, snapshot(row, BASE_SALARY_FIELDS))
    )
    return row


@transaction.atomic
def award_parameter_add(
    *,
    actor: Any,
    key: str,
    value: Any,
    valid_from: dt.date,
    legal_basis: str,
    source_url: str = "",
    unconfirmed: bool = False,
    note: str = "",
    value_type: str | None = None,
    description: str | None = None,
) -> AwardParameter:
    """A new value of parameter `key` from `valid_from`. A new key needs its `value_type`; an existing key keeps it
    (and its description unless one is given). `value=None` means "none" (e.g. no quota)."""
    require_perm(actor, "awards.manage_catalogue")
    key = (key or "").strip()
    if not KEY_RE.match(key):
        raise ValidationFailed(
            _("A key is lowercase letters, digits and underscores, starting with a letter."),
            code="invalid_key",
            field="key",
        )
    previous = AwardParameter.objects.filter(key=key).order_by("-valid_from").first()
    if previous is None:
        if value_type is None:
            raise ValidationFailed(_("This field is required."), code="required", field="value_type")
        check_choice(value_type, ValueType, field="value_type")
    elif value_type is not None and value_type != previous.value_type:
        raise ValidationFailed(
            _("The parameter “%(key)s” holds a %(type)s.") % {"key": key, "type": previous.get_value_type_display()},
            code="type_mismatch",
            field="value_type",
        )
    kind = value_type or (previous.value_type if previous else ValueType.TEXT)
    stored = _check_value(kind, value)
    _check_date(valid_from, field="valid_from")
    texts = _dated_texts(legal_basis=legal_basis, source_url=source_url, unconfirmed=unconfirmed, note=note)
    _open_period(
        actor=actor,
        series=AwardParameter.objects.filter(key=key),
        valid_from=valid_from,
        continuous=False,
        action="award_parameter.close",
    )
    row = AwardParameter.objects.create(
        key=key,
        value_type=kind,
        value=stored,
        description=(description if description is not None else (previous.description if previous else "")).strip(),
        valid_from=valid_from,
        **texts,
    )
    audit_record(
        actor=actor, action="award_parameter.add", obj=row, changes=model_changes({}, snapshot(row, PARAMETER_FIELDS))
    )
    return row


def _update_texts(*, actor: Any, row: DatedValue, perm: str, action: str, fields: list[str], **changes: Any) -> Any:
    require_perm(actor, perm)
    allowed = {
        "legal_basis",
        "source_url",
        "unconfirmed",
        "note",
        *(["description"] if "description" in fields else []),
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    row = type(row)._default_manager.select_for_update().get(pk=row.pk)
    before = snapshot(row, fields)
    for name, value in changes.items():
        if name == "legal_basis":
            value = clean_text(value, field=name, max_length=500, required=True)
        elif name == "source_url":
            value = _check_url(value)
        elif name == "unconfirmed":
            _check_bool(value, field=name)
        else:
            value = (value or "").strip()
        setattr(row, name, value)
    diff = model_changes(before, snapshot(row, fields))
    if diff:
        row.save()
        audit_record(actor=actor, action=action, obj=row, changes=diff)
    return row


@transaction.atomic
def prize_coefficient_update(*, actor: Any, coefficient: PrizeCoefficient, **changes: Any) -> PrizeCoefficient:
    """Correct the legal basis, source, note or "unconfirmed" flag of a coefficient (not its value or dates)."""
    return _update_texts(
        actor=actor,
        row=coefficient,
        perm="awards.manage_prize_money",
        action="prize_coefficient.update",
        fields=COEFFICIENT_FIELDS,
        **changes,
    )


@transaction.atomic
def base_salary_update(*, actor: Any, base_salary: BaseSalary, **changes: Any) -> BaseSalary:
    """Correct the legal basis, source, note or "unconfirmed" flag of a base salary (not its amount or dates)."""
    return _update_texts(
        actor=actor,
        row=base_salary,
        perm="awards.manage_prize_money",
        action="base_salary.update",
        fields=BASE_SALARY_FIELDS,
        **changes,
    )


@transaction.atomic
def award_parameter_update(*, actor: Any, parameter: AwardParameter, **changes: Any) -> AwardParameter:
    """Correct the legal basis, source, note, description or "unconfirmed" flag of a parameter value."""
    return _update_texts(
        actor=actor,
        row=parameter,
        perm="awards.manage_catalogue",
        action="award_parameter.update",
        fields=PARAMETER_FIELDS,
        **changes,
    )
