"""Every movements permission × every role × objects inside and outside the role's scope.

The expected sets mirror the table in thidua/movements/permissions.py: a rule changed there and not
here fails this test, and so does a role that suddenly reaches too far (the Huế objects are outside
every scope but the administrator's).
"""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from thidua.movements import services
from thidua.movements.tests.conftest import at
from thidua.organizations import services as org_services
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "provincial",
    "department",
    "block_head",
    "block_deputy",
    "unit_head",
    "unit_clerk",
    "clerk_c",
    "delegate",
    "viewer",
]
EVERYONE = frozenset(ROLES)
MANAGERS = frozenset({"admin", "provincial", "block_head", "block_deputy"})
FOR_A = frozenset({"admin", "provincial", "department", "unit_head", "unit_clerk"})
FOR_C = frozenset({"admin", "provincial", "clerk_c"})
ADMIN = frozenset({"admin"})

EXPECTED: dict[str, dict[str, frozenset[str]]] = {
    "view_movement": {"movement": EVERYONE, "hue_movement": EVERYONE},
    "manage_movements": {"block_year": MANAGERS, "hue_block_year": ADMIN},
    "add_movement": {"block_year": MANAGERS, "hue_block_year": ADMIN},
    "change_movement": {"movement": MANAGERS, "hue_movement": ADMIN},
    "delete_movement": {"movement": MANAGERS, "hue_movement": ADMIN},
    "represent_unit": {"centre_a": FOR_A, "centre_c": FOR_C, "hue_centre": ADMIN},
    "add_practice": {"centre_a": FOR_A, "centre_c": FOR_C, "hue_centre": ADMIN},
    "view_activity": {"activity_a": EVERYONE, "hue_activity": EVERYONE},
    "add_activity": {"block_year": MANAGERS | FOR_A | FOR_C, "hue_block_year": ADMIN},
    "change_activity": {"activity_a": MANAGERS | FOR_A, "activity_c": MANAGERS | FOR_C, "hue_activity": ADMIN},
    "delete_activity": {"activity_a": MANAGERS | FOR_A, "activity_c": MANAGERS | FOR_C, "hue_activity": ADMIN},
    "view_practice": {
        "draft_a": MANAGERS | FOR_A,
        "draft_c": MANAGERS | FOR_C,
        "published_c": EVERYONE,
        "hue_draft": ADMIN,
    },
    "comment_practice": {
        "draft_a": MANAGERS | FOR_A,
        "published_c": EVERYONE,
        "hue_draft": ADMIN,
    },
    "change_practice": {"draft_a": FOR_A, "draft_c": FOR_C, "published_c": FOR_C, "hue_draft": ADMIN},
    "publish_practice": {"draft_a": FOR_A, "draft_c": FOR_C, "hue_draft": ADMIN},
    "delete_practice": {"draft_a": FOR_A, "draft_c": FOR_C, "hue_draft": ADMIN},
    "withdraw_practice": {"published_c": FOR_C, "draft_a": FOR_A, "hue_draft": ADMIN},
    "delete_comment": {"comment": frozenset({"admin", "viewer"})},
    "delete_adoption": {"adoption_c": FOR_C},
}


@pytest.fixture
def objects(w: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    actor = system_actor()
    by = w["block_year"]
    hue = make_unit("HUE", "Ủy ban nhân dân thành phố Huế", kind="province")
    hue_centre = make_unit("HUE-TT", "Trung tâm Bảo tồn di tích Cố đô", parent=hue)
    hue_block = org_services.block_create(actor=actor, code="HUE-K", name="Khối thi đua Huế", owner=hue)
    hue_by = org_services.block_year_create(actor=actor, block=hue_block, year=2025)
    org_services.block_member_add(actor=actor, block_year=hue_by, unit=hue_centre)
    hue_movement = services.movement_create(
        actor=actor,
        block_year=hue_by,
        title="Phong trào Huế",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    hue_activity = services.activity_create(
        actor=actor, block_year=hue_by, organiser=hue_centre, title="Hội thao", date=dt.date(2025, 5, 1)
    )
    hue_draft = services.practice_create(actor=actor, block_year=hue_by, unit=hue_centre, title="Mô hình Huế")
    activity_c = services.activity_create(
        actor=actor, block_year=by, organiser=w["centre_c"], title="Văn nghệ", date=dt.date(2025, 5, 1)
    )
    draft_a = services.practice_create(actor=actor, block_year=by, unit=w["centre_a"], title="Nháp A")
    draft_c = services.practice_create(actor=actor, block_year=by, unit=w["centre_c"], title="Nháp C")
    published_c = services.practice_create(
        actor=actor, block_year=by, unit=w["centre_c"], title="Mô hình C", problem="P", approach="A", results="R"
    )
    services.practice_publish(actor=actor, practice=published_c, published_at=at(2025, 3, 1))
    published_c.refresh_from_db()
    comment = services.practice_comment_add(actor=users["viewer"], practice=published_c, text="Hay")
    adoption_c = services.practice_adopt(
        actor=actor, practice=w["practice"], unit=w["centre_c"], adopted_on=dt.date(2025, 5, 1)
    )
    return {
        "block_year": by,
        "hue_block_year": hue_by,
        "movement": w["movement"],
        "hue_movement": hue_movement,
        "centre_a": w["centre_a"],
        "centre_c": w["centre_c"],
        "hue_centre": hue_centre,
        "activity_a": w["activity"],
        "activity_c": activity_c,
        "hue_activity": hue_activity,
        "draft_a": draft_a,
        "draft_c": draft_c,
        "published_c": published_c,
        "hue_draft": hue_draft,
        "comment": comment,
        "adoption_c": adoption_c,
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(objects: dict[str, Any], users: dict[str, Any], role: str) -> None:
    user = users[role]
    mismatches = []
    for perm, targets in EXPECTED.items():
        for key, allowed in targets.items():
            expected = role in allowed
            if user.has_perm(f"movements.{perm}", objects[key]) is not expected:
                mismatches.append((perm, key, "expected", expected))
    assert not mismatches, mismatches


def test_anonymous_has_no_permission(objects: dict[str, Any]) -> None:
    anonymous = AnonymousUser()
    granted = [
        (perm, key)
        for perm, targets in EXPECTED.items()
        for key in targets
        if anonymous.has_perm(f"movements.{perm}", objects[key])
    ]
    assert granted == []


def test_attachments_are_registered_for_download(w: dict[str, Any]) -> None:
    from thidua.attachments.registry import view_perm_for
    from thidua.movements.models import Activity, Practice

    assert view_perm_for(Activity) == "movements.view_activity"
    assert view_perm_for(Practice) == "movements.view_practice"
