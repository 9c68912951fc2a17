"""JSON API of proposals, their dossiers, the block's batches and disciplinary holds (issue #5 items 3 and 9).

Reads go through `selectors_proposals`, which filter by visibility: a proposal, batch or hold the user may not see
answers 404, as if it did not exist. Writes go through `services/proposals.py` and `services/holds.py`, which check
the permission on the object, validate, run in one transaction and audit; their errors keep their stable codes
(e.g. "disciplinary_hold", "not_eligible", "dossier_incomplete" with `details` naming each proposal).
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from thidua.api.common import WRITE_RESPONSES
from thidua.api.common import actor_of as _actor
from thidua.api.common import ref as _ref
from thidua.api.errors import ERROR_RESPONSES
from thidua.awards import selectors_proposals as sp
from thidua.awards.models import DisciplinaryHold, Proposal, ProposalBatch, ProposalStatus
from thidua.awards.services import holds as hold_services
from thidua.awards.services import proposals as services
from thidua.organizations.models import BlockYear, Person, Unit

router = Router(tags=["proposals"])


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = sp.proposal_get(_actor(request), pk)
    if proposal is None:
        raise Http404
    return proposal


# ---------------------------------------------------------------- schemas


class ProposalOut(Schema):
    id: int
    award_type: str = Field(..., alias="award_type.code")
    award_type_name: str = Field(..., alias="award_type.name")
    recipient_kind: str
    unit_id: int
    person_id: int | None
    recipient_name: str
    year: int
    block_year_id: int
    batch_id: int | None
    status: str
    achievement_summary: str
    due_on: dt.date | None
    overdue: bool
    submitted_on: dt.date | None
    eligibility: str
    eligibility_checked_at: dt.datetime | None
    override_reason: str
    council_meeting_on: dt.date | None
    council_members: int | None
    council_votes_for: int | None
    council_votes_against: int | None
    decision_id: int | None

    @staticmethod
    def resolve_overdue(obj: Proposal) -> bool:
        return sp.is_overdue(obj)


class ProposalDetailOut(ProposalOut):
    achievement_report: str
    eligibility_report: dict[str, Any] | None
    actions: list[str] = []


class ProposalIn(Schema):
    award_type: str = Field(..., description="A catalogue code, e.g. ttldtt.")
    unit_id: int = Field(..., description="The proposed collective, or the unit proposing the person.")
    person_id: int | None = Field(None, description="The proposed person (an individual title or form).")
    year: int
    block_year_id: int | None = Field(None, description="Default: the unit's block-year of that year.")
    achievement_summary: str = ""


class ProposalPatch(Schema):
    achievement_summary: str | None = None
    achievement_report: str | None = None


class OverrideIn(Schema):
    override_reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


class CouncilIn(Schema):
    meeting_on: dt.date
    members_present: int
    votes_for: int
    votes_against: int
    override_reason: str = ""


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    uploaded_at: dt.datetime


class DossierLineOut(Schema):
    kind: str
    label: str
    required: bool
    satisfied: bool
    source: str
    note: str
    attachments: list[AttachmentOut]


class StepOut(Schema):
    id: int
    action: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    reason: str
    eligibility: str
    override: bool
    due_on: dt.date | None

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.get_username() if obj.actor is not None else None


class BatchOut(Schema):
    id: int
    block_year_id: int
    round: int
    status: str
    letter_number: str
    submitted_on: dt.date | None
    proposal_count: int = 0


class BatchSubmitIn(Schema):
    letter_number: str = ""
    submitted_on: dt.date | None = None
    override_reason: str = ""


class HoldOut(Schema):
    id: int
    unit_id: int | None
    person_id: int | None
    subject: str
    started_on: dt.date
    ended_on: dt.date | None
    reason: str
    in_force: bool

    @staticmethod
    def resolve_subject(obj: DisciplinaryHold) -> str:
        return obj.person.full_name if obj.person is not None else obj.unit.name if obj.unit is not None else ""

    @staticmethod
    def resolve_in_force(obj: DisciplinaryHold) -> bool:
        today = timezone.localdate()
        return obj.started_on <= today and (obj.ended_on is None or obj.ended_on >= today)


class HoldIn(Schema):
    unit_id: int | None = None
    person_id: int | None = None
    started_on: dt.date
    reason: str


class HoldLiftIn(Schema):
    ended_on: dt.date


def _detail(request: HttpRequest, pk: int) -> Proposal:
    proposal = _proposal(request, pk)
    proposal.actions = sp.actions_for(_actor(request), proposal)  # type: ignore[attr-defined]
    return proposal


# ---------------------------------------------------------------- proposals


@router.get("/proposals", response=list[ProposalOut], summary="Proposals the user may see")
@paginate(PageNumberPagination)
def proposal_list(
    request: HttpRequest,
    status: ProposalStatus | None = None,
    year: int | None = None,
    block_year: int | None = None,
    unit: int | None = None,
) -> Any:
    return sp.proposal_list(
        _actor(request), status=status.value if status else None, year=year, block_year=block_year, unit=unit
    )


@router.post("/proposals", response={201: ProposalDetailOut, **WRITE_RESPONSES}, summary="Draft a proposal")
def proposal_create(request: HttpRequest, payload: ProposalIn) -> Status[Proposal]:
    data = payload.model_dump()
    unit = _ref(Unit, data.pop("unit_id"), field="unit_id")
    person = _ref(Person, data.pop("person_id"), field="person_id")
    block_year = _ref(BlockYear, data.pop("block_year_id"), field="block_year_id")
    proposal = services.proposal_create(actor=_actor(request), unit=unit, person=person, block_year=block_year, **data)
    return Status(201, _detail(request, proposal.pk))


@router.get("/proposals/{proposal_id}", response={200: ProposalDetailOut, **ERROR_RESPONSES})
def proposal_detail(request: HttpRequest, proposal_id: int) -> Proposal:
    return _detail(request, proposal_id)


@router.patch("/proposals/{proposal_id}", response={200: ProposalDetailOut, **WRITE_RESPONSES})
def proposal_update(request: HttpRequest, proposal_id: int, payload: ProposalPatch) -> Proposal:
    proposal = _proposal(request, proposal_id)
    services.proposal_update(actor=_actor(request), proposal=proposal, **payload.model_dump(exclude_unset=True))
    return _detail(request, proposal_id)


@router.post("/proposals/{proposal_id}/submit", response={200: ProposalDetailOut, **WRITE_RESPONSES})
def proposal_submit(request: HttpRequest, proposal_id: int, payload: OverrideIn) -> Proposal:
    services.proposal_submit(
        actor=_actor(request), proposal=_proposal(request, proposal_id), override_reason=payload.override_reason
    )
    return _detail(request, proposal_id)


@router.post("/proposals/{proposal_id}/approve", response={200: ProposalDetailOut, **WRITE_RESPONSES})
def proposal_approve(request: HttpRequest, proposal_id: int, payload: OverrideIn) -> Proposal:
    services.proposal_approve(
        actor=_actor(request), proposal=_proposal(request, proposal_id), override_reason=payload.override_reason
    )
    return _detail(request, proposal_id)


@router.post("/proposals/{proposal_id}/return", response={200: ProposalDetailOut, **WRITE_RESPONSES})
def proposal_return(request: HttpRequest, proposal_id: int, payload: ReasonIn) -> Proposal:
    services.proposal_return(actor=_actor(request), proposal=_proposal(request, proposal_id), reason=payload.reason)
    return _detail(request, proposal_id)


@router.post("/proposals/{proposal_id}/withdraw", response={200: ProposalDetailOut, **WRITE_RESPONSES})
def proposal_withdraw(request: HttpRequest, proposal_id: int, payload: ReasonIn) -> Proposal:
    services.proposal_withdraw(actor=_actor(request), proposal=_proposal(request, proposal_id), reason=payload.reason)
    return _detail(request, proposal_id)


@router.post("/proposals/{proposal_id}/council", response={200: ProposalDetailOut, **WRITE_RESPONSES})
def proposal_council(request: HttpRequest, proposal_id: int, payload: CouncilIn) -> Proposal:
    services.proposal_record_council(
        actor=_actor(request), proposal=_proposal(request, proposal_id), **payload.model_dump()
    )
    return _detail(request, proposal_id)


@router.post("/proposals/{proposal_id}/refresh-eligibility", response={200: ProposalDetailOut, **WRITE_RESPONSES})
def proposal_refresh_eligibility(request: HttpRequest, proposal_id: int) -> Proposal:
    services.proposal_refresh_eligibility(actor=_actor(request), proposal=_proposal(request, proposal_id))
    return _detail(request, proposal_id)


def _line(line: sp.DossierLine) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "label": line.label,
        "required": line.required,
        "satisfied": line.satisfied,
        "source": line.source,
        "note": line.note,
        "attachments": [
            {"id": a.pk, "name": sp.attachment_label(a), "size": a.size, "uploaded_at": a.uploaded_at}
            for a in line.attachments
        ],
    }


@router.get("/proposals/{proposal_id}/dossier", response={200: list[DossierLineOut], **ERROR_RESPONSES})
def proposal_dossier(request: HttpRequest, proposal_id: int) -> list[dict[str, Any]]:
    return [_line(line) for line in sp.dossier_of(_proposal(request, proposal_id))]


@router.post(
    "/proposals/{proposal_id}/dossier",
    response={201: list[DossierLineOut], **WRITE_RESPONSES},
    summary="Attach a paper (multipart: kind + file)",
)
def proposal_attach(
    request: HttpRequest, proposal_id: int, kind: Form[str], file: File[UploadedFile]
) -> Status[list[dict[str, Any]]]:
    proposal = _proposal(request, proposal_id)
    services.proposal_attach(actor=_actor(request), proposal=proposal, kind=kind, upload=file)
    return Status(201, [_line(line) for line in sp.dossier_of(proposal)])


@router.get("/proposals/{proposal_id}/history", response={200: list[StepOut], **ERROR_RESPONSES})
def proposal_history(request: HttpRequest, proposal_id: int) -> Any:
    return list(sp.history_of(_proposal(request, proposal_id)))


# ---------------------------------------------------------------- batches


def _block_year(request: HttpRequest, pk: int) -> BlockYear:
    block_year = get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=pk)
    actor = _actor(request)
    if not (
        actor.has_perm("awards.review_block", block_year)
        or sp.proposals_visible_to(actor).filter(block_year=block_year).exists()
    ):
        raise Http404
    return block_year


@router.get("/block-years/{block_year_id}/proposal-batches", response={200: list[BatchOut], **ERROR_RESPONSES})
def batch_list(request: HttpRequest, block_year_id: int) -> Any:
    return list(sp.batches_of(_block_year(request, block_year_id)))


@router.post("/proposal-batches/{batch_id}/submit", response={200: BatchOut, **WRITE_RESPONSES})
def batch_submit(request: HttpRequest, batch_id: int, payload: BatchSubmitIn) -> Any:
    batch = get_object_or_404(ProposalBatch, pk=batch_id)
    _block_year(request, batch.block_year_id)
    services.proposal_batch_submit(actor=_actor(request), batch=batch, **payload.model_dump())
    return sp.batches_of(batch.block_year).get(pk=batch.pk)


# ---------------------------------------------------------------- holds


@router.get("/holds", response=list[HoldOut], tags=["holds"], summary="Disciplinary holds the user may see")
@paginate(PageNumberPagination)
def hold_list(request: HttpRequest, unit: int | None = None, person: int | None = None) -> Any:
    qs = sp.holds_visible_to(_actor(request))
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if person is not None:
        qs = qs.filter(person_id=person)
    return qs


@router.post("/holds", response={201: HoldOut, **WRITE_RESPONSES}, tags=["holds"])
def hold_create(request: HttpRequest, payload: HoldIn) -> Status[DisciplinaryHold]:
    data = payload.model_dump()
    unit = _ref(Unit, data.pop("unit_id"), field="unit_id")
    person = _ref(Person, data.pop("person_id"), field="person_id")
    hold = hold_services.hold_place(actor=_actor(request), unit=unit, person=person, **data)
    return Status(201, hold)


@router.post("/holds/{hold_id}/lift", response={200: HoldOut, **WRITE_RESPONSES}, tags=["holds"])
def hold_lift(request: HttpRequest, hold_id: int, payload: HoldLiftIn) -> DisciplinaryHold:
    hold = sp.holds_visible_to(_actor(request)).filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    return hold_services.hold_lift(actor=_actor(request), hold=hold, ended_on=payload.ended_on)
