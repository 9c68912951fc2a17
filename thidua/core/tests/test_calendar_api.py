"""Calendar API: any signed-in user reads a year; only an administrator sets or removes a day (audited); a
refusal or bad input answers the service's stable code and writes nothing."""

import datetime as dt
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.core.models import CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date
DAY = {"kind": "holiday", "name": "Ngày nghỉ thử", "legal_basis": "Thông báo số 1"}


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def snapshot() -> tuple[int, list[Any]]:
    rows = CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "legal_basis", "unconfirmed")
    return AuditEvent.objects.count(), list(rows)


def refused(client: JsonClient, method: str, path: str, data: Any, status: int, code: str) -> dict[str, Any]:
    before = snapshot()
    response = client.send(method, path, data)
    assert response.status_code == status, response.json()
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert snapshot() == before
    return body


@pytest.fixture
def admin(make_user: Any) -> JsonClient:
    return signed_in(make_user(Role.ADMIN))


def test_list_a_year(make_user: Any) -> None:
    client = signed_in(make_user(Role.VIEWER))
    response = client.get("/api/calendar-days", {"year": 2026})
    assert response.status_code == 200
    days = response.json()
    expected = [day.isoformat() for day in CalendarDay.objects.filter(date__year=2026).values_list("date", flat=True)]
    assert [day["date"] for day in days] == sorted(expected)
    assert {"date": "2026-04-27", "kind": "holiday"}.items() <= next(
        day for day in days if day["date"] == "2026-04-27"
    ).items()
    assert client.get("/api/calendar-days").status_code == 422  # the year is required
    assert JsonClient().get("/api/calendar-days", {"year": 2026}).status_code == 401


def test_admin_creates_updates_and_removes_a_day(admin: JsonClient) -> None:
    response = admin.send("put", "/api/calendar-days/2030-03-06", {**DAY, "unconfirmed": True})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "date": "2030-03-06",
        "kind": "holiday",
        "name": "Ngày nghỉ thử",
        "legal_basis": "Thông báo số 1",
        "source_url": "",
        "unconfirmed": True,
    }
    day = CalendarDay.objects.get(date=D(2030, 3, 6))
    assert AuditEvent.objects.get(action="calendar_day.create", object_id=str(day.pk)).changes["unconfirmed"] == [
        None,
        True,
    ]

    response = admin.send("put", "/api/calendar-days/2030-03-06", {**DAY, "unconfirmed": False})
    assert response.status_code == 200, response.json()
    day.refresh_from_db()
    assert day.unconfirmed is False
    event = AuditEvent.objects.get(action="calendar_day.update", object_id=str(day.pk))
    assert set(event.changes) == {"unconfirmed"}

    response = admin.send("delete", "/api/calendar-days/2030-03-06")
    assert response.status_code == 204
    assert not CalendarDay.objects.filter(date=D(2030, 3, 6)).exists()
    assert AuditEvent.objects.filter(action="calendar_day.remove", object_id=str(day.pk)).count() == 1


def test_admin_declares_a_working_weekend_day(admin: JsonClient) -> None:
    response = admin.send("put", "/api/calendar-days/2030-03-09", {"kind": "working_day", "name": "Làm bù"})
    assert response.status_code == 200, response.json()
    assert CalendarDay.objects.get(date=D(2030, 3, 9)).kind == "working_day"


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PROVINCIAL_OFFICER, "province"),
        (Role.DEPARTMENT_OFFICER, "dept"),
        (Role.UNIT_HEAD, "centre_a"),
        (Role.VIEWER, None),
    ],
)
def test_non_admins_are_refused(tree: dict[str, Any], make_user: Any, role: str, scope: str | None) -> None:
    client = signed_in(make_user(role, unit=tree[scope] if scope else None))
    refused(client, "put", "/api/calendar-days/2030-03-06", DAY, 403, "permission_denied")
    refused(client, "put", "/api/calendar-days/2026-04-27", DAY, 403, "permission_denied")
    refused(client, "delete", "/api/calendar-days/2026-04-27", None, 403, "permission_denied")


def test_anonymous_is_refused() -> None:
    refused(JsonClient(), "put", "/api/calendar-days/2030-03-06", DAY, 401, "not_authenticated")


@pytest.mark.parametrize(
    ("path", "changes", "status", "code", "field"),
    [
        ("2030-03-06", {"kind": "festival"}, 400, "invalid_choice", "kind"),
        ("2030-03-06", {"kind": "working_day"}, 400, "not_weekend", "day"),  # a Wednesday
        ("2030-03-06", {"name": "   "}, 400, "required", "name"),
        ("2030-03-06", {"source_url": "ftp://example.org/x"}, 400, "invalid_url", "source_url"),
        ("2030-02-30", {}, 422, "invalid", "date"),
    ],
)
def test_set_bad_input(
    admin: JsonClient, path: str, changes: dict[str, Any], status: int, code: str, field: str
) -> None:
    body = refused(admin, "put", f"/api/calendar-days/{path}", {**DAY, **changes}, status, code)
    assert body["field"] == field


def test_remove_a_day_not_in_the_calendar(admin: JsonClient) -> None:
    refused(admin, "delete", "/api/calendar-days/2030-03-06", None, 400, "not_in_calendar")
