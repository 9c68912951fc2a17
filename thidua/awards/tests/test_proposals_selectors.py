"""Reads of proposals: who sees which (the view_proposal rule as a query), the queue and the actions per role, and
lists in a fixed number of queries whatever their length."""

from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.awards import selectors_proposals as sp
from thidua.awards.services import proposals as services
from thidua.tests_support.factories import make_proposal, system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(tree: dict[str, Any]) -> dict[str, Any]:
    return {
        "a": make_proposal(unit=tree["centre_a"]),
        "a2": make_proposal(unit=tree["centre_a"], award_type="ttldxs"),
        "c": make_proposal(unit=tree["centre_c"]),
        "board": make_proposal(unit=tree["board"]),
    }


def test_visibility_per_role(tree: dict[str, Any], proposals: dict[str, Any], make_user: Any) -> None:
    def seen(user: Any) -> set[int]:
        return set(sp.proposals_visible_to(user).values_list("pk", flat=True))

    everyone = {p.pk for p in proposals.values()}
    assert seen(system_actor()) == everyone
    assert seen(make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])) == everyone
    assert seen(make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])) == {proposals["a"].pk, proposals["a2"].pk}
    assert seen(make_user(Role.DEPARTMENT_OFFICER, unit=tree["other_dept"])) == {
        proposals["c"].pk,
        proposals["board"].pk,
    }
    assert seen(make_user(Role.UNIT_CLERK, unit=tree["centre_a"])) == {proposals["a"].pk, proposals["a2"].pk}
    assert seen(make_user(Role.BLOCK_DEPUTY, block_year=tree["block_year"])) == everyone
    assert seen(make_user(Role.VIEWER)) == set()
    # the query agrees with the rule
    user = make_user(Role.UNIT_HEAD, unit=tree["centre_c"])
    for proposal in proposals.values():
        assert user.has_perm("awards.view_proposal", proposal) == (proposal.pk in seen(user))


def test_actions_per_role(tree: dict[str, Any], proposals: dict[str, Any], make_user: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    head = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    block_head = make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])
    proposal = proposals["a"]
    assert sp.actions_for(clerk, proposal) == ["edit", "submit", "withdraw", "attach"]
    assert sp.actions_for(block_head, proposal) == ["attach"]
    proposal = services.proposal_submit(actor=clerk, proposal=proposal)
    assert sp.actions_for(head, proposal) == ["approve", "return", "withdraw", "attach"]
    assert sp.actions_for(clerk, proposal) == ["withdraw", "attach"]
    proposal = services.proposal_approve(actor=head, proposal=proposal)
    assert sp.actions_for(block_head, proposal) == ["approve", "return", "attach"]
    assert [p.pk for p in sp.proposal_queue(block_head)] == [proposal.pk]
    assert [p.next_action for p in sp.proposal_queue(block_head)] == ["approve"]  # type: ignore[attr-defined]


def test_lists_cost_a_fixed_number_of_queries(
    tree: dict[str, Any], make_user: Any, django_assert_max_num_queries: Any
) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    head = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    for award in ("ttldtt", "ttldxs", "co_tinh", "bang_khen_tinh"):
        services.proposal_submit(actor=clerk, proposal=make_proposal(unit=tree["centre_a"], award_type=award))
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    for user in (head, officer):
        with django_assert_max_num_queries(2):
            rows = list(sp.proposals_visible_to(user))
            for row in rows:
                _ = (row.award_type.name, row.unit.name, row.block_year.block.owner.path, row.batch)
        with django_assert_max_num_queries(2):
            queue = sp.proposal_queue(user)
    assert queue == []  # only the unit head approves for the unit
    assert len(sp.proposal_queue(head)) == 4
    with django_assert_max_num_queries(4):
        sp.batches_of(tree["block_year"])
        list(sp.holds_visible_to(head))
