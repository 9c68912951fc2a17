"""The public JSON API of the portal under /api/public/: published decisions, honoured units and people, and
certificate verification — no authentication (`auth=None` on every operation overrides the API's default token /
session auth), GET only, and the same limits as the pages: issued and published decisions only, no prize money, no
ids of people.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from thidua.api.errors import ERROR_RESPONSES
from thidua.awards.certificates import CertificateFacts, verify_certificate
from thidua.awards.models import Award, Decision
from thidua.core.exceptions import NotFound, ValidationFailed
from thidua.portal import selectors

router = Router(tags=["public"])


class PublicDecisionOut(Schema):
    id: int
    number: str
    signed_on: dt.date | None
    title: str
    issuing_body: str
    signer_name: str
    signer_title: str
    award_count: int = 0


class PublicAwardOut(Schema):
    award_type: str = Field(..., alias="award_type.code")
    award_type_name: str = Field(..., alias="award_type.name")
    recipient_kind: str
    recipient_name: str
    unit_name: str
    year: int
    decision_id: int | None
    decision_number: str
    decision_date: dt.date | None
    issuing_body: str
    revoked: bool


class PublicDecisionDetailOut(PublicDecisionOut):
    legal_basis: str
    recipients: list[PublicAwardOut]


class VerificationOut(Schema):
    result: str
    award_type_name: str
    recipient_name: str
    recipient_kind: str
    unit_name: str
    year: int
    decision_number: str
    decision_date: dt.date | None
    issuing_body: str
    signer_name: str
    signer_title: str
    handed_over: str
    revoked: bool
    revoked_on: dt.date | None


@router.get("/public/decisions", response=list[PublicDecisionOut], auth=None, summary="Published decisions")
@paginate(PageNumberPagination)
def public_decision_list(request: HttpRequest, q: str | None = None, year: int | None = None) -> Any:
    return selectors.public_decisions(query=q, year=year)


@router.get(
    "/public/decisions/{decision_id}",
    response={200: PublicDecisionDetailOut, **ERROR_RESPONSES},
    auth=None,
    summary="One published decision and its recipients",
)
def public_decision_detail(request: HttpRequest, decision_id: int) -> dict[str, Any]:
    decision: Decision | None = selectors.public_decision(decision_id)
    if decision is None:
        raise Http404
    awards: list[Award] = list(selectors.decision_awards(decision))
    return {
        **{name: getattr(decision, name) for name in PublicDecisionOut.model_fields if name != "award_count"},
        "award_count": sum(1 for award in awards if not award.revoked),
        "legal_basis": decision.legal_basis,
        "recipients": awards,
    }


@router.get(
    "/public/honoured",
    response=list[PublicAwardOut],
    auth=None,
    summary="Honoured units and people (search without tone marks)",
)
@paginate(PageNumberPagination)
def public_honoured(
    request: HttpRequest, q: str | None = None, year: int | None = None, award_type: str | None = None
) -> Any:
    return selectors.honoured(query=q, year=year, award_type=award_type)


@router.get(
    "/public/verify/{token}",
    response={200: VerificationOut, **ERROR_RESPONSES},
    auth=None,
    summary="Verify a certificate's code: its facts, or an error code",
)
def public_verify(request: HttpRequest, token: str) -> dict[str, Any]:
    """200 with result "valid" or "revoked"; 400 "invalid_certificate" / "certificate_altered"; 404
    "certificate_not_found"."""
    try:
        facts: CertificateFacts = verify_certificate(token)
    except ValidationFailed as exc:
        if exc.code == "certificate_not_found":
            raise NotFound(exc.message, code=exc.code) from exc
        raise
    return {"result": facts.result, **facts.__dict__}
