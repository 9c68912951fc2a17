"""Demo scoring of a block-year: self-scores, head and deputy reviews, differences, final scores and ranks.

Built entirely through the scoring services (as the demo administrator), so the demo shows the same
sheets, versions, differences and audit events that real work produces:

* the current year (scoring under way): every member unit has a self-score — most approved by their
  unit head, the first few already finalised, one still awaiting approval and one still a draft;
  the head and deputy units have reviewed most units (finalised for the first ones, submitted for a
  few, one review still a draft); the reviewers mark two units well below their self-score on one
  line, so finalising those reviews flags differences to reconcile for two units; the ranking is
  recomputed, not yet published;
* the previous, closed year: every sheet finalised, its differences reconciled, the ranking
  recomputed and published, so "rank change against last year" has data to compare with.

Scores are deterministic (a pseudo-random generator seeded by unit code, year and item code), so a
second run finds every sheet already in the state it should be and writes nothing: no service is
called that would change a row, and no audit event is recorded.
"""

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from thidua.organizations.models import BlockLeadership, BlockYear, LeadershipRole, Unit
from thidua.scoring.demo_criteria import build_criteria_demo
from thidua.scoring.models import (
    CriteriaItem,
    CriteriaSet,
    ItemType,
    Reconciliation,
    ReconciliationStatus,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services import criteria as criteria_services
from thidua.scoring.services import recompute as recompute_services
from thidua.scoring.services import sheets as sheet_services

# Target state of each member unit's self-score in the current year, by rotation order (the rest: approved).
CURRENT_SELF_FINALISED = 6  # the first six units: approved and finalised with their reviews
CURRENT_REVIEWS_SUBMITTED = 2  # the next two units: reviews submitted, not finalised yet
# The last unit keeps a draft self-score; the one before it awaits its head's approval; the one before that
# has a draft review by the head unit and no other review.
GENEROUS_UNITS = 2  # among the finalised ones: units the reviewers mark well below their self-score on one line
RECONCILED_REASON = "Khối đã thống nhất điểm với đơn vị tại cuộc họp bình xét."


@dataclass
class ScoringDemoReport:
    """What one run created or moved on (empty on a second run)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + count

    @property
    def changed(self) -> bool:
        return bool(self.counts)


# --------------------------------------------------------------------------------------------------
# Deterministic scores
# --------------------------------------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in parts))  # demo data, not security


def _strength(unit: Unit, year: int) -> float:
    """How good a unit is in a year (0.72–0.98): stable per unit, moving a little from year to year."""
    base = 0.74 + 0.22 * _rng(unit.code, "strength").random()
    return min(0.98, max(0.6, base + 0.06 * (_rng(unit.code, year, "year").random() - 0.5)))


def _quarter(value: float) -> Decimal:
    """Round to a quarter point, as scorers do."""
    return (Decimal(str(value)) * 4).to_integral_value(ROUND_HALF_UP) / 4


def _clamp(value: Decimal, maximum: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), maximum).quantize(Decimal("0.01"))


def _reviewed_fraction(unit: Unit, year: int, item: CriteriaItem) -> float:
    """The share of an item's maximum the reviewers agree the unit earned."""
    return _strength(unit, year) + 0.12 * (_rng(unit.code, year, item.code).random() - 0.5)


def _entry(
    item: CriteriaItem, unit: Unit, year: int, *, scorer: str, generous: bool = False
) -> sheet_services.LineInput:
    """One line as `scorer` ("self" or a reviewing unit's code) enters it."""
    strength = _strength(unit, year)
    noise = _rng(unit.code, year, item.code, scorer).random()
    value: Decimal | None = None
    count: int | None = None
    if item.item_type == ItemType.POINTS:
        fraction = _reviewed_fraction(unit, year, item)
        if scorer == "self":  # units rate themselves a little higher than their reviewers do
            fraction += 0.01 + 0.03 * noise
        else:  # a generous unit's biggest line is marked well down by every reviewer (evidence found lacking)
            fraction += 0.06 * (noise - 0.5) - (0.3 if generous and item.max_points >= 12 else 0)
        value = _clamp(_quarter(float(item.max_points) * fraction), item.max_points)
    elif item.item_type == ItemType.YES_NO:
        met = _reviewed_fraction(unit, year, item) >= 0.72
        value = item.max_points if met else Decimal(0)
    elif item.item_type == ItemType.BONUS:
        # The strongest units hold the provincial flag (the first bonus line), nobody the Government's.
        first_bonus = item.code.endswith(".1")
        count = 1 if first_bonus and strength >= 0.92 else 0
    else:
        late_reports = item.per_occurrence <= 2
        count = (1 if strength < 0.82 else 0) if late_reports else 0
    has_points = bool(value) or bool(count)
    note = f"Hồ sơ minh chứng số {10 + int(noise * 80)}/HS-{unit.code}" if item.evidence_required and has_points else ""
    return sheet_services.LineInput(item_id=item.pk, value=value, count=count, evidence_note=note)


# --------------------------------------------------------------------------------------------------
# Moving one sheet to its target state
# --------------------------------------------------------------------------------------------------

ORDER: list[str] = [SheetStatus.DRAFT, SheetStatus.SUBMITTED, SheetStatus.APPROVED, SheetStatus.FINALISED]


def _at_least(status: str, step: str) -> bool:
    """Whether `status` is `step` or further along draft → submitted → approved → finalised."""
    return ORDER.index(status) >= ORDER.index(step)


def _fill(actor: Any, sheet: ScoreSheet, lines: list[sheet_services.LineInput], report: ScoringDemoReport) -> None:
    version = sheet.version
    saved = sheet_services.score_sheet_save(actor=actor, sheet=sheet, version=sheet.version, lines=lines)
    if saved.version != version:
        report.add("sheet saves")


def _advance(actor: Any, sheet: ScoreSheet, target: str, report: ScoringDemoReport) -> ScoreSheet:
    """Submit, approve (self-scores) and finalise `sheet` until it reaches `target`."""
    if sheet.status == SheetStatus.DRAFT and _at_least(target, SheetStatus.SUBMITTED):
        sheet = sheet_services.score_sheet_submit(actor=actor, sheet=sheet, version=sheet.version)
        report.add("sheets submitted")
    is_self = sheet.kind == SheetKind.SELF
    if is_self and sheet.status == SheetStatus.SUBMITTED and _at_least(target, SheetStatus.APPROVED):
        sheet = sheet_services.self_sheet_approve(actor=actor, sheet=sheet)
        report.add("self-scores approved")
    if sheet.status != SheetStatus.FINALISED and target == SheetStatus.FINALISED:
        sheet = sheet_services.score_sheet_finalise(actor=actor, sheet=sheet)
        report.add("sheets finalised")
    return sheet


def _sheet(
    actor: Any,
    block_year: BlockYear,
    unit: Unit,
    items: list[CriteriaItem],
    target: str,
    report: ScoringDemoReport,
    *,
    reviewer: Unit | None = None,
    generous: bool = False,
    partial: bool = False,
) -> None:
    if reviewer is None:
        sheet = sheet_services.self_sheet_open(actor=actor, block_year=block_year, unit=unit)
    else:
        sheet = sheet_services.review_sheet_open(actor=actor, block_year=block_year, unit=unit, reviewer_unit=reviewer)
    if sheet.status == SheetStatus.DRAFT:
        scorer = "self" if reviewer is None else reviewer.code
        chosen = items[: len(items) // 2] if partial else items
        lines = [_entry(item, unit, block_year.year, scorer=scorer, generous=generous) for item in chosen]
        _fill(actor, sheet, lines, report)
    if not _at_least(sheet.status, target):
        _advance(actor, sheet, target, report)


# --------------------------------------------------------------------------------------------------
# One block-year
# --------------------------------------------------------------------------------------------------


def _criteria(actor: Any, block_year: BlockYear, report: ScoringDemoReport) -> list[CriteriaItem]:
    criteria_set: CriteriaSet = build_criteria_demo(block_year=block_year, actor=actor)
    if not criteria_set.is_locked:
        criteria_set = criteria_services.criteria_set_lock(actor=actor, criteria_set=criteria_set)
        report.add("criteria sets locked")
    return list(criteria_set.items.order_by("group__position", "group_id", "position", "id"))


def _members_and_reviewers(block_year: BlockYear) -> tuple[list[Unit], list[Unit]]:
    members = [
        m.unit for m in block_year.memberships.select_related("unit").order_by("rotation_position", "unit__name")
    ]
    leadership = BlockLeadership.objects.filter(block_year=block_year).select_related("unit")
    reviewers = [row.unit for row in leadership.order_by("role", "position", "id") if row.role == LeadershipRole.HEAD]
    reviewers += [row.unit for row in leadership.order_by("position", "id") if row.role == LeadershipRole.DEPUTY]
    return members, reviewers


def _score_current_year(actor: Any, block_year: BlockYear, report: ScoringDemoReport) -> None:
    items = _criteria(actor, block_year, report)
    members, reviewers = _members_and_reviewers(block_year)
    count = len(members)
    reviewed = count - 2  # the last two units: no review yet (self-score not approved)
    for index, unit in enumerate(members):
        if index == count - 1:
            target, partial = SheetStatus.DRAFT, True
        elif index == count - 2:
            target, partial = SheetStatus.SUBMITTED, False
        else:
            target, partial = SheetStatus.APPROVED, False
        _sheet(actor, block_year, unit, items, target, report, partial=partial)
    for index, unit in enumerate(members[:reviewed]):
        if index < CURRENT_SELF_FINALISED:
            review_target = SheetStatus.FINALISED
        elif index < CURRENT_SELF_FINALISED + CURRENT_REVIEWS_SUBMITTED:
            review_target = SheetStatus.SUBMITTED
        else:
            review_target = SheetStatus.DRAFT
        generous = CURRENT_SELF_FINALISED - GENEROUS_UNITS <= index < CURRENT_SELF_FINALISED
        for position, reviewer in enumerate(r for r in reviewers if r.pk != unit.pk):
            if review_target == SheetStatus.DRAFT and position > 0:
                continue  # only the head unit has started on this one
            _sheet(actor, block_year, unit, items, review_target, report, reviewer=reviewer, generous=generous)
        if review_target == SheetStatus.FINALISED:
            _sheet(actor, block_year, unit, items, SheetStatus.FINALISED, report)


def _score_closed_year(actor: Any, block_year: BlockYear, report: ScoringDemoReport) -> None:
    items = _criteria(actor, block_year, report)
    members, reviewers = _members_and_reviewers(block_year)
    for unit in members:
        _sheet(actor, block_year, unit, items, SheetStatus.APPROVED, report)
        for reviewer in reviewers:
            if reviewer.pk != unit.pk:
                _sheet(actor, block_year, unit, items, SheetStatus.FINALISED, report, reviewer=reviewer)
        _sheet(actor, block_year, unit, items, SheetStatus.FINALISED, report)
    for row in Reconciliation.objects.filter(block_year=block_year, status=ReconciliationStatus.OPEN).order_by("pk"):
        sheet_services.reconciliation_resolve(actor=actor, reconciliation=row, reason=RECONCILED_REASON)
        report.add("differences reconciled")


def _recompute(actor: Any, block_year: BlockYear, report: ScoringDemoReport, *, changed: bool) -> None:
    if changed or not block_year.final_scores.exists():
        recompute_services.scoring_recompute(actor=actor, block_year=block_year)
        report.add("rankings recomputed")


@transaction.atomic
def build_scoring_demo(
    *, block_year: BlockYear, actor: Any, previous_block_year: BlockYear | None = None
) -> ScoringDemoReport:
    """Score `block_year` (under way) and, if given, `previous_block_year` (finalised and published).

    `actor` must hold every scoring permission on both years (the demo administrator does).
    """
    report = ScoringDemoReport()
    if previous_block_year is not None:
        before = dict(report.counts)
        _score_closed_year(actor, previous_block_year, report)
        _recompute(actor, previous_block_year, report, changed=report.counts != before)
        config = ScoringConfig.objects.filter(block_year=previous_block_year).first()
        if config is None or config.ranking_published_at is None:
            recompute_services.ranking_publish(actor=actor, block_year=previous_block_year)
            report.add("rankings published")
    before = dict(report.counts)
    _score_current_year(actor, block_year, report)
    _recompute(actor, block_year, report, changed=report.counts != before)
    return report
