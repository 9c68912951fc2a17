"""Reads of score sheets: one sheet with its lines, the sheets a user may see, history and to-do lists.

Every function loads what a page or an API answer needs in a fixed number of queries (lines with
their items and groups, evidence counts as a subquery), and the lists filter by what the user may
see the same way `scoring.view_sheet` decides for one sheet.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from thidua.accounts.predicates import grants_of
from thidua.accounts.roles import Role
from thidua.attachments.models import Attachment
from thidua.audit.models import AuditEvent
from thidua.organizations.models import BlockLeadership, BlockMembership, BlockYear, LeadershipRole, Unit
from thidua.scoring.models import (
    ConflictOfInterest,
    CriteriaSetStatus,
    ReviewAssignment,
    ReviewMode,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.permissions import STAFF_ROLES

HANDED_IN = (SheetStatus.SUBMITTED, SheetStatus.APPROVED, SheetStatus.FINALISED)
SHEET_RELATED = ("block_year__block__owner", "unit", "reviewer_unit", "last_edited_by", "supersedes")


def _evidence_count() -> Any:
    owner_type = ContentType.objects.get_for_model(ScoreLine)
    files = (
        Attachment.objects.filter(owner_type=owner_type, owner_id=OuterRef("pk"))
        .order_by()
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(files, output_field=IntegerField()), Value(0))


def sheet_lines() -> QuerySet[ScoreLine]:
    """Lines in the order of the criteria table, with item, group and `evidence_count`."""
    return (
        ScoreLine.objects.select_related("item__group")
        .annotate(evidence_count=_evidence_count())
        .order_by("item__group__position", "item__group_id", "item__position", "item_id")
    )


def sheet_detail(*, sheet_id: int) -> ScoreSheet:
    """A sheet with its lines (items, groups, evidence counts) loaded; raises ScoreSheet.DoesNotExist."""
    return (
        ScoreSheet.objects.select_related(*SHEET_RELATED)
        .prefetch_related(Prefetch("lines", queryset=sheet_lines()))
        .get(pk=sheet_id)
    )


def sheet_evidence(*, sheet: ScoreSheet) -> dict[int, list[Attachment]]:
    """The evidence files of each line of the sheet: {line id: [attachment, …]} in one query."""
    owner_type = ContentType.objects.get_for_model(ScoreLine)
    files: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(
        owner_type=owner_type, owner_id__in=ScoreLine.objects.filter(sheet=sheet).values("pk")
    ).order_by("uploaded_at", "pk"):
        files[attachment.owner_id].append(attachment)
    return dict(files)


def _staff_unit_ids(user: Any) -> list[int]:
    return sorted({g.unit_id for g in grants_of(user) if g.role in STAFF_ROLES and g.unit_id is not None})


def visible_sheets(*, user: Any, block_year: BlockYear) -> QuerySet[ScoreSheet]:
    """All sheets (every revision) of the block-year that the user may see, as `scoring.view_sheet` decides."""
    qs = ScoreSheet.objects.filter(block_year=block_year)
    if user.has_perm("scoring.view_all_sheets", block_year):
        return qs
    staff = _staff_unit_ids(user)
    if not staff:
        return qs.none()
    return qs.filter(
        Q(unit_id__in=staff, kind=SheetKind.SELF)
        | Q(unit_id__in=staff, status=SheetStatus.FINALISED)
        | Q(reviewer_unit_id__in=staff)
    )


def sheets_for_block_year(*, block_year: BlockYear, user: Any) -> QuerySet[ScoreSheet]:
    """The current sheets of the block-year the user may see: by unit, its self sheet first, then reviews."""
    return (
        visible_sheets(user=user, block_year=block_year)
        .filter(is_current=True)
        .select_related("unit", "reviewer_unit", "last_edited_by")
        .order_by("unit__name", "unit_id", "-kind", "reviewer_unit__name", "reviewer_unit_id")
    )


def sheet_history(*, block_year: BlockYear, unit: Unit) -> list[ScoreSheet]:
    """Every revision of every sheet of the unit in the block-year (corrections keep the old ones)."""
    return list(
        ScoreSheet.objects.filter(block_year=block_year, unit=unit)
        .select_related("unit", "reviewer_unit", "supersedes", "submitted_by", "approved_by", "finalised_by")
        .order_by("-kind", "reviewer_unit__name", "reviewer_unit_id", "revision", "pk")
    )


def sheet_events(*, sheet: ScoreSheet) -> list[AuditEvent]:
    """The audit trail of one sheet, oldest first: saves, submit, return (with its reason), approval …"""
    return list(
        AuditEvent.objects.filter(object_type=ScoreSheet._meta.label_lower, object_id=str(sheet.pk)).order_by("seq")
    )


@dataclass(frozen=True)
class ScoringTask:
    """Something a user has to do: fill a self sheet, approve one, or review a unit.

    `sheet` is None when the sheet has not been opened yet (open it with `self_sheet_open` /
    `review_sheet_open` and the block-year, unit and reviewer unit given here).
    """

    action: str  # "fill_self" | "approve_self" | "review"
    block_year: BlockYear
    unit: Unit
    reviewer_unit: Unit | None
    sheet: ScoreSheet | None


def my_scoring_tasks(*, user: Any) -> list[ScoringTask]:
    """What the user must fill, approve or review, in block-years whose criteria are locked.

    Staff of a member unit fill its self sheet; its unit head approves it once submitted (when the
    block-year requires it); in cross mode a unit's staff review the units assigned to it; in
    head-and-deputies mode the block head reviews as the head unit and a deputy as the deputy unit
    they work in (or the only deputy unit). A constant number of queries, whatever the user holds.
    """
    grants = grants_of(user)
    staff = set(_staff_unit_ids(user))
    heads = {g.unit_id for g in grants if g.role == Role.UNIT_HEAD and g.unit_id is not None}
    led = {
        g.block_year_id: g.role for g in grants if g.role in (Role.BLOCK_HEAD, Role.BLOCK_DEPUTY) and g.block_year_id
    }
    open_years = BlockYear.objects.filter(criteria_set__status=CriteriaSetStatus.LOCKED)
    years = {
        by.pk: by
        for by in open_years.filter(Q(memberships__unit_id__in=staff) | Q(pk__in=list(led)))
        .select_related("block")
        .distinct()
    }
    if not years:
        return []
    configs = {c.block_year_id: c for c in ScoringConfig.objects.filter(block_year_id__in=list(years))}

    def mode(by_id: int) -> str:
        config = configs.get(by_id)
        return config.review_mode if config is not None else ReviewMode.HEAD_AND_DEPUTIES

    memberships = list(
        BlockMembership.objects.filter(block_year_id__in=list(years)).select_related("unit").order_by("unit__name")
    )
    units = {m.unit_id: m.unit for m in memberships}
    members: dict[int, list[int]] = defaultdict(list)
    for m in memberships:
        members[m.block_year_id].append(m.unit_id)
    leadership = list(
        BlockLeadership.objects.filter(block_year_id__in=list(led)).select_related("unit").order_by("position")
    )
    sheets = {
        (s.block_year_id, s.unit_id, s.reviewer_unit_id): s
        for s in ScoreSheet.objects.filter(block_year_id__in=list(years), is_current=True).select_related(
            "unit", "reviewer_unit"
        )
    }
    assignments = list(
        ReviewAssignment.objects.filter(block_year_id__in=list(years), reviewer_unit_id__in=staff).select_related(
            "reviewer_unit", "unit"
        )
    )

    conflicts = set(
        ConflictOfInterest.objects.filter(block_year_id__in=list(led)).values_list(
            "block_year_id", "reviewer_unit_id", "unit_id"
        )
    )
    tasks: list[ScoringTask] = []

    def add(action: str, by_id: int, unit: Unit, reviewer: Unit | None, done: tuple[str, ...]) -> None:
        sheet = sheets.get((by_id, unit.pk, reviewer.pk if reviewer else None))
        if sheet is None or sheet.status not in done:
            tasks.append(ScoringTask(action, years[by_id], unit, reviewer, sheet))

    for by_id in sorted(years, key=lambda pk: (str(years[pk]), pk)):
        config = configs.get(by_id)
        for unit_id in members[by_id]:
            if unit_id in staff:
                add(
                    "fill_self",
                    by_id,
                    units[unit_id],
                    None,
                    (SheetStatus.SUBMITTED, SheetStatus.APPROVED, SheetStatus.FINALISED),
                )
            if unit_id in heads and (config is None or config.self_approval_required):
                sheet = sheets.get((by_id, unit_id, None))
                if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
                    tasks.append(ScoringTask("approve_self", years[by_id], units[unit_id], None, sheet))
        if mode(by_id) == ReviewMode.CROSS:
            for a in assignments:
                if a.block_year_id == by_id:
                    add("review", by_id, a.unit, a.reviewer_unit, (SheetStatus.SUBMITTED, SheetStatus.FINALISED))
        elif by_id in led:
            rows = [row for row in leadership if row.block_year_id == by_id]
            if led[by_id] == Role.BLOCK_HEAD:
                reviewers = [row.unit for row in rows if row.role == LeadershipRole.HEAD]
            else:
                deputies = [row.unit for row in rows if row.role == LeadershipRole.DEPUTY]
                reviewers = [u for u in deputies if u.pk in staff] or (deputies if len(deputies) == 1 else [])
            for reviewer in reviewers:
                for unit_id in members[by_id]:
                    if unit_id != reviewer.pk and (by_id, reviewer.pk, unit_id) not in conflicts:
                        add("review", by_id, units[unit_id], reviewer, (SheetStatus.SUBMITTED, SheetStatus.FINALISED))
    return tasks
