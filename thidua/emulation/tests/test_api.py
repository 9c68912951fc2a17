"""The emulation API: JSON shapes, stable error codes, 404 for what a user may not see, and the OpenAPI paths."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thidua.emulation.demo import build_emulation_demo
from thidua.emulation.models import (
    Covenant,
    CovenantSignature,
    KeyTask,
    KeyTaskUpdate,
    MidyearReview,
    Registration,
    RegistrationStatus,
    ReviewStatus,
)
from thidua.emulation.tests.helpers import last_action, state
from thidua.organizations.models import BlockYear
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 20)


@pytest.fixture
def year(tree: dict[str, Any]) -> BlockYear:
    block_year = tree["block_year"]
    build_emulation_demo(block_year=block_year, actor=system_actor(), today=TODAY)
    return block_year


def base(block_year: BlockYear) -> str:
    return f"/api/block-years/{block_year.pk}"


# --- plan and covenant ---------------------------------------------------------------------------------------------


def test_plan_get_and_put(tree: dict[str, Any], users: dict[str, Any], api_for: Any) -> None:
    block_year = tree["block_year"]
    empty = api_for(users["viewer"]).get(f"{base(block_year)}/plan").json()
    assert empty == {"block_year_id": block_year.pk, "objectives": "", "milestones": [], "updated_at": None}
    body = {"objectives": "Mục tiêu", "milestones": [{"date": "2025-02-25", "title": "Ký giao ước"}]}
    response = api_for(users["head"]).send("put", f"{base(block_year)}/plan", body)
    assert response.status_code == 200, response.content
    assert response.json()["milestones"] == [{"date": "2025-02-25", "title": "Ký giao ước"}]
    assert last_action() == "plan.create"
    before = state()
    refused = api_for(users["clerk"]).send("put", f"{base(block_year)}/plan", body)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    bad = api_for(users["head"]).send(
        "put", f"{base(block_year)}/plan", {"milestones": [{"date": "2030-01-01", "title": "x"}]}
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "milestone_out_of_range"
    assert state() == before
    assert api_for(users["viewer"]).get("/api/block-years/999999/plan").status_code == 404


def test_covenant_lifecycle(tree: dict[str, Any], users: dict[str, Any], api_for: Any) -> None:
    block_year = tree["block_year"]
    head = api_for(users["head"])
    none = api_for(users["viewer"]).get(f"{base(block_year)}/covenant").json()
    assert none["status"] is None
    assert none["members"] == 4
    assert head.post(f"{base(block_year)}/covenant/open").status_code == 404  # no covenant yet
    saved = head.send(
        "put", f"{base(block_year)}/covenant", {"title": "Giao ước", "commitments": ["Một", "Hai"]}
    ).json()
    assert saved["status"] == "draft"
    assert saved["commitments"] == ["Một", "Hai"]
    opened = head.post(f"{base(block_year)}/covenant/open")
    assert opened.json()["status"] == "open"
    locked = head.send("put", f"{base(block_year)}/covenant", {"title": "Khác"})
    assert locked.status_code == 409
    assert locked.json()["code"] == "covenant_not_draft"
    signer = api_for(users["unit_head"])
    signed = signer.send("post", f"{base(block_year)}/covenant/sign", {"unit_id": tree["centre_a"].pk})
    assert signed.status_code == 200, signed.content
    assert signed.json()["signed"] == 1
    twice = signer.send("post", f"{base(block_year)}/covenant/sign", {"unit_id": tree["centre_a"].pk})
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_signed"
    other = signer.send("post", f"{base(block_year)}/covenant/sign", {"unit_id": tree["centre_b"].pk})
    assert other.status_code == 403
    ghost = signer.send("post", f"{base(block_year)}/covenant/sign", {"unit_id": 999999})
    assert ghost.status_code == 400
    assert ghost.json()["code"] == "invalid_reference"
    board = api_for(users["viewer"]).get(f"{base(block_year)}/covenant/signatures").json()
    assert [row["signed"] for row in board] == [True, False, False, False]
    assert board[0]["leadership_role"] == "head"
    withdrawn = signer.send("post", f"{base(block_year)}/covenant/withdraw", {"unit_id": tree["centre_a"].pk})
    assert withdrawn.json()["signed"] == 0
    reopened = head.send("post", f"{base(block_year)}/covenant/reopen", {"reason": "Sửa"})
    assert reopened.json()["status"] == "draft"
    head.post(f"{base(block_year)}/covenant/open")
    closed = head.post(f"{base(block_year)}/covenant/close")
    assert closed.json()["status"] == "closed"
    assert CovenantSignature.objects.count() == 0


def test_covenant_sign_refused_to_clerk_writes_nothing(
    year: BlockYear, users: dict[str, Any], tree: Any, api_for: Any
) -> None:
    before = state()
    response = api_for(users["clerk"]).send("post", f"{base(year)}/covenant/sign", {"unit_id": tree["board"].pk})
    assert response.status_code == 403
    assert state() == before


# --- registrations -------------------------------------------------------------------------------------------------


def test_registration_list_and_get(year: BlockYear, users: dict[str, Any], tree: Any, api_for: Any) -> None:
    client = api_for(users["viewer"])
    rows = client.get(f"{base(year)}/registrations").json()
    assert len(rows) == 4
    assert {row["status"] for row in rows} <= {"submitted", "acknowledged"}
    assert all(row["task_count"] >= 3 for row in rows)
    one = client.get(f"{base(year)}/registrations/{tree['centre_a'].pk}").json()
    assert one["unit"]["id"] == tree["centre_a"].pk
    assert "advanced_labourer" in one["individual_targets"]
    assert client.get(f"{base(year)}/registrations/{tree['dept'].pk}").status_code == 404


def test_registration_put_submit_acknowledge_return(tree: dict[str, Any], users: dict[str, Any], api_for: Any) -> None:
    block_year, unit = tree["block_year"], tree["centre_a"]
    path = f"{base(block_year)}/registrations/{unit.pk}"
    blank = api_for(users["viewer"]).get(path).json()
    assert blank["id"] is None
    assert blank["status"] is None
    clerk = api_for(users["clerk"])
    assert clerk.post(f"{path}/submit").status_code == 404  # nothing to submit yet
    saved = clerk.send(
        "put", path, {"collective_titles": ["excellent_collective"], "individual_targets": {"advanced_labourer": 9}}
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "draft"
    before = state()
    negative = clerk.send("put", path, {"individual_targets": {"advanced_labourer": -2}})
    assert negative.status_code == 400
    assert negative.json()["code"] == "negative_count"
    assert negative.json()["field"] == "individual_targets.advanced_labourer"
    wrong = clerk.send("put", path, {"collective_titles": ["gold"]})
    assert wrong.json()["code"] == "invalid_choice"
    assert api_for(users["unit_head_b"]).send("put", path, {}).status_code == 403
    assert state() == before
    assert clerk.post(f"{path}/submit").json()["status"] == "submitted"
    locked = clerk.send("put", path, {})
    assert locked.status_code == 409
    assert locked.json()["code"] == "registration_locked"
    assert api_for(users["deputy"]).post(f"{path}/acknowledge").status_code == 403
    head = api_for(users["head"])
    assert head.post(f"{path}/acknowledge").json()["status"] == "acknowledged"
    no_reason = head.send("post", f"{path}/return", {"reason": ""})
    assert no_reason.status_code == 400
    assert no_reason.json()["code"] == "required"
    returned = head.send("post", f"{path}/return", {"reason": "Bổ sung"}).json()
    assert returned["status"] == "returned"
    assert returned["return_reason"] == "Bổ sung"
    assert Registration.objects.get().status == RegistrationStatus.RETURNED


# --- key tasks and progress ----------------------------------------------------------------------------------------


def test_task_crud(tree: dict[str, Any], users: dict[str, Any], api_for: Any) -> None:
    block_year, unit = tree["block_year"], tree["centre_a"]
    tasks_path = f"{base(block_year)}/registrations/{unit.pk}/tasks"
    clerk = api_for(users["clerk"])
    assert clerk.get(tasks_path).json() == []
    created = clerk.send(
        "post",
        tasks_path,
        {
            "title": "Số hóa hồ sơ",
            "due_date": "2025-09-30",
            "target_value": "5000",
            "target_unit": "hồ sơ",
            "owner_id": tree["person_a"].pk,
            "weight": 2,
        },
    )
    assert created.status_code == 201, created.content
    task = created.json()
    assert task["progress"] == 0
    assert task["owner"]["full_name"] == "Nguyễn Văn Đức"
    assert task["unit_id"] == unit.pk
    before = state()
    bad = clerk.send("post", tasks_path, {"title": "X", "due_date": "2026-02-01"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "due_date_out_of_range"
    ghost = clerk.send("post", tasks_path, {"title": "X", "due_date": "2025-02-01", "owner_id": 999999})
    assert ghost.json()["code"] == "invalid_reference"
    assert api_for(users["head"]).send("post", tasks_path, {"title": "X", "due_date": "2025-02-01"}).status_code == 403
    assert state() == before
    patched = clerk.send("patch", f"/api/key-tasks/{task['id']}", {"weight": 5, "owner_id": None})
    assert patched.json()["weight"] == 5
    assert patched.json()["owner"] is None
    assert api_for(users["viewer"]).get(f"/api/key-tasks/{task['id']}").status_code == 404
    assert api_for(users["viewer"]).get(tasks_path).status_code == 404
    assert api_for(users["deputy"]).get(f"/api/key-tasks/{task['id']}").json()["title"] == "Số hóa hồ sơ"
    assert clerk.delete(f"/api/key-tasks/{task['id']}").status_code == 204
    assert not KeyTask.objects.exists()


def test_progress_multipart_with_evidence(year: BlockYear, users: dict[str, Any], tree: Any, api_for: Any) -> None:
    task = KeyTask.objects.filter(registration__unit=tree["centre_a"]).order_by("position").first()
    assert task is not None
    clerk = api_for(users["clerk"])
    path = f"/api/key-tasks/{task.pk}/updates"
    evidence = [
        SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4", content_type="application/pdf"),
        SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
    ]
    response = clerk.post(
        path, {"date": "2025-11-15", "progress": "100", "actual_value": "12000", "note": "Xong", "evidence": evidence}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["progress"] == 100
    assert sorted(e["name"] for e in body["evidence"]) == ["anh.jpg", "bien-ban.pdf"]
    assert body["evidence"][0]["url"].startswith("/attachments/")
    plain = clerk.post(path, {"date": "2025-11-16", "progress": "100"})
    assert plain.status_code == 201
    listed = clerk.get(path).json()
    assert listed[0]["date"] == "2025-11-16"
    detail = clerk.get(f"/api/key-tasks/{task.pk}").json()
    assert detail["progress"] == 100
    assert detail["overdue"] is False
    before = state()
    too_much = clerk.post(path, {"date": "2025-11-15", "progress": "150"})
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "invalid_progress"
    exe = clerk.post(path, {"date": "2025-11-15", "progress": "10", "evidence": SimpleUploadedFile("x.exe", b"MZ")})
    assert exe.json()["code"] == "file_type_not_allowed"
    assert api_for(users["head"]).post(path, {"date": "2025-11-15", "progress": "10"}).status_code == 403
    missing = clerk.post(path, {"progress": "10"})
    assert missing.status_code == 422
    assert state() == before
    update = KeyTaskUpdate.objects.filter(task=task).order_by("-id").first()
    assert update is not None
    assert clerk.delete(f"{path}/{update.pk}").status_code == 204
    assert not KeyTaskUpdate.objects.filter(pk=update.pk).exists()


def test_task_list_flags_overdue_as_of(year: BlockYear, users: dict[str, Any], tree: Any, api_for: Any) -> None:
    path = f"{base(year)}/registrations/{tree['centre_a'].pk}/tasks"
    tasks = api_for(users["deputy"]).get(path, {"as_of": "2026-01-15"}).json()
    assert any(task["overdue"] for task in tasks)
    early = api_for(users["deputy"]).get(path, {"as_of": "2025-01-31"}).json()
    assert not any(task["overdue"] for task in early)


# --- progress overview and mid-year ----------------------------------------------------------------------------


def test_task_progress_overview(year: BlockYear, users: dict[str, Any], api_for: Any) -> None:
    rows = api_for(users["head"]).get(f"{base(year)}/task-progress", {"as_of": "2025-11-20"}).json()
    assert len(rows) == 4
    assert set(rows[0]["progress"]) == {"total", "completed", "overdue", "in_progress", "mean_progress"}
    assert api_for(users["clerk"]).get(f"{base(year)}/task-progress").status_code == 404


def test_midyear_get_put_publish(tree: dict[str, Any], users: dict[str, Any], api_for: Any) -> None:
    block_year = tree["block_year"]
    path = f"{base(block_year)}/midyear"
    live = api_for(users["unit_head"]).get(path, {"as_of": "2025-06-30"}).json()
    assert live["review"] is None
    assert live["figures"]["as_of"] == "2025-06-30"
    assert len(live["figures"]["units"]) == 4
    assert api_for(users["viewer"]).get(path).status_code == 404
    head = api_for(users["head"])
    body = {
        "summary": "Sơ kết",
        "cutoff_date": "2025-06-30",
        "remarks": [{"unit_id": tree["centre_a"].pk, "remark": "Tốt"}],
    }
    saved = head.send("put", path, body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["review"]["remarks"] == [{"unit_id": tree["centre_a"].pk, "remark": "Tốt"}]
    before = state()
    outsider = head.send("put", path, {**body, "remarks": [{"unit_id": tree["dept"].pk, "remark": "x"}]})
    assert outsider.status_code == 400
    assert outsider.json()["code"] == "not_member"
    assert api_for(users["deputy"]).send("put", path, body).status_code == 403
    assert state() == before
    published = head.send("post", f"{path}/publish", {})
    assert published.status_code == 200, published.content
    assert published.json()["review"]["status"] == "published"
    assert MidyearReview.objects.get().status == ReviewStatus.PUBLISHED
    again = head.send("post", f"{path}/publish", {})
    assert again.status_code == 409
    assert again.json()["code"] == "review_published"


def test_anonymous_gets_401(tree: dict[str, Any], api_for: Any) -> None:
    response = api_for(None).get(f"{base(tree['block_year'])}/plan")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_openapi_lists_the_emulation_paths(users: dict[str, Any], api_for: Any) -> None:
    schema = api_for(users["viewer"]).get("/api/openapi.json").json()
    paths = set(schema["paths"])
    for path in [
        "/api/block-years/{block_year_id}/plan",
        "/api/block-years/{block_year_id}/covenant",
        "/api/block-years/{block_year_id}/covenant/open",
        "/api/block-years/{block_year_id}/covenant/sign",
        "/api/block-years/{block_year_id}/covenant/withdraw",
        "/api/block-years/{block_year_id}/covenant/close",
        "/api/block-years/{block_year_id}/covenant/signatures",
        "/api/block-years/{block_year_id}/registrations",
        "/api/block-years/{block_year_id}/registrations/{unit_id}",
        "/api/block-years/{block_year_id}/registrations/{unit_id}/submit",
        "/api/block-years/{block_year_id}/registrations/{unit_id}/acknowledge",
        "/api/block-years/{block_year_id}/registrations/{unit_id}/return",
        "/api/block-years/{block_year_id}/registrations/{unit_id}/tasks",
        "/api/key-tasks/{task_id}",
        "/api/key-tasks/{task_id}/updates",
        "/api/block-years/{block_year_id}/task-progress",
        "/api/block-years/{block_year_id}/midyear",
        "/api/block-years/{block_year_id}/midyear/publish",
    ]:
        assert path in paths, path
    update_post = schema["paths"]["/api/key-tasks/{task_id}/updates"]["post"]
    assert "multipart/form-data" in update_post["requestBody"]["content"]


def test_covenant_model_has_one_per_block_year(year: BlockYear) -> None:
    assert Covenant.objects.filter(block_year=year).count() == 1
