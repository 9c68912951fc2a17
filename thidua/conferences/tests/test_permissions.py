"""The permission table of thidua/conferences/permissions.py, role by role, on this block's conference and
on another block's."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.conferences.services.conference import conference_create
from thidua.organizations import services as org_services
from thidua.tests_support.factories import UserFactory, grant, system_actor

pytestmark = pytest.mark.django_db

PERMS = ["view_conference", "manage_conference", "close_conference"]
EXPECTED: dict[str, dict[str, bool]] = {
    "admin": {"view_conference": True, "manage_conference": True, "close_conference": True, "add": True},
    "officer": {"view_conference": True, "manage_conference": True, "close_conference": True, "add": True},
    "head": {"view_conference": True, "manage_conference": True, "close_conference": True, "add": True},
    "deputy": {"view_conference": True, "manage_conference": True, "close_conference": False, "add": True},
    "secretary": {"view_conference": True, "manage_conference": True, "close_conference": False, "add": False},
    "member_staff": {"view_conference": True, "manage_conference": False, "close_conference": False, "add": False},
    "delegate_account": {"view_conference": True, "manage_conference": False, "close_conference": False, "add": False},
    "outsider_staff": {"view_conference": False, "manage_conference": False, "close_conference": False, "add": False},
    "viewer": {"view_conference": False, "manage_conference": False, "close_conference": False, "add": False},
}


def _users(world: dict[str, Any]) -> dict[str, Any]:
    by = world["block_year"]
    users: dict[str, Any] = {
        "admin": UserFactory(is_superuser=True),
        "head": world["head"],
        "deputy": world["deputy"],
        "secretary": world["secretary"],
        "delegate_account": world["voter_user"],
    }
    officer: Any = UserFactory()
    grant(officer, Role.PROVINCIAL_OFFICER, unit=world["province"])
    users["officer"] = officer
    staff: Any = UserFactory()
    grant(staff, Role.UNIT_CLERK, unit=world["centre_b"])
    users["member_staff"] = staff
    outsider: Any = UserFactory()
    grant(outsider, Role.UNIT_CLERK, unit=world["dept"])
    users["outsider_staff"] = outsider
    viewer: Any = UserFactory()
    grant(viewer, Role.VIEWER)
    users["viewer"] = viewer
    assert by is not None
    return users


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_table(world: dict[str, Any], who: str) -> None:
    user = _users(world)[who]
    conference = world["conference"]
    for perm in PERMS:
        assert user.has_perm(f"conferences.{perm}", conference) is EXPECTED[who][perm], (who, perm)
    assert user.has_perm("conferences.add_conference", world["block_year"]) is EXPECTED[who]["add"], who
    item = conference.agenda.first()
    assert user.has_perm("conferences.view_agenda_item", item) is EXPECTED[who]["view_conference"]


def test_nobody_reaches_another_block(world: dict[str, Any]) -> None:
    actor = system_actor()
    other_year = org_services.block_year_create(actor=actor, block=world["other_block"], year=2025)
    other = conference_create(
        actor=actor,
        block_year=other_year,
        title="Hội nghị khối các sở",
        starts_at=timezone.make_aware(dt.datetime(2026, 1, 20, 8, 0)),
        place="Đông Hà",
    )
    users = _users(world)
    for who in ("head", "deputy", "secretary", "member_staff", "delegate_account"):
        for perm in PERMS:
            assert not users[who].has_perm(f"conferences.{perm}", other), (who, perm)
    assert not AnonymousUser().has_perm("conferences.view_conference", other)
