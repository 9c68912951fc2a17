"""List and detail endpoints cost a fixed number of queries, however many rows they return."""

from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.organizations import services
from thidua.tests_support.factories import make_person, make_unit, system_actor

pytestmark = pytest.mark.django_db

SIZE = 30


@pytest.fixture
def big(tree: dict[str, Any]) -> dict[str, Any]:
    """30 more units in the department, each with a person, all members of a 2025 block-year with deputies."""
    actor = system_actor()
    units = [make_unit(f"U{i:02d}", f"Đơn vị số {i}", parent=tree["dept"]) for i in range(SIZE)]
    for unit in units:
        make_person(unit, f"Cán bộ {unit.code}")
    block = services.block_create(actor=actor, code="KB", name="Khối lớn", owner=tree["province"], kind="cluster")
    block_year = services.block_year_create(actor=actor, block=block, year=2025)
    for unit in units:
        services.block_member_add(actor=actor, block_year=block_year, unit=unit)
    people = {m.unit_id: m.person for unit in units for m in unit.staff_memberships.select_related("person")}
    services.block_year_set_leadership(
        actor=actor,
        block_year=block_year,
        head=units[0],
        deputies=units[1:6],
        representatives={unit.pk: (people[unit.pk], "Giám đốc") for unit in units[:6]},
    )
    for phase in ["covenant", "registration", "midyear_review"]:
        block_year = services.block_year_advance_phase(actor=actor, block_year=block_year, to_phase=phase)
    services.block_year_set_deadlines(
        actor=actor, block_year=block_year, deadlines={"plan": block_year.created_at.date()}
    )
    return {**tree, "units": units, "big_block": block, "big_year": block_year}


@pytest.mark.parametrize(
    ("path", "max_queries", "min_items"),
    [
        ("/api/units?page_size=100", 6, SIZE),
        ("/api/people?page_size=100", 8, SIZE),
        ("/api/blocks", 6, 3),
        ("/api/block-years", 6, 2),
        ("/api/me", 6, 0),
    ],
)
def test_lists_are_bounded(
    big: dict[str, Any],
    make_user: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
    path: str,
    max_queries: int,
    min_items: int,
) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=big["dept"])
    client = client_for(officer)
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    if "items" in body:
        assert len(body["items"]) >= min_items


def test_block_year_detail_is_bounded(
    big: dict[str, Any], make_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(make_user())
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/block-years/{big['big_year'].pk}")
    body = response.json()
    assert len(body["members"]) == SIZE
    assert len(body["leadership"]) == 6
    assert all(row["representative"] for row in body["leadership"])
    assert len(body["transitions"]) == 3


def test_details_are_bounded(
    big: dict[str, Any], make_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(make_user(Role.DEPARTMENT_OFFICER, unit=big["dept"]))
    person = big["units"][5].staff_memberships.get().person
    for path in [
        f"/api/units/{big['units'][0].pk}",
        f"/api/people/{person.pk}",
        f"/api/people/{person.pk}/memberships",
        f"/api/blocks/{big['big_block'].pk}",
        f"/api/block-years/{big['big_year'].pk}/rotation-proposal",
    ]:
        with django_assert_max_num_queries(8):
            response = client.get(path)
        assert response.status_code == 200, path
