"""Catalogue API: reads of the dated series; writes by the roles of the permission table (prize money and base
salary: admin only; award types and rule parameters: also provincial officers of the province), each audited; a
refusal or bad input answers the service's stable code and writes nothing."""

import datetime as dt
from typing import Any

import pytest
from django.db.models import Max

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.awards.models import AwardParameter, AwardType, BaseSalary, PrizeCoefficient

pytestmark = pytest.mark.django_db

MODELS: list[Any] = [AuditEvent, AwardType, PrizeCoefficient, BaseSalary, AwardParameter]
BASIS = "Nghị định 161/2026/NĐ-CP"


def state() -> tuple[Any, ...]:
    counts = tuple(model.objects.count() for model in MODELS)
    stamps = tuple(model.objects.aggregate(m=Max("updated_at"))["m"] for model in MODELS[1:])
    return counts + stamps


def last_seq() -> int:
    return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0


def actions(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True))


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def refused(client: JsonClient, method: str, path: str, data: Any, status: int, code: str) -> dict[str, Any]:
    before = state()
    response = client.send(method, path, data)
    assert response.status_code == status, response.json()
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert state() == before
    return body


@pytest.fixture
def users(tree: dict[str, Any], make_user: Any) -> dict[str, JsonClient]:
    return {
        "admin": signed_in(make_user(Role.ADMIN)),
        "province_officer": signed_in(make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])),
        "dept_provincial_officer": signed_in(make_user(Role.PROVINCIAL_OFFICER, unit=tree["dept"])),
        "viewer": signed_in(make_user(Role.VIEWER)),
    }


def open_base_salary() -> BaseSalary:
    return BaseSalary.objects.get(valid_to__isnull=True)


def open_coefficient() -> PrizeCoefficient:
    rows = PrizeCoefficient.objects.filter(award_type__code="bang_khen_tinh", recipient="individual")
    return rows.get(valid_to__isnull=True)


def open_parameter() -> AwardParameter:
    return AwardParameter.objects.get(key="collective_multiplier", valid_to__isnull=True)


SALARY = {"amount": 2_530_000, "valid_from": "2026-07-01", "legal_basis": BASIS}
COEFFICIENT = {
    "award_type": "bang_khen_tinh",
    "recipient": "individual",
    "coefficient": "2.0",
    "valid_from": "2026-01-01",
    "legal_basis": BASIS,
}
PARAMETER = {"key": "collective_multiplier", "value": 3, "valid_from": "2026-01-01", "legal_basis": "Quy chế tỉnh"}


# --- reads -----------------------------------------------------------------------------------------------------------


def test_reads_are_open_to_every_signed_in_user(users: dict[str, JsonClient]) -> None:
    client = users["viewer"]
    salaries = client.get("/api/base-salaries").json()
    assert [row["valid_from"] for row in salaries] == sorted(row["valid_from"] for row in salaries)
    assert salaries[-1]["amount"] == 2_340_000
    assert salaries[-1]["valid_to"] is None
    rows = client.get("/api/prize-coefficients", {"award_type": "bang_khen_tinh", "recipient": "individual"}).json()
    assert rows
    assert {(row["award_type"], row["recipient"]) for row in rows} == {("bang_khen_tinh", "individual")}
    assert rows[-1]["coefficient"] == "1.50"
    assert len(client.get("/api/prize-coefficients").json()) == PrizeCoefficient.objects.count()
    params = client.get("/api/award-parameters", {"key": "collective_multiplier"}).json()
    assert [row["key"] for row in params] == ["collective_multiplier"] * len(params)
    assert params[-1]["value_type"] == "decimal"
    assert len(client.get("/api/award-parameters").json()) == AwardParameter.objects.count()
    assert JsonClient().get("/api/base-salaries").status_code == 401


# --- base salary: admin only -----------------------------------------------------------------------------------------


def test_admin_adds_a_base_salary(users: dict[str, JsonClient]) -> None:
    previous = open_base_salary()
    seq = last_seq()
    response = users["admin"].send("post", "/api/base-salaries", {**SALARY, "unconfirmed": True})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["amount"], data["valid_from"], data["valid_to"], data["unconfirmed"]) == (
        2_530_000,
        "2026-07-01",
        None,
        True,
    )
    assert BaseSalary.objects.get(pk=data["id"]).amount == 2_530_000
    previous.refresh_from_db()
    assert previous.valid_to == dt.date(2026, 6, 30)
    assert actions(seq) == ["base_salary.close", "base_salary.add"]


def test_admin_corrects_the_texts_of_a_base_salary(users: dict[str, JsonClient]) -> None:
    row = open_base_salary()
    seq = last_seq()
    response = users["admin"].send("patch", f"/api/base-salaries/{row.pk}", {"note": "Checked.", "unconfirmed": False})
    assert response.status_code == 200, response.json()
    assert response.json()["note"] == "Checked."
    row.refresh_from_db()
    assert row.note == "Checked."
    assert actions(seq) == ["base_salary.update"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"valid_from": "2024-01-01"}, "overlap"),  # inside the periods already recorded
        ({"amount": 0}, "invalid_amount"),
        ({"legal_basis": "  "}, "required"),
        ({"source_url": "not a url"}, "invalid_url"),
    ],
)
def test_base_salary_bad_input(users: dict[str, JsonClient], changes: dict[str, Any], code: str) -> None:
    refused(users["admin"], "post", "/api/base-salaries", {**SALARY, **changes}, 400, code)


def test_base_salary_gap_is_refused(users: dict[str, JsonClient]) -> None:
    assert users["admin"].send("post", "/api/base-salaries", SALARY).status_code == 201
    row = open_base_salary()
    row.valid_to = row.valid_from  # a closed series, so that a later start would leave days uncovered
    row.save(update_fields=["valid_to"])
    refused(users["admin"], "post", "/api/base-salaries", {**SALARY, "valid_from": "2027-01-01"}, 400, "gap")


def test_base_salary_patch_refuses_the_amount(users: dict[str, JsonClient]) -> None:
    row = open_base_salary()
    body = refused(users["admin"], "patch", f"/api/base-salaries/{row.pk}", {"amount": 1}, 422, "invalid")
    assert body["field"] == "amount"
    refused(users["admin"], "patch", "/api/base-salaries/999999", {"note": "x"}, 404, "not_found")


@pytest.mark.parametrize("role", ["province_officer", "dept_provincial_officer", "viewer"])
def test_prize_money_is_admin_only(users: dict[str, JsonClient], role: str) -> None:
    client = users[role]
    refused(client, "post", "/api/base-salaries", SALARY, 403, "permission_denied")
    refused(client, "patch", f"/api/base-salaries/{open_base_salary().pk}", {"note": "x"}, 403, "permission_denied")
    refused(client, "post", "/api/prize-coefficients", COEFFICIENT, 403, "permission_denied")
    path = f"/api/prize-coefficients/{open_coefficient().pk}"
    refused(client, "patch", path, {"note": "x"}, 403, "permission_denied")


# --- prize coefficients ----------------------------------------------------------------------------------------------


def test_admin_adds_and_corrects_a_coefficient(users: dict[str, JsonClient]) -> None:
    previous = open_coefficient()
    seq = last_seq()
    response = users["admin"].send("post", "/api/prize-coefficients", COEFFICIENT)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["award_type"], data["recipient"], data["coefficient"]) == ("bang_khen_tinh", "individual", "2.00")
    previous.refresh_from_db()
    assert previous.valid_to == dt.date(2025, 12, 31)
    response = users["admin"].send(
        "patch", f"/api/prize-coefficients/{data['id']}", {"source_url": "https://example.gov.vn/nd"}
    )
    assert response.status_code == 200, response.json()
    assert PrizeCoefficient.objects.get(pk=data["id"]).source_url == "https://example.gov.vn/nd"
    assert actions(seq) == ["prize_coefficient.close", "prize_coefficient.add", "prize_coefficient.update"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"coefficient": "1.234"}, "invalid_coefficient"),
        ({"coefficient": 0}, "invalid_coefficient"),
        ({"recipient": "family"}, "invalid_choice"),
        ({"award_type": "ldtt", "recipient": "collective"}, "recipient_not_allowed"),
        ({"award_type": "no_such_award"}, "unknown_award_type"),
        ({"valid_from": "2025-07-01"}, "overlap"),
    ],
)
def test_coefficient_bad_input(users: dict[str, JsonClient], changes: dict[str, Any], code: str) -> None:
    refused(users["admin"], "post", "/api/prize-coefficients", {**COEFFICIENT, **changes}, 400, code)


# --- award types and parameters: admin and provincial officers of the province ------------------------------------


@pytest.mark.parametrize("role", ["admin", "province_officer"])
def test_parameters_and_award_types_by_admin_and_provincial_officer(users: dict[str, JsonClient], role: str) -> None:
    client = users[role]
    previous = open_parameter()
    seq = last_seq()
    response = client.send("post", "/api/award-parameters", PARAMETER)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["key"], data["value_type"], data["value"]) == ("collective_multiplier", "decimal", "3")
    assert data["description"] == previous.description
    previous.refresh_from_db()
    assert previous.valid_to == dt.date(2025, 12, 31)
    response = client.send("patch", f"/api/award-parameters/{data['id']}", {"description": "Nhân hệ số tập thể."})
    assert response.status_code == 200, response.json()
    assert AwardParameter.objects.get(pk=data["id"]).description == "Nhân hệ số tập thể."
    response = client.send("patch", "/api/award-types/cstd_co_so", {"note": "Theo Luật TĐKT 2022.", "position": 7})
    assert response.status_code == 200, response.json()
    assert (response.json()["note"], response.json()["position"]) == ("Theo Luật TĐKT 2022.", 7)
    award_type = AwardType.objects.get(code="cstd_co_so")
    assert (award_type.note, award_type.position) == ("Theo Luật TĐKT 2022.", 7)
    assert actions(seq) == [
        "award_parameter.close",
        "award_parameter.add",
        "award_parameter.update",
        "award_type.update",
    ]


@pytest.mark.parametrize("role", ["dept_provincial_officer", "viewer"])
def test_parameters_and_award_types_refused(users: dict[str, JsonClient], role: str) -> None:
    client = users[role]
    refused(client, "post", "/api/award-parameters", PARAMETER, 403, "permission_denied")
    path = f"/api/award-parameters/{open_parameter().pk}"
    refused(client, "patch", path, {"note": "x"}, 403, "permission_denied")
    refused(client, "patch", "/api/award-types/cstd_co_so", {"note": "x"}, 403, "permission_denied")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"key": "Bad Key"}, "invalid_key", "key"),
        ({"key": "new_rule"}, "required", "value_type"),  # a new key needs its type
        ({"value_type": "integer"}, "type_mismatch", "value_type"),
        ({"value": "abc"}, "invalid_value", "value"),
        ({"valid_from": "2020-01-01"}, "overlap", "valid_from"),
    ],
)
def test_parameter_bad_input(users: dict[str, JsonClient], changes: dict[str, Any], code: str, field: str) -> None:
    body = refused(users["admin"], "post", "/api/award-parameters", {**PARAMETER, **changes}, 400, code)
    assert body["field"] == field


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"decided_by": "nobody"}, 400, "invalid_choice"),
        ({"name": "  "}, 400, "required"),
        ({"valid_from": "2030-01-01", "valid_to": "2029-01-01"}, 400, "dates_out_of_order"),
        ({"code": "renamed"}, 422, "invalid"),  # the code is not editable
    ],
)
def test_award_type_bad_input(users: dict[str, JsonClient], changes: dict[str, Any], status: int, code: str) -> None:
    refused(users["admin"], "patch", "/api/award-types/cstd_co_so", changes, status, code)


def test_unknown_award_type(users: dict[str, JsonClient]) -> None:
    refused(users["admin"], "patch", "/api/award-types/no_such_award", {"note": "x"}, 404, "not_found")
