"""Cross-scoring assignment: guarantees checked on random blocks, and against brute force when small."""

import itertools
from collections import Counter
from collections.abc import Hashable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import RuleViolation, assign_reviewers

type Plan = dict[Hashable, list[Hashable]]


def loads(plan: Plan, units: list[Hashable]) -> Counter[Hashable]:
    count: Counter[Hashable] = Counter({u: 0 for u in units})
    count.update(r for reviewers in plan.values() for r in reviewers)
    return count


def spread(plan: Plan, units: list[Hashable]) -> int:
    values = loads(plan, units).values()
    return max(values) - min(values)


def check_guarantees(
    plan: Plan, units: list[Hashable], per_unit: int, conflicts: set[tuple[Hashable, Hashable]]
) -> None:
    assert set(plan) == set(units)
    for unit, reviewers in plan.items():
        assert len(reviewers) == per_unit
        assert len(set(reviewers)) == per_unit
        assert unit not in reviewers
        assert reviewers == sorted(reviewers)  # type: ignore[type-var]
        assert not any((r, unit) in conflicts for r in reviewers)


def test_without_conflicts_everyone_reviews_exactly_per_unit() -> None:
    units = [f"unit-{i}" for i in range(12)]
    plan = assign_reviewers(units, per_unit=3)
    check_guarantees(plan, list(units), 3, set())
    assert set(loads(plan, list(units)).values()) == {3}


def test_two_units_review_each_other() -> None:
    assert assign_reviewers(["a", "b"], per_unit=1) == {"a": ["b"], "b": ["a"]}


def test_every_other_unit_reviews_when_per_unit_is_n_minus_one() -> None:
    plan = assign_reviewers([1, 2, 3, 4], per_unit=3)
    assert plan == {1: [2, 3, 4], 2: [1, 3, 4], 3: [1, 2, 4], 4: [1, 2, 3]}


def test_deterministic_per_seed_and_independent_of_input_order() -> None:
    units = list(range(10))
    plan = assign_reviewers(units, per_unit=3, seed=7)
    assert assign_reviewers(list(reversed(units)), per_unit=3, seed=7) == plan
    assert list(plan) == units
    others = {str(assign_reviewers(units, per_unit=3, seed=s)) for s in range(5)}
    assert len(others) > 1  # the seed matters


def test_conflicts_are_respected_with_heavy_constraints() -> None:
    # Units 0–2 may only be reviewed by each other or by 3; reviewer 9 may only review 4 and 5.
    units: list[Hashable] = list(range(10))
    conflicts: set[tuple[Hashable, Hashable]] = {(r, u) for r in range(4, 10) for u in range(3)}
    conflicts |= {(9, u) for u in range(9) if u not in (4, 5)}
    plan = assign_reviewers(units, per_unit=3, conflicts=conflicts, seed=1)
    check_guarantees(plan, units, 3, conflicts)
    load = loads(plan, units)
    assert load[9] == 2
    assert max(load.values()) == 4  # 30 reviews, reviewer 9 does 2: the other nine share 28


def test_balanced_when_possible_even_if_no_circle_fits() -> None:
    """Two groups of six that may not review across: no circular arrangement avoids every conflict."""
    units: list[Hashable] = list(range(12))
    conflicts: set[tuple[Hashable, Hashable]] = {(r, u) for r in range(12) for u in range(12) if (r < 6) != (u < 6)}
    plan = assign_reviewers(units, per_unit=3, conflicts=conflicts)
    check_guarantees(plan, units, 3, conflicts)
    assert set(loads(plan, units).values()) == {3}


@pytest.mark.parametrize(("per_unit", "code"), [(0, "invalid_reviewer_count"), (5, "assignment_impossible")])
def test_impossible_reviewer_counts(per_unit: int, code: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        assign_reviewers(["a", "b", "c", "d", "e"], per_unit=per_unit)
    assert exc.value.code == code


def test_conflicts_can_make_it_impossible() -> None:
    with pytest.raises(RuleViolation) as exc:
        assign_reviewers(["a", "b", "c"], per_unit=2, conflicts=[("b", "a")])
    assert exc.value.code == "assignment_impossible"
    assert "a" in str(exc.value.message)


def test_conflicts_outside_the_block_are_ignored_and_duplicates_rejected() -> None:
    assert assign_reviewers(["a", "b"], per_unit=1, conflicts=[("x", "a"), ("a", "a")]) == {"a": ["b"], "b": ["a"]}
    with pytest.raises(RuleViolation) as exc:
        assign_reviewers(["a", "a", "b"], per_unit=1)
    assert exc.value.code == "duplicate_entry"


@st.composite
def blocks(draw: st.DrawFn, max_units: int) -> tuple[list[Hashable], int, set[tuple[Hashable, Hashable]], int]:
    n = draw(st.integers(min_value=2, max_value=max_units))
    per_unit = draw(st.integers(min_value=1, max_value=n - 1))
    pairs = [(r, u) for r in range(n) for u in range(n) if r != u]
    density = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5]))
    conflicts = {p for p in pairs if draw(st.floats(min_value=0, max_value=1)) < density} if density else set()
    seed = draw(st.integers(min_value=0, max_value=2**32))
    return list(range(n)), per_unit, set(conflicts), seed


@settings(max_examples=200, deadline=None)
@given(block=blocks(max_units=25), data=st.data())
def test_guarantees_hold_or_it_is_truly_impossible(
    block: tuple[list[Hashable], int, set[tuple[Hashable, Hashable]], int], data: st.DataObject
) -> None:
    units, per_unit, conflicts, seed = block
    allowed = {u: [r for r in units if r != u and (r, u) not in conflicts] for u in units}
    possible = all(len(a) >= per_unit for a in allowed.values())  # reviewers have no capacity limit
    if not possible:
        with pytest.raises(RuleViolation) as exc:
            assign_reviewers(units, per_unit=per_unit, conflicts=conflicts, seed=seed)
        assert exc.value.code == "assignment_impossible"
        return
    plan = assign_reviewers(units, per_unit=per_unit, conflicts=conflicts, seed=seed)
    check_guarantees(plan, units, per_unit, conflicts)
    if not conflicts:
        assert set(loads(plan, units).values()) == {per_unit}
    shuffled = data.draw(st.permutations(units))
    assert assign_reviewers(shuffled, per_unit=per_unit, conflicts=conflicts, seed=seed) == plan


def smallest_spread(units: list[Hashable], per_unit: int, conflicts: set[tuple[Hashable, Hashable]]) -> int | None:
    """Brute force over every choice of reviewers: the least possible max − min load, None if impossible."""
    choices = [
        list(itertools.combinations([r for r in units if r != u and (r, u) not in conflicts], per_unit)) for u in units
    ]
    best: int | None = None
    for pick in itertools.product(*choices):
        count = Counter({u: 0 for u in units})
        count.update(r for reviewers in pick for r in reviewers)
        width = max(count.values()) - min(count.values())
        best = width if best is None else min(best, width)
    return best


@settings(max_examples=150, deadline=None)
@given(block=blocks(max_units=5))
def test_spread_is_as_small_as_brute_force_allows(
    block: tuple[list[Hashable], int, set[tuple[Hashable, Hashable]], int],
) -> None:
    units, per_unit, conflicts, seed = block
    best = smallest_spread(units, per_unit, conflicts)
    if best is None:
        with pytest.raises(RuleViolation):
            assign_reviewers(units, per_unit=per_unit, conflicts=conflicts, seed=seed)
        return
    plan = assign_reviewers(units, per_unit=per_unit, conflicts=conflicts, seed=seed)
    check_guarantees(plan, units, per_unit, conflicts)
    assert spread(plan, units) == best
    if best <= 1:  # a balanced assignment exists, so every unit reviews exactly per_unit
        assert set(loads(plan, units).values()) == {per_unit}
