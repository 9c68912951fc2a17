"""The working-day calendar against the database: the seeded holidays, due_after / working_days_late,
and the admin-only, audited calendar services (every refusal writes nothing)."""

import datetime as dt
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.core import workdays
from thidua.core.calendar import calendar_days, due_after, working_days_late, working_days_late_map
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.core.models import CalendarDay, CalendarDayKind
from thidua.core.services_calendar import calendar_day_remove, calendar_day_set

pytestmark = pytest.mark.django_db

D = dt.date


class NothingWritten:
    """No calendar row changed and no audit event written."""

    def __enter__(self) -> "NothingWritten":
        self.events = AuditEvent.objects.count()
        self.rows = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "unconfirmed"))
        return self

    def __exit__(self, *exc: Any) -> None:
        assert AuditEvent.objects.count() == self.events
        assert list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "unconfirmed")) == (
            self.rows
        )


# --- seeded data and reads -----------------------------------------------------------------------------------------


def test_seeded_years() -> None:
    for year in (2025, 2026, 2027):
        days = list(calendar_days(year))
        assert days, year
        assert [d.date for d in days] == sorted(d.date for d in days)
        assert all(d.date.year == year for d in days)
    tet_2026 = set(calendar_days(2026).filter(kind=CalendarDayKind.HOLIDAY).values_list("date", flat=True))
    assert {D(2026, 2, d) for d in range(16, 21)} <= tet_2026
    assert CalendarDay.objects.get(date=D(2026, 4, 27)).kind == CalendarDayKind.HOLIDAY  # Hùng Kings compensated
    assert CalendarDay.objects.get(date=D(2025, 4, 26)).kind == CalendarDayKind.WORKING_DAY
    assert CalendarDay.objects.filter(date__year=2027, unconfirmed=True).exists()


def test_due_after_uses_the_seeded_holidays() -> None:
    assert due_after(D(2026, 2, 13), 1) == D(2026, 2, 23)  # over Tết 2026
    assert due_after(D(2025, 4, 29), 1) == D(2025, 5, 5)  # over 30/4 – 4/5/2025
    assert due_after(D(2025, 4, 25), 1) == D(2025, 4, 26)  # make-up Saturday
    assert due_after(D(2025, 3, 7), 0) == D(2025, 3, 7)
    assert workdays.due_after(D(2026, 2, 13), 1) == D(2026, 2, 23)  # the re-export used by the workflow


def test_due_after_refuses_negative_days() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_after(D(2025, 3, 7), -1)


def test_inserting_a_holiday_moves_the_due_date() -> None:
    start = D(2030, 3, 4)  # a Monday, no seeded rows in 2030
    assert due_after(start, 5) == D(2030, 3, 11)
    CalendarDay.objects.create(date=D(2030, 3, 6), kind=CalendarDayKind.HOLIDAY, name="Test")
    assert due_after(start, 5) == D(2030, 3, 12)
    CalendarDay.objects.create(date=D(2030, 3, 9), kind=CalendarDayKind.WORKING_DAY, name="Test Saturday")
    assert due_after(start, 5) == D(2030, 3, 11)


def test_due_after_widens_the_window_when_needed() -> None:
    start = D(2031, 1, 6)  # Monday
    # a 100-day run of holidays: far beyond the first window of days*2 + 60
    CalendarDay.objects.bulk_create(
        CalendarDay(date=start + dt.timedelta(days=i), kind=CalendarDayKind.HOLIDAY, name="Test") for i in range(1, 101)
    )
    due = due_after(start, 1)
    assert due == D(2031, 4, 17)  # start + 101 days is a Thursday
    assert due == start + dt.timedelta(days=101)


def test_working_days_late() -> None:
    assert working_days_late(D(2026, 2, 13), D(2026, 2, 13)) == 0
    assert working_days_late(D(2026, 2, 13), D(2026, 2, 1)) == 0
    assert working_days_late(D(2026, 2, 13), D(2026, 2, 22)) == 0  # all Tết: not a working day late yet
    assert working_days_late(D(2026, 2, 13), D(2026, 2, 24)) == 2


def test_working_days_late_map(django_assert_num_queries: Any) -> None:
    today = D(2026, 2, 24)
    due_dates = [D(2026, 2, 13), D(2026, 2, 24), D(2026, 3, 1), D(2026, 2, 23), D(2026, 2, 13)]
    with django_assert_num_queries(1):
        late = working_days_late_map(due_dates, today)
    assert late == {D(2026, 2, 13): 2, D(2026, 2, 24): 0, D(2026, 3, 1): 0, D(2026, 2, 23): 1}
    assert all(late[day] == working_days_late(day, today) for day in late)
    with django_assert_num_queries(0):
        assert working_days_late_map([D(2026, 3, 1)], today) == {D(2026, 3, 1): 0}


def test_due_after_query_count(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        due_after(D(2026, 2, 10), 10)
    with django_assert_num_queries(1):
        working_days_late(D(2026, 2, 10), D(2026, 3, 10))


# --- services ------------------------------------------------------------------------------------------------------


@pytest.fixture
def calendar_admin(make_user: Any) -> Any:
    return make_user(Role.ADMIN)


def test_set_creates_and_audits(calendar_admin: Any) -> None:
    day = calendar_day_set(
        actor=calendar_admin,
        day=D(2030, 3, 6),
        kind="holiday",
        name="  Ngày nghỉ thử  ",
        legal_basis="Thông báo số 1",
        source_url="https://example.gov.vn/tb-1",
        unconfirmed=True,
    )
    day.refresh_from_db()
    assert (day.kind, day.name, day.unconfirmed) == ("holiday", "Ngày nghỉ thử", True)
    event = AuditEvent.objects.get(action="calendar_day.create", object_id=str(day.pk))
    assert event.actor_id == calendar_admin.pk
    assert event.changes["name"] == [None, "Ngày nghỉ thử"]
    assert due_after(D(2030, 3, 4), 5) == D(2030, 3, 12)


def test_set_updates_an_existing_day(admin_user: Any) -> None:
    existing = CalendarDay.objects.get(date=D(2027, 9, 3))
    assert existing.unconfirmed
    day = calendar_day_set(
        actor=admin_user, day=D(2027, 9, 3), kind="holiday", name=existing.name, legal_basis="Thông báo chính thức"
    )
    assert day.pk == existing.pk
    day.refresh_from_db()
    assert day.unconfirmed is False
    event = AuditEvent.objects.get(action="calendar_day.update", object_id=str(day.pk))
    assert set(event.changes) == {"legal_basis", "unconfirmed"}
    assert CalendarDay.objects.filter(date=D(2027, 9, 3)).count() == 1


def test_set_without_change_writes_no_event(admin_user: Any) -> None:
    calendar_day_set(actor=admin_user, day=D(2030, 3, 6), kind="holiday", name="Thử")
    with NothingWritten():
        calendar_day_set(actor=admin_user, day=D(2030, 3, 6), kind="holiday", name="Thử")


def test_remove_deletes_and_audits(admin_user: Any) -> None:
    day = CalendarDay.objects.get(date=D(2026, 4, 27))
    calendar_day_remove(actor=admin_user, day=D(2026, 4, 27))
    assert not CalendarDay.objects.filter(date=D(2026, 4, 27)).exists()
    event = AuditEvent.objects.get(action="calendar_day.remove", object_id=str(day.pk))
    assert event.changes["kind"] == ["holiday", None]


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PROVINCIAL_OFFICER, "province"),
        (Role.DEPARTMENT_OFFICER, "dept"),
        (Role.BLOCK_HEAD, "block_year"),
        (Role.UNIT_HEAD, "centre_a"),
        (Role.UNIT_CLERK, "centre_a"),
        (Role.VIEWER, None),
    ],
)
def test_non_admins_are_refused(tree: dict[str, Any], make_user: Any, role: str, scope: str | None) -> None:
    if scope == "block_year":
        user = make_user(role, block_year=tree["block_year"])
    else:
        user = make_user(role, unit=tree[scope] if scope else None)
    with NothingWritten():
        with pytest.raises(PermissionDenied):
            calendar_day_set(actor=user, day=D(2030, 3, 6), kind="holiday", name="Thử")
        with pytest.raises(PermissionDenied):
            calendar_day_remove(actor=user, day=D(2026, 4, 27))


def test_anonymous_is_refused() -> None:
    with NothingWritten(), pytest.raises(PermissionDenied):
        calendar_day_set(actor=None, day=D(2030, 3, 6), kind="holiday", name="Thử")


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"kind": "festival"}, "invalid_choice", "kind"),
        ({"kind": "working_day", "day": D(2030, 3, 6)}, "not_weekend", "day"),
        ({"name": "   "}, "required", "name"),
        ({"name": "x" * 256}, "too_long", "name"),
        ({"source_url": "not a url"}, "invalid_url", "source_url"),
        ({"source_url": "ftp://example.org/x"}, "invalid_url", "source_url"),
        ({"day": "2030-03-06"}, "invalid_date", "day"),
        ({"day": dt.datetime(2030, 3, 6, 8, 0)}, "invalid_date", "day"),
    ],
)
def test_set_bad_input(admin_user: Any, kwargs: dict[str, Any], code: str, field: str) -> None:
    values: dict[str, Any] = {"day": D(2030, 3, 9), "kind": "holiday", "name": "Thử", **kwargs}
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        calendar_day_set(actor=admin_user, **values)
    assert err.value.code == code
    assert err.value.field == field


def test_set_working_weekend_day(admin_user: Any) -> None:
    calendar_day_set(actor=admin_user, day=D(2030, 3, 9), kind="working_day", name="Làm bù")
    assert due_after(D(2030, 3, 8), 1) == D(2030, 3, 9)


def test_remove_unknown_day(admin_user: Any) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        calendar_day_remove(actor=admin_user, day=D(2030, 3, 6))
    assert err.value.code == "not_in_calendar"


def test_admin_is_read_only(admin_user: Any, client: Any) -> None:
    client.force_login(admin_user)
    assert client.get("/admin/core/calendarday/").status_code == 200
    assert client.get("/admin/core/calendarday/add/").status_code == 403
