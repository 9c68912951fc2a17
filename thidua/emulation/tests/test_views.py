"""Emulation pages render for the allowed roles, refuse others, give htmx fragments; bad input writes nothing."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.attachments.models import Attachment
from thidua.audit.models import AuditEvent
from thidua.emulation import services
from thidua.emulation.demo import build_emulation_demo
from thidua.emulation.models import (
    Covenant,
    CovenantSignature,
    CovenantStatus,
    KeyTask,
    KeyTaskUpdate,
    MidyearReview,
    Plan,
    Registration,
    RegistrationStatus,
    ReviewStatus,
)
from thidua.organizations.models import BlockYear
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 20)


def url(name: str, *args: Any) -> str:
    return reverse(f"emulation:{name}", args=args)


@pytest.fixture
def year(tree: dict[str, Any]) -> BlockYear:
    """The test block-year filled by the demo builder (the board has not signed; the review is published)."""
    block_year = tree["block_year"]
    build_emulation_demo(block_year=block_year, actor=system_actor(), today=TODAY)
    return block_year


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _writes() -> tuple[int, ...]:
    return (
        AuditEvent.objects.count(),
        Plan.objects.count(),
        CovenantSignature.objects.count(),
        Registration.objects.count(),
        KeyTask.objects.count(),
        KeyTaskUpdate.objects.count(),
    )


# --- pages render for the allowed, 403 for the others ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan", "covenant", "covenant_print", "registration_list"])
def test_public_year_pages_render_for_any_signed_in_user(
    client: Client, year: BlockYear, users: dict[str, Any], name: str
) -> None:
    response = _login(client, users["viewer"]).get(url(name, year.pk))
    assert response.status_code == 200
    assert 'data-testid="emulation-nav"' in response.content.decode() or name == "covenant_print"


def test_pages_need_sign_in(client: Client, year: BlockYear) -> None:
    response = client.get(url("plan", year.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_missing_block_year_is_404(client: Client, users: dict[str, Any]) -> None:
    assert _login(client, users["admin"]).get(url("plan", 999999)).status_code == 404


def test_plan_page_shows_objectives_and_milestones(client: Client, year: BlockYear, users: dict[str, Any]) -> None:
    html = _login(client, users["deputy"]).get(url("plan", year.pk)).content.decode()
    assert 'data-testid="plan-milestones"' in html
    assert "Ký kết giao ước thi đua" in html
    assert 'data-testid="plan-edit"' in html
    viewer_html = Client().get(url("plan", year.pk))
    assert viewer_html.status_code == 302


@pytest.mark.parametrize(
    ("role", "status"),
    [("head", 200), ("deputy", 200), ("officer", 200), ("admin", 200), ("unit_head", 403), ("viewer", 403)],
)
def test_plan_edit_permission(client: Client, year: BlockYear, users: dict[str, Any], role: str, status: int) -> None:
    assert _login(client, users[role]).get(url("plan_edit", year.pk)).status_code == status


def test_plan_edit_saves_and_bad_milestone_writes_nothing(
    client: Client, tree: dict[str, Any], users: dict[str, Any]
) -> None:
    block_year = tree["block_year"]
    _login(client, users["head"])
    data = {
        "objectives": "Thi đua hoàn thành xuất sắc nhiệm vụ",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-date": "2025-02-25",
        "milestones-0-title": "Ký giao ước",
        "milestones-1-date": "",
        "milestones-1-title": "",
    }
    response = client.post(url("plan_edit", block_year.pk), data)
    assert response.status_code == 302
    plan = Plan.objects.get(block_year=block_year)
    assert [m.title for m in plan.milestones.all()] == ["Ký giao ước"]
    before = _writes()
    bad = {**data, "milestones-0-date": "2031-01-01"}
    response = client.post(url("plan_edit", block_year.pk), bad)
    assert response.status_code == 400
    assert _writes() == before
    half = {**data, "milestones-1-title": "Không có ngày"}
    assert client.post(url("plan_edit", block_year.pk), half).status_code == 400
    assert _writes() == before


# --- covenant ------------------------------------------------------------------------------------------------------


def test_covenant_board_lists_signed_and_unsigned(client: Client, year: BlockYear, users: dict[str, Any]) -> None:
    response = _login(client, users["viewer"]).get(url("covenant", year.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="signed-count">3/4<' in html
    assert "Not signed" in html or "Chưa ký" in html
    assert 'data-testid="sign-' not in html  # a viewer signs nothing
    assert 'data-testid="covenant-open"' not in html


def test_unit_head_signs_with_htmx_and_gets_the_board(
    client: Client, year: BlockYear, tree: dict[str, Any], make_user: Any
) -> None:
    board_head = make_user(Role.UNIT_HEAD, unit=tree["board"])
    _login(client, board_head)
    page = client.get(url("covenant", year.pk)).content.decode()
    assert f'data-testid="sign-{tree["board"].pk}"' in page
    response = client.post(url("covenant_sign", year.pk, tree["board"].pk), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="signature-board"' in html
    assert 'data-testid="signed-count">4/4<' in html
    assert CovenantSignature.objects.filter(unit=tree["board"]).exists()
    again = client.post(url("covenant_sign", year.pk, tree["board"].pk), headers={"HX-Request": "true"})
    assert "alert-danger" in again.content.decode()
    withdrawn = client.post(url("covenant_withdraw", year.pk, tree["board"].pk))
    assert withdrawn.status_code == 302
    assert not CovenantSignature.objects.filter(unit=tree["board"]).exists()


def test_signing_for_another_unit_is_403(client: Client, year: BlockYear, users: dict[str, Any], tree: Any) -> None:
    before = _writes()
    response = _login(client, users["unit_head"]).post(url("covenant_sign", year.pk, tree["board"].pk))
    assert response.status_code == 403
    assert _login(client, users["clerk"]).post(url("covenant_sign", year.pk, tree["board"].pk)).status_code == 403
    assert _writes() == before


def test_covenant_edit_open_close_flow(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    block_year = tree["block_year"]
    _login(client, users["deputy"])
    assert client.get(url("covenant_edit", block_year.pk)).status_code == 200
    response = client.post(
        url("covenant_edit", block_year.pk),
        {"title": "Giao ước 2025", "preamble": "", "commitments": "Cam kết một\n\nCam kết hai\n"},
    )
    assert response.status_code == 302
    covenant = Covenant.objects.get(block_year=block_year)
    assert [c.text for c in covenant.commitments.all()] == ["Cam kết một", "Cam kết hai"]
    assert client.post(url("covenant_open", block_year.pk)).status_code == 302
    covenant.refresh_from_db()
    assert covenant.status == CovenantStatus.OPEN
    # The text is locked now: the edit page sends back to the board, a POST is refused with a form error.
    assert client.get(url("covenant_edit", block_year.pk)).status_code == 302
    before = _writes()
    locked = client.post(url("covenant_edit", block_year.pk), {"title": "Khác", "commitments": "X"})
    assert locked.status_code == 400
    assert _writes() == before
    assert client.post(url("covenant_close", block_year.pk)).status_code == 302
    covenant.refresh_from_db()
    assert covenant.status == CovenantStatus.CLOSED


def test_covenant_reopen_needs_a_reason(client: Client, year: BlockYear, users: dict[str, Any]) -> None:
    _login(client, users["head"])
    before = _writes()
    assert client.post(url("covenant_reopen", year.pk), {"reason": ""}).status_code == 400
    assert _writes() == before
    assert client.post(url("covenant_reopen", year.pk), {"reason": "Sửa lỗi chính tả"}).status_code == 302
    assert Covenant.objects.get(block_year=year).status == CovenantStatus.DRAFT
    assert not CovenantSignature.objects.filter(covenant__block_year=year).exists()


def test_covenant_actions_refused_to_unit_staff(client: Client, year: BlockYear, users: dict[str, Any]) -> None:
    _login(client, users["unit_head"])
    for name in ("covenant_close", "covenant_open"):
        assert client.post(url(name, year.pk)).status_code == 403
    assert client.get(url("covenant_edit", year.pk)).status_code == 403


def test_covenant_print_has_the_signature_table(client: Client, year: BlockYear, users: dict[str, Any]) -> None:
    html = _login(client, users["viewer"]).get(url("covenant_print", year.pk)).content.decode()
    assert 'data-testid="print-signatures"' in html
    assert "css/emulation.css" in html
    assert "style=" not in html


def test_covenant_print_without_covenant_is_404(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    assert _login(client, users["viewer"]).get(url("covenant_print", tree["block_year"].pk)).status_code == 404


# --- registrations -------------------------------------------------------------------------------------------------


def test_registration_list_and_detail_for_a_viewer(
    client: Client, year: BlockYear, users: dict[str, Any], tree: Any
) -> None:
    _login(client, users["viewer"])
    html = client.get(url("registration_list", year.pk)).content.decode()
    assert 'data-testid="registrations"' in html
    detail = client.get(url("registration_detail", year.pk, tree["centre_a"].pk))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert 'data-testid="registration-form"' not in page
    assert 'data-testid="task-table"' not in page  # tasks are for the block's people only


def test_registration_detail_of_a_non_member_is_404(
    client: Client, year: BlockYear, users: dict[str, Any], tree: Any
) -> None:
    assert _login(client, users["viewer"]).get(url("registration_detail", year.pk, tree["dept"].pk)).status_code == 404


def test_clerk_edits_and_submits_the_registration(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    block_year, unit = tree["block_year"], tree["centre_a"]
    _login(client, users["clerk"])
    page = client.get(url("registration_detail", block_year.pk, unit.pk)).content.decode()
    assert 'data-testid="registration-form"' in page
    data = {
        "collective_titles": ["excellent_collective"],
        "target_advanced_labourer": "10",
        "target_emulation_fighter_grassroots": "2",
        "target_emulation_fighter_province": "0",
        "note": "",
    }
    response = client.post(url("registration_detail", block_year.pk, unit.pk), data)
    assert response.status_code == 302
    registration = Registration.objects.get(block_year=block_year, unit=unit)
    assert registration.collective_titles == ["excellent_collective"]
    before = _writes()
    bad = client.post(url("registration_detail", block_year.pk, unit.pk), {**data, "target_advanced_labourer": "-1"})
    assert bad.status_code == 400
    assert _writes() == before
    assert client.post(url("registration_submit", block_year.pk, unit.pk)).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_block_head_acknowledges_and_returns(client: Client, year: BlockYear, users: dict[str, Any], tree: Any) -> None:
    unit = tree["board"]  # the demo leaves the 5th unit submitted; the test tree has 4, so submit one again
    registration = Registration.objects.get(block_year=year, unit=unit)
    services.registration_return(actor=system_actor(), registration=registration, reason="Bổ sung")
    services.registration_submit(actor=system_actor(), registration=registration)
    _login(client, users["head"])
    page = client.get(url("registration_detail", year.pk, unit.pk)).content.decode()
    assert 'data-testid="registration-acknowledge"' in page
    assert client.post(url("registration_acknowledge", year.pk, unit.pk)).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ACKNOWLEDGED
    assert client.get(url("registration_return", year.pk, unit.pk)).status_code == 200
    before = _writes()
    assert client.post(url("registration_return", year.pk, unit.pk), {"reason": " "}).status_code == 400
    assert _writes() == before
    assert client.post(url("registration_return", year.pk, unit.pk), {"reason": "Thiếu chỉ tiêu"}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETURNED


def test_registration_review_refused_to_deputy_and_staff(
    client: Client, year: BlockYear, users: dict[str, Any], tree: Any
) -> None:
    for role in ("deputy", "clerk", "viewer"):
        response = _login(client, users[role]).post(url("registration_acknowledge", year.pk, tree["board"].pk))
        assert response.status_code == 403


def test_registration_detail_flags_overdue_tasks(
    client: Client, year: BlockYear, users: dict[str, Any], tree: Any
) -> None:
    unit_id = tree["centre_a"].pk
    html = _login(client, users["deputy"]).get(url("registration_detail", year.pk, unit_id)).content.decode()
    assert 'data-testid="task-table"' in html
    assert 'data-testid="overdue-badge"' in html


# --- key tasks -----------------------------------------------------------------------------------------------------


def test_task_create_edit_delete(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    block_year, unit = tree["block_year"], tree["centre_a"]
    _login(client, users["unit_head"])
    assert client.get(url("task_create", block_year.pk, unit.pk)).status_code == 200
    data = {"title": "Số hóa hồ sơ", "due_date": "2025-10-31", "weight": "2", "target_value": "100", "target_unit": "%"}
    assert client.post(url("task_create", block_year.pk, unit.pk), data).status_code == 302
    task = KeyTask.objects.get(registration__unit=unit)
    before = _writes()
    assert (
        client.post(url("task_create", block_year.pk, unit.pk), {**data, "due_date": "2026-03-01"}).status_code == 400
    )
    assert _writes() == before
    assert client.get(url("task_edit", task.pk)).status_code == 200
    assert client.post(url("task_edit", task.pk), {**data, "title": "Số hóa 100% hồ sơ"}).status_code == 302
    task.refresh_from_db()
    assert task.title == "Số hóa 100% hồ sơ"
    assert client.post(url("task_delete", task.pk)).status_code == 302
    assert not KeyTask.objects.filter(pk=task.pk).exists()


def test_task_pages_refused_to_other_units(client: Client, year: BlockYear, users: dict[str, Any], tree: Any) -> None:
    task = KeyTask.objects.filter(registration__unit=tree["centre_a"]).first()
    assert task is not None
    assert _login(client, users["viewer"]).get(url("task_detail", task.pk)).status_code == 403
    _login(client, users["unit_head_b"])
    assert client.get(url("task_detail", task.pk)).status_code == 200  # a member unit's head may look
    assert client.post(url("task_progress_add", task.pk), {"date": "2025-05-01", "progress": "10"}).status_code == 403
    assert client.get(url("task_create", year.pk, tree["centre_a"].pk)).status_code == 403
    assert _login(client, users["admin"]).get(url("task_detail", 999999)).status_code == 404


def test_progress_update_with_htmx_and_evidence(
    client: Client, year: BlockYear, users: dict[str, Any], tree: Any
) -> None:
    task = KeyTask.objects.filter(registration__unit=tree["centre_a"]).order_by("position").first()
    assert task is not None
    _login(client, users["clerk"])
    page = client.get(url("task_detail", task.pk)).content.decode()
    assert 'data-testid="progress-form"' in page
    evidence = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        url("task_progress_add", task.pk),
        {"date": "2025-11-01", "progress": "100", "note": "Hoàn thành", "evidence": evidence},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="task-progress"' in html
    assert "bien-ban.pdf" in html
    update = KeyTaskUpdate.objects.filter(task=task).order_by("-id").first()
    assert update is not None
    assert update.progress == 100
    assert Attachment.objects.filter(owner_id=update.pk, original_name="bien-ban.pdf").exists()
    before = _writes()
    invalid = client.post(
        url("task_progress_add", task.pk), {"date": "2099-01-01", "progress": "50"}, headers={"HX-Request": "true"}
    )
    assert invalid.status_code == 200  # htmx swaps only 2xx; the errors are in the fragment
    assert "is-invalid" in invalid.content.decode()
    assert _writes() == before
    plain = client.post(url("task_progress_add", task.pk), {"date": "2025-11-02", "progress": "101"})
    assert plain.status_code == 400
    assert _writes() == before
    ok = client.post(url("task_progress_add", task.pk), {"date": "2025-11-03", "progress": "100"})
    assert ok.status_code == 302
    latest = KeyTaskUpdate.objects.filter(task=task).order_by("-id").first()
    assert latest is not None
    assert client.post(url("task_progress_delete", task.pk, latest.pk)).status_code == 302
    assert not KeyTaskUpdate.objects.filter(pk=latest.pk).exists()


def test_evidence_download_is_permission_checked(
    client: Client, year: BlockYear, users: dict[str, Any], tree: Any
) -> None:
    task = KeyTask.objects.filter(registration__unit=tree["centre_a"]).first()
    assert task is not None
    update = services.key_task_record_progress(
        actor=system_actor(),
        task=task,
        date=dt.date(2025, 5, 5),
        progress=20,
        evidence=[SimpleUploadedFile("anh.png", b"\x89PNG....", content_type="image/png")],
    )
    attachment = Attachment.objects.get(owner_id=update.pk, original_name="anh.png")
    download = reverse("attachments:download", args=[attachment.pk])
    assert _login(client, users["deputy"]).get(download).status_code == 200
    assert _login(client, users["viewer"]).get(download).status_code == 404


# --- progress overview and mid-year review -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("head", 200), ("deputy", 200), ("officer", 200), ("unit_head", 403), ("viewer", 403)]
)
def test_progress_overview_permission(
    client: Client, year: BlockYear, users: dict[str, Any], role: str, status: int
) -> None:
    assert _login(client, users[role]).get(url("progress_overview", year.pk)).status_code == status


def test_progress_overview_table_and_htmx(client: Client, year: BlockYear, users: dict[str, Any]) -> None:
    _login(client, users["head"])
    html = client.get(url("progress_overview", year.pk)).content.decode()
    assert 'data-testid="progress-table"' in html
    assert 'data-testid="total-overdue"' in html
    fragment = client.get(url("progress_overview", year.pk), {"as_of": "2025-06-30"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'id="progress-table"' in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.parametrize(
    ("role", "status"), [("head", 200), ("unit_head", 200), ("officer", 200), ("viewer", 403), ("outsider_head", 403)]
)
def test_midyear_permission(client: Client, year: BlockYear, users: dict[str, Any], role: str, status: int) -> None:
    assert _login(client, users[role]).get(url("midyear", year.pk)).status_code == status


def test_published_midyear_shows_kept_figures(client: Client, year: BlockYear, users: dict[str, Any]) -> None:
    html = _login(client, users["head"]).get(url("midyear", year.pk)).content.decode()
    assert 'data-testid="review-status"' in html
    assert 'data-testid="review-form"' not in html  # published: no more edits
    assert 'data-chart="chart-midyear-tasks"' in html
    assert "chartjs" in html
    assert 'data-testid="review-summary"' in html


def test_midyear_draft_save_publish_and_htmx_cutoff(
    client: Client, tree: dict[str, Any], users: dict[str, Any]
) -> None:
    block_year = tree["block_year"]
    _login(client, users["head"])
    page = client.get(url("midyear", block_year.pk))
    assert page.status_code == 200
    assert 'data-testid="review-form"' in page.content.decode()
    fragment = client.get(url("midyear", block_year.pk), {"as_of": "2025-03-31"}, headers={"HX-Request": "true"})
    assert 'id="midyear-figures"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    before = _writes()
    bad = client.post(url("midyear", block_year.pk), {"summary": "Tốt", "cutoff_date": "2024-06-30"})
    assert bad.status_code == 400
    assert _writes() == before
    data = {"summary": "Sơ kết 6 tháng", "cutoff_date": "2025-06-30", f"remark_{tree['centre_a'].pk}": "Tốt"}
    assert client.post(url("midyear", block_year.pk), data).status_code == 302
    review = MidyearReview.objects.get(block_year=block_year)
    assert review.remarks.get().remark == "Tốt"
    assert client.post(url("midyear_publish", block_year.pk)).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED


def test_midyear_write_refused_to_deputy(client: Client, tree: dict[str, Any], users: dict[str, Any]) -> None:
    block_year = tree["block_year"]
    _login(client, users["deputy"])
    html = client.get(url("midyear", block_year.pk)).content.decode()
    assert 'data-testid="review-form"' not in html
    assert client.post(url("midyear", block_year.pk), {"summary": "x", "cutoff_date": "2025-06-30"}).status_code == 403
    assert client.post(url("midyear_publish", block_year.pk)).status_code == 403


def test_pages_have_no_inline_styles_or_scripts(
    client: Client, year: BlockYear, users: dict[str, Any], tree: Any
) -> None:
    _login(client, users["admin"])
    task = KeyTask.objects.filter(registration__block_year=year).first()
    assert task is not None
    pages = [
        url("plan", year.pk),
        url("plan_edit", year.pk),
        url("covenant", year.pk),
        url("registration_list", year.pk),
        url("registration_detail", year.pk, tree["centre_a"].pk),
        url("task_detail", task.pk),
        url("progress_overview", year.pk),
        url("midyear", year.pk),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert " style=" not in html, page
        assert "hx-on" not in html, page
        assert "<script>" not in html, page


def test_closed_block_year_offers_no_writes(client: Client, year: BlockYear, users: dict[str, Any], tree: Any) -> None:
    BlockYear.objects.filter(pk=year.pk).update(phase="closed")
    _login(client, users["head"])
    assert 'data-testid="plan-edit"' not in client.get(url("plan", year.pk)).content.decode()
    assert 'data-testid="covenant-close"' not in client.get(url("covenant", year.pk)).content.decode()
    before = _writes()
    response = client.post(
        url("plan_edit", year.pk),
        {"objectives": "x", "milestones-TOTAL_FORMS": "0", "milestones-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 400
    assert _writes() == before
    _login(client, users["clerk"])
    page = client.get(url("registration_detail", year.pk, tree["centre_a"].pk)).content.decode()
    assert 'data-testid="registration-form"' not in page
    task = KeyTask.objects.filter(registration__unit=tree["centre_a"]).first()
    assert task is not None
    assert 'data-testid="progress-form"' not in client.get(url("task_detail", task.pk)).content.decode()
