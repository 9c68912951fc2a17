"""The registry's services: record, revoke; permissions per role; every refusal writes nothing; the database backs
"one achievement earns one award"; history_for feeds the eligibility engine."""

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards.eligibility import AwardRecord, Candidate, RecipientKind, Verdict, evaluate
from thidua.awards.models import Award, AwardSource, AwardType, Recipient
from thidua.awards.selectors_registry import histories_for, history_for, person_timeline, unit_timeline
from thidua.awards.services.registry import award_record, award_revoke
from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])


def record(actor: Any, **kwargs: Any) -> Award:
    data: dict[str, Any] = {
        "award_type": "ttldtt",
        "year": 2023,
        "decision_number": "15/QĐ-SNV",
        "decision_date": dt.date(2024, 1, 15),
        "issuing_body": "Sở Nội vụ",
    }
    data.update(kwargs)
    return award_record(actor=actor, **data)


def written() -> tuple[int, int]:
    return Award.objects.count(), AuditEvent.objects.count()


def test_record_a_collective_award(tree: dict[str, Any], officer: Any) -> None:
    events = AuditEvent.objects.count()
    award = record(officer, unit=tree["centre_a"], amount=1_880_000)
    assert award.recipient_kind == Recipient.COLLECTIVE
    assert award.recipient_name == "Trung tâm Lưu trữ lịch sử"
    assert award.source == AwardSource.MANUAL
    assert award.batch is None
    assert award.counts_as_history is True
    assert "trung tam luu tru lich su" in award.search_key
    assert "15/qd-snv" in award.search_key
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "award.record"
    assert event.object_id == str(award.pk)


def test_record_an_individual_award_takes_the_persons_current_unit(tree: dict[str, Any], officer: Any) -> None:
    award = record(officer, award_type="cstd_co_so", person=tree["person_a"])
    assert award.recipient_kind == Recipient.INDIVIDUAL
    assert award.unit == tree["centre_a"]
    assert award.unit_name == "Trung tâm Lưu trữ lịch sử"
    assert award.recipient_name == "Nguyễn Văn Đức"


def test_thematic_award_does_not_count_as_history(tree: dict[str, Any], officer: Any) -> None:
    award = record(officer, award_type="giay_khen", person=tree["person_a"], counts_as_history=False)
    assert award.counts_as_history is False


@pytest.mark.parametrize(
    ("role", "unit_key"),
    [
        (Role.UNIT_CLERK, "centre_a"),
        (Role.UNIT_HEAD, "centre_a"),
        (Role.DEPARTMENT_OFFICER, "other_dept"),
        (Role.VIEWER, None),
    ],
)
def test_record_refused_to_roles_not_over_the_unit(
    tree: dict[str, Any], make_user: Any, role: str, unit_key: str | None
) -> None:
    user = make_user(role, unit=tree[unit_key] if unit_key else None)
    before = written()
    with pytest.raises(PermissionDenied):
        record(user, unit=tree["centre_a"])
    assert written() == before


def test_admin_and_provincial_officer_may_record(tree: dict[str, Any], make_user: Any, admin_user: Any) -> None:
    record(admin_user, unit=tree["centre_a"])
    provincial = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    record(provincial, unit=tree["centre_c"])
    assert Award.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"award_type": "nope"}, "unknown_award_type"),
        ({"award_type": "ldtt"}, "recipient_not_allowed"),
        ({"year": 1900}, "invalid_year"),
        ({"year": dt.date.today().year + 1, "decision_date": dt.date.today()}, "invalid_year"),
        ({"year": 2024, "decision_date": dt.date(2023, 12, 30)}, "decision_before_achievement"),
        ({"decision_date": dt.date.today() + dt.timedelta(days=3)}, "invalid_date"),
        ({"amount": -1}, "invalid_amount"),
        ({"amount": 1.5}, "invalid_amount"),
        ({"decision_number": "  "}, "required"),
    ],
)
def test_record_bad_input_writes_nothing(
    tree: dict[str, Any], officer: Any, changes: dict[str, Any], code: str
) -> None:
    before = written()
    with pytest.raises(ValidationFailed) as caught:
        record(officer, unit=tree["centre_a"], **changes)
    assert caught.value.code == code
    assert written() == before


def test_record_needs_a_recipient(tree: dict[str, Any], admin_user: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        record(admin_user)
    assert caught.value.code == "recipient_required"


def test_one_achievement_earns_one_award(tree: dict[str, Any], officer: Any) -> None:
    record(officer, unit=tree["centre_a"])
    record(officer, person=tree["person_a"], award_type="cstd_co_so")
    before = written()
    with pytest.raises(Conflict) as caught:
        record(officer, unit=tree["centre_a"], decision_number="99/QĐ-SNV")
    assert caught.value.code == "duplicate_award"
    with pytest.raises(Conflict) as caught:
        record(officer, person=tree["person_a"], award_type="cstd_co_so", decision_number="99/QĐ-SNV")
    assert caught.value.code == "duplicate_award"
    assert written() == before
    # Another year, another title, or the same title for a colleague are other achievements.
    record(officer, unit=tree["centre_a"], year=2022)
    record(officer, unit=tree["centre_b"])
    record(officer, unit=tree["centre_a"], person=tree["person_a"], award_type="ldtt")


def test_the_database_refuses_a_second_award_for_the_same_achievement(tree: dict[str, Any], officer: Any) -> None:
    award = record(officer, unit=tree["centre_a"])
    award_type = AwardType.objects.get(code="ttldtt")
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            award_type=award_type,
            recipient_kind=Recipient.COLLECTIVE,
            unit=tree["centre_a"],
            recipient_name="x",
            year=award.year,
            source=AwardSource.MANUAL,
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # a collective award naming a person
        Award.objects.create(
            award_type=award_type,
            recipient_kind=Recipient.COLLECTIVE,
            unit=tree["centre_b"],
            person=tree["person_a"],
            recipient_name="x",
            year=2020,
            source=AwardSource.MANUAL,
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # only imported history may name by text alone
        Award.objects.create(
            award_type=award_type,
            recipient_kind=Recipient.COLLECTIVE,
            recipient_name="Trung tâm cũ",
            year=2020,
            source=AwardSource.MANUAL,
        )


def test_revoke_keeps_the_row_frees_the_achievement_and_is_audited(tree: dict[str, Any], officer: Any) -> None:
    award = record(officer, unit=tree["centre_a"], amount=1_880_000)
    events = AuditEvent.objects.count()
    revoked = award_revoke(
        actor=officer,
        award=award,
        revoked_on=dt.date(2024, 6, 1),
        reason="Kê khai không đúng",
        decision_number="7/QĐ-SNV",
        recovery_amount=1_880_000,
    )
    assert revoked.revoked
    assert revoked.recovery_amount == 1_880_000
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-seq").first().action == "award.revoke"  # type: ignore[union-attr]
    again = record(officer, unit=tree["centre_a"], decision_number="20/QĐ-SNV")
    assert again.pk != award.pk


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"reason": " "}, "required"),
        ({"revoked_on": dt.date(2024, 1, 1)}, "dates_out_of_order"),
        ({"recovery_amount": 2_000_000}, "recovery_exceeds_amount"),
        ({"recovery_amount": -5}, "invalid_amount"),
    ],
)
def test_revoke_bad_input_writes_nothing(
    tree: dict[str, Any], officer: Any, changes: dict[str, Any], code: str
) -> None:
    award = record(officer, unit=tree["centre_a"], amount=1_880_000)
    before = written()
    data = {"revoked_on": dt.date(2024, 6, 1), "reason": "Lý do", **changes}
    with pytest.raises(DomainError) as caught:
        award_revoke(actor=officer, award=award, **data)
    assert caught.value.code == code
    assert written() == before
    award.refresh_from_db()
    assert award.revoked_on is None


def test_revoke_twice_and_without_permission(tree: dict[str, Any], officer: Any, make_user: Any) -> None:
    award = record(officer, unit=tree["centre_a"])
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    with pytest.raises(PermissionDenied):
        award_revoke(actor=clerk, award=award, revoked_on=dt.date(2024, 6, 1), reason="x")
    award_revoke(actor=officer, award=award, revoked_on=dt.date(2024, 6, 1), reason="x")
    before = written()
    with pytest.raises(Conflict) as caught:
        award_revoke(actor=officer, award=award, revoked_on=dt.date(2024, 6, 2), reason="y")
    assert caught.value.code == "already_revoked"
    assert written() == before


def test_history_for_feeds_the_eligibility_engine(tree: dict[str, Any], officer: Any) -> None:
    person = tree["person_a"]
    for year in (2022, 2023, 2024):
        record(
            officer,
            person=person,
            award_type="cstd_co_so",
            year=year,
            decision_number=f"{year}/QĐ",
            decision_date=dt.date(year + 1, 1, 10),
        )
    thematic = record(officer, person=person, award_type="giay_khen", year=2024, counts_as_history=False)
    revoked = record(officer, person=person, award_type="ldtt", year=2021, decision_date=dt.date(2022, 1, 5))
    award_revoke(actor=officer, award=revoked, revoked_on=dt.date(2022, 5, 1), reason="x")
    history = history_for(person)
    assert [(r.award_code, r.year) for r in history] == [
        ("ldtt", 2021),
        ("cstd_co_so", 2022),
        ("cstd_co_so", 2023),
        ("cstd_co_so", 2024),
        ("giay_khen", 2024),
    ]
    assert all(isinstance(r, AwardRecord) and r.recipient == person.pk for r in history)
    assert next(r for r in history if r.award_code == "ldtt").revoked is True
    assert next(r for r in history if r.award_code == "giay_khen").counts_as_history is False
    assert thematic.pk
    report = evaluate(Candidate(person.pk, RecipientKind.INDIVIDUAL, 2025), "cstd_tinh", history)
    run = next(check for check in report.checks if check.rule_id == "cstd_tinh.cstd_co_so_run")
    assert run.status.value == "pass"
    assert run.evidence["run"] == (2022, 2023, 2024)
    assert report.verdict != Verdict.INELIGIBLE
    # Without 2023 the run breaks: the registry's gap reaches the engine.
    gap = [r for r in history if r.year != 2023]
    report = evaluate(Candidate(person.pk, RecipientKind.INDIVIDUAL, 2025), "cstd_tinh", gap)
    assert report.verdict == Verdict.INELIGIBLE
    # The unit's history is its collective awards only; many candidates at once in two queries.
    record(officer, unit=tree["centre_a"], year=2024, decision_date=dt.date(2025, 1, 10))
    assert [(r.award_code, r.year) for r in history_for(tree["centre_a"])] == [("ttldtt", 2024)]
    many = histories_for(units=[tree["centre_a"], tree["centre_b"]], people=[person], up_to_year=2023)
    assert many[("collective", tree["centre_b"].pk)] == []
    assert [r.year for r in many[("individual", person.pk)]] == [2021, 2022, 2023]


def test_timelines_group_by_year_newest_first(tree: dict[str, Any], officer: Any) -> None:
    record(officer, unit=tree["centre_a"], year=2022, decision_date=dt.date(2023, 1, 2))
    record(officer, unit=tree["centre_a"], year=2023)
    record(officer, person=tree["person_a"], award_type="ldtt", year=2023)
    assert [entry.year for entry in unit_timeline(unit=tree["centre_a"])] == [2023, 2022]
    assert [a.award_type.code for a in person_timeline(person=tree["person_a"])[0].awards] == ["ldtt"]
