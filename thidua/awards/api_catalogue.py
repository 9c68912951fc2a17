"""JSON API to edit the awards catalogue: the texts of award types and the dated numbers of law.

The Django admin shows the catalogue read-only, so this is where administrators (and, for award types and rule
parameters, provincial officers) change it. Every write goes through services/catalogue.py, which checks the
permission, validates (periods that overlap or leave a gap, bad coefficients, unknown keys…), runs in one
transaction and audits; its errors reach the client as JSON with their stable codes. A value of law is never
changed in place: POST adds a new value from a date (closing the open one), PATCH corrects only its texts.
Reads of the three series are open to every signed-in user (awards.view_catalogue), like the award types.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from thidua.api.common import WRITE_RESPONSES
from thidua.api.common import actor_of as _actor
from thidua.awards import selectors
from thidua.awards.api import AwardTypeOut
from thidua.awards.models import AwardParameter, AwardType, BaseSalary, PrizeCoefficient
from thidua.awards.services.catalogue import (
    award_parameter_add,
    award_parameter_update,
    award_type_update,
    base_salary_add,
    base_salary_update,
    prize_coefficient_add,
    prize_coefficient_update,
)
from thidua.core.permissions import require_perm

router = Router(tags=["catalogue"])


class _Patch(Schema):
    """A partial change: only the fields sent are changed, and a field that cannot be changed is refused (422)
    rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- award types


class AwardTypeDetailOut(AwardTypeOut):
    decided_by_text: str
    authority_basis: str
    source_url: str
    note: str
    position: int


class AwardTypePatchIn(_Patch):
    name: str | None = None
    decided_by: str | None = Field(None, description="One of the Decider choices.")
    decided_by_text: str | None = None
    authority_basis: str | None = None
    legal_basis: str | None = None
    source_url: str | None = None
    handed_over: str | None = Field(None, description="One of the HandedOver choices.")
    counts_as_history: bool | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    unconfirmed: bool | None = None
    note: str | None = None
    position: int | None = None
    active: bool | None = None


@router.patch(
    "/award-types/{code}",
    response={200: AwardTypeDetailOut, **WRITE_RESPONSES},
    summary="Correct the texts, authority, validity, order or active flag of an award type",
)
def award_type_patch(request: HttpRequest, code: str, payload: AwardTypePatchIn) -> AwardType:
    award_type = get_object_or_404(AwardType, code=code)
    return award_type_update(actor=_actor(request), award_type=award_type, **payload.model_dump(exclude_unset=True))


# ---------------------------------------------------------------- dated values: common parts


class DatedOut(Schema):
    id: int
    valid_from: dt.date
    valid_to: dt.date | None
    legal_basis: str
    source_url: str
    unconfirmed: bool
    note: str


class DatedIn(Schema):
    valid_from: dt.date = Field(..., description="First day of the new value; the open value closes the day before.")
    legal_basis: str
    source_url: str = ""
    unconfirmed: bool = False
    note: str = ""


class DatedPatchIn(_Patch):
    legal_basis: str | None = None
    source_url: str | None = None
    unconfirmed: bool | None = None
    note: str | None = None


# ---------------------------------------------------------------- prize coefficients


class PrizeCoefficientOut(DatedOut):
    award_type: str = Field(..., alias="award_type.code")
    award_type_name: str = Field(..., alias="award_type.name")
    recipient: str
    coefficient: Decimal


class PrizeCoefficientIn(DatedIn):
    award_type: str = Field(..., description="A catalogue code, e.g. bang_khen_tinh.")
    recipient: str = Field(..., description="individual, collective or household.")
    coefficient: Decimal = Field(..., description="Times the base salary: greater than 0, at most 99.99, 2 decimals.")


def _coefficients() -> QuerySet[PrizeCoefficient]:
    return PrizeCoefficient.objects.select_related("award_type").order_by(
        "award_type__position", "award_type__code", "recipient", "valid_from"
    )


@router.get("/prize-coefficients", response=list[PrizeCoefficientOut], summary="Prize coefficients, every period")
def prize_coefficient_list(
    request: HttpRequest, award_type: str | None = None, recipient: str | None = None
) -> QuerySet[PrizeCoefficient]:
    require_perm(_actor(request), "awards.view_catalogue")
    rows = _coefficients()
    if award_type is not None:
        rows = rows.filter(award_type__code=award_type)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    return rows


@router.post(
    "/prize-coefficients",
    response={201: PrizeCoefficientOut, **WRITE_RESPONSES},
    summary="Add a new coefficient from a date (admin only)",
)
def prize_coefficient_create(request: HttpRequest, payload: PrizeCoefficientIn) -> Status[PrizeCoefficient]:
    data = payload.model_dump()
    award_type = selectors.award_type_by_code(data.pop("award_type"))
    row = prize_coefficient_add(actor=_actor(request), award_type=award_type, **data)
    return Status(201, _coefficients().get(pk=row.pk))


@router.patch(
    "/prize-coefficients/{coefficient_id}",
    response={200: PrizeCoefficientOut, **WRITE_RESPONSES},
    summary="Correct the legal basis, source, note or unconfirmed flag of a coefficient (admin only)",
)
def prize_coefficient_patch(request: HttpRequest, coefficient_id: int, payload: DatedPatchIn) -> PrizeCoefficient:
    row = get_object_or_404(PrizeCoefficient, pk=coefficient_id)
    prize_coefficient_update(actor=_actor(request), coefficient=row, **payload.model_dump(exclude_unset=True))
    return _coefficients().get(pk=row.pk)


# ---------------------------------------------------------------- base salary


class BaseSalaryOut(DatedOut):
    amount: int


class BaseSalaryIn(DatedIn):
    amount: int = Field(..., description="Whole đồng per month.")


@router.get("/base-salaries", response=list[BaseSalaryOut], summary="The base salary series, oldest first")
def base_salary_list(request: HttpRequest) -> QuerySet[BaseSalary]:
    require_perm(_actor(request), "awards.view_catalogue")
    return selectors.base_salary_series()


@router.post(
    "/base-salaries",
    response={201: BaseSalaryOut, **WRITE_RESPONSES},
    summary="Add a new base salary from a date; the series stays continuous (admin only)",
)
def base_salary_create(request: HttpRequest, payload: BaseSalaryIn) -> Status[BaseSalary]:
    return Status(201, base_salary_add(actor=_actor(request), **payload.model_dump()))


@router.patch(
    "/base-salaries/{base_salary_id}",
    response={200: BaseSalaryOut, **WRITE_RESPONSES},
    summary="Correct the legal basis, source, note or unconfirmed flag of a base salary (admin only)",
)
def base_salary_patch(request: HttpRequest, base_salary_id: int, payload: DatedPatchIn) -> BaseSalary:
    row = get_object_or_404(BaseSalary, pk=base_salary_id)
    return base_salary_update(actor=_actor(request), base_salary=row, **payload.model_dump(exclude_unset=True))


# ---------------------------------------------------------------- rule parameters


class AwardParameterOut(DatedOut):
    key: str
    value_type: str
    value: Any = Field(..., description="Decimals as strings; null means none (e.g. no quota).")
    description: str


class AwardParameterIn(DatedIn):
    key: str = Field(..., description="Lowercase letters, digits and underscores, starting with a letter.")
    value: Any = Field(..., description='Send decimals as strings ("0.15"); null means none (e.g. no quota).')
    value_type: str | None = Field(None, description="Required for a new key: decimal, integer, boolean or text.")
    description: str | None = Field(None, description="Default: the description of the key's previous value.")


class AwardParameterPatchIn(DatedPatchIn):
    description: str | None = None


@router.get("/award-parameters", response=list[AwardParameterOut], summary="Rule parameters, every period")
def award_parameter_list(request: HttpRequest, key: str | None = None) -> QuerySet[AwardParameter]:
    require_perm(_actor(request), "awards.view_catalogue")
    if key is not None:
        return selectors.parameter_history(key)
    return AwardParameter.objects.order_by("key", "valid_from")


@router.post(
    "/award-parameters",
    response={201: AwardParameterOut, **WRITE_RESPONSES},
    summary="Add a new value of a rule parameter from a date",
)
def award_parameter_create(request: HttpRequest, payload: AwardParameterIn) -> Status[AwardParameter]:
    return Status(201, award_parameter_add(actor=_actor(request), **payload.model_dump()))


@router.patch(
    "/award-parameters/{parameter_id}",
    response={200: AwardParameterOut, **WRITE_RESPONSES},
    summary="Correct the legal basis, source, note, description or unconfirmed flag of a parameter value",
)
def award_parameter_patch(request: HttpRequest, parameter_id: int, payload: AwardParameterPatchIn) -> AwardParameter:
    row = get_object_or_404(AwardParameter, pk=parameter_id)
    return award_parameter_update(actor=_actor(request), parameter=row, **payload.model_dump(exclude_unset=True))
