"""Plan and covenant services: success writes a row and an audit event; every refusal writes nothing."""

import datetime as dt
from typing import Any

import pytest

from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from thidua.emulation import services
from thidua.emulation.models import Covenant, CovenantSignature, CovenantStatus, Plan
from thidua.emulation.tests.helpers import close, last_action, state
from thidua.tests_support.factories import make_person, system_actor

pytestmark = pytest.mark.django_db


def _refused(exc_type: type[DomainError], code: str | None, call: Any, **kwargs: Any) -> None:
    before = state()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    if code is not None:
        assert info.value.code == code
    assert state() == before


# --- plan ----------------------------------------------------------------------------------------------------------


def test_plan_save_creates_then_updates(tree: dict[str, Any], users: dict[str, Any]) -> None:
    block_year = tree["block_year"]
    plan = services.plan_save(
        actor=users["head"],
        block_year=block_year,
        objectives="  Thi đua hoàn thành xuất sắc nhiệm vụ  ",
        milestones=[(dt.date(2025, 7, 15), "Sơ kết"), (dt.date(2025, 2, 25), "Ký giao ước")],
    )
    assert plan.objectives == "Thi đua hoàn thành xuất sắc nhiệm vụ"
    assert [m.title for m in plan.milestones.all()] == ["Ký giao ước", "Sơ kết"]
    assert last_action() == "plan.create"
    services.plan_save(actor=users["deputy"], block_year=block_year, objectives="Mới", milestones=[])
    assert Plan.objects.get().milestones.count() == 0
    assert last_action() == "plan.update"
    before = state()
    services.plan_save(actor=users["officer"], block_year=block_year, objectives="Mới", milestones=[])
    assert state()[0] == before[0]  # nothing changed: no audit event


@pytest.mark.parametrize("role", ["unit_head", "clerk", "viewer", "other_officer", "delegate"])
def test_plan_save_refused(tree: dict[str, Any], users: dict[str, Any], role: str) -> None:
    _refused(
        PermissionDenied, None, services.plan_save, actor=users[role], block_year=tree["block_year"], objectives="x"
    )


@pytest.mark.parametrize(
    ("milestones", "code"),
    [
        ([(dt.date(2023, 12, 31), "Quá sớm")], "milestone_out_of_range"),
        ([(dt.date(2027, 1, 1), "Quá muộn")], "milestone_out_of_range"),
        ([(dt.date(2025, 3, 1), "  ")], "required"),
        ([(dt.date(2025, 3, 1), "x" * 256)], "too_long"),
        ([("2025-03-01", "Chuỗi")], "invalid_date"),
        ([(dt.date(2025, 3, 1), "m")] * 51, "too_many"),
    ],
)
def test_plan_save_bad_milestones(tree: dict[str, Any], users: dict[str, Any], milestones: Any, code: str) -> None:
    _refused(
        ValidationFailed,
        code,
        services.plan_save,
        actor=users["head"],
        block_year=tree["block_year"],
        objectives="x",
        milestones=milestones,
    )


def test_plan_save_refused_when_block_year_closed(tree: dict[str, Any], users: dict[str, Any]) -> None:
    close(tree["block_year"])
    _refused(
        ValidationFailed,
        "block_year_closed",
        services.plan_save,
        actor=users["head"],
        block_year=tree["block_year"],
        objectives="x",
    )


# --- covenant text -------------------------------------------------------------------------------------------------


def test_covenant_save_create_and_update(tree: dict[str, Any], users: dict[str, Any]) -> None:
    covenant = services.covenant_save(
        actor=users["deputy"],
        block_year=tree["block_year"],
        title="Giao ước",
        commitments=["  Một  ", "", "Hai"],
    )
    assert covenant.status == CovenantStatus.DRAFT
    assert [(c.position, c.text) for c in covenant.commitments.all()] == [(1, "Một"), (2, "Hai")]
    assert last_action() == "covenant.create"
    services.covenant_save(
        actor=users["head"], block_year=tree["block_year"], title="Giao ước 2025", commitments=["Ba"]
    )
    covenant.refresh_from_db()
    assert covenant.title == "Giao ước 2025"
    assert [c.text for c in covenant.commitments.all()] == ["Ba"]
    assert last_action() == "covenant.update"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"title": " "}, "required"),
        ({"title": "x" * 256}, "too_long"),
        ({"title": "T", "commitments": ["x"] * 51}, "too_many"),
        ({"title": "T", "commitments": ["x" * 2001]}, "too_long"),
    ],
)
def test_covenant_save_bad_input(
    tree: dict[str, Any], users: dict[str, Any], kwargs: dict[str, Any], code: str
) -> None:
    _refused(
        ValidationFailed, code, services.covenant_save, actor=users["head"], block_year=tree["block_year"], **kwargs
    )


@pytest.mark.parametrize("role", ["unit_head", "clerk", "viewer", "other_officer"])
def test_covenant_save_refused(tree: dict[str, Any], users: dict[str, Any], role: str) -> None:
    _refused(
        PermissionDenied, None, services.covenant_save, actor=users[role], block_year=tree["block_year"], title="T"
    )


def test_covenant_text_is_locked_once_open(open_covenant: Covenant, users: dict[str, Any], tree: Any) -> None:
    _refused(
        Conflict,
        "covenant_not_draft",
        services.covenant_save,
        actor=users["head"],
        block_year=tree["block_year"],
        title="Khác",
    )


# --- open, sign, withdraw, close, reopen ---------------------------------------------------------------------------


def test_open_for_signing(covenant: Covenant, users: dict[str, Any]) -> None:
    opened = services.covenant_open_for_signing(actor=users["officer"], covenant=covenant)
    assert opened.status == CovenantStatus.OPEN
    assert opened.opened_at is not None
    assert opened.opened_by == users["officer"]
    assert last_action() == "covenant.open"
    _refused(Conflict, "covenant_not_draft", services.covenant_open_for_signing, actor=users["head"], covenant=covenant)


def test_open_needs_commitments(tree: dict[str, Any], users: dict[str, Any]) -> None:
    empty = services.covenant_save(actor=users["head"], block_year=tree["block_year"], title="Trống")
    _refused(
        ValidationFailed, "covenant_empty", services.covenant_open_for_signing, actor=users["head"], covenant=empty
    )


@pytest.mark.parametrize("role", ["unit_head", "clerk", "viewer"])
def test_open_refused(covenant: Covenant, users: dict[str, Any], role: str) -> None:
    _refused(PermissionDenied, None, services.covenant_open_for_signing, actor=users[role], covenant=covenant)


def test_unit_head_signs_for_the_unit(open_covenant: Covenant, users: dict[str, Any], tree: dict[str, Any]) -> None:
    person = make_person(tree["centre_a"], "Lê Văn Ký", position="Giám đốc")
    person.user = users["unit_head"]
    person.save()
    signature = services.covenant_sign(actor=users["unit_head"], covenant=open_covenant, unit=tree["centre_a"])
    assert signature.signer_name == "Lê Văn Ký"
    assert signature.signer_title == "Giám đốc"
    assert signature.signed_by == users["unit_head"]
    assert last_action() == "covenant.sign"
    other = services.covenant_sign(
        actor=users["unit_head_b"], covenant=open_covenant, unit=tree["centre_b"], signer_name="Trần Văn B"
    )
    assert other.signer_name == "Trần Văn B"
    assert CovenantSignature.objects.count() == 2


@pytest.mark.parametrize("role", ["clerk", "unit_head_b", "head", "officer", "admin", "viewer"])
def test_only_the_unit_head_signs(open_covenant: Covenant, users: dict[str, Any], tree: Any, role: str) -> None:
    _refused(
        PermissionDenied,
        None,
        services.covenant_sign,
        actor=users[role],
        covenant=open_covenant,
        unit=tree["centre_a"],
    )


def test_sign_refusals(covenant: Covenant, users: dict[str, Any], tree: dict[str, Any]) -> None:
    sign = services.covenant_sign
    _refused(Conflict, "covenant_not_open", sign, actor=users["unit_head"], covenant=covenant, unit=tree["centre_a"])
    services.covenant_open_for_signing(actor=system_actor(), covenant=covenant)
    _refused(ValidationFailed, "not_member", sign, actor=users["outsider_head"], covenant=covenant, unit=tree["dept"])
    sign(actor=users["unit_head"], covenant=covenant, unit=tree["centre_a"])
    _refused(Conflict, "already_signed", sign, actor=users["unit_head"], covenant=covenant, unit=tree["centre_a"])
    services.covenant_close(actor=users["head"], covenant=covenant)
    _refused(Conflict, "covenant_not_open", sign, actor=users["unit_head_b"], covenant=covenant, unit=tree["centre_b"])


def test_sign_refused_when_block_year_closed(open_covenant: Covenant, users: dict[str, Any], tree: Any) -> None:
    close(tree["block_year"])
    _refused(
        ValidationFailed,
        "block_year_closed",
        services.covenant_sign,
        actor=users["unit_head"],
        covenant=open_covenant,
        unit=tree["centre_a"],
    )


def test_withdraw_signature(open_covenant: Covenant, users: dict[str, Any], tree: dict[str, Any]) -> None:
    withdraw = services.covenant_withdraw_signature
    _refused(
        ValidationFailed,
        "not_signed",
        withdraw,
        actor=users["unit_head"],
        covenant=open_covenant,
        unit=tree["centre_a"],
    )
    services.covenant_sign(actor=users["unit_head"], covenant=open_covenant, unit=tree["centre_a"])
    _refused(
        PermissionDenied, None, withdraw, actor=users["unit_head_b"], covenant=open_covenant, unit=tree["centre_a"]
    )
    withdraw(actor=users["unit_head"], covenant=open_covenant, unit=tree["centre_a"])
    assert not CovenantSignature.objects.exists()
    assert last_action() == "covenant.withdraw_signature"
    services.covenant_sign(actor=users["unit_head"], covenant=open_covenant, unit=tree["centre_a"])
    services.covenant_close(actor=users["deputy"], covenant=open_covenant)
    _refused(
        Conflict, "covenant_not_open", withdraw, actor=users["unit_head"], covenant=open_covenant, unit=tree["centre_a"]
    )


def test_close(open_covenant: Covenant, users: dict[str, Any], covenant: Covenant) -> None:
    _refused(PermissionDenied, None, services.covenant_close, actor=users["unit_head"], covenant=open_covenant)
    closed = services.covenant_close(actor=users["head"], covenant=open_covenant)
    assert closed.status == CovenantStatus.CLOSED
    assert closed.closed_at is not None
    assert last_action() == "covenant.close"
    _refused(Conflict, "covenant_not_open", services.covenant_close, actor=users["head"], covenant=open_covenant)


def test_reopen_voids_signatures(open_covenant: Covenant, users: dict[str, Any], tree: dict[str, Any]) -> None:
    services.covenant_sign(actor=users["unit_head"], covenant=open_covenant, unit=tree["centre_a"])
    _refused(
        ValidationFailed, "required", services.covenant_reopen, actor=users["head"], covenant=open_covenant, reason=" "
    )
    _refused(
        PermissionDenied, None, services.covenant_reopen, actor=users["clerk"], covenant=open_covenant, reason="Sửa"
    )
    reopened = services.covenant_reopen(actor=users["head"], covenant=open_covenant, reason="Sửa câu chữ")
    assert reopened.status == CovenantStatus.DRAFT
    assert reopened.opened_at is None
    assert not CovenantSignature.objects.exists()
    assert last_action() == "covenant.reopen"
    _refused(
        Conflict, "covenant_not_open", services.covenant_reopen, actor=users["head"], covenant=reopened, reason="x"
    )
