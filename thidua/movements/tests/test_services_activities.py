"""Activity services: who records an activity for which organiser, validation, files, and nothing written on errors."""

import datetime as dt
from typing import Any

import pytest

from thidua.attachments.models import Attachment
from thidua.attachments.services import attachments_of
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from thidua.movements import services
from thidua.movements.models import Activity
from thidua.movements.tests.conftest import NothingWritten, upload
from thidua.organizations import services as org_services
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db


def _create(w: dict[str, Any], actor: Any = None, **kwargs: Any) -> Activity:
    data: dict[str, Any] = {
        "block_year": w["block_year"],
        "organiser": w["centre_a"],
        "kind": "gratitude",
        "title": "Thăm hỏi gia đình chính sách dịp 27/7",
        "date": dt.date(2025, 7, 25),
    }
    return services.activity_create(actor=actor or system_actor(), **{**data, **kwargs})


def test_create_writes_activity_and_audit(w: dict[str, Any], users: dict[str, Any]) -> None:
    activity = _create(
        w,
        users["unit_clerk"],
        participants=[w["centre_b"]],
        attendee_count=25,
        end_date=dt.date(2025, 7, 27),
        place="Nghĩa trang liệt sĩ Trường Sơn",
        movement=w["movement"],
    )
    assert activity.created_by == users["unit_clerk"]
    assert list(activity.participants.all()) == [w["centre_b"]]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.object_id) == ("activity.create", str(activity.pk))
    assert event.changes["participants"] == [None, [w["centre_b"].pk]]


@pytest.mark.parametrize("role", ["admin", "provincial", "department", "block_head", "block_deputy", "unit_head"])
def test_who_may_record_for_centre_a(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    assert _create(w, users[role]).pk


@pytest.mark.parametrize("role", ["clerk_c", "delegate", "viewer"])
def test_who_may_not_record_for_centre_a(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    with NothingWritten(), pytest.raises(PermissionDenied):
        _create(w, users[role])


def test_department_officer_cannot_organise_for_a_unit_outside_the_department(
    w: dict[str, Any], users: dict[str, Any]
) -> None:
    with NothingWritten(), pytest.raises(PermissionDenied):
        _create(w, users["department"], organiser=w["centre_c"])


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"title": ""}, "required", "title"),
        ({"kind": "party"}, "invalid_choice", "kind"),
        ({"date": dt.date(2023, 6, 1)}, "date_out_of_range", "date"),
        ({"end_date": dt.date(2025, 7, 1)}, "dates_out_of_order", "end_date"),
        ({"attendee_count": -3}, "invalid", "attendee_count"),
        ({"date": None}, "invalid_date", "date"),
    ],
)
def test_create_validates(w: dict[str, Any], kwargs: dict[str, Any], code: str, field: str) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)


def test_organiser_and_participants_must_be_members(w: dict[str, Any]) -> None:
    stranger = make_unit("NGOAI", "Trung tâm ngoài khối", parent=w["dept"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w, organiser=stranger)
    assert (err.value.code, err.value.field) == ("not_a_member", "organiser")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w, participants=[stranger])
    assert (err.value.code, err.value.field) == ("not_a_member", "participants")


def test_movement_must_be_of_the_same_block_year(w: dict[str, Any]) -> None:
    other = org_services.block_year_create(actor=system_actor(), block=w["other_block"], year=2025)
    org_services.block_member_add(actor=system_actor(), block_year=other, unit=w["dept"])
    foreign = services.movement_create(
        actor=system_actor(),
        block_year=other,
        title="Phong trào khác",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w, movement=foreign)
    assert err.value.code == "movement_other_year"


def test_update_and_audit(w: dict[str, Any], users: dict[str, Any]) -> None:
    activity = w["activity"]
    services.activity_update(
        actor=users["unit_head"], activity=activity, attendee_count=150, participants=[w["centre_b"]]
    )
    activity.refresh_from_db()
    assert activity.attendee_count == 150
    assert list(activity.participants.all()) == [w["centre_b"]]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "activity.update"
    assert set(event.changes) == {"attendee_count", "participants"}


def test_update_refusals(w: dict[str, Any], users: dict[str, Any]) -> None:
    activity = w["activity"]
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.activity_update(actor=users["clerk_c"], activity=activity, title="Khác")
    # centre A's clerk may not hand the activity to centre C
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.activity_update(actor=users["unit_clerk"], activity=activity, organiser=w["centre_c"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.activity_update(actor=users["unit_clerk"], activity=activity, block_year=None)
    assert err.value.code == "unknown_field"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.activity_update(actor=users["unit_clerk"], activity=activity, end_date=dt.date(2025, 1, 1))
    assert err.value.code == "dates_out_of_order"


def test_block_head_may_change_the_organiser(w: dict[str, Any], users: dict[str, Any]) -> None:
    services.activity_update(actor=users["block_head"], activity=w["activity"], organiser=w["centre_c"])
    w["activity"].refresh_from_db()
    assert w["activity"].organiser == w["centre_c"]


def test_attach_and_detach_files(w: dict[str, Any], users: dict[str, Any]) -> None:
    activity = w["activity"]
    attachment = services.activity_attach(actor=users["unit_clerk"], activity=activity, upload=upload())
    assert list(attachments_of(activity)) == [attachment]
    assert AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first() == "attachment.add"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.activity_attach(actor=users["clerk_c"], activity=activity, upload=upload())
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.activity_attach(actor=users["unit_clerk"], activity=activity, upload=upload("virus.exe"))
    assert err.value.code == "file_type_not_allowed"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.activity_detach(actor=users["clerk_c"], activity=activity, attachment=attachment)
    services.activity_detach(actor=users["unit_clerk"], activity=activity, attachment=attachment)
    assert not Attachment.objects.exists()


def test_detach_a_file_of_another_owner_is_not_found(w: dict[str, Any]) -> None:
    other = services.practice_attach(actor=system_actor(), practice=w["practice"], upload=upload())
    with NothingWritten(), pytest.raises(NotFound):
        services.activity_detach(actor=system_actor(), activity=w["activity"], attachment=other)


def test_delete_removes_files(w: dict[str, Any], users: dict[str, Any]) -> None:
    activity = w["activity"]
    services.activity_attach(actor=users["unit_clerk"], activity=activity, upload=upload())
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.activity_delete(actor=users["viewer"], activity=activity)
    services.activity_delete(actor=users["unit_clerk"], activity=activity)
    assert not Activity.objects.exists()
    assert not Attachment.objects.exists()
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["activity.delete", "attachment.remove"]
