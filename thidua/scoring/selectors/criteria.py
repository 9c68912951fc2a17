"""Reads of the criteria concern: a block-year's criteria tree with its maxima, copy sources and settings.

The tree is loaded in a fixed number of queries (the set, its groups, their items) and its maxima are
computed by the rules engine (`rules.criteria_maximum`), never re-added here. The scoring settings
page reads the config, the ranking tracks with their units and the point bands at once.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from thidua.organizations.models import BlockYear, Unit
from thidua.scoring import rules
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    ItemType,
    ScoreBand,
    ScoreSheet,
    ScoringConfig,
    ScoringTrack,
    SheetStatus,
)


def item_spec(item: CriteriaItem) -> rules.ItemSpec:
    """The rules engine's view of a criteria item."""
    return rules.ItemSpec(
        item_type=rules.ItemType(item.item_type),
        max_points=item.max_points,
        per_occurrence=item.per_occurrence,
        cap=item.cap,
        evidence_required=item.evidence_required,
    )


@dataclass
class GroupView:
    group: CriteriaGroup
    items: list[CriteriaItem]
    base_maximum: Decimal


@dataclass
class CriteriaTree:
    criteria_set: CriteriaSet
    groups: list[GroupView] = field(default_factory=list)
    base_maximum: Decimal = Decimal(0)
    item_count: int = 0
    evidence_count: int = 0
    bonus_items: int = 0
    deduction_items: int = 0

    @property
    def items(self) -> list[CriteriaItem]:
        return [item for group in self.groups for item in group.items]


def criteria_set_of(*, block_year: BlockYear) -> CriteriaSet | None:
    """The block-year's criteria set (or None), with who locked it."""
    return (
        CriteriaSet.objects.select_related("block_year__block", "locked_by", "copied_from__block_year")
        .filter(block_year=block_year)
        .first()
    )


def criteria_groups(*, criteria_set: CriteriaSet) -> list[CriteriaGroup]:
    """The groups of a set in order, each with its items prefetched in order (two queries)."""
    items = CriteriaItem.objects.order_by("position", "id")
    return list(criteria_set.groups.order_by("position", "id").prefetch_related(Prefetch("items", queryset=items)))


def criteria_tree(*, criteria_set: CriteriaSet) -> CriteriaTree:
    """The set's groups and items with the base maximum of each group and of the set."""
    tree = CriteriaTree(criteria_set=criteria_set)
    specs: list[rules.ItemSpec] = []
    for group in criteria_groups(criteria_set=criteria_set):
        items = list(group.items.all())
        group_specs = [item_spec(item) for item in items]
        specs.extend(group_specs)
        tree.groups.append(GroupView(group=group, items=items, base_maximum=rules.criteria_maximum(group_specs)))
        tree.item_count += len(items)
        tree.evidence_count += sum(1 for item in items if item.evidence_required)
        tree.bonus_items += sum(1 for item in items if item.item_type == ItemType.BONUS)
        tree.deduction_items += sum(1 for item in items if item.item_type == ItemType.DEDUCTION)
    tree.base_maximum = rules.criteria_maximum(specs)
    return tree


def previous_criteria_set(*, block_year: BlockYear) -> CriteriaSet | None:
    """Last year's set of the same block, if it has items (the default source of a copy)."""
    return (
        CriteriaSet.objects.filter(
            block_year__block_id=block_year.block_id, block_year__year=block_year.year - 1, items__isnull=False
        )
        .select_related("block_year__block")
        .distinct()
        .first()
    )


def copy_sources(*, block_year: BlockYear) -> QuerySet[CriteriaSet]:
    """Sets with items that could be copied into this block-year: the same block first, newest first."""
    with_items = CriteriaSet.objects.filter(items__isnull=False).values("pk")
    return (
        CriteriaSet.objects.filter(pk__in=with_items)
        .exclude(block_year=block_year)
        .select_related("block_year__block")
        .order_by("-block_year__year", "block_year__block__name", "pk")
    )


def sheets_submitted(*, block_year: BlockYear) -> bool:
    """Whether any score sheet of the block-year left the draft state (the set can no longer be unlocked)."""
    sheets = ScoreSheet.objects.filter(block_year=block_year)
    return sheets.exclude(status=SheetStatus.DRAFT).exists() or sheets.filter(revision__gt=1).exists()


def reviews_finalised(*, block_year: BlockYear) -> bool:
    return ScoreSheet.objects.filter(block_year=block_year, kind="review", status=SheetStatus.FINALISED).exists()


def member_units(*, block_year: BlockYear) -> QuerySet[Unit]:
    """The member units in rotation order."""
    return Unit.objects.filter(block_memberships__block_year=block_year).order_by(
        "block_memberships__rotation_position", "name", "pk"
    )


def scoring_tracks(*, block_year: BlockYear) -> list[ScoringTrack]:
    units = Unit.objects.order_by("name", "pk")
    return list(
        ScoringTrack.objects.filter(block_year=block_year)
        .order_by("position", "id")
        .prefetch_related(Prefetch("units", queryset=units))
    )


def score_bands(*, block_year: BlockYear) -> list[ScoreBand]:
    return list(ScoreBand.objects.filter(block_year=block_year).order_by("minimum", "id"))


def scoring_config_of(*, block_year: BlockYear) -> ScoringConfig:
    """The saved settings, or the defaults (unsaved) when the block-year has none yet."""
    return ScoringConfig.objects.filter(block_year=block_year).first() or ScoringConfig(block_year=block_year)
