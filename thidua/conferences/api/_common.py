"""What the conferences API modules share: who is asking (a user or a delegate's card), visibility, schemas.

Two kinds of callers reach these endpoints. Organisers and officers sign in (bearer token or session
with CSRF, as everywhere in the API). Delegates usually have no account: their card's QR code holds a
signed token, sent as the `X-Delegate-Card` header. A card only opens the hall's endpoints (its own
conference, its polls, casting, the bulletin and receipt checks); no organiser's action accepts it. A
browser cannot add a custom header to a cross-site request without a CORS preflight (which this site
never grants), so a card request needs no CSRF token, and it carries no session to protect anyway.

Objects the caller may not see answer 404, never 403, so the API does not confirm that they exist.
"""

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Schema
from ninja.security import APIKeyHeader

from thidua.api.auth import session_auth, token_auth
from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference
from thidua.conferences.models import AgendaItem, Conference, Delegate, Poll
from thidua.conferences.services.delegates import delegate_from_card

CARD_HEADER = "X-Delegate-Card"
WRITE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut, 413: ErrorOut}
READ_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut}


@dataclass(frozen=True)
class CardHolder:
    """`request.auth` of a request authenticated by a delegate's card: the delegate, no user."""

    delegate: Delegate


class DelegateCardAuth(APIKeyHeader):
    """The delegate card's signed token in the `X-Delegate-Card` header (a tampered or replaced card: 404)."""

    param_name = CARD_HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        key = (key or "").strip()
        if not key:
            return None  # no card: let the next method (token, session) try
        return CardHolder(delegate_from_card(key))  # raises NotFound invalid_card / card_replaced


card_auth = DelegateCardAuth()
# The hall's endpoints: a card first (it never falls through to a session, so no CSRF is asked of it),
# then the usual token and session.
HALL_AUTH = [card_auth, token_auth, session_auth]
CARD_ONLY = [card_auth]


def actor(request: HttpRequest) -> Any:
    """The signed-in user (None for a card)."""
    auth = request.auth  # type: ignore[attr-defined]
    return None if isinstance(auth, CardHolder) else auth


def card_delegate(request: HttpRequest) -> Delegate | None:
    auth = request.auth  # type: ignore[attr-defined]
    return auth.delegate if isinstance(auth, CardHolder) else None


def fields(payload: Schema, *, exclude_unset: bool = False) -> dict[str, Any]:
    """The payload as service keyword arguments, with choice enums as their plain string values."""
    data = payload.model_dump(exclude_unset=exclude_unset)
    return {key: value.value if isinstance(value, Enum) else value for key, value in data.items()}


def ref(model: type[Any], pk: int | None, *, field: str, queryset: QuerySet[Any] | None = None) -> Any:
    """Turn an id from the request body into an object, or answer 400 naming the field."""
    if pk is None:
        return None
    obj = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if obj is None:
        raise InvalidReference(field=field)
    return obj


# ---------------------------------------------------------------- visibility


def may_view(request: HttpRequest, conference: Conference) -> bool:
    delegate = card_delegate(request)
    if delegate is not None:
        return delegate.conference_id == conference.pk
    return bool(actor(request).has_perm("conferences.view_conference", conference))


def may_manage(request: HttpRequest, conference: Conference) -> bool:
    user = actor(request)
    return user is not None and bool(user.has_perm("conferences.manage_conference", conference))


CONFERENCE_RELATED = ("block_year__block__owner", "secretary")


def visible_conference(request: HttpRequest, conference_id: int) -> Conference:
    """The conference (with what the permission rules read), or 404 when the caller may not see it.

    The lookups order by the key: the models' default ordering would join the related tables for nothing.
    """
    conference = Conference.objects.select_related(*CONFERENCE_RELATED).filter(pk=conference_id).order_by("pk").first()
    if conference is None or not may_view(request, conference):
        raise Http404
    return conference


def visible_item(request: HttpRequest, item_id: int) -> AgendaItem:
    related = [f"conference__{name}" for name in CONFERENCE_RELATED]
    item = AgendaItem.objects.select_related(*related).filter(pk=item_id).order_by("pk").first()
    if item is None or not may_view(request, item.conference):
        raise Http404
    return item


def visible_delegate(request: HttpRequest, delegate_id: int) -> Delegate:
    related = [f"conference__{name}" for name in CONFERENCE_RELATED]
    delegate = (
        Delegate.objects.select_related("unit", "checked_in_by", *related).filter(pk=delegate_id).order_by("pk").first()
    )
    if delegate is None or not may_view(request, delegate.conference):
        raise Http404
    return delegate


def visible_poll(request: HttpRequest, poll_id: int) -> Poll:
    related = [f"conference__{name}" for name in CONFERENCE_RELATED]
    poll = Poll.objects.select_related("agenda_item", *related).filter(pk=poll_id).order_by("pk").first()
    if poll is None or not may_view(request, poll.conference):
        raise Http404
    return poll


# ---------------------------------------------------------------- shared schemas


class UnitRef(Schema):
    id: int
    code: str
    name: str


class FractionOut(Schema):
    numerator: int
    denominator: int
    strict: bool
    label: str


class RollSummaryOut(Schema):
    delegates: int
    voters: int
    voters_present: int
    guests: int
    guests_present: int
    present_weight: int
    entitled_weight: int
    quorum_label: str
    quorum_met: bool


class ConferenceOut(Schema):
    id: int
    block_year_id: int
    block_code: str
    block_name: str
    year: int
    title: str
    starts_at: dt.datetime
    place: str
    chair: str
    secretary: str | None
    status: str
    quorum: FractionOut
    current_item_id: int | None
    conclusions: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    leadership_applied_to_id: int | None

    @staticmethod
    def resolve_block_code(obj: Conference) -> str:
        return obj.block_year.block.code

    @staticmethod
    def resolve_block_name(obj: Conference) -> str:
        return obj.block_year.block.name

    @staticmethod
    def resolve_year(obj: Conference) -> int:
        return obj.block_year.year

    @staticmethod
    def resolve_secretary(obj: Conference) -> str | None:
        return obj.secretary.get_username() if obj.secretary is not None else None

    @staticmethod
    def resolve_quorum(obj: Conference) -> dict[str, Any]:
        from thidua.conferences.services.polls import quorum_of

        return {
            "numerator": obj.quorum_numerator,
            "denominator": obj.quorum_denominator,
            "strict": obj.quorum_strict,
            "label": quorum_of(obj).label,
        }
