"""JSON API for score sheets, reviews, finalising and corrections, assignments and conflicts, and the ranking.

Thin like the other apps' APIs: reads go through the scoring selectors, writes through the sheet
and recompute services, which check the permission on the object, validate with the rules engine,
run in one transaction and audit. A sheet (or a difference to reconcile, or a conflict) the user may
not see answers 404, so its existence is never confirmed; one they may see but not act on answers
403. Saving and submitting carry the `version` the client read: when someone else saved in between
the answer is 409 with code `stale_sheet`, and nothing was written. Evidence files are uploaded as
multipart/form-data in a field named `file`.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status, UploadedFile

from thidua.accounts.predicates import grants_of
from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference
from thidua.attachments.models import Attachment
from thidua.core.exceptions import PermissionDenied
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring.models import (
    ConflictOfInterest,
    CriteriaItem,
    Reconciliation,
    ReconciliationStatus,
    ReviewAssignment,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
)
from thidua.scoring.permissions import STAFF_ROLES
from thidua.scoring.selectors import ranking as ranking_selectors
from thidua.scoring.selectors import sheets as sheet_selectors
from thidua.scoring.services import recompute as recompute_services
from thidua.scoring.services import sheets as sheet_services

router = Router()

WRITE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut, 413: ErrorOut}
SHEETS = ["score-sheets"]
REVIEWS = ["scoring-reviews"]
RANKING = ["scoring-ranking"]


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _ref(model: type[Any], pk: int, *, field: str) -> Any:
    """Turn an id from the request body into an object, or answer 400 naming the field."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise InvalidReference(field=field)
    return obj


def _block_year(block_year_id: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=block_year_id)


def _require(request: HttpRequest, perm: str, obj: Any) -> None:
    if not _actor(request).has_perm(perm, obj):
        raise PermissionDenied()


def _staff_units(request: HttpRequest) -> list[int]:
    return sorted({g.unit_id for g in grants_of(_actor(request)) if g.role in STAFF_ROLES and g.unit_id})


# ---------------------------------------------------------------- schemas


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


class LineOut(Schema):
    id: int
    item_id: int
    item_code: str
    item_title: str
    group_code: str
    item_type: str
    max_points: Decimal
    per_occurrence: Decimal
    cap: Decimal | None
    evidence_required: bool
    value: Decimal | None
    count: int | None
    points: Decimal = Field(..., description="Signed: deductions are negative.")
    comment: str
    evidence_note: str
    evidence: list[AttachmentOut]


class SheetOut(Schema):
    id: int
    block_year_id: int
    unit: UnitRef
    kind: str
    reviewer_unit: UnitRef | None
    is_head_review: bool
    status: str
    revision: int
    is_current: bool
    supersedes_id: int | None
    correction_reason: str
    version: int = Field(..., description="Send it back when saving or submitting; 409 stale_sheet if outdated.")
    comment: str
    base_total: Decimal
    bonus_total: Decimal
    deduction_total: Decimal
    total: Decimal
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    finalised_at: dt.datetime | None
    updated_at: dt.datetime


class SheetDetailOut(SheetOut):
    lines: list[LineOut]


class LineIn(Schema):
    item_id: int
    value: Decimal | None = Field(None, description="Points and yes/no lines; null leaves the line blank.")
    count: int | None = Field(None, description="Occurrences, for bonus and deduction lines.")
    comment: str = Field("", max_length=sheet_services.COMMENT_MAX)
    evidence_note: str = Field("", max_length=sheet_services.EVIDENCE_NOTE_MAX)


class SheetSaveIn(Schema):
    version: int
    lines: list[LineIn] = Field(default_factory=list)
    comment: str | None = Field(None, max_length=sheet_services.COMMENT_MAX)


class VersionIn(Schema):
    version: int


class ReasonIn(Schema):
    reason: str = Field(..., max_length=sheet_services.REASON_MAX)


class SelfSheetIn(Schema):
    unit_id: int


class ReviewSheetIn(Schema):
    unit_id: int
    reviewer_unit_id: int


class AssignmentOut(Schema):
    id: int
    reviewer_unit: UnitRef
    unit: UnitRef


class ConflictIn(Schema):
    reviewer_unit_id: int
    unit_id: int
    reason: str = Field(..., max_length=sheet_services.REASON_MAX)


class ConflictOut(Schema):
    id: int
    reviewer_unit: UnitRef
    unit: UnitRef
    reason: str
    created_at: dt.datetime


class FinalScoreOut(Schema):
    unit: UnitRef
    track: str
    self_total: Decimal | None
    review_count: int
    raw_total: Decimal | None
    normalised_total: Decimal | None
    ranking_total: Decimal | None
    bonus: Decimal
    deductions: Decimal
    group_scores: dict[str, Decimal] = Field(
        ..., description="Per criteria group, for the units whose tie on the total a group tie-break decided."
    )
    rank: int | None
    tied: bool
    decided_by: str
    suggested_title: str
    computed_at: dt.datetime


class RankingOut(Schema):
    published_at: dt.datetime | None
    rows: list[FinalScoreOut]


class MatrixCellOut(Schema):
    reviewer_unit_id: int
    unit_id: int
    sheet_id: int
    status: str
    raw: Decimal
    normalised: Decimal


class ReviewerBiasOut(Schema):
    reviewer_unit_id: int
    bias: Decimal = Field(..., description="Reviewer's mean minus the overall mean; positive = lenient.")


class MatrixOut(Schema):
    method: str
    reviewers: list[UnitRef]
    units: list[UnitRef]
    cells: list[MatrixCellOut]
    bias: list[ReviewerBiasOut]


class ReconciliationOut(Schema):
    id: int
    unit: UnitRef
    review_sheet_id: int
    reviewer_unit: UnitRef
    item_id: int | None
    item_code: str | None = Field(None, description="Empty for a difference on the total.")
    self_points: Decimal | None
    review_points: Decimal | None
    status: str
    reason: str
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_reviewer_unit(obj: Reconciliation) -> Unit | None:
        return obj.review_sheet.reviewer_unit

    @staticmethod
    def resolve_item_code(obj: Reconciliation) -> str | None:
        return obj.item.code if obj.item is not None else None


class TaskOut(Schema):
    action: str = Field(..., description="fill_self | approve_self | review")
    block_year_id: int
    unit: UnitRef
    reviewer_unit: UnitRef | None
    sheet_id: int | None = Field(None, description="Empty when the sheet has not been opened yet.")


# ---------------------------------------------------------------- sheets


def _line_out(line: ScoreLine, evidence: dict[int, list[Attachment]]) -> dict[str, Any]:
    item = line.item
    return {
        "id": line.pk,
        "item_id": item.pk,
        "item_code": item.code,
        "item_title": item.title,
        "group_code": item.group.code,
        "item_type": item.item_type,
        "max_points": item.max_points,
        "per_occurrence": item.per_occurrence,
        "cap": item.cap,
        "evidence_required": item.evidence_required,
        "value": line.value,
        "count": line.count,
        "points": line.points,
        "comment": line.comment,
        "evidence_note": line.evidence_note,
        "evidence": evidence.get(line.pk, []),
    }


def _sheet_detail(sheet_id: int) -> dict[str, Any]:
    sheet = sheet_selectors.sheet_detail(sheet_id=sheet_id)
    evidence = sheet_selectors.sheet_evidence(sheet=sheet)
    data = SheetOut.from_orm(sheet).model_dump()
    data["lines"] = [_line_out(line, evidence) for line in sheet.lines.all()]
    return data


def _visible_sheet(request: HttpRequest, sheet_id: int) -> ScoreSheet:
    """The sheet (with its block-year for the permission rules), or 404 when the user may not see it."""
    sheet = ScoreSheet.objects.select_related("block_year__block__owner").filter(pk=sheet_id).first()
    if sheet is None or not _actor(request).has_perm("scoring.view_sheet", sheet):
        raise Http404
    return sheet


@router.get(
    "/block-years/{block_year_id}/score-sheets",
    response={200: list[SheetOut], **ERROR_RESPONSES},
    tags=SHEETS,
    summary="The current sheets of the block-year you may see",
)
def sheet_list(request: HttpRequest, block_year_id: int) -> QuerySet[ScoreSheet]:
    return sheet_selectors.sheets_for_block_year(block_year=_block_year(block_year_id), user=_actor(request))


@router.post(
    "/block-years/{block_year_id}/self-sheets",
    response={200: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Open a unit's self sheet (created with a blank line per item the first time)",
)
def self_sheet_open(request: HttpRequest, block_year_id: int, payload: SelfSheetIn) -> dict[str, Any]:
    sheet = sheet_services.self_sheet_open(
        actor=_actor(request),
        block_year=_block_year(block_year_id),
        unit=_ref(Unit, payload.unit_id, field="unit_id"),
    )
    return _sheet_detail(sheet.pk)


@router.post(
    "/block-years/{block_year_id}/review-sheets",
    response={200: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Open a reviewing unit's sheet of a unit (created the first time)",
)
def review_sheet_open(request: HttpRequest, block_year_id: int, payload: ReviewSheetIn) -> dict[str, Any]:
    sheet = sheet_services.review_sheet_open(
        actor=_actor(request),
        block_year=_block_year(block_year_id),
        unit=_ref(Unit, payload.unit_id, field="unit_id"),
        reviewer_unit=_ref(Unit, payload.reviewer_unit_id, field="reviewer_unit_id"),
    )
    return _sheet_detail(sheet.pk)


@router.get("/score-sheets/{sheet_id}", response={200: SheetDetailOut, **ERROR_RESPONSES}, tags=SHEETS)
def sheet_detail(request: HttpRequest, sheet_id: int) -> dict[str, Any]:
    _visible_sheet(request, sheet_id)
    return _sheet_detail(sheet_id)


@router.put(
    "/score-sheets/{sheet_id}",
    response={200: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Save entries of a draft sheet (409 stale_sheet if someone saved since your version)",
)
def sheet_save(request: HttpRequest, sheet_id: int, payload: SheetSaveIn) -> dict[str, Any]:
    sheet = _visible_sheet(request, sheet_id)
    sheet_services.score_sheet_save(
        actor=_actor(request),
        sheet=sheet,
        version=payload.version,
        lines=[sheet_services.LineInput(**line.model_dump()) for line in payload.lines],
        comment=payload.comment,
    )
    return _sheet_detail(sheet_id)


@router.post(
    "/score-sheets/{sheet_id}/lines/{item_id}/evidence",
    response={201: AttachmentOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Attach an evidence file to a line (multipart field `file`)",
)
def evidence_add(request: HttpRequest, sheet_id: int, item_id: int, file: File[UploadedFile]) -> Status[Attachment]:
    sheet = _visible_sheet(request, sheet_id)
    item = get_object_or_404(CriteriaItem, pk=item_id)
    attachment = sheet_services.score_line_add_evidence(actor=_actor(request), sheet=sheet, item=item, upload=file)
    return Status(201, attachment)


@router.delete(
    "/score-sheets/{sheet_id}/evidence/{attachment_id}", response={204: None, **WRITE_RESPONSES}, tags=SHEETS
)
def evidence_remove(request: HttpRequest, sheet_id: int, attachment_id: int) -> Status[None]:
    sheet = _visible_sheet(request, sheet_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id)
    sheet_services.score_line_remove_evidence(actor=_actor(request), sheet=sheet, attachment=attachment)
    return Status(204, None)


@router.post(
    "/score-sheets/{sheet_id}/submit",
    response={200: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Hand in a draft sheet (every line scored, evidence where required)",
)
def sheet_submit(request: HttpRequest, sheet_id: int, payload: VersionIn) -> dict[str, Any]:
    sheet = _visible_sheet(request, sheet_id)
    sheet_services.score_sheet_submit(actor=_actor(request), sheet=sheet, version=payload.version)
    return _sheet_detail(sheet_id)


@router.post(
    "/score-sheets/{sheet_id}/approve",
    response={200: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="The unit head approves the unit's submitted self-score",
)
def sheet_approve(request: HttpRequest, sheet_id: int) -> dict[str, Any]:
    sheet = _visible_sheet(request, sheet_id)
    sheet_services.self_sheet_approve(actor=_actor(request), sheet=sheet)
    return _sheet_detail(sheet_id)


@router.post(
    "/score-sheets/{sheet_id}/return",
    response={200: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Send a submitted sheet back to draft with a reason",
)
def sheet_return(request: HttpRequest, sheet_id: int, payload: ReasonIn) -> dict[str, Any]:
    sheet = _visible_sheet(request, sheet_id)
    sheet_services.score_sheet_return(actor=_actor(request), sheet=sheet, reason=payload.reason)
    return _sheet_detail(sheet_id)


@router.post(
    "/score-sheets/{sheet_id}/finalise",
    response={200: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Finalise a sheet; flags self/review differences and recomputes the final scores",
)
def sheet_finalise(request: HttpRequest, sheet_id: int) -> dict[str, Any]:
    sheet = _visible_sheet(request, sheet_id)
    sheet_services.score_sheet_finalise(actor=_actor(request), sheet=sheet)
    return _sheet_detail(sheet_id)


@router.post(
    "/score-sheets/{sheet_id}/correct",
    response={201: SheetDetailOut, **WRITE_RESPONSES},
    tags=SHEETS,
    summary="Open a correction of a finalised sheet: a new draft revision with the reason",
)
def sheet_correct(request: HttpRequest, sheet_id: int, payload: ReasonIn) -> Status[dict[str, Any]]:
    sheet = _visible_sheet(request, sheet_id)
    copy = sheet_services.score_sheet_correct(actor=_actor(request), sheet=sheet, reason=payload.reason)
    return Status(201, _sheet_detail(copy.pk))


@router.get(
    "/score-sheets/{sheet_id}/history",
    response={200: list[SheetOut], **ERROR_RESPONSES},
    tags=SHEETS,
    summary="Every revision of the unit's sheets you may see, corrections included",
)
def sheet_history(request: HttpRequest, sheet_id: int) -> list[ScoreSheet]:
    sheet = _visible_sheet(request, sheet_id)
    actor = _actor(request)
    history = sheet_selectors.sheet_history(block_year=sheet.block_year, unit=sheet.unit)
    for row in history:
        row.block_year = sheet.block_year  # the permission rules read it; spare a query per row
    return [row for row in history if actor.has_perm("scoring.view_sheet", row)]


# ---------------------------------------------------------------- assignments and conflicts


@router.get(
    "/block-years/{block_year_id}/review-assignments",
    response={200: list[AssignmentOut], **ERROR_RESPONSES},
    tags=REVIEWS,
    summary="Who reviews whom (cross-scoring)",
)
def assignment_list(request: HttpRequest, block_year_id: int) -> QuerySet[ReviewAssignment]:
    block_year = _block_year(block_year_id)
    _require(request, "scoring.declare_conflict", block_year)  # the block's participants
    return block_year.review_assignments.select_related("reviewer_unit", "unit").order_by(
        "unit__name", "unit_id", "reviewer_unit__name", "reviewer_unit_id"
    )


@router.post(
    "/block-years/{block_year_id}/review-assignments/generate",
    response={200: list[AssignmentOut], **WRITE_RESPONSES},
    tags=REVIEWS,
    summary="Assign the cross-scoring reviewers again (before any review has begun)",
)
def assignment_generate(request: HttpRequest, block_year_id: int) -> list[ReviewAssignment]:
    return sheet_services.review_assignments_generate(actor=_actor(request), block_year=_block_year(block_year_id))


def _visible_conflicts(request: HttpRequest, block_year: BlockYear) -> QuerySet[ConflictOfInterest]:
    qs = block_year.scoring_conflicts.select_related("reviewer_unit", "unit").order_by(
        "unit__name", "unit_id", "reviewer_unit__name", "reviewer_unit_id"
    )
    if _actor(request).has_perm("scoring.view_all_sheets", block_year):
        return qs
    staff = _staff_units(request)
    return qs.filter(Q(unit_id__in=staff) | Q(reviewer_unit_id__in=staff))


@router.get(
    "/block-years/{block_year_id}/conflicts",
    response={200: list[ConflictOut], **ERROR_RESPONSES},
    tags=REVIEWS,
    summary="Declared conflicts of interest (organisers: all; a unit's staff: those of their unit)",
)
def conflict_list(request: HttpRequest, block_year_id: int) -> QuerySet[ConflictOfInterest]:
    block_year = _block_year(block_year_id)
    _require(request, "scoring.declare_conflict", block_year)
    return _visible_conflicts(request, block_year)


@router.post("/block-years/{block_year_id}/conflicts", response={201: ConflictOut, **WRITE_RESPONSES}, tags=REVIEWS)
def conflict_declare(request: HttpRequest, block_year_id: int, payload: ConflictIn) -> Status[ConflictOfInterest]:
    conflict = sheet_services.conflict_declare(
        actor=_actor(request),
        block_year=_block_year(block_year_id),
        reviewer_unit=_ref(Unit, payload.reviewer_unit_id, field="reviewer_unit_id"),
        unit=_ref(Unit, payload.unit_id, field="unit_id"),
        reason=payload.reason,
    )
    return Status(201, conflict)


@router.delete("/scoring-conflicts/{conflict_id}", response={204: None, **WRITE_RESPONSES}, tags=REVIEWS)
def conflict_withdraw(request: HttpRequest, conflict_id: int) -> Status[None]:
    conflict = get_object_or_404(ConflictOfInterest.objects.select_related("block_year__block__owner"), pk=conflict_id)
    if not _visible_conflicts(request, conflict.block_year).filter(pk=conflict.pk).exists():
        raise Http404
    sheet_services.conflict_withdraw(actor=_actor(request), conflict=conflict)
    return Status(204, None)


# ---------------------------------------------------------------- finalising, ranking


def _ranking(block_year: BlockYear) -> dict[str, Any]:
    config = ScoringConfig.objects.filter(block_year=block_year).only("ranking_published_at").first()
    return {
        "published_at": config.ranking_published_at if config is not None else None,
        "rows": ranking_selectors.ranking_table(block_year=block_year),
    }


@router.post(
    "/block-years/{block_year_id}/finalise-scoring",
    response={200: list[SheetOut], **WRITE_RESPONSES},
    tags=RANKING,
    summary="Finalise every submitted sheet of the block-year and recompute (refused while a sheet is a draft)",
)
def block_year_finalise(request: HttpRequest, block_year_id: int) -> list[ScoreSheet]:
    return sheet_services.block_year_finalise_scoring(actor=_actor(request), block_year=_block_year(block_year_id))


@router.post(
    "/block-years/{block_year_id}/recompute",
    response={200: RankingOut, **WRITE_RESPONSES},
    tags=RANKING,
    summary="Recompute the final scores and the ranking",
)
def recompute(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    recompute_services.scoring_recompute(actor=_actor(request), block_year=block_year)
    return _ranking(block_year)


@router.get(
    "/block-years/{block_year_id}/ranking",
    response={200: RankingOut, **ERROR_RESPONSES},
    tags=RANKING,
    summary="Final scores by track and rank (members' staff once published)",
)
def ranking(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    _require(request, "scoring.view_ranking", block_year)
    return _ranking(block_year)


@router.post(
    "/block-years/{block_year_id}/ranking/publish",
    response={200: RankingOut, **WRITE_RESPONSES},
    tags=RANKING,
    summary="Publish the ranking to the member units",
)
def ranking_publish(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    recompute_services.ranking_publish(actor=_actor(request), block_year=block_year)
    return _ranking(block_year)


@router.get(
    "/block-years/{block_year_id}/reviewer-matrix",
    response={200: MatrixOut, **ERROR_RESPONSES},
    tags=RANKING,
    summary="Reviewer × unit totals, raw and normalised, and each reviewer's bias",
)
def reviewer_matrix(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    block_year = _block_year(block_year_id)
    _require(request, "scoring.view_all_sheets", block_year)
    matrix = ranking_selectors.reviewer_matrix(block_year=block_year)
    return {
        "method": matrix.method,
        "reviewers": matrix.reviewers,
        "units": matrix.units,
        "cells": [
            {
                "reviewer_unit_id": reviewer_id,
                "unit_id": unit_id,
                "sheet_id": cell.sheet_id,
                "status": cell.status,
                "raw": cell.raw,
                "normalised": cell.normalised,
            }
            for (reviewer_id, unit_id), cell in sorted(matrix.cells.items())
        ],
        "bias": [{"reviewer_unit_id": pk, "bias": bias} for pk, bias in sorted(matrix.bias.items())],
    }


@router.get(
    "/block-years/{block_year_id}/reconciliations",
    response={200: list[ReconciliationOut], **ERROR_RESPONSES},
    tags=RANKING,
    summary="Self/review differences above the thresholds that you may see",
)
def reconciliation_list(
    request: HttpRequest, block_year_id: int, status: ReconciliationStatus | None = None
) -> QuerySet[Reconciliation]:
    return ranking_selectors.reconciliations_for_block_year(
        block_year=_block_year(block_year_id), user=_actor(request), status=status.value if status else None
    )


@router.post(
    "/reconciliations/{reconciliation_id}/resolve",
    response={200: ReconciliationOut, **WRITE_RESPONSES},
    tags=RANKING,
    summary="Close a difference with the explanation agreed on",
)
def reconciliation_resolve(request: HttpRequest, reconciliation_id: int, payload: ReasonIn) -> Reconciliation:
    found = Reconciliation.objects.select_related("block_year__block__owner").filter(pk=reconciliation_id).first()
    if found is None:
        raise Http404
    visible = ranking_selectors.reconciliations_for_block_year(block_year=found.block_year, user=_actor(request))
    reconciliation = visible.filter(pk=reconciliation_id).first()
    if reconciliation is None:
        raise Http404
    reconciliation.block_year = found.block_year
    return sheet_services.reconciliation_resolve(
        actor=_actor(request), reconciliation=reconciliation, reason=payload.reason
    )


@router.get(
    "/me/scoring-tasks",
    response={200: list[TaskOut], **ERROR_RESPONSES},
    tags=SHEETS,
    summary="Sheets you have to fill, approve or review",
)
def my_tasks(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "action": task.action,
            "block_year_id": task.block_year.pk,
            "unit": task.unit,
            "reviewer_unit": task.reviewer_unit,
            "sheet_id": task.sheet.pk if task.sheet is not None else None,
        }
        for task in sheet_selectors.my_scoring_tasks(user=_actor(request))
    ]
