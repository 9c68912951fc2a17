"""Movements API: JSON codes for reads and writes, visibility (404 for hidden drafts), uploads, the OpenAPI document."""

import datetime as dt
from typing import Any

import pytest

from thidua.api.tests.helpers import audit_count, last_event
from thidua.attachments.services import attachments_of
from thidua.movements import services
from thidua.movements.models import Activity, Movement, Practice, PracticeAdoption, PracticeComment
from thidua.movements.tests.conftest import NothingWritten, make_criteria, upload
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- movements


def test_movement_reads(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["viewer"])
    by = w["block_year"].pk
    rows = client.get(f"/api/block-years/{by}/movements").json()
    assert [(r["title"], r["participant_count"], r["activity_count"]) for r in rows] == [
        ("Chuyển đổi số trong cơ quan", 2, 1)
    ]
    assert rows[0]["status"] in {"planned", "running", "finished"}
    assert client.get(f"/api/block-years/{by}/movements", {"q": "chuyen doi"}).json()[0]["id"] == w["movement"].pk
    assert client.get(f"/api/block-years/{by}/movements", {"q": "van minh"}).json() == []
    detail = client.get(f"/api/movements/{w['movement'].pk}").json()
    assert {p["unit"]["code"] for p in detail["participants"]} == {"TTA", "TTB"}
    assert detail["participants"][0]["joined_on"] == "2025-02-01"
    assert client.get("/api/movements/999999").status_code == 404
    assert client.get("/api/block-years/999999/movements").status_code == 404


def test_anonymous_is_401(w: dict[str, Any], client_for: Any) -> None:
    response = client_for(None).get(f"/api/movements/{w['movement'].pk}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_movement_create_update_delete(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    item = make_criteria(w["block_year"])
    client = client_for(users["block_head"])
    before = audit_count()
    created = client.send(
        "post",
        f"/api/block-years/{w['block_year'].pk}/movements",
        {
            "title": "Cải cách hành chính",
            "theme": "administrative_reform",
            "start_date": "2025-01-15",
            "end_date": "2025-12-15",
            "participant_ids": [w["centre_a"].pk],
            "criteria_item_ids": [item.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["criteria"] == [{"id": item.pk, "code": "1.1", "title": "Tổ chức phong trào thi đua"}]
    assert audit_count() == before + 1
    assert last_event().action == "movement.create"
    patched = client.send(
        "patch",
        f"/api/movements/{body['id']}",
        {"goals": "Rút ngắn thời gian giải quyết hồ sơ.", "participant_ids": []},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["participants"] == []
    assert patched.json()["goals"] == "Rút ngắn thời gian giải quyết hồ sơ."
    assert client.send("delete", f"/api/movements/{body['id']}").status_code == 204
    assert not Movement.objects.filter(pk=body["id"]).exists()


def test_movement_errors(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    path = f"/api/block-years/{w['block_year'].pk}/movements"
    good = {"title": "X", "start_date": "2025-01-01", "end_date": "2025-12-31"}
    with NothingWritten():
        response = client_for(users["unit_head"]).send("post", path, good)
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
        client = client_for(users["block_head"])
        response = client.send("post", path, {**good, "end_date": "2024-12-31"})
        assert (response.status_code, response.json()["code"], response.json()["field"]) == (
            400,
            "dates_out_of_order",
            "end_date",
        )
        response = client.send("post", path, {**good, "participant_ids": [999999]})
        assert (response.status_code, response.json()["code"]) == (400, "invalid_reference")
        response = client.send("post", path, {**good, "theme": "nope"})
        assert (response.status_code, response.json()["code"]) == (422, "invalid")
        response = client.send("patch", f"/api/movements/{w['movement'].pk}", {"title": ""})
        assert (response.status_code, response.json()["code"]) == (400, "required")


def test_join_leave_and_criteria(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    movement = w["movement"].pk
    client = client_for(users["clerk_c"])
    joined = client.send("post", f"/api/movements/{movement}/participants", {"unit_id": w["centre_c"].pk})
    assert joined.status_code == 201, joined.content
    again = client.send("post", f"/api/movements/{movement}/participants", {"unit_id": w["centre_c"].pk})
    assert (again.status_code, again.json()["code"]) == (400, "already_joined")
    other = client.send("post", f"/api/movements/{movement}/participants", {"unit_id": w["board"].pk})
    assert other.status_code == 403
    assert client.send("delete", f"/api/movements/{movement}/participants/{w['centre_c'].pk}").status_code == 204
    item = make_criteria(w["block_year"])
    assert (
        client.send("put", f"/api/movements/{movement}/criteria", {"criteria_item_ids": [item.pk]}).status_code == 403
    )
    head = client_for(users["block_head"])
    linked = head.send("put", f"/api/movements/{movement}/criteria", {"criteria_item_ids": [item.pk]})
    assert linked.status_code == 200
    assert [c["id"] for c in linked.json()["criteria"]] == [item.pk]


# ---------------------------------------------------------------- activities


def test_activity_crud_and_attachments(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["unit_clerk"])
    by = w["block_year"].pk
    created = client.send(
        "post",
        f"/api/block-years/{by}/activities",
        {
            "kind": "experience_exchange",
            "title": "Hội thảo trao đổi kinh nghiệm số hóa",
            "date": "2025-09-12",
            "organiser_id": w["centre_a"].pk,
            "movement_id": w["movement"].pk,
            "participant_ids": [w["centre_b"].pk, w["board"].pk],
            "attendee_count": 45,
        },
    )
    assert created.status_code == 201, created.content
    activity_id = created.json()["id"]
    assert created.json()["attachments"] == []
    listed = client.get(f"/api/block-years/{by}/activities", {"kind": "experience_exchange"}).json()
    assert [row["id"] for row in listed["items"]] == [activity_id]
    assert client.get(f"/api/block-years/{by}/activities", {"month": 3}).json()["count"] == 1

    uploaded = client.post(f"/api/activities/{activity_id}/attachments", {"file": upload("bien-ban-hoi-thao.pdf")})
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["name"] == "bien-ban-hoi-thao.pdf"
    assert uploaded.json()["url"].startswith("/attachments/")
    detail = client.get(f"/api/activities/{activity_id}").json()
    assert [a["name"] for a in detail["attachments"]] == ["bien-ban-hoi-thao.pdf"]
    bad = client.post(f"/api/activities/{activity_id}/attachments", {"file": upload("x.exe")})
    assert (bad.status_code, bad.json()["code"]) == (400, "file_type_not_allowed")
    attachment_id = uploaded.json()["id"]
    assert (
        client_for(users["clerk_c"]).post(f"/api/activities/{activity_id}/attachments", {"file": upload()}).status_code
        == 403
    )

    patched = client.send("patch", f"/api/activities/{activity_id}", {"attendee_count": 50, "participant_ids": []})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["attendee_count"], patched.json()["participants"]) == (50, [])
    moved = client.send("patch", f"/api/activities/{activity_id}", {"organiser_id": w["centre_c"].pk})
    assert moved.status_code == 403

    assert client.send("delete", f"/api/activities/{activity_id}/attachments/{attachment_id}").status_code == 204
    assert client.send("delete", f"/api/activities/{activity_id}").status_code == 204
    assert not Activity.objects.filter(pk=activity_id).exists()


def test_activity_errors(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    path = f"/api/block-years/{w['block_year'].pk}/activities"
    data = {"title": "Hội thao", "date": "2025-05-01", "organiser_id": w["centre_a"].pk}
    with NothingWritten():
        response = client_for(users["viewer"]).send("post", path, data)
        assert response.status_code == 403
        client = client_for(users["block_head"])
        response = client.send("post", path, {**data, "date": "2020-05-01"})
        assert (response.status_code, response.json()["code"]) == (400, "date_out_of_range")
        response = client.send("post", path, {**data, "organiser_id": 999999})
        assert (response.status_code, response.json()["field"]) == (400, "organiser_id")
        response = client.send("post", path, {**data, "attendee_count": -1})
        assert response.status_code == 422
    assert client.get("/api/activities/999999").status_code == 404


# ---------------------------------------------------------------- practices


def test_practice_lifecycle(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    clerk = client_for(users["unit_clerk"])
    created = clerk.send(
        "post",
        "/api/practices",
        {
            "block_year_id": w["block_year"].pk,
            "unit_id": w["centre_a"].pk,
            "title": "Một cửa liên thông điện tử",
            "movement_id": w["movement"].pk,
            "problem": "Hồ sơ chậm.",
            "approach": "Tiếp nhận trực tuyến.",
            "results": "Đúng hạn 100%.",
            "contact": "Lê Thị Hà, ha@example.vn",
        },
    )
    assert created.status_code == 201, created.content
    practice_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["theme"] == "digital_transformation"
    viewer = client_for(users["viewer"])
    assert viewer.get(f"/api/practices/{practice_id}").status_code == 404  # a draft is hidden
    assert viewer.send("post", f"/api/practices/{practice_id}/comments", {"text": "?"}).status_code == 404
    drafts = clerk.get("/api/practices", {"status": "draft"}).json()
    assert [p["id"] for p in drafts["items"]] == [practice_id]
    assert viewer.get("/api/practices", {"status": "draft"}).json()["count"] == 0

    published = clerk.send("post", f"/api/practices/{practice_id}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    again = clerk.send("post", f"/api/practices/{practice_id}/publish")
    assert (again.status_code, again.json()["code"]) == (409, "not_draft")
    assert viewer.get(f"/api/practices/{practice_id}").status_code == 200

    comment = viewer.send("post", f"/api/practices/{practice_id}/comments", {"text": "Học tập!"})
    assert comment.status_code == 201
    assert [c["text"] for c in viewer.get(f"/api/practices/{practice_id}/comments").json()] == ["Học tập!"]
    assert clerk.send("delete", f"/api/practices/{practice_id}/comments/{comment.json()['id']}").status_code == 403
    assert viewer.send("delete", f"/api/practices/{practice_id}/comments/{comment.json()['id']}").status_code == 204
    assert not PracticeComment.objects.exists()

    own = clerk.send("post", f"/api/practices/{practice_id}/adoptions", {"unit_id": w["centre_a"].pk})
    assert (own.status_code, own.json()["code"]) == (400, "own_practice")
    clerk_c = client_for(users["clerk_c"])
    adopted = clerk_c.send(
        "post", f"/api/practices/{practice_id}/adoptions", {"unit_id": w["centre_c"].pk, "note": "Áp dụng từ quý III"}
    )
    assert adopted.status_code == 201, adopted.content
    assert clerk_c.get(f"/api/practices/{practice_id}/adoptions").json()[0]["unit"]["code"] == "TTC"
    twice = clerk_c.send("post", f"/api/practices/{practice_id}/adoptions", {"unit_id": w["centre_c"].pk})
    assert (twice.status_code, twice.json()["code"]) == (400, "already_adopted")
    adoption_id = adopted.json()["id"]
    assert clerk_c.send("delete", f"/api/practices/{practice_id}/adoptions/{adoption_id}").status_code == 204
    assert not PracticeAdoption.objects.exists()

    file = clerk.post(f"/api/practices/{practice_id}/attachments", {"file": upload("quy-trinh.docx")})
    assert file.status_code == 201, file.content
    assert clerk.get(f"/api/practices/{practice_id}").json()["attachments"][0]["name"] == "quy-trinh.docx"
    assert clerk.send("delete", f"/api/practices/{practice_id}/attachments/{file.json()['id']}").status_code == 204
    assert not attachments_of(Practice.objects.get(pk=practice_id)).exists()

    assert clerk.send("patch", f"/api/practices/{practice_id}", {"title": "Một cửa điện tử"}).json()["title"] == (
        "Một cửa điện tử"
    )
    withdrawn = client_for(users["provincial"]).send(
        "post", f"/api/practices/{practice_id}/withdraw", {"reason": "Thay bằng mô hình mới"}
    )
    assert withdrawn.json()["status"] == "withdrawn"
    deleted = clerk.send("delete", f"/api/practices/{practice_id}")
    assert (deleted.status_code, deleted.json()["code"]) == (409, "not_draft")


def test_practice_search_is_tone_insensitive(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["viewer"])
    assert client.get("/api/practices", {"q": "chuyen doi so"}).json()["count"] == 1
    assert client.get("/api/practices", {"q": "duc"}).json()["items"][0]["title"] == "Số hóa hồ sơ lưu trữ"
    assert client.get("/api/practices", {"q": "bong chuyen"}).json()["count"] == 0
    row = client.get("/api/practices", {"unit": w["centre_a"].pk}).json()["items"][0]
    assert (row["unit"]["code"], row["comment_count"], row["adoption_count"]) == ("TTA", 0, 0)
    assert client.get("/api/practices", {"block_year": 999999}).status_code == 404


def test_practice_create_errors(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    data = {"block_year_id": w["block_year"].pk, "unit_id": w["centre_a"].pk, "title": "Mô hình"}
    with NothingWritten():
        response = client_for(users["clerk_c"]).send("post", "/api/practices", data)
        assert response.status_code == 403
        client = client_for(users["unit_clerk"])
        response = client.send("post", "/api/practices", {**data, "block_year_id": 999999})
        assert (response.status_code, response.json()["field"]) == (400, "block_year_id")
        response = client.send("post", "/api/practices", {**data, "title": "  "})
        assert (response.status_code, response.json()["code"]) == (400, "required")


def test_practice_write_on_a_hidden_draft_is_404(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    draft = services.practice_create(actor=system_actor(), block_year=w["block_year"], unit=w["centre_a"], title="Nháp")
    client = client_for(users["clerk_c"])
    with NothingWritten():
        assert client.send("patch", f"/api/practices/{draft.pk}", {"title": "X"}).status_code == 404
        assert client.send("post", f"/api/practices/{draft.pk}/publish").status_code == 404
        assert client.send("delete", f"/api/practices/{draft.pk}").status_code == 404


# ---------------------------------------------------------------- summary and docs


def test_movement_summary(w: dict[str, Any], users: dict[str, Any], client_for: Any) -> None:
    client = client_for(users["viewer"])
    body = client.get(f"/api/block-years/{w['block_year'].pk}/movement-summary", {"as_of": "2025-03-31"}).json()
    assert body["as_of"] == "2025-03-31"
    assert (body["block"]["movements"], body["block"]["activities"], body["block"]["practices"]) == (1, 1, 0)
    assert len(body["units"]) == 4
    by_unit = {row["unit_id"]: row for row in body["units"]}
    assert by_unit[w["centre_a"].pk]["activities_organised"] == 1
    later = client.get(f"/api/block-years/{w['block_year'].pk}/movement-summary").json()
    assert later["block"]["practices"] == 1
    assert later["as_of"] is None


def test_openapi_lists_the_endpoints(admin_user: Any, client_for: Any) -> None:
    schema = client_for(admin_user).get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/block-years/{block_year_id}/movements",
        "/api/movements/{movement_id}",
        "/api/movements/{movement_id}/participants",
        "/api/movements/{movement_id}/participants/{unit_id}",
        "/api/movements/{movement_id}/criteria",
        "/api/block-years/{block_year_id}/activities",
        "/api/activities/{activity_id}",
        "/api/activities/{activity_id}/attachments",
        "/api/practices",
        "/api/practices/{practice_id}",
        "/api/practices/{practice_id}/publish",
        "/api/practices/{practice_id}/withdraw",
        "/api/practices/{practice_id}/comments",
        "/api/practices/{practice_id}/adoptions",
        "/api/practices/{practice_id}/attachments",
        "/api/block-years/{block_year_id}/movement-summary",
    ]:
        assert path in paths, path
    upload_body = paths["/api/activities/{activity_id}/attachments"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body


def test_list_endpoints_are_bounded(
    w: dict[str, Any], users: dict[str, Any], client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(10):
        services.activity_create(
            actor=system_actor(),
            block_year=w["block_year"],
            organiser=w["centre_b"],
            title=f"Hoạt động {i}",
            date=dt.date(2025, 5, i + 1),
            participants=[w["centre_a"], w["centre_c"]],
        )
        practice = services.practice_create(
            actor=system_actor(),
            block_year=w["block_year"],
            unit=w["centre_b"],
            title=f"Mô hình {i}",
            problem="P",
            approach="A",
            results="R",
        )
        services.practice_publish(actor=system_actor(), practice=practice)
    client = client_for(users["viewer"])
    client.get("/api/practices")  # warm the session and role caches
    for path in [
        f"/api/block-years/{w['block_year'].pk}/activities?page_size=100",
        "/api/practices?page_size=100",
        f"/api/block-years/{w['block_year'].pk}/movements",
    ]:
        with django_assert_max_num_queries(10):
            response = client.get(path)
        assert response.status_code == 200
