"""Points of one line of a scoring table (bảng chấm điểm), validated.

A block's criteria table (domain.md §4.3) is a tree of groups and items; each item is one of four
kinds: points given up to a maximum (lines of 10 or 20 points), a yes/no line worth all or nothing,
bonus points per occurrence ("được cộng thêm 10 điểm" for a flag) and deductions per occurrence
(điểm trừ, e.g. for a late report). This module turns what a unit or a reviewer entered on one line
into the signed points of that line, or raises a `RuleViolation` saying what is wrong with it.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from ._common import ZERO, has_at_most_two_decimals, quantize
from .errors import RuleViolation


class ItemType(StrEnum):
    POINTS = "points"  # 0..max_points, up to 2 decimals
    YES_NO = "yes_no"  # 0 or max_points
    BONUS = "bonus"  # count × per_occurrence, capped; adds points
    DEDUCTION = "deduction"  # count × per_occurrence, capped; takes points away


@dataclass(frozen=True)
class ItemSpec:
    """How one criteria line is scored.

    `max_points` is the maximum of POINTS and YES_NO lines. BONUS and DEDUCTION lines give
    `per_occurrence` points per occurrence, up to `cap`; a `cap` of None **or 0** means no cap.
    A DEDUCTION's `per_occurrence` and `cap` are positive numbers: the sign is applied by `line_points`.
    """

    item_type: ItemType
    max_points: Decimal
    per_occurrence: Decimal = Decimal(0)
    cap: Decimal | None = None
    evidence_required: bool = False

    def __post_init__(self) -> None:
        for name in ("max_points", "per_occurrence", "cap"):
            amount = getattr(self, name)
            if amount is not None and (not Decimal(amount).is_finite() or amount < 0):
                raise RuleViolation(
                    "invalid_item_spec",
                    _("The %(name)s of a criteria line must be a number of zero or more.") % {"name": name},
                    field=name,
                )


def _check_finite(value: Decimal, field: str | None) -> Decimal:
    value = Decimal(value)
    if not value.is_finite():
        raise RuleViolation("invalid_number", _("The score must be a number."), field=field)
    return value


def _score_points(spec: ItemSpec, value: Decimal | None, field: str | None) -> Decimal:
    if value is None:
        raise RuleViolation("score_missing", _("Enter a score for this line."), field=field)
    value = _check_finite(value, field)
    if spec.item_type == ItemType.YES_NO:
        if value not in (ZERO, spec.max_points):
            raise RuleViolation(
                "invalid_yes_no",
                _("This line is scored all or nothing: enter 0 or %(maximum)s.") % {"maximum": spec.max_points},
                field=field,
            )
        return value
    if value < 0:
        raise RuleViolation("negative_score", _("A score cannot be negative."), field=field)
    if value > spec.max_points:
        raise RuleViolation(
            "above_maximum",
            _("The score %(value)s is above the maximum of %(maximum)s for this line.")
            % {"value": value, "maximum": spec.max_points},
            field=field,
        )
    if not has_at_most_two_decimals(value):
        raise RuleViolation(
            "too_many_decimals", _("A score can have at most two decimals, for example 7.25."), field=field
        )
    return value


def _occurrence_points(spec: ItemSpec, count: int | None, field: str | None) -> Decimal:
    if count is None:
        raise RuleViolation("score_missing", _("Enter the number of occurrences for this line."), field=field)
    if isinstance(count, Decimal) and count.is_finite() and count == count.to_integral_value():
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int):
        raise RuleViolation("invalid_count", _("The number of occurrences must be a whole number."), field=field)
    if count < 0:
        raise RuleViolation("negative_count", _("The number of occurrences cannot be negative."), field=field)
    points = count * spec.per_occurrence
    if spec.cap:
        points = min(points, spec.cap)
    return quantize(points)


def line_points(
    spec: ItemSpec,
    *,
    value: Decimal | None = None,
    count: int | None = None,
    has_evidence: bool = False,
    field: str | None = None,
) -> Decimal:
    """The signed points of one line: positive for POINTS, YES_NO and BONUS, negative for DEDUCTION.

    POINTS and YES_NO lines read `value`; BONUS and DEDUCTION lines read `count`. A line whose spec
    requires evidence must have it whenever it gives (or takes away) any points. `field` is passed
    on to the error so a form can show it next to the right input.
    """
    if spec.item_type in (ItemType.POINTS, ItemType.YES_NO):
        points = _score_points(spec, value, field)
    else:
        points = _occurrence_points(spec, count, field)
        if spec.item_type == ItemType.DEDUCTION:
            points = -points
    if spec.evidence_required and points != 0 and not has_evidence:
        raise RuleViolation(
            "evidence_required", _("Attach evidence for this line before giving it points."), field=field
        )
    return quantize(points) + ZERO  # "+ ZERO" turns −0.00 into 0.00
