"""Unit endpoints: search, detail with ancestors, create and update through the services."""

from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import audit_count, bearer, last_event
from thidua.organizations.models import Unit

pytestmark = pytest.mark.django_db


def test_list_search_is_accent_insensitive(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.VIEWER))
    body = client.get("/api/units", {"q": "duc tho"}).json()
    assert [u["code"] for u in body["items"]] == ["TTB"]
    assert body["count"] == 1

    everything = client.get("/api/units").json()
    assert everything["count"] == Unit.objects.count()


def test_list_filters_by_kind_and_parent(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    client = client_for(make_user())
    boards = client.get("/api/units", {"kind": "management_board"}).json()
    assert [u["code"] for u in boards["items"]] == ["BQL"]
    under_dept = client.get("/api/units", {"parent": tree["dept"].pk}).json()
    assert sorted(u["code"] for u in under_dept["items"]) == ["TTA", "TTB"]
    assert client.get("/api/units", {"kind": "nonsense"}).status_code == 422
    assert client.get("/api/units", {"parent": 999999}).status_code == 404


def test_list_is_paginated(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    body = client_for(make_user()).get("/api/units", {"page_size": 2, "page": 2}).json()
    assert len(body["items"]) == 2
    assert body["count"] == Unit.objects.count()


def test_detail_has_ancestors(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    response = client_for(make_user()).get(f"/api/units/{tree['centre_a'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "TTA"
    assert [a["code"] for a in body["ancestors"]] == ["QT", "SNV"]
    assert body["parent_id"] == tree["dept"].pk


def test_detail_missing_is_404(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    response = client_for(make_user()).get("/api/units/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_officer_creates_unit_under_their_department(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    before = audit_count()
    response = client_for(officer).send(
        "post",
        "/api/units",
        {"code": "TTD", "name": "Trung tâm Dịch vụ", "kind": "centre", "parent_id": tree["dept"].pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    unit = Unit.objects.get(pk=body["id"])
    assert unit.parent == tree["dept"]
    assert [a["code"] for a in body["ancestors"]] == ["QT", "SNV"]
    assert audit_count() == before + 1
    event = last_event()
    assert event.action == "unit.create"
    assert event.actor_id == officer.pk
    assert event.changes["kind"] == [None, "centre"]


def test_officer_cannot_create_under_other_department(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    count, before = Unit.objects.count(), audit_count()
    response = client_for(officer).send(
        "post", "/api/units", {"code": "X1", "name": "X", "parent_id": tree["other_dept"].pk}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert (Unit.objects.count(), audit_count()) == (count, before)


def test_duplicate_code_writes_nothing(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    count, before = Unit.objects.count(), audit_count()
    response = client_for(admin_user).send(
        "post", "/api/units", {"code": "tta", "name": "Trùng mã", "parent_id": tree["dept"].pk}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_code"
    assert response.json()["field"] == "code"
    assert (Unit.objects.count(), audit_count()) == (count, before)


def test_unknown_parent_is_400(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    response = client_for(admin_user).send("post", "/api/units", {"code": "Z", "name": "Z", "parent_id": 999999})
    assert response.status_code == 400
    assert response.json() | {"message": ""} == {"code": "invalid_reference", "field": "parent_id", "message": ""}


def test_missing_required_field_is_422(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    response = client_for(admin_user).send("post", "/api/units", {"name": "No code"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "code"
    assert body["details"][0]["type"] == "missing"


def test_head_patches_own_unit(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    head = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    before = audit_count()
    response = client_for(head).send("patch", f"/api/units/{tree['centre_a'].pk}", {"phone": "0233 385 0000"})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0233 385 0000"
    tree["centre_a"].refresh_from_db()
    assert tree["centre_a"].phone == "0233 385 0000"
    assert audit_count() == before + 1
    event = last_event()
    assert event.action == "unit.update"
    assert event.changes == {"phone": ["", "0233 385 0000"]}


def test_clerk_of_centre_a_cannot_patch_centre_c(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    before = audit_count()
    response = client_for(clerk).send("patch", f"/api/units/{tree['centre_c'].pk}", {"name": "Đổi tên"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    tree["centre_c"].refresh_from_db()
    assert tree["centre_c"].name == "Trung tâm Kiểm soát bệnh tật"
    assert audit_count() == before


def test_patch_with_token_auth(tree: dict[str, Any], make_user: Any, client_for: Any, token_for: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    clear = token_for(officer)
    response = client_for(None).send(
        "patch", f"/api/units/{tree['centre_b'].pk}", {"short_name": "TT Đức Thọ"}, **bearer(clear)
    )
    assert response.status_code == 200, response.content
    assert last_event().actor_id == officer.pk


def test_patch_move_needs_right_over_new_parent(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    response = client_for(officer).send(
        "patch", f"/api/units/{tree['centre_a'].pk}", {"parent_id": tree["other_dept"].pk}
    )
    assert response.status_code == 403
    tree["centre_a"].refresh_from_db()
    assert tree["centre_a"].parent_id == tree["dept"].pk


def test_patch_dates_out_of_order(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    before = audit_count()
    response = client_for(admin_user).send(
        "patch", f"/api/units/{tree['centre_a'].pk}", {"valid_from": "2025-06-01", "valid_to": "2025-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "dates_out_of_order"
    assert audit_count() == before
