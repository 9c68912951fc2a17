"""JSON API of the movements app: movements, activities and events, and the good-practice library.

Thin on purpose, like the organisations API. Movements and activities are readable by every
signed-in user (so are block-years); practices go through `practices_visible_to`, so a draft the
user may not see answers 404 and its existence is never confirmed. Writes go through the services,
which check the permission on the object, validate, run in one transaction and audit; the API turns
ids into objects (400 `invalid_reference` when an id names nothing) and shapes the answer. Files are
uploaded as multipart/form-data in a field named `file`.
"""

import datetime as dt
from enum import Enum
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference
from thidua.attachments.models import Attachment
from thidua.attachments.services import attachments_of
from thidua.movements import selectors, services
from thidua.movements.models import (
    Activity,
    ActivityKind,
    Movement,
    Practice,
    PracticeAdoption,
    PracticeComment,
    PracticeStatus,
    Theme,
)
from thidua.organizations.models import BlockYear, Unit

router = Router()

WRITE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut, 413: ErrorOut}


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


def _refs(model: type[Any], pks: list[int], *, field: str, queryset: QuerySet[Any] | None = None) -> list[Any]:
    """Several ids from the body, in the given order; any unknown id answers 400 naming the field."""
    found = (queryset if queryset is not None else model.objects).in_bulk(list(pks))
    if any(pk not in found for pk in pks):
        raise InvalidReference(field=field)
    return [found[pk] for pk in dict.fromkeys(pks)]


def _criteria_items(pks: list[int]) -> list[Any]:
    from thidua.scoring.models import CriteriaItem

    return _refs(CriteriaItem, pks, field="criteria_item_ids")


def _block_year(block_year_id: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=block_year_id)


# ---------------------------------------------------------------- schemas: shared


class UnitRef(Schema):
    id: int
    code: str
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str

    @staticmethod
    def resolve_name(obj: Attachment) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return reverse("attachments:download", args=[obj.pk])


# ---------------------------------------------------------------- movements


class CriteriaItemRef(Schema):
    id: int
    code: str
    title: str


class ParticipantOut(Schema):
    unit: UnitRef
    joined_on: dt.date


class MovementOut(Schema):
    id: int
    block_year_id: int
    title: str
    theme: str
    start_date: dt.date
    end_date: dt.date
    status: str
    participant_count: int
    activity_count: int


class MovementDetailOut(Schema):
    id: int
    block_year_id: int
    title: str
    theme: str
    goals: str
    start_date: dt.date
    end_date: dt.date
    status: str
    participants: list[ParticipantOut]
    criteria: list[CriteriaItemRef]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_participants(obj: Movement) -> list[Any]:
        return list(obj.participations.all())

    @staticmethod
    def resolve_criteria(obj: Movement) -> list[Any]:
        return list(obj.criteria.all())


class MovementIn(Schema):
    title: str = Field(..., max_length=255)
    theme: Theme = Theme.OTHER
    goals: str = ""
    start_date: dt.date
    end_date: dt.date
    participant_ids: list[int] = Field(default_factory=list, description="Member units that take part.")
    criteria_item_ids: list[int] = Field(default_factory=list, description="Lines of the block-year's scoring table.")


class MovementPatch(Schema):
    title: str | None = None
    theme: Theme | None = None
    goals: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    participant_ids: list[int] | None = Field(None, description="Replaces the participating units.")


class JoinIn(Schema):
    unit_id: int
    joined_on: dt.date | None = Field(None, description="Defaults to today.")


class CriteriaLinkIn(Schema):
    criteria_item_ids: list[int]


def _movement_detail(movement_id: int) -> Movement:
    try:
        return selectors.movement_detail(pk=movement_id)
    except Movement.DoesNotExist as exc:
        raise Http404 from exc


def _movement(movement_id: int) -> Movement:
    return get_object_or_404(Movement.objects.select_related("block_year__block__owner"), pk=movement_id)


@router.get(
    "/block-years/{block_year_id}/movements",
    response={200: list[MovementOut], **ERROR_RESPONSES},
    tags=["movements"],
    summary="Movements of a block-year",
)
def movement_list(request: HttpRequest, block_year_id: int, q: str | None = None) -> list[Movement]:
    return list(selectors.movement_list(block_year=_block_year(block_year_id), query=q))


@router.post(
    "/block-years/{block_year_id}/movements",
    response={201: MovementDetailOut, **WRITE_RESPONSES},
    tags=["movements"],
)
def movement_create(request: HttpRequest, block_year_id: int, payload: MovementIn) -> Status[Movement]:
    block_year = _block_year(block_year_id)
    data = _fields(payload)
    data["participants"] = _refs(Unit, data.pop("participant_ids"), field="participant_ids")
    data["criteria"] = _criteria_items(data.pop("criteria_item_ids"))
    movement = services.movement_create(actor=_actor(request), block_year=block_year, **data)
    return Status(201, _movement_detail(movement.pk))


@router.get("/movements/{movement_id}", response={200: MovementDetailOut, **ERROR_RESPONSES}, tags=["movements"])
def movement_detail(request: HttpRequest, movement_id: int) -> Movement:
    return _movement_detail(movement_id)


@router.patch("/movements/{movement_id}", response={200: MovementDetailOut, **WRITE_RESPONSES}, tags=["movements"])
def movement_update(request: HttpRequest, movement_id: int, payload: MovementPatch) -> Movement:
    movement = _movement(movement_id)
    changes = _fields(payload, exclude_unset=True)
    if "participant_ids" in changes:
        participant_ids = changes.pop("participant_ids")
        changes["participants"] = _refs(Unit, participant_ids or [], field="participant_ids")
    services.movement_update(actor=_actor(request), movement=movement, **changes)
    return _movement_detail(movement_id)


@router.delete("/movements/{movement_id}", response={204: None, **WRITE_RESPONSES}, tags=["movements"])
def movement_delete(request: HttpRequest, movement_id: int) -> Status[None]:
    services.movement_delete(actor=_actor(request), movement=_movement(movement_id))
    return Status(204, None)


@router.post(
    "/movements/{movement_id}/participants",
    response={201: MovementDetailOut, **WRITE_RESPONSES},
    tags=["movements"],
    summary="A member unit joins the movement",
)
def movement_join(request: HttpRequest, movement_id: int, payload: JoinIn) -> Status[Movement]:
    services.movement_join(
        actor=_actor(request),
        movement=_movement(movement_id),
        unit=_ref(Unit, payload.unit_id, field="unit_id"),
        joined_on=payload.joined_on,
    )
    return Status(201, _movement_detail(movement_id))


@router.delete(
    "/movements/{movement_id}/participants/{unit_id}",
    response={204: None, **WRITE_RESPONSES},
    tags=["movements"],
    summary="A unit leaves the movement",
)
def movement_leave(request: HttpRequest, movement_id: int, unit_id: int) -> Status[None]:
    movement = _movement(movement_id)
    services.movement_leave(actor=_actor(request), movement=movement, unit=get_object_or_404(Unit, pk=unit_id))
    return Status(204, None)


@router.put(
    "/movements/{movement_id}/criteria",
    response={200: MovementDetailOut, **WRITE_RESPONSES},
    tags=["movements"],
    summary="Link the movement to lines of the block-year's scoring table",
)
def movement_set_criteria(request: HttpRequest, movement_id: int, payload: CriteriaLinkIn) -> Movement:
    services.movement_set_criteria(
        actor=_actor(request), movement=_movement(movement_id), items=_criteria_items(payload.criteria_item_ids)
    )
    return _movement_detail(movement_id)


# ---------------------------------------------------------------- activities


class ActivityOut(Schema):
    id: int
    block_year_id: int
    kind: str
    title: str
    description: str
    date: dt.date
    end_date: dt.date | None
    place: str
    organiser: UnitRef
    movement_id: int | None
    participants: list[UnitRef]
    attendee_count: int

    @staticmethod
    def resolve_participants(obj: Activity) -> list[Unit]:
        return list(obj.participants.all())


class ActivityDetailOut(ActivityOut):
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Activity) -> list[Attachment]:
        return list(attachments_of(obj))


class ActivityIn(Schema):
    kind: ActivityKind = ActivityKind.OTHER
    title: str = Field(..., max_length=255)
    description: str = ""
    date: dt.date
    end_date: dt.date | None = None
    place: str = Field("", max_length=255)
    organiser_id: int
    movement_id: int | None = None
    participant_ids: list[int] = Field(default_factory=list)
    attendee_count: int = Field(0, ge=0)


class ActivityPatch(Schema):
    kind: ActivityKind | None = None
    title: str | None = None
    description: str | None = None
    date: dt.date | None = None
    end_date: dt.date | None = None
    place: str | None = None
    organiser_id: int | None = None
    movement_id: int | None = None
    participant_ids: list[int] | None = None
    attendee_count: int | None = Field(None, ge=0)


def _activity(activity_id: int) -> Activity:
    try:
        return selectors.activity_detail(pk=activity_id)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc


def _activity_refs(data: dict[str, Any]) -> dict[str, Any]:
    if "organiser_id" in data:
        data["organiser"] = _ref(Unit, data.pop("organiser_id"), field="organiser_id")
    if "movement_id" in data:
        data["movement"] = _ref(Movement, data.pop("movement_id"), field="movement_id")
    if "participant_ids" in data:
        pks = data.pop("participant_ids")
        data["participants"] = _refs(Unit, pks, field="participant_ids") if pks is not None else []
    return data


@router.get(
    "/block-years/{block_year_id}/activities",
    response={200: list[ActivityOut], **ERROR_RESPONSES},
    tags=["activities"],
    summary="Activities and events of a block-year, by date",
)
@paginate(PageNumberPagination)
def activity_list(
    request: HttpRequest,
    block_year_id: int,
    kind: ActivityKind | None = None,
    month: int | None = None,
    movement: int | None = None,
) -> QuerySet[Activity]:
    movement_obj = get_object_or_404(Movement, pk=movement) if movement is not None else None
    return selectors.activity_list(
        block_year=_block_year(block_year_id),
        kind=kind.value if kind else None,
        month=month,
        movement=movement_obj,
    )


@router.post(
    "/block-years/{block_year_id}/activities",
    response={201: ActivityDetailOut, **WRITE_RESPONSES},
    tags=["activities"],
)
def activity_create(request: HttpRequest, block_year_id: int, payload: ActivityIn) -> Status[Activity]:
    block_year = _block_year(block_year_id)
    data = _activity_refs(_fields(payload))
    activity = services.activity_create(actor=_actor(request), block_year=block_year, **data)
    return Status(201, _activity(activity.pk))


@router.get("/activities/{activity_id}", response={200: ActivityDetailOut, **ERROR_RESPONSES}, tags=["activities"])
def activity_detail(request: HttpRequest, activity_id: int) -> Activity:
    return _activity(activity_id)


@router.patch("/activities/{activity_id}", response={200: ActivityDetailOut, **WRITE_RESPONSES}, tags=["activities"])
def activity_update(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Activity:
    activity = _activity(activity_id)
    changes = _activity_refs(_fields(payload, exclude_unset=True))
    services.activity_update(actor=_actor(request), activity=activity, **changes)
    return _activity(activity_id)


@router.delete("/activities/{activity_id}", response={204: None, **WRITE_RESPONSES}, tags=["activities"])
def activity_delete(request: HttpRequest, activity_id: int) -> Status[None]:
    services.activity_delete(actor=_actor(request), activity=_activity(activity_id))
    return Status(204, None)


@router.post(
    "/activities/{activity_id}/attachments",
    response={201: AttachmentOut, **WRITE_RESPONSES},
    tags=["activities"],
    summary="Attach a photo, the minutes or another file (multipart field `file`)",
)
def activity_attach(request: HttpRequest, activity_id: int, file: File[UploadedFile]) -> Status[Attachment]:
    attachment = services.activity_attach(actor=_actor(request), activity=_activity(activity_id), upload=file)
    return Status(201, attachment)


@router.delete(
    "/activities/{activity_id}/attachments/{attachment_id}",
    response={204: None, **WRITE_RESPONSES},
    tags=["activities"],
)
def activity_detach(request: HttpRequest, activity_id: int, attachment_id: int) -> Status[None]:
    activity = _activity(activity_id)
    attachment = get_object_or_404(attachments_of(activity), pk=attachment_id)
    services.activity_detach(actor=_actor(request), activity=activity, attachment=attachment)
    return Status(204, None)


# ---------------------------------------------------------------- practices


class PracticeOut(Schema):
    id: int
    block_year_id: int
    unit: UnitRef
    title: str
    theme: str
    movement_id: int | None
    status: str
    published_at: dt.datetime | None
    comment_count: int
    adoption_count: int


class CommentOut(Schema):
    id: int
    author: str | None
    author_id: int | None
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: PracticeComment) -> str | None:
        if obj.author is None:
            return None
        return getattr(obj.author, "full_name", "") or obj.author.get_username()


class AdoptionOut(Schema):
    id: int
    unit: UnitRef
    note: str
    adopted_on: dt.date


class PracticeDetailOut(Schema):
    id: int
    block_year_id: int
    unit: UnitRef
    title: str
    theme: str
    movement_id: int | None
    problem: str
    approach: str
    results: str
    contact: str
    status: str
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    comments: list[CommentOut]
    adoptions: list[AdoptionOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_comments(obj: Practice) -> list[Any]:
        return list(obj.comments.all())

    @staticmethod
    def resolve_adoptions(obj: Practice) -> list[Any]:
        return list(obj.adoptions.all())

    @staticmethod
    def resolve_attachments(obj: Practice) -> list[Attachment]:
        return list(attachments_of(obj))


class PracticeIn(Schema):
    block_year_id: int
    unit_id: int
    title: str = Field(..., max_length=255)
    theme: Theme | None = Field(None, description="Defaults to the linked movement's theme, else “other”.")
    movement_id: int | None = None
    problem: str = ""
    approach: str = ""
    results: str = ""
    contact: str = Field("", max_length=500)


class PracticePatch(Schema):
    title: str | None = None
    theme: Theme | None = None
    movement_id: int | None = None
    problem: str | None = None
    approach: str | None = None
    results: str | None = None
    contact: str | None = None


class WithdrawIn(Schema):
    reason: str = Field("", max_length=2000)


class CommentIn(Schema):
    text: str = Field(..., max_length=5000)


class AdoptionIn(Schema):
    unit_id: int
    note: str = ""
    adopted_on: dt.date | None = Field(None, description="Defaults to today.")


def _practice(request: HttpRequest, practice_id: int) -> Practice:
    """The practice if the user may see it, else 404 (a hidden draft is not confirmed to exist)."""
    return get_object_or_404(selectors.practices_visible_to(user=_actor(request)), pk=practice_id)


def _practice_detail(request: HttpRequest, practice_id: int) -> Practice:
    _practice(request, practice_id)
    return selectors.practice_detail(pk=practice_id)


@router.get(
    "/practices",
    response=list[PracticeOut],
    tags=["practices"],
    summary="The good-practice library (search ignores tone marks: ?q=chuyen doi so)",
)
@paginate(PageNumberPagination)
def practice_list(
    request: HttpRequest,
    q: str | None = None,
    block_year: int | None = None,
    theme: Theme | None = None,
    movement: int | None = None,
    unit: int | None = None,
    status: PracticeStatus = PracticeStatus.PUBLISHED,
) -> QuerySet[Practice]:
    return selectors.practice_library(
        user=_actor(request),
        query=q,
        block_year=get_object_or_404(BlockYear, pk=block_year) if block_year is not None else None,
        theme=theme.value if theme else None,
        movement=get_object_or_404(Movement, pk=movement) if movement is not None else None,
        unit=get_object_or_404(Unit, pk=unit) if unit is not None else None,
        status=status.value,
    )


@router.post("/practices", response={201: PracticeDetailOut, **WRITE_RESPONSES}, tags=["practices"])
def practice_create(request: HttpRequest, payload: PracticeIn) -> Status[Practice]:
    data = _fields(payload)
    data["block_year"] = _ref(
        BlockYear, data.pop("block_year_id"), field="block_year_id", queryset=BlockYear.objects.select_related("block")
    )
    data["unit"] = _ref(Unit, data.pop("unit_id"), field="unit_id")
    data["movement"] = _ref(Movement, data.pop("movement_id"), field="movement_id")
    practice = services.practice_create(actor=_actor(request), **data)
    return Status(201, selectors.practice_detail(pk=practice.pk))


@router.get("/practices/{practice_id}", response={200: PracticeDetailOut, **ERROR_RESPONSES}, tags=["practices"])
def practice_detail(request: HttpRequest, practice_id: int) -> Practice:
    return _practice_detail(request, practice_id)


@router.patch("/practices/{practice_id}", response={200: PracticeDetailOut, **WRITE_RESPONSES}, tags=["practices"])
def practice_update(request: HttpRequest, practice_id: int, payload: PracticePatch) -> Practice:
    practice = _practice(request, practice_id)
    changes = _fields(payload, exclude_unset=True)
    if "movement_id" in changes:
        changes["movement"] = _ref(Movement, changes.pop("movement_id"), field="movement_id")
    services.practice_update(actor=_actor(request), practice=practice, **changes)
    return selectors.practice_detail(pk=practice_id)


@router.delete("/practices/{practice_id}", response={204: None, **WRITE_RESPONSES}, tags=["practices"])
def practice_delete(request: HttpRequest, practice_id: int) -> Status[None]:
    services.practice_delete(actor=_actor(request), practice=_practice(request, practice_id))
    return Status(204, None)


@router.post(
    "/practices/{practice_id}/publish", response={200: PracticeDetailOut, **WRITE_RESPONSES}, tags=["practices"]
)
def practice_publish(request: HttpRequest, practice_id: int) -> Practice:
    services.practice_publish(actor=_actor(request), practice=_practice(request, practice_id))
    return selectors.practice_detail(pk=practice_id)


@router.post(
    "/practices/{practice_id}/withdraw", response={200: PracticeDetailOut, **WRITE_RESPONSES}, tags=["practices"]
)
def practice_withdraw(request: HttpRequest, practice_id: int, payload: WithdrawIn) -> Practice:
    services.practice_withdraw(actor=_actor(request), practice=_practice(request, practice_id), reason=payload.reason)
    return selectors.practice_detail(pk=practice_id)


@router.get(
    "/practices/{practice_id}/comments", response={200: list[CommentOut], **ERROR_RESPONSES}, tags=["practices"]
)
def practice_comments(request: HttpRequest, practice_id: int) -> list[PracticeComment]:
    return list(_practice_detail(request, practice_id).comments.all())


@router.post("/practices/{practice_id}/comments", response={201: CommentOut, **WRITE_RESPONSES}, tags=["practices"])
def practice_comment_add(request: HttpRequest, practice_id: int, payload: CommentIn) -> Status[PracticeComment]:
    comment = services.practice_comment_add(
        actor=_actor(request), practice=_practice(request, practice_id), text=payload.text
    )
    return Status(201, comment)


@router.delete(
    "/practices/{practice_id}/comments/{comment_id}", response={204: None, **WRITE_RESPONSES}, tags=["practices"]
)
def practice_comment_delete(request: HttpRequest, practice_id: int, comment_id: int) -> Status[None]:
    practice = _practice(request, practice_id)
    comment = get_object_or_404(PracticeComment.objects.select_related("practice"), pk=comment_id, practice=practice)
    services.practice_comment_delete(actor=_actor(request), comment=comment)
    return Status(204, None)


@router.get(
    "/practices/{practice_id}/adoptions", response={200: list[AdoptionOut], **ERROR_RESPONSES}, tags=["practices"]
)
def practice_adoptions(request: HttpRequest, practice_id: int) -> list[PracticeAdoption]:
    return list(_practice_detail(request, practice_id).adoptions.all())


@router.post(
    "/practices/{practice_id}/adoptions",
    response={201: AdoptionOut, **WRITE_RESPONSES},
    tags=["practices"],
    summary="Record that a unit adopted the practice",
)
def practice_adopt(request: HttpRequest, practice_id: int, payload: AdoptionIn) -> Status[PracticeAdoption]:
    adoption = services.practice_adopt(
        actor=_actor(request),
        practice=_practice(request, practice_id),
        unit=_ref(Unit, payload.unit_id, field="unit_id"),
        note=payload.note,
        adopted_on=payload.adopted_on,
    )
    return Status(201, adoption)


@router.delete(
    "/practices/{practice_id}/adoptions/{adoption_id}", response={204: None, **WRITE_RESPONSES}, tags=["practices"]
)
def practice_adoption_remove(request: HttpRequest, practice_id: int, adoption_id: int) -> Status[None]:
    practice = _practice(request, practice_id)
    adoption = get_object_or_404(
        PracticeAdoption.objects.select_related("practice", "unit"), pk=adoption_id, practice=practice
    )
    services.practice_adoption_remove(actor=_actor(request), adoption=adoption)
    return Status(204, None)


@router.post(
    "/practices/{practice_id}/attachments",
    response={201: AttachmentOut, **WRITE_RESPONSES},
    tags=["practices"],
    summary="Attach a file to the practice (multipart field `file`)",
)
def practice_attach(request: HttpRequest, practice_id: int, file: File[UploadedFile]) -> Status[Attachment]:
    attachment = services.practice_attach(actor=_actor(request), practice=_practice(request, practice_id), upload=file)
    return Status(201, attachment)


@router.delete(
    "/practices/{practice_id}/attachments/{attachment_id}",
    response={204: None, **WRITE_RESPONSES},
    tags=["practices"],
)
def practice_detach(request: HttpRequest, practice_id: int, attachment_id: int) -> Status[None]:
    practice = _practice(request, practice_id)
    attachment = get_object_or_404(attachments_of(practice), pk=attachment_id)
    services.practice_detach(actor=_actor(request), practice=practice, attachment=attachment)
    return Status(204, None)


# ---------------------------------------------------------------- summary


class UnitSummaryOut(Schema):
    unit_id: int
    movements_joined: int
    activities_organised: int
    activities_attended: int
    practices_published: int
    practices_adopted: int


class BlockSummaryOut(Schema):
    movements: int
    activities: int
    activities_by_kind: dict[str, int] = Field(..., description="Keyed by the kind's label in the request language.")
    practices: int
    adoptions: int


class MovementSummaryOut(Schema):
    as_of: dt.date | None
    block: BlockSummaryOut
    units: list[UnitSummaryOut]


@router.get(
    "/block-years/{block_year_id}/movement-summary",
    response={200: MovementSummaryOut, **ERROR_RESPONSES},
    tags=["movements"],
    summary="Movements, activities and practices in numbers, for the block and per member unit",
)
def movement_summary(request: HttpRequest, block_year_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    units = selectors.unit_movement_summary(block_year, as_of=as_of)
    return {
        "as_of": as_of,
        "block": selectors.block_movement_summary(block_year, as_of=as_of),
        "units": [{"unit_id": unit_id, **vars(summary)} for unit_id, summary in units.items()],
    }
