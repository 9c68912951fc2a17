"""JSON API of the awards app: the catalogue (read) with prize quotes, and the registry of awards.

Reads go through the selectors; the registry is readable by every signed-in user (names, titles, years and
decisions are public data), the catalogue too. Writes (record, import, revoke) go through services/registry.py,
which check the permission on the recipient's unit, validate, run in one transaction and audit. A refused import
answers 400 with code "import_invalid" and `details`: one {row, code, message, field} per bad row.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from thidua.api.common import WRITE_RESPONSES, CappedPageNumberPagination
from thidua.api.common import actor_of as _actor
from thidua.api.common import ref as _ref
from thidua.api.errors import ERROR_RESPONSES
from thidua.awards import selectors
from thidua.awards import selectors_registry as registry
from thidua.awards.eligibility import award_label
from thidua.awards.models import Award, AwardType, Recipient
from thidua.awards.selectors_eligibility import eligibility_for, json_safe, records_evidence
from thidua.awards.services.registry import award_import, award_record, award_revoke
from thidua.core.permissions import require_perm
from thidua.organizations.models import Person, Unit

router = Router()

# ---------------------------------------------------------------- catalogue


class AwardTypeOut(Schema):
    code: str
    name: str
    kind: str
    recipient: str
    level: str
    decided_by: str
    legal_basis: str
    handed_over: str
    counts_as_history: bool
    valid_from: dt.date | None
    valid_to: dt.date | None
    unconfirmed: bool
    active: bool


class PrizeQuoteOut(Schema):
    award_code: str
    recipient: str
    decision_date: dt.date
    amount: int
    coefficient: str
    coefficient_basis: str
    base_salary: int
    base_salary_basis: str
    multiplier: str
    multiplier_basis: str
    unconfirmed: bool


@router.get("/award-types", response=list[AwardTypeOut], tags=["awards"], summary="The catalogue of titles and forms")
def award_type_list(request: HttpRequest, active_only: bool = True) -> QuerySet[AwardType]:
    require_perm(_actor(request), "awards.view_catalogue")
    return selectors.award_types(active_only=active_only)


@router.get(
    "/award-types/{code}/prize",
    response={200: PrizeQuoteOut, **ERROR_RESPONSES},
    tags=["awards"],
    summary="Prize money of an award on a decision date, with the figures used",
)
def award_type_prize(request: HttpRequest, code: str, recipient: Recipient, date: dt.date) -> dict[str, Any]:
    require_perm(_actor(request), "awards.view_catalogue")
    award_type = get_object_or_404(AwardType, code=code)
    quote = selectors.prize_for(award_type, recipient.value, date).as_dict()
    return quote


# ---------------------------------------------------------------- registry


class AwardOut(Schema):
    id: int
    award_type: str = Field(..., alias="award_type.code")
    award_type_name: str = Field(..., alias="award_type.name")
    recipient_kind: str
    unit_id: int | None
    person_id: int | None
    recipient_name: str
    unit_name: str
    year: int
    decision_number: str
    decision_date: dt.date | None
    decision_signer: str
    issuing_body: str
    amount: int | None
    counts_as_history: bool
    revoked: bool
    revoked_on: dt.date | None
    revoke_reason: str
    revoke_decision_number: str
    recovery_amount: int | None
    source: str
    batch_id: int | None


class AwardIn(Schema):
    award_type: str = Field(..., description="A catalogue code, e.g. cstd_co_so.")
    year: int
    unit_id: int | None = Field(None, description="The collective awarded, or the person's unit at the time.")
    person_id: int | None = Field(None, description="The person awarded (an individual award).")
    decision_number: str = Field(..., max_length=100)
    decision_date: dt.date
    decision_signer: str = ""
    issuing_body: str = ""
    amount: int | None = None
    counts_as_history: bool | None = Field(None, description="Default: the award type's setting.")
    note: str = ""


class AwardRevokeIn(Schema):
    revoked_on: dt.date
    reason: str
    decision_number: str = ""
    recovery_amount: int | None = None


class ImportOut(Schema):
    batch_id: int
    file_name: str
    sha256: str
    rows: int
    created: int


class TimelineYearOut(Schema):
    year: int
    awards: list[AwardOut]


@router.get(
    "/awards",
    response=list[AwardOut],
    tags=["awards"],
    summary="Registry search (without tone marks); `count` stops at 1,000 (`capped`)",
)
@paginate(CappedPageNumberPagination)
def award_list(
    request: HttpRequest,
    q: str | None = None,
    award_type: str | None = None,
    year: int | None = None,
    kind: Recipient | None = None,
    unit: int | None = None,
    include_revoked: bool = True,
) -> QuerySet[Award]:
    require_perm(_actor(request), "awards.view_award")
    unit_obj = get_object_or_404(Unit, pk=unit) if unit is not None else None
    return registry.award_search(
        query=q,
        award_type=award_type,
        year=year,
        recipient_kind=kind.value if kind else None,
        unit=unit_obj,
        include_revoked=include_revoked,
    )


@router.post(
    "/awards/import",
    response={201: ImportOut, **WRITE_RESPONSES},
    tags=["awards"],
    summary="Import a history file (CSV or XLSX), all or nothing",
)
def award_import_file(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    # Declared before /awards/{award_id} so that "import" is not taken for an id.
    result = award_import(actor=_actor(request), upload=file)
    batch = result.batch
    return Status(
        201,
        {
            "batch_id": batch.pk,
            "file_name": batch.file_name,
            "sha256": batch.sha256,
            "rows": batch.rows,
            "created": batch.created,
        },
    )


@router.get("/awards/{award_id}", response={200: AwardOut, **ERROR_RESPONSES}, tags=["awards"])
def award_detail(request: HttpRequest, award_id: int) -> Award:
    award = get_object_or_404(registry.awards_joined(), pk=award_id)
    require_perm(_actor(request), "awards.view_award", award)
    return award


@router.post("/awards", response={201: AwardOut, **WRITE_RESPONSES}, tags=["awards"], summary="Record a past award")
def award_create(request: HttpRequest, payload: AwardIn) -> Status[Award]:
    data = payload.model_dump()
    unit = _ref(Unit, data.pop("unit_id"), field="unit_id")
    person = _ref(Person, data.pop("person_id"), field="person_id")
    award = award_record(actor=_actor(request), unit=unit, person=person, **data)
    return Status(201, registry.award_get(award.pk))


@router.post("/awards/{award_id}/revoke", response={200: AwardOut, **WRITE_RESPONSES}, tags=["awards"])
def award_revoke_endpoint(request: HttpRequest, award_id: int, payload: AwardRevokeIn) -> Award:
    award = get_object_or_404(Award, pk=award_id)
    award_revoke(actor=_actor(request), award=award, **payload.model_dump())
    return registry.award_get(award.pk)


@router.get("/units/{unit_id}/awards", response={200: list[TimelineYearOut], **ERROR_RESPONSES}, tags=["awards"])
def unit_award_timeline(request: HttpRequest, unit_id: int) -> list[registry.TimelineYear]:
    require_perm(_actor(request), "awards.view_award")
    return registry.unit_timeline(unit=get_object_or_404(Unit, pk=unit_id))


@router.get("/people/{person_id}/awards", response={200: list[TimelineYearOut], **ERROR_RESPONSES}, tags=["awards"])
def person_award_timeline(request: HttpRequest, person_id: int) -> list[registry.TimelineYear]:
    require_perm(_actor(request), "awards.view_award")
    return registry.person_timeline(person=get_object_or_404(Person, pk=person_id))


# ---------------------------------------------------------------- eligibility


class CheckOut(Schema):
    rule_id: str
    status: str
    message: str
    explanation: str
    citation: str | None
    citation_unconfirmed: bool
    evidence: dict[str, Any]
    records: list[dict[str, Any]]


class EligibilityOut(Schema):
    award: str
    award_name: str
    recipient_kind: str
    unit_id: int | None
    person_id: int | None
    year: int
    rule_set: str
    basis: str
    verdict: str
    checks: list[CheckOut]


@router.get(
    "/eligibility",
    response={200: EligibilityOut, **ERROR_RESPONSES},
    tags=["awards"],
    summary="Eligibility of a unit or a person for a title or form, with every check and its evidence",
)
def eligibility_report(
    request: HttpRequest, award: str, year: int, unit: int | None = None, person: int | None = None
) -> dict[str, Any]:
    actor = _actor(request)
    person_obj = get_object_or_404(Person, pk=person) if person is not None else None
    unit_obj = get_object_or_404(Unit, pk=unit) if unit is not None and person_obj is None else None
    if person_obj is not None and not actor.has_perm("organizations.view_person", person_obj):
        raise Http404
    if unit_obj is not None:
        require_perm(actor, "organizations.view_unit", unit_obj)
    report = eligibility_for(unit=unit_obj, person=person_obj, award_code=award, year=year)
    return {
        "award": report.award_code,
        "award_name": award_label(report.award_code),
        "recipient_kind": report.candidate.kind.value,
        "unit_id": unit_obj.pk if unit_obj is not None else None,
        "person_id": person_obj.pk if person_obj is not None else None,
        "year": report.year,
        "rule_set": report.rule_set,
        "basis": report.basis,
        "verdict": report.verdict.value,
        "checks": [
            {
                "rule_id": check.rule_id,
                "status": check.status.value,
                "message": check.message,
                "explanation": check.explanation,
                "citation": str(check.citation) if check.citation is not None else None,
                "citation_unconfirmed": bool(check.citation and check.citation.unconfirmed),
                "evidence": json_safe(check.evidence),
                "records": records_evidence(check.records),
            }
            for check in report.checks
        ],
    }
