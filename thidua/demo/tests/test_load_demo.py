"""load_demo builds a consistent Quảng Trị demo, once: counts, roles, idempotence, audit chain, search.

The demo is loaded once per module inside an outer transaction that is rolled back at the end (as
Django's setUpTestData does); each test runs in its own savepoint on top of it.
"""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Model, Q

from thidua.accounts.models import RoleAssignment, User
from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import ValidationFailed
from thidua.demo.builder import (
    DEMO_PASSWORD,
    HEAD_TITLE,
    HEALTH_BLOCK_CODE,
    MAIN_BLOCK_CODE,
    demo_logins,
)
from thidua.organizations import services
from thidua.organizations.models import (
    Block,
    BlockLeadership,
    BlockMembership,
    BlockYear,
    LeadershipRole,
    Person,
    PersonMembership,
    Phase,
    PhaseDeadline,
    Unit,
)
from thidua.organizations.selectors import person_list_visible_to, unit_list

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _block_year(code: str, year: int) -> BlockYear:
    return BlockYear.objects.get(block__code=code, year=year)


def _current_staff(unit: Unit) -> int:
    return PersonMembership.objects.filter(unit=unit, end_date__isnull=True).count()


def test_block_years_have_9_to_12_members_with_15_to_40_staff_each() -> None:
    for year in (2024, 2025):
        block_year = _block_year(MAIN_BLOCK_CODE, year)
        members = [m.unit for m in block_year.memberships.select_related("unit")]
        assert 9 <= len(members) <= 12
        for unit in members:
            assert 15 <= _current_staff(unit) <= 40, unit
            directors = PersonMembership.objects.filter(unit=unit, end_date__isnull=True, position=HEAD_TITLE)
            assert directors.count() == 1, unit


def test_phases_deadlines_and_membership_change() -> None:
    year_2024 = _block_year(MAIN_BLOCK_CODE, 2024)
    year_2025 = _block_year(MAIN_BLOCK_CODE, 2025)
    assert year_2024.phase == Phase.CLOSED
    assert year_2025.phase == Phase.SCORING
    assert year_2024.transitions.count() == len(Phase) - 1
    deadlines = dict(PhaseDeadline.objects.filter(block_year=year_2025).values_list("phase", "due_date"))
    assert str(deadlines[Phase.PLAN]) == "2025-01-31"
    assert str(deadlines[Phase.CONFERENCE]) == "2026-01-16"
    assert str(deadlines[Phase.CLOSED]) == "2026-03-31"
    members_2024 = set(year_2024.memberships.values_list("unit__code", flat=True))
    members_2025 = set(year_2025.memberships.values_list("unit__code", flat=True))
    assert len(members_2024 - members_2025) == 1
    assert len(members_2025 - members_2024) == 1


def test_leadership_rotates_and_is_represented_by_directors() -> None:
    block = Block.objects.get(code=MAIN_BLOCK_CODE)
    assert block.owner.code == "QT"
    assert block.rotation_rule == "deputy_becomes_head"
    assert block.deputy_count == 2
    seats = {}
    for year in (2024, 2025):
        rows = list(BlockLeadership.objects.filter(block_year__block=block, block_year__year=year).order_by("position"))
        assert [r.role for r in rows] == [LeadershipRole.HEAD, LeadershipRole.DEPUTY, LeadershipRole.DEPUTY]
        for row in rows:
            assert row.representative is not None
            assert row.representative.memberships.filter(unit=row.unit, end_date__isnull=True, position=HEAD_TITLE)
        seats[year] = [r.unit_id for r in rows]
    assert seats[2025][0] == seats[2024][1]  # the first deputy of 2024 heads the block in 2025


def test_a_unit_is_in_at_most_one_block_of_a_kind_a_year() -> None:
    health = _block_year(HEALTH_BLOCK_CODE, 2025)
    assert 2 <= health.memberships.count() <= 5
    assert not BlockMembership.objects.values("unit", "year", "block_kind").annotate(n=Count("id")).filter(n__gt=1)
    main_member = _block_year(MAIN_BLOCK_CODE, 2025).memberships.select_related("unit").first()
    assert main_member is not None
    admin = User.objects.get(username="admin")
    with pytest.raises(ValidationFailed) as caught:
        services.block_member_add(actor=admin, block_year=health, unit=main_member.unit)
    assert caught.value.code == "unit_in_other_block"


def test_everything_is_marked_demo_and_some_people_have_history() -> None:
    assert not Unit.objects.filter(is_demo=False).exists()
    assert not Person.objects.filter(is_demo=False).exists()
    assert not Block.objects.filter(is_demo=False).exists()
    assert not User.objects.filter(is_demo=False).exists()
    moved = Person.objects.annotate(ended=Count("memberships", filter=Q(memberships__end_date__isnull=False)))
    assert moved.filter(ended__gt=0).count() >= 10


def test_every_role_has_a_demo_user_with_the_demo_password() -> None:
    usernames = [username for username, _label in demo_logins()]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    assert set(users) == set(usernames)
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["admin"].is_superuser
    assert users["admin"].is_staff
    held = set(RoleAssignment.objects.filter(user__is_demo=True).values_list("role", flat=True))
    assert held | {Role.ADMIN} == set(Role.values)
    year_2025 = _block_year(MAIN_BLOCK_CODE, 2025)
    head_unit = BlockLeadership.objects.get(block_year=year_2025, role=LeadershipRole.HEAD).unit
    thutruong = users["thutruong"]
    assert RoleAssignment.objects.filter(user=thutruong, role=Role.UNIT_HEAD, unit=head_unit).exists()
    assert thutruong.person.memberships.filter(unit=head_unit, position=HEAD_TITLE, end_date__isnull=True).exists()
    assert RoleAssignment.objects.filter(user=users["vanthu"], role=Role.UNIT_CLERK, unit=head_unit).exists()
    assert RoleAssignment.objects.filter(user=users["khoitruong"], block_year__year=2025, role=Role.BLOCK_HEAD).exists()


def test_second_run_changes_nothing(demo: str) -> None:
    models: list[type[Model]] = [
        Unit,
        Person,
        PersonMembership,
        Block,
        BlockYear,
        BlockMembership,
        BlockLeadership,
        User,
        RoleAssignment,
    ]
    before = {model.__name__: model._default_manager.count() for model in models}
    events_before = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert {model.__name__: model._default_manager.count() for model in models} == before
    assert AuditEvent.objects.count() == events_before
    assert "nothing changed" in out.getvalue()
    assert "created" in demo
    assert "khoitruong" in demo


def test_audit_chain_verifies_after_loading() -> None:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()
    assert AuditEvent.objects.filter(action="person.create").count() == Person.objects.count()
    assert AuditEvent.objects.filter(action="role_assignment.create").count() == RoleAssignment.objects.count()


def test_search_ignores_tone_marks() -> None:
    dong_ha = set(Unit.objects.filter(address__contains="Đông Hà").values_list("pk", flat=True))
    assert len(dong_ha) >= 5
    for query in ("dong ha", "DONG HA", "Đông Hà"):
        assert dong_ha <= set(unit_list(query=query).values_list("pk", flat=True))
    assert "Trung tâm Khuyến nông" in {u.name for u in unit_list(query="khuyen nong")}
    admin = User.objects.get(username="admin")
    assert person_list_visible_to(user=admin, query="nguyen").count() > 50


def test_proposals_wait_for_every_role_and_a_decision_is_issued() -> None:
    """Every step of the awards workflow has demo work waiting, and the issued decision made paid awards."""
    from thidua.awards.models import Award, Decision, DisciplinaryHold, Proposal

    by = _block_year(MAIN_BLOCK_CODE, 2025)
    statuses = sorted(Proposal.objects.filter(block_year=by, is_demo=True).values_list("status", flat=True))
    assert statuses == sorted(["decided"] * 3 + ["accepted", "at_department", "unit_approved", "draft"])
    decision = Decision.objects.get(is_demo=True)
    assert decision.status == "issued"
    awards = Award.objects.filter(decision=decision)
    assert awards.count() == 3
    # Tập thể lao động tiên tiến: 0.8 × 2,340,000 = 1,872,000 → 1,880,000 đ (domain.md §3.3).
    assert set(awards.values_list("amount", flat=True)) == {1_880_000}
    assert DisciplinaryHold.objects.filter(ended_on__isnull=True).count() == 1
    assert Proposal.objects.get(block_year=by, status="draft").unit.code == "SNNMT-TTKN"
