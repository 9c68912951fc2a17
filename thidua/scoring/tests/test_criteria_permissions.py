"""The criteria and settings lines of the scoring permission table, checked for every role.

An officer over another department and the head of another block-year hold the same role names as
the allowed users, so they check that each grant is scoped to its object.
"""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from thidua.accounts.roles import Role
from thidua.organizations import services as org_services
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

PERMS = ["scoring.view_criteria", "scoring.manage_criteria", "scoring.unlock_criteria", "scoring.manage_config"]

# role name → (role, scope key in the tree or "block_year", expected perms)
MATRIX: dict[str, tuple[str, str | None, set[str]]] = {
    "admin": (Role.ADMIN, None, set(PERMS)),
    "provincial_officer": (Role.PROVINCIAL_OFFICER, "province", set(PERMS)),
    "officer_elsewhere": (Role.DEPARTMENT_OFFICER, "other_dept", {"scoring.view_criteria"}),
    "block_head": (
        Role.BLOCK_HEAD,
        "block_year",
        {"scoring.view_criteria", "scoring.manage_criteria", "scoring.manage_config"},
    ),
    "head_of_another_year": (Role.BLOCK_HEAD, "other_year", {"scoring.view_criteria"}),
    "block_deputy": (Role.BLOCK_DEPUTY, "block_year", {"scoring.view_criteria"}),
    "unit_head": (Role.UNIT_HEAD, "centre_a", {"scoring.view_criteria"}),
    "unit_clerk": (Role.UNIT_CLERK, "centre_b", {"scoring.view_criteria"}),
    "delegate": (Role.DELEGATE, "block_year", {"scoring.view_criteria"}),
    "viewer": (Role.VIEWER, None, {"scoring.view_criteria"}),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_permission_matrix(tree: dict[str, Any], make_user: Any, who: str) -> None:
    role, scope, expected = MATRIX[who]
    kwargs: dict[str, Any] = {}
    if scope == "block_year":
        kwargs["block_year"] = tree["block_year"]
    elif scope == "other_year":
        kwargs["block_year"] = org_services.block_year_create(
            actor=system_actor(), block=tree["other_block"], year=2025
        )
    elif scope:
        kwargs["unit"] = tree[scope]
    user = make_user(role, **kwargs)
    granted = {perm for perm in PERMS if user.has_perm(perm, tree["block_year"])}
    assert granted == expected


def test_anonymous_has_none(tree: dict[str, Any]) -> None:
    assert not any(AnonymousUser().has_perm(perm, tree["block_year"]) for perm in PERMS)


def test_superuser_has_all(tree: dict[str, Any], admin_user: Any) -> None:
    assert all(admin_user.has_perm(perm, tree["block_year"]) for perm in PERMS)
