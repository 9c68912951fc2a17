"""Where a unit's self-scoring and its review disagree.

Self-scoring (tự chấm) is followed by cross-scoring or the head unit's review (domain.md §4.3). The
lines, and totals, where the two differ by more than the block's threshold are flagged so that the
reviewer explains the difference and the unit can answer it before the scores are final.
"""

from collections.abc import Hashable, Mapping
from decimal import Decimal

from ._common import sorted_keys


def differences(
    self_lines: Mapping[Hashable, Decimal],
    review_lines: Mapping[Hashable, Decimal],
    *,
    threshold: Decimal,
) -> list[Hashable]:
    """Keys of the lines where |self − review| > threshold; a line missing on one side counts as 0."""
    keys = set(self_lines) | set(review_lines)
    flagged = [
        key for key in keys if abs(Decimal(self_lines.get(key, 0)) - Decimal(review_lines.get(key, 0))) > threshold
    ]
    return sorted_keys(flagged)


def total_difference_flag(self_total: Decimal | None, review_total: Decimal | None, *, threshold: Decimal) -> bool:
    """True when both totals exist and differ by more than `threshold`; a missing total is not flagged."""
    if self_total is None or review_total is None:
        return False
    return abs(Decimal(self_total) - Decimal(review_total)) > threshold
