"""Optional per-reviewer normalisation of cross-scoring, against lenient or harsh reviewers.

In cross-scoring (chấm chéo, domain.md §4.3) member units score each other. One reviewer may be
generous with everyone and another strict; normalising moves each reviewer's scores onto the common
scale before the final score is computed, without ever changing how a reviewer ranked the units.

* MEAN_SHIFT: score − reviewer's mean + overall mean.
* Z_SCORE: overall mean + (score − reviewer's mean) / reviewer's sd × overall sd (population sd);
  a reviewer with fewer than 2 scores or no spread falls back to the mean shift.

Means and deviations are computed exactly (fractions) so that two reviewers who differ by a constant
get exactly the same normalised scores; only the standard deviations need a square root.

Caveat: both methods assume each reviewer saw a comparable set of units. When a reviewer only scored
the strongest units, their higher mean is read as leniency; the block decides whether to normalise.
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from ._common import quantize, quantize_fraction

type ScoreKey = tuple[Hashable, Hashable]  # (reviewer, unit)


class NormaliseMethod(StrEnum):
    NONE = "none"
    MEAN_SHIFT = "mean_shift"
    Z_SCORE = "z_score"


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _population_sd(values: Sequence[Fraction], mean: Fraction) -> Fraction:
    variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / len(values)
    with localcontext(prec=50):
        root = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    return Fraction(root)


def _by_reviewer(scores: Mapping[ScoreKey, Decimal]) -> dict[Hashable, list[Fraction]]:
    grouped: dict[Hashable, list[Fraction]] = defaultdict(list)
    for (reviewer, _unit), score in scores.items():
        grouped[reviewer].append(Fraction(score))
    return grouped


def normalise(scores: Mapping[ScoreKey, Decimal], *, method: NormaliseMethod) -> dict[ScoreKey, Decimal]:
    """Normalised scores for the same (reviewer, unit) keys, rounded half-up to 0.01."""
    method = NormaliseMethod(method)
    if method == NormaliseMethod.NONE or not scores:
        return {key: quantize(Decimal(score)) for key, score in scores.items()}
    all_scores = [Fraction(s) for s in scores.values()]
    overall_mean = _mean(all_scores)
    overall_sd = _population_sd(all_scores, overall_mean)
    reviewer_mean: dict[Hashable, Fraction] = {}
    reviewer_scale: dict[Hashable, Fraction] = {}  # 1 = mean shift
    for reviewer, values in _by_reviewer(scores).items():
        mean = _mean(values)
        reviewer_mean[reviewer] = mean
        sd = _population_sd(values, mean)
        use_z = method == NormaliseMethod.Z_SCORE and len(values) >= 2 and sd > 0
        reviewer_scale[reviewer] = overall_sd / sd if use_z else Fraction(1)
    return {
        key: quantize_fraction(overall_mean + (Fraction(score) - reviewer_mean[key[0]]) * reviewer_scale[key[0]])
        for key, score in scores.items()
    }


def reviewer_bias(scores: Mapping[ScoreKey, Decimal]) -> dict[Hashable, Decimal]:
    """Each reviewer's mean minus the overall mean (positive = lenient), rounded half-up to 0.01."""
    if not scores:
        return {}
    overall_mean = _mean([Fraction(s) for s in scores.values()])
    return {
        reviewer: quantize_fraction(_mean(values) - overall_mean) for reviewer, values in _by_reviewer(scores).items()
    }
