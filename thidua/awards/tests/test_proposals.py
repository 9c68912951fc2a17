"""Proposals through the services: the happy path from draft to accepted with its steps and audit events, each
refusal per role, returns and resubmission, withdrawal, eligibility overrides, holds, duplicates, the block's batch,
the council's vote and deadlines in working days. A refusal writes nothing (no row, no audit event)."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards import selectors_proposals as sp
from thidua.awards.models import (
    BatchStatus,
    DisciplinaryHold,
    EligibilityOutcome,
    Proposal,
    ProposalBatch,
    ProposalStatus,
    ProposalStep,
)
from thidua.awards.services import proposals as services
from thidua.awards.services.registry import award_record
from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from thidua.core.models import CalendarDay
from thidua.organizations import services as org_services
from thidua.tests_support.conference import write_ranking
from thidua.tests_support.factories import grant, make_proposal, new_user, system_actor

pytestmark = pytest.mark.django_db

S = ProposalStatus
YEAR = 2025


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree with one user per role around centre A's proposals."""
    users: dict[str, Any] = {}

    def user(name: str, role: str, **scope: Any) -> Any:
        users[name] = new_user(username=name)
        grant(users[name], role, **scope)
        return users[name]

    user("clerk", Role.UNIT_CLERK, unit=tree["centre_a"])
    user("head", Role.UNIT_HEAD, unit=tree["centre_a"])
    user("clerk_b", Role.UNIT_CLERK, unit=tree["centre_b"])
    user("block_head", Role.BLOCK_HEAD, block_year=tree["block_year"])
    other_year = org_services.block_year_create(actor=system_actor(), block=tree["other_block"], year=YEAR)
    user("other_block_head", Role.BLOCK_HEAD, block_year=other_year)
    user("prov_officer", Role.PROVINCIAL_OFFICER, unit=tree["province"])
    user("dept_officer", Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    user("other_dept_officer", Role.DEPARTMENT_OFFICER, unit=tree["other_dept"])
    return {**tree, **users, "other_year": other_year}


def upload(name: str = "to-trinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def counts() -> tuple[int, int, int, int]:
    return (
        Proposal.objects.count(),
        ProposalStep.objects.count(),
        AuditEvent.objects.count(),
        ProposalBatch.objects.count(),
    )


def refused(exc_type: type[DomainError], code: str, fn: Any, **kwargs: Any) -> DomainError:
    """Call a service that must refuse with `code` and write nothing."""
    before = counts()
    with pytest.raises(exc_type) as info:
        fn(**kwargs)
    assert info.value.code == code, info.value.as_dict()
    assert counts() == before
    return info.value


def batch_of(proposal: Proposal) -> ProposalBatch:
    assert proposal.batch is not None
    return proposal.batch


def to_block_approved(w: dict[str, Any], proposal: Proposal) -> Proposal:
    proposal = services.proposal_submit(actor=w["clerk"], proposal=proposal)
    proposal = services.proposal_approve(actor=w["head"], proposal=proposal)
    return services.proposal_approve(actor=w["block_head"], proposal=proposal)


def to_council(w: dict[str, Any], proposal: Proposal, letter: str = "12/TTr-K1") -> Proposal:
    proposal = to_block_approved(w, proposal)
    assert proposal.batch is not None
    services.proposal_batch_submit(actor=w["block_head"], batch=batch_of(proposal), letter_number=letter)
    proposal.refresh_from_db()
    return services.proposal_approve(actor=w["prov_officer"], proposal=proposal)


# ---------------------------------------------------------------- create


def test_create_a_collective_proposal(world: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    proposal = services.proposal_create(
        actor=world["clerk"], award_type="ttldtt", unit=world["centre_a"], year=YEAR, achievement_summary="  Tốt "
    )
    assert proposal.status == S.DRAFT
    assert proposal.recipient_kind == "collective"
    assert proposal.recipient_name == world["centre_a"].name
    assert proposal.block_year == world["block_year"]
    assert proposal.achievement_summary == "Tốt"
    assert world["centre_a"].name in proposal.achievement_report
    assert proposal.eligibility in EligibilityOutcome.values
    stored = proposal.eligibility_report or {}
    assert stored["verdict"] in {"eligible", "ineligible", "unknown"}
    assert stored["explain"]
    assert proposal.due_on is None
    step = proposal.steps.get()
    assert (step.action, step.from_status, step.to_status, step.actor) == ("create", "", S.DRAFT, world["clerk"])
    event = AuditEvent.objects.get(action="proposal.create")
    assert event.object_id == str(proposal.pk)
    assert AuditEvent.objects.count() == before + 1


def test_create_prefills_the_report_from_the_ranking_and_the_registry(world: dict[str, Any]) -> None:
    write_ranking(world)
    award_record(
        actor=system_actor(),
        award_type="ttldtt",
        unit=world["centre_a"],
        year=2024,
        decision_number="5/QĐ-UBND",
        decision_date=dt.date(2025, 2, 1),
    )
    proposal = services.proposal_create(actor=world["clerk"], award_type="ttldxs", unit=world["centre_a"], year=YEAR)
    report = proposal.achievement_report
    assert "95,50" in report
    assert "1" in report
    assert "2024" in report
    assert "5/QĐ-UBND" in report


def test_create_an_individual_proposal(world: dict[str, Any]) -> None:
    proposal = services.proposal_create(
        actor=world["clerk"], award_type="cstd_co_so", unit=world["centre_a"], person=world["person_a"], year=YEAR
    )
    assert proposal.recipient_kind == "individual"
    assert proposal.recipient_name == world["person_a"].full_name


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"award_type": "ldtt"}, "recipient_not_allowed"),  # an individual title for a collective
        ({"award_type": "ttldtt", "person": "person_a"}, "recipient_not_allowed"),
        ({"award_type": "cstd_co_so", "person": "person_c"}, "person_not_in_unit"),
        ({"award_type": "ttldtt", "year": 2999}, "invalid_year"),
        ({"award_type": "ttldtt", "year": 2024}, "no_block_year"),
        ({"award_type": "ttldtt", "block_year": "other_year"}, "not_a_member"),
        ({"award_type": "nope"}, "unknown_award_type"),
    ],
)
def test_create_refuses_bad_input(world: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    args: dict[str, Any] = {"actor": world["clerk"], "unit": world["centre_a"], "year": YEAR}
    for key, value in kwargs.items():
        args[key] = world[value] if key in ("person", "block_year") else value
    refused(ValidationFailed, code, services.proposal_create, **args)


def test_create_asks_for_the_block_when_the_unit_is_in_several(world: dict[str, Any]) -> None:
    actor = system_actor()
    cluster = org_services.block_create(
        actor=actor, code="C1", name="Cụm thi đua", owner=world["province"], kind="cluster"
    )
    cluster_year = org_services.block_year_create(actor=actor, block=cluster, year=YEAR)
    org_services.block_member_add(actor=actor, block_year=cluster_year, unit=world["centre_a"])
    args = {"actor": world["clerk"], "award_type": "ttldtt", "unit": world["centre_a"], "year": YEAR}
    refused(ValidationFailed, "block_year_required", services.proposal_create, **args)
    proposal = services.proposal_create(**args, block_year=cluster_year)
    assert proposal.block_year == cluster_year


@pytest.mark.parametrize("user", ["clerk_b", "other_dept_officer", "block_head", "other_block_head"])
def test_create_refused_to_people_without_the_unit(world: dict[str, Any], user: str) -> None:
    args = {"actor": world[user], "award_type": "ttldtt", "unit": world["centre_a"], "year": YEAR}
    refused(PermissionDenied, "permission_denied", services.proposal_create, **args)


@pytest.mark.parametrize("user", ["clerk", "head", "dept_officer", "prov_officer"])
def test_create_allowed_to_the_unit_and_officers_over_it(world: dict[str, Any], user: str) -> None:
    proposal = services.proposal_create(actor=world[user], award_type="ttldtt", unit=world["centre_a"], year=YEAR)
    assert proposal.pk


def test_one_achievement_one_proposal_one_award(world: dict[str, Any]) -> None:
    args = {"actor": world["clerk"], "award_type": "ttldtt", "unit": world["centre_a"], "year": YEAR}
    first = services.proposal_create(**args)
    refused(Conflict, "duplicate_proposal", services.proposal_create, **args)
    services.proposal_withdraw(actor=world["clerk"], proposal=first)
    second = services.proposal_create(**args)  # a withdrawn proposal is not live
    services.proposal_withdraw(actor=world["clerk"], proposal=second)
    award_record(
        actor=system_actor(),
        award_type="ttldtt",
        unit=world["centre_a"],
        year=YEAR,
        decision_number="9/QĐ-SNV",
        decision_date=dt.date(2026, 1, 10),
    )
    refused(Conflict, "duplicate_award", services.proposal_create, **args)


# ---------------------------------------------------------------- the happy path


def test_from_draft_to_accepted_with_steps_and_audit(world: dict[str, Any]) -> None:
    proposal = make_proposal(unit=world["centre_a"], award_type="ttldtt")
    proposal = services.proposal_submit(actor=world["clerk"], proposal=proposal)
    assert proposal.status == S.SUBMITTED
    assert proposal.submitted_on == timezone.localdate()
    assert proposal.due_on is not None
    assert proposal.due_on > timezone.localdate()
    proposal = services.proposal_approve(actor=world["head"], proposal=proposal)
    assert proposal.status == S.UNIT_APPROVED
    proposal = services.proposal_approve(actor=world["block_head"], proposal=proposal)
    assert proposal.status == S.BLOCK_APPROVED
    assert proposal.due_on is None
    batch = proposal.batch
    assert batch is not None
    assert batch.round == 1
    assert batch.status == BatchStatus.OPEN
    assert sp.open_batch(world["block_year"]) == batch
    batch = services.proposal_batch_submit(actor=world["block_head"], batch=batch, letter_number="12/TTr-K1")
    assert batch.status == BatchStatus.SUBMITTED
    assert batch.submitted_on == timezone.localdate()
    assert batch.letter_number == "12/TTr-K1"
    proposal.refresh_from_db()
    assert proposal.status == S.AT_DEPARTMENT
    proposal = services.proposal_approve(actor=world["prov_officer"], proposal=proposal)
    assert proposal.status == S.AT_COUNCIL
    proposal = services.proposal_record_council(
        actor=world["prov_officer"],
        proposal=proposal,
        meeting_on=timezone.localdate(),
        members_present=7,
        votes_for=4,
        votes_against=3,
    )
    assert proposal.status == S.ACCEPTED
    assert (proposal.council_members, proposal.council_votes_for, proposal.council_votes_against) == (7, 4, 3)
    assert proposal.due_on is not None
    steps = list(sp.history_of(proposal).values_list("action", "from_status", "to_status"))
    assert steps == [
        ("create", "", S.DRAFT),
        ("submit", S.DRAFT, S.SUBMITTED),
        ("approve", S.SUBMITTED, S.UNIT_APPROVED),
        ("approve", S.UNIT_APPROVED, S.BLOCK_APPROVED),
        ("submit_batch", S.BLOCK_APPROVED, S.AT_DEPARTMENT),
        ("approve", S.AT_DEPARTMENT, S.AT_COUNCIL),
        ("council", S.AT_COUNCIL, S.ACCEPTED),
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="awards.proposal", object_id=str(proposal.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "proposal.create",
        "proposal.submit",
        "proposal.approve",
        "proposal.approve",
        "proposal.submit_batch",
        "proposal.approve",
        "proposal.council",
    ]
    assert AuditEvent.objects.filter(action="proposal_batch.submit", object_id=str(batch.pk)).exists()
    assert AuditEvent.objects.filter(action="proposal_batch.open").count() == 1


def test_the_council_rejects_without_a_majority(world: dict[str, Any]) -> None:
    proposal = to_council(world, make_proposal(unit=world["centre_a"]))
    proposal = services.proposal_record_council(
        actor=world["prov_officer"],
        proposal=proposal,
        meeting_on=timezone.localdate(),
        members_present=6,
        votes_for=3,
        votes_against=3,
    )
    assert proposal.status == S.REJECTED
    assert proposal.due_on is None
    assert "3" in proposal.steps.latest("id").reason


@pytest.mark.parametrize(
    ("present", "votes_for", "against", "meeting", "code"),
    [
        (7, -1, 0, 0, "invalid_vote"),
        (0, 0, 0, 0, "invalid_vote"),
        (5, 4, 2, 0, "invalid_vote"),
        (7, 4, 3, 1, "invalid_date"),  # tomorrow
        (7, 4, 3, -400, "invalid_date"),  # before the proposal was submitted
    ],
)
def test_the_council_vote_is_checked(
    world: dict[str, Any], present: int, votes_for: int, against: int, meeting: int, code: str
) -> None:
    proposal = to_council(world, make_proposal(unit=world["centre_a"]))
    refused(
        ValidationFailed,
        code,
        services.proposal_record_council,
        actor=world["prov_officer"],
        proposal=proposal,
        meeting_on=timezone.localdate() + dt.timedelta(days=meeting),
        members_present=present,
        votes_for=votes_for,
        votes_against=against,
    )


# ---------------------------------------------------------------- refusals per role


def test_a_clerk_cannot_approve(world: dict[str, Any]) -> None:
    proposal = services.proposal_submit(actor=world["clerk"], proposal=make_proposal(unit=world["centre_a"]))
    refused(PermissionDenied, "permission_denied", services.proposal_approve, actor=world["clerk"], proposal=proposal)


def test_the_unit_head_cannot_do_the_block_step(world: dict[str, Any]) -> None:
    proposal = services.proposal_submit(actor=world["clerk"], proposal=make_proposal(unit=world["centre_a"]))
    proposal = services.proposal_approve(actor=world["head"], proposal=proposal)
    refused(PermissionDenied, "permission_denied", services.proposal_approve, actor=world["head"], proposal=proposal)
    refused(
        PermissionDenied,
        "permission_denied",
        services.proposal_approve,
        actor=world["other_block_head"],
        proposal=proposal,
    )


def test_the_block_head_of_another_block_year_cannot_submit_the_batch(world: dict[str, Any]) -> None:
    proposal = to_block_approved(world, make_proposal(unit=world["centre_a"]))
    refused(
        PermissionDenied,
        "permission_denied",
        services.proposal_batch_submit,
        actor=world["other_block_head"],
        batch=batch_of(proposal),
        letter_number="1",
    )


def test_department_officers_not_over_the_block_cannot_review(world: dict[str, Any]) -> None:
    proposal = to_block_approved(world, make_proposal(unit=world["centre_a"]))
    services.proposal_batch_submit(actor=world["block_head"], batch=batch_of(proposal), letter_number="1")
    proposal.refresh_from_db()
    for user in (
        "other_dept_officer",
        "dept_officer",
        "block_head",
    ):  # the block is the province's: SNV's officer is not over it
        refused(PermissionDenied, "permission_denied", services.proposal_approve, actor=world[user], proposal=proposal)


def test_a_department_officer_reviews_the_blocks_of_the_department(world: dict[str, Any]) -> None:
    actor = system_actor()
    block = org_services.block_create(actor=actor, code="K9", name="Khối các trung tâm của Sở", owner=world["dept"])
    block_year = org_services.block_year_create(actor=actor, block=block, year=YEAR + 1)
    org_services.block_member_add(actor=actor, block_year=block_year, unit=world["centre_b"])
    head_b = new_user(username="head_b")
    grant(head_b, Role.UNIT_HEAD, unit=world["centre_b"])
    proposal = make_proposal(unit=world["centre_b"], year=YEAR + 1, achievement_report="Báo cáo")
    proposal = services.proposal_submit(actor=world["clerk_b"], proposal=proposal)
    proposal = services.proposal_approve(actor=head_b, proposal=proposal)
    proposal = services.proposal_approve(
        actor=world["dept_officer"], proposal=proposal
    )  # officer over the block's owner
    services.proposal_batch_submit(actor=world["dept_officer"], batch=batch_of(proposal), letter_number="3/TTr")
    proposal.refresh_from_db()
    refused(
        PermissionDenied,
        "permission_denied",
        services.proposal_approve,
        actor=world["other_dept_officer"],
        proposal=proposal,
    )
    proposal = services.proposal_approve(actor=world["dept_officer"], proposal=proposal)
    assert proposal.status == S.AT_COUNCIL


def test_only_provincial_officers_record_the_council(world: dict[str, Any]) -> None:
    proposal = to_council(world, make_proposal(unit=world["centre_a"]))
    for user in ("dept_officer", "block_head", "head"):
        refused(
            PermissionDenied,
            "permission_denied",
            services.proposal_record_council,
            actor=world[user],
            proposal=proposal,
            meeting_on=timezone.localdate(),
            members_present=5,
            votes_for=5,
            votes_against=0,
        )


def test_a_move_not_in_the_table_is_refused(world: dict[str, Any]) -> None:
    proposal = make_proposal(unit=world["centre_a"])
    refused(Conflict, "invalid_transition", services.proposal_approve, actor=world["head"], proposal=proposal)
    refused(PermissionDenied, "permission_denied", services.proposal_approve, actor=world["clerk_b"], proposal=proposal)
    refused(
        Conflict, "invalid_transition", services.proposal_return, actor=world["head"], proposal=proposal, reason="x"
    )


def test_a_stale_status_is_refused(world: dict[str, Any]) -> None:
    proposal = make_proposal(unit=world["centre_a"])
    stale = Proposal.objects.get(pk=proposal.pk)
    services.proposal_submit(actor=world["clerk"], proposal=proposal)
    refused(Conflict, "status_changed", services.proposal_submit, actor=world["clerk"], proposal=stale)


# ---------------------------------------------------------------- returns, withdrawals, edits


def test_return_and_submit_again(world: dict[str, Any]) -> None:
    proposal = to_block_approved(world, make_proposal(unit=world["centre_a"]))
    batch = proposal.batch
    refused(
        ValidationFailed,
        "reason_required",
        services.proposal_return,
        actor=world["block_head"],
        proposal=proposal,
        reason="  ",
    )
    proposal = services.proposal_return(actor=world["block_head"], proposal=proposal, reason="Thiếu số liệu")
    assert proposal.status == S.RETURNED
    assert proposal.batch is None
    assert proposal.steps.latest("id").reason == "Thiếu số liệu"
    assert "edit" in sp.actions_for(world["clerk"], proposal)
    proposal = services.proposal_update(actor=world["clerk"], proposal=proposal, achievement_summary="Đã bổ sung")
    proposal = services.proposal_submit(actor=world["clerk"], proposal=proposal)
    proposal = services.proposal_approve(actor=world["head"], proposal=proposal)
    proposal = services.proposal_approve(actor=world["block_head"], proposal=proposal)
    assert proposal.batch == batch  # the same open round


def test_a_return_after_the_batch_keeps_the_round_and_opens_a_new_one(world: dict[str, Any]) -> None:
    proposal = to_council(world, make_proposal(unit=world["centre_a"]))
    first = proposal.batch
    proposal = services.proposal_return(actor=world["prov_officer"], proposal=proposal, reason="Bổ sung biên bản")
    assert proposal.batch == first
    proposal = to_block_approved(world, proposal)
    assert proposal.batch is not None
    assert proposal.batch.round == 2


def test_only_drafts_and_returned_proposals_are_edited(world: dict[str, Any]) -> None:
    proposal = services.proposal_submit(actor=world["clerk"], proposal=make_proposal(unit=world["centre_a"]))
    refused(
        Conflict,
        "not_editable",
        services.proposal_update,
        actor=world["clerk"],
        proposal=proposal,
        achievement_summary="x",
    )
    refused(
        PermissionDenied,
        "permission_denied",
        services.proposal_update,
        actor=world["clerk_b"],
        proposal=proposal,
        achievement_summary="x",
    )


def test_withdraw(world: dict[str, Any]) -> None:
    proposal = to_block_approved(world, make_proposal(unit=world["centre_a"]))
    refused(
        PermissionDenied, "permission_denied", services.proposal_withdraw, actor=world["block_head"], proposal=proposal
    )
    proposal = services.proposal_withdraw(actor=world["clerk"], proposal=proposal, reason="Đổi hình thức")
    assert proposal.status == S.WITHDRAWN
    assert proposal.batch is None
    assert AuditEvent.objects.filter(action="proposal.withdraw").exists()
    refused(Conflict, "invalid_transition", services.proposal_withdraw, actor=world["clerk"], proposal=proposal)
    assert sp.actions_for(world["clerk"], proposal) == []


# ---------------------------------------------------------------- eligibility override


def test_an_ineligible_proposal_needs_an_override(world: dict[str, Any]) -> None:
    # Provincial emulation fighter with no grassroots fighter history: FAIL
    proposal = make_proposal(
        unit=world["centre_a"], award_type="cstd_tinh", person=world["person_a"], achievement_report="Báo cáo"
    )
    assert proposal.eligibility == EligibilityOutcome.FAIL
    error = refused(ValidationFailed, "not_eligible", services.proposal_submit, actor=world["clerk"], proposal=proposal)
    assert error.field == "override_reason"
    proposal = services.proposal_submit(
        actor=world["clerk"], proposal=proposal, override_reason="Thành tích đột xuất được Sở ghi nhận"
    )
    step = proposal.steps.latest("id")
    assert step.override
    assert step.reason == "Thành tích đột xuất được Sở ghi nhận"
    assert step.eligibility == EligibilityOutcome.FAIL
    assert proposal.override_reason == "Thành tích đột xuất được Sở ghi nhận"
    refused(ValidationFailed, "not_eligible", services.proposal_approve, actor=world["head"], proposal=proposal)
    proposal = services.proposal_approve(actor=world["head"], proposal=proposal, override_reason="Đồng ý")
    proposal = services.proposal_approve(actor=world["block_head"], proposal=proposal, override_reason="Khối đồng ý")
    # the batch goes with the override the block recorded
    services.proposal_batch_submit(actor=world["block_head"], batch=batch_of(proposal), letter_number="1")
    proposal.refresh_from_db()
    assert proposal.status == S.AT_DEPARTMENT
    assert proposal.steps.latest("id").override


# ---------------------------------------------------------------- holds


def test_a_hold_blocks_creation_and_every_forward_move(world: dict[str, Any]) -> None:
    proposal = make_proposal(unit=world["centre_a"], achievement_report="Báo cáo")
    proposal = services.proposal_submit(actor=world["clerk"], proposal=proposal)
    hold = DisciplinaryHold.objects.create(
        unit=world["centre_a"], started_on=timezone.localdate(), reason="Đang thanh tra"
    )
    refused(Conflict, "disciplinary_hold", services.proposal_approve, actor=world["head"], proposal=proposal)
    refused(
        Conflict,
        "disciplinary_hold",
        services.proposal_approve,
        actor=world["head"],
        proposal=proposal,
        override_reason="Không được vượt",
    )
    refused(
        Conflict,
        "disciplinary_hold",
        services.proposal_create,
        actor=world["clerk"],
        award_type="ttldxs",
        unit=world["centre_a"],
        year=YEAR,
    )
    report = services.proposal_refresh_eligibility(actor=world["clerk"], proposal=proposal).eligibility_report or {}
    assert report["verdict"] == "ineligible"
    # a return is not a forward move
    proposal = services.proposal_return(actor=world["head"], proposal=proposal, reason="Chờ kết luận thanh tra")
    hold.ended_on = timezone.localdate() - dt.timedelta(days=1)
    hold.started_on = hold.ended_on
    hold.save()
    services.proposal_submit(actor=world["clerk"], proposal=proposal)


def test_a_hold_on_a_person_blocks_their_proposal(world: dict[str, Any]) -> None:
    DisciplinaryHold.objects.create(person=world["person_a"], started_on=dt.date(2025, 6, 1), reason="Xem xét kỷ luật")
    refused(
        Conflict,
        "disciplinary_hold",
        services.proposal_create,
        actor=world["clerk"],
        award_type="cstd_co_so",
        unit=world["centre_a"],
        person=world["person_a"],
        year=YEAR,
    )
    services.proposal_create(actor=world["clerk"], award_type="ttldtt", unit=world["centre_a"], year=YEAR)


# ---------------------------------------------------------------- the dossier and the batch


def test_submit_needs_the_achievement_report(world: dict[str, Any]) -> None:
    proposal = make_proposal(unit=world["centre_a"], achievement_report="")
    error = refused(
        ValidationFailed, "dossier_incomplete", services.proposal_submit, actor=world["clerk"], proposal=proposal
    )
    assert error.as_dict()["details"][0]["missing"] == ["form_02"]
    services.proposal_attach(actor=world["clerk"], proposal=proposal, kind="form_02", upload=upload("bao-cao.pdf"))
    assert services.proposal_submit(actor=world["clerk"], proposal=proposal).status == S.SUBMITTED


def test_attach_and_detach_papers(world: dict[str, Any]) -> None:
    proposal = make_proposal(unit=world["centre_a"], award_type="co_tinh")
    refused(
        ValidationFailed,
        "invalid_kind",
        services.proposal_attach,
        actor=world["clerk"],
        proposal=proposal,
        kind="photo",
        upload=upload(),
    )
    attachment = services.proposal_attach(
        actor=world["clerk"], proposal=proposal, kind="block_minutes", upload=upload("bien-ban.pdf")
    )
    assert sp.attachment_kind(attachment) == "block_minutes"
    assert sp.attachment_label(attachment) == "bien-ban.pdf"
    assert AuditEvent.objects.filter(action="proposal.attach").exists()
    lines = {line.kind: line for line in sp.dossier_of(proposal)}
    assert list(lines) == ["form_01", "form_02", "block_minutes", "tally", "other"]
    assert lines["block_minutes"].satisfied
    assert lines["block_minutes"].source == "attachment"
    assert lines["form_02"].source == "text"
    assert not lines["tally"].satisfied
    assert not lines["form_01"].satisfied
    assert not lines["other"].required
    # the block head may add the block's papers, not the unit's
    services.proposal_attach(actor=world["block_head"], proposal=proposal, kind="tally", upload=upload("tally.xlsx"))
    refused(
        PermissionDenied,
        "permission_denied",
        services.proposal_attach,
        actor=world["block_head"],
        proposal=proposal,
        kind="form_02",
        upload=upload(),
    )
    refused(
        PermissionDenied,
        "permission_denied",
        services.proposal_detach,
        actor=world["block_head"],
        proposal=proposal,
        attachment=services.proposal_attach(
            actor=world["clerk"], proposal=proposal, kind="other", upload=upload("anh.jpg")
        ),
    )
    services.proposal_detach(actor=world["clerk"], proposal=proposal, attachment=attachment)
    assert not {line.kind: line for line in sp.dossier_of(proposal)}["block_minutes"].satisfied
    assert AuditEvent.objects.filter(action="proposal.detach").exists()


def test_the_batch_submission(world: dict[str, Any]) -> None:
    flag = to_block_approved(world, make_proposal(unit=world["centre_a"], award_type="co_tinh"))
    other = make_proposal(unit=world["centre_b"], achievement_report="Báo cáo")
    head_b = new_user(username="head_b")
    grant(head_b, Role.UNIT_HEAD, unit=world["centre_b"])
    other = services.proposal_submit(actor=world["clerk_b"], proposal=other)
    other = services.proposal_approve(actor=head_b, proposal=other)
    other = services.proposal_approve(actor=world["block_head"], proposal=other)
    batch = batch_of(flag)
    assert other.batch == batch
    # the flag needs the block's minutes and tally; every proposal needs the batch's letter
    error = refused(
        ValidationFailed, "dossier_incomplete", services.proposal_batch_submit, actor=world["block_head"], batch=batch
    )
    details = {row["proposal"]: row["missing"] for row in error.as_dict()["details"]}
    assert details == {flag.pk: ["form_01", "block_minutes", "tally"], other.pk: ["form_01"]}
    write_ranking(world)  # the tally from the data
    services.proposal_attach(
        actor=world["block_head"], proposal=flag, kind="block_minutes", upload=upload("bien-ban.pdf")
    )
    services.proposal_attach(actor=world["block_head"], proposal=other, kind="form_01", upload=upload("tt.pdf"))
    tally = {line.kind: line for line in sp.dossier_of(flag)}["tally"]
    assert tally.satisfied
    assert tally.source == "data"
    batch = services.proposal_batch_submit(actor=world["block_head"], batch=batch)
    assert batch.status == BatchStatus.SUBMITTED
    assert set(Proposal.objects.filter(batch=batch).values_list("status", flat=True)) == {S.AT_DEPARTMENT}
    refused(Conflict, "batch_submitted", services.proposal_batch_submit, actor=world["block_head"], batch=batch)
    assert [b.proposal_count for b in sp.batches_of(world["block_year"])] == [2]  # type: ignore[attr-defined]


def test_an_empty_batch_is_refused(world: dict[str, Any]) -> None:
    proposal = to_block_approved(world, make_proposal(unit=world["centre_a"]))
    batch = proposal.batch
    services.proposal_withdraw(actor=world["clerk"], proposal=proposal)
    refused(
        ValidationFailed,
        "batch_empty",
        services.proposal_batch_submit,
        actor=world["block_head"],
        batch=batch,
        letter_number="1",
    )


# ---------------------------------------------------------------- deadlines


def test_deadlines_count_working_days(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    thursday = dt.date(2026, 11, 19)
    monkeypatch.setattr(services, "_today", lambda: thursday)
    proposal = services.proposal_submit(actor=world["clerk"], proposal=make_proposal(unit=world["centre_a"]))
    assert proposal.due_on == dt.date(2026, 11, 26)  # 5 working days: Fri, Mon, Tue, Wed, Thu
    CalendarDay.objects.create(date=dt.date(2026, 11, 20), kind="holiday", name="Ngày nghỉ thử")
    proposal = services.proposal_approve(actor=world["head"], proposal=proposal)
    assert proposal.due_on == dt.date(2026, 11, 27)  # the holiday Friday is not counted
    assert proposal.steps.latest("id").due_on == dt.date(2026, 11, 27)


def test_the_queue_lists_what_waits_for_the_user(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    late = make_proposal(unit=world["centre_a"])
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 1, 5))
    services.proposal_submit(actor=world["clerk"], proposal=late)
    monkeypatch.undo()
    fresh = make_proposal(unit=world["centre_a"], award_type="ttldxs")
    services.proposal_submit(actor=world["clerk"], proposal=fresh)
    queue = sp.proposal_queue(world["head"])
    assert [p.pk for p in queue] == [late.pk, fresh.pk]
    assert [p.overdue for p in queue] == [True, False]  # type: ignore[attr-defined]
    assert sp.proposal_queue(world["block_head"]) == []
    assert [p.pk for p in sp.proposal_queue(world["clerk"])] == []  # nothing waits for the unit now


# ---------------------------------------------------------------- decided (for the decisions service)


def test_mark_decided_only_from_accepted(world: dict[str, Any]) -> None:
    from thidua.awards.models import Decision

    decision = Decision.objects.create(
        title="Tặng danh hiệu",
        issuing_body="UBND tỉnh",
        decider="province_chairman",
        fund="province",
        owner=world["province"],
    )
    proposal = to_council(world, make_proposal(unit=world["centre_a"]))
    refused(
        Conflict,
        "invalid_transition",
        services.proposal_mark_decided,
        actor=world["prov_officer"],
        proposal=proposal,
        decision=decision,
    )
    proposal = services.proposal_record_council(
        actor=world["prov_officer"],
        proposal=proposal,
        meeting_on=timezone.localdate(),
        members_present=3,
        votes_for=2,
        votes_against=1,
    )
    proposal = services.proposal_mark_decided(actor=world["prov_officer"], proposal=proposal, decision=decision)
    assert proposal.status == S.DECIDED
    assert proposal.decision == decision
    assert proposal.due_on is None
    assert proposal.steps.latest("id").action == "decide"
    assert sp.actions_for(world["clerk"], proposal) == []
