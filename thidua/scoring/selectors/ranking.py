"""Reads of the results of scoring: the ranking table, the reviewer × unit matrix, the differences to reconcile.

The ranking comes from the stored FinalScore rows (rebuilt by `services.recompute`); the matrix is
computed on the fly from the current review sheets' stored totals with the block-year's
normalisation, so organisers can see a lenient or harsh reviewer before the scores are final.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

from thidua.accounts.predicates import grants_of
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring.models import (
    FinalScore,
    NormaliseMethod,
    Reconciliation,
    ScoreSheet,
    ScoringConfig,
    ScoringTrack,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.permissions import STAFF_ROLES
from thidua.scoring.rules import NormaliseMethod as RuleMethod
from thidua.scoring.rules import normalise, reviewer_bias

LAST = 1_000_000


def ranking_table(*, block_year: BlockYear) -> list[FinalScore]:
    """The block-year's final scores with their units: by track (in the tracks' order), then rank.

    Units without a rank (no final score yet) come last in their track. Two queries.
    """
    positions = dict(ScoringTrack.objects.filter(block_year=block_year).values_list("name", "position"))
    rows = list(FinalScore.objects.filter(block_year=block_year).select_related("unit"))
    rows.sort(
        key=lambda r: (
            positions.get(r.track, LAST),
            r.track,
            r.rank is None,
            r.rank or 0,
            r.unit.name,
            r.unit_id,
        )
    )
    return rows


@dataclass(frozen=True)
class MatrixCell:
    sheet_id: int
    status: str
    raw: Decimal
    normalised: Decimal


@dataclass
class ReviewerMatrix:
    """Who gave whom what: raw and normalised review totals, and each reviewer's bias.

    `bias` is the reviewer's mean minus the overall mean (positive = lenient), from `rules.reviewer_bias`.
    """

    method: str
    reviewers: list[Unit] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    cells: dict[tuple[int, int], MatrixCell] = field(default_factory=dict)
    bias: dict[int, Decimal] = field(default_factory=dict)

    def cell(self, reviewer_id: int, unit_id: int) -> MatrixCell | None:
        return self.cells.get((reviewer_id, unit_id))

    def rows(self) -> list[dict[str, Any]]:
        """One row per reviewer with its cells in the order of `units` (None where it did not review)."""
        return [
            {
                "reviewer": reviewer,
                "bias": self.bias.get(reviewer.pk),
                "cells": [self.cell(reviewer.pk, unit.pk) for unit in self.units],
            }
            for reviewer in self.reviewers
        ]


def reviewer_matrix(*, block_year: BlockYear) -> ReviewerMatrix:
    """Reviewer × unit totals of the current submitted or finalised reviews, raw and normalised.

    The normalised column uses the block-year's method (`rules.normalise`); with no method it
    equals the raw one. Two queries.
    """
    config = ScoringConfig.objects.filter(block_year=block_year).first()
    method = config.normalisation if config is not None else NormaliseMethod.NONE
    sheets = list(
        ScoreSheet.objects.filter(
            block_year=block_year,
            kind=SheetKind.REVIEW,
            is_current=True,
            status__in=[SheetStatus.SUBMITTED, SheetStatus.FINALISED],
        ).select_related("unit", "reviewer_unit")
    )
    scores: dict[tuple[Hashable, Hashable], Decimal] = {(s.reviewer_unit_id, s.unit_id): s.total for s in sheets}
    normalised = normalise(scores, method=RuleMethod(method))
    matrix = ReviewerMatrix(method=method)
    reviewers: dict[int, Unit] = {}
    units: dict[int, Unit] = {}
    for sheet in sheets:
        assert sheet.reviewer_unit is not None
        reviewers[sheet.reviewer_unit.pk] = sheet.reviewer_unit
        units[sheet.unit.pk] = sheet.unit
        matrix.cells[(sheet.reviewer_unit.pk, sheet.unit.pk)] = MatrixCell(
            sheet_id=sheet.pk,
            status=sheet.status,
            raw=sheet.total,
            normalised=normalised[(sheet.reviewer_unit_id, sheet.unit_id)],
        )
    matrix.reviewers = sorted(reviewers.values(), key=lambda u: (u.name, u.pk))
    matrix.units = sorted(units.values(), key=lambda u: (u.name, u.pk))
    matrix.bias = {int(key): value for key, value in reviewer_bias(scores).items() if isinstance(key, int)}
    return matrix


def reconciliations_for_block_year(
    *, block_year: BlockYear, user: Any, status: str | None = None
) -> QuerySet[Reconciliation]:
    """The flagged self/review differences the user may see: organisers all of them, a unit's staff
    those on its own score and those on the reviews it gave."""
    qs = Reconciliation.objects.filter(block_year=block_year).select_related(
        "unit", "item", "review_sheet__reviewer_unit", "resolved_by"
    )
    if status:
        qs = qs.filter(status=status)
    if not user.has_perm("scoring.view_all_sheets", block_year):
        staff = sorted({g.unit_id for g in grants_of(user) if g.role in STAFF_ROLES and g.unit_id is not None})
        qs = qs.filter(Q(unit_id__in=staff) | Q(review_sheet__reviewer_unit_id__in=staff)) if staff else qs.none()
    return qs.order_by(
        "unit__name",
        "unit_id",
        "review_sheet_id",
        F("item__position").asc(nulls_last=True),
        F("item_id").asc(nulls_last=True),
    )
