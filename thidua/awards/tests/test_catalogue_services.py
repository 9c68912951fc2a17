"""Catalogue services: a new dated value closes the open one and is audited; overlaps, gaps, bad input and
refused permissions write nothing."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Max

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards import selectors, services
from thidua.awards.models import AwardParameter, AwardType, BaseSalary, PrizeCoefficient
from thidua.core.exceptions import DomainError, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

MODELS: list[Any] = [AuditEvent, AwardType, PrizeCoefficient, BaseSalary, AwardParameter]
BASIS = "Nghị định 161/2026/NĐ-CP"


def state() -> tuple[Any, ...]:
    counts = tuple(model.objects.count() for model in MODELS)
    stamps = tuple(model.objects.aggregate(m=Max("updated_at"))["m"] for model in MODELS[1:])
    return counts + stamps


def actions(since: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True))


def last_seq() -> int:
    return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0


def refused(exc_type: type[DomainError], code: str | None, call: Any, /, **kwargs: Any) -> None:
    before = state()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    if code is not None:
        assert info.value.code == code
    assert state() == before


@pytest.fixture
def users(tree: dict[str, Any], make_user: Any, admin_user: Any) -> dict[str, Any]:
    return {
        "superuser": admin_user,
        "admin": make_user(Role.ADMIN),
        "province_officer": make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"]),
        "dept_provincial_officer": make_user(Role.PROVINCIAL_OFFICER, unit=tree["dept"]),
        "dept_officer": make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"]),
        "block_head": make_user(Role.BLOCK_HEAD, block_year=tree["block_year"]),
        "unit_head": make_user(Role.UNIT_HEAD, unit=tree["centre_a"]),
        "clerk": make_user(Role.UNIT_CLERK, unit=tree["centre_a"]),
        "viewer": make_user(Role.VIEWER),
        "anonymous": None,
    }


def award(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


# --- base salary -----------------------------------------------------------------------------------------------------


def test_base_salary_add_closes_the_open_value(users: dict[str, Any]) -> None:
    seq = last_seq()
    row = services.base_salary_add(
        actor=users["admin"],
        amount=2_530_000,
        valid_from=dt.date(2026, 7, 1),
        legal_basis=f"  {BASIS}  ",
        source_url="https://example.gov.vn/nd161",
        unconfirmed=True,
        note="Reported, not checked.",
    )
    assert row.legal_basis == BASIS
    assert row.valid_to is None
    assert row.unconfirmed
    previous = BaseSalary.objects.get(amount=2_340_000)
    assert previous.valid_to == dt.date(2026, 6, 30)
    assert actions(seq) == ["base_salary.close", "base_salary.add"]
    added = AuditEvent.objects.get(action="base_salary.add")
    assert added.actor_id == users["admin"].pk
    assert added.changes["amount"] == [None, 2_530_000]
    assert AuditEvent.objects.get(action="base_salary.close").changes == {"valid_to": [None, "2026-06-30"]}
    assert selectors.base_salary_on(dt.date(2026, 6, 30)).amount == 2_340_000
    assert selectors.prize_for("cstd_co_so", "individual", dt.date(2026, 7, 1)).amount == 2_530_000
    assert selectors.prize_for("ttldtt", "collective", dt.date(2026, 7, 1)).amount == 2_030_000  # 2,024,000 ↑


@pytest.mark.parametrize("start", [dt.date(2024, 7, 1), dt.date(2024, 6, 30), dt.date(2020, 1, 1)])
def test_base_salary_overlap_refused(users: dict[str, Any], start: dt.date) -> None:
    refused(
        ValidationFailed,
        "overlap",
        services.base_salary_add,
        actor=users["admin"],
        amount=2_000_000,
        valid_from=start,
        legal_basis=BASIS,
    )


def test_base_salary_gap_refused(users: dict[str, Any]) -> None:
    BaseSalary.objects.filter(valid_to__isnull=True).update(valid_to=dt.date(2026, 1, 31))
    refused(
        ValidationFailed,
        "gap",
        services.base_salary_add,
        actor=users["admin"],
        amount=2_530_000,
        valid_from=dt.date(2026, 3, 1),
        legal_basis=BASIS,
    )
    refused(  # inside the closed period
        ValidationFailed,
        "overlap",
        services.base_salary_add,
        actor=users["admin"],
        amount=2_530_000,
        valid_from=dt.date(2026, 1, 31),
        legal_basis=BASIS,
    )
    seq = last_seq()
    services.base_salary_add(actor=users["admin"], amount=2_530_000, valid_from=dt.date(2026, 2, 1), legal_basis=BASIS)
    assert actions(seq) == ["base_salary.add"]  # nothing to close


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"amount": 0}, "invalid_amount"),
        ({"amount": -5}, "invalid_amount"),
        ({"amount": "2530000"}, "invalid_amount"),
        ({"amount": 2_530_000.0}, "invalid_amount"),
        ({"amount": True}, "invalid_amount"),
        ({"valid_from": "2026-07-01"}, "invalid_date"),
        ({"valid_from": dt.datetime(2026, 7, 1, 0, 0)}, "invalid_date"),
        ({"legal_basis": "   "}, "required"),
        ({"legal_basis": "x" * 501}, "too_long"),
        ({"source_url": "not a url"}, "invalid_url"),
        ({"source_url": "ftp://example.org/x"}, "invalid_url"),
        ({"unconfirmed": "yes"}, "invalid"),
    ],
)
def test_base_salary_bad_input(users: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    values = {"amount": 2_530_000, "valid_from": dt.date(2026, 7, 1), "legal_basis": BASIS, **kwargs}
    refused(ValidationFailed, code, services.base_salary_add, actor=users["admin"], **values)


@pytest.mark.parametrize(
    "role",
    ["province_officer", "dept_provincial_officer", "dept_officer", "block_head", "unit_head", "viewer", "anonymous"],
)
def test_prize_money_is_for_admins_only(users: dict[str, Any], role: str) -> None:
    common = {"valid_from": dt.date(2026, 7, 1), "legal_basis": BASIS}
    refused(
        PermissionDenied, "permission_denied", services.base_salary_add, actor=users[role], amount=2_530_000, **common
    )
    refused(
        PermissionDenied,
        "permission_denied",
        services.prize_coefficient_add,
        actor=users[role],
        award_type=award("ldtt"),
        recipient="individual",
        coefficient=Decimal("0.4"),
        **common,
    )
    refused(
        PermissionDenied,
        "permission_denied",
        services.base_salary_update,
        actor=users[role],
        base_salary=BaseSalary.objects.first(),
        note="x",
    )


def test_superuser_may_change_prize_money(users: dict[str, Any]) -> None:
    services.base_salary_add(
        actor=users["superuser"], amount=2_530_000, valid_from=dt.date(2026, 7, 1), legal_basis=BASIS
    )
    assert BaseSalary.objects.count() == 5


# --- coefficients ----------------------------------------------------------------------------------------------------


def test_prize_coefficient_add_closes_the_open_value(users: dict[str, Any]) -> None:
    seq = last_seq()
    row = services.prize_coefficient_add(
        actor=users["admin"],
        award_type=award("bang_khen_tinh"),
        recipient="individual",
        coefficient="2.0",
        valid_from=dt.date(2026, 1, 1),
        legal_basis="Nghị định sửa đổi",
    )
    assert row.coefficient == Decimal("2.00")
    assert actions(seq) == ["prize_coefficient.close", "prize_coefficient.add"]
    assert selectors.coefficient_on("bang_khen_tinh", "individual", dt.date(2025, 12, 31)).coefficient == Decimal("1.5")
    assert selectors.prize_for("bang_khen_tinh", "individual", dt.date(2026, 1, 1)).amount == 4_680_000
    assert selectors.prize_for("bang_khen_tinh", "collective", dt.date(2026, 1, 1)).amount == 9_360_000


def test_a_collective_row_of_a_form_takes_precedence_over_the_multiplier(users: dict[str, Any]) -> None:
    seq = last_seq()
    services.prize_coefficient_add(
        actor=users["admin"],
        award_type=award("giay_khen"),
        recipient="collective",
        coefficient=Decimal("0.5"),
        valid_from=dt.date(2026, 1, 1),
        legal_basis="Quy định của tỉnh",
    )
    assert actions(seq) == ["prize_coefficient.add"]  # a new series: nothing closed
    quote = selectors.prize_for("giay_khen", "collective", dt.date(2026, 1, 1))
    assert (quote.amount, quote.multiplier, quote.multiplier_id) == (1_170_000, 1, None)
    assert selectors.prize_for("giay_khen", "collective", dt.date(2025, 12, 31)).amount == 1_410_000


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"coefficient": 0}, "invalid_coefficient"),
        ({"coefficient": Decimal("-1")}, "invalid_coefficient"),
        ({"coefficient": Decimal("100")}, "invalid_coefficient"),
        ({"coefficient": "1.234"}, "invalid_coefficient"),
        ({"coefficient": 1.5}, "invalid_coefficient"),
        ({"coefficient": "abc"}, "invalid_coefficient"),
        ({"coefficient": None}, "invalid_coefficient"),
        ({"recipient": "family"}, "invalid_choice"),
        ({"recipient": "collective"}, "recipient_not_allowed"),  # LĐTT is for individuals
        ({"valid_from": dt.date(2025, 7, 1)}, "overlap"),
        ({"valid_from": dt.date(2024, 3, 1)}, "overlap"),
        ({"valid_from": None}, "invalid_date"),
        ({"legal_basis": ""}, "required"),
    ],
)
def test_prize_coefficient_bad_input(users: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    values = {
        "award_type": award("ldtt"),
        "recipient": "individual",
        "coefficient": Decimal("0.4"),
        "valid_from": dt.date(2026, 1, 1),
        "legal_basis": BASIS,
        **kwargs,
    }
    refused(ValidationFailed, code, services.prize_coefficient_add, actor=users["admin"], **values)


# --- parameters ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "superuser", "province_officer"])
def test_parameter_add_by_admins_and_provincial_officers(users: dict[str, Any], role: str) -> None:
    seq = last_seq()
    row = services.award_parameter_add(
        actor=users[role],
        key="collective_multiplier",
        value=3,
        valid_from=dt.date(2026, 1, 1),
        legal_basis="Quy chế TĐKT tỉnh Quảng Trị",
    )
    assert (row.value, row.value_type, row.typed_value) == ("3", "decimal", Decimal(3))
    assert row.description.startswith("Multiplier")  # kept from the previous value
    assert actions(seq) == ["award_parameter.close", "award_parameter.add"]
    assert selectors.parameter_on("collective_multiplier", dt.date(2025, 12, 31)).typed_value == Decimal(2)
    quote = selectors.prize_for("giay_khen", "collective", dt.date(2026, 1, 1))
    assert (quote.multiplier, quote.amount) == (Decimal(3), 2_110_000)  # 2,106,000 ↑


def test_parameter_new_key_and_none_value(users: dict[str, Any]) -> None:
    services.award_parameter_add(
        actor=users["admin"],
        key="cstd_tinh_max_gap",
        value=3,
        value_type="integer",
        description="Years between two CSTĐ tỉnh that still count as consecutive.",
        valid_from=dt.date(2024, 1, 1),
        legal_basis="Quy chế TĐKT tỉnh (chưa xác minh)",
        unconfirmed=True,
    )
    services.award_parameter_add(
        actor=users["admin"], key="cstdcs_quota", value="0.15", valid_from=dt.date(2026, 1, 1), legal_basis="Quy chế"
    )
    services.award_parameter_add(
        actor=users["admin"], key="cstdcs_quota", value=None, valid_from=dt.date(2027, 1, 1), legal_basis="Quy chế"
    )
    values = selectors.parameters_on(dt.date(2026, 6, 1))
    assert values["cstd_tinh_max_gap"] == 3
    assert values["cstdcs_quota"] == Decimal("0.15")
    assert selectors.parameters_on(dt.date(2027, 1, 1))["cstdcs_quota"] is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"key": "Bad Key"}, "invalid_key"),
        ({"key": ""}, "invalid_key"),
        ({"key": "new_key"}, "required"),  # a new key needs its type
        ({"key": "new_key", "value_type": "colour"}, "invalid_choice"),
        ({"value_type": "integer"}, "type_mismatch"),
        ({"value": "abc"}, "invalid_value"),
        ({"value": 0.2}, "invalid_value"),
        ({"value": "-0.1"}, "invalid_value"),
        ({"value": True}, "invalid_value"),
        ({"key": "cstd_tinh_consecutive", "value": "3"}, "invalid_value"),
        ({"key": "new_flag", "value_type": "boolean", "value": 1}, "invalid_value"),
        ({"key": "new_text", "value_type": "text", "value": "  "}, "invalid_value"),
        ({"valid_from": dt.date(2024, 1, 1)}, "overlap"),
        ({"valid_from": dt.date(2023, 1, 1)}, "overlap"),
        ({"source_url": "javascript:alert(1)"}, "invalid_url"),
    ],
)
def test_parameter_bad_input(users: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    values = {
        "key": "government_flag_share",
        "value": "0.25",
        "valid_from": dt.date(2026, 1, 1),
        "legal_basis": BASIS,
        **kwargs,
    }
    refused(ValidationFailed, code, services.award_parameter_add, actor=users["admin"], **values)


@pytest.mark.parametrize(
    "role", ["dept_provincial_officer", "dept_officer", "block_head", "clerk", "viewer", "anonymous"]
)
def test_parameter_and_award_type_permission_refused(users: dict[str, Any], role: str) -> None:
    refused(
        PermissionDenied,
        "permission_denied",
        services.award_parameter_add,
        actor=users[role],
        key="government_flag_share",
        value="0.25",
        valid_from=dt.date(2026, 1, 1),
        legal_basis=BASIS,
    )
    refused(
        PermissionDenied,
        "permission_denied",
        services.award_type_update,
        actor=users[role],
        award_type=award("ldtt"),
        note="x",
    )
    refused(
        PermissionDenied,
        "permission_denied",
        services.award_parameter_update,
        actor=users[role],
        parameter=AwardParameter.objects.first(),
        note="x",
    )


# --- texts -----------------------------------------------------------------------------------------------------------


def test_award_type_update_audits_the_diff(users: dict[str, Any]) -> None:
    seq = last_seq()
    updated = services.award_type_update(
        actor=users["province_officer"],
        award_type=award("cstd_tinh"),
        legal_basis="Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 22, khoản 1",
        unconfirmed=False,
        note="",
        position=35,
    )
    assert updated.position == 35
    assert not updated.unconfirmed
    assert actions(seq) == ["award_type.update"]
    changes = AuditEvent.objects.get(seq=seq + 1).changes
    assert set(changes) == {"legal_basis", "unconfirmed", "note", "position"}
    before = state()
    services.award_type_update(actor=users["admin"], award_type=updated, position=35)
    assert state() == before  # nothing changed: no write, no audit event


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"code": "x"}, "unknown_field"),
        ({"kind": "form"}, "unknown_field"),
        ({"name": " "}, "required"),
        ({"decided_by": "king"}, "invalid_choice"),
        ({"handed_over": "medal"}, "invalid_choice"),
        ({"active": "no"}, "invalid"),
        ({"position": -1}, "invalid"),
        ({"valid_to": dt.date(2023, 12, 31)}, "dates_out_of_order"),
        ({"valid_from": "2024-01-01"}, "invalid_date"),
        ({"source_url": "www"}, "invalid_url"),
    ],
)
def test_award_type_update_bad_input(users: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    refused(
        ValidationFailed, code, services.award_type_update, actor=users["admin"], award_type=award("ldtt"), **kwargs
    )


def test_dated_value_texts_update(users: dict[str, Any]) -> None:
    salary = BaseSalary.objects.get(amount=2_340_000)
    seq = last_seq()
    services.base_salary_update(
        actor=users["admin"],
        base_salary=salary,
        unconfirmed=False,
        note="Checked against Nghị định 73/2024/NĐ-CP Điều 3.",
    )
    coefficient = selectors.coefficient_on("bang_khen_tinh", "individual", dt.date(2024, 12, 31))
    services.prize_coefficient_update(
        actor=users["admin"], coefficient=coefficient, legal_basis="Nghị định 98/2023/NĐ-CP, Điều 73"
    )
    parameter = selectors.parameter_on("government_flag_share", dt.date(2025, 1, 1))
    services.award_parameter_update(actor=users["province_officer"], parameter=parameter, description="Cap.")
    assert actions(seq) == ["base_salary.update", "prize_coefficient.update", "award_parameter.update"]
    salary.refresh_from_db()
    assert not salary.unconfirmed
    assert salary.amount == 2_340_000


@pytest.mark.parametrize(
    ("call", "target", "kwargs", "code"),
    [
        ("base_salary_update", "base_salary", {"amount": 1}, "unknown_field"),
        ("base_salary_update", "base_salary", {"valid_to": dt.date(2030, 1, 1)}, "unknown_field"),
        ("base_salary_update", "base_salary", {"description": "x"}, "unknown_field"),
        ("base_salary_update", "base_salary", {"legal_basis": ""}, "required"),
        ("prize_coefficient_update", "coefficient", {"recipient": "collective"}, "unknown_field"),
        ("prize_coefficient_update", "coefficient", {"unconfirmed": 1}, "invalid"),
        ("award_parameter_update", "parameter", {"value": "0.5"}, "unknown_field"),
        ("award_parameter_update", "parameter", {"source_url": "nope"}, "invalid_url"),
    ],
)
def test_dated_value_texts_bad_input(
    users: dict[str, Any], call: str, target: str, kwargs: dict[str, Any], code: str
) -> None:
    rows = {
        "base_salary": BaseSalary.objects.first(),
        "coefficient": PrizeCoefficient.objects.first(),
        "parameter": AwardParameter.objects.first(),
    }
    refused(ValidationFailed, code, getattr(services, call), actor=users["admin"], **{target: rows[target]}, **kwargs)


# --- permission table and the read-only admin -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "view", "manage", "money"),
    [
        ("superuser", True, True, True),
        ("admin", True, True, True),
        ("province_officer", True, True, False),
        ("dept_provincial_officer", True, False, False),
        ("dept_officer", True, False, False),
        ("block_head", True, False, False),
        ("clerk", True, False, False),
        ("viewer", True, False, False),
    ],
)
def test_permission_table(users: dict[str, Any], role: str, view: bool, manage: bool, money: bool) -> None:
    user = users[role]
    assert user.has_perm("awards.view_catalogue") is view
    assert user.has_perm("awards.manage_catalogue") is manage
    assert user.has_perm("awards.manage_prize_money") is money


@pytest.mark.parametrize("model", ["awardtype", "prizecoefficient", "basesalary", "awardparameter"])
def test_admin_is_read_only(client: Any, users: dict[str, Any], model: str) -> None:
    client.force_login(users["superuser"])
    assert client.get(f"/admin/awards/{model}/").status_code == 200
    assert client.get(f"/admin/awards/{model}/add/").status_code == 403
    before = state()
    client.post(f"/admin/awards/{model}/1/delete/", {"post": "yes"})
    assert state() == before
