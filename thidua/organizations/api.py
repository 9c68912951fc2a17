"""JSON API of the organisations app: units, people, blocks and block-years.

The endpoints are thin on purpose. Reads go through the selectors, which already filter by what
the user may see and load related rows in a fixed number of queries; an object the user may not
see answers 404, so the API never confirms that it exists. Writes go through the services, which
check the permission on the object itself, validate, run in one transaction and audit; the API
only turns ids in the body into objects and shapes the answer.
"""

import datetime as dt
from enum import Enum
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference
from thidua.organizations import selectors, services
from thidua.organizations.models import (
    PHASE_ORDER,
    Block,
    BlockKind,
    BlockLeadership,
    BlockYear,
    Person,
    PersonMembership,
    Phase,
    RotationRule,
    Unit,
    UnitKind,
    UnitStatus,
)

router = Router()

WRITE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 413: ErrorOut}


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _fields(payload: Schema, *, exclude_unset: bool = False) -> dict[str, Any]:
    """The payload as service keyword arguments, with choice enums as their plain string values."""
    data = payload.model_dump(exclude_unset=exclude_unset)
    return {key: value.value if isinstance(value, Enum) else value for key, value in data.items()}


def _ref(model: type[Any], pk: int | None, *, field: str, queryset: QuerySet[Any] | None = None) -> Any:
    """Turn an id from the request body into an object, or answer 400 naming the field."""
    if pk is None:
        return None
    obj = (queryset if queryset is not None else model.objects).filter(pk=pk).first()
    if obj is None:
        raise InvalidReference(field=field)
    return obj


# ---------------------------------------------------------------- schemas: shared references


class UnitRef(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    full_name: str


class BlockRef(Schema):
    id: int
    code: str
    name: str
    kind: str


# ---------------------------------------------------------------- units


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    depth: int
    address: str
    phone: str
    email: str
    status: str
    valid_from: dt.date | None
    valid_to: dt.date | None


class UnitDetailOut(UnitOut):
    ancestors: list[UnitRef] = Field(..., description="From the root down to the parent.")


class UnitIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=255)
    kind: UnitKind = UnitKind.OTHER
    parent_id: int | None = None
    short_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    status: UnitStatus = UnitStatus.ACTIVE
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitPatch(Schema):
    code: str | None = None
    name: str | None = None
    kind: UnitKind | None = None
    parent_id: int | None = None
    short_name: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    status: UnitStatus | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def _unit_detail(unit: Unit) -> dict[str, Any]:
    data = UnitOut.from_orm(unit).model_dump()
    data["ancestors"] = list(selectors.unit_ancestors(unit=unit))
    return data


@router.get("/units", response=list[UnitOut], tags=["units"], summary="Units (accent-insensitive search)")
@paginate(PageNumberPagination)
def unit_list(
    request: HttpRequest, q: str | None = None, kind: UnitKind | None = None, parent: int | None = None
) -> QuerySet[Unit]:
    parent_unit = get_object_or_404(Unit, pk=parent) if parent is not None else None
    return selectors.unit_list(query=q, kind=kind, parent=parent_unit)


@router.get("/units/{unit_id}", response={200: UnitDetailOut, **ERROR_RESPONSES}, tags=["units"])
def unit_detail(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    return _unit_detail(get_object_or_404(Unit, pk=unit_id))


@router.post("/units", response={201: UnitDetailOut, **WRITE_RESPONSES}, tags=["units"])
def unit_create(request: HttpRequest, payload: UnitIn) -> Status[dict[str, Any]]:
    data = _fields(payload)
    data["parent"] = _ref(Unit, data.pop("parent_id"), field="parent_id")
    unit = services.unit_create(actor=_actor(request), **data)
    return Status(201, _unit_detail(unit))


@router.patch("/units/{unit_id}", response={200: UnitDetailOut, **WRITE_RESPONSES}, tags=["units"])
def unit_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> dict[str, Any]:
    unit = get_object_or_404(Unit, pk=unit_id)
    changes = _fields(payload, exclude_unset=True)
    if "parent_id" in changes:
        changes["parent"] = _ref(Unit, changes.pop("parent_id"), field="parent_id")
    unit = services.unit_update(actor=_actor(request), unit=unit, **changes)
    return _unit_detail(unit)


# ---------------------------------------------------------------- people


class MembershipOut(Schema):
    id: int
    person_id: int
    unit: UnitRef
    position: str
    start_date: dt.date
    end_date: dt.date | None


class PersonOut(Schema):
    id: int
    full_name: str
    gender: str
    date_of_birth: dt.date | None
    email: str
    phone: str
    user_id: int | None
    current_memberships: list[MembershipOut]


class PersonIn(Schema):
    unit_id: int
    full_name: str = Field(..., max_length=200)
    position: str = Field(..., max_length=200)
    start_date: dt.date
    gender: str = ""
    date_of_birth: dt.date | None = None
    email: str = ""
    phone: str = ""


class PersonPatch(Schema):
    full_name: str | None = None
    gender: str | None = None
    date_of_birth: dt.date | None = None
    email: str | None = None
    phone: str | None = None


class MembershipIn(Schema):
    unit_id: int
    position: str = Field(..., max_length=200)
    start_date: dt.date
    end_date: dt.date | None = None


class MembershipEndIn(Schema):
    end_date: dt.date


def _visible_person(request: HttpRequest, person_id: int) -> Person:
    """The person with their current positions, or 404 when the user may not see them."""
    current = PersonMembership.objects.filter(end_date__isnull=True).select_related("unit")
    person = (
        Person.objects.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))
        .filter(pk=person_id)
        .first()
    )
    if person is None or not _actor(request).has_perm("organizations.view_person", person):
        raise Http404
    return person


@router.get("/people", response=list[PersonOut], tags=["people"], summary="People you may see")
@paginate(PageNumberPagination)
def person_list(request: HttpRequest, q: str | None = None, unit: int | None = None) -> QuerySet[Person]:
    unit_obj = get_object_or_404(Unit, pk=unit) if unit is not None else None
    return selectors.person_list_visible_to(user=_actor(request), query=q, unit=unit_obj)


@router.get("/people/{person_id}", response={200: PersonOut, **ERROR_RESPONSES}, tags=["people"])
def person_detail(request: HttpRequest, person_id: int) -> Person:
    return _visible_person(request, person_id)


@router.post("/people", response={201: PersonOut, **WRITE_RESPONSES}, tags=["people"])
def person_create(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    data = _fields(payload)
    data["unit"] = _ref(Unit, data.pop("unit_id"), field="unit_id")
    person = services.person_create(actor=_actor(request), **data)
    return Status(201, _visible_person(request, person.pk))


@router.patch("/people/{person_id}", response={200: PersonOut, **WRITE_RESPONSES}, tags=["people"])
def person_update(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    person = _visible_person(request, person_id)
    services.person_update(actor=_actor(request), person=person, **_fields(payload, exclude_unset=True))
    return _visible_person(request, person_id)


@router.get(
    "/people/{person_id}/memberships",
    response={200: list[MembershipOut], **ERROR_RESPONSES},
    tags=["people"],
    summary="A person's positions, current and past",
)
def person_memberships(request: HttpRequest, person_id: int) -> list[PersonMembership]:
    person = _visible_person(request, person_id)
    return list(selectors.person_history(person=person))


@router.post("/people/{person_id}/memberships", response={201: MembershipOut, **WRITE_RESPONSES}, tags=["people"])
def person_membership_add(request: HttpRequest, person_id: int, payload: MembershipIn) -> Status[PersonMembership]:
    person = _visible_person(request, person_id)
    membership = services.person_membership_add(
        actor=_actor(request),
        person=person,
        unit=_ref(Unit, payload.unit_id, field="unit_id"),
        position=payload.position,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(201, membership)


@router.post("/memberships/{membership_id}/end", response={200: MembershipOut, **WRITE_RESPONSES}, tags=["people"])
def person_membership_end(request: HttpRequest, membership_id: int, payload: MembershipEndIn) -> PersonMembership:
    membership = get_object_or_404(PersonMembership.objects.select_related("unit", "person"), pk=membership_id)
    _visible_person(request, membership.person_id)
    return services.person_membership_end(actor=_actor(request), membership=membership, end_date=payload.end_date)


# ---------------------------------------------------------------- blocks


class BlockOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    owner: UnitRef
    description: str
    rotation_rule: str
    deputy_count: int
    is_active: bool
    year_count: int


class BlockIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field(..., max_length=255)
    owner_id: int
    kind: BlockKind = BlockKind.BLOCK
    description: str = ""
    rotation_rule: RotationRule = RotationRule.DEPUTY_BECOMES_HEAD
    deputy_count: int = Field(2, ge=0, le=10)


class BlockPatch(Schema):
    name: str | None = None
    description: str | None = None
    rotation_rule: RotationRule | None = None
    deputy_count: int | None = Field(None, ge=0, le=10)
    is_active: bool | None = None


def _block(block_id: int) -> Block:
    return get_object_or_404(selectors.block_list(), pk=block_id)


@router.get("/blocks", response=list[BlockOut], tags=["blocks"], summary="Emulation blocks and clusters")
@paginate(PageNumberPagination)
def block_list(request: HttpRequest, q: str | None = None) -> QuerySet[Block]:
    return selectors.block_list(query=q)


@router.get("/blocks/{block_id}", response={200: BlockOut, **ERROR_RESPONSES}, tags=["blocks"])
def block_detail(request: HttpRequest, block_id: int) -> Block:
    return _block(block_id)


@router.post("/blocks", response={201: BlockOut, **WRITE_RESPONSES}, tags=["blocks"])
def block_create(request: HttpRequest, payload: BlockIn) -> Status[Block]:
    data = _fields(payload)
    data["owner"] = _ref(Unit, data.pop("owner_id"), field="owner_id")
    block = services.block_create(actor=_actor(request), **data)
    return Status(201, _block(block.pk))


@router.patch("/blocks/{block_id}", response={200: BlockOut, **WRITE_RESPONSES}, tags=["blocks"])
def block_update(request: HttpRequest, block_id: int, payload: BlockPatch) -> Block:
    block = get_object_or_404(Block.objects.select_related("owner"), pk=block_id)
    services.block_update(actor=_actor(request), block=block, **_fields(payload, exclude_unset=True))
    return _block(block_id)


# ---------------------------------------------------------------- block-years


class BlockYearOut(Schema):
    id: int
    block: BlockRef
    year: int
    phase: str
    member_count: int


class BlockMemberOut(Schema):
    unit: UnitRef
    rotation_position: int


class LeadershipOut(Schema):
    role: str
    position: int
    unit: UnitRef
    representative: PersonRef | None
    representative_title: str


class DeadlineOut(Schema):
    phase: str
    due_date: dt.date


class TransitionOut(Schema):
    from_phase: str
    to_phase: str
    actor: str | None
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.get_username() if obj.actor is not None else None


class BlockYearDetailOut(Schema):
    id: int
    block: BlockRef
    year: int
    phase: str
    next_phase: str | None
    notes: str
    members: list[BlockMemberOut]
    leadership: list[LeadershipOut]
    deadlines: list[DeadlineOut]
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_next_phase(obj: BlockYear) -> str | None:
        index = PHASE_ORDER.index(obj.phase)
        return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None

    @staticmethod
    def resolve_members(obj: BlockYear) -> list[Any]:
        return list(obj.memberships.all())

    @staticmethod
    def resolve_leadership(obj: BlockYear) -> list[BlockLeadership]:
        return sorted(obj.leadership.all(), key=lambda row: (row.role != "head", row.position))

    @staticmethod
    def resolve_deadlines(obj: BlockYear) -> list[Any]:
        return sorted(obj.deadlines.all(), key=lambda row: PHASE_ORDER.index(row.phase))

    @staticmethod
    def resolve_transitions(obj: BlockYear) -> list[Any]:
        return list(obj.transitions.all())


class BlockYearIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    deadlines: dict[Phase, dt.date] = Field(default_factory=dict, description="Phase → due date.")
    copy_members: bool = True


class DeadlinesIn(Schema):
    deadlines: dict[Phase, dt.date]


class MemberIn(Schema):
    unit_id: int
    rotation_position: int | None = Field(None, ge=0)


class RepresentativeIn(Schema):
    unit_id: int
    person_id: int | None = None
    title: str = Field("", max_length=200)


class LeadershipIn(Schema):
    head_unit_id: int
    deputy_unit_ids: list[int]
    representatives: list[RepresentativeIn] = Field(default_factory=list)


class TransitionIn(Schema):
    to_phase: Phase
    note: str = Field("", max_length=2000)


class RotationProposalOut(Schema):
    rule: str
    head: UnitRef | None
    deputies: list[UnitRef]
    needs_election: bool


def _block_year(block_year_id: int) -> BlockYear:
    """The block-year for a write: the services need the block and its owner for permissions."""
    return get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=block_year_id)


def _block_year_detail(block_year_id: int) -> BlockYear:
    try:
        return selectors.block_year_detail(pk=block_year_id)
    except BlockYear.DoesNotExist as exc:
        raise Http404 from exc


def _deadlines(data: dict[Phase, dt.date]) -> dict[str, dt.date]:
    return {str(Phase(phase).value): due for phase, due in data.items()}


@router.get("/block-years", response=list[BlockYearOut], tags=["block-years"], summary="Block-years")
@paginate(PageNumberPagination)
def block_year_list(
    request: HttpRequest, block: int | None = None, year: int | None = None, mine: bool = False
) -> QuerySet[BlockYear]:
    qs = selectors.block_years_for_user(user=_actor(request)) if mine else BlockYear.objects.select_related("block")
    if block is not None:
        qs = qs.filter(block_id=block)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.annotate(member_count=Count("memberships")).order_by("block__name", "-year", "id")


@router.get("/block-years/{block_year_id}", response={200: BlockYearDetailOut, **ERROR_RESPONSES}, tags=["block-years"])
def block_year_detail(request: HttpRequest, block_year_id: int) -> BlockYear:
    return _block_year_detail(block_year_id)


@router.post("/blocks/{block_id}/years", response={201: BlockYearDetailOut, **WRITE_RESPONSES}, tags=["block-years"])
def block_year_create(request: HttpRequest, block_id: int, payload: BlockYearIn) -> Status[BlockYear]:
    block = get_object_or_404(Block.objects.select_related("owner"), pk=block_id)
    block_year = services.block_year_create(
        actor=_actor(request),
        block=block,
        year=payload.year,
        deadlines=_deadlines(payload.deadlines),
        copy_members=payload.copy_members,
    )
    return Status(201, _block_year_detail(block_year.pk))


@router.put(
    "/block-years/{block_year_id}/deadlines",
    response={200: BlockYearDetailOut, **WRITE_RESPONSES},
    tags=["block-years"],
)
def block_year_set_deadlines(request: HttpRequest, block_year_id: int, payload: DeadlinesIn) -> BlockYear:
    services.block_year_set_deadlines(
        actor=_actor(request), block_year=_block_year(block_year_id), deadlines=_deadlines(payload.deadlines)
    )
    return _block_year_detail(block_year_id)


@router.post(
    "/block-years/{block_year_id}/members", response={201: BlockYearDetailOut, **WRITE_RESPONSES}, tags=["block-years"]
)
def block_member_add(request: HttpRequest, block_year_id: int, payload: MemberIn) -> Status[BlockYear]:
    services.block_member_add(
        actor=_actor(request),
        block_year=_block_year(block_year_id),
        unit=_ref(Unit, payload.unit_id, field="unit_id"),
        rotation_position=payload.rotation_position,
    )
    return Status(201, _block_year_detail(block_year_id))


@router.delete(
    "/block-years/{block_year_id}/members/{unit_id}", response={204: None, **WRITE_RESPONSES}, tags=["block-years"]
)
def block_member_remove(request: HttpRequest, block_year_id: int, unit_id: int) -> Status[None]:
    block_year = _block_year(block_year_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    services.block_member_remove(actor=_actor(request), block_year=block_year, unit=unit)
    return Status(204, None)


@router.put(
    "/block-years/{block_year_id}/leadership",
    response={200: BlockYearDetailOut, **WRITE_RESPONSES},
    tags=["block-years"],
)
def block_year_set_leadership(request: HttpRequest, block_year_id: int, payload: LeadershipIn) -> BlockYear:
    block_year = _block_year(block_year_id)
    unit_ids = {payload.head_unit_id, *payload.deputy_unit_ids}
    units = Unit.objects.in_bulk(list(unit_ids))
    for unit_id in [payload.head_unit_id, *payload.deputy_unit_ids]:
        if unit_id not in units:
            field = "head_unit_id" if unit_id == payload.head_unit_id else "deputy_unit_ids"
            raise InvalidReference(field=field)
    people = Person.objects.in_bulk([r.person_id for r in payload.representatives if r.person_id is not None])
    representatives: dict[int, tuple[Person | None, str]] = {}
    for rep in payload.representatives:
        if rep.unit_id not in unit_ids:
            raise InvalidReference(field="representatives")
        person = None
        if rep.person_id is not None:
            person = people.get(rep.person_id)
            if person is None or not _actor(request).has_perm("organizations.view_person", person):
                raise InvalidReference(field="representatives")
        representatives[rep.unit_id] = (person, rep.title)
    services.block_year_set_leadership(
        actor=_actor(request),
        block_year=block_year,
        head=units[payload.head_unit_id],
        deputies=[units[pk] for pk in payload.deputy_unit_ids],
        representatives=representatives,
    )
    return _block_year_detail(block_year_id)


@router.post(
    "/block-years/{block_year_id}/transitions",
    response={200: BlockYearDetailOut, **WRITE_RESPONSES},
    tags=["block-years"],
    summary="Move the block-year to its next phase",
)
def block_year_advance_phase(request: HttpRequest, block_year_id: int, payload: TransitionIn) -> BlockYear:
    services.block_year_advance_phase(
        actor=_actor(request),
        block_year=_block_year(block_year_id),
        to_phase=str(Phase(payload.to_phase).value),
        note=payload.note,
    )
    return _block_year_detail(block_year_id)


@router.get(
    "/block-years/{block_year_id}/rotation-proposal",
    response={200: RotationProposalOut, **ERROR_RESPONSES},
    tags=["block-years"],
    summary="Next year's head and deputies by the block's rotation rule",
)
def block_year_rotation_proposal(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year_detail(block_year_id)
    proposal = selectors.block_year_rotation_proposal(block_year=block_year)
    units = {m.unit_id: m.unit for m in block_year.memberships.all()}
    missing = [pk for pk in [proposal.head, *proposal.deputies] if pk is not None and pk not in units]
    units.update(Unit.objects.in_bulk(missing))
    return {
        "rule": block_year.block.rotation_rule,
        "head": units.get(proposal.head) if proposal.head is not None else None,
        "deputies": [units[pk] for pk in proposal.deputies],
        "needs_election": proposal.needs_election,
    }


@router.post(
    "/block-years/{block_year_id}/next",
    response={201: BlockYearDetailOut, **WRITE_RESPONSES},
    tags=["block-years"],
    summary="Open the following year with the same members and the proposed leadership",
)
def block_year_create_next(request: HttpRequest, block_year_id: int) -> Status[BlockYear]:
    next_year = services.block_year_create_next(actor=_actor(request), block_year=_block_year(block_year_id))
    return Status(201, _block_year_detail(next_year.pk))
