"""The ranking table: tracks, tie-break steps, shared ranks, and hypothesis properties."""

from collections.abc import Hashable
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import Ranked, RankInput, RuleViolation, TieBreak, TieBreakStep, rank

D = Decimal
STEPS = [
    TieBreakStep(TieBreak.GROUP, "B"),
    TieBreakStep(TieBreak.FEWER_DEDUCTIONS),
    TieBreakStep(TieBreak.SELF_SCORE),
    TieBreakStep(TieBreak.BONUS),
]


def by_key(result: list[Ranked]) -> dict[Hashable, Ranked]:
    return {r.key: r for r in result}


def test_ranks_by_total_with_competition_ranking() -> None:
    result = rank([RankInput("a", D(90)), RankInput("b", D(107)), RankInput("c", D(90)), RankInput("d", D(80))])
    assert [(r.key, r.rank, r.tied, r.decided_by) for r in result] == [
        ("b", 1, False, "total"),
        ("a", 2, True, None),
        ("c", 2, True, None),
        ("d", 4, False, "total"),
    ]


def test_tie_break_steps_apply_in_order() -> None:
    entries = [
        RankInput("a", D(95), group_scores={"B": D(18)}, deductions=D(2)),
        RankInput("b", D(95), group_scores={"B": D(20)}, deductions=D(4)),
        RankInput("c", D(95), group_scores={"B": D(18)}, deductions=D(0)),
        RankInput("d", D(95), group_scores={}, deductions=D(0)),
    ]
    result = by_key(rank(entries, tie_breaks=STEPS))
    assert {k: r.rank for k, r in result.items()} == {"b": 1, "c": 2, "a": 3, "d": 4}
    assert result["b"].decided_by == "group:B"
    assert result["c"].decided_by == "fewer_deductions"  # separated from b by group B, from a by deductions
    assert result["a"].decided_by == "fewer_deductions"
    assert result["d"].decided_by == "group:B"  # a missing group score counts as 0
    assert not any(r.tied for r in result.values())


def test_self_score_and_bonus_steps() -> None:
    entries = [
        RankInput("a", D(90), self_score=D(92), bonus=D(10)),
        RankInput("b", D(90), self_score=D(95), bonus=D(0)),
        RankInput("c", D(90), self_score=None, bonus=D(15)),
    ]
    result = rank(entries, tie_breaks=[TieBreakStep(TieBreak.SELF_SCORE)])
    assert [(r.key, r.rank, r.decided_by) for r in result] == [
        ("b", 1, "self_score"),
        ("a", 2, "self_score"),
        ("c", 3, "self_score"),
    ]
    result = rank(entries, tie_breaks=[TieBreakStep(TieBreak.BONUS)])
    assert [r.key for r in result] == ["c", "a", "b"]
    assert result[0].decided_by == "bonus"


def test_tracks_are_ranked_separately() -> None:
    entries = [
        RankInput("school-1", D(80), track="schools"),
        RankInput("office-1", D(70), track="offices"),
        RankInput("school-2", D(90), track="schools"),
        RankInput("office-2", D(75), track="offices"),
    ]
    assert [(r.track, r.key, r.rank) for r in rank(entries)] == [
        ("offices", "office-2", 1),
        ("offices", "office-1", 2),
        ("schools", "school-2", 1),
        ("schools", "school-1", 2),
    ]


def test_alone_in_a_track_is_decided_by_nothing() -> None:
    assert rank([RankInput(1, D(50))]) == [Ranked(key=1, track="", rank=1, tied=False, decided_by=None)]
    assert rank([]) == []


def test_equal_keys_sort_numerically_when_they_are_numbers() -> None:
    result = rank([RankInput(k, D(1)) for k in (10, 2, 1)])
    assert [r.key for r in result] == [1, 2, 10]


def test_duplicate_keys_and_unnamed_groups_are_rejected() -> None:
    with pytest.raises(RuleViolation) as exc:
        rank([RankInput("a", D(1)), RankInput("a", D(2), track="other")])
    assert exc.value.code == "duplicate_entry"
    with pytest.raises(RuleViolation) as step:
        rank([RankInput("a", D(1))], tie_breaks=[TieBreakStep(TieBreak.GROUP)])
    assert step.value.code == "invalid_tie_break"


def test_rank_input_is_hashable_and_compares_group_scores() -> None:
    a = RankInput("a", D(1), group_scores={"B": D(2)})
    assert hash(a) == hash(RankInput("a", D(1), group_scores={"B": D(2)}))
    assert a == RankInput("a", D(1), group_scores={"B": D(2)})
    assert a != RankInput("a", D(1), group_scores={"B": D(3)})


small = st.decimals(min_value=0, max_value=5, places=0, allow_nan=False)  # few values → many ties


@st.composite
def entries(draw: st.DrawFn) -> list[RankInput]:
    count = draw(st.integers(min_value=0, max_value=15))
    return [
        RankInput(
            key=i,
            total=draw(small),
            track=draw(st.sampled_from(["", "x"])),
            group_scores=draw(st.dictionaries(st.sampled_from(["A", "B"]), small, max_size=2)),
            deductions=draw(small),
            self_score=draw(st.none() | small),
            bonus=draw(small),
        )
        for i in range(count)
    ]


steps = st.lists(
    st.sampled_from([TieBreakStep(TieBreak.GROUP, "B"), *(TieBreakStep(k) for k in TieBreak if k != TieBreak.GROUP)]),
    max_size=4,
)


def full_key(entry: RankInput, tie_breaks: list[TieBreakStep]) -> tuple[object, ...]:
    """An independent reading of the ordering: higher is better, step by step."""
    values: list[object] = [entry.total]
    for s in tie_breaks:
        if s.kind == TieBreak.GROUP:
            values.append(entry.group_scores.get(s.group or "", D(0)))
        elif s.kind == TieBreak.FEWER_DEDUCTIONS:
            values.append(-entry.deductions)
        elif s.kind == TieBreak.SELF_SCORE:
            values.append((entry.self_score is not None, entry.self_score or D(0)))
        else:
            values.append(entry.bonus)
    return tuple(values)


@settings(max_examples=200, deadline=None)
@given(items=entries(), tie_breaks=steps, data=st.data())
def test_ranking_properties(items: list[RankInput], tie_breaks: list[TieBreakStep], data: st.DataObject) -> None:
    result = rank(items, tie_breaks=tie_breaks)
    assert rank(data.draw(st.permutations(items)), tie_breaks=tie_breaks) == result
    assert len(result) == len(items)
    assert {r.key for r in result} == {e.key for e in items}
    ranked = by_key(result)
    keys = {e.key: full_key(e, tie_breaks) for e in items}
    for e in items:
        same_track = [o for o in items if o.track == e.track]
        better = [o for o in same_track if keys[o.key] > keys[e.key]]
        equal = [o for o in same_track if o.key != e.key and keys[o.key] == keys[e.key]]
        assert ranked[e.key].rank == 1 + len(better)
        assert ranked[e.key].tied == bool(equal)
        assert (ranked[e.key].decided_by is None) == (bool(equal) or len(same_track) == 1)
    for track in {e.track for e in items}:
        assert min(r.rank for r in result if r.track == track) == 1
    order = [(r.track, r.rank) for r in result]
    assert order == sorted(order)


@settings(max_examples=200, deadline=None)
@given(items=entries().filter(bool), tie_breaks=steps, data=st.data())
def test_raising_a_total_never_worsens_the_rank(
    items: list[RankInput], tie_breaks: list[TieBreakStep], data: st.DataObject
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
    raise_by = data.draw(st.decimals(min_value=D("0.01"), max_value=10, places=2, allow_nan=False))
    before = by_key(rank(items, tie_breaks=tie_breaks))[items[index].key].rank
    items[index] = replace(items[index], total=items[index].total + raise_by)
    after = by_key(rank(items, tie_breaks=tie_breaks))[items[index].key].rank
    assert after <= before


@settings(max_examples=100, deadline=None)
@given(count=st.integers(min_value=2, max_value=8), tie_breaks=steps)
def test_identical_entries_share_rank_one(count: int, tie_breaks: list[TieBreakStep]) -> None:
    items = [RankInput(f"u{i}", D(90), group_scores={"B": D(5)}, deductions=D(1), bonus=D(10)) for i in range(count)]
    result = rank(items, tie_breaks=tie_breaks)
    assert {(r.rank, r.tied, r.decided_by) for r in result} == {(1, True, None)}
