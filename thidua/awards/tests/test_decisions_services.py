"""Decision services: draft, fill with accepted proposals, issue (awards with the prize money of the decision date,
domain.md §3.3 worked examples), all-or-nothing refusals with stable codes, immutability after issue, permissions
per role, and revocation of a decision's award with the money to recover."""

import datetime as dt
from typing import Any, cast

import pytest

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards.models import (
    Award,
    AwardSource,
    BaseSalary,
    Decision,
    DecisionStatus,
    DisciplinaryHold,
    Fund,
    Proposal,
    ProposalStatus,
)
from thidua.awards.services.decisions import (
    DecisionRefused,
    decision_add_proposals,
    decision_create,
    decision_delete,
    decision_issue,
    decision_remove_proposal,
    decision_update,
)
from thidua.awards.services.registry import award_record, award_revoke
from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from thidua.tests_support.factories import ProposalFactory, system_actor

pytestmark = pytest.mark.django_db

DATE = dt.date(2026, 3, 2)


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    """The provincial emulation officer: over the whole province."""
    return make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])


@pytest.fixture
def dept_officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])


def draft(owner: Any, *, actor: Any = None, decider: str = "department_head", **kw: Any) -> Decision:
    values: dict[str, Any] = {
        "title": "Về việc tặng danh hiệu Tập thể lao động tiên tiến năm 2025",
        "issuing_body": "Sở Nội vụ tỉnh Quảng Trị",
        "signer_name": "Lê Văn Bình",
        "signer_title": "Giám đốc",
        **kw,
    }
    return decision_create(actor=actor or system_actor(), owner=owner, decider=decider, **values)


def proposal(tree: dict[str, Any], unit_key: str = "centre_a", **kw: Any) -> Proposal:
    return cast(Proposal, ProposalFactory(unit=tree[unit_key], block_year=tree["block_year"], **kw))


def filled(tree: dict[str, Any], actor: Any = None) -> tuple[Decision, list[Proposal]]:
    """A department decision with TTLĐTT to centre A, Giấy khen to centre B (collective) and to a person."""
    decision = draft(tree["dept"], actor=actor)
    proposals = [
        proposal(tree, "centre_a", award_code="ttldtt"),
        proposal(tree, "centre_b", award_code="giay_khen"),
        proposal(tree, "centre_a", award_code="giay_khen", person=tree["person_a"]),
    ]
    decision_add_proposals(actor=actor or system_actor(), decision=decision, proposals=proposals)
    return decision, proposals


def counts() -> tuple[int, int, list[str]]:
    return (
        Award.objects.count(),
        AuditEvent.objects.count(),
        list(Proposal.objects.order_by("id").values_list("status", flat=True)),
    )


# --- create / update / delete ----------------------------------------------------------------------------------------


def test_create_defaults_the_fund_from_the_decider(tree: dict[str, Any], officer: Any) -> None:
    before = AuditEvent.objects.count()
    decision = draft(tree["province"], actor=officer, decider="province_chairman")
    assert decision.fund == Fund.PROVINCE
    assert decision.status == DecisionStatus.DRAFT
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "decision.create"
    assert draft(tree["dept"], actor=officer).fund == Fund.DEPARTMENT
    assert draft(tree["province"], actor=officer, decider="government").fund == Fund.CENTRAL
    assert draft(tree["province"], actor=officer, decider="prime_minister").fund == Fund.CENTRAL
    assert draft(tree["province"], actor=officer, decider="government", fund="province").fund == Fund.PROVINCE


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "  "}, "title_required"),
        ({"issuing_body": ""}, "issuing_body_required"),
        ({"decider": "mayor"}, "invalid_choice"),
        ({"fund": "district"}, "invalid_choice"),
        ({"signed_on": dt.date(2999, 1, 1)}, "invalid_date"),
    ],
)
def test_create_refuses_bad_input(tree: dict[str, Any], officer: Any, changes: dict[str, Any], code: str) -> None:
    before = (Decision.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        draft(tree["province"], actor=officer, **changes)
    assert exc.value.code == code
    assert (Decision.objects.count(), AuditEvent.objects.count()) == before


def test_create_refuses_a_duplicate_number(tree: dict[str, Any], officer: Any) -> None:
    draft(tree["dept"], actor=officer, number="12/QĐ-SNV")
    with pytest.raises(ValidationFailed) as exc:
        draft(tree["dept"], actor=officer, number="12/QĐ-SNV")
    assert exc.value.code == "duplicate_number"
    draft(tree["dept"], actor=officer, number="12/QĐ-SNV", issuing_body="Sở Y tế")  # another body: fine


@pytest.mark.parametrize("role", [Role.VIEWER, Role.UNIT_HEAD, Role.UNIT_CLERK])
def test_create_permissions(tree: dict[str, Any], make_user: Any, role: str) -> None:
    user = make_user(role, unit=None if role == Role.VIEWER else tree["centre_a"])
    with pytest.raises(PermissionDenied):
        draft(tree["centre_a"], actor=user)
    assert not Decision.objects.exists()


def test_department_officer_drafts_for_own_department_only(tree: dict[str, Any], dept_officer: Any) -> None:
    draft(tree["dept"], actor=dept_officer)
    with pytest.raises(PermissionDenied):
        draft(tree["province"], actor=dept_officer)
    with pytest.raises(PermissionDenied):
        draft(tree["other_dept"], actor=dept_officer)


def test_update_changes_fields_and_audits(tree: dict[str, Any], officer: Any) -> None:
    decision = draft(tree["dept"], actor=officer)
    decision_update(actor=officer, decision=decision, title="Về việc khen thưởng", number="7/QĐ-SNV")
    decision.refresh_from_db()
    assert (decision.title, decision.number) == ("Về việc khen thưởng", "7/QĐ-SNV")
    event = AuditEvent.objects.latest("id")
    assert event.action == "decision.update"
    assert event.changes["number"] == ["", "7/QĐ-SNV"]
    decision_update(actor=officer, decision=decision, decider="province_chairman")
    decision.refresh_from_db()
    assert decision.fund == Fund.PROVINCE
    with pytest.raises(ValidationFailed) as exc:
        decision_update(actor=officer, decision=decision, owner=tree["province"])
    assert exc.value.code == "unknown_field"


def test_update_refuses_a_decider_its_proposals_do_not_match(tree: dict[str, Any], officer: Any) -> None:
    decision, _proposals = filled(tree, officer)
    with pytest.raises(ValidationFailed) as exc:
        decision_update(actor=officer, decision=decision, decider="province_chairman")
    assert exc.value.code == "wrong_decider"
    decision.refresh_from_db()
    assert decision.decider == "department_head"


def test_delete_releases_the_proposals(tree: dict[str, Any], officer: Any) -> None:
    decision, proposals = filled(tree, officer)
    decision_delete(actor=officer, decision=decision)
    assert not Decision.objects.exists()
    assert not Proposal.objects.filter(decision__isnull=False).exists()
    event = AuditEvent.objects.latest("id")
    assert event.action == "decision.delete"
    assert sorted(event.changes["released_proposals"]) == sorted(p.pk for p in proposals)


# --- proposals of a draft --------------------------------------------------------------------------------------------


def test_add_and_remove_proposals(tree: dict[str, Any], officer: Any) -> None:
    decision, proposals = filled(tree, officer)
    assert set(decision.proposals.values_list("pk", flat=True)) == {p.pk for p in proposals}
    assert AuditEvent.objects.filter(action="decision.add_proposals").count() == 1
    decision_add_proposals(actor=officer, decision=decision, proposals=proposals[:1])  # already in: no-op
    assert AuditEvent.objects.filter(action="decision.add_proposals").count() == 1
    decision_remove_proposal(actor=officer, decision=decision, proposal=proposals[0])
    proposals[0].refresh_from_db()
    assert proposals[0].decision_id is None
    with pytest.raises(ValidationFailed) as exc:
        decision_remove_proposal(actor=officer, decision=decision, proposal=proposals[0])
    assert exc.value.code == "proposal_not_in_decision"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda tree, other: proposal(tree, status=ProposalStatus.AT_COUNCIL), "proposal_not_accepted"),
        (lambda tree, other: proposal(tree, decision=other), "proposal_in_decision"),
        (lambda tree, other: proposal(tree, award_code="co_tinh"), "wrong_decider"),
    ],
)
def test_add_refuses(tree: dict[str, Any], officer: Any, make: Any, code: str) -> None:
    decision = draft(tree["dept"], actor=officer)
    other = draft(tree["dept"], actor=officer)
    good = proposal(tree, "centre_b")
    bad = make(tree, other)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        decision_add_proposals(actor=officer, decision=decision, proposals=[good, bad])
    assert exc.value.code == code
    assert not decision.proposals.exists()
    assert AuditEvent.objects.count() == before


def test_add_refuses_a_proposal_the_officer_cannot_see(tree: dict[str, Any], dept_officer: Any) -> None:
    decision = draft(tree["dept"], actor=dept_officer)
    hidden = proposal(tree, "centre_c")  # under another department, in a block of the province
    with pytest.raises(PermissionDenied):
        decision_add_proposals(actor=dept_officer, decision=decision, proposals=[hidden])
    assert not decision.proposals.exists()


# --- issue -----------------------------------------------------------------------------------------------------------


def test_issue_creates_awards_with_the_prize_money(tree: dict[str, Any], officer: Any) -> None:
    decision, proposals = filled(tree, officer)
    before = AuditEvent.objects.count()
    decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ISSUED
    assert decision.issued_by == officer
    assert decision.issued_at is not None
    awards = {a.proposal_id: a for a in Award.objects.filter(decision=decision)}
    assert len(awards) == 3
    ttldtt, giay_khen_collective, giay_khen_person = (awards[p.pk] for p in proposals)
    assert ttldtt.amount == 1_880_000  # 0.8 × 2,340,000 = 1,872,000 → 1,880,000
    assert giay_khen_collective.amount == 1_410_000  # 0.3 × 2 × 2,340,000 = 1,404,000 → 1,410,000
    assert giay_khen_person.amount == 710_000  # 0.3 × 2,340,000 = 702,000 → 710,000
    assert ttldtt.recipient_name == tree["centre_a"].name
    assert ttldtt.unit == tree["centre_a"]
    assert giay_khen_person.person == tree["person_a"]
    assert giay_khen_person.unit_name == tree["centre_a"].name
    for award in awards.values():
        assert award.source == AwardSource.DECISION
        assert award.fund == Fund.DEPARTMENT
        assert award.decision_number == "15/QĐ-SNV"
        assert award.decision_date == DATE
        assert award.decision_signer == "Lê Văn Bình"
        assert award.issuing_body == "Sở Nội vụ tỉnh Quảng Trị"
        assert award.counts_as_history == award.award_type.counts_as_history
        assert award.search_key
    for item in proposals:
        item.refresh_from_db()
        assert item.status == ProposalStatus.DECIDED
    event = AuditEvent.objects.filter(action="decision.issue").get()
    assert event.changes["count"] == 3
    assert event.changes["total_amount"] == 1_880_000 + 1_410_000 + 710_000
    assert AuditEvent.objects.count() > before


def test_government_flag_worked_example(tree: dict[str, Any], officer: Any) -> None:
    decision = draft(tree["province"], actor=officer, decider="government", issuing_body="Chính phủ")
    flag = proposal(
        tree,
        "centre_c",
        award_code="co_chinh_phu",
        year=2024,
        submitted_on=dt.date(2025, 1, 10),
        council_meeting_on=dt.date(2025, 2, 1),
    )
    decision_add_proposals(actor=officer, decision=decision, proposals=[flag])
    decision_issue(actor=officer, decision=decision, number="88/QĐ-TTg", signed_on=dt.date(2025, 3, 3))
    award = Award.objects.get(proposal=flag)
    assert award.amount == 28_080_000  # 12 × 2,340,000
    assert award.fund == Fund.CENTRAL


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"number": "", "signed_on": DATE}, "number_required"),
        ({"number": "1/QĐ-SNV"}, "date_required"),
        ({"number": "1/QĐ-SNV", "signed_on": dt.date(2999, 1, 1)}, "invalid_date"),
        ({"number": "1/QĐ-SNV", "signed_on": DATE, "signer_name": ""}, "signer_required"),
    ],
)
def test_issue_requires_number_date_signer(
    tree: dict[str, Any], officer: Any, kwargs: dict[str, Any], code: str
) -> None:
    decision, _proposals = filled(tree, officer)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        decision_issue(actor=officer, decision=decision, **kwargs)
    assert exc.value.code == code
    assert counts() == before
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT


def test_issue_refuses_an_empty_decision(tree: dict[str, Any], officer: Any) -> None:
    decision = draft(tree["dept"], actor=officer)
    with pytest.raises(ValidationFailed) as exc:
        decision_issue(actor=officer, decision=decision, number="1/QĐ-SNV", signed_on=DATE)
    assert exc.value.code == "decision_empty"


def test_issue_refuses_a_duplicate_number(tree: dict[str, Any], officer: Any) -> None:
    first, _ = filled(tree, officer)
    decision_issue(actor=officer, decision=first, number="1/QĐ-SNV", signed_on=DATE)
    second = draft(tree["dept"], actor=officer)
    decision_add_proposals(actor=officer, decision=second, proposals=[proposal(tree, "board")])
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        decision_issue(actor=officer, decision=second, number="1/QĐ-SNV", signed_on=DATE)
    assert exc.value.code == "duplicate_number"
    assert counts() == before


def _hold(tree: dict[str, Any], proposals: list[Proposal]) -> None:
    DisciplinaryHold.objects.create(unit=tree["centre_b"], started_on=dt.date(2026, 2, 20), reason="Thanh tra")


def _duplicate(tree: dict[str, Any], proposals: list[Proposal]) -> None:
    award_record(
        actor=system_actor(),
        award_type="giay_khen",
        year=2025,
        unit=tree["centre_b"],
        decision_number="3/QĐ-SNV",
        decision_date=dt.date(2026, 1, 20),
    )


def _late(tree: dict[str, Any], proposals: list[Proposal]) -> None:
    Proposal.objects.filter(pk=proposals[1].pk).update(council_meeting_on=dt.date(2026, 3, 5))


def _salary_gap(tree: dict[str, Any], proposals: list[Proposal]) -> None:
    BaseSalary.objects.filter(valid_to__isnull=True).update(valid_from=dt.date(2026, 6, 1))


def _withdrawn(tree: dict[str, Any], proposals: list[Proposal]) -> None:
    Proposal.objects.filter(pk=proposals[1].pk).update(status=ProposalStatus.WITHDRAWN)


@pytest.mark.parametrize(
    ("spoil", "code", "status"),
    [
        (_late, "decision_before_proposal", 400),
        (_hold, "disciplinary_hold", 400),
        (_duplicate, "duplicate_award", 409),
        (_salary_gap, "no_base_salary", 400),
        (_withdrawn, "proposal_not_accepted", 400),
    ],
)
def test_issue_is_all_or_nothing(tree: dict[str, Any], officer: Any, spoil: Any, code: str, status: int) -> None:
    decision, proposals = filled(tree, officer)
    spoil(tree, proposals)
    before = counts()
    with pytest.raises(DecisionRefused) as exc:
        decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    assert exc.value.code == code
    assert exc.value.status == status
    assert any(error["code"] == code for error in exc.value.as_dict()["details"])
    assert counts() == before
    decision.refresh_from_db()
    assert (decision.status, decision.number, decision.signed_on) == (DecisionStatus.DRAFT, "", None)


def test_hold_ended_before_the_decision_does_not_refuse(tree: dict[str, Any], officer: Any) -> None:
    decision, _proposals = filled(tree, officer)
    DisciplinaryHold.objects.create(
        unit=tree["centre_b"], started_on=dt.date(2025, 5, 1), ended_on=dt.date(2025, 12, 31), reason="Kiểm tra"
    )
    decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    assert Award.objects.filter(decision=decision).count() == 3


def test_hold_on_a_person_refuses(tree: dict[str, Any], officer: Any) -> None:
    decision, _proposals = filled(tree, officer)
    DisciplinaryHold.objects.create(person=tree["person_a"], started_on=dt.date(2026, 1, 1), reason="Xem xét kỷ luật")
    with pytest.raises(DecisionRefused) as exc:
        decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    assert exc.value.code == "disciplinary_hold"
    assert [error["recipient"] for error in exc.value.errors] == [tree["person_a"].full_name]


def test_every_problem_is_listed(tree: dict[str, Any], officer: Any) -> None:
    decision, proposals = filled(tree, officer)
    _hold(tree, proposals)
    before = counts()
    with pytest.raises(DecisionRefused) as exc:
        decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=dt.date(2026, 1, 5))
    codes = sorted(str(error["code"]) for error in exc.value.errors)
    assert codes == ["decision_before_proposal"] * 3
    assert counts() == before


def test_issued_decision_is_immutable(tree: dict[str, Any], officer: Any) -> None:
    decision, proposals = filled(tree, officer)
    decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    spare = proposal(tree, "board")
    before = (AuditEvent.objects.count(), Award.objects.count())
    for attempt in (
        lambda: decision_update(actor=officer, decision=decision, title="Khác"),
        lambda: decision_add_proposals(actor=officer, decision=decision, proposals=[spare]),
        lambda: decision_remove_proposal(actor=officer, decision=decision, proposal=proposals[0]),
        lambda: decision_delete(actor=officer, decision=decision),
        lambda: decision_issue(actor=officer, decision=decision, number="16/QĐ-SNV", signed_on=DATE),
    ):
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == "decision_issued"
    assert (AuditEvent.objects.count(), Award.objects.count()) == before
    decision.refresh_from_db()
    assert decision.title != "Khác"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.UNIT_HEAD, Role.BLOCK_HEAD, Role.DEPARTMENT_OFFICER])
def test_issue_permissions(tree: dict[str, Any], officer: Any, make_user: Any, role: str) -> None:
    decision = draft(tree["province"], actor=officer, decider="province_chairman")
    decision_add_proposals(
        actor=officer, decision=decision, proposals=[proposal(tree, "centre_c", award_code="co_tinh")]
    )
    scopes: dict[str, dict[str, Any]] = {
        Role.VIEWER: {},
        Role.UNIT_HEAD: {"unit": tree["centre_c"]},
        Role.BLOCK_HEAD: {"block_year": tree["block_year"]},
        Role.DEPARTMENT_OFFICER: {"unit": tree["other_dept"]},
    }
    user = make_user(role, **scopes[role])
    before = counts()
    with pytest.raises(PermissionDenied):
        decision_issue(actor=user, decision=decision, number="1/QĐ-UBND", signed_on=DATE)
    with pytest.raises(PermissionDenied):
        decision_update(actor=user, decision=decision, title="X")
    assert counts() == before


def test_admin_may_issue(tree: dict[str, Any], officer: Any, admin_user: Any) -> None:
    decision, _ = filled(tree, officer)
    decision_issue(actor=admin_user, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    assert Award.objects.filter(decision=decision).count() == 3


# --- revocation ------------------------------------------------------------------------------------------------------


def test_revoking_a_decision_award_recovers_the_prize_by_default(tree: dict[str, Any], officer: Any) -> None:
    decision, proposals = filled(tree, officer)
    decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    award = Award.objects.get(proposal=proposals[0])
    award_revoke(actor=officer, award=award, revoked_on=DATE, reason="Khai man thành tích", decision_number="9/QĐ")
    award.refresh_from_db()
    assert award.revoked
    assert award.recovery_amount == 1_880_000
    other = Award.objects.get(proposal=proposals[1])
    award_revoke(actor=officer, award=other, revoked_on=DATE, reason="Sai quy trình", recovery_amount=0)
    other.refresh_from_db()
    assert other.recovery_amount == 0
    third = Award.objects.get(proposal=proposals[2])
    with pytest.raises(ValidationFailed) as exc:
        award_revoke(actor=officer, award=third, revoked_on=DATE, reason="x", recovery_amount=10_000_000)
    assert exc.value.code == "recovery_exceeds_amount"
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ISSUED


def test_revoking_a_manual_award_recovers_nothing_by_default(tree: dict[str, Any], officer: Any) -> None:
    award = award_record(
        actor=officer,
        award_type="ttldtt",
        year=2024,
        unit=tree["centre_a"],
        decision_number="3/QĐ-SNV",
        decision_date=dt.date(2025, 1, 20),
        amount=1_880_000,
    )
    award_revoke(actor=officer, award=award, revoked_on=DATE, reason="Khai man")
    award.refresh_from_db()
    assert award.recovery_amount is None


def test_withdrawing_an_accepted_proposal_leaves_its_draft_decision(tree: dict[str, Any], officer: Any) -> None:
    from thidua.awards.services.proposals import proposal_withdraw

    decision, proposals = filled(tree, officer)
    proposal_withdraw(actor=officer, proposal=proposals[1], reason="Đơn vị rút đề nghị.")
    withdrawn = Proposal.objects.get(pk=proposals[1].pk)
    assert (withdrawn.status, withdrawn.decision_id) == (ProposalStatus.WITHDRAWN, None)
    decision_issue(actor=officer, decision=decision, number="15/QĐ-SNV", signed_on=DATE)
    assert Award.objects.filter(decision=decision).count() == 2
