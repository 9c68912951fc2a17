"""Reads behind the scoring dashboards: progress of the year, ranking, profiles, reviewer spread, rank changes.

A dashboard answers "where does the block stand" at a glance, so every number here comes from a
fixed number of SQL aggregations (GROUP BY unit, group, reviewer, status), never from a loop of
queries per unit: a block of 11 units and one of 40 cost the same number of queries. Shares and
means are computed in Python only from those aggregates; the reviewer bias comes from the rules
engine (`rules.reviewer_bias`), never re-implemented here.

The module also serves the sheet pages' overview (settings, leadership, current sheet of a unit,
open differences per unit), which is the same kind of read.

Which sheets count: a self-score once it has left the draft (submitted, approved or finalised) and
a review once submitted or finalised. Drafts are work in progress and would distort the picture.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from thidua.organizations.models import BlockMembership, BlockYear, LeadershipRole, Unit
from thidua.scoring import rules
from thidua.scoring.models import (
    ConflictOfInterest,
    CriteriaGroup,
    FinalScore,
    ItemType,
    Reconciliation,
    ReconciliationStatus,
    ReviewAssignment,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)

CENT = Decimal("0.01")
BASE_TYPES = (ItemType.POINTS, ItemType.YES_NO)
COUNTED_SELF = (SheetStatus.SUBMITTED, SheetStatus.APPROVED, SheetStatus.FINALISED)
COUNTED_REVIEW = (SheetStatus.SUBMITTED, SheetStatus.FINALISED)


def _q(value: Any) -> Decimal | None:
    """Round an aggregate (Decimal, float or None, depending on the database) half-up to 0.01."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT)


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- members -------------------------------------------------------------------------------------------------------


def member_units(*, block_year: BlockYear) -> list[Unit]:
    """The member units of a block-year in rotation order (one query)."""
    memberships = BlockMembership.objects.filter(block_year=block_year).select_related("unit")
    return [m.unit for m in memberships.order_by("rotation_position", "unit__name", "unit_id")]


def previous_block_year(*, block_year: BlockYear) -> BlockYear | None:
    """The latest earlier year of the same block, if any."""
    return (
        BlockYear.objects.filter(block_id=block_year.block_id, year__lt=block_year.year)
        .select_related("block")
        .order_by("-year")
        .first()
    )


# --- progress of the year ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass(frozen=True)
class UnitTasks:
    unit: Unit
    total: int
    completed: int
    overdue: int
    mean_progress: Decimal | None


@dataclass(frozen=True)
class EmulationProgress:
    covenant: Progress
    registration: Progress
    tasks: list[UnitTasks]


def _unit_tasks(unit: Unit, progress: Any) -> UnitTasks:
    if progress is None:
        return UnitTasks(unit=unit, total=0, completed=0, overdue=0, mean_progress=None)
    mean = getattr(progress, "mean_progress", None)
    return UnitTasks(
        unit=unit,
        total=int(progress.total),
        completed=int(progress.completed),
        overdue=int(progress.overdue),
        mean_progress=_q(mean) if mean is not None else None,
    )


def emulation_progress(*, block_year: BlockYear, units: Iterable[Unit]) -> EmulationProgress:
    """Covenant signatures, registrations and key-task progress per member unit (emulation app's aggregates)."""
    from thidua.emulation import selectors as emulation

    signed, covenant_total = emulation.covenant_progress(block_year)
    submitted, registration_total = emulation.registration_progress(block_year)
    by_unit: Mapping[int, Any] = emulation.task_progress_by_unit(block_year)
    return EmulationProgress(
        covenant=Progress(int(signed), int(covenant_total)),
        registration=Progress(int(submitted), int(registration_total)),
        tasks=[_unit_tasks(unit, by_unit.get(unit.pk)) for unit in units],
    )


def unit_task_progress(*, block_year: BlockYear, unit: Unit) -> UnitTasks:
    from thidua.emulation import selectors as emulation

    return _unit_tasks(unit, emulation.task_progress_by_unit(block_year).get(unit.pk))


def unit_key_tasks(*, block_year: BlockYear, unit: Unit) -> list[Any]:
    """The unit's registered key tasks with `progress` and `overdue` (emulation app's reads), in order."""
    from thidua.emulation import selectors as emulation

    registration = emulation.registration_detail(block_year=block_year, unit=unit)
    return list(emulation.task_list(registration=registration)) if registration is not None else []


@dataclass(frozen=True)
class ScoringProgress:
    member_count: int
    self_by_status: dict[str, int]  # status → count, plus "not_started"
    review_by_status: dict[str, int]
    expected_reviews: int | None  # cross mode: the assignments; head mode: unknown until opened

    @property
    def self_done(self) -> int:
        return sum(self.self_by_status.get(s, 0) for s in COUNTED_SELF)

    @property
    def review_done(self) -> int:
        return sum(self.review_by_status.get(s, 0) for s in COUNTED_REVIEW)


def scoring_progress(*, block_year: BlockYear, member_count: int) -> ScoringProgress:
    """Current sheets by kind and status (one GROUP BY) and the number of review assignments."""
    self_counts: dict[str, int] = dict.fromkeys(SheetStatus.values, 0)
    review_counts: dict[str, int] = dict.fromkeys(SheetStatus.values, 0)
    rows = (
        ScoreSheet.objects.filter(block_year=block_year, is_current=True)
        .values("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        target = self_counts if row["kind"] == SheetKind.SELF else review_counts
        target[row["status"]] = row["n"]
    del review_counts[SheetStatus.APPROVED]
    self_counts["not_started"] = max(member_count - sum(self_counts.values()), 0)
    assignments = block_year.review_assignments.count()
    return ScoringProgress(
        member_count=member_count,
        self_by_status=self_counts,
        review_by_status=review_counts,
        expected_reviews=assignments or None,
    )


# --- ranking -------------------------------------------------------------------------------------------------------


def ranking_rows(*, block_year: BlockYear) -> list[FinalScore]:
    """Final scores with their unit, by track then rank (unranked last), one query."""
    return list(
        FinalScore.objects.filter(block_year=block_year)
        .select_related("unit")
        .order_by("track", Coalesce("rank", 1_000_000), "unit__name", "unit_id")
    )


def ranking_total(score: FinalScore) -> Decimal | None:
    """The total a unit is ranked on (normalised or raw, as the block decided when recomputing)."""
    if score.ranking_total is not None:
        return score.ranking_total
    return score.raw_total


# --- profile by criteria group -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupInfo:
    id: int
    code: str
    title: str
    maximum: Decimal  # base maximum (points and yes/no lines); 0 for a bonus/deduction-only group


@dataclass
class GroupProfile:
    """Each unit's reviewed points per criteria group (mean over its counted reviews) and the block mean."""

    groups: list[GroupInfo]
    points: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # unit id → group id → points

    @property
    def scored_groups(self) -> list[GroupInfo]:
        return [g for g in self.groups if g.maximum > 0]

    def unit_percent(self, unit_id: int) -> list[Decimal | None]:
        scores = self.points.get(unit_id, {})
        return [_percent(scores.get(g.id), g.maximum) for g in self.scored_groups]

    def block_percent(self) -> list[Decimal | None]:
        result: list[Decimal | None] = []
        for group in self.scored_groups:
            values = [scores[group.id] for scores in self.points.values() if group.id in scores]
            mean = sum(values, Decimal(0)) / len(values) if values else None
            result.append(_percent(mean, group.maximum))
        return result


def criteria_groups(*, block_year: BlockYear) -> list[GroupInfo]:
    """The groups of the block-year's criteria set with their base maximum (one query)."""
    rows = (
        CriteriaGroup.objects.filter(criteria_set__block_year=block_year)
        .annotate(maximum=Sum("items__max_points", filter=Q(items__item_type__in=BASE_TYPES)))
        .order_by("position", "id")
    )
    return [GroupInfo(g.pk, g.code, g.title, _q(g.maximum) or Decimal(0)) for g in rows]


def _group_points(sheets: QuerySet[ScoreSheet]) -> dict[int, dict[int, Decimal]]:
    """unit → group → mean over `sheets` of the base points in the group, from one GROUP BY."""
    rows = (
        ScoreLine.objects.filter(sheet__in=sheets, item__item_type__in=BASE_TYPES)
        .values("sheet__unit_id", "item__group_id")
        .annotate(points=Sum("points"), sheets=Count("sheet_id", distinct=True))
        .order_by()
    )
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        if row["sheets"]:
            result[row["sheet__unit_id"]][row["item__group_id"]] = (
                Decimal(str(row["points"] or 0)) / row["sheets"]
            ).quantize(CENT)
    return dict(result)


def _counted_reviews(block_year: BlockYear, *, finalised_only: bool = False) -> QuerySet[ScoreSheet]:
    statuses = (SheetStatus.FINALISED,) if finalised_only else COUNTED_REVIEW
    return ScoreSheet.objects.filter(block_year=block_year, is_current=True, kind=SheetKind.REVIEW, status__in=statuses)


def _counted_self(block_year: BlockYear) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.filter(
        block_year=block_year, is_current=True, kind=SheetKind.SELF, status__in=COUNTED_SELF
    )


def group_profile(*, block_year: BlockYear) -> GroupProfile:
    """Reviewed points per unit and criteria group, for the per-unit radar against the block mean (2 queries)."""
    return GroupProfile(
        groups=criteria_groups(block_year=block_year), points=_group_points(_counted_reviews(block_year))
    )


@dataclass(frozen=True)
class GroupComparison:
    group: GroupInfo
    self_points: Decimal | None
    review_points: Decimal | None  # mean over the counted reviews

    @property
    def difference(self) -> Decimal | None:
        if self.self_points is None or self.review_points is None:
            return None
        return self.self_points - self.review_points


def unit_group_comparison(
    *, block_year: BlockYear, unit: Unit, finalised_reviews_only: bool = False
) -> list[GroupComparison]:
    """Self-score against reviews per criteria group for one unit (3 queries).

    `finalised_reviews_only` is for the unit's own staff, who see reviews of their unit once finalised.
    """
    groups = criteria_groups(block_year=block_year)
    own = _group_points(_counted_self(block_year).filter(unit=unit)).get(unit.pk, {})
    reviewed = _group_points(_counted_reviews(block_year, finalised_only=finalised_reviews_only).filter(unit=unit))
    reviews = reviewed.get(unit.pk, {})
    return [GroupComparison(group=g, self_points=own.get(g.id), review_points=reviews.get(g.id)) for g in groups]


# --- reviewers -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerSpread:
    reviewer_id: int
    reviewer_name: str
    count: int
    minimum: Decimal | None
    mean: Decimal | None
    maximum: Decimal | None
    bias: Decimal | None  # reviewer's mean minus the overall mean; positive = lenient


def reviewer_spread(*, block_year: BlockYear) -> list[ReviewerSpread]:
    """Min / mean / max of the totals each reviewing unit gave (SQL), with its bias (rules engine). 2 queries."""
    reviews = _counted_reviews(block_year)
    rows = (
        reviews.values("reviewer_unit_id", "reviewer_unit__name")
        .annotate(n=Count("id"), lo=Min("total"), avg=Avg("total"), hi=Max("total"))
        .order_by("reviewer_unit__name", "reviewer_unit_id")
    )
    scores: dict[tuple[Hashable, Hashable], Decimal] = {
        (r, u): Decimal(t) for r, u, t in reviews.values_list("reviewer_unit_id", "unit_id", "total")
    }
    bias = rules.reviewer_bias(scores)
    return [
        ReviewerSpread(
            reviewer_id=row["reviewer_unit_id"],
            reviewer_name=row["reviewer_unit__name"],
            count=row["n"],
            minimum=_q(row["lo"]),
            mean=_q(row["avg"]),
            maximum=_q(row["hi"]),
            bias=bias.get(row["reviewer_unit_id"]),
        )
        for row in rows
    ]


# --- ranks over time -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankChange:
    unit_id: int
    unit_name: str
    track: str
    rank: int | None
    previous_rank: int | None

    @property
    def change(self) -> int | None:
        """Places gained since last year (positive = moved up); None when either year has no rank."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def places(self) -> int:
        """How many places the unit moved, whichever way."""
        return abs(self.change or 0)

    @property
    def direction(self) -> str:
        """ "up", "down", "same"; "new" when unranked last year, "unranked" when not ranked (yet) this year."""
        if self.rank is None:
            return "unranked"
        change = self.change
        if change is None:
            return "new"
        return "up" if change > 0 else "down" if change < 0 else "same"


@dataclass(frozen=True)
class RankChanges:
    previous: BlockYear | None
    rows: list[RankChange]


def rank_changes(*, block_year: BlockYear) -> RankChanges:
    """This year's ranks against the previous year of the same block (2 queries)."""
    previous = previous_block_year(block_year=block_year)
    year_ids = [block_year.pk] + ([previous.pk] if previous else [])
    rows = (
        FinalScore.objects.filter(block_year_id__in=year_ids)
        .values("block_year_id", "unit_id", "unit__name", "track", "rank")
        .order_by("block_year_id", "unit_id")
    )
    current: list[Any] = []
    before: dict[int, int | None] = {}
    for row in rows:
        if row["block_year_id"] == block_year.pk:
            current.append(row)
        else:
            before[row["unit_id"]] = row["rank"]
    current.sort(key=lambda r: (r["track"], r["rank"] is None, r["rank"] or 0, r["unit__name"]))
    return RankChanges(
        previous=previous,
        rows=[
            RankChange(
                unit_id=row["unit_id"],
                unit_name=row["unit__name"],
                track=row["track"],
                rank=row["rank"],
                previous_rank=before.get(row["unit_id"]),
            )
            for row in current
        ],
    )


def published_block_year_ids(*, block_year_ids: Iterable[int]) -> set[int]:
    """Which of these block-years have published their ranking (one query)."""
    return set(
        ScoringConfig.objects.filter(
            block_year_id__in=list(block_year_ids), ranking_published_at__isnull=False
        ).values_list("block_year_id", flat=True)
    )


def unit_rank_history(*, unit: Unit) -> list[FinalScore]:
    """The unit's final scores over the years (any block), oldest first, each with `ranked_count` (one query)."""
    ranked = (
        FinalScore.objects.filter(block_year=OuterRef("block_year"), rank__isnull=False, track=OuterRef("track"))
        .order_by()
        .values("block_year")
        .annotate(n=Count("id"))
        .values("n")
    )
    return list(
        FinalScore.objects.filter(unit=unit)
        .select_related("block_year__block")
        .annotate(ranked_count=Subquery(ranked))
        .order_by("block_year__year", "block_year__block__name", "pk")
    )


# --- the sheet overview of a block-year (sheet list, forms) --------------------------------------------------------


def scoring_config(*, block_year: BlockYear) -> ScoringConfig:
    """The block-year's scoring settings, or the defaults (unsaved) when none were saved yet."""
    return ScoringConfig.objects.filter(block_year=block_year).first() or ScoringConfig(block_year=block_year)


def leadership_unit_ids(*, block_year: BlockYear) -> tuple[int | None, list[int]]:
    """(head unit id, deputy unit ids in order) of the block-year."""
    head: int | None = None
    deputies: list[int] = []
    for unit_id, role in block_year.leadership.order_by("role", "position", "id").values_list("unit_id", "role"):
        if role == LeadershipRole.HEAD:
            head = unit_id
        else:
            deputies.append(unit_id)
    return head, deputies


def current_sheet_id(*, block_year: BlockYear, unit: Unit, reviewer_unit: Unit | None = None) -> int | None:
    """The current self sheet (no reviewer) or review sheet of `unit`, if one was opened."""
    sheets = ScoreSheet.objects.filter(block_year=block_year, unit=unit, is_current=True)
    if reviewer_unit is None:
        sheets = sheets.filter(kind=SheetKind.SELF)
    else:
        sheets = sheets.filter(kind=SheetKind.REVIEW, reviewer_unit=reviewer_unit)
    return sheets.values_list("pk", flat=True).first()


def open_differences_by_unit(*, block_year: BlockYear) -> dict[int, int]:
    """unit id → number of self/review differences still to reconcile (one GROUP BY)."""
    rows = (
        Reconciliation.objects.filter(block_year=block_year, status=ReconciliationStatus.OPEN)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["unit_id"]: row["n"] for row in rows}


def assigned_reviewers(*, block_year: BlockYear) -> dict[int, list[int]]:
    """Cross-scoring: unit id → the reviewing unit ids assigned to it."""
    result: dict[int, list[int]] = defaultdict(list)
    pairs = block_year.review_assignments.order_by("unit_id", "reviewer_unit_id").values_list(
        "unit_id", "reviewer_unit_id"
    )
    for unit_id, reviewer_id in pairs:
        result[unit_id].append(reviewer_id)
    return dict(result)


def handed_in_self_sheet(*, block_year: BlockYear, unit: Unit) -> ScoreSheet | None:
    """The unit's current self-score once it has left the draft (status and total only)."""
    return _counted_self(block_year).filter(unit=unit).only("pk", "status", "total", "block_year_id", "unit_id").first()


def self_points_by_item(*, sheet_id: int | None) -> dict[int, Decimal]:
    """item id → points of a sheet's lines (the self-score shown beside a review)."""
    if sheet_id is None:
        return {}
    return dict(ScoreLine.objects.filter(sheet_id=sheet_id).values_list("item_id", "points"))


def reconciliation_rows(*, block_year: BlockYear, unit: Unit | None = None) -> list[Reconciliation]:
    """Differences to reconcile (open first), with the unit, item and reviewing unit loaded."""
    rows = Reconciliation.objects.filter(block_year=block_year).select_related(
        "unit", "item__group", "review_sheet__reviewer_unit", "resolved_by"
    )
    if unit is not None:
        rows = rows.filter(unit=unit)
    return list(rows.order_by("status", "unit__name", "unit_id", "review_sheet_id", "item__position", "item_id"))


def assignment_rows(*, block_year: BlockYear) -> list[ReviewAssignment]:
    return list(
        ReviewAssignment.objects.filter(block_year=block_year)
        .select_related("unit", "reviewer_unit")
        .order_by("unit__name", "unit_id", "reviewer_unit__name", "reviewer_unit_id")
    )


def conflict_rows(*, block_year: BlockYear) -> list[ConflictOfInterest]:
    return list(
        ConflictOfInterest.objects.filter(block_year=block_year)
        .select_related("unit", "reviewer_unit", "declared_by")
        .order_by("reviewer_unit__name", "unit__name", "id")
    )
