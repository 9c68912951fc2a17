"""Conference endpoints: plan, open, move through the agenda, close; the agenda; the roll of delegates; check-in.

Thin like the other apps' APIs: reads go through the conferences selectors, writes through the services,
which check the permission on the object, validate, run in one transaction and audit. A delegate card's
token is shown only to those who manage the conference (it lets its holder check in and vote). The card
itself opens two endpoints: who the card is (with the open polls) and checking in.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from thidua.api.errors import InvalidReference
from thidua.conferences import selectors
from thidua.conferences.api._common import (
    CARD_HEADER,
    CARD_ONLY,
    HALL_AUTH,
    READ_RESPONSES,
    WRITE_RESPONSES,
    ConferenceOut,
    RollSummaryOut,
    UnitRef,
    actor,
    card_delegate,
    fields,
    may_manage,
    ref,
    visible_conference,
    visible_delegate,
    visible_item,
)
from thidua.conferences.models import AgendaItem, AgendaKind, Conference, Delegate
from thidua.conferences.services import conference as conference_services
from thidua.conferences.services import delegates as delegate_services
from thidua.organizations.models import BlockYear, Person, Unit

router = Router()
CONFERENCES = ["conferences"]
AGENDA = ["conference-agenda"]
DELEGATES = ["conference-delegates"]
CARD = ["delegate-card"]


# ---------------------------------------------------------------- schemas


class AgendaItemOut(Schema):
    id: int
    conference_id: int
    position: int
    kind: str
    title: str
    presenter: str
    notes: str


class ConferenceDetailOut(ConferenceOut):
    agenda: list[AgendaItemOut]
    roll: RollSummaryOut
    can_manage: bool = Field(..., description="Whether the caller may change the conference (agenda, roll, polls).")


class ConferenceIn(Schema):
    title: str = Field(..., max_length=255)
    starts_at: dt.datetime
    place: str = Field(..., max_length=255)
    chair: str = Field("", max_length=200)
    secretary_id: int | None = None
    quorum_numerator: int = Field(1, ge=1, le=100)
    quorum_denominator: int = Field(2, ge=1, le=100)
    quorum_strict: bool = True
    default_agenda: bool = Field(True, description="Add the usual year-end agenda items.")


class ConferencePatch(Schema):
    title: str | None = Field(None, max_length=255)
    starts_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=255)
    chair: str | None = Field(None, max_length=200)
    secretary_id: int | None = None
    quorum_numerator: int | None = Field(None, ge=1, le=100)
    quorum_denominator: int | None = Field(None, ge=1, le=100)
    quorum_strict: bool | None = None


class CloseIn(Schema):
    conclusions: str | None = Field(None, max_length=20000)


class CurrentItemIn(Schema):
    item_id: int | None = Field(..., description="The agenda item to show on the projector; null for none.")


class AgendaItemIn(Schema):
    title: str = Field(..., max_length=255)
    kind: AgendaKind = AgendaKind.OTHER
    presenter: str = Field("", max_length=200)
    notes: str = Field("", max_length=20000)


class AgendaItemPatch(Schema):
    title: str | None = Field(None, max_length=255)
    kind: AgendaKind | None = None
    presenter: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=20000)


class AgendaOrderIn(Schema):
    item_ids: list[int] = Field(..., description="Every item of the agenda, once each, in the new order.")


class DelegateOut(Schema):
    id: int
    conference_id: int
    unit: UnitRef | None
    person_id: int | None
    full_name: str
    job_title: str
    organisation: str
    is_guest: bool
    weight: int
    can_vote: bool
    checked_in_at: dt.datetime | None
    check_in_method: str
    checked_in_by: str | None
    card_token: str | None = Field(
        None, description="The token of the delegate's card (QR code); shown only to the conference's organisers."
    )

    @staticmethod
    def resolve_checked_in_by(obj: Delegate) -> str | None:
        return obj.checked_in_by.get_username() if obj.checked_in_by is not None else None


class DelegateIn(Schema):
    unit_id: int | None = None
    person_id: int | None = None
    full_name: str = Field("", max_length=200)
    job_title: str = Field("", max_length=200)
    organisation: str = Field("", max_length=255)
    is_guest: bool = False
    weight: int | None = Field(None, ge=0, le=delegate_services.MAX_WEIGHT)


class DelegatePatch(Schema):
    full_name: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=200)
    organisation: str | None = Field(None, max_length=255)
    is_guest: bool | None = None
    weight: int | None = Field(None, ge=0, le=delegate_services.MAX_WEIGHT)


class OpenPollOut(Schema):
    id: int
    title: str
    kind: str
    voted: bool


class CardOut(Schema):
    delegate: DelegateOut
    conference: ConferenceOut
    open_polls: list[OpenPollOut]


# ---------------------------------------------------------------- helpers


def _detail(request: HttpRequest, conference_id: int) -> Conference:
    """The conference as ConferenceDetailOut reads it: the roll figures and the caller's rights beside it."""
    conference = visible_conference(request, conference_id)
    conference.roll = selectors.roll_summary(conference)  # type: ignore[attr-defined]
    conference.can_manage = may_manage(request, conference)  # type: ignore[attr-defined]
    return conference


def _delegate_out(delegate: Delegate, *, with_card: bool) -> Delegate:
    """The delegate as DelegateOut reads it, with its card's token for organisers only."""
    delegate.card_token = delegate_services.delegate_card_token(delegate) if with_card else None  # type: ignore[attr-defined]
    return delegate


def _delegate_answer(request: HttpRequest, delegate_id: int) -> Delegate:
    delegate = visible_delegate(request, delegate_id)
    return _delegate_out(delegate, with_card=may_manage(request, delegate.conference))


def _secretary(secretary_id: int | None) -> Any:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    return ref(get_user_model(), secretary_id, field="secretary_id", queryset=users)


def _quorum(data: dict[str, Any], conference: Conference | None = None) -> tuple[int, int] | None:
    numerator = data.pop("quorum_numerator", None)
    denominator = data.pop("quorum_denominator", None)
    if numerator is None and denominator is None:
        return None
    return (
        numerator if numerator is not None else (conference.quorum_numerator if conference else 1),
        denominator if denominator is not None else (conference.quorum_denominator if conference else 2),
    )


# ---------------------------------------------------------------- conferences


@router.get("/conferences", response=list[ConferenceOut], tags=CONFERENCES, summary="Conferences you may see")
def conference_list(request: HttpRequest, block_year: int | None = None) -> list[Conference]:
    rows = selectors.conferences_visible_to(actor(request))
    return [c for c in rows if block_year is None or c.block_year_id == block_year]


@router.post(
    "/block-years/{block_year_id}/conferences",
    response={201: ConferenceDetailOut, **WRITE_RESPONSES},
    tags=CONFERENCES,
    summary="Plan the block-year's conference",
)
def conference_create(request: HttpRequest, block_year_id: int, payload: ConferenceIn) -> Status[Any]:
    block_year = get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=block_year_id)
    data = fields(payload)
    conference = conference_services.conference_create(
        actor=actor(request),
        block_year=block_year,
        title=data["title"],
        starts_at=data["starts_at"],
        place=data["place"],
        chair=data["chair"],
        secretary=_secretary(data["secretary_id"]),
        quorum=(data["quorum_numerator"], data["quorum_denominator"]),
        quorum_strict=data["quorum_strict"],
        default_agenda=data["default_agenda"],
    )
    return Status(201, _detail(request, conference.pk))


@router.get(
    "/conferences/{conference_id}",
    response={200: ConferenceDetailOut, **READ_RESPONSES},
    tags=CONFERENCES,
    auth=HALL_AUTH,
    summary="A conference with its agenda and the live roll figures (also with a delegate card)",
)
def conference_detail(request: HttpRequest, conference_id: int) -> Any:
    return _detail(request, conference_id)


@router.patch("/conferences/{conference_id}", response={200: ConferenceDetailOut, **WRITE_RESPONSES}, tags=CONFERENCES)
def conference_update(request: HttpRequest, conference_id: int, payload: ConferencePatch) -> Any:
    conference = visible_conference(request, conference_id)
    changes = fields(payload, exclude_unset=True)
    if "secretary_id" in changes:
        changes["secretary"] = _secretary(changes.pop("secretary_id"))
    quorum = _quorum(changes, conference)
    if quorum is not None:
        changes["quorum"] = quorum
    conference_services.conference_update(actor=actor(request), conference=conference, **changes)
    return _detail(request, conference_id)


@router.post(
    "/conferences/{conference_id}/open",
    response={200: ConferenceDetailOut, **WRITE_RESPONSES},
    tags=CONFERENCES,
    summary="Open the session (delegates may check in from now on)",
)
def conference_open(request: HttpRequest, conference_id: int) -> Any:
    conference = visible_conference(request, conference_id)
    conference_services.conference_open(actor=actor(request), conference=conference)
    return _detail(request, conference_id)


@router.post(
    "/conferences/{conference_id}/close",
    response={200: ConferenceDetailOut, **WRITE_RESPONSES},
    tags=CONFERENCES,
    summary="Close the conference; the elected head and deputies take next year's seats",
)
def conference_close(request: HttpRequest, conference_id: int, payload: CloseIn) -> Any:
    conference = visible_conference(request, conference_id)
    conference_services.conference_close(actor=actor(request), conference=conference, conclusions=payload.conclusions)
    return _detail(request, conference_id)


@router.put(
    "/conferences/{conference_id}/current-item",
    response={200: ConferenceDetailOut, **WRITE_RESPONSES},
    tags=CONFERENCES,
    summary="Show an agenda item on the projector",
)
def conference_set_current_item(request: HttpRequest, conference_id: int, payload: CurrentItemIn) -> Any:
    conference = visible_conference(request, conference_id)
    item = ref(AgendaItem, payload.item_id, field="item_id", queryset=conference.agenda.all())
    conference_services.conference_set_current_item(actor=actor(request), conference=conference, item=item)
    return _detail(request, conference_id)


@router.get(
    "/conferences/{conference_id}/roll-summary",
    response={200: RollSummaryOut, **READ_RESPONSES},
    tags=DELEGATES,
    auth=HALL_AUTH,
    summary="Present and entitled vote weight, and whether the quorum is met",
)
def conference_roll_summary(request: HttpRequest, conference_id: int) -> Any:
    return selectors.roll_summary(visible_conference(request, conference_id))


# ---------------------------------------------------------------- agenda


@router.get(
    "/conferences/{conference_id}/agenda",
    response={200: list[AgendaItemOut], **READ_RESPONSES},
    tags=AGENDA,
    auth=HALL_AUTH,
)
def agenda_list(request: HttpRequest, conference_id: int) -> list[AgendaItem]:
    return list(visible_conference(request, conference_id).agenda.order_by("position", "id"))


@router.post("/conferences/{conference_id}/agenda", response={201: AgendaItemOut, **WRITE_RESPONSES}, tags=AGENDA)
def agenda_item_add(request: HttpRequest, conference_id: int, payload: AgendaItemIn) -> Status[AgendaItem]:
    conference = visible_conference(request, conference_id)
    item = conference_services.agenda_item_add(actor=actor(request), conference=conference, **fields(payload))
    return Status(201, item)


@router.put(
    "/conferences/{conference_id}/agenda/order",
    response={200: list[AgendaItemOut], **WRITE_RESPONSES},
    tags=AGENDA,
    summary="Put the agenda in a new order",
)
def agenda_reorder(request: HttpRequest, conference_id: int, payload: AgendaOrderIn) -> list[AgendaItem]:
    conference = visible_conference(request, conference_id)
    return conference_services.agenda_reorder(actor=actor(request), conference=conference, item_ids=payload.item_ids)


@router.patch("/agenda-items/{item_id}", response={200: AgendaItemOut, **WRITE_RESPONSES}, tags=AGENDA)
def agenda_item_update(request: HttpRequest, item_id: int, payload: AgendaItemPatch) -> AgendaItem:
    item = visible_item(request, item_id)
    return conference_services.agenda_item_update(
        actor=actor(request), item=item, **fields(payload, exclude_unset=True)
    )


@router.delete("/agenda-items/{item_id}", response={204: None, **WRITE_RESPONSES}, tags=AGENDA)
def agenda_item_remove(request: HttpRequest, item_id: int) -> Status[None]:
    conference_services.agenda_item_remove(actor=actor(request), item=visible_item(request, item_id))
    return Status(204, None)


# ---------------------------------------------------------------- delegates


@router.get(
    "/conferences/{conference_id}/delegates",
    response={200: list[DelegateOut], **READ_RESPONSES},
    tags=DELEGATES,
    summary="The roll: member units' delegates, then guests (card tokens for organisers only)",
)
def delegate_list(request: HttpRequest, conference_id: int) -> list[Delegate]:
    conference = visible_conference(request, conference_id)
    with_card = may_manage(request, conference)
    return [_delegate_out(delegate, with_card=with_card) for delegate in selectors.roll(conference)]


@router.post("/conferences/{conference_id}/delegates", response={201: DelegateOut, **WRITE_RESPONSES}, tags=DELEGATES)
def delegate_add(request: HttpRequest, conference_id: int, payload: DelegateIn) -> Status[Any]:
    conference = visible_conference(request, conference_id)
    data = fields(payload)
    data["unit"] = ref(Unit, data.pop("unit_id"), field="unit_id")
    person = ref(Person, data.pop("person_id"), field="person_id")
    if person is not None and not actor(request).has_perm("organizations.view_person", person):
        raise InvalidReference(field="person_id")  # as if it did not exist
    data["person"] = person
    delegate = delegate_services.delegate_add(actor=actor(request), conference=conference, **data)
    return Status(201, _delegate_answer(request, delegate.pk))


@router.post(
    "/conferences/{conference_id}/delegates/fill",
    response={201: list[DelegateOut], **WRITE_RESPONSES},
    tags=DELEGATES,
    summary="One voting delegate for each member unit not on the roll yet",
)
def delegates_fill(request: HttpRequest, conference_id: int) -> Status[list[Delegate]]:
    conference = visible_conference(request, conference_id)
    created = delegate_services.delegates_fill_from_members(actor=actor(request), conference=conference)
    rows = selectors.roll(conference).filter(pk__in=[d.pk for d in created])
    return Status(201, [_delegate_out(delegate, with_card=True) for delegate in rows])


@router.get("/delegates/{delegate_id}", response={200: DelegateOut, **READ_RESPONSES}, tags=DELEGATES)
def delegate_detail(request: HttpRequest, delegate_id: int) -> Any:
    return _delegate_answer(request, delegate_id)


@router.patch("/delegates/{delegate_id}", response={200: DelegateOut, **WRITE_RESPONSES}, tags=DELEGATES)
def delegate_update(request: HttpRequest, delegate_id: int, payload: DelegatePatch) -> Any:
    delegate = visible_delegate(request, delegate_id)
    delegate_services.delegate_update(actor=actor(request), delegate=delegate, **fields(payload, exclude_unset=True))
    return _delegate_answer(request, delegate_id)


@router.delete("/delegates/{delegate_id}", response={204: None, **WRITE_RESPONSES}, tags=DELEGATES)
def delegate_remove(request: HttpRequest, delegate_id: int) -> Status[None]:
    delegate_services.delegate_remove(actor=actor(request), delegate=visible_delegate(request, delegate_id))
    return Status(204, None)


@router.post(
    "/delegates/{delegate_id}/check-in",
    response={200: DelegateOut, **WRITE_RESPONSES},
    tags=DELEGATES,
    summary="The secretary checks a delegate in (twice changes nothing)",
)
def delegate_check_in(request: HttpRequest, delegate_id: int) -> Any:
    delegate_services.delegate_check_in(actor=actor(request), delegate=visible_delegate(request, delegate_id))
    return _delegate_answer(request, delegate_id)


@router.delete(
    "/delegates/{delegate_id}/check-in",
    response={200: DelegateOut, **WRITE_RESPONSES},
    tags=DELEGATES,
    summary="Undo a check-in made by mistake",
)
def delegate_undo_check_in(request: HttpRequest, delegate_id: int) -> Any:
    delegate_services.delegate_undo_check_in(actor=actor(request), delegate=visible_delegate(request, delegate_id))
    return _delegate_answer(request, delegate_id)


@router.post(
    "/delegates/{delegate_id}/card",
    response={200: DelegateOut, **WRITE_RESPONSES},
    tags=DELEGATES,
    summary="Issue a new card: the old card's token stops working",
)
def delegate_reissue_card(request: HttpRequest, delegate_id: int) -> Any:
    delegate_services.delegate_reissue_card(actor=actor(request), delegate=visible_delegate(request, delegate_id))
    return _delegate_answer(request, delegate_id)


# ---------------------------------------------------------------- the card holder


def _card_answer(request: HttpRequest) -> dict[str, Any]:
    delegate = card_delegate(request)
    assert delegate is not None  # CARD_ONLY
    delegate = visible_delegate(request, delegate.pk)
    return {
        "delegate": _delegate_out(delegate, with_card=False),
        "conference": delegate.conference,
        "open_polls": [
            {"id": poll.pk, "title": poll.title, "kind": poll.kind, "voted": voted}
            for poll, voted in selectors.open_polls_for(delegate)
        ],
    }


@router.get(
    "/delegate-card",
    response={200: CardOut, **READ_RESPONSES},
    tags=CARD,
    auth=CARD_ONLY,
    summary="Who this card is, the conference and its open polls (send the card in X-Delegate-Card)",
)
def card_detail(request: HttpRequest) -> dict[str, Any]:
    return _card_answer(request)


@router.post(
    "/delegate-card/check-in",
    response={200: CardOut, **WRITE_RESPONSES},
    tags=CARD,
    auth=CARD_ONLY,
    summary="The card's holder checks in (the conference must be in session)",
)
def card_check_in(request: HttpRequest) -> dict[str, Any]:
    token = request.headers.get(CARD_HEADER, "").strip()
    delegate_services.delegate_check_in_by_card(token=token)
    return _card_answer(request)
