"""JSON API of decisions: draft, fill with accepted proposals, issue, read the recipients and totals, and the prize
money per fund and year.

Reads go through selectors_decisions, which filter by what the user may see: a draft decision the user may not see
answers 404, so the API never confirms that it exists. Writes go through services/decisions.py, which check the
permission on the decision, validate, run in one transaction and audit. A refused issue answers with the first
problem's code (e.g. 400 "decision_before_proposal", 409 "duplicate_award") and `details`: one {proposal, recipient,
code, message, field} per problem; nothing was written.
"""

import datetime as dt
from enum import Enum
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from thidua.api.common import WRITE_RESPONSES
from thidua.api.common import actor_of as _actor
from thidua.api.errors import ERROR_RESPONSES, InvalidReference
from thidua.awards import selectors_decisions as selectors
from thidua.awards.models import Decider, Decision, DecisionStatus, Fund, Proposal
from thidua.awards.selectors_proposals import proposals_visible_to
from thidua.awards.services.decisions import (
    decision_add_proposals,
    decision_create,
    decision_delete,
    decision_issue,
    decision_remove_proposal,
    decision_update,
)
from thidua.core.permissions import require_perm
from thidua.organizations.models import Unit

router = Router(tags=["decisions"])


def _fields(payload: Schema, *, exclude_unset: bool = False) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=exclude_unset)
    return {key: value.value if isinstance(value, Enum) else value for key, value in data.items()}


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    """The decision if the user may see it, else 404."""
    decision = selectors.decisions_visible_to(_actor(request)).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    require_perm(_actor(request), "awards.view_decision", decision)
    return decision


class DecisionOut(Schema):
    id: int
    number: str
    signed_on: dt.date | None
    title: str
    issuing_body: str
    decider: str
    signer_name: str
    signer_title: str
    legal_basis: str
    fund: str
    status: str
    issued_at: dt.datetime | None
    issued_by_id: int | None
    published: bool
    owner_id: int


class DecisionIn(Schema):
    owner_id: int = Field(..., description="The office that prepares the decision.")
    title: str
    issuing_body: str
    decider: Decider
    fund: Fund | None = Field(None, description="Default: the fund of the deciding level.")
    number: str = ""
    signed_on: dt.date | None = None
    signer_name: str = ""
    signer_title: str = ""
    legal_basis: str = ""
    published: bool = True


class DecisionPatch(Schema):
    title: str | None = None
    issuing_body: str | None = None
    decider: Decider | None = None
    fund: Fund | None = None
    number: str | None = None
    signed_on: dt.date | None = None
    signer_name: str | None = None
    signer_title: str | None = None
    legal_basis: str | None = None
    published: bool | None = None


class ProposalIdsIn(Schema):
    ids: list[int] = Field(..., min_length=1, description="Ids of accepted proposals.")


class IssueIn(Schema):
    number: str | None = None
    signed_on: dt.date | None = None
    signer_name: str | None = None
    signer_title: str | None = None


class RecipientOut(Schema):
    award_code: str
    award_name: str
    recipient_kind: str
    recipient_name: str
    unit_name: str
    year: int
    amount: int | None
    proposal_id: int | None
    award_id: int | None
    revoked: bool
    recovery_amount: int | None
    error_code: str
    error_message: str


class DecisionDetailOut(DecisionOut):
    recipients: list[RecipientOut]


class TotalLineOut(Schema):
    award_code: str
    award_name: str
    recipient_kind: str
    count: int
    amount: int


class TotalsOut(Schema):
    decision_id: int
    status: str
    fund: str
    lines: list[TotalLineOut]
    count: int
    amount: int
    revoked_count: int
    revoked_amount: int
    recovery_amount: int
    net_amount: int
    unquoted: int


class FundYearOut(Schema):
    fund: str
    year: int
    count: int
    amount: int
    revoked_count: int
    recovery_amount: int
    net_amount: int


def _detail(decision: Decision) -> dict[str, Any]:
    decision = selectors.decision_detail(decision.pk)
    data = DecisionOut.from_orm(decision).model_dump()
    data["recipients"] = [
        {
            "award_code": line.award_type.code,
            "award_name": line.award_type.name,
            "recipient_kind": line.recipient_kind,
            "recipient_name": line.recipient_name,
            "unit_name": line.unit_name,
            "year": line.year,
            "amount": line.amount,
            "proposal_id": line.proposal.pk if line.proposal is not None else None,
            "award_id": line.award.pk if line.award is not None else None,
            "revoked": line.revoked,
            "recovery_amount": line.award.recovery_amount if line.award is not None else None,
            "error_code": line.error_code,
            "error_message": line.error_message,
        }
        for line in selectors.decision_recipients(decision)
    ]
    return data


@router.get("/decisions", response=list[DecisionOut], summary="Decisions the user may see")
@paginate(PageNumberPagination)
def decision_list(
    request: HttpRequest,
    status: DecisionStatus | None = None,
    year: int | None = None,
    decider: Decider | None = None,
) -> QuerySet[Decision]:
    return selectors.decision_list(
        user=_actor(request),
        status=status.value if status else None,
        year=year,
        decider=decider.value if decider else None,
    )


@router.post("/decisions", response={201: DecisionDetailOut, **WRITE_RESPONSES}, summary="Draft a decision")
def decision_create_endpoint(request: HttpRequest, payload: DecisionIn) -> Status[dict[str, Any]]:
    data = _fields(payload)
    owner = Unit.objects.filter(pk=data.pop("owner_id")).first()
    if owner is None:
        raise InvalidReference(field="owner_id")
    decision = decision_create(actor=_actor(request), owner=owner, **data)
    return Status(201, _detail(decision))


@router.get("/decisions/{decision_id}", response={200: DecisionDetailOut, **ERROR_RESPONSES})
def decision_get(request: HttpRequest, decision_id: int) -> dict[str, Any]:
    return _detail(_decision(request, decision_id))


@router.patch("/decisions/{decision_id}", response={200: DecisionDetailOut, **WRITE_RESPONSES})
def decision_patch(request: HttpRequest, decision_id: int, payload: DecisionPatch) -> dict[str, Any]:
    decision = _decision(request, decision_id)
    changes = _fields(payload, exclude_unset=True)
    decision_update(actor=_actor(request), decision=decision, **changes)
    return _detail(decision)


@router.delete("/decisions/{decision_id}", response={204: None, **WRITE_RESPONSES})
def decision_delete_endpoint(request: HttpRequest, decision_id: int) -> Status[None]:
    decision_delete(actor=_actor(request), decision=_decision(request, decision_id))
    return Status(204, None)


@router.post(
    "/decisions/{decision_id}/proposals",
    response={200: DecisionDetailOut, **WRITE_RESPONSES},
    summary="Add accepted proposals to a draft decision",
)
def decision_add(request: HttpRequest, decision_id: int, payload: ProposalIdsIn) -> dict[str, Any]:
    decision = _decision(request, decision_id)
    ids = list(dict.fromkeys(payload.ids))
    found = {p.pk: p for p in proposals_visible_to(_actor(request)).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidReference(field="ids")
    decision_add_proposals(actor=_actor(request), decision=decision, proposals=[found[pk] for pk in ids])
    return _detail(decision)


@router.delete("/decisions/{decision_id}/proposals/{proposal_id}", response={200: DecisionDetailOut, **WRITE_RESPONSES})
def decision_remove(request: HttpRequest, decision_id: int, proposal_id: int) -> dict[str, Any]:
    decision = _decision(request, decision_id)
    proposal = Proposal.objects.filter(pk=proposal_id, decision=decision).first()
    if proposal is None:
        raise Http404
    decision_remove_proposal(actor=_actor(request), decision=decision, proposal=proposal)
    return _detail(decision)


@router.post(
    "/decisions/{decision_id}/issue",
    response={200: DecisionDetailOut, **WRITE_RESPONSES},
    summary="Issue a draft decision: one award per proposal, all or nothing",
)
def decision_issue_endpoint(request: HttpRequest, decision_id: int, payload: IssueIn) -> dict[str, Any]:
    decision = _decision(request, decision_id)
    decision_issue(actor=_actor(request), decision=decision, **payload.model_dump())
    return _detail(decision)


@router.get("/decisions/{decision_id}/totals", response={200: TotalsOut, **ERROR_RESPONSES})
def decision_totals(request: HttpRequest, decision_id: int) -> dict[str, Any]:
    decision = _decision(request, decision_id)
    totals = selectors.decision_totals(decision)
    return {
        "decision_id": decision.pk,
        "status": decision.status,
        "fund": decision.fund,
        "lines": [line.__dict__ for line in totals.lines],
        "count": totals.count,
        "amount": totals.amount,
        "revoked_count": totals.revoked_count,
        "revoked_amount": totals.revoked_amount,
        "recovery_amount": totals.recovery_amount,
        "net_amount": totals.net_amount,
        "unquoted": totals.unquoted,
    }


@router.get(
    "/prize-funds/totals",
    response={200: list[FundYearOut], **ERROR_RESPONSES},
    summary="Prize money of issued decisions per fund and year",
)
def prize_fund_totals(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    require_perm(_actor(request), "awards.view_award")
    return [
        {
            "fund": row.fund,
            "year": row.year,
            "count": row.count,
            "amount": row.amount,
            "revoked_count": row.revoked_count,
            "recovery_amount": row.recovery_amount,
            "net_amount": row.net_amount,
        }
        for row in selectors.fund_totals(user=_actor(request), year=year)
    ]
