"""Criteria API: JSON codes for the set, its groups and items, copy, lock/unlock, and the XLSX export and import."""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient, audit_count, last_event
from thidua.organizations import services as org_services
from thidua.scoring import xlsx
from thidua.scoring.demo_criteria import build_criteria_demo
from thidua.scoring.models import CriteriaGroup, CriteriaItem, CriteriaSet, CriteriaSetStatus
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(db: Any) -> Callable[..., JsonClient]:
    def _make(user: Any = None) -> JsonClient:
        client = JsonClient()
        if user is not None:
            client.force_login(user)
        return client

    return _make


@pytest.fixture
def head(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])


@pytest.fixture
def clerk(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.UNIT_CLERK, unit=tree["centre_a"])


@pytest.fixture
def demo(tree: dict[str, Any]) -> CriteriaSet:
    return build_criteria_demo(block_year=tree["block_year"], actor=system_actor())


def base(tree: dict[str, Any]) -> str:
    return f"/api/block-years/{tree['block_year'].pk}/criteria"


def test_reads(tree: dict[str, Any], demo: CriteriaSet, clerk: Any, client_for: Any) -> None:
    client = client_for(clerk)
    body = client.get(base(tree)).json()
    assert (body["title"], body["status"], body["base_maximum"], body["item_count"]) == (
        demo.title,
        "draft",
        "100.00",
        23,
    )
    assert [g["code"] for g in body["groups"]] == ["I", "II", "III", "IV", "V", "VI"]
    assert body["groups"][0]["base_maximum"] == "40.00"
    first = body["groups"][0]["items"][0]
    assert (first["code"], first["item_type"], first["max_points"], first["evidence_required"]) == (
        "1.1",
        "points",
        "12.00",
        True,
    )
    bonus = body["groups"][5]["items"][0]
    assert (bonus["item_type"], bonus["per_occurrence"], bonus["cap"]) == ("bonus", "10.00", "10.00")
    item = CriteriaItem.objects.get(code="6.4")
    assert client.get(f"/api/criteria-items/{item.pk}").json()["cap"] is None
    assert client.get("/api/criteria-items/999999").status_code == 404


def test_missing_set_and_block_year_are_404(tree: dict[str, Any], clerk: Any, client_for: Any) -> None:
    client = client_for(clerk)
    assert client.get(base(tree)).json()["code"] == "not_found"
    assert client.get("/api/block-years/999999/criteria").status_code == 404
    assert client.get(base(tree) + "/export").status_code == 404


def test_anonymous_is_401(tree: dict[str, Any], client_for: Any) -> None:
    assert client_for(None).get(base(tree)).status_code == 401


def test_put_creates_then_updates(tree: dict[str, Any], head: Any, client_for: Any) -> None:
    client = client_for(head)
    before = audit_count()
    created = client.send("put", base(tree), {"title": "Bảng điểm 2025", "total_cap": "110"})
    assert created.status_code == 201, created.content
    assert (created.json()["total_cap"], created.json()["groups"]) == ("110.00", [])
    updated = client.send("put", base(tree), {"title": "Bảng điểm năm 2025", "legal_basis": "Luật 2022"})
    assert updated.status_code == 200
    assert (updated.json()["title"], updated.json()["total_cap"]) == ("Bảng điểm năm 2025", None)
    assert audit_count() == before + 2
    bad = client.send("put", base(tree), {"title": "  "})
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (400, "required", "title")
    assert audit_count() == before + 2


def test_groups_and_items_crud(tree: dict[str, Any], head: Any, client_for: Any) -> None:
    client = client_for(head)
    client.send("put", base(tree), {"title": "Bảng điểm"})
    tree_body = client.send("post", base(tree) + "/groups", {"code": "I", "title": "Chuyên môn"}).json()
    g1 = tree_body["groups"][0]["id"]
    g2 = client.send("post", base(tree) + "/groups", {"code": "II", "title": "Thưởng"}).json()["groups"][1]["id"]
    added = client.send(
        "post", f"/api/criteria-groups/{g1}/items", {"code": "1.1", "title": "Chỉ tiêu", "max_points": "10"}
    )
    assert added.status_code == 201, added.content
    item_id = added.json()["id"]
    client.send(
        "post",
        f"/api/criteria-groups/{g1}/items",
        {"code": "1.2", "title": "Văn hóa", "item_type": "yes_no", "max_points": 5},
    )
    bonus = client.send(
        "post",
        f"/api/criteria-groups/{g2}/items",
        {
            "code": "2.1",
            "title": "Cờ",
            "item_type": "bonus",
            "per_occurrence": 10,
            "cap": 10,
            "evidence_required": True,
        },
    )
    assert bonus.status_code == 201
    assert client.get(base(tree)).json()["base_maximum"] == "15.00"

    before = audit_count()
    invalid = client.send(
        "post", f"/api/criteria-groups/{g2}/items", {"code": "2.2", "title": "Trừ", "item_type": "deduction"}
    )
    assert (invalid.status_code, invalid.json()["code"], invalid.json()["field"]) == (
        400,
        "invalid_per_occurrence",
        "per_occurrence",
    )
    duplicate = client.send(
        "post", f"/api/criteria-groups/{g2}/items", {"code": "1.1", "title": "Trùng", "max_points": 1}
    )
    assert duplicate.json()["code"] == "duplicate_code"
    wrong_enum = client.send(
        "post", f"/api/criteria-groups/{g2}/items", {"code": "2.9", "title": "X", "item_type": "vote"}
    )
    assert wrong_enum.status_code == 422
    assert audit_count() == before

    patched = client.send("patch", f"/api/criteria-items/{item_id}", {"max_points": "12.5", "group_id": g2})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["max_points"], patched.json()["group_id"]) == ("12.50", g2)
    foreign = client.send("patch", f"/api/criteria-items/{item_id}", {"group_id": 999999})
    assert (foreign.status_code, foreign.json()["code"]) == (400, "invalid_reference")

    reordered = client.send("put", base(tree) + "/groups/order", {"ids": [g2, g1]})
    assert [g["code"] for g in reordered.json()["groups"]] == ["II", "I"]
    bad_order = client.send("put", base(tree) + "/groups/order", {"ids": [g2]})
    assert bad_order.json()["code"] == "invalid_order"
    items = client.send("put", f"/api/criteria-groups/{g2}/items/order", {"ids": [item_id, bonus.json()["id"]]})
    assert [i["code"] for i in items.json()] == ["1.1", "2.1"]

    renamed = client.send("patch", f"/api/criteria-groups/{g1}", {"title": "Nhiệm vụ chuyên môn"})
    assert renamed.status_code == 200
    assert client.send("delete", f"/api/criteria-items/{item_id}").status_code == 204
    assert client.send("delete", f"/api/criteria-groups/{g1}").status_code == 204
    assert not CriteriaGroup.objects.filter(pk=g1).exists()
    assert last_event().action == "criteria_group.delete"


def test_writes_are_refused_to_a_clerk(tree: dict[str, Any], demo: CriteriaSet, clerk: Any, client_for: Any) -> None:
    client = client_for(clerk)
    group = CriteriaGroup.objects.get(code="I")
    item = CriteriaItem.objects.get(code="1.1")
    before = audit_count()
    responses = [
        client.send("put", base(tree), {"title": "Của tôi"}),
        client.send("post", base(tree) + "/groups", {"code": "X", "title": "X"}),
        client.send("patch", f"/api/criteria-groups/{group.pk}", {"title": "X"}),
        client.send("delete", f"/api/criteria-items/{item.pk}"),
        client.send("post", base(tree) + "/lock"),
        client.post(base(tree) + "/import", {"file": SimpleUploadedFile("a.xlsx", b"x")}),
    ]
    assert [r.status_code for r in responses] == [403] * len(responses)
    assert {r.json()["code"] for r in responses} == {"permission_denied"}
    assert audit_count() == before


def test_copy(tree: dict[str, Any], demo: CriteriaSet, client_for: Any, make_user: Any) -> None:
    next_year = org_services.block_year_create(actor=system_actor(), block=tree["block"], year=2026)
    client = client_for(make_user(Role.BLOCK_HEAD, block_year=next_year))
    url = f"/api/block-years/{next_year.pk}/criteria/copy"
    copied = client.send("post", url, {})
    assert copied.status_code == 201, copied.content
    assert (copied.json()["item_count"], copied.json()["copied_from_id"]) == (23, demo.pk)
    assert copied.json()["title"].endswith("2026")
    again = client.send("post", url, {})
    assert (again.status_code, again.json()["code"]) == (400, "set_not_empty")
    missing = client.send("post", url, {"source_block_year_id": 999999})
    assert (missing.status_code, missing.json()["code"]) == (400, "invalid_reference")


def test_lock_and_unlock(tree: dict[str, Any], demo: CriteriaSet, head: Any, officer: Any, client_for: Any) -> None:
    head_client = client_for(head)
    locked = head_client.send("post", base(tree) + "/lock")
    assert (locked.status_code, locked.json()["status"]) == (200, "locked")
    assert locked.json()["locked_at"]
    item = CriteriaItem.objects.get(code="1.1")
    before = audit_count()
    edit = head_client.send("patch", f"/api/criteria-items/{item.pk}", {"title": "Sửa sau khi khóa"})
    assert (edit.status_code, edit.json()["code"]) == (400, "criteria_locked")
    assert head_client.send("post", base(tree) + "/unlock", {"reason": "Sửa"}).status_code == 403
    assert audit_count() == before
    officer_client = client_for(officer)
    assert officer_client.send("post", base(tree) + "/unlock", {}).status_code == 422
    blank = officer_client.send("post", base(tree) + "/unlock", {"reason": " "})
    assert blank.json()["code"] == "required"
    unlocked = officer_client.send("post", base(tree) + "/unlock", {"reason": "Sửa dòng 1.1"})
    assert (unlocked.status_code, unlocked.json()["status"]) == (200, "draft")
    assert CriteriaSet.objects.get(pk=demo.pk).status == CriteriaSetStatus.DRAFT


def test_export_download(tree: dict[str, Any], demo: CriteriaSet, clerk: Any, client_for: Any) -> None:
    response = client_for(clerk).get(base(tree) + "/export")
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="tieu-chi-k1-2025.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book["Tiêu chí"]["B3"].value == "1.1"


def test_import_upload(tree: dict[str, Any], demo: CriteriaSet, head: Any, client_for: Any) -> None:
    client = client_for(head)
    data = client.get(base(tree) + "/export").content
    other = org_services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    admin_client = client_for(system_actor())
    imported = admin_client.post(
        f"/api/block-years/{other.pk}/criteria/import", {"file": SimpleUploadedFile("t.xlsx", data)}
    )
    assert imported.status_code == 200, imported.content
    assert (imported.json()["item_count"], imported.json()["base_maximum"]) == (23, "100.00")
    before = audit_count()
    broken = client.post(base(tree) + "/import", {"file": SimpleUploadedFile("t.xlsx", b"not a workbook")})
    assert (broken.status_code, broken.json()["code"], broken.json()["field"]) == (400, "xlsx_invalid", "file")
    assert audit_count() == before
    missing = client.post(base(tree) + "/import", {})
    assert missing.status_code == 422


def test_openapi_lists_the_criteria_paths(tree: dict[str, Any], clerk: Any, client_for: Any) -> None:
    paths = client_for(clerk).get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/block-years/{block_year_id}/criteria",
        "/api/block-years/{block_year_id}/criteria/import",
        "/api/criteria-items/{item_id}",
        "/api/block-years/{block_year_id}/scoring-config",
    ):
        assert path in paths


def test_decimal_input_is_checked(tree: dict[str, Any], demo: CriteriaSet, head: Any, client_for: Any) -> None:
    group = CriteriaGroup.objects.get(code="I")
    before = audit_count()
    response = client_for(head).send(
        "post", f"/api/criteria-groups/{group.pk}/items", {"code": "1.9", "title": "X", "max_points": "1.234"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "too_many_decimals")
    assert audit_count() == before
    assert Decimal(CriteriaItem.objects.get(code="1.1").max_points) == Decimal(12)
