"""Proposal pages: the list and its "waiting for me" tab, drafting with the live eligibility preview, one proposal
with its dossier and history, each workflow action by the role that takes it (302) or refused (403), proposals the
user may not see (404), the services' refusals shown on the page with their stable codes (data-error-code), the
upload of a dossier paper, the block-year's batch page and the holds page. Never asserts English text: the UI is
Vietnamese by default."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards.models import DisciplinaryHold, Proposal, ProposalStatus, ProposalStep
from thidua.awards.services.holds import hold_place
from thidua.awards.services.proposals import proposal_approve, proposal_submit
from thidua.tests_support.factories import make_person, make_proposal, system_actor

pytestmark = pytest.mark.django_db

REPORT = "Hoàn thành xuất sắc nhiệm vụ năm 2025."


def url(name: str, *args: Any) -> str:
    return reverse(f"awards:{name}", args=args)


@pytest.fixture
def users(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    return {
        "clerk": make_user(Role.UNIT_CLERK, unit=tree["centre_a"]),
        "head": make_user(Role.UNIT_HEAD, unit=tree["centre_a"]),
        "block_head": make_user(Role.BLOCK_HEAD, block_year=tree["block_year"]),
        "officer": make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"]),
        "other_clerk": make_user(Role.UNIT_CLERK, unit=tree["centre_c"]),
        "viewer": make_user(Role.VIEWER),
    }


@pytest.fixture
def proposal(tree: dict[str, Any]) -> Proposal:
    """A draft collective proposal of centre A for 2025 with its achievement report written."""
    return make_proposal(unit=tree["centre_a"], award_type="ttldtt", achievement_report=REPORT)


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def codes(response: Any) -> str:
    return response.content.decode()


# --- list ------------------------------------------------------------------------------------------------------------


def test_list_needs_sign_in(client: Client, proposal: Proposal) -> None:
    response = client.get(url("proposals"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_list_shows_visible_proposals_only(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    response = login(client, users["clerk"]).get(url("proposals"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-proposal="{proposal.pk}"' in html
    assert 'data-status="draft"' in html
    assert 'data-verdict="' in html
    client.force_login(users["other_clerk"])
    html = client.get(url("proposals")).content.decode()
    assert f'data-proposal="{proposal.pk}"' not in html
    assert 'data-testid="proposal-empty"' in html


def test_list_filters_and_htmx_rows(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    login(client, users["clerk"])
    assert f'data-proposal="{proposal.pk}"' in client.get(url("proposals"), {"status": "draft"}).content.decode()
    assert (
        f'data-proposal="{proposal.pk}"' not in client.get(url("proposals"), {"status": "submitted"}).content.decode()
    )
    assert f'data-proposal="{proposal.pk}"' not in client.get(url("proposals"), {"year": 2024}).content.decode()
    assert f'data-proposal="{proposal.pk}"' in client.get(url("proposals"), {"award_type": "ttldtt"}).content.decode()
    assert f'data-proposal="{proposal.pk}"' not in client.get(url("proposals"), {"overdue": "1"}).content.decode()
    # The recipient filter ignores tone marks: "luu tru" finds "Trung tâm Lưu trữ lịch sử".
    assert f'data-proposal="{proposal.pk}"' in client.get(url("proposals"), {"q": "luu tru"}).content.decode()
    assert f'data-proposal="{proposal.pk}"' not in client.get(url("proposals"), {"q": "kiem soat"}).content.decode()
    response = client.get(url("proposals"), {"status": "draft"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert f'data-proposal="{proposal.pk}"'.encode() in response.content


def test_overdue_flag_counts_working_days(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    # Due on a Friday three weeks ago: overdue, with a count of working days late.
    today = dt.date.today()
    friday = today - dt.timedelta(days=today.weekday() + 3 + 14)
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.SUBMITTED, due_on=friday)
    login(client, users["clerk"])
    html = client.get(url("proposals"), {"overdue": "1"}).content.decode()
    assert f'data-proposal="{proposal.pk}"' in html
    assert 'data-overdue="true"' in html
    late = [int(part.split('"')[0]) for part in html.split('data-days-late="')[1:]]
    assert late
    assert late[0] >= 10


def test_queue_tab_lists_what_waits_for_the_user(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    proposal_submit(actor=users["clerk"], proposal=proposal)
    html = login(client, users["head"]).get(url("proposals"), {"tab": "queue"}).content.decode()
    assert f'data-proposal="{proposal.pk}"' in html
    html = login(client, users["clerk"]).get(url("proposals"), {"tab": "queue"}).content.decode()
    assert f'data-proposal="{proposal.pk}"' not in html


def test_list_has_no_n_plus_one(
    client: Client, tree: dict[str, Any], users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for unit in (tree["centre_a"], tree["centre_b"], tree["centre_c"], tree["board"]):
        make_proposal(unit=unit, award_type="ttldtt")
    for name in ("Lê Văn An", "Phạm Thị Bình", "Hoàng Văn Cường"):
        make_proposal(unit=tree["centre_a"], award_type="cstd_co_so", person=make_person(tree["centre_a"], name))
    Proposal.objects.update(due_on=dt.date.today() - dt.timedelta(days=30), status=ProposalStatus.SUBMITTED)
    login(client, users["officer"])
    client.get(url("proposals"))  # warm caches (session, content types)
    with django_assert_max_num_queries(11):
        response = client.get(url("proposals"))
    assert response.content.decode().count("data-proposal=") == 7


# --- new and preview -------------------------------------------------------------------------------------------------


def test_new_page_and_403_without_permission(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    response = login(client, users["clerk"]).get(url("proposal_new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="eligibility-preview"' in html
    assert 'data-field="award_type"' in html
    assert login(client, users["viewer"]).get(url("proposal_new")).status_code == 403
    assert client.get(url("proposal_preview")).status_code == 403


def test_new_htmx_choices_list_the_units_staff(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["clerk"])
    response = client.get(
        url("proposal_new"),
        {"kind": "individual", "unit": tree["centre_a"].pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert b"<html" not in response.content
    assert f'value="{tree["person_a"].pk}"' in html
    assert f'value="{tree["person_c"].pk}"' not in html
    assert 'value="cstd_co_so"' in html
    assert 'value="ttldtt"' not in html  # a collective title is not offered for a person


def test_preview_shows_the_report(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["clerk"])
    response = client.get(url("proposal_preview"), {"kind": "collective", "unit": tree["centre_a"].pk})
    assert response.status_code == 200
    assert 'data-testid="preview-missing"' in response.content.decode()
    response = client.get(
        url("proposal_preview"),
        {
            "kind": "individual",
            "unit": tree["centre_a"].pk,
            "person": tree["person_a"].pk,
            "award_type": "cstd_tinh",
            "year": 2025,
        },
    )
    html = response.content.decode()
    assert 'data-testid="eligibility-report"' in html
    assert 'data-verdict="fail"' in html  # no Chiến sĩ thi đua cơ sở history: not eligible
    assert "data-rule=" in html


def test_create_redirects_to_the_detail(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["clerk"])
    response = client.post(
        url("proposal_new"),
        {
            "kind": "collective",
            "unit": tree["centre_a"].pk,
            "award_type": "ttldtt",
            "year": 2025,
            "achievement_summary": "Năm 2025",
        },
    )
    assert response.status_code == 302
    created = Proposal.objects.get()
    assert response["Location"] == url("proposal_detail", created.pk)
    assert created.status == ProposalStatus.DRAFT
    assert created.created_by == users["clerk"]


def test_create_shows_the_service_error_code(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    login(client, users["clerk"])
    response = client.post(
        url("proposal_new"),
        {"kind": "collective", "unit": tree["centre_a"].pk, "award_type": "ttldtt", "year": 2025},
    )
    assert response.status_code == 400
    assert 'data-error-code="duplicate_proposal"' in response.content.decode()
    assert Proposal.objects.count() == 1


def test_create_refused_under_a_hold(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    hold_place(actor=system_actor(), unit=tree["centre_a"], started_on=dt.date(2026, 1, 5), reason="Thanh tra")
    login(client, users["clerk"])
    response = client.post(
        url("proposal_new"),
        {"kind": "collective", "unit": tree["centre_a"].pk, "award_type": "ttldtt", "year": 2025},
    )
    assert response.status_code == 400
    assert 'data-error-code="disciplinary_hold"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_create_for_a_unit_not_allowed_is_a_form_error(
    client: Client, tree: dict[str, Any], users: dict[str, Any]
) -> None:
    login(client, users["clerk"])
    response = client.post(
        url("proposal_new"),
        {"kind": "collective", "unit": tree["centre_c"].pk, "award_type": "ttldtt", "year": 2025},
    )
    assert response.status_code == 400
    assert 'data-error-field="unit"' in response.content.decode()
    assert not Proposal.objects.exists()


# --- detail ----------------------------------------------------------------------------------------------------------


def test_detail_200_and_404(client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal) -> None:
    response = login(client, users["clerk"]).get(url("proposal_detail", proposal.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="draft"' in html
    assert 'data-action="submit"' in html
    assert 'data-action="withdraw"' in html
    assert 'data-action="approve"' not in html
    assert 'data-testid="dossier"' in html
    assert 'data-kind="form_02"' in html
    assert 'data-step-action="create"' in html
    assert 'data-testid="eligibility-report"' in html
    assert "verdict_badge" not in html  # the shared report partial's comment is not rendered
    for user in ("other_clerk", "viewer"):
        assert login(client, users[user]).get(url("proposal_detail", proposal.pk)).status_code == 404
    assert login(client, users["clerk"]).get(url("proposal_detail", 999999)).status_code == 404


def test_detail_actions_per_role(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    proposal_submit(actor=users["clerk"], proposal=proposal)
    html = login(client, users["head"]).get(url("proposal_detail", proposal.pk)).content.decode()
    assert 'data-action="approve"' in html
    assert 'data-action="return"' in html
    html = login(client, users["block_head"]).get(url("proposal_detail", proposal.pk)).content.decode()
    assert 'data-action="approve"' not in html


# --- actions ---------------------------------------------------------------------------------------------------------


def test_the_workflow_through_the_pages(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    detail = url("proposal_detail", proposal.pk)
    response = login(client, users["clerk"]).post(url("proposal_submit", proposal.pk))
    assert response.status_code == 302
    assert response["Location"] == detail
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED
    assert login(client, users["head"]).post(url("proposal_approve", proposal.pk)).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.UNIT_APPROVED
    assert login(client, users["block_head"]).post(url("proposal_approve", proposal.pk)).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.BLOCK_APPROVED
    assert proposal.batch is not None
    html = client.get(url("batch", tree["block_year"].pk)).content.decode()
    assert 'data-testid="batch-submit-form"' in html
    assert f'data-proposal="{proposal.pk}"' in html
    actions = AuditEvent.objects.filter(action__startswith="proposal.").count()
    assert actions >= 4


def test_actions_refused_are_403(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    # The clerk may not approve; the head of another unit's proposal cannot even see it (404).
    proposal_submit(actor=users["clerk"], proposal=proposal)
    steps = ProposalStep.objects.count()
    assert login(client, users["clerk"]).post(url("proposal_approve", proposal.pk)).status_code == 403
    assert login(client, users["block_head"]).post(url("proposal_approve", proposal.pk)).status_code == 403
    assert login(client, users["other_clerk"]).post(url("proposal_approve", proposal.pk)).status_code == 404
    assert ProposalStep.objects.count() == steps
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED


def test_actions_are_post_only(client: Client, users: dict[str, Any], proposal: Proposal) -> None:
    assert login(client, users["clerk"]).get(url("proposal_submit", proposal.pk)).status_code == 405


def test_return_needs_a_reason(client: Client, users: dict[str, Any], proposal: Proposal) -> None:
    proposal_submit(actor=users["clerk"], proposal=proposal)
    login(client, users["head"])
    response = client.post(url("proposal_return", proposal.pk), {"reason": ""})
    assert response.status_code == 400
    assert 'data-error-field="reason"' in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED
    response = client.post(url("proposal_return", proposal.pk), {"reason": "Bổ sung báo cáo"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.RETURNED
    html = login(client, users["clerk"]).get(url("proposal_detail", proposal.pk)).content.decode()
    assert 'data-step-action="return"' in html
    assert "Bổ sung báo cáo" in html


def test_withdraw(client: Client, users: dict[str, Any], proposal: Proposal) -> None:
    response = login(client, users["clerk"]).post(url("proposal_withdraw", proposal.pk), {"reason": "Không đủ"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN


def test_submit_without_report_shows_dossier_incomplete(
    client: Client, tree: dict[str, Any], users: dict[str, Any]
) -> None:
    draft = make_proposal(unit=tree["centre_a"], award_type="ttldtt", achievement_report="")
    response = login(client, users["clerk"]).post(url("proposal_submit", draft.pk))
    assert response.status_code == 400
    assert 'data-error-code="dossier_incomplete"' in response.content.decode()
    assert Proposal.objects.get(pk=draft.pk).status == ProposalStatus.DRAFT


def test_not_eligible_needs_an_override_reason(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    failing = make_proposal(
        unit=tree["centre_a"], award_type="cstd_tinh", person=tree["person_a"], achievement_report=REPORT
    )
    assert failing.eligibility == "fail"
    login(client, users["clerk"])
    html = client.get(url("proposal_detail", failing.pk)).content.decode()
    assert 'data-verdict="fail"' in html
    assert 'name="override_reason"' in html
    response = client.post(url("proposal_submit", failing.pk), {"override_reason": ""})
    assert response.status_code == 400
    assert 'data-error-code="not_eligible"' in response.content.decode()
    response = client.post(url("proposal_submit", failing.pk), {"override_reason": "Thành tích đột xuất"})
    assert response.status_code == 302
    step = ProposalStep.objects.filter(proposal=failing, action="submit").get()
    assert step.override
    html = client.get(url("proposal_detail", failing.pk)).content.decode()
    assert 'data-override="true"' in html


def test_council_vote_through_the_page(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    at_council = make_proposal(unit=tree["centre_a"], award_type="ttldtt", achievement_report=REPORT)
    Proposal.objects.filter(pk=at_council.pk).update(status=ProposalStatus.AT_COUNCIL, submitted_on=dt.date(2026, 1, 5))
    login(client, users["officer"])
    html = client.get(url("proposal_detail", at_council.pk)).content.decode()
    assert 'data-action="council"' in html
    bad = {"meeting_on": "2026-02-10", "members_present": 5, "votes_for": 4, "votes_against": 3}
    response = client.post(url("proposal_council", at_council.pk), bad)
    assert response.status_code == 400
    assert 'data-error-code="invalid_vote"' in response.content.decode()
    good = {**bad, "votes_against": 1}
    assert login(client, users["head"]).post(url("proposal_council", at_council.pk), good).status_code == 403
    assert Proposal.objects.get(pk=at_council.pk).status == ProposalStatus.AT_COUNCIL
    assert login(client, users["officer"]).post(url("proposal_council", at_council.pk), good).status_code == 302
    assert Proposal.objects.get(pk=at_council.pk).status == ProposalStatus.ACCEPTED


def test_edit_and_refresh(client: Client, users: dict[str, Any], proposal: Proposal) -> None:
    login(client, users["clerk"])
    response = client.post(
        url("proposal_edit", proposal.pk), {"achievement_summary": "Tóm tắt", "achievement_report": REPORT}
    )
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).achievement_summary == "Tóm tắt"
    assert client.post(url("proposal_refresh", proposal.pk)).status_code == 302
    proposal = proposal_submit(actor=users["clerk"], proposal=proposal)
    response = client.post(url("proposal_edit", proposal.pk), {"achievement_summary": "x", "achievement_report": ""})
    assert response.status_code in (400, 403)
    assert Proposal.objects.get(pk=proposal.pk).achievement_summary == "Tóm tắt"


# --- dossier ---------------------------------------------------------------------------------------------------------


def test_upload_and_remove_a_dossier_paper(client: Client, users: dict[str, Any], proposal: Proposal) -> None:
    login(client, users["clerk"])
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        url("proposal_attach", proposal.pk), {"prefix": "form_02", "form_02-kind": "form_02", "form_02-file": upload}
    )
    assert response.status_code == 302
    html = client.get(url("proposal_detail", proposal.pk)).content.decode()
    assert "bao-cao.pdf" in html
    attachment_id = int(html.split('data-attachment="')[1].split('"')[0])
    assert reverse("attachments:download", args=[attachment_id]) in html
    assert client.get(reverse("attachments:download", args=[attachment_id])).status_code == 200
    response = client.post(url("proposal_detach", proposal.pk, attachment_id))
    assert response.status_code == 302
    assert 'data-attachment="' not in client.get(url("proposal_detail", proposal.pk)).content.decode()


def test_upload_refused_file_type_shows_the_code(client: Client, users: dict[str, Any], proposal: Proposal) -> None:
    login(client, users["clerk"])
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        url("proposal_attach", proposal.pk), {"prefix": "form_02", "form_02-kind": "form_02", "form_02-file": upload}
    )
    assert response.status_code == 400
    assert 'data-error-code="file_type_not_allowed"' in response.content.decode()


def test_upload_by_someone_who_may_not_is_refused(client: Client, users: dict[str, Any], proposal: Proposal) -> None:
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    data = {"prefix": "form_02", "form_02-kind": "form_02", "form_02-file": upload}
    assert login(client, users["other_clerk"]).post(url("proposal_attach", proposal.pk), data).status_code == 404


# --- batch -----------------------------------------------------------------------------------------------------------


def test_batch_page_and_submission(
    client: Client, tree: dict[str, Any], users: dict[str, Any], proposal: Proposal
) -> None:
    proposal = proposal_submit(actor=users["clerk"], proposal=proposal)
    proposal = proposal_approve(actor=users["head"], proposal=proposal)
    proposal_approve(actor=users["block_head"], proposal=proposal)
    login(client, users["block_head"])
    page = url("batch", tree["block_year"].pk)
    assert client.get(page).status_code == 200
    response = client.post(url("batch_submit", tree["block_year"].pk), {"letter_number": "", "submitted_on": ""})
    assert response.status_code == 400
    assert 'data-error-code="dossier_incomplete"' in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.BLOCK_APPROVED
    assert login(client, users["clerk"]).post(url("batch_submit", tree["block_year"].pk), {}).status_code == 403
    # With the submission letter's number (Form 01) the whole batch goes to the department.
    login(client, users["block_head"])
    response = client.post(url("batch_submit", tree["block_year"].pk), {"letter_number": "12/TTr-K1"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.AT_DEPARTMENT
    html = client.get(page).content.decode()
    assert 'data-batch="' in html
    assert "12/TTr-K1" in html
    # The department's officer takes the next step from the proposal's page.
    login(client, users["officer"])
    assert 'data-action="approve"' in client.get(url("proposal_detail", proposal.pk)).content.decode()
    assert client.post(url("proposal_approve", proposal.pk)).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.AT_COUNCIL


def test_batch_submit_with_nothing_to_submit(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["block_head"])
    response = client.post(url("batch_submit", tree["block_year"].pk), {"letter_number": "12/TTr"})
    assert response.status_code == 400
    assert 'data-error-code="batch_empty"' in response.content.decode()


def test_block_year_page_links_the_proposals(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["block_head"])
    html = client.get(reverse("organizations:block_year_detail", args=[tree["block_year"].pk])).content.decode()
    assert url("batch", tree["block_year"].pk) in html


def test_unit_profile_links_to_propose(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    link = f"{url('proposal_new')}?unit={tree['centre_a'].pk}"
    html = login(client, users["clerk"]).get(url("unit_profile", tree["centre_a"].pk)).content.decode()
    assert link in html
    html = login(client, users["viewer"]).get(url("unit_profile", tree["centre_a"].pk)).content.decode()
    assert link not in html
    assert url("proposals") in html  # the navigation entry


# --- holds -----------------------------------------------------------------------------------------------------------


def test_holds_page_place_and_lift(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["officer"])
    assert client.get(url("holds")).status_code == 200
    response = client.post(
        url("holds"), {"unit": tree["centre_b"].pk, "started_on": "2026-03-01", "reason": "Thanh tra tài chính"}
    )
    assert response.status_code == 302
    hold = DisciplinaryHold.objects.get()
    html = client.get(url("holds")).content.decode()
    assert f'data-hold="{hold.pk}"' in html
    response = client.post(url("hold_lift", hold.pk), {"ended_on": "2026-02-01"})
    assert response.status_code == 400
    assert 'data-error-code="invalid_date"' in response.content.decode()
    assert client.post(url("hold_lift", hold.pk), {"ended_on": "2026-04-01"}).status_code == 302
    assert DisciplinaryHold.objects.get().ended_on == dt.date(2026, 4, 1)


def test_holds_need_a_reason_and_a_subject(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["officer"])
    response = client.post(url("holds"), {"started_on": "2026-03-01", "reason": "Thanh tra"})
    assert response.status_code == 400
    assert 'data-error-code="subject_required"' in response.content.decode()
    assert not DisciplinaryHold.objects.exists()


def test_eligibility_page_still_renders_the_shared_report(
    client: Client, tree: dict[str, Any], users: dict[str, Any]
) -> None:
    html = (
        login(client, users["clerk"])
        .get(url("eligibility"), {"unit": tree["centre_a"].pk, "award": "ttldtt", "year": 2025})
        .content.decode()
    )
    assert 'data-testid="eligibility-report"' in html
    assert "data-rule=" in html
    assert "verdict_badge" not in html


def test_holds_page_refused_to_clerks(client: Client, users: dict[str, Any]) -> None:
    assert login(client, users["clerk"]).get(url("holds")).status_code == 403
    assert url("holds") not in client.get(url("proposals")).content.decode()
    assert login(client, users["head"]).get(url("holds")).status_code == 200
    assert client.post(url("holds"), {"started_on": "2026-03-01", "reason": "x"}).status_code == 403
