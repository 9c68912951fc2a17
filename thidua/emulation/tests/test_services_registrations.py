"""Registration, key-task and progress services: success writes rows and audit events; refusals write nothing."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thidua.attachments.models import Attachment
from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from thidua.emulation import services
from thidua.emulation.models import IndividualTarget, KeyTask, KeyTaskUpdate, Registration, RegistrationStatus
from thidua.emulation.tests.helpers import close, last_action, state

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 20)


def _refused(exc_type: type[DomainError], code: str | None, call: Any, **kwargs: Any) -> None:
    before = state()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    if code is not None:
        assert info.value.code == code
    assert state() == before


def _pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


# --- registrations -------------------------------------------------------------------------------------------------


def test_clerk_creates_and_updates_the_registration(tree: dict[str, Any], users: dict[str, Any]) -> None:
    registration = services.registration_save(
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        collective_titles=["excellent_collective", "flag_province", "excellent_collective"],
        individual_targets={
            "advanced_labourer": 20,
            "emulation_fighter_grassroots": 3,
            "emulation_fighter_province": 0,
        },
        note="Cam kết",
    )
    assert registration.status == RegistrationStatus.DRAFT
    assert registration.collective_titles == ["flag_province", "excellent_collective"]  # choice order, no repeats
    assert {t.title: t.count for t in IndividualTarget.objects.all()} == {
        "advanced_labourer": 20,
        "emulation_fighter_grassroots": 3,
    }
    assert last_action() == "registration.create"
    services.registration_save(
        actor=users["unit_head"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        collective_titles=["advanced_collective"],
        individual_targets={"advanced_labourer": 18},
    )
    registration.refresh_from_db()
    assert registration.collective_titles == ["advanced_collective"]
    assert last_action() == "registration.update"
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("role", ["unit_head_b", "head", "deputy", "officer", "viewer", "outsider_head"])
def test_registration_save_refused(tree: dict[str, Any], users: dict[str, Any], role: str) -> None:
    _refused(
        PermissionDenied,
        None,
        services.registration_save,
        actor=users[role],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        collective_titles=["excellent_collective"],
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"collective_titles": ["gold_medal"]}, "invalid_choice"),
        ({"individual_targets": {"hero": 1}}, "invalid_choice"),
        ({"individual_targets": {"advanced_labourer": -1}}, "negative_count"),
        ({"individual_targets": {"advanced_labourer": "many"}}, "invalid_count"),
        ({"note": "x" * 20001}, "too_long"),
    ],
)
def test_registration_save_bad_input(tree: dict[str, Any], users: dict[str, Any], kwargs: Any, code: str) -> None:
    _refused(
        ValidationFailed,
        code,
        services.registration_save,
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        **kwargs,
    )


def test_registration_of_a_non_member_is_refused(tree: dict[str, Any], users: dict[str, Any]) -> None:
    _refused(
        ValidationFailed,
        "not_member",
        services.registration_save,
        actor=users["outsider_head"],
        block_year=tree["block_year"],
        unit=tree["dept"],
    )


def test_registration_refused_when_block_year_closed(tree: dict[str, Any], users: dict[str, Any]) -> None:
    close(tree["block_year"])
    _refused(
        ValidationFailed,
        "block_year_closed",
        services.registration_save,
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
    )


def test_submit_acknowledge_return_cycle(registration: Registration, users: dict[str, Any], tree: Any) -> None:
    _refused(PermissionDenied, None, services.registration_submit, actor=users["head"], registration=registration)
    submitted = services.registration_submit(actor=users["clerk"], registration=registration)
    assert submitted.status == RegistrationStatus.SUBMITTED
    assert submitted.submitted_by == users["clerk"]
    assert last_action() == "registration.submit"
    # Submitted: the unit can no longer change it.
    _refused(
        Conflict,
        "registration_locked",
        services.registration_save,
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
    )
    _refused(
        Conflict, "registration_locked", services.registration_submit, actor=users["clerk"], registration=submitted
    )
    for role in ("deputy", "clerk", "officer", "unit_head"):
        _refused(
            PermissionDenied, None, services.registration_acknowledge, actor=users[role], registration=registration
        )
    acknowledged = services.registration_acknowledge(actor=users["head"], registration=registration)
    assert acknowledged.status == RegistrationStatus.ACKNOWLEDGED
    assert acknowledged.reviewed_by == users["head"]
    assert last_action() == "registration.acknowledge"
    _refused(
        Conflict,
        "registration_not_submitted",
        services.registration_acknowledge,
        actor=users["head"],
        registration=registration,
    )
    _refused(
        ValidationFailed,
        "required",
        services.registration_return,
        actor=users["head"],
        registration=registration,
        reason="  ",
    )
    _refused(
        PermissionDenied,
        None,
        services.registration_return,
        actor=users["deputy"],
        registration=registration,
        reason="Thiếu",
    )
    returned = services.registration_return(actor=users["head"], registration=registration, reason="Bổ sung chỉ tiêu")
    assert returned.status == RegistrationStatus.RETURNED
    assert returned.return_reason == "Bổ sung chỉ tiêu"
    assert last_action() == "registration.return"
    _refused(
        Conflict,
        "registration_not_submitted",
        services.registration_return,
        actor=users["head"],
        registration=registration,
        reason="Lần nữa",
    )
    # Returned: editable again, and a new submission clears the reason.
    services.registration_save(
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        collective_titles=["flag_province"],
    )
    again = services.registration_submit(actor=users["unit_head"], registration=registration)
    assert again.status == RegistrationStatus.SUBMITTED
    assert again.return_reason == ""


def test_submit_needs_a_collective_title(tree: dict[str, Any], users: dict[str, Any]) -> None:
    empty = services.registration_save(actor=users["clerk"], block_year=tree["block_year"], unit=tree["centre_a"])
    _refused(
        ValidationFailed, "registration_empty", services.registration_submit, actor=users["clerk"], registration=empty
    )


def test_review_refused_when_block_year_closed(registration: Registration, users: dict[str, Any], tree: Any) -> None:
    services.registration_submit(actor=users["clerk"], registration=registration)
    close(tree["block_year"])
    _refused(
        ValidationFailed,
        "block_year_closed",
        services.registration_acknowledge,
        actor=users["head"],
        registration=registration,
    )


# --- key tasks -----------------------------------------------------------------------------------------------------


def test_key_task_create_makes_the_draft_registration(tree: dict[str, Any], users: dict[str, Any]) -> None:
    task = services.key_task_create(
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        title="Số hóa hồ sơ",
        due_date=dt.date(2025, 9, 30),
        target_value="1500.5",
        target_unit="hồ sơ",
        owner=tree["person_a"],
        owner_name="Phòng Nghiệp vụ",
        weight=3,
    )
    assert task.registration.status == RegistrationStatus.DRAFT
    assert task.target_value == Decimal("1500.50")
    assert task.position == 1
    assert last_action() == "key_task.create"
    second = services.key_task_create(
        actor=users["unit_head"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        title="Tập huấn",
        due_date=dt.date(2025, 12, 31),
    )
    assert second.position == 2
    assert second.registration_id == task.registration_id


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"title": ""}, "required"),
        ({"due_date": dt.date(2024, 12, 31)}, "due_date_out_of_range"),
        ({"due_date": dt.date(2026, 1, 1)}, "due_date_out_of_range"),
        ({"due_date": "2025-05-01"}, "invalid_date"),
        ({"weight": 0}, "invalid_weight"),
        ({"weight": 101}, "invalid_weight"),
        ({"target_value": -5}, "invalid_target"),
        ({"target_value": "abc"}, "invalid_target"),
        ({"target_unit": "hồ sơ"}, "target_incomplete"),
        ({"owner_name": "x" * 201}, "too_long"),
    ],
)
def test_key_task_create_bad_input(tree: dict[str, Any], users: dict[str, Any], kwargs: Any, code: str) -> None:
    values: dict[str, Any] = {"title": "Nhiệm vụ", "due_date": dt.date(2025, 6, 30), **kwargs}
    _refused(
        ValidationFailed,
        code,
        services.key_task_create,
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        **values,
    )


def test_key_task_owner_must_work_in_the_unit(tree: dict[str, Any], users: dict[str, Any]) -> None:
    _refused(
        ValidationFailed,
        "owner_not_staff",
        services.key_task_create,
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        title="Nhiệm vụ",
        due_date=dt.date(2025, 6, 30),
        owner=tree["person_c"],
    )


@pytest.mark.parametrize("role", ["unit_head_b", "head", "officer", "viewer"])
def test_key_task_create_refused(tree: dict[str, Any], users: dict[str, Any], role: str) -> None:
    _refused(
        PermissionDenied,
        None,
        services.key_task_create,
        actor=users[role],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        title="Nhiệm vụ",
        due_date=dt.date(2025, 6, 30),
    )


def test_key_tasks_are_locked_with_the_registration(task: KeyTask, users: dict[str, Any], tree: Any) -> None:
    services.registration_submit(actor=users["clerk"], registration=task.registration)
    _refused(
        Conflict,
        "registration_locked",
        services.key_task_create,
        actor=users["clerk"],
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        title="Thêm",
        due_date=dt.date(2025, 6, 30),
    )
    _refused(Conflict, "registration_locked", services.key_task_update, actor=users["clerk"], task=task, title="Đổi")
    _refused(Conflict, "registration_locked", services.key_task_delete, actor=users["clerk"], task=task)


def test_key_task_update(task: KeyTask, users: dict[str, Any]) -> None:
    updated = services.key_task_update(actor=users["unit_head"], task=task, title="Số hóa 6.000 hồ sơ", weight=4)
    assert updated.title == "Số hóa 6.000 hồ sơ"
    assert updated.weight == 4
    assert last_action() == "key_task.update"
    _refused(ValidationFailed, "unknown_field", services.key_task_update, actor=users["clerk"], task=task, color="red")
    _refused(ValidationFailed, "invalid_weight", services.key_task_update, actor=users["clerk"], task=task, weight=-1)
    _refused(
        ValidationFailed,
        "target_incomplete",
        services.key_task_update,
        actor=users["clerk"],
        task=task,
        target_value=None,
    )
    _refused(PermissionDenied, None, services.key_task_update, actor=users["head"], task=task, title="Đổi")


def test_key_task_delete_removes_updates_and_evidence(task: KeyTask, users: dict[str, Any]) -> None:
    services.key_task_record_progress(
        actor=users["clerk"], task=task, date=dt.date(2025, 5, 1), progress=30, evidence=[_pdf()], today=TODAY
    )
    _refused(PermissionDenied, None, services.key_task_delete, actor=users["unit_head_b"], task=task)
    services.key_task_delete(actor=users["clerk"], task=task)
    assert not KeyTask.objects.exists()
    assert not KeyTaskUpdate.objects.exists()
    assert not Attachment.objects.exists()
    assert last_action() == "key_task.delete"


# --- progress ------------------------------------------------------------------------------------------------------


def test_record_progress_with_evidence(task: KeyTask, users: dict[str, Any]) -> None:
    services.registration_submit(actor=users["clerk"], registration=task.registration)
    services.registration_acknowledge(actor=users["head"], registration=task.registration)
    update = services.key_task_record_progress(
        actor=users["clerk"],
        task=task,
        date=dt.date(2025, 6, 30),
        progress=45,
        actual_value=2250,
        note="Đã số hóa 2.250 hồ sơ",
        evidence=[_pdf(), _pdf("anh.png")],
        today=TODAY,
    )
    assert update.progress == 45
    assert update.actual_value == Decimal("2250.00")
    assert update.recorded_by == users["clerk"]
    assert Attachment.objects.filter(owner_id=update.pk).count() == 2
    assert last_action() == "key_task.record_progress"


@pytest.mark.parametrize("role", ["unit_head_b", "head", "deputy", "officer", "viewer"])
def test_record_progress_refused(task: KeyTask, users: dict[str, Any], role: str) -> None:
    _refused(
        PermissionDenied,
        None,
        services.key_task_record_progress,
        actor=users[role],
        task=task,
        date=dt.date(2025, 5, 1),
        progress=10,
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"progress": 101}, "invalid_progress"),
        ({"progress": -1}, "invalid_progress"),
        ({"progress": "50"}, "invalid_progress"),
        ({"date": dt.date(2025, 11, 21)}, "date_in_future"),
        ({"date": dt.date(2024, 12, 31)}, "date_out_of_range"),
        ({"actual_value": -1}, "invalid_value"),
        ({"evidence": [SimpleUploadedFile("virus.exe", b"MZ")]}, "file_type_not_allowed"),
        ({"evidence": [SimpleUploadedFile("empty.pdf", b"")]}, "file_empty"),
        ({"evidence": [SimpleUploadedFile(f"f{i}.pdf", b"x") for i in range(11)]}, "too_many_files"),
    ],
)
def test_record_progress_bad_input(task: KeyTask, users: dict[str, Any], kwargs: Any, code: str) -> None:
    values: dict[str, Any] = {"date": dt.date(2025, 5, 1), "progress": 10, **kwargs}
    _refused(
        ValidationFailed,
        code,
        services.key_task_record_progress,
        actor=users["clerk"],
        task=task,
        today=TODAY,
        **values,
    )


def test_record_progress_refused_when_block_year_closed(task: KeyTask, users: dict[str, Any], tree: Any) -> None:
    close(tree["block_year"])
    _refused(
        ValidationFailed,
        "block_year_closed",
        services.key_task_record_progress,
        actor=users["clerk"],
        task=task,
        date=dt.date(2025, 5, 1),
        progress=10,
        today=TODAY,
    )


def test_progress_remove(task: KeyTask, users: dict[str, Any]) -> None:
    update = services.key_task_record_progress(
        actor=users["clerk"], task=task, date=dt.date(2025, 5, 1), progress=30, evidence=[_pdf()], today=TODAY
    )
    _refused(PermissionDenied, None, services.key_task_progress_remove, actor=users["head"], update=update)
    services.key_task_progress_remove(actor=users["unit_head"], update=update)
    assert not KeyTaskUpdate.objects.exists()
    assert not Attachment.objects.exists()
    assert last_action() == "key_task.remove_progress"
