"""Reads of the awards catalogue: the values of law in force on a date, and the prize money they give.

A decision states the figures it used, so `prize_for` returns them with their legal basis and whether any of them
is still unconfirmed, not just the amount. A date no value covers is an error the user must see (issue #5 item 10:
"a base-salary gap on the decision date"), never a silent default.
"""

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from thidua.awards.models import (
    AwardParameter,
    AwardType,
    BaseSalary,
    DatedValue,
    PrizeCoefficient,
    Recipient,
)
from thidua.awards.prize import prize_amount
from thidua.core.exceptions import ValidationFailed

COLLECTIVE_MULTIPLIER = "collective_multiplier"

# The codes registrations (thidua.emulation.titles) used before the catalogue existed → catalogue codes.
EMULATION_TITLE_CODES: dict[str, str] = {
    "flag_government": "co_chinh_phu",
    "flag_province": "co_tinh",
    "merit_pm": "bang_khen_ttg",
    "merit_province": "bang_khen_tinh",
    "excellent_collective": "ttldxs",
    "advanced_collective": "ttldtt",
    "advanced_labourer": "ldtt",
    "emulation_fighter_grassroots": "cstd_co_so",
    "emulation_fighter_province": "cstd_tinh",
}


def _in_force[D: DatedValue](qs: QuerySet[D], day: dt.date) -> D | None:
    return (
        qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day).order_by("-valid_from").first()
    )


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def award_types(*, active_only: bool = True) -> QuerySet[AwardType]:
    """The catalogue in its display order."""
    qs = AwardType.objects.all()
    return qs.filter(active=True) if active_only else qs


def award_type_by_code(code: str) -> AwardType:
    award_type = AwardType.objects.filter(code=code).first()
    if award_type is None:
        raise ValidationFailed(
            _("“%(code)s” is not an award type of the catalogue.") % {"code": code},
            code="unknown_award_type",
            field="award_type",
        )
    return award_type


def _award_type(value: AwardType | str) -> AwardType:
    return value if isinstance(value, AwardType) else award_type_by_code(value)


def base_salary_series() -> QuerySet[BaseSalary]:
    return BaseSalary.objects.order_by("valid_from")


def coefficient_history(award_type: AwardType) -> QuerySet[PrizeCoefficient]:
    return award_type.coefficients.order_by("recipient", "valid_from")


def parameter_history(key: str) -> QuerySet[AwardParameter]:
    return AwardParameter.objects.filter(key=key).order_by("valid_from")


def base_salary_on(day: dt.date) -> BaseSalary:
    """The base salary in force on `day`; ValidationFailed("no_base_salary") when no value covers it."""
    row = _in_force(BaseSalary.objects.all(), day)
    if row is None:
        raise ValidationFailed(
            _("No base salary is in force on %(date)s; add it to the catalogue first.") % {"date": _day(day)},
            code="no_base_salary",
            field="date",
        )
    return row


def coefficient_on(award_type: AwardType | str, recipient: str, day: dt.date) -> PrizeCoefficient:
    """The prize coefficient of `award_type` for `recipient` in force on `day` (ValidationFailed "no_coefficient")."""
    kind = _award_type(award_type)
    row = _in_force(PrizeCoefficient.objects.filter(award_type=kind, recipient=recipient), day)
    if row is None:
        raise ValidationFailed(
            _("No prize coefficient of %(award)s for %(recipient)s is in force on %(date)s.")
            % {
                "award": kind.name,
                "recipient": Recipient(recipient).label if recipient in Recipient.values else recipient,
                "date": _day(day),
            },
            code="no_coefficient",
            field="award_type",
        )
    return row


def parameter_on(key: str, day: dt.date) -> AwardParameter:
    """The parameter row `key` in force on `day` (its `typed_value` is the value); ValidationFailed "no_parameter"."""
    row = _in_force(AwardParameter.objects.filter(key=key), day)
    if row is None:
        raise ValidationFailed(
            _("The parameter “%(key)s” has no value in force on %(date)s.") % {"key": key, "date": _day(day)},
            code="no_parameter",
            field="key",
        )
    return row


def parameters_on(day: dt.date) -> dict[str, Any]:
    """Every parameter in force on `day` as {key: typed value} (the plain mapping the eligibility rules take)."""
    rows = AwardParameter.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)
    return {row.key: row.typed_value for row in rows.order_by("key")}


@dataclass(frozen=True)
class PrizeQuote:
    """The prize of one award and every figure used, so that a decision can state them."""

    award_code: str
    recipient: str
    decision_date: dt.date
    amount: int
    coefficient: Decimal
    coefficient_basis: str
    coefficient_id: int
    base_salary: int
    base_salary_basis: str
    base_salary_id: int
    multiplier: Decimal
    multiplier_basis: str
    multiplier_id: int | None
    unconfirmed: bool

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            decision_date=self.decision_date.isoformat(),
            coefficient=str(self.coefficient),
            multiplier=str(self.multiplier),
        )
        return data


def prize_for(award_type: AwardType | str, recipient: str, decision_date: dt.date) -> PrizeQuote:
    """The prize money of `award_type` given to `recipient` by a decision dated `decision_date`.

    The coefficient is the recipient's own row; a collective without one (Bằng khen, Giấy khen) gets the individual
    coefficient × the `collective_multiplier` parameter. Raises ValidationFailed with code recipient_not_allowed,
    no_coefficient, no_base_salary or no_parameter.
    """
    kind = _award_type(award_type)
    if recipient not in Recipient.values or not kind.allows(recipient):
        raise ValidationFailed(
            _("%(award)s is not given to this kind of recipient.") % {"award": kind.name},
            code="recipient_not_allowed",
            field="recipient",
        )
    multiplier, multiplier_basis, multiplier_id, multiplier_unconfirmed = Decimal(1), "", None, False
    try:
        coefficient = coefficient_on(kind, recipient, decision_date)
    except ValidationFailed:
        if recipient != Recipient.COLLECTIVE:
            raise
        coefficient = coefficient_on(kind, Recipient.INDIVIDUAL, decision_date)
        parameter = parameter_on(COLLECTIVE_MULTIPLIER, decision_date)
        if parameter.typed_value is None:
            raise ValidationFailed(
                _("The collective multiplier has no value on %(date)s.") % {"date": _day(decision_date)},
                code="no_parameter",
                field="key",
            ) from None
        multiplier = Decimal(parameter.typed_value)
        multiplier_basis, multiplier_id, multiplier_unconfirmed = (
            parameter.legal_basis,
            parameter.pk,
            parameter.unconfirmed,
        )
    salary = base_salary_on(decision_date)
    return PrizeQuote(
        award_code=kind.code,
        recipient=recipient,
        decision_date=decision_date,
        amount=prize_amount(coefficient.coefficient, int(salary.amount), multiplier=multiplier),
        coefficient=coefficient.coefficient,
        coefficient_basis=coefficient.legal_basis,
        coefficient_id=coefficient.pk,
        base_salary=int(salary.amount),
        base_salary_basis=salary.legal_basis,
        base_salary_id=salary.pk,
        multiplier=multiplier,
        multiplier_basis=multiplier_basis,
        multiplier_id=multiplier_id,
        unconfirmed=coefficient.unconfirmed or salary.unconfirmed or multiplier_unconfirmed,
    )
