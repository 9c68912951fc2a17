"""Registry API: search, get, create (with the duplicate refused), import (all or nothing, row details), revoke,
timelines, the catalogue read and a prize quote; JSON error codes per role."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.awards.models import Award, ImportBatch
from thidua.awards.services.registry import award_record
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])


@pytest.fixture
def flag(tree: dict[str, Any]) -> Award:
    return award_record(
        actor=system_actor(),
        award_type="co_tinh",
        unit=tree["centre_a"],
        year=2023,
        decision_number="125/QĐ-UBND",
        decision_date=dt.date(2024, 1, 20),
        issuing_body="Ủy ban nhân dân tỉnh Quảng Trị",
    )


def body(tree: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "award_type": "cstd_co_so",
        "year": 2023,
        "person_id": tree["person_a"].pk,
        "decision_number": "16/QĐ-SNV",
        "decision_date": "2024-01-15",
        "amount": 1_000_000,
        **changes,
    }


def test_search_and_get(tree: dict[str, Any], flag: Award, make_user: Any) -> None:
    client = signed_in(make_user(Role.VIEWER))
    response = client.get("/api/awards", {"q": "quang tri"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["items"][0]["recipient_name"] == "Trung tâm Lưu trữ lịch sử"
    assert data["items"][0]["award_type"] == "co_tinh"
    assert data["items"][0]["revoked"] is False
    assert client.get("/api/awards", {"q": "nothing here"}).json()["count"] == 0
    assert client.get("/api/awards", {"unit": tree["dept"].pk, "year": 2023}).json()["count"] == 1
    response = client.get(f"/api/awards/{flag.pk}")
    assert response.status_code == 200
    assert response.json()["decision_number"] == "125/QĐ-UBND"
    assert client.get("/api/awards/99999").json()["code"] == "not_found"
    assert JsonClient().get("/api/awards").status_code == 401


def test_create_and_duplicate(tree: dict[str, Any], officer: Any) -> None:
    client = signed_in(officer)
    response = client.send("post", "/api/awards", body(tree))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["person_id"] == tree["person_a"].pk
    assert data["unit_id"] == tree["centre_a"].pk
    events = AuditEvent.objects.count()
    response = client.send("post", "/api/awards", body(tree, decision_number="17/QĐ-SNV"))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_award"
    response = client.send("post", "/api/awards", body(tree, year=2022, decision_date="2021-12-01"))
    assert response.status_code == 400
    assert response.json()["code"] == "decision_before_achievement"
    response = client.send("post", "/api/awards", body(tree, person_id=99999))
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_reference",
        "message": response.json()["message"],
        "field": "person_id",
    }
    response = client.send("post", "/api/awards", body(tree, person_id=tree["person_c"].pk))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Award.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_import_all_or_nothing(tree: dict[str, Any], officer: Any) -> None:
    client = signed_in(officer)
    header = "Danh hiệu / hình thức,Tập thể / cá nhân,Đơn vị,Năm thành tích,Số tiền thưởng (đồng)\n"
    bad = header + "ttldtt,Tập thể,TTA,2022,\nttldtt,Tập thể,TTB,2022,1.5\nttldtt,Tập thể,TTA,2022,\n"
    response = client.post("/api/awards/import", {"file": SimpleUploadedFile("h.csv", bad.encode())})
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "import_invalid"
    assert [(d["row"], d["code"]) for d in data["details"]] == [(3, "invalid_amount"), (4, "duplicate_award")]
    assert Award.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    good = header + "ttldtt,Tập thể,TTA,2022,\nttldtt,Tập thể,TTB,2022,1880000\n"
    response = client.post("/api/awards/import", {"file": SimpleUploadedFile("h.csv", good.encode())})
    assert response.status_code == 201
    assert response.json()["created"] == 2
    assert response.json()["file_name"] == "h.csv"


def test_import_refused_to_a_unit_clerk(tree: dict[str, Any], make_user: Any) -> None:
    client = signed_in(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    response = client.post("/api/awards/import", {"file": SimpleUploadedFile("h.csv", b"x")})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_revoke(tree: dict[str, Any], flag: Award, officer: Any, make_user: Any) -> None:
    payload = {"revoked_on": "2024-05-01", "reason": "Kê khai sai", "recovery_amount": None}
    response = signed_in(make_user(Role.VIEWER)).send("post", f"/api/awards/{flag.pk}/revoke", payload)
    assert response.status_code == 403
    client = signed_in(officer)
    response = client.send("post", f"/api/awards/{flag.pk}/revoke", payload)
    assert response.status_code == 200
    assert response.json()["revoked"] is True
    response = client.send("post", f"/api/awards/{flag.pk}/revoke", payload)
    assert response.status_code == 409
    assert response.json()["code"] == "already_revoked"


def test_timelines(tree: dict[str, Any], flag: Award, make_user: Any) -> None:
    client = signed_in(make_user(Role.VIEWER))
    response = client.get(f"/api/units/{tree['centre_a'].pk}/awards")
    assert response.status_code == 200
    assert [(y["year"], [a["award_type"] for a in y["awards"]]) for y in response.json()] == [(2023, ["co_tinh"])]
    response = client.get(f"/api/people/{tree['person_a'].pk}/awards")
    assert response.status_code == 200
    assert response.json() == []
    assert client.get("/api/units/99999/awards").status_code == 404


def test_catalogue_and_prize_quote(tree: dict[str, Any], make_user: Any) -> None:
    client = signed_in(make_user(Role.VIEWER))
    codes = [row["code"] for row in client.get("/api/award-types").json()]
    assert {"ldtt", "cstd_co_so", "co_chinh_phu", "giay_khen"} <= set(codes)
    response = client.get("/api/award-types/ttldtt/prize", {"recipient": "collective", "date": "2025-01-15"})
    assert response.status_code == 200
    assert response.json()["amount"] == 1_880_000
    assert response.json()["base_salary"] == 2_340_000
    response = client.get("/api/award-types/ttldtt/prize", {"recipient": "individual", "date": "2025-01-15"})
    assert response.status_code == 400
    assert response.json()["code"] == "recipient_not_allowed"
    assert (
        client.get("/api/award-types/nope/prize", {"recipient": "individual", "date": "2025-01-15"}).status_code == 404
    )


def test_search_count_stops_at_the_cap(
    tree: dict[str, Any], flag: Award, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thidua.api.common import CappedPageNumberPagination
    from thidua.awards.services.registry import award_record
    from thidua.tests_support.factories import system_actor

    for unit in (tree["centre_b"], tree["centre_c"]):
        award_record(
            actor=system_actor(),
            award_type="ttldtt",
            unit=unit,
            year=2023,
            decision_number="15/QĐ-SNV",
            decision_date=dt.date(2024, 1, 15),
        )
    client = signed_in(make_user(Role.VIEWER))
    assert client.get("/api/awards", {"q": "trung tam"}).json()["capped"] is False
    monkeypatch.setattr(CappedPageNumberPagination, "count_cap", 2)
    data = client.get("/api/awards", {"q": "trung tam"}).json()
    assert (data["count"], data["capped"], len(data["items"])) == (2, True, 2)
    assert client.get("/api/awards", {"q": "trung tam", "page": "5"}).json()["items"] == []
