"""Every role × every action × an object in the user's scope ("own") and one outside it ("other").

The expected table mirrors the one in thidua/organizations/permissions.py. A change to a rule
that is not also made here fails this test, and so does a role that suddenly reaches too far.
"""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from thidua.accounts.roles import Role
from thidua.organizations import services
from thidua.tests_support.factories import make_person, make_unit, system_actor

pytestmark = pytest.mark.django_db

UNIT_PERMS = ["view_unit", "add_unit", "change_unit", "add_person", "add_block"]
PERSON_PERMS = ["view_person", "change_person"]
BLOCK_PERMS = ["view_block", "change_block", "add_blockyear"]
BLOCK_YEAR_PERMS = [
    "view_blockyear",
    "manage_members",
    "set_leadership",
    "change_blockyear",
    "advance_phase",
    "close_blockyear",
    "hand_over",
]
ALL_PERMS = UNIT_PERMS + PERSON_PERMS + BLOCK_PERMS + BLOCK_YEAR_PERMS

VIEW_ONLY = {"view_unit": (True, True), "view_block": (True, True), "view_blockyear": (True, True)}
OFFICER = dict.fromkeys(ALL_PERMS, (True, False)) | VIEW_ONLY
EXPECTED: dict[str, dict[str, tuple[bool, bool]]] = {
    Role.ADMIN: dict.fromkeys(ALL_PERMS, (True, True)),
    Role.PROVINCIAL_OFFICER: OFFICER,
    Role.DEPARTMENT_OFFICER: OFFICER,
    Role.BLOCK_HEAD: VIEW_ONLY
    | {"change_blockyear": (True, False), "advance_phase": (True, False), "hand_over": (True, False)},
    Role.BLOCK_DEPUTY: VIEW_ONLY,
    Role.UNIT_HEAD: VIEW_ONLY
    | {
        "change_unit": (True, False),
        "add_person": (True, False),
        "view_person": (True, False),
        "change_person": (True, False),
    },
    Role.UNIT_CLERK: VIEW_ONLY
    | {"add_person": (True, False), "view_person": (True, False), "change_person": (True, False)},
    Role.DELEGATE: VIEW_ONLY,
    Role.VIEWER: VIEW_ONLY,
}


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    """Adds a second province and blocks owned by each department, to have an "other" for every scope."""
    actor = system_actor()
    hue = make_unit("HUE", "Ủy ban nhân dân thành phố Huế", kind="province")
    hue_centre = make_unit("HUE-TT", "Trung tâm Bảo tồn di tích", parent=hue)
    hue_person = make_person(hue_centre, "Hồ Văn Bảo")
    hue_block = services.block_create(actor=actor, code="HUE-K", name="Khối thi đua Huế", owner=hue)
    snv_block = services.block_create(
        actor=actor, code="SNV-K", name="Khối thi đua thuộc Sở Nội vụ", owner=tree["dept"]
    )
    syt_block = services.block_create(
        actor=actor, code="SYT-K", name="Khối thi đua thuộc Sở Y tế", owner=tree["other_dept"]
    )
    years = {
        b.code: services.block_year_create(actor=actor, block=b, year=2025)
        for b in (hue_block, snv_block, syt_block, tree["other_block"])
    }
    return {
        **tree,
        "hue": hue,
        "hue_centre": hue_centre,
        "hue_person": hue_person,
        "hue_block": hue_block,
        "snv_block": snv_block,
        "syt_block": syt_block,
        "years": years,
    }


def contexts(role: str, w: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(scope kwargs for the grant, own objects, other objects) for a role."""
    own = {"unit": w["centre_a"], "person": w["person_a"], "block": w["block"], "block_year": w["block_year"]}
    other = {"unit": w["centre_c"], "person": w["person_c"], "block": w["other_block"], "block_year": w["years"]["K2"]}
    if role == Role.PROVINCIAL_OFFICER:
        other = {
            "unit": w["hue_centre"],
            "person": w["hue_person"],
            "block": w["hue_block"],
            "block_year": w["years"]["HUE-K"],
        }
        return {"unit": w["province"]}, own, other
    if role == Role.DEPARTMENT_OFFICER:
        own = {**own, "block": w["snv_block"], "block_year": w["years"]["SNV-K"]}
        other = {**other, "block": w["syt_block"], "block_year": w["years"]["SYT-K"]}
        return {"unit": w["dept"]}, own, other
    if role in (Role.BLOCK_HEAD, Role.BLOCK_DEPUTY, Role.DELEGATE):
        return {"block_year": w["block_year"]}, own, other
    if role in (Role.UNIT_HEAD, Role.UNIT_CLERK):
        return {"unit": w["centre_a"]}, own, other
    return {}, own, other


def target(perm: str, objects: dict[str, Any]) -> Any:
    if perm in UNIT_PERMS:
        return objects["unit"]
    if perm in PERSON_PERMS:
        return objects["person"]
    if perm in BLOCK_PERMS:
        return objects["block"]
    return objects["block_year"]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix(world: dict[str, Any], make_user: Any, role: str) -> None:
    scope, own, other = contexts(role, world)
    user = make_user(role, **scope)
    mismatches = []
    for perm in ALL_PERMS:
        expected = EXPECTED[role].get(perm, (False, False))
        actual = (
            user.has_perm(f"organizations.{perm}", target(perm, own)),
            user.has_perm(f"organizations.{perm}", target(perm, other)),
        )
        if actual != expected:
            mismatches.append((perm, "expected", expected, "got", actual))
    assert not mismatches, mismatches


@pytest.mark.parametrize("role", list(EXPECTED))
def test_only_admins_manage_roles(make_user: Any, db: Any, role: str) -> None:
    from thidua.tests_support.factories import build_tree

    w = build_tree()
    scope = (
        {"block_year": w["block_year"]}
        if role in (Role.BLOCK_HEAD, Role.BLOCK_DEPUTY, Role.DELEGATE)
        else ({"unit": w["centre_a"]} if role not in (Role.ADMIN, Role.VIEWER) else {})
    )
    assert make_user(role, **scope).has_perm("accounts.manage_roles") is (role == Role.ADMIN)


def test_anonymous_has_no_permission(world: dict[str, Any]) -> None:
    anonymous = AnonymousUser()
    own = {
        "unit": world["centre_a"],
        "person": world["person_a"],
        "block": world["block"],
        "block_year": world["block_year"],
    }
    assert not any(anonymous.has_perm(f"organizations.{perm}", target(perm, own)) for perm in ALL_PERMS)


def test_a_person_sees_their_own_record(world: dict[str, Any], make_user: Any) -> None:
    user = make_user()
    services.person_update(actor=system_actor(), person=world["person_c"], user=user)
    assert user.has_perm("organizations.view_person", world["person_c"])
    assert not user.has_perm("organizations.change_person", world["person_c"])
    assert not user.has_perm("organizations.view_person", world["person_a"])


def test_expired_role_grants_nothing(world: dict[str, Any], make_user: Any) -> None:
    import datetime as dt

    from thidua.accounts.models import RoleAssignment
    from thidua.accounts.predicates import forget_grants

    user = make_user(Role.UNIT_HEAD, unit=world["centre_a"])
    RoleAssignment.objects.filter(user=user).update(valid_to=dt.date(2020, 12, 31))
    forget_grants(user)
    assert not user.has_perm("organizations.change_unit", world["centre_a"])


def test_officer_over_a_parent_covers_new_sub_units(world: dict[str, Any], make_user: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=world["dept"])
    sub = make_unit("SUB", "Phòng Tổ chức", parent=world["centre_a"], kind="office")
    assert officer.has_perm("organizations.change_unit", sub)
    assert not officer.has_perm("organizations.change_unit", world["dept"].parent)
