"""Decision pages: list with filters, the draft's form, the detail page (add, remove, issue with the refusals shown
with their codes, links once issued), delete, the prize money per fund page; 200 / 403 / 404 per role."""

import datetime as dt
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards.models import Award, Decision, DecisionStatus, Proposal
from thidua.awards.services.decisions import decision_add_proposals, decision_create, decision_issue
from thidua.tests_support.factories import ProposalFactory, system_actor

pytestmark = pytest.mark.django_db

DATE = dt.date(2026, 3, 2)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(tree: dict[str, Any], unit_key: str = "centre_a", **kw: Any) -> Proposal:
    return cast(Proposal, ProposalFactory(unit=tree[unit_key], block_year=tree["block_year"], **kw))


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])


@pytest.fixture
def draft(tree: dict[str, Any]) -> Decision:
    decision = decision_create(
        actor=system_actor(),
        owner=tree["dept"],
        decider="department_head",
        title="Về việc tặng danh hiệu Tập thể lao động tiên tiến",
        issuing_body="Sở Nội vụ",
        signer_name="Lê Văn Bình",
    )
    decision_add_proposals(actor=system_actor(), decision=decision, proposals=[make(tree, award_code="ttldtt")])
    return decision


@pytest.fixture
def issued(tree: dict[str, Any], draft: Decision) -> Decision:
    return decision_issue(actor=system_actor(), decision=draft, number="15/QĐ-SNV", signed_on=DATE)


def test_list_and_filters(tree: dict[str, Any], issued: Decision, officer: Any, make_user: Any) -> None:
    other = decision_create(
        actor=system_actor(), owner=tree["dept"], decider="department_head", title="Dự thảo", issuing_body="Sở Nội vụ"
    )
    response = client_for(make_user(Role.VIEWER)).get(reverse("awards:decision_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-decision="{issued.pk}"' in html
    assert f'data-decision="{other.pk}"' not in html  # a draft is not shown to a viewer
    assert "1.880.000" in html
    assert 'data-testid="new-decision"' not in html
    response = client_for(officer).get(reverse("awards:decision_list"), {"status": "draft"})
    html = response.content.decode()
    assert f'data-decision="{other.pk}"' in html
    assert f'data-decision="{issued.pk}"' not in html
    assert 'data-testid="new-decision"' in html
    response = client_for(officer).get(reverse("awards:decision_list"), {"year": 2025})
    assert 'data-testid="no-results"' in response.content.decode()
    assert reverse("awards:decision_list") in client_for(officer).get(reverse("home")).content.decode()


def test_new_decision(tree: dict[str, Any], officer: Any, make_user: Any) -> None:
    url = reverse("awards:decision_new")
    assert client_for(make_user(Role.VIEWER)).get(url).status_code == 403
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(url, {"owner": tree["dept"].pk, "title": "", "issuing_body": "Sở", "decider": "x"})
    assert response.status_code == 400
    data = {
        "owner": tree["dept"].pk,
        "title": "Về việc khen thưởng",
        "issuing_body": "Sở Nội vụ",
        "decider": "department_head",
        "published": "on",
    }
    response = client.post(url, data)
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:decision_detail", args=[decision.pk])
    assert decision.fund == "department"
    data["owner"] = tree["province"].pk  # not an office of this officer
    assert client.post(url, data).status_code == 400
    assert Decision.objects.count() == 1


def test_detail_of_a_draft(tree: dict[str, Any], draft: Decision, officer: Any, make_user: Any) -> None:
    url = reverse("awards:decision_detail", args=[draft.pk])
    assert client_for(make_user(Role.VIEWER)).get(url).status_code == 404
    assert client_for(make_user(Role.DEPARTMENT_OFFICER, unit=tree["other_dept"])).get(url).status_code == 404
    waiting = make(tree, "centre_b", award_code="giay_khen")
    response = client_for(officer).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="issue-form"' in html
    assert f'value="{waiting.pk}"' in html
    assert 'data-amount="1880000"' in html
    assert client_for(officer).get(reverse("awards:decision_detail", args=[999999])).status_code == 404


def test_edit(tree: dict[str, Any], draft: Decision, officer: Any, make_user: Any) -> None:
    url = reverse("awards:decision_edit", args=[draft.pk])
    assert client_for(officer).get(url).status_code == 200
    response = client_for(officer).post(
        url, {"title": "Tên mới", "issuing_body": "Sở Nội vụ", "decider": "department_head", "number": "3/QĐ"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.number) == ("Tên mới", "3/QĐ")
    viewer = make_user(Role.VIEWER)
    assert client_for(viewer).get(url).status_code == 404
    unit_head = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    assert client_for(unit_head).post(url, {"title": "x"}).status_code == 404


def test_add_remove_and_delete(tree: dict[str, Any], draft: Decision, officer: Any) -> None:
    client = client_for(officer)
    waiting = make(tree, "centre_b", award_code="giay_khen")
    response = client.post(reverse("awards:decision_add", args=[draft.pk]), {})
    assert response.status_code == 400
    response = client.post(reverse("awards:decision_add", args=[draft.pk]), {"proposals": [waiting.pk]})
    assert response.status_code == 302
    assert draft.proposals.count() == 2
    response = client.post(reverse("awards:decision_remove", args=[draft.pk, waiting.pk]))
    assert response.status_code == 302
    assert draft.proposals.count() == 1
    assert client.post(reverse("awards:decision_remove", args=[draft.pk, waiting.pk])).status_code == 404
    response = client.post(reverse("awards:decision_delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Decision.objects.filter(pk=draft.pk).exists()


def test_issue_refused_shows_the_codes_and_writes_nothing(tree: dict[str, Any], draft: Decision, officer: Any) -> None:
    before = (Award.objects.count(), AuditEvent.objects.count())
    response = client_for(officer).post(
        reverse("awards:decision_issue", args=[draft.pk]),
        {"number": "15/QĐ-SNV", "signed_on": "2026-01-05", "signer_name": "Lê Văn Bình"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-code="decision_before_proposal"' in html
    assert (Award.objects.count(), AuditEvent.objects.count()) == before
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.DRAFT
    response = client_for(officer).post(reverse("awards:decision_issue", args=[draft.pk]), {"signed_on": "2026-03-02"})
    assert response.status_code == 400
    assert 'data-code="number_required"' in response.content.decode()


def test_issue_and_the_issued_page(tree: dict[str, Any], draft: Decision, officer: Any, make_user: Any) -> None:
    response = client_for(officer).post(
        reverse("awards:decision_issue", args=[draft.pk]),
        {"number": "15/QĐ-SNV", "signed_on": "2026-03-02", "signer_name": "Lê Văn Bình", "signer_title": "Giám đốc"},
    )
    assert response.status_code == 302
    award = Award.objects.get(decision=draft)
    assert award.amount == 1_880_000
    url = reverse("awards:decision_detail", args=[draft.pk])
    html = client_for(make_user(Role.VIEWER)).get(url).content.decode()
    assert reverse("awards:detail", args=[award.pk]) in html
    assert reverse("awards:certificate", args=[award.pk]) in html
    assert reverse("awards:revoke", args=[award.pk]) not in html  # a viewer may not revoke
    assert 'data-testid="issue-form"' not in html
    html = client_for(officer).get(url).content.decode()
    assert reverse("awards:revoke", args=[award.pk]) in html
    assert 'data-testid="issue-form"' not in html
    assert client_for(officer).get(reverse("awards:decision_edit", args=[draft.pk])).status_code == 302
    response = client_for(officer).post(reverse("awards:decision_delete", args=[draft.pk]))
    assert response.status_code == 302
    assert Decision.objects.filter(pk=draft.pk).exists()


def test_write_pages_refuse_others(tree: dict[str, Any], issued: Decision, make_user: Any) -> None:
    viewer = client_for(make_user(Role.VIEWER))
    for name in ("decision_add", "decision_issue", "decision_delete"):
        assert viewer.post(reverse(f"awards:{name}", args=[issued.pk])).status_code == 403
    assert viewer.get(reverse("awards:decision_issue", args=[issued.pk])).status_code == 405


def test_fund_totals_page(tree: dict[str, Any], issued: Decision, make_user: Any) -> None:
    client = client_for(make_user(Role.VIEWER))
    response = client.get(reverse("awards:fund_totals"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-fund="department" data-year="2026" data-amount="1880000"' in html
    assert 'data-chart="chart-funds"' in html
    assert 'id="chart-funds"' in html
    response = client.get(reverse("awards:fund_totals"), {"year": 2025})
    assert 'data-testid="no-results"' in response.content.decode()
