"""Role predicates for the `rules` package, evaluated against a user's scoped role assignments.

A user's assignments are loaded once per request (cached on the user object), so checking many
objects on one page costs one query. Officers cover their unit and everything below it in the
tree; unit roles cover exactly their unit; block roles cover exactly their block-year.
"""

from dataclasses import dataclass
from typing import Any

import rules
from django.utils import timezone

from thidua.accounts.roles import Role

_CACHE_ATTR = "_thidua_roles"


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None
    unit_path: str | None
    block_year_id: int | None


def grants_of(user: Any) -> list[Grant]:
    """The user's role assignments in force today."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from thidua.accounts.models import RoleAssignment

    today = timezone.localdate()
    rows = (
        RoleAssignment.objects.filter(user=user)
        .select_related("unit")
        .only("role", "unit_id", "unit__path", "block_year_id", "valid_from", "valid_to")
    )
    grants = [
        Grant(row.role, row.unit_id, row.unit.path if row.unit else None, row.block_year_id)
        for row in rows
        if (row.valid_from is None or row.valid_from <= today) and (row.valid_to is None or row.valid_to >= today)
    ]
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget_grants(user: Any) -> None:
    """Drop the cached assignments (after roles change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_role(user: Any, *roles: str) -> bool:
    return any(grant.role in roles for grant in grants_of(user))


def user_is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN)


def officer_covers_path(user: Any, path: str) -> bool:
    """True if the user is an emulation officer of this unit path or one of its ancestors."""
    return any(
        grant.role in (Role.PROVINCIAL_OFFICER, Role.DEPARTMENT_OFFICER)
        and grant.unit_path
        and path.startswith(grant.unit_path)
        for grant in grants_of(user)
    )


def unit_role_on(user: Any, unit_id: int, *roles: str) -> bool:
    return any(grant.role in roles and grant.unit_id == unit_id for grant in grants_of(user))


def block_role_on(user: Any, block_year_id: int, *roles: str) -> bool:
    return any(grant.role in roles and grant.block_year_id == block_year_id for grant in grants_of(user))


def officer_unit_paths(user: Any) -> list[str]:
    return [
        grant.unit_path
        for grant in grants_of(user)
        if grant.role in (Role.PROVINCIAL_OFFICER, Role.DEPARTMENT_OFFICER) and grant.unit_path
    ]


def is_officer_anywhere(user: Any) -> bool:
    return user_is_admin(user) or bool(officer_unit_paths(user))


is_admin = rules.predicate(user_is_admin, name="is_admin")
is_authenticated = rules.is_authenticated
