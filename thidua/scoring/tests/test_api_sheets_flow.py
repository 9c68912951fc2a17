"""Score sheet API: open, save (409 stale_sheet), evidence, submit, approve, return, finalise, correct, history."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thidua.accounts.roles import Role
from thidua.attachments.models import Attachment
from thidua.scoring.models import ScoreLine, ScoreSheet
from thidua.scoring.tests.helpers_sheets import (
    audit_count,
    client_of,
    item,
    last_action,
    leader,
    make_config,
    make_criteria,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    by = tree["block_year"]
    make_criteria(by)
    return {
        **tree,
        "by": by,
        "clerk": staff(tree["centre_c"]),
        "unit_head": staff(tree["centre_c"], Role.UNIT_HEAD),
        "block_head": leader(by),
    }


def full_lines(w: dict[str, Any], **override: Any) -> list[dict[str, Any]]:
    by = w["by"]
    values = {"A1": "30", "A2": "20", "A3": "10", "B1": "30", "B2": "10", **override}
    lines = [{"item_id": item(by, code).pk, "value": value} for code, value in values.items()]
    lines[1]["evidence_note"] = "Quyết định số 15/QĐ"
    lines.append({"item_id": item(by, "C1").pk, "count": 1})
    return lines


def open_self(w: dict[str, Any]) -> dict[str, Any]:
    response = client_of(w["clerk"]).send(
        "post", f"/api/block-years/{w['by'].pk}/self-sheets", {"unit_id": w["centre_c"].pk}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_self_sheet_flow(world: dict[str, Any]) -> None:
    clerk = client_of(world["clerk"])
    sheet = open_self(world)
    assert (sheet["kind"], sheet["status"], sheet["version"]) == ("self", "draft", 1)
    assert [line["item_code"] for line in sheet["lines"]] == ["A1", "A2", "A3", "B1", "B2", "C1", "D1"]
    url = f"/api/score-sheets/{sheet['id']}"

    saved = clerk.send("put", url, {"version": 1, "lines": full_lines(world, A1="27"), "comment": "Tự chấm"})
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["version"], body["total"], body["bonus_total"], body["comment"]) == (2, "107.00", "10.00", "Tự chấm")
    assert last_action() == "score_sheet.save"

    too_high = clerk.send("put", url, {"version": 2, "lines": [{"item_id": item(world["by"], "A1").pk, "value": 31}]})
    assert too_high.status_code == 400
    assert too_high.json()["code"] == "above_maximum"
    assert too_high.json()["field"] == f"lines.{item(world['by'], 'A1').pk}"

    submitted = clerk.send("post", f"{url}/submit", {"version": 2})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"

    assert clerk.send("post", f"{url}/approve").status_code == 403
    head = client_of(world["unit_head"])
    returned = head.send("post", f"{url}/return", {"reason": "Bổ sung minh chứng B1"})
    assert returned.json()["status"] == "draft"
    submitted = clerk.send("post", f"{url}/submit", {"version": returned.json()["version"]})
    approved = head.send("post", f"{url}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"

    finalised = client_of(world["block_head"]).send("post", f"{url}/finalise")
    assert finalised.status_code == 200, finalised.content
    assert finalised.json()["status"] == "finalised"
    locked = clerk.send("put", url, {"version": finalised.json()["version"], "lines": full_lines(world)})
    assert locked.status_code == 409
    assert locked.json()["code"] == "sheet_locked"


def test_stale_save_answers_409_and_writes_nothing(world: dict[str, Any]) -> None:
    sheet = open_self(world)
    url = f"/api/score-sheets/{sheet['id']}"
    first = client_of(world["clerk"]).send("put", url, {"version": 1, "lines": full_lines(world, A1="25")})
    assert first.status_code == 200
    before = audit_count()
    second = client_of(world["unit_head"]).send("put", url, {"version": 1, "lines": full_lines(world, A1="5")})
    assert second.status_code == 409
    assert second.json()["code"] == "stale_sheet"
    assert "reload" in second.json()["message"].lower()
    assert audit_count() == before
    assert ScoreLine.objects.get(sheet_id=sheet["id"], item__code="A1").value == 25
    stale_submit = client_of(world["clerk"]).send("post", f"{url}/submit", {"version": 1})
    assert stale_submit.status_code == 409


def test_evidence_upload_and_remove(world: dict[str, Any]) -> None:
    sheet = open_self(world)
    clerk = client_of(world["clerk"])
    a2 = item(world["by"], "A2")
    url = f"/api/score-sheets/{sheet['id']}/lines/{a2.pk}/evidence"
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 bao cao", content_type="application/pdf")
    response = clerk.post(url, {"file": upload})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "bao-cao.pdf"
    assert body["url"].startswith("/")
    detail = clerk.get(f"/api/score-sheets/{sheet['id']}").json()
    assert [e["id"] for e in detail["lines"][1]["evidence"]] == [body["id"]]
    bad = clerk.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")})
    assert bad.status_code == 400
    assert bad.json()["code"] == "file_type_not_allowed"
    other = client_of(staff(world["centre_a"]))
    assert other.post(url, {"file": upload}).status_code == 404  # a sheet they may not see
    assert other.delete(f"/api/score-sheets/{sheet['id']}/evidence/{body['id']}").status_code == 404
    removed = clerk.delete(f"/api/score-sheets/{sheet['id']}/evidence/{body['id']}")
    assert removed.status_code == 204
    assert not Attachment.objects.exists()
    assert clerk.delete(f"/api/score-sheets/{sheet['id']}/evidence/{body['id']}").status_code == 404


def test_review_flow_with_correction_and_history(world: dict[str, Any]) -> None:
    by = world["by"]
    head = client_of(world["block_head"])
    opened = head.send(
        "post",
        f"/api/block-years/{by.pk}/review-sheets",
        {"unit_id": world["centre_c"].pk, "reviewer_unit_id": world["centre_a"].pk},
    )
    assert opened.status_code == 200, opened.content
    sheet = opened.json()
    assert sheet["is_head_review"] is True
    url = f"/api/score-sheets/{sheet['id']}"
    saved = head.send("put", url, {"version": 1, "lines": full_lines(world)})
    head.send("post", f"{url}/submit", {"version": saved.json()["version"]})
    assert head.send("post", f"{url}/finalise").json()["status"] == "finalised"

    missing_reason = head.send("post", f"{url}/correct", {"reason": ""})
    assert missing_reason.status_code == 400
    assert missing_reason.json()["code"] == "reason_required"
    corrected = head.send("post", f"{url}/correct", {"reason": "Nhập nhầm tiêu chí B1"})
    assert corrected.status_code == 201, corrected.content
    copy = corrected.json()
    assert (copy["revision"], copy["supersedes_id"], copy["correction_reason"]) == (
        2,
        sheet["id"],
        "Nhập nhầm tiêu chí B1",
    )
    history = head.get(f"/api/score-sheets/{copy['id']}/history").json()
    assert [(h["kind"], h["revision"], h["is_current"]) for h in history] == [("review", 1, False), ("review", 2, True)]
    # The scored unit's clerk sees its finalised review in the history, not the draft correction.
    own = open_self(world)
    clerk_history = client_of(world["clerk"]).get(f"/api/score-sheets/{own['id']}/history").json()
    assert [(h["kind"], h["revision"]) for h in clerk_history] == [("self", 1), ("review", 1)]


def test_own_unit_review_is_refused(world: dict[str, Any]) -> None:
    make_config(world["by"], review_mode="cross")
    response = client_of(world["clerk"]).send(
        "post",
        f"/api/block-years/{world['by'].pk}/review-sheets",
        {"unit_id": world["centre_c"].pk, "reviewer_unit_id": world["centre_c"].pk},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "own_unit"
    assert not ScoreSheet.objects.exists()


def test_bad_references(world: dict[str, Any]) -> None:
    clerk = client_of(world["clerk"])
    response = clerk.send("post", f"/api/block-years/{world['by'].pk}/self-sheets", {"unit_id": 999999})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_reference"
    assert clerk.send("post", "/api/block-years/999999/self-sheets", {"unit_id": 1}).status_code == 404
    sheet = open_self(world)
    unknown = clerk.send("put", f"/api/score-sheets/{sheet['id']}", {"version": 1, "lines": [{"item_id": 999999}]})
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_item"
    no_version = clerk.send("put", f"/api/score-sheets/{sheet['id']}", {"lines": []})
    assert no_version.status_code == 422
