"""Disciplinary holds: placing and lifting them (permissions, bad input, audit), who sees them, and their effect on
the eligibility report (holds are recorded data: none in force means PASS, not UNKNOWN)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards import selectors_proposals as sp
from thidua.awards.eligibility import Status
from thidua.awards.models import DisciplinaryHold
from thidua.awards.selectors_eligibility import eligibility_for, hold_in_force
from thidua.awards.services.holds import hold_lift, hold_place
from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from thidua.tests_support.factories import make_proposal

pytestmark = pytest.mark.django_db


def refused(exc_type: type[DomainError], code: str, fn: Any, **kwargs: Any) -> None:
    holds, events = DisciplinaryHold.objects.count(), AuditEvent.objects.count()
    ended = list(DisciplinaryHold.objects.order_by("pk").values_list("ended_on", flat=True))
    with pytest.raises(exc_type) as info:
        fn(**kwargs)
    assert info.value.code == code
    assert (DisciplinaryHold.objects.count(), AuditEvent.objects.count()) == (holds, events)
    assert list(DisciplinaryHold.objects.order_by("pk").values_list("ended_on", flat=True)) == ended


def test_place_and_lift_a_hold(tree: dict[str, Any], make_user: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    hold = hold_place(actor=officer, unit=tree["centre_a"], started_on=dt.date(2025, 3, 1), reason=" Thanh tra ")
    assert hold.reason == "Thanh tra"
    assert hold.recorded_by == officer
    assert AuditEvent.objects.filter(action="hold.place", object_id=str(hold.pk)).exists()
    assert list(sp.holds_in_force(unit=tree["centre_a"])) == [hold]
    refused(ValidationFailed, "invalid_date", hold_lift, actor=officer, hold=hold, ended_on=dt.date(2025, 2, 1))
    hold = hold_lift(actor=officer, hold=hold, ended_on=dt.date(2025, 6, 30))
    assert hold.ended_on == dt.date(2025, 6, 30)
    assert AuditEvent.objects.filter(action="hold.lift").exists()
    assert not sp.holds_in_force(unit=tree["centre_a"]).exists()
    assert list(sp.holds_in_force(unit=tree["centre_a"], day=dt.date(2025, 4, 1))) == [hold]
    refused(Conflict, "already_lifted", hold_lift, actor=officer, hold=hold, ended_on=dt.date(2025, 7, 1))


def test_a_person_hold_follows_the_persons_current_unit(tree: dict[str, Any], make_user: Any) -> None:
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["other_dept"])
    hold = hold_place(actor=officer, person=tree["person_c"], started_on=dt.date(2025, 3, 1), reason="Xem xét")
    assert hold.person == tree["person_c"]
    refused(
        PermissionDenied,
        "permission_denied",
        hold_place,
        actor=officer,
        person=tree["person_a"],
        started_on=dt.date(2025, 3, 1),
        reason="x",
    )


@pytest.mark.parametrize(
    ("subjects", "reason", "code"),
    [
        (("centre_a", "person_a"), "x", "subject_required"),
        ((), "x", "subject_required"),
        (("centre_a",), "  ", "reason_required"),
    ],
)
def test_place_refuses_bad_input(
    tree: dict[str, Any], admin_user: Any, subjects: tuple[str, ...], reason: str, code: str
) -> None:
    kwargs: dict[str, Any] = {"actor": admin_user, "started_on": dt.date(2025, 3, 1), "reason": reason}
    for key in subjects:
        kwargs["person" if key.startswith("person") else "unit"] = tree[key]
    refused(ValidationFailed, code, hold_place, **kwargs)


@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.UNIT_CLERK])
def test_the_unit_cannot_place_its_own_hold(tree: dict[str, Any], make_user: Any, role: str) -> None:
    user = make_user(role, unit=tree["centre_a"])
    refused(
        PermissionDenied,
        "permission_denied",
        hold_place,
        actor=user,
        unit=tree["centre_a"],
        started_on=dt.date(2025, 3, 1),
        reason="x",
    )


def test_who_sees_holds(tree: dict[str, Any], make_user: Any, admin_user: Any) -> None:
    own = hold_place(actor=admin_user, unit=tree["centre_a"], started_on=dt.date(2025, 3, 1), reason="a")
    staff = hold_place(actor=admin_user, person=tree["person_a"], started_on=dt.date(2025, 3, 1), reason="b")
    other = hold_place(actor=admin_user, unit=tree["centre_c"], started_on=dt.date(2025, 3, 1), reason="c")
    head = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["other_dept"])
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    assert set(sp.holds_visible_to(head)) == {own, staff}
    assert set(sp.holds_visible_to(officer)) == {own, staff, other}
    assert list(sp.holds_visible_to(clerk)) == []


def test_the_eligibility_report_reads_the_holds(tree: dict[str, Any], admin_user: Any) -> None:
    report = eligibility_for(unit=tree["centre_a"], award_code="ttldtt", year=2025)
    assert report.check("disciplinary_hold").status is Status.PASS
    hold = hold_place(actor=admin_user, unit=tree["centre_a"], started_on=dt.date(2025, 12, 1), reason="a")
    report = eligibility_for(unit=tree["centre_a"], award_code="ttldtt", year=2025)
    assert report.check("disciplinary_hold").status is Status.FAIL
    hold_lift(actor=admin_user, hold=hold, ended_on=dt.date(2025, 12, 31))  # still in force on 31 December
    assert hold_in_force(unit=tree["centre_a"], year=2025)
    assert not hold_in_force(unit=tree["centre_a"], year=2024)
    assert not hold_in_force(person=tree["person_a"], year=2025)
    DisciplinaryHold.objects.create(person=tree["person_a"], started_on=timezone.localdate(), reason="b")
    assert hold_in_force(person=tree["person_a"], year=2020)  # in force today


def test_the_eligibility_report_reads_the_other_live_proposals(tree: dict[str, Any]) -> None:
    first = make_proposal(unit=tree["centre_a"], award_type="ttldtt")
    report = eligibility_for(unit=tree["centre_a"], award_code="ttldtt", year=2025)
    assert report.check("one_achievement").status is Status.FAIL  # already proposed for this achievement
    own = eligibility_for(unit=tree["centre_a"], award_code="ttldtt", year=2025, exclude_proposal=first.pk)
    assert own.check("one_achievement").status is Status.PASS  # a proposal does not count against itself


def test_government_flag_proposals_of_the_province_are_counted(tree: dict[str, Any]) -> None:
    from thidua.awards.selectors_eligibility import government_flag_proposals

    assert government_flag_proposals(unit=tree["centre_a"], year=2025) == 0
    make_proposal(unit=tree["centre_b"], award_type="co_chinh_phu")
    assert government_flag_proposals(unit=tree["centre_a"], year=2025) == 1
    assert government_flag_proposals(unit=tree["centre_b"], year=2025) == 0  # not its own
