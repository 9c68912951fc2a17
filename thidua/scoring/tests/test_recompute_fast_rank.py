"""`rules.rank_cents`, the recompute's lean ranking, gives exactly what `rules.rank` gives (hypothesis)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import (
    CentsEntry,
    RankInput,
    RuleViolation,
    TieBreak,
    TieBreakStep,
    from_cents,
    rank,
    rank_cents,
)

# Few distinct values, so that totals and tie-break values are often equal.
cents = st.integers(min_value=-3, max_value=3).map(lambda n: 9000 + 25 * n)
small = st.integers(min_value=0, max_value=3).map(lambda n: 100 * n)
steps = st.lists(
    st.one_of(
        st.sampled_from(["A", "B"]).map(lambda g: TieBreakStep(TieBreak.GROUP, g)),
        st.sampled_from([TieBreak.FEWER_DEDUCTIONS, TieBreak.SELF_SCORE, TieBreak.BONUS]).map(TieBreakStep),
    ),
    max_size=4,
)
entry = st.tuples(
    st.sampled_from(["", "", "offices"]),
    cents,
    st.dictionaries(st.sampled_from(["A", "B", "C"]), small, max_size=3),
    st.one_of(small, small.map(lambda n: -n)),  # deductions: the sign is ignored
    st.one_of(st.none(), small),
    small,
)


def as_input(e: CentsEntry) -> RankInput:
    key, track, total, groups, deductions, self_score, bonus = e
    return RankInput(
        key=key,
        total=from_cents(total),
        track=track,
        group_scores={code: from_cents(value) for code, value in groups.items()},
        deductions=from_cents(deductions),
        self_score=None if self_score is None else from_cents(self_score),
        bonus=from_cents(bonus),
    )


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(entry, max_size=14), tie_breaks=steps)
def test_rank_cents_is_rank(rows: list[tuple[object, ...]], tie_breaks: list[TieBreakStep]) -> None:
    entries: list[CentsEntry] = [(index * 7 % 100, *row) for index, row in enumerate(rows)]  # type: ignore[misc]
    expected = {
        r.key: (r.rank, r.tied, r.decided_by) for r in rank([as_input(e) for e in entries], tie_breaks=tie_breaks)
    }
    assert rank_cents(entries, tie_breaks=tie_breaks) == expected


def test_rank_cents_keeps_the_errors() -> None:
    one: CentsEntry = ("a", "", 9000, {}, 0, None, 0)
    with pytest.raises(RuleViolation) as err:
        rank_cents([one, one])
    assert err.value.code == "duplicate_entry"
    with pytest.raises(RuleViolation) as err:
        rank_cents([], tie_breaks=[TieBreakStep(TieBreak.GROUP, None)])
    assert err.value.code == "invalid_tie_break"


def test_a_worked_example() -> None:
    entries: list[CentsEntry] = [
        ("a", "", 9500, {"B": 1800}, 200, None, 0),
        ("b", "", 9500, {"B": 2000}, 400, None, 0),
        ("c", "", 9500, {"B": 1800}, 0, None, 0),
        ("d", "", 9500, {}, 0, None, 0),
        ("e", "", 9700, {}, 0, None, 0),
        ("f", "", 9000, {}, 0, None, 0),
        ("g", "", 9000, {}, 0, None, 0),
    ]
    got = rank_cents(entries, tie_breaks=[TieBreakStep(TieBreak.GROUP, "B"), TieBreakStep(TieBreak.FEWER_DEDUCTIONS)])
    assert got == {
        "e": (1, False, "total"),
        "b": (2, False, "group:B"),
        "c": (3, False, "fewer_deductions"),
        "a": (4, False, "fewer_deductions"),
        "d": (5, False, "group:B"),
        "f": (6, True, None),
        "g": (6, True, None),
    }
