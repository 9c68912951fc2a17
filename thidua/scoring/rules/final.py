"""The final score of a unit, computed from the totals its reviewers gave.

Blocks decide differently who has the last word (domain.md §4.3: self-scoring, then cross-scoring
or a review by the head unit): the block head's review, or a mean, trimmed mean or median of all
reviews. The rule is chosen per block; this module only computes it.

`final_scores_cents` is the same rule for the national recompute's hot path: several figures of the
same reviews at once (total, bonus, deductions), in whole hundredths (ints) instead of Decimals. Its
property test checks that it gives exactly what `final_score` gives, figure by figure.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from ._common import quantize, round_div
from .errors import RuleViolation


class FinalRule(StrEnum):
    HEAD = "head"  # the total given by the block head's review
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"  # drop the single highest and lowest; plain mean below 3 reviews
    MEDIAN = "median"


@dataclass(frozen=True)
class Review:
    reviewer: Hashable
    total: Decimal
    is_head: bool = False


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def final_score(reviews: Sequence[Review], *, rule: FinalRule) -> Decimal | None:
    """The final score under `rule`, rounded half-up to 0.01; None when there is nothing to go on.

    None when there are no reviews, or for HEAD when no review is the head's. A reviewer may review
    a unit once ("duplicate_review"), and only one review can be the head's ("multiple_head_reviews").
    """
    rule = FinalRule(rule)
    reviewers = [r.reviewer for r in reviews]
    if len(set(reviewers)) != len(reviewers):
        raise RuleViolation("duplicate_review", _("A reviewer has reviewed the same unit more than once."))
    if not reviews:
        return None
    totals = sorted(Decimal(r.total) for r in reviews)
    if rule == FinalRule.HEAD:
        heads = [r for r in reviews if r.is_head]
        if len(heads) > 1:
            raise RuleViolation("multiple_head_reviews", _("Only one review can be the block head's."))
        return quantize(Decimal(heads[0].total)) if heads else None
    if rule == FinalRule.TRIMMED_MEAN and len(totals) >= 3:
        return quantize(_mean(totals[1:-1]))
    if rule == FinalRule.MEDIAN:
        middle = len(totals) // 2
        if len(totals) % 2:
            return quantize(totals[middle])
        return quantize((totals[middle - 1] + totals[middle]) / 2)
    return quantize(_mean(totals))


def _combine_cents(totals: list[int], rule: FinalRule) -> int:
    """MEAN, TRIMMED_MEAN or MEDIAN of sorted whole-hundredth totals, rounded half up (as `final_score`)."""
    count = len(totals)
    if rule == FinalRule.TRIMMED_MEAN and count >= 3:
        return round_div(sum(totals[1:-1]), count - 2)
    if rule == FinalRule.MEDIAN:
        middle = count // 2
        if count % 2:
            return totals[middle]
        return round_div(totals[middle - 1] + totals[middle], 2)
    return round_div(sum(totals), count)


def final_scores_cents(
    reviews: Sequence[tuple[Hashable, bool, Sequence[int]]], *, rule: FinalRule, width: int
) -> list[int | None]:
    """`final_score` of `width` figures of the same reviews at once, in whole hundredths.

    Each review is `(reviewer, is_head, (figure_1, …, figure_width))` with the figures in hundredths
    (9550 = 95.50). Returns, per figure, what `final_score` returns for the reviews carrying that figure,
    times 100 (None likewise), with the same errors ("duplicate_review", "multiple_head_reviews").
    """
    if rule.__class__ is not FinalRule:
        rule = FinalRule(rule)
    if len({r[0] for r in reviews}) != len(reviews):
        raise RuleViolation("duplicate_review", _("A reviewer has reviewed the same unit more than once."))
    if not reviews:
        return [None] * width
    if rule == FinalRule.HEAD:
        heads = [r for r in reviews if r[1]]
        if len(heads) > 1:
            raise RuleViolation("multiple_head_reviews", _("Only one review can be the block head's."))
        return list(heads[0][2]) if heads else [None] * width
    if len(reviews) == 1:
        return list(reviews[0][2])
    columns = zip(*[r[2] for r in reviews], strict=True)
    if rule == FinalRule.MEAN or (rule == FinalRule.TRIMMED_MEAN and len(reviews) < 3):
        count = len(reviews)
        return [round_div(sum(figures), count) for figures in columns]
    return [_combine_cents(sorted(figures), rule) for figures in columns]
