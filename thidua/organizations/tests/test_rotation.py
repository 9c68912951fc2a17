"""Rotation of the block's head and deputies: worked examples and hypothesis properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.organizations.rotation import DEPUTY_BECOMES_HEAD, ELECTION, FIXED_ORDER, propose_rotation


def test_fixed_order_moves_to_the_next_member() -> None:
    p = propose_rotation(rule=FIXED_ORDER, members=[1, 2, 3, 4, 5], head=2, deputies=[3, 4], deputy_count=2)
    assert p.head == 3
    assert p.deputies == [4, 5]


def test_fixed_order_wraps_around() -> None:
    p = propose_rotation(rule=FIXED_ORDER, members=[1, 2, 3], head=3, deputies=[1], deputy_count=1)
    assert p.head == 1
    assert p.deputies == [2]


def test_first_deputy_becomes_head_and_the_others_move_up() -> None:
    p = propose_rotation(rule=DEPUTY_BECOMES_HEAD, members=[1, 2, 3, 4, 5, 6], head=1, deputies=[4, 5], deputy_count=2)
    assert p.head == 4
    assert p.deputies == [5, 6]


def test_outgoing_head_is_not_proposed_as_deputy_when_others_can_serve() -> None:
    p = propose_rotation(rule=DEPUTY_BECOMES_HEAD, members=[1, 2, 3], head=3, deputies=[2], deputy_count=1)
    assert p.head == 2
    assert p.deputies == [1]


def test_small_block_reuses_the_outgoing_head_if_needed() -> None:
    p = propose_rotation(rule=DEPUTY_BECOMES_HEAD, members=[1, 2], head=1, deputies=[2], deputy_count=2)
    assert (p.head, p.deputies) == (2, [1])


def test_deputy_that_left_the_block_is_skipped() -> None:
    p = propose_rotation(rule=DEPUTY_BECOMES_HEAD, members=[1, 2, 3, 4], head=1, deputies=[9, 3], deputy_count=1)
    assert p.head == 3


def test_election_proposes_nothing() -> None:
    p = propose_rotation(rule=ELECTION, members=[1, 2, 3], head=1, deputies=[2], deputy_count=1)
    assert p.needs_election
    assert p.head is None
    assert p.deputies == []


def test_head_that_left_starts_from_the_first_member() -> None:
    p = propose_rotation(rule=FIXED_ORDER, members=[5, 6, 7], head=99, deputies=[], deputy_count=1)
    assert (p.head, p.deputies) == (5, [6])


member_lists = st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=14, unique=True)


@given(
    members=member_lists,
    rule=st.sampled_from([FIXED_ORDER, DEPUTY_BECOMES_HEAD]),
    deputy_count=st.integers(min_value=0, max_value=5),
    data=st.data(),
)
def test_proposal_is_a_valid_leadership(members: list[int], rule: str, deputy_count: int, data: st.DataObject) -> None:
    pool = [*members, 100, 101]
    head = data.draw(st.sampled_from([None, *pool]))
    deputies = data.draw(st.lists(st.sampled_from(pool), max_size=4, unique=True))
    p = propose_rotation(rule=rule, members=members, head=head, deputies=deputies, deputy_count=deputy_count)
    assert p.head in members
    assert all(d in members for d in p.deputies)
    assert p.head not in p.deputies
    assert len(set(p.deputies)) == len(p.deputies)
    assert len(p.deputies) == min(deputy_count, len(members) - 1)


@given(members=member_lists)
def test_fixed_order_gives_every_member_a_turn(members: list[int]) -> None:
    head: int | None = members[0]
    heads: list[int | None] = [head]
    for _ in range(len(members) - 1):
        head = propose_rotation(rule=FIXED_ORDER, members=members, head=head, deputies=[], deputy_count=0).head
        heads.append(head)
    assert sorted(h for h in heads if h is not None) == sorted(members)
    assert None not in heads


@pytest.mark.parametrize("rule", [FIXED_ORDER, DEPUTY_BECOMES_HEAD, ELECTION])
def test_no_members_means_election(rule: str) -> None:
    assert propose_rotation(rule=rule, members=[], head=None, deputies=[], deputy_count=2).needs_election
