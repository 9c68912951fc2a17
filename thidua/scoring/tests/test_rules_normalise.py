"""Per-reviewer normalisation of cross-scoring: worked examples and the properties it promises."""

from collections import defaultdict
from collections.abc import Hashable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import NormaliseMethod, normalise, reviewer_bias

D = Decimal
CENT = D("0.01")
type Scores = dict[tuple[Hashable, Hashable], Decimal]

# Reviewer "lenient" gives everyone 5 more than "strict".
EXAMPLE: Scores = {
    ("strict", "u1"): D(80),
    ("strict", "u2"): D(90),
    ("lenient", "u1"): D(85),
    ("lenient", "u2"): D(95),
}

score = st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def score_tables(draw: st.DrawFn, *, complete: bool = False) -> Scores:
    reviewers = draw(st.integers(min_value=1, max_value=5))
    units = draw(st.integers(min_value=1, max_value=6))
    table: Scores = {}
    for r in range(reviewers):
        for u in range(units):
            if complete or draw(st.booleans()):
                table[(f"r{r}", f"u{u}")] = draw(score)
    if not table:
        table[("r0", "u0")] = draw(score)
    return table


def by_reviewer(scores: Scores) -> dict[Hashable, dict[Hashable, Decimal]]:
    grouped: dict[Hashable, dict[Hashable, Decimal]] = defaultdict(dict)
    for (reviewer, unit), value in scores.items():
        grouped[reviewer][unit] = value
    return grouped


def test_mean_shift_removes_a_constant_leniency() -> None:
    result = normalise(EXAMPLE, method=NormaliseMethod.MEAN_SHIFT)
    assert result == {
        ("strict", "u1"): D("82.50"),
        ("strict", "u2"): D("92.50"),
        ("lenient", "u1"): D("82.50"),
        ("lenient", "u2"): D("92.50"),
    }


def test_z_score_also_rescales_the_spread() -> None:
    scores: Scores = {
        ("narrow", "u1"): D(89),
        ("narrow", "u2"): D(91),
        ("wide", "u1"): D(80),
        ("wide", "u2"): D(100),
    }
    result = normalise(scores, method=NormaliseMethod.Z_SCORE)
    # overall mean 90, overall population sd √50.5 ≈ 7.1063; each reviewer's sd is 1 and 10.
    assert result[("narrow", "u1")] == result[("wide", "u1")] == D("82.89")
    assert result[("narrow", "u2")] == result[("wide", "u2")] == D("97.11")


def test_z_score_falls_back_to_mean_shift_for_one_score_or_no_spread() -> None:
    scores: Scores = {
        ("single", "u1"): D(70),
        ("flat", "u1"): D(90),
        ("flat", "u2"): D(90),
        ("other", "u1"): D(60),
        ("other", "u2"): D(100),
    }
    z = normalise(scores, method=NormaliseMethod.Z_SCORE)
    shift = normalise(scores, method=NormaliseMethod.MEAN_SHIFT)
    for key in [("single", "u1"), ("flat", "u1"), ("flat", "u2")]:
        assert z[key] == shift[key] == D(82)


def test_none_is_identity_and_empty_is_empty() -> None:
    assert normalise(EXAMPLE, method=NormaliseMethod.NONE) == EXAMPLE
    for method in NormaliseMethod:
        assert normalise({}, method=method) == {}
    assert reviewer_bias({}) == {}


def test_reviewer_bias() -> None:
    assert reviewer_bias(EXAMPLE) == {"strict": D("-2.50"), "lenient": D("2.50")}


@settings(max_examples=200, deadline=None)
@given(scores=score_tables(), method=st.sampled_from(list(NormaliseMethod)))
def test_same_keys_two_decimals_and_rankings_kept(scores: Scores, method: NormaliseMethod) -> None:
    result = normalise(scores, method=method)
    assert list(result) == list(scores)
    assert all(v.as_tuple().exponent == -2 for v in result.values())
    if method == NormaliseMethod.NONE:
        assert result == scores
    for reviewer, given_scores in by_reviewer(scores).items():
        for a in given_scores:
            for b in given_scores:
                if given_scores[a] < given_scores[b]:
                    before, after = result[(reviewer, a)], result[(reviewer, b)]
                    # A mean shift keeps every gap exactly; a z-score may shrink a 0.01 gap to a rounding tie.
                    assert before < after if method != NormaliseMethod.Z_SCORE else before <= after
                if given_scores[a] == given_scores[b]:
                    assert result[(reviewer, a)] == result[(reviewer, b)]


@settings(max_examples=200, deadline=None)
@given(scores=score_tables())
def test_mean_shift_gives_every_reviewer_the_overall_mean(scores: Scores) -> None:
    result = normalise(scores, method=NormaliseMethod.MEAN_SHIFT)
    overall = sum(scores.values(), D(0)) / len(scores)
    for normalised in by_reviewer(result).values():
        mean = sum(normalised.values(), D(0)) / len(normalised)
        assert abs(mean - overall) <= D("0.005")


@settings(max_examples=200, deadline=None)
@given(
    units=st.lists(score, min_size=1, max_size=8),
    copies=st.integers(min_value=1, max_value=4),
    method=st.sampled_from(list(NormaliseMethod)),
)
def test_identical_reviewers_change_nothing(units: list[Decimal], copies: int, method: NormaliseMethod) -> None:
    scores: Scores = {(r, u): value for r in range(copies) for u, value in enumerate(units)}
    result = normalise(scores, method=method)
    assert all(abs(result[key] - scores[key]) <= CENT for key in scores)


@settings(max_examples=200, deadline=None)
@given(
    scores=score_tables(complete=True),
    shift=st.decimals(min_value=-20, max_value=20, places=2, allow_nan=False),
    method=st.sampled_from([NormaliseMethod.MEAN_SHIFT, NormaliseMethod.Z_SCORE]),
)
def test_a_reviewer_shifted_by_a_constant_gets_the_same_normalised_scores(
    scores: Scores, shift: Decimal, method: NormaliseMethod
) -> None:
    base = by_reviewer(scores)["r0"]
    for unit, value in base.items():
        scores[("shifted", unit)] = value + shift
    result = normalise(scores, method=method)
    for unit in base:
        assert result[("shifted", unit)] == result[("r0", unit)]
    bias = reviewer_bias(scores)
    assert abs(bias["shifted"] - bias["r0"] - shift) <= CENT


@settings(max_examples=100, deadline=None)
@given(scores=score_tables())
def test_bias_is_zero_on_average(scores: Scores) -> None:
    bias = reviewer_bias(scores)
    counts = {r: len(v) for r, v in by_reviewer(scores).items()}
    weighted = sum((bias[r] * counts[r] for r in bias), D(0))
    assert abs(weighted) <= D("0.005") * len(scores)


@pytest.mark.parametrize("method", ["mean_shift", "z_score", "none"])
def test_method_accepts_its_string_value(method: str) -> None:
    assert normalise(EXAMPLE, method=method) == normalise(EXAMPLE, method=NormaliseMethod(method))  # type: ignore[arg-type]
