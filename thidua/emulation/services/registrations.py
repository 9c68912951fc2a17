"""Services for registrations (đăng ký thi đua), their key tasks and the tasks' progress updates.

A registration, and the key tasks registered with it, change only while it is a draft or returned;
submitting sends it to the block head, who acknowledges it or returns it with a reason. Progress is
reported on a task at any time of the open block-year, whatever the registration's status, with
evidence files attached to the update.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.attachments.services import attachment_add, attachment_remove, attachments_of
from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import Conflict, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.emulation.models import (
    EDITABLE_STATUSES,
    IndividualTarget,
    KeyTask,
    KeyTaskUpdate,
    Registration,
    RegistrationStatus,
)
from thidua.emulation.services._common import (
    MAX_LINE,
    MAX_TEXT,
    check_amount,
    check_date,
    check_date_between,
    check_int,
    check_member,
    check_not_future,
    check_open,
)
from thidua.emulation.titles import COLLECTIVE_ORDER, INDIVIDUAL_ORDER
from thidua.organizations.models import BlockYear, Person, Unit
from thidua.organizations.services._common import clean_text, snapshot

MAX_STAFF_COUNT = 100_000
MAX_TASKS = 50
MAX_EVIDENCE = 10
TASK_FIELDS = [
    "title",
    "description",
    "target_value",
    "target_unit",
    "due_date",
    "owner",
    "owner_name",
    "weight",
    "position",
]


# ---------------------------------------------------------------- registrations


def _registration_for(block_year: BlockYear, unit: Unit) -> Registration:
    """The unit's registration, locked, or a new unsaved draft (permissions are checked on either)."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("block_year__block__owner", "unit")
        .filter(block_year=block_year, unit=unit)
        .first()
    )
    return registration if registration is not None else Registration(block_year=block_year, unit=unit)


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("block_year__block__owner", "unit")
        .get(pk=registration.pk)
    )


def _check_editable(registration: Registration) -> None:
    if registration.status not in EDITABLE_STATUSES:
        raise Conflict(
            _("The registration has been submitted; it can change only after the block head returns it."),
            code="registration_locked",
        )


def _clean_titles(titles: Sequence[str]) -> list[str]:
    for code in titles:
        if code not in COLLECTIVE_ORDER:
            raise ValidationFailed(
                _("“%(value)s” is not a valid choice.") % {"value": code},
                code="invalid_choice",
                field="collective_titles",
            )
    return [code for code in COLLECTIVE_ORDER if code in set(titles)]


def _clean_targets(targets: Mapping[str, int]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for code, count in targets.items():
        if code not in INDIVIDUAL_ORDER:
            raise ValidationFailed(
                _("“%(value)s” is not a valid choice.") % {"value": code},
                code="invalid_choice",
                field="individual_targets",
            )
        if isinstance(count, int) and not isinstance(count, bool) and count < 0:
            raise ValidationFailed(
                _("The number of staff cannot be negative."), code="negative_count", field=f"individual_targets.{code}"
            )
        cleaned[code] = check_int(
            count, field=f"individual_targets.{code}", code="invalid_count", low=0, high=MAX_STAFF_COUNT
        )
    return {code: cleaned[code] for code in INDIVIDUAL_ORDER if cleaned.get(code)}


def _registration_snapshot(registration: Registration) -> dict[str, Any]:
    if registration.pk is None:
        return {}
    return {
        "collective_titles": list(registration.collective_titles),
        "individual_targets": {t.title: t.count for t in registration.individual_targets.all()},
        "note": registration.note,
    }


def _create_registration(actor: Any, registration: Registration) -> None:
    registration.save()
    audit_record(
        actor=actor,
        action="registration.create",
        obj=registration,
        changes={"block_year": registration.block_year_id, "unit": registration.unit_id},
    )


@transaction.atomic
def registration_save(
    *,
    actor: Any,
    block_year: BlockYear,
    unit: Unit,
    collective_titles: Sequence[str] = (),
    individual_targets: Mapping[str, int] | None = None,
    note: str = "",
) -> Registration:
    """Create or change the unit's registration: target collective titles, staff aiming for each individual title."""
    registration = _registration_for(block_year, unit)
    require_perm(actor, "emulation.change_registration", registration)
    check_open(block_year)
    check_member(block_year, unit)
    _check_editable(registration)
    titles = _clean_titles(collective_titles)
    targets = _clean_targets(individual_targets or {})
    note = clean_text(note, field="note", max_length=MAX_TEXT)
    created = registration.pk is None
    before = _registration_snapshot(registration)
    registration.collective_titles = titles
    registration.note = note
    registration.save()
    registration.individual_targets.all().delete()
    IndividualTarget.objects.bulk_create(
        IndividualTarget(registration=registration, title=code, count=count) for code, count in targets.items()
    )
    diff = model_changes(before, _registration_snapshot(registration))
    if created:
        diff.update(block_year=[None, block_year.pk], unit=[None, unit.pk])
        audit_record(actor=actor, action="registration.create", obj=registration, changes=diff)
    elif diff:
        audit_record(actor=actor, action="registration.update", obj=registration, changes=diff)
    return registration


@transaction.atomic
def registration_submit(*, actor: Any, registration: Registration) -> Registration:
    """Send a draft or returned registration to the block head."""
    registration = _locked(registration)
    require_perm(actor, "emulation.change_registration", registration)
    check_open(registration.block_year)
    _check_editable(registration)
    if not registration.collective_titles:
        raise ValidationFailed(
            _("Choose at least one collective title before submitting."),
            code="registration_empty",
            field="collective_titles",
        )
    before = registration.status
    registration.status = RegistrationStatus.SUBMITTED
    registration.submitted_at = timezone.now()
    registration.submitted_by = actor
    registration.return_reason = ""
    registration.save()
    audit_record(
        actor=actor, action="registration.submit", obj=registration, changes={"status": [before, registration.status]}
    )
    return registration


@transaction.atomic
def registration_acknowledge(*, actor: Any, registration: Registration) -> Registration:
    """The block head accepts a submitted registration."""
    registration = _locked(registration)
    require_perm(actor, "emulation.review_registration", registration)
    check_open(registration.block_year)
    if registration.status != RegistrationStatus.SUBMITTED:
        raise Conflict(_("Only a submitted registration can be acknowledged."), code="registration_not_submitted")
    registration.status = RegistrationStatus.ACKNOWLEDGED
    registration.reviewed_at = timezone.now()
    registration.reviewed_by = actor
    registration.save()
    audit_record(
        actor=actor,
        action="registration.acknowledge",
        obj=registration,
        changes={"status": [RegistrationStatus.SUBMITTED, registration.status]},
    )
    return registration


@transaction.atomic
def registration_return(*, actor: Any, registration: Registration, reason: str) -> Registration:
    """The block head sends a submitted (or acknowledged) registration back for changes, saying why."""
    registration = _locked(registration)
    require_perm(actor, "emulation.review_registration", registration)
    check_open(registration.block_year)
    if registration.status not in (RegistrationStatus.SUBMITTED, RegistrationStatus.ACKNOWLEDGED):
        raise Conflict(
            _("Only a submitted or acknowledged registration can be returned."), code="registration_not_submitted"
        )
    reason = clean_text(reason, field="reason", max_length=MAX_LINE, required=True)
    before = registration.status
    registration.status = RegistrationStatus.RETURNED
    registration.return_reason = reason
    registration.reviewed_at = timezone.now()
    registration.reviewed_by = actor
    registration.save()
    audit_record(
        actor=actor,
        action="registration.return",
        obj=registration,
        changes={"status": [before, registration.status], "reason": reason},
    )
    return registration


# ---------------------------------------------------------------- key tasks


def _clean_task_field(name: str, value: Any, registration: Registration) -> Any:
    year = registration.block_year.year
    if name == "title":
        return clean_text(value, field=name, max_length=255, required=True)
    if name == "description":
        return clean_text(value, field=name, max_length=MAX_TEXT)
    if name == "target_unit":
        return clean_text(value, field=name, max_length=50)
    if name == "owner_name":
        return clean_text(value, field=name, max_length=200)
    if name == "target_value":
        return check_amount(value, field=name, code="invalid_target")
    if name == "due_date":
        check_date(value, field=name)
        return check_date_between(
            value, dt.date(year, 1, 1), dt.date(year, 12, 31), field=name, code="due_date_out_of_range"
        )
    if name == "weight":
        return check_int(value, field=name, code="invalid_weight", low=1, high=100)
    if name == "position":
        return check_int(value, field=name, code="invalid", low=0, high=1000)
    if name == "owner":
        if value is None:
            return None
        if (
            not isinstance(value, Person)
            or not value.memberships.filter(unit_id=registration.unit_id, end_date__isnull=True).exists()
        ):
            raise ValidationFailed(
                _("The owner must be a current staff member of %(unit)s.") % {"unit": registration.unit},
                code="owner_not_staff",
                field=name,
            )
        return value
    raise ValidationFailed(_("Unknown field: %(field)s") % {"field": name}, code="unknown_field")


def _check_target(task: KeyTask) -> None:
    if task.target_unit and task.target_value is None:
        raise ValidationFailed(
            _("Enter the target value for the unit of measure."), code="target_incomplete", field="target_value"
        )


@transaction.atomic
def key_task_create(
    *,
    actor: Any,
    block_year: BlockYear,
    unit: Unit,
    title: str,
    due_date: dt.date,
    description: str = "",
    target_value: Decimal | int | str | None = None,
    target_unit: str = "",
    owner: Person | None = None,
    owner_name: str = "",
    weight: int = 1,
) -> KeyTask:
    """Register a key task for the unit (its draft registration is created when there is none)."""
    registration = _registration_for(block_year, unit)
    require_perm(actor, "emulation.change_registration", registration)
    check_open(block_year)
    check_member(block_year, unit)
    _check_editable(registration)
    values = {
        name: _clean_task_field(name, value, registration)
        for name, value in [
            ("title", title),
            ("description", description),
            ("target_value", target_value),
            ("target_unit", target_unit),
            ("due_date", due_date),
            ("owner", owner),
            ("owner_name", owner_name),
            ("weight", weight),
        ]
    }
    task = KeyTask(registration=registration, **values)
    _check_target(task)
    if registration.pk is None:
        _create_registration(actor, registration)
    elif registration.tasks.count() >= MAX_TASKS:
        raise ValidationFailed(
            _("A registration has at most %(max)d key tasks.") % {"max": MAX_TASKS}, code="too_many_tasks"
        )
    task.registration = registration
    task.position = (registration.tasks.aggregate(m=Max("position"))["m"] or 0) + 1
    task.save()
    audit_record(
        actor=actor, action="key_task.create", obj=task, changes=model_changes({}, snapshot(task, TASK_FIELDS))
    )
    return task


def _locked_task(task: KeyTask) -> KeyTask:
    return (
        KeyTask.objects.select_for_update(of=("self",))
        .select_related("registration__block_year__block__owner", "registration__unit", "owner")
        .get(pk=task.pk)
    )


@transaction.atomic
def key_task_update(*, actor: Any, task: KeyTask, **changes: Any) -> KeyTask:
    """Change a key task while its registration can change."""
    task = _locked_task(task)
    registration = task.registration
    require_perm(actor, "emulation.change_registration", registration)
    check_open(registration.block_year)
    _check_editable(registration)
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    before = snapshot(task, TASK_FIELDS)
    for name, value in changes.items():
        setattr(task, name, _clean_task_field(name, value, registration))
    _check_target(task)
    task.save()
    diff = model_changes(before, snapshot(task, TASK_FIELDS))
    if diff:
        audit_record(actor=actor, action="key_task.update", obj=task, changes=diff)
    return task


@transaction.atomic
def key_task_delete(*, actor: Any, task: KeyTask) -> None:
    """Remove a key task (with its progress updates and their evidence) while its registration can change."""
    task = _locked_task(task)
    registration = task.registration
    require_perm(actor, "emulation.change_registration", registration)
    check_open(registration.block_year)
    _check_editable(registration)
    for update in task.updates.all():
        for attachment in attachments_of(update):
            attachment_remove(actor=actor, attachment=attachment)
    audit_record(
        actor=actor,
        action="key_task.delete",
        obj=task,
        changes={"title": task.title, "updates": task.updates.count(), "registration": registration.pk},
    )
    task.delete()


# ---------------------------------------------------------------- progress updates


@transaction.atomic
def key_task_record_progress(
    *,
    actor: Any,
    task: KeyTask,
    date: dt.date,
    progress: int,
    actual_value: Decimal | int | str | None = None,
    note: str = "",
    evidence: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
) -> KeyTaskUpdate:
    """Report progress on a key task as of `date` (not in the future), with optional evidence files."""
    task = _locked_task(task)
    block_year = task.registration.block_year
    require_perm(actor, "emulation.record_progress", task)
    check_open(block_year)
    check_date(date, field="date")
    check_date_between(
        date,
        dt.date(block_year.year, 1, 1),
        dt.date(block_year.year + 1, 12, 31),
        field="date",
        code="date_out_of_range",
    )
    check_not_future(date, today or timezone.localdate(), field="date", code="date_in_future")
    progress = check_int(progress, field="progress", code="invalid_progress", low=0, high=100)
    value = check_amount(actual_value, field="actual_value")
    note = clean_text(note, field="note", max_length=MAX_TEXT)
    if len(evidence) > MAX_EVIDENCE:
        raise ValidationFailed(
            _("Attach at most %(max)d files at a time.") % {"max": MAX_EVIDENCE},
            code="too_many_files",
            field="evidence",
        )
    update = KeyTaskUpdate.objects.create(
        task=task, date=date, progress=progress, actual_value=value, note=note, recorded_by=actor
    )
    names = [
        attachment_add(actor=actor, owner=update, upload=upload, field="evidence").original_name for upload in evidence
    ]
    audit_record(
        actor=actor,
        action="key_task.record_progress",
        obj=update,
        changes={"task": task.pk, "date": date, "progress": progress, "actual_value": value, "evidence": names},
    )
    return update


@transaction.atomic
def key_task_progress_remove(*, actor: Any, update: KeyTaskUpdate) -> None:
    """Remove a progress update entered by mistake (with its evidence files)."""
    update = KeyTaskUpdate.objects.select_for_update(of=("self",)).get(pk=update.pk)
    task = _locked_task(update.task)
    require_perm(actor, "emulation.record_progress", task)
    check_open(task.registration.block_year)
    for attachment in attachments_of(update):
        attachment_remove(actor=actor, attachment=attachment)
    audit_record(
        actor=actor,
        action="key_task.remove_progress",
        obj=update,
        changes={"task": task.pk, "date": update.date, "progress": update.progress},
    )
    update.delete()
