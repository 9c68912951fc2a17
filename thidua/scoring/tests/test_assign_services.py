"""Cross-scoring assignments and declared conflicts of interest (services)."""

from collections import Counter
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.scoring.models import ConflictOfInterest, ReviewAssignment, ScoreSheet
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.helpers_sheets import (
    NothingWritten,
    add_units,
    fill,
    last_action,
    leader,
    make_config,
    make_criteria,
    officer,
    staff,
)
from thidua.tests_support.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cross(tree: dict[str, Any]) -> dict[str, Any]:
    """Six member units in cross mode, two reviewers each."""
    by = tree["block_year"]
    make_criteria(by)
    make_config(by, review_mode="cross", reviewers_per_unit=2, assignment_seed=3)
    extra = add_units(by, tree["dept"], 2)
    units = [tree["centre_a"], tree["centre_b"], tree["centre_c"], tree["board"], *extra]
    return {**tree, "by": by, "units": units, "head": leader(by)}


def pairs(by: Any) -> set[tuple[int, int]]:
    return set(ReviewAssignment.objects.filter(block_year=by).values_list("reviewer_unit_id", "unit_id"))


def test_generate_gives_each_unit_the_same_number_of_reviewers(cross: dict[str, Any]) -> None:
    by = cross["by"]
    plan = services.review_assignments_generate(actor=cross["head"], block_year=by)
    assert last_action() == "review_assignment.generate"
    assert len(plan) == 12
    assert all(a.reviewer_unit_id != a.unit_id for a in plan)
    assert set(Counter(a.unit_id for a in plan).values()) == {2}
    assert set(Counter(a.reviewer_unit_id for a in plan).values()) == {2}
    # The same seed gives the same assignment; generating again replaces it.
    first = pairs(by)
    services.review_assignments_generate(actor=cross["head"], block_year=by)
    assert pairs(by) == first
    make_config(by, assignment_seed=99)
    services.review_assignments_generate(actor=officer(cross["province"]), block_year=by)
    assert ReviewAssignment.objects.filter(block_year=by).count() == 12


def test_generate_excludes_declared_conflicts(cross: dict[str, Any]) -> None:
    by, units = cross["by"], cross["units"]
    for reviewer in units[1:4]:
        services.conflict_declare(
            actor=cross["head"], block_year=by, reviewer_unit=reviewer, unit=units[0], reason="Vợ/chồng công tác"
        )
    services.review_assignments_generate(actor=cross["head"], block_year=by)
    reviewers_of_first = {r for r, u in pairs(by) if u == units[0].pk}
    assert reviewers_of_first == {units[4].pk, units[5].pk}


def test_generate_refusals(cross: dict[str, Any], tree: dict[str, Any]) -> None:
    by = cross["by"]
    for actor in (leader(by, Role.BLOCK_DEPUTY), staff(tree["centre_c"])):
        with NothingWritten(), pytest.raises(PermissionDenied):
            services.review_assignments_generate(actor=actor, block_year=by)
    make_config(by, reviewers_per_unit=6)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.review_assignments_generate(actor=cross["head"], block_year=by)
    assert err.value.code == "assignment_impossible"
    make_config(by, review_mode="head_and_deputies", reviewers_per_unit=2)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.review_assignments_generate(actor=cross["head"], block_year=by)
    assert err.value.code == "not_cross_mode"


def test_regenerating_drops_blank_sheets_but_not_started_reviews(cross: dict[str, Any]) -> None:
    by = cross["by"]
    plan = services.review_assignments_generate(actor=cross["head"], block_year=by)
    first = plan[0]
    clerk = staff(first.reviewer_unit)
    sheet = services.review_sheet_open(actor=clerk, block_year=by, unit=first.unit, reviewer_unit=first.reviewer_unit)
    services.review_assignments_generate(actor=cross["head"], block_year=by)  # the blank sheet goes
    assert not ScoreSheet.objects.filter(pk=sheet.pk).exists()
    again = ReviewAssignment.objects.filter(block_year=by).order_by("pk").first()
    assert again is not None
    clerk = staff(again.reviewer_unit)
    sheet = services.review_sheet_open(actor=clerk, block_year=by, unit=again.unit, reviewer_unit=again.reviewer_unit)
    fill(clerk, sheet, {"A1": "20"})
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.review_assignments_generate(actor=cross["head"], block_year=by)
    assert err.value.code == "reviews_started"


# ---------------------------------------------------------------- conflicts


def test_conflict_declare_and_withdraw(cross: dict[str, Any], tree: dict[str, Any]) -> None:
    by = cross["by"]
    clerk_c = staff(tree["centre_c"])
    conflict = services.conflict_declare(
        actor=clerk_c, block_year=by, reviewer_unit=tree["centre_c"], unit=tree["board"], reason="Có người thân"
    )
    assert last_action() == "conflict.declare"
    assert (conflict.declared_by, conflict.reason) == (clerk_c, "Có người thân")
    with NothingWritten(), pytest.raises(PermissionDenied):  # staff of an unrelated member unit
        services.conflict_withdraw(actor=staff(tree["centre_a"]), conflict=conflict)
    services.conflict_withdraw(actor=staff(tree["board"]), conflict=conflict)
    assert not ConflictOfInterest.objects.exists()
    assert last_action() == "conflict.withdraw"


def test_conflict_declare_refusals(cross: dict[str, Any], tree: dict[str, Any], make_user: Any) -> None:
    by, head = cross["by"], cross["head"]
    outsider = make_unit("NGOAI", "Đơn vị ngoài khối", parent=tree["dept"])

    def declare(actor: Any, reviewer: Any, unit: Any, reason: str = "Lý do") -> Any:
        return services.conflict_declare(actor=actor, block_year=by, reviewer_unit=reviewer, unit=unit, reason=reason)

    with NothingWritten(), pytest.raises(PermissionDenied):  # a viewer, not part of the block
        declare(make_user(Role.VIEWER), tree["centre_a"], tree["centre_b"])
    with NothingWritten(), pytest.raises(PermissionDenied):  # a member's clerk about two other units
        declare(staff(tree["centre_c"]), tree["centre_a"], tree["centre_b"])
    cases = [
        ((tree["centre_a"], tree["centre_a"], "x"), "own_unit"),
        ((outsider, tree["centre_a"], "x"), "not_a_member"),
        ((tree["centre_a"], tree["centre_b"], "   "), "reason_required"),
    ]
    for (reviewer, unit, reason), code in cases:
        with NothingWritten(), pytest.raises(ValidationFailed) as err:
            declare(head, reviewer, unit, reason)
        assert err.value.code == code
    declare(head, tree["centre_a"], tree["centre_b"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        declare(leader(by, Role.BLOCK_DEPUTY), tree["centre_a"], tree["centre_b"])
    assert err.value.code == "duplicate_conflict"
