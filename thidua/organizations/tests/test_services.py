"""Organisation services: the good paths and every bad input the foundation issue lists.

Each bad case asserts a stable error code and that nothing was written (no row, no audit event).
"""

import datetime as dt
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.organizations import services
from thidua.organizations.models import (
    BlockLeadership,
    BlockMembership,
    BlockYear,
    Person,
    PersonMembership,
    PhaseTransition,
    Unit,
)
from thidua.tests_support.factories import make_person, make_unit, system_actor

pytestmark = pytest.mark.django_db


class NothingWritten:
    """Context manager asserting that no audit event (hence no service write) happened."""

    def __enter__(self) -> "NothingWritten":
        self.before = AuditEvent.objects.count()
        self.units = Unit.objects.count()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert AuditEvent.objects.count() == self.before
        assert Unit.objects.count() == self.units


# --- units -------------------------------------------------------------------------------------


def test_unit_tree_paths(tree: dict[str, Any]) -> None:
    centre = tree["centre_a"]
    assert centre.path == f"/{tree['province'].pk}/{tree['dept'].pk}/{centre.pk}/"
    assert centre.depth == 2
    assert centre.ancestor_ids == [tree["province"].pk, tree["dept"].pk]


@pytest.mark.parametrize("code", ["TTA", "tta", "  TTA "])
def test_duplicate_unit_code_is_refused(tree: dict[str, Any], code: str) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        make_unit(code, "Trung tâm khác", parent=tree["dept"])
    assert err.value.code == "duplicate_code"
    assert err.value.field == "code"


def test_unit_dates_out_of_order(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        make_unit(
            "NEW", "Trung tâm mới", parent=tree["dept"], valid_from=dt.date(2025, 5, 1), valid_to=dt.date(2025, 1, 1)
        )
    assert err.value.code == "dates_out_of_order"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("name", "   ", "required"), ("kind", "castle", "invalid_choice"), ("name", "x" * 300, "too_long")],
)
def test_unit_create_validates_fields(tree: dict[str, Any], field: str, value: str, code: str) -> None:
    kwargs: dict[str, Any] = {
        "code": "NEW",
        "name": "Trung tâm mới",
        "parent": tree["dept"],
        "kind": "centre",
        field: value,
    }
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.unit_create(actor=system_actor(), **kwargs)
    assert err.value.code == code


def test_moving_a_unit_moves_its_subtree(tree: dict[str, Any]) -> None:
    sub = make_unit("SUB", "Phòng Hành chính", parent=tree["centre_a"], kind="office")
    services.unit_update(actor=system_actor(), unit=tree["centre_a"], parent=tree["other_dept"])
    sub.refresh_from_db()
    assert sub.path == f"/{tree['province'].pk}/{tree['other_dept'].pk}/{tree['centre_a'].pk}/{sub.pk}/"
    assert sub.depth == 3
    assert AuditEvent.objects.filter(action="unit.update", object_id=str(tree["centre_a"].pk)).exists()


def test_a_unit_cannot_move_under_itself(tree: dict[str, Any]) -> None:
    sub = make_unit("SUB", "Phòng Hành chính", parent=tree["centre_a"], kind="office")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.unit_update(actor=system_actor(), unit=tree["centre_a"], parent=sub)
    assert err.value.code == "tree_cycle"


def test_unit_update_without_change_records_nothing(tree: dict[str, Any]) -> None:
    with NothingWritten():
        services.unit_update(actor=system_actor(), unit=tree["centre_a"], name=tree["centre_a"].name)


def test_unit_update_rejects_unknown_fields(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.unit_update(actor=system_actor(), unit=tree["centre_a"], path="/x/")
    assert err.value.code == "unknown_field"


# --- people ------------------------------------------------------------------------------------


def test_person_history(tree: dict[str, Any]) -> None:
    person = tree["person_a"]
    current = person.memberships.get()
    services.person_membership_end(actor=system_actor(), membership=current, end_date=dt.date(2024, 12, 31))
    services.person_membership_add(
        actor=system_actor(),
        person=person,
        unit=tree["centre_b"],
        position="Phó Giám đốc",
        start_date=dt.date(2025, 1, 1),
    )
    positions = list(person.memberships.order_by("start_date").values_list("unit__code", "end_date"))
    assert positions == [("TTA", dt.date(2024, 12, 31)), ("TTB", None)]


def test_membership_dates_out_of_order(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.person_membership_add(
            actor=system_actor(),
            person=tree["person_a"],
            unit=tree["centre_b"],
            position="Chuyên viên",
            start_date=dt.date(2025, 6, 1),
            end_date=dt.date(2025, 1, 1),
        )
    assert err.value.code == "dates_out_of_order"


def test_overlapping_membership_in_the_same_unit(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.person_membership_add(
            actor=system_actor(),
            person=tree["person_a"],
            unit=tree["centre_a"],
            position="Kế toán",
            start_date=dt.date(2024, 1, 1),
        )
    assert err.value.code == "membership_overlap"


def test_person_create_is_all_or_nothing(tree: dict[str, Any]) -> None:
    people = Person.objects.count()
    with NothingWritten(), pytest.raises(ValidationFailed):
        services.person_create(
            actor=system_actor(),
            unit=tree["centre_a"],
            full_name="Lê Văn A",
            position="",
            start_date=dt.date(2025, 1, 1),
        )
    assert Person.objects.count() == people
    assert not PersonMembership.objects.filter(person__full_name="Lê Văn A").exists()


# --- blocks and block-years --------------------------------------------------------------------


def test_unit_in_two_blocks_of_the_same_kind_in_one_year(tree: dict[str, Any]) -> None:
    other_year = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_member_add(actor=system_actor(), block_year=other_year, unit=tree["centre_a"])
    assert err.value.code == "unit_in_other_block"
    assert "Khối thi đua các trung tâm" in str(err.value.message)
    assert not BlockMembership.objects.filter(block_year=other_year).exists()


def test_same_unit_may_join_a_block_of_another_kind_or_another_year(tree: dict[str, Any]) -> None:
    cluster = services.block_create(
        actor=system_actor(), code="C1", name="Cụm thi đua số 1", owner=tree["province"], kind="cluster"
    )
    cluster_year = services.block_year_create(actor=system_actor(), block=cluster, year=2025)
    services.block_member_add(actor=system_actor(), block_year=cluster_year, unit=tree["centre_a"])
    other_2026 = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2026)
    services.block_member_add(actor=system_actor(), block_year=other_2026, unit=tree["centre_a"])
    assert BlockMembership.objects.filter(unit=tree["centre_a"]).count() == 3


def test_the_database_itself_refuses_a_second_block_of_a_kind(tree: dict[str, Any]) -> None:
    from django.db import IntegrityError, transaction

    other_year = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        BlockMembership.objects.create(block_year=other_year, unit=tree["centre_a"], year=2025, block_kind="block")


def test_inactive_unit_cannot_join(tree: dict[str, Any]) -> None:
    province = services.unit_update(actor=system_actor(), unit=tree["province"], status="inactive")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_member_add(actor=system_actor(), block_year=tree["block_year"], unit=province)
    assert err.value.code == "unit_inactive"


@pytest.mark.parametrize("seat", ["head", "deputy"])
def test_leadership_must_be_members(tree: dict[str, Any], seat: str) -> None:
    outsider = make_unit("OUT", "Trung tâm ngoài khối", parent=tree["dept"])
    head, deputies = (outsider, [tree["centre_b"]]) if seat == "head" else (tree["centre_a"], [outsider])
    before = list(BlockLeadership.objects.values_list("unit_id", "role"))
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_set_leadership(
            actor=system_actor(), block_year=tree["block_year"], head=head, deputies=deputies
        )
    assert err.value.code == "not_member"
    assert list(BlockLeadership.objects.values_list("unit_id", "role")) == before


def test_leadership_refuses_one_unit_in_two_seats(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_set_leadership(
            actor=system_actor(), block_year=tree["block_year"], head=tree["centre_a"], deputies=[tree["centre_a"]]
        )
    assert err.value.code == "duplicate_seat"


def test_leadership_with_representatives(tree: dict[str, Any]) -> None:
    rep = tree["person_a"]
    services.block_year_set_leadership(
        actor=system_actor(),
        block_year=tree["block_year"],
        head=tree["centre_a"],
        deputies=[tree["centre_b"], tree["centre_c"]],
        representatives={tree["centre_a"].pk: (rep, "Giám đốc")},
    )
    rows = list(
        tree["block_year"].leadership.order_by("position").values_list("unit__code", "role", "representative_id")
    )
    assert rows == [("TTA", "head", rep.pk), ("TTB", "deputy", None), ("TTC", "deputy", None)]


def test_representative_must_work_in_the_unit(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_set_leadership(
            actor=system_actor(),
            block_year=tree["block_year"],
            head=tree["centre_a"],
            deputies=[tree["centre_b"]],
            representatives={tree["centre_a"].pk: (tree["person_c"], "Giám đốc")},
        )
    assert err.value.code == "representative_not_staff"


def test_member_in_leadership_cannot_be_removed(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_member_remove(actor=system_actor(), block_year=tree["block_year"], unit=tree["centre_a"])
    assert err.value.code == "member_in_leadership"


def test_block_year_duplicate_and_out_of_range(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_create(actor=system_actor(), block=tree["block"], year=2025)
    assert err.value.code == "duplicate"
    with NothingWritten(), pytest.raises(ValidationFailed):
        services.block_year_create(actor=system_actor(), block=tree["block"], year=1999)


def test_deadlines_out_of_order(tree: dict[str, Any]) -> None:
    bad = {"plan": dt.date(2026, 3, 1), "covenant": dt.date(2026, 2, 1)}
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_create(actor=system_actor(), block=tree["block"], year=2026, deadlines=bad)
    assert err.value.code == "dates_out_of_order"
    assert not BlockYear.objects.filter(year=2026).exists()
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_set_deadlines(
            actor=system_actor(),
            block_year=tree["block_year"],
            deadlines=bad | {"plan": dt.date(2025, 3, 1), "covenant": dt.date(2025, 2, 1)},
        )
    assert err.value.code == "dates_out_of_order"


def test_deadline_far_outside_the_year(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_set_deadlines(
            actor=system_actor(), block_year=tree["block_year"], deadlines={"plan": dt.date(2030, 1, 1)}
        )
    assert err.value.code == "deadline_out_of_range"


def test_next_year_copies_members_and_applies_rotation(tree: dict[str, Any]) -> None:
    next_year = services.block_year_create_next(actor=system_actor(), block_year=tree["block_year"])
    assert next_year.year == 2026
    assert set(next_year.memberships.values_list("unit__code", flat=True)) == {"TTA", "TTB", "TTC", "BQL"}
    leadership = list(next_year.leadership.order_by("position").values_list("unit__code", "role"))
    assert leadership[0] == ("TTB", "head")  # first deputy becomes head (the block's rule)
    assert ("TTA", "deputy") not in leadership[:1]
    assert len(leadership) == 3


# --- phases ------------------------------------------------------------------------------------


def advance(actor: Any, block_year: BlockYear, to: str) -> BlockYear:
    return services.block_year_advance_phase(actor=actor, block_year=block_year, to_phase=to)


def test_phases_move_forward_one_step(tree: dict[str, Any], make_user: Any) -> None:
    head = make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])
    by = advance(head, tree["block_year"], "covenant")
    assert by.phase == "covenant"
    assert PhaseTransition.objects.filter(block_year=by, from_phase="plan", to_phase="covenant", actor=head).exists()
    assert AuditEvent.objects.filter(action="block_year.advance_phase", actor_id=head.pk).exists()


def test_phase_backwards_is_refused(tree: dict[str, Any]) -> None:
    by = advance(system_actor(), tree["block_year"], "covenant")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        advance(system_actor(), by, "plan")
    assert err.value.code == "phase_backwards"
    by.refresh_from_db()
    assert by.phase == "covenant"


def test_phase_cannot_skip(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        advance(system_actor(), tree["block_year"], "scoring")
    assert err.value.code == "phase_skipped"


def test_phase_unknown(tree: dict[str, Any]) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        advance(system_actor(), tree["block_year"], "party")
    assert err.value.code == "invalid_choice"


@pytest.mark.parametrize("role", [Role.BLOCK_DEPUTY, Role.DELEGATE, Role.VIEWER])
def test_phase_moved_by_the_wrong_role(tree: dict[str, Any], make_user: Any, role: str) -> None:
    scope = {"block_year": tree["block_year"]} if role != Role.VIEWER else {}
    user = make_user(role, **scope)
    with NothingWritten(), pytest.raises(PermissionDenied):
        advance(user, tree["block_year"], "covenant")


def test_head_of_another_block_year_cannot_move_this_one(tree: dict[str, Any], make_user: Any) -> None:
    other = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    user = make_user(Role.BLOCK_HEAD, block_year=other)
    with pytest.raises(PermissionDenied):
        advance(user, tree["block_year"], "covenant")


def test_only_officers_close_a_block_year(tree: dict[str, Any], make_user: Any) -> None:
    head = make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    by = tree["block_year"]
    for phase in ["covenant", "registration", "midyear_review", "scoring", "conference", "proposals"]:
        by = advance(head, by, phase)
    with NothingWritten(), pytest.raises(PermissionDenied):
        advance(head, by, "closed")
    assert advance(officer, by, "closed").phase == "closed"


def test_covenant_needs_a_head_and_two_members(tree: dict[str, Any]) -> None:
    by = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    services.block_member_add(
        actor=system_actor(), block_year=by, unit=make_unit("U9", "Trung tâm chín", parent=tree["dept"])
    )
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        advance(system_actor(), by, "covenant")
    assert err.value.code == "phase_not_ready"


def test_closed_block_year_refuses_member_changes(tree: dict[str, Any]) -> None:
    by = tree["block_year"]
    for phase in ["covenant", "registration", "midyear_review", "scoring", "conference", "proposals", "closed"]:
        by = advance(system_actor(), by, phase)
    newcomer = make_unit("NEW", "Trung tâm mới", parent=tree["dept"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_member_add(actor=system_actor(), block_year=by, unit=newcomer)
    assert err.value.code == "block_year_closed"


def test_person_factory_sanity(tree: dict[str, Any]) -> None:
    person = make_person(tree["centre_b"], "Võ Thị Ánh")
    assert person.search_key == "vo thi anh"


@pytest.mark.parametrize(
    ("language", "fragment"), [("vi", "Đã có đơn vị với mã"), ("ro", "Există deja o unitate"), ("en", "already exists")]
)
def test_errors_are_translated(tree: dict[str, Any], language: str, fragment: str) -> None:
    from django.utils import translation

    with translation.override(language), pytest.raises(ValidationFailed) as err:
        make_unit("TTA", "Trung tâm khác", parent=tree["dept"])
    assert fragment in str(err.value.message)
