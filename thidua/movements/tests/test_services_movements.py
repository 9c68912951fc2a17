"""Movement services: the good paths and every bad input, each with its stable code and nothing written."""

import datetime as dt
from typing import Any

import pytest

from thidua.audit.models import AuditEvent
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.movements import services
from thidua.movements.models import Movement, MovementParticipant, MovementStatus
from thidua.movements.tests.conftest import NothingWritten, make_criteria
from thidua.organizations import services as org_services
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 3, 1), dt.date(2025, 12, 31)


def _create(w: dict[str, Any], actor: Any = None, **kwargs: Any) -> Movement:
    data: dict[str, Any] = {
        "block_year": w["block_year"],
        "title": "Cải cách hành chính",
        "theme": "administrative_reform",
        "start_date": START,
        "end_date": END,
        "joined_on": START,
    }
    return services.movement_create(actor=actor or system_actor(), **{**data, **kwargs})


# --- create ----------------------------------------------------------------------------------------------------------


def test_create_writes_movement_participants_criteria_and_audit(w: dict[str, Any], users: dict[str, Any]) -> None:
    item = make_criteria(w["block_year"])
    before = AuditEvent.objects.count()
    movement = _create(w, users["block_head"], participants=[w["centre_a"], w["board"]], criteria=[item])
    assert movement.pk is not None
    assert movement.created_by == users["block_head"]
    assert sorted(movement.participations.values_list("unit_id", flat=True)) == sorted(
        [w["centre_a"].pk, w["board"].pk]
    )
    assert movement.participations.get(unit=w["board"]).joined_on == START
    assert list(movement.criteria.all()) == [item]
    assert movement.search_key == "cai cach hanh chinh"
    event = AuditEvent.objects.get(seq=before + 1)
    assert (event.action, event.object_id) == ("movement.create", str(movement.pk))
    assert event.changes["participants"] == [[], sorted([w["centre_a"].pk, w["board"].pk])]


@pytest.mark.parametrize("role", ["admin", "provincial", "block_head", "block_deputy"])
def test_managers_may_create(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    assert _create(w, users[role]).pk


@pytest.mark.parametrize("role", ["department", "unit_head", "unit_clerk", "delegate", "viewer"])
def test_others_may_not_create(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    with NothingWritten(), pytest.raises(PermissionDenied):
        _create(w, users[role])


def test_anonymous_may_not_create(w: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    with NothingWritten(), pytest.raises(PermissionDenied):
        _create(w, AnonymousUser())


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"title": "  "}, "required", "title"),
        ({"title": "x" * 300}, "too_long", "title"),
        ({"theme": "sports"}, "invalid_choice", "theme"),
        ({"start_date": dt.date(2025, 5, 1), "end_date": dt.date(2025, 4, 1)}, "dates_out_of_order", "end_date"),
        ({"start_date": dt.date(2023, 12, 31)}, "date_out_of_range", "start_date"),
        ({"end_date": dt.date(2027, 1, 1)}, "date_out_of_range", "end_date"),
        ({"start_date": "2025-01-01"}, "invalid_date", "start_date"),
        ({"joined_on": dt.date(2030, 1, 1)}, "date_out_of_range", "joined_on"),
    ],
)
def test_create_validates(w: dict[str, Any], kwargs: dict[str, Any], code: str, field: str) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)


def test_participants_must_be_members(w: dict[str, Any]) -> None:
    stranger = make_unit("NGOAI", "Trung tâm ngoài khối", parent=w["dept"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w, participants=[w["centre_a"], stranger])
    assert (err.value.code, err.value.field) == ("not_a_member", "participants")


def test_criteria_must_be_of_the_same_block_year(w: dict[str, Any]) -> None:
    other_year = org_services.block_year_create(actor=system_actor(), block=w["other_block"], year=2025)
    foreign = make_criteria(other_year)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w, criteria=[foreign])
    assert (err.value.code, err.value.field) == ("criteria_other_year", "criteria")


def test_closed_block_year_refuses(w: dict[str, Any]) -> None:
    w["block_year"].phase = "closed"
    w["block_year"].save()
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        _create(w)
    assert err.value.code == "block_year_closed"


def test_status_follows_the_dates(w: dict[str, Any]) -> None:
    movement = w["movement"]
    assert movement.status_on(dt.date(2025, 1, 1)) == MovementStatus.PLANNED
    assert movement.status_on(dt.date(2025, 2, 1)) == MovementStatus.RUNNING
    assert movement.status_on(dt.date(2025, 11, 30)) == MovementStatus.RUNNING
    assert movement.status_on(dt.date(2025, 12, 1)) == MovementStatus.FINISHED


# --- update / delete -------------------------------------------------------------------------------------------------


def test_update_changes_fields_and_participants(w: dict[str, Any], users: dict[str, Any]) -> None:
    movement = w["movement"]
    services.movement_update(
        actor=users["block_deputy"],
        movement=movement,
        title="Chuyển đổi số toàn diện",
        end_date=dt.date(2025, 12, 15),
        participants=[w["centre_a"], w["centre_c"]],
    )
    movement.refresh_from_db()
    assert movement.title == "Chuyển đổi số toàn diện"
    assert movement.search_key.startswith("chuyen doi so toan dien")
    assert sorted(movement.participations.values_list("unit_id", flat=True)) == sorted(
        [w["centre_a"].pk, w["centre_c"].pk]
    )
    assert movement.participations.get(unit=w["centre_a"]).joined_on == dt.date(2025, 2, 1)  # kept its date
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "movement.update"
    assert set(event.changes) == {"title", "end_date", "participants"}


def test_update_without_change_records_nothing(w: dict[str, Any]) -> None:
    with NothingWritten():
        services.movement_update(actor=system_actor(), movement=w["movement"], title=w["movement"].title)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"end_date": dt.date(2025, 1, 1)}, "dates_out_of_order"),
        ({"theme": "nope"}, "invalid_choice"),
        ({"block_year": None}, "unknown_field"),
        ({"title": ""}, "required"),
    ],
)
def test_update_validates(w: dict[str, Any], changes: dict[str, Any], code: str) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.movement_update(actor=system_actor(), movement=w["movement"], **changes)
    assert err.value.code == code


def test_update_participants_must_be_members(w: dict[str, Any]) -> None:
    stranger = make_unit("NGOAI", "Trung tâm ngoài khối", parent=w["dept"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.movement_update(actor=system_actor(), movement=w["movement"], participants=[stranger])
    assert err.value.code == "not_a_member"


@pytest.mark.parametrize("role", ["department", "unit_head", "delegate", "viewer"])
def test_update_and_delete_refused(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    with NothingWritten():
        with pytest.raises(PermissionDenied):
            services.movement_update(actor=users[role], movement=w["movement"], title="Khác")
        with pytest.raises(PermissionDenied):
            services.movement_delete(actor=users[role], movement=w["movement"])


def test_delete_keeps_activities_and_practices(w: dict[str, Any], users: dict[str, Any]) -> None:
    services.movement_delete(actor=users["block_head"], movement=w["movement"])
    assert not Movement.objects.exists()
    w["activity"].refresh_from_db()
    w["practice"].refresh_from_db()
    assert w["activity"].movement_id is None
    assert w["practice"].movement_id is None
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "movement.delete"
    assert event.changes["title"] == [w["movement"].title, None]


# --- join / leave ----------------------------------------------------------------------------------------------------


def test_unit_staff_join_and_leave_their_own_unit(w: dict[str, Any], users: dict[str, Any], make_user: Any) -> None:
    clerk_c = users["clerk_c"]
    participation = services.movement_join(
        actor=clerk_c, movement=w["movement"], unit=w["centre_c"], joined_on=dt.date(2025, 5, 2)
    )
    assert participation.joined_on == dt.date(2025, 5, 2)
    assert AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first() == "movement.join"
    services.movement_leave(actor=clerk_c, movement=w["movement"], unit=w["centre_c"])
    assert not w["movement"].participations.filter(unit=w["centre_c"]).exists()
    assert AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first() == "movement.leave"


def test_staff_cannot_join_for_another_unit(w: dict[str, Any], users: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.movement_join(actor=users["clerk_c"], movement=w["movement"], unit=w["board"])
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.movement_leave(actor=users["clerk_c"], movement=w["movement"], unit=w["centre_a"])


def test_block_head_joins_any_member(w: dict[str, Any], users: dict[str, Any]) -> None:
    services.movement_join(actor=users["block_head"], movement=w["movement"], unit=w["board"])
    assert w["movement"].participations.filter(unit=w["board"]).exists()


def test_join_refuses_duplicates_and_non_members(w: dict[str, Any], make_user: Any) -> None:
    stranger = make_unit("NGOAI", "Trung tâm ngoài khối", parent=w["dept"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.movement_join(actor=system_actor(), movement=w["movement"], unit=w["centre_a"])
    assert err.value.code == "already_joined"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.movement_join(actor=system_actor(), movement=w["movement"], unit=stranger)
    assert err.value.code == "not_a_member"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.movement_leave(actor=system_actor(), movement=w["movement"], unit=w["board"])
    assert err.value.code == "not_participant"


def test_join_date_out_of_range(w: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.movement_join(
            actor=system_actor(), movement=w["movement"], unit=w["board"], joined_on=dt.date(2020, 1, 1)
        )
    assert err.value.code == "date_out_of_range"


def test_set_participants(w: dict[str, Any], users: dict[str, Any]) -> None:
    services.movement_set_participants(
        actor=users["provincial"], movement=w["movement"], units=[w["board"]], joined_on=dt.date(2025, 6, 1)
    )
    rows = list(MovementParticipant.objects.filter(movement=w["movement"]).values_list("unit_id", "joined_on"))
    assert rows == [(w["board"].pk, dt.date(2025, 6, 1))]
    assert AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first() == "movement.set_participants"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.movement_set_participants(actor=users["unit_head"], movement=w["movement"], units=[])


# --- criteria --------------------------------------------------------------------------------------------------------


def test_link_criteria(w: dict[str, Any], users: dict[str, Any]) -> None:
    item = make_criteria(w["block_year"])
    services.movement_set_criteria(actor=users["block_head"], movement=w["movement"], items=[item])
    assert list(w["movement"].criteria.all()) == [item]
    assert AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first() == "movement.set_criteria"
    with NothingWritten():  # the same links again: nothing to record
        services.movement_set_criteria(actor=users["block_head"], movement=w["movement"], items=[item])


def test_link_criteria_of_another_year_is_refused(w: dict[str, Any], users: dict[str, Any]) -> None:
    next_year = org_services.block_year_create(actor=system_actor(), block=w["block"], year=2026)
    foreign = make_criteria(next_year)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.movement_set_criteria(actor=users["block_head"], movement=w["movement"], items=[foreign])
    assert err.value.code == "criteria_other_year"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.movement_set_criteria(actor=users["unit_head"], movement=w["movement"], items=[])
