"""Proposals API: create, read (404 when not visible), edit, the moves with their JSON error codes, the dossier
(multipart upload), the history, the block's batches and holds; lists without N+1."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.awards.models import DisciplinaryHold, Proposal
from thidua.tests_support.factories import make_proposal

pytestmark = pytest.mark.django_db
YEAR = 2025


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


@pytest.fixture
def users(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    return {
        "clerk": make_user(Role.UNIT_CLERK, unit=tree["centre_a"]),
        "head": make_user(Role.UNIT_HEAD, unit=tree["centre_a"]),
        "clerk_c": make_user(Role.UNIT_CLERK, unit=tree["centre_c"]),
        "block_head": make_user(Role.BLOCK_HEAD, block_year=tree["block_year"]),
        "officer": make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"]),
        "viewer": make_user(Role.VIEWER),
    }


def test_create_read_edit(tree: dict[str, Any], users: dict[str, Any]) -> None:
    clerk = signed_in(users["clerk"])
    response = clerk.send(
        "post", "/api/proposals", {"award_type": "ttldtt", "unit_id": tree["centre_a"].pk, "year": YEAR}
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft"
    assert data["block_year_id"] == tree["block_year"].pk
    assert "edit" in data["actions"]
    assert data["eligibility_report"]["explain"]
    pk = data["id"]
    again = clerk.send("post", "/api/proposals", {"award_type": "ttldtt", "unit_id": tree["centre_a"].pk, "year": YEAR})
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_proposal"
    bad = clerk.send("post", "/api/proposals", {"award_type": "ttldtt", "unit_id": 999999, "year": YEAR})
    assert bad.json()["code"] == "invalid_reference"
    response = clerk.send("patch", f"/api/proposals/{pk}", {"achievement_summary": "Hoàn thành xuất sắc"})
    assert response.status_code == 200
    assert response.json()["achievement_summary"] == "Hoàn thành xuất sắc"
    assert signed_in(users["clerk_c"]).get(f"/api/proposals/{pk}").status_code == 404
    assert signed_in(users["viewer"]).get(f"/api/proposals/{pk}").status_code == 404
    assert signed_in(users["block_head"]).get(f"/api/proposals/{pk}").status_code == 200
    refused = signed_in(users["clerk_c"]).send(
        "post", "/api/proposals", {"award_type": "ttldtt", "unit_id": tree["centre_a"].pk, "year": YEAR}
    )
    assert refused.status_code == 403
    assert JsonClient().get("/api/proposals").status_code == 401


def test_list_filters_and_no_n_plus_one(
    tree: dict[str, Any], users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for award in ("ttldtt", "ttldxs", "co_tinh"):
        make_proposal(unit=tree["centre_a"], award_type=award)
    make_proposal(unit=tree["centre_c"], award_type="ttldtt")
    client = signed_in(users["clerk"])
    with django_assert_max_num_queries(12):
        response = client.get("/api/proposals")
    assert response.json()["count"] == 3
    officer = signed_in(users["officer"])
    assert officer.get("/api/proposals").json()["count"] == 4
    assert officer.get("/api/proposals", {"unit": tree["centre_c"].pk}).json()["count"] == 1
    assert officer.get("/api/proposals", {"status": "submitted"}).json()["count"] == 0
    assert officer.get("/api/proposals", {"year": 2024}).json()["count"] == 0
    assert officer.get("/api/proposals", {"status": "nope"}).status_code == 422


def test_the_moves_and_their_codes(tree: dict[str, Any], users: dict[str, Any]) -> None:
    pk = make_proposal(unit=tree["centre_a"]).pk
    clerk, head, block = signed_in(users["clerk"]), signed_in(users["head"]), signed_in(users["block_head"])
    officer = signed_in(users["officer"])
    assert clerk.send("post", f"/api/proposals/{pk}/approve", {}).json()["code"] == "invalid_transition"
    assert clerk.send("post", f"/api/proposals/{pk}/submit", {}).json()["status"] == "submitted"
    assert clerk.send("post", f"/api/proposals/{pk}/approve", {}).json()["code"] == "permission_denied"
    response = head.send("post", f"/api/proposals/{pk}/return", {"reason": ""})
    assert response.json()["code"] == "reason_required"
    assert head.send("post", f"/api/proposals/{pk}/approve", {}).json()["status"] == "unit_approved"
    data = block.send("post", f"/api/proposals/{pk}/approve", {}).json()
    assert data["status"] == "block_approved"
    batches = block.get(f"/api/block-years/{tree['block_year'].pk}/proposal-batches").json()
    assert [(b["round"], b["status"], b["proposal_count"]) for b in batches] == [(1, "open", 1)]
    assert (
        signed_in(users["clerk_c"]).get(f"/api/block-years/{tree['block_year'].pk}/proposal-batches").status_code == 404
    )
    batch_id = batches[0]["id"]
    response = block.send("post", f"/api/proposal-batches/{batch_id}/submit", {})
    assert response.json()["code"] == "dossier_incomplete"
    assert response.json()["details"][0]["missing"] == ["form_01"]
    response = block.send("post", f"/api/proposal-batches/{batch_id}/submit", {"letter_number": "7/TTr-K1"})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert block.send("post", f"/api/proposal-batches/{batch_id}/submit", {}).json()["code"] == "batch_submitted"
    assert officer.send("post", f"/api/proposals/{pk}/approve", {}).json()["status"] == "at_council"
    vote = {"meeting_on": str(timezone.localdate()), "members_present": 5, "votes_for": 6, "votes_against": 0}
    assert officer.send("post", f"/api/proposals/{pk}/council", vote).json()["code"] == "invalid_vote"
    vote["votes_for"] = 3
    data = officer.send("post", f"/api/proposals/{pk}/council", vote).json()
    assert data["status"] == "accepted"
    assert data["council_votes_for"] == 3
    assert officer.send("post", f"/api/proposals/{pk}/approve", {}).json()["code"] == "invalid_transition"
    history = clerk.get(f"/api/proposals/{pk}/history").json()
    assert [step["action"] for step in history] == [
        "create",
        "submit",
        "approve",
        "approve",
        "submit_batch",
        "approve",
        "council",
    ]
    assert history[1]["actor"] == users["clerk"].username
    data = clerk.send("post", f"/api/proposals/{pk}/refresh-eligibility").json()
    assert data["eligibility"] in {"pass", "fail", "unknown"}
    assert clerk.send("post", f"/api/proposals/{pk}/withdraw", {"reason": "Thôi"}).json()["status"] == "withdrawn"


def test_the_dossier_upload(tree: dict[str, Any], users: dict[str, Any]) -> None:
    pk = make_proposal(unit=tree["centre_a"], award_type="co_tinh").pk
    client = signed_in(users["clerk"])
    lines = client.get(f"/api/proposals/{pk}/dossier").json()
    assert [line["kind"] for line in lines] == ["form_01", "form_02", "block_minutes", "tally", "other"]
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(f"/api/proposals/{pk}/dossier", {"kind": "block_minutes", "file": upload})
    assert response.status_code == 201, response.json()
    line = {row["kind"]: row for row in response.json()}["block_minutes"]
    assert line["satisfied"]
    assert line["attachments"][0]["name"] == "bien-ban.pdf"
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(f"/api/proposals/{pk}/dossier", {"kind": "photo", "file": upload})
    assert response.json()["code"] == "invalid_kind"
    assert signed_in(users["clerk_c"]).get(f"/api/proposals/{pk}/dossier").status_code == 404


def test_ineligible_and_held(tree: dict[str, Any], users: dict[str, Any]) -> None:
    proposal = make_proposal(unit=tree["centre_a"], award_type="cstd_tinh", person=tree["person_a"])
    client = signed_in(users["clerk"])
    response = client.send("post", f"/api/proposals/{proposal.pk}/submit", {})
    assert response.json()["code"] == "not_eligible"
    assert response.json()["field"] == "override_reason"
    response = client.send("post", f"/api/proposals/{proposal.pk}/submit", {"override_reason": "Lý do"})
    assert response.json()["status"] == "submitted"
    DisciplinaryHold.objects.create(person=tree["person_a"], started_on=dt.date(2025, 1, 1), reason="Thanh tra")
    response = signed_in(users["head"]).send("post", f"/api/proposals/{proposal.pk}/approve", {"override_reason": "x"})
    assert response.status_code == 409
    assert response.json()["code"] == "disciplinary_hold"
    assert Proposal.objects.get(pk=proposal.pk).status == "submitted"


def test_holds(tree: dict[str, Any], users: dict[str, Any]) -> None:
    officer = signed_in(users["officer"])
    body = {"unit_id": tree["centre_a"].pk, "started_on": "2025-05-01", "reason": "Thanh tra"}
    assert signed_in(users["head"]).send("post", "/api/holds", body).status_code == 403
    response = officer.send("post", "/api/holds", body)
    assert response.status_code == 201
    hold = response.json()
    assert hold["in_force"]
    assert hold["subject"] == tree["centre_a"].name
    assert officer.send("post", "/api/holds", {**body, "reason": ""}).json()["code"] == "reason_required"
    assert [h["id"] for h in signed_in(users["head"]).get("/api/holds").json()["items"]] == [hold["id"]]
    assert signed_in(users["clerk_c"]).get("/api/holds").json()["count"] == 0
    assert (
        signed_in(users["clerk_c"])
        .send("post", f"/api/holds/{hold['id']}/lift", {"ended_on": "2025-06-01"})
        .status_code
        == 404
    )
    response = officer.send("post", f"/api/holds/{hold['id']}/lift", {"ended_on": "2025-04-01"})
    assert response.json()["code"] == "invalid_date"
    response = officer.send("post", f"/api/holds/{hold['id']}/lift", {"ended_on": "2025-06-01"})
    assert response.status_code == 200
    assert not response.json()["in_force"]
