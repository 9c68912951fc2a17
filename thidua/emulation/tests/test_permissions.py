"""The permission table of thidua/emulation/permissions.py, line by line, for every role."""

from typing import Any

import pytest

from thidua.emulation.models import KeyTask, KeyTaskUpdate, Registration

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "officer",
    "other_officer",
    "head",
    "deputy",
    "delegate",
    "unit_head",
    "clerk",
    "unit_head_b",
    "outsider_head",
    "viewer",
]

# permission → roles that hold it on the test block-year / centre_a objects
EXPECTED: dict[str, set[str]] = {
    "emulation.view_plan": set(ROLES),
    "emulation.manage_plan": {"admin", "officer", "head", "deputy"},
    "emulation.sign_covenant": {"unit_head"},
    "emulation.view_registration": set(ROLES),
    "emulation.change_registration": {"admin", "unit_head", "clerk"},
    "emulation.review_registration": {"admin", "head"},
    "emulation.view_tasks": {
        "admin",
        "officer",
        "other_officer",
        "head",
        "deputy",
        "unit_head",
        "clerk",
        "unit_head_b",
    },
    "emulation.view_keytask": {
        "admin",
        "officer",
        "other_officer",
        "head",
        "deputy",
        "unit_head",
        "clerk",
        "unit_head_b",
    },
    "emulation.view_keytaskupdate": {
        "admin",
        "officer",
        "other_officer",
        "head",
        "deputy",
        "unit_head",
        "clerk",
        "unit_head_b",
    },
    "emulation.record_progress": {"admin", "unit_head", "clerk"},
    "emulation.view_progress_overview": {"admin", "officer", "head", "deputy"},
    "emulation.view_midyear": {
        "admin",
        "officer",
        "other_officer",
        "head",
        "deputy",
        "unit_head",
        "clerk",
        "unit_head_b",
    },
    "emulation.manage_midyear": {"admin", "officer", "head"},
}


def _objects(tree: dict[str, Any], task: KeyTask, update: KeyTaskUpdate) -> dict[str, Any]:
    block_year = tree["block_year"]
    registration = task.registration
    return {
        "emulation.view_plan": block_year,
        "emulation.manage_plan": block_year,
        "emulation.sign_covenant": tree["centre_a"],
        "emulation.view_registration": block_year,
        "emulation.change_registration": registration,
        "emulation.review_registration": registration,
        "emulation.view_tasks": block_year,
        "emulation.view_keytask": task,
        "emulation.view_keytaskupdate": update,
        "emulation.record_progress": task,
        "emulation.view_progress_overview": block_year,
        "emulation.view_midyear": block_year,
        "emulation.manage_midyear": block_year,
    }


@pytest.fixture
def update(task: KeyTask) -> KeyTaskUpdate:
    return KeyTaskUpdate.objects.create(task=task, date=task.due_date, progress=10)


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_permission_table(
    tree: dict[str, Any], users: dict[str, Any], task: KeyTask, update: KeyTaskUpdate, perm: str
) -> None:
    obj = _objects(tree, task, update)[perm]
    holders = {role for role in ROLES if users[role].has_perm(perm, obj)}
    assert holders == EXPECTED[perm]


def test_other_officer_sees_tasks_only_through_a_member_unit(tree: dict[str, Any], users: dict[str, Any]) -> None:
    # The other department's officer oversees centre_c and the board, which are members: they may look, not write.
    officer = users["other_officer"]
    assert officer.has_perm("emulation.view_tasks", tree["block_year"])
    assert not officer.has_perm("emulation.manage_plan", tree["block_year"])
    assert not officer.has_perm("emulation.view_progress_overview", tree["block_year"])


def test_unsaved_registration_is_checked_on_its_unit(tree: dict[str, Any], users: dict[str, Any]) -> None:
    draft = Registration(block_year=tree["block_year"], unit=tree["centre_b"])
    assert users["unit_head_b"].has_perm("emulation.change_registration", draft)
    assert not users["clerk"].has_perm("emulation.change_registration", draft)


def test_anonymous_holds_nothing(tree: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not anonymous.has_perm("emulation.view_plan", tree["block_year"])
    assert not anonymous.has_perm("emulation.view_tasks", tree["block_year"])
