"""Decisions API: draft, patch, add and remove proposals, issue (with the refusal's code and details), totals, the
prize money per fund; JSON error codes per role and 404 for drafts the user may not see."""

from typing import Any, cast

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.awards.models import Award, Decision, Proposal
from thidua.tests_support.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def make(tree: dict[str, Any], unit_key: str = "centre_a", **kw: Any) -> Proposal:
    return cast(Proposal, ProposalFactory(unit=tree[unit_key], block_year=tree["block_year"], **kw))


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> JsonClient:
    return signed_in(make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"]))


def create(client: JsonClient, tree: dict[str, Any], **changes: Any) -> Any:
    body = {
        "owner_id": tree["dept"].pk,
        "title": "Về việc tặng danh hiệu Tập thể lao động tiên tiến năm 2025",
        "issuing_body": "Sở Nội vụ",
        "decider": "department_head",
        "signer_name": "Lê Văn Bình",
        **changes,
    }
    return client.send("post", "/api/decisions", body)


def test_draft_fill_and_issue(tree: dict[str, Any], officer: JsonClient, make_user: Any) -> None:
    response = create(officer, tree)
    assert response.status_code == 201
    decision = response.json()
    assert (decision["status"], decision["fund"]) == ("draft", "department")
    pk = decision["id"]
    first, second = make(tree, award_code="ttldtt"), make(tree, "centre_b", award_code="giay_khen")
    response = officer.send("post", f"/api/decisions/{pk}/proposals", {"ids": [first.pk, second.pk]})
    assert response.status_code == 200
    assert [line["amount"] for line in response.json()["recipients"]] == [1_880_000, 1_410_000]
    response = officer.send("delete", f"/api/decisions/{pk}/proposals/{second.pk}")
    assert response.status_code == 200
    assert len(response.json()["recipients"]) == 1
    response = officer.send("patch", f"/api/decisions/{pk}", {"number": "15/QĐ-SNV"})
    assert response.status_code == 200
    assert response.json()["number"] == "15/QĐ-SNV"
    response = officer.send("post", f"/api/decisions/{pk}/issue", {"signed_on": "2026-03-02"})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "issued"
    assert data["recipients"][0]["award_id"] == Award.objects.get(proposal=first).pk
    totals = officer.get(f"/api/decisions/{pk}/totals").json()
    assert (totals["count"], totals["amount"]) == (1, 1_880_000)
    assert totals["lines"] == [
        {
            "award_code": "ttldtt",
            "award_name": "Tập thể lao động tiên tiến",
            "recipient_kind": "collective",
            "count": 1,
            "amount": 1_880_000,
        }
    ]
    viewer = signed_in(make_user(Role.VIEWER))
    assert viewer.get(f"/api/decisions/{pk}").status_code == 200
    funds = viewer.get("/api/prize-funds/totals", {"year": 2026}).json()
    assert funds == [
        {
            "fund": "department",
            "year": 2026,
            "count": 1,
            "amount": 1_880_000,
            "revoked_count": 0,
            "recovery_amount": 0,
            "net_amount": 1_880_000,
        }
    ]
    response = officer.send("patch", f"/api/decisions/{pk}", {"title": "Khác"})
    assert response.status_code == 409
    assert response.json()["code"] == "decision_issued"
    assert officer.send("delete", f"/api/decisions/{pk}").json()["code"] == "decision_issued"


def test_issue_refused_with_details(tree: dict[str, Any], officer: JsonClient) -> None:
    pk = create(officer, tree).json()["id"]
    proposal = make(tree, award_code="ttldtt")
    officer.send("post", f"/api/decisions/{pk}/proposals", {"ids": [proposal.pk]})
    before = (Award.objects.count(), AuditEvent.objects.count())
    response = officer.send("post", f"/api/decisions/{pk}/issue", {"number": "1/QĐ", "signed_on": "2026-01-05"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "decision_before_proposal"
    assert body["details"][0]["proposal"] == proposal.pk
    assert (Award.objects.count(), AuditEvent.objects.count()) == before
    assert officer.get(f"/api/decisions/{pk}").json()["status"] == "draft"


def test_errors_and_permissions(tree: dict[str, Any], officer: JsonClient, make_user: Any) -> None:
    assert create(officer, tree, title="").json()["code"] == "title_required"
    assert create(officer, tree, owner_id=999999).json()["code"] == "invalid_reference"
    response = create(officer, tree, owner_id=tree["province"].pk)
    assert response.status_code == 403
    assert create(officer, tree, decider="mayor").status_code == 422
    pk = create(officer, tree).json()["id"]
    viewer = signed_in(make_user(Role.VIEWER))
    assert viewer.get(f"/api/decisions/{pk}").status_code == 404
    assert viewer.send("post", f"/api/decisions/{pk}/issue", {}).status_code == 404
    assert [d["id"] for d in viewer.get("/api/decisions").json()["items"]] == []
    assert [d["id"] for d in officer.get("/api/decisions", {"status": "draft"}).json()["items"]] == [pk]
    hidden = make(tree, "centre_c", award_code="ttldtt")
    response = officer.send("post", f"/api/decisions/{pk}/proposals", {"ids": [hidden.pk]})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_reference"
    chairman_award = make(tree, award_code="co_tinh")
    response = officer.send("post", f"/api/decisions/{pk}/proposals", {"ids": [chairman_award.pk]})
    assert response.json()["code"] == "wrong_decider"
    assert officer.send("post", f"/api/decisions/{pk}/issue", {"number": "1/QĐ"}).json()["code"] == "date_required"
    response = officer.send("post", f"/api/decisions/{pk}/issue", {"number": "1/QĐ", "signed_on": "2026-03-02"})
    assert response.json()["code"] == "decision_empty"
    assert officer.send("delete", f"/api/decisions/{pk}").status_code == 204
    assert not Decision.objects.filter(pk=pk).exists()
    anonymous = JsonClient()
    assert anonymous.get("/api/decisions").status_code == 401


def test_fund_totals_query(tree: dict[str, Any], officer: JsonClient) -> None:
    response = officer.get("/api/prize-funds/totals")
    assert response.status_code == 200
    assert response.json() == []
    assert officer.get("/api/prize-funds/totals", {"year": "abc"}).status_code == 422
