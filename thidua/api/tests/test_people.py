"""People endpoints: only people the user may see are listed or found; writes go through services."""

from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import audit_count, last_event
from thidua.organizations.models import Person, PersonMembership

pytestmark = pytest.mark.django_db


def test_clerk_lists_only_their_units_people(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    body = client_for(clerk).get("/api/people").json()
    assert [p["full_name"] for p in body["items"]] == ["Nguyễn Văn Đức"]
    assert body["items"][0]["current_memberships"][0]["unit"]["code"] == "TTA"


def test_admin_lists_everyone_and_searches(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    client = client_for(admin_user)
    assert client.get("/api/people").json()["count"] == 2
    found = client.get("/api/people", {"q": "tran thi ha"}).json()
    assert [p["full_name"] for p in found["items"]] == ["Trần Thị Hà"]
    by_unit = client.get("/api/people", {"unit": tree["centre_c"].pk}).json()
    assert [p["full_name"] for p in by_unit["items"]] == ["Trần Thị Hà"]


def test_viewer_sees_nobody(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    assert client_for(make_user(Role.VIEWER)).get("/api/people").json()["count"] == 0


def test_detail_visible_and_invisible(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    ok = client.get(f"/api/people/{tree['person_a'].pk}")
    assert ok.status_code == 200
    assert ok.json()["full_name"] == "Nguyễn Văn Đức"
    hidden = client.get(f"/api/people/{tree['person_c'].pk}")
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "not_found"
    # The same answer as for an id that does not exist: nothing leaks.
    assert client.get("/api/people/999999").json() == hidden.json()


def test_clerk_creates_person_in_own_unit(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    before = audit_count()
    response = client_for(clerk).send(
        "post",
        "/api/people",
        {
            "unit_id": tree["centre_a"].pk,
            "full_name": "Phạm Minh Tuấn",
            "position": "Phó Giám đốc",
            "start_date": "2024-03-01",
            "gender": "male",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["current_memberships"][0]["position"] == "Phó Giám đốc"
    assert Person.objects.filter(pk=body["id"], full_name="Phạm Minh Tuấn").exists()
    assert audit_count() == before + 1
    assert last_event().action == "person.create"


def test_clerk_cannot_create_person_in_other_unit(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    count, before = Person.objects.count(), audit_count()
    response = client_for(clerk).send(
        "post",
        "/api/people",
        {"unit_id": tree["centre_c"].pk, "full_name": "X", "position": "Y", "start_date": "2024-01-01"},
    )
    assert response.status_code == 403
    assert (Person.objects.count(), audit_count()) == (count, before)


def test_create_person_bad_gender(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    before = audit_count()
    response = client_for(admin_user).send(
        "post",
        "/api/people",
        {"unit_id": tree["centre_a"].pk, "full_name": "X", "position": "Y", "start_date": "2024-01-01", "gender": "?"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_choice"
    assert audit_count() == before


def test_patch_person(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    head = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    before = audit_count()
    response = client_for(head).send("patch", f"/api/people/{tree['person_a'].pk}", {"phone": "0912 000 111"})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0912 000 111"
    assert audit_count() == before + 1
    assert last_event().action == "person.update"


def test_patch_invisible_person_is_404(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    before = audit_count()
    response = client_for(clerk).send("patch", f"/api/people/{tree['person_c'].pk}", {"phone": "1"})
    assert response.status_code == 404
    assert audit_count() == before


def test_memberships_list_add_and_end(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    client = client_for(officer)
    person = tree["person_a"]
    history = client.get(f"/api/people/{person.pk}/memberships")
    assert history.status_code == 200
    assert [m["unit"]["code"] for m in history.json()] == ["TTA"]

    before = audit_count()
    added = client.send(
        "post",
        f"/api/people/{person.pk}/memberships",
        {"unit_id": tree["centre_b"].pk, "position": "Kiêm nhiệm", "start_date": "2025-01-01"},
    )
    assert added.status_code == 201, added.content
    membership_id = added.json()["id"]
    assert audit_count() == before + 1
    assert last_event().action == "person.membership_add"

    ended = client.send("post", f"/api/memberships/{membership_id}/end", {"end_date": "2025-06-30"})
    assert ended.status_code == 200, ended.content
    assert ended.json()["end_date"] == "2025-06-30"
    assert str(PersonMembership.objects.get(pk=membership_id).end_date) == "2025-06-30"
    assert audit_count() == before + 2
    assert last_event().action == "person.membership_end"

    again = client.send("post", f"/api/memberships/{membership_id}/end", {"end_date": "2025-07-30"})
    assert again.status_code == 400
    assert again.json()["code"] == "already_ended"


def test_membership_end_before_start(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    membership = tree["person_a"].memberships.get()
    before = audit_count()
    response = client_for(admin_user).send("post", f"/api/memberships/{membership.pk}/end", {"end_date": "2019-01-01"})
    assert response.status_code == 400
    assert response.json()["code"] == "dates_out_of_order"
    assert audit_count() == before


def test_memberships_of_invisible_person(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    person_c = tree["person_c"]
    assert client.get(f"/api/people/{person_c.pk}/memberships").status_code == 404
    membership = person_c.memberships.get()
    before = audit_count()
    response = client.send("post", f"/api/memberships/{membership.pk}/end", {"end_date": "2025-01-01"})
    assert response.status_code == 404
    assert audit_count() == before
    added = client.send(
        "post",
        f"/api/people/{person_c.pk}/memberships",
        {"unit_id": tree["centre_a"].pk, "position": "X", "start_date": "2025-01-01"},
    )
    assert added.status_code == 404
    assert audit_count() == before
