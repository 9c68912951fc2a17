"""JSON API of the emulation app: plan, covenant and signatures, registrations, key tasks, mid-year review.

The endpoints are thin. Reads go through the selectors; the plan, the covenant and the registrations
are visible to every signed-in user, key tasks and the mid-year figures only to the block's members,
leaders and officers (others get 404, so the API never confirms that they exist). Writes go through
the services, which check the permission on the object, validate, run in one transaction and audit.
Evidence files of a progress update are sent as multipart/form-data in the field `evidence`.
"""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference
from thidua.attachments.models import Attachment
from thidua.emulation import selectors, services
from thidua.emulation.models import Covenant, KeyTask, KeyTaskUpdate, MidyearReview, Registration
from thidua.organizations.models import BlockYear, Person, Unit

router = Router(tags=["emulation"])

WRITE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut, 413: ErrorOut}


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _block_year(block_year_id: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=block_year_id)


def _member(block_year: BlockYear, unit_id: int) -> Unit:
    """A member unit of the block-year named in the path (404 otherwise)."""
    return get_object_or_404(Unit, pk=unit_id, block_memberships__block_year=block_year)


def _unit_ref(unit_id: int, *, field: str = "unit_id") -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidReference(field=field)
    return unit


def _require_view(request: HttpRequest, perm: str, obj: Any) -> None:
    """404 (not 403) for what the user may not see."""
    if not _actor(request).has_perm(perm, obj):
        raise Http404


# ---------------------------------------------------------------- shared schemas


class UnitRef(Schema):
    id: int
    code: str
    name: str


class PersonRef(Schema):
    id: int
    full_name: str


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


# ---------------------------------------------------------------- plan


class MilestoneSchema(Schema):
    date: dt.date
    title: str = Field(..., max_length=255)


class PlanOut(Schema):
    block_year_id: int
    objectives: str
    milestones: list[MilestoneSchema]
    updated_at: dt.datetime | None


class PlanIn(Schema):
    objectives: str = ""
    milestones: list[MilestoneSchema] = Field(default_factory=list)


def _plan_out(block_year: BlockYear) -> dict[str, Any]:
    plan = selectors.plan_of(block_year=block_year)
    return {
        "block_year_id": block_year.pk,
        "objectives": plan.objectives if plan else "",
        "milestones": list(plan.milestones.all()) if plan else [],
        "updated_at": plan.updated_at if plan else None,
    }


@router.get(
    "/block-years/{block_year_id}/plan",
    response={200: PlanOut, **ERROR_RESPONSES},
    summary="The block-year's plan: objectives and milestones",
)
def plan_get(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_plan", block_year)
    return _plan_out(block_year)


@router.put("/block-years/{block_year_id}/plan", response={200: PlanOut, **WRITE_RESPONSES}, summary="Save the plan")
def plan_put(request: HttpRequest, block_year_id: int, payload: PlanIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    services.plan_save(
        actor=_actor(request),
        block_year=block_year,
        objectives=payload.objectives,
        milestones=[(m.date, m.title) for m in payload.milestones],
    )
    return _plan_out(block_year)


# ---------------------------------------------------------------- covenant


class CovenantOut(Schema):
    id: int | None
    block_year_id: int
    title: str
    preamble: str
    status: str | None = Field(..., description="draft, open or closed; null when there is no covenant yet.")
    commitments: list[str]
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    signed: int
    members: int


class CovenantIn(Schema):
    title: str = Field(..., max_length=255)
    preamble: str = ""
    commitments: list[str] = Field(default_factory=list, description="The commitments, in order.")


class SignIn(Schema):
    unit_id: int
    signer_name: str = Field("", max_length=200, description="Defaults to the signing user's staff record.")
    signer_title: str = Field("", max_length=200)


class WithdrawIn(Schema):
    unit_id: int


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class SignatureRowOut(Schema):
    unit: UnitRef
    leadership_role: str | None
    signed: bool
    signer_name: str | None
    signer_title: str | None
    signed_at: dt.datetime | None


def _covenant_out(block_year: BlockYear) -> dict[str, Any]:
    covenant = selectors.covenant_of(block_year=block_year)
    signed, members = selectors.covenant_progress(block_year)
    if covenant is None:
        return {
            "id": None,
            "block_year_id": block_year.pk,
            "title": "",
            "preamble": "",
            "status": None,
            "commitments": [],
            "opened_at": None,
            "closed_at": None,
            "signed": signed,
            "members": members,
        }
    return {
        "id": covenant.pk,
        "block_year_id": block_year.pk,
        "title": covenant.title,
        "preamble": covenant.preamble,
        "status": covenant.status,
        "commitments": [c.text for c in covenant.commitments.all()],
        "opened_at": covenant.opened_at,
        "closed_at": covenant.closed_at,
        "signed": signed,
        "members": members,
    }


def _covenant(block_year: BlockYear) -> Covenant:
    covenant = Covenant.objects.select_related("block_year__block__owner").filter(block_year=block_year).first()
    if covenant is None:
        raise Http404
    return covenant


@router.get(
    "/block-years/{block_year_id}/covenant",
    response={200: CovenantOut, **ERROR_RESPONSES},
    summary="The emulation covenant (giao ước thi đua) and how many member units signed it",
)
def covenant_get(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_plan", block_year)
    return _covenant_out(block_year)


@router.put(
    "/block-years/{block_year_id}/covenant",
    response={200: CovenantOut, **WRITE_RESPONSES},
    summary="Save the covenant's text (only while it is a draft)",
)
def covenant_put(request: HttpRequest, block_year_id: int, payload: CovenantIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    services.covenant_save(
        actor=_actor(request),
        block_year=block_year,
        title=payload.title,
        preamble=payload.preamble,
        commitments=payload.commitments,
    )
    return _covenant_out(block_year)


@router.post(
    "/block-years/{block_year_id}/covenant/open",
    response={200: CovenantOut, **WRITE_RESPONSES},
    summary="Open the covenant for signing (locks its text)",
)
def covenant_open(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    services.covenant_open_for_signing(actor=_actor(request), covenant=_covenant(block_year))
    return _covenant_out(block_year)


@router.post(
    "/block-years/{block_year_id}/covenant/sign",
    response={200: CovenantOut, **WRITE_RESPONSES},
    summary="Sign the covenant for a member unit (its unit head)",
)
def covenant_sign(request: HttpRequest, block_year_id: int, payload: SignIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    services.covenant_sign(
        actor=_actor(request),
        covenant=_covenant(block_year),
        unit=_unit_ref(payload.unit_id),
        signer_name=payload.signer_name,
        signer_title=payload.signer_title,
    )
    return _covenant_out(block_year)


@router.post(
    "/block-years/{block_year_id}/covenant/withdraw",
    response={200: CovenantOut, **WRITE_RESPONSES},
    summary="Withdraw a unit's signature while the covenant is open",
)
def covenant_withdraw(request: HttpRequest, block_year_id: int, payload: WithdrawIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    services.covenant_withdraw_signature(
        actor=_actor(request), covenant=_covenant(block_year), unit=_unit_ref(payload.unit_id)
    )
    return _covenant_out(block_year)


@router.post(
    "/block-years/{block_year_id}/covenant/close",
    response={200: CovenantOut, **WRITE_RESPONSES},
    summary="Close the signing",
)
def covenant_close(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    services.covenant_close(actor=_actor(request), covenant=_covenant(block_year))
    return _covenant_out(block_year)


@router.post(
    "/block-years/{block_year_id}/covenant/reopen",
    response={200: CovenantOut, **WRITE_RESPONSES},
    summary="Return an open covenant to draft; the signatures given are voided",
)
def covenant_reopen(request: HttpRequest, block_year_id: int, payload: ReasonIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    services.covenant_reopen(actor=_actor(request), covenant=_covenant(block_year), reason=payload.reason)
    return _covenant_out(block_year)


@router.get(
    "/block-years/{block_year_id}/covenant/signatures",
    response={200: list[SignatureRowOut], **ERROR_RESPONSES},
    summary="The signature board: every member unit, signed or not, with signer and time",
)
def covenant_signatures(request: HttpRequest, block_year_id: int) -> list[dict[str, Any]]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_plan", block_year)
    covenant = Covenant.objects.filter(block_year=block_year).first()
    return [
        {
            "unit": row.unit,
            "leadership_role": row.leadership_role,
            "signed": row.signature is not None,
            "signer_name": row.signature.signer_name if row.signature else None,
            "signer_title": row.signature.signer_title if row.signature else None,
            "signed_at": row.signature.signed_at if row.signature else None,
        }
        for row in selectors.covenant_board(block_year=block_year, covenant=covenant)
    ]


# ---------------------------------------------------------------- registrations


class RegistrationOut(Schema):
    id: int | None
    block_year_id: int
    unit: UnitRef
    status: str | None = Field(..., description="null when the unit has not started its registration.")
    collective_titles: list[str]
    individual_targets: dict[str, int]
    note: str
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    return_reason: str
    task_count: int


class RegistrationIn(Schema):
    collective_titles: list[str] = Field(default_factory=list, description="Codes from thidua.emulation.titles.")
    individual_targets: dict[str, int] = Field(default_factory=dict, description="Individual title code → staff.")
    note: str = ""


def _registration_out(block_year: BlockYear, unit: Unit, registration: Registration | None) -> dict[str, Any]:
    if registration is None:
        return {
            "id": None,
            "block_year_id": block_year.pk,
            "unit": unit,
            "status": None,
            "collective_titles": [],
            "individual_targets": {},
            "note": "",
            "submitted_at": None,
            "reviewed_at": None,
            "return_reason": "",
            "task_count": 0,
        }
    task_count = getattr(registration, "task_count", None)
    return {
        "id": registration.pk,
        "block_year_id": block_year.pk,
        "unit": unit,
        "status": registration.status,
        "collective_titles": list(registration.collective_titles),
        "individual_targets": {t.title: t.count for t in registration.individual_targets.all()},
        "note": registration.note,
        "submitted_at": registration.submitted_at,
        "reviewed_at": registration.reviewed_at,
        "return_reason": registration.return_reason,
        "task_count": task_count if task_count is not None else registration.tasks.count(),
    }


def _registration_detail(block_year: BlockYear, unit: Unit) -> dict[str, Any]:
    return _registration_out(block_year, unit, selectors.registration_detail(block_year=block_year, unit=unit))


def _registration(block_year: BlockYear, unit: Unit) -> Registration:
    registration = selectors.registration_detail(block_year=block_year, unit=unit)
    if registration is None:
        raise Http404
    return registration


@router.get(
    "/block-years/{block_year_id}/registrations",
    response={200: list[RegistrationOut], **ERROR_RESPONSES},
    summary="Every member unit's registration (đăng ký thi đua), in rotation order",
)
def registration_list(request: HttpRequest, block_year_id: int) -> list[dict[str, Any]]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_registration", block_year)
    return [
        _registration_out(block_year, row.unit, row.registration)
        for row in selectors.registration_overview(block_year=block_year)
    ]


@router.get(
    "/block-years/{block_year_id}/registrations/{unit_id}",
    response={200: RegistrationOut, **ERROR_RESPONSES},
    summary="A member unit's registration",
)
def registration_get(request: HttpRequest, block_year_id: int, unit_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_registration", block_year)
    return _registration_detail(block_year, _member(block_year, unit_id))


@router.put(
    "/block-years/{block_year_id}/registrations/{unit_id}",
    response={200: RegistrationOut, **WRITE_RESPONSES},
    summary="Save the unit's registration (its unit head or clerk, while draft or returned)",
)
def registration_put(request: HttpRequest, block_year_id: int, unit_id: int, payload: RegistrationIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    unit = _member(block_year, unit_id)
    services.registration_save(
        actor=_actor(request),
        block_year=block_year,
        unit=unit,
        collective_titles=payload.collective_titles,
        individual_targets=payload.individual_targets,
        note=payload.note,
    )
    return _registration_detail(block_year, unit)


@router.post(
    "/block-years/{block_year_id}/registrations/{unit_id}/submit",
    response={200: RegistrationOut, **WRITE_RESPONSES},
    summary="Submit the registration to the block head",
)
def registration_submit(request: HttpRequest, block_year_id: int, unit_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    unit = _member(block_year, unit_id)
    services.registration_submit(actor=_actor(request), registration=_registration(block_year, unit))
    return _registration_detail(block_year, unit)


@router.post(
    "/block-years/{block_year_id}/registrations/{unit_id}/acknowledge",
    response={200: RegistrationOut, **WRITE_RESPONSES},
    summary="The block head acknowledges a submitted registration",
)
def registration_acknowledge(request: HttpRequest, block_year_id: int, unit_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    unit = _member(block_year, unit_id)
    services.registration_acknowledge(actor=_actor(request), registration=_registration(block_year, unit))
    return _registration_detail(block_year, unit)


@router.post(
    "/block-years/{block_year_id}/registrations/{unit_id}/return",
    response={200: RegistrationOut, **WRITE_RESPONSES},
    summary="The block head returns a registration for changes, with a reason",
)
def registration_return(request: HttpRequest, block_year_id: int, unit_id: int, payload: ReasonIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    unit = _member(block_year, unit_id)
    services.registration_return(
        actor=_actor(request), registration=_registration(block_year, unit), reason=payload.reason
    )
    return _registration_detail(block_year, unit)


# ---------------------------------------------------------------- key tasks


class TaskOut(Schema):
    id: int
    registration_id: int
    unit_id: int
    position: int
    title: str
    description: str
    target_value: Decimal | None
    target_unit: str
    due_date: dt.date
    owner: PersonRef | None
    owner_name: str
    weight: int
    progress: int = Field(..., description="Percent, from the latest progress update (0 without one).")
    actual: Decimal | None = Field(..., description="The value reached at the latest update.")
    last_update: dt.date | None
    overdue: bool

    @staticmethod
    def resolve_unit_id(obj: KeyTask) -> int:
        return obj.registration.unit_id


class TaskIn(Schema):
    title: str = Field(..., max_length=255)
    due_date: dt.date
    description: str = ""
    target_value: Decimal | None = None
    target_unit: str = Field("", max_length=50)
    owner_id: int | None = None
    owner_name: str = Field("", max_length=200)
    weight: int = 1


class TaskPatch(Schema):
    title: str | None = None
    due_date: dt.date | None = None
    description: str | None = None
    target_value: Decimal | None = None
    target_unit: str | None = None
    owner_id: int | None = None
    owner_name: str | None = None
    weight: int | None = None
    position: int | None = None


class ProgressOut(Schema):
    id: int
    task_id: int
    date: dt.date
    progress: int
    actual_value: Decimal | None
    note: str
    recorded_by: str | None
    evidence: list[AttachmentOut]

    @staticmethod
    def resolve_recorded_by(obj: KeyTaskUpdate) -> str | None:
        return str(obj.recorded_by) if obj.recorded_by is not None else None


class ProgressIn(Schema):
    date: dt.date
    progress: int
    actual_value: Decimal | None = None
    note: str = ""


def _task(request: HttpRequest, task_id: int) -> KeyTask:
    """The task with its progress, or 404 when it does not exist or the user may not see it."""
    try:
        task = selectors.task_detail(pk=task_id)
    except KeyTask.DoesNotExist as exc:
        raise Http404 from exc
    _require_view(request, "emulation.view_keytask", task)
    return task


def _owner(owner_id: int | None) -> Person | None:
    if owner_id is None:
        return None
    owner = Person.objects.filter(pk=owner_id).first()
    if owner is None:
        raise InvalidReference(field="owner_id")
    return owner


@router.get(
    "/block-years/{block_year_id}/registrations/{unit_id}/tasks",
    response={200: list[TaskOut], **ERROR_RESPONSES},
    summary="A member unit's key tasks with progress and overdue flag (as of a date, default today)",
)
def task_list(request: HttpRequest, block_year_id: int, unit_id: int, as_of: dt.date | None = None) -> list[KeyTask]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_tasks", block_year)
    registration = selectors.registration_detail(block_year=block_year, unit=_member(block_year, unit_id))
    if registration is None:
        return []
    return list(selectors.task_list(registration=registration, as_of=as_of))


@router.post(
    "/block-years/{block_year_id}/registrations/{unit_id}/tasks",
    response={201: TaskOut, **WRITE_RESPONSES},
    summary="Add a key task (the unit's draft registration is created if needed)",
)
def task_create(request: HttpRequest, block_year_id: int, unit_id: int, payload: TaskIn) -> Status[KeyTask]:
    block_year = _block_year(block_year_id)
    data = payload.model_dump()
    data["owner"] = _owner(data.pop("owner_id"))
    task = services.key_task_create(
        actor=_actor(request), block_year=block_year, unit=_member(block_year, unit_id), **data
    )
    return Status(201, _task(request, task.pk))


@router.get("/key-tasks/{task_id}", response={200: TaskOut, **ERROR_RESPONSES}, summary="A key task")
def task_get(request: HttpRequest, task_id: int) -> KeyTask:
    return _task(request, task_id)


@router.patch("/key-tasks/{task_id}", response={200: TaskOut, **WRITE_RESPONSES}, summary="Change a key task")
def task_update(request: HttpRequest, task_id: int, payload: TaskPatch) -> KeyTask:
    task = _task(request, task_id)
    changes = payload.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        changes["owner"] = _owner(changes.pop("owner_id"))
    services.key_task_update(actor=_actor(request), task=task, **changes)
    return _task(request, task_id)


@router.delete("/key-tasks/{task_id}", response={204: None, **WRITE_RESPONSES}, summary="Delete a key task")
def task_delete(request: HttpRequest, task_id: int) -> Status[None]:
    services.key_task_delete(actor=_actor(request), task=_task(request, task_id))
    return Status(204, None)


@router.get(
    "/key-tasks/{task_id}/updates",
    response={200: list[ProgressOut], **ERROR_RESPONSES},
    summary="The task's progress updates, newest first, with their evidence files",
)
def progress_list(request: HttpRequest, task_id: int) -> list[KeyTaskUpdate]:
    return selectors.task_updates(task=_task(request, task_id))


@router.post(
    "/key-tasks/{task_id}/updates",
    response={201: ProgressOut, **WRITE_RESPONSES},
    summary="Report progress (multipart/form-data; evidence files in the field `evidence`)",
)
def progress_create(
    request: HttpRequest,
    task_id: int,
    payload: Form[ProgressIn],
    evidence: File[list[UploadedFile] | None] = None,
) -> Status[KeyTaskUpdate]:
    task = _task(request, task_id)
    update = services.key_task_record_progress(
        actor=_actor(request),
        task=task,
        date=payload.date,
        progress=payload.progress,
        actual_value=payload.actual_value,
        note=payload.note,
        evidence=evidence or [],
    )
    created = next(u for u in selectors.task_updates(task=task) if u.pk == update.pk)
    return Status(201, created)


@router.delete(
    "/key-tasks/{task_id}/updates/{update_id}",
    response={204: None, **WRITE_RESPONSES},
    summary="Remove a progress update entered by mistake",
)
def progress_delete(request: HttpRequest, task_id: int, update_id: int) -> Status[None]:
    task = _task(request, task_id)
    update = get_object_or_404(KeyTaskUpdate, pk=update_id, task=task)
    services.key_task_progress_remove(actor=_actor(request), update=update)
    return Status(204, None)


# ---------------------------------------------------------------- progress overview and mid-year review


class TaskProgressOut(Schema):
    total: int
    completed: int
    overdue: int
    in_progress: int
    mean_progress: int


class UnitProgressOut(Schema):
    unit: UnitRef
    registration_status: str | None
    progress: TaskProgressOut


class UnitFiguresOut(Schema):
    unit_id: int
    unit_name: str
    leadership_role: str | None
    tasks: TaskProgressOut
    movements: dict[str, int]


class BlockMovementsOut(Schema):
    movements: int
    activities: int
    activities_by_kind: dict[str, int]
    practices: int
    adoptions: int


class FiguresOut(Schema):
    as_of: dt.date
    units: list[UnitFiguresOut]
    totals: TaskProgressOut
    block_movements: BlockMovementsOut


class RemarkSchema(Schema):
    unit_id: int
    remark: str


class ReviewOut(Schema):
    id: int
    summary: str
    cutoff_date: dt.date
    status: str
    published_at: dt.datetime | None
    remarks: list[RemarkSchema]

    @staticmethod
    def resolve_remarks(obj: MidyearReview) -> list[dict[str, Any]]:
        return [{"unit_id": r.unit_id, "remark": r.remark} for r in obj.remarks.all()]


class MidyearOut(Schema):
    review: ReviewOut | None
    figures: FiguresOut = Field(..., description="Published: the figures kept at publication; else live as of `as_of`.")


class ReviewIn(Schema):
    summary: str = ""
    cutoff_date: dt.date
    remarks: list[RemarkSchema] = Field(default_factory=list, description="A blank remark removes the unit's remark.")


class PublishIn(Schema):
    cutoff_date: dt.date | None = Field(None, description="Defaults to the cut-off saved with the review.")


@router.get(
    "/block-years/{block_year_id}/task-progress",
    response={200: list[UnitProgressOut], **ERROR_RESPONSES},
    summary="Every member unit's key-task progress (the block head's overview)",
)
def progress_overview(request: HttpRequest, block_year_id: int, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_progress_overview", block_year)
    return [
        {
            "unit": row.unit,
            "registration_status": row.registration_status,
            "progress": {
                **dataclasses.asdict(row.progress),
                "in_progress": row.progress.in_progress,
            },
        }
        for row in selectors.progress_overview(block_year=block_year, as_of=as_of)
    ]


def _midyear_out(block_year: BlockYear, as_of: dt.date | None) -> dict[str, Any]:
    review = selectors.midyear_review_of(block_year=block_year)
    if review is not None and review.status == "published" and review.figures:
        figures = review.figures
    else:
        cutoff = as_of or (review.cutoff_date if review else selectors.default_cutoff(block_year))
        figures = selectors.midyear_figures(block_year, as_of=cutoff)
    return {"review": review, "figures": figures}


@router.get(
    "/block-years/{block_year_id}/midyear",
    response={200: MidyearOut, **ERROR_RESPONSES},
    summary="The mid-year review (sơ kết) and its figures as of a cut-off date",
)
def midyear_get(request: HttpRequest, block_year_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    _require_view(request, "emulation.view_midyear", block_year)
    return _midyear_out(block_year, as_of)


@router.put(
    "/block-years/{block_year_id}/midyear",
    response={200: MidyearOut, **WRITE_RESPONSES},
    summary="Save the draft review: summary, cut-off date, remarks per unit",
)
def midyear_put(request: HttpRequest, block_year_id: int, payload: ReviewIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    for row in payload.remarks:
        _unit_ref(row.unit_id, field="remarks")
    services.midyear_review_save(
        actor=_actor(request),
        block_year=block_year,
        summary=payload.summary,
        cutoff_date=payload.cutoff_date,
        remarks={row.unit_id: row.remark for row in payload.remarks},
    )
    return _midyear_out(block_year, None)


@router.post(
    "/block-years/{block_year_id}/midyear/publish",
    response={200: MidyearOut, **WRITE_RESPONSES},
    summary="Publish the review; its cut-off and figures are kept",
)
def midyear_publish(request: HttpRequest, block_year_id: int, payload: PublishIn) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    review = MidyearReview.objects.filter(block_year=block_year).first()
    if review is None:
        raise Http404
    services.midyear_review_publish(actor=_actor(request), review=review, cutoff_date=payload.cutoff_date)
    return _midyear_out(block_year, None)
