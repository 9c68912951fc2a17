"""Demo proposals and a decision for the demo block's current year, built through the services (idempotent).

So that every role finds work waiting in `make run`:

* the first three member units: Advanced labour collective proposals taken the whole way — submitted, approved by
  the unit head and the block head, sent in the block's batch, approved by the department, accepted by the council —
  and decided by an issued decision of the Department of Home Affairs, with prize money and printable certificates;
* the fourth unit: a proposal accepted by the council and waiting for a decision (the officer's next step);
* the fifth: at the department (waiting for the officer's review); the sixth: approved by its unit and waiting for
  the block head; the clerk's own unit (Trung tâm Khuyến nông): a draft;
* one member of staff under a disciplinary hold (no proposal for them goes forward).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from thidua.awards.models import Decider, DisciplinaryHold, Proposal, ProposalBatch
from thidua.awards.services.decisions import decision_add_proposals, decision_create, decision_issue
from thidua.awards.services.holds import hold_place
from thidua.awards.services.proposals import (
    proposal_approve,
    proposal_batch_submit,
    proposal_create,
    proposal_record_council,
    proposal_submit,
)
from thidua.organizations.models import BlockYear, PersonMembership, Unit

CLERK_UNIT_CODE = "SNNMT-TTKN"  # the demo clerk's unit (vanthu)
AWARD = "ttldtt"


@dataclass
class ProposalsDemoReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + count


def _to_block(actor: Any, proposal: Proposal) -> Proposal:
    proposal = proposal_submit(actor=actor, proposal=proposal)
    proposal = proposal_approve(actor=actor, proposal=proposal)  # the unit head
    return proposal


def build_proposals_demo(*, block_year: BlockYear, actor: Any, owner: Unit) -> ProposalsDemoReport:
    """Proposals of `block_year`'s members in every state, and one issued decision prepared by `owner`."""
    report = ProposalsDemoReport()
    if Proposal.objects.filter(block_year=block_year, is_demo=True).exists():
        return report
    today = timezone.localdate()
    units = [
        m.unit
        for m in block_year.memberships.select_related("unit").order_by("unit__code", "unit_id")
        if m.unit.code != CLERK_UNIT_CODE
    ]
    clerk_unit = Unit.objects.filter(code=CLERK_UNIT_CODE).first()
    if len(units) < 6:
        return report

    def create(unit: Unit) -> Proposal:
        proposal = proposal_create(
            actor=actor,
            award_type=AWARD,
            unit=unit,
            year=block_year.year,
            block_year=block_year,
            achievement_summary="Hoàn thành tốt nhiệm vụ được giao; tham gia đầy đủ các phong trào thi đua của khối.",
        )
        Proposal.objects.filter(pk=proposal.pk).update(is_demo=True)
        report.add("proposals")
        return proposal

    # Through the block head: the batch holds the first five.
    batch_members = [_to_block(actor, create(unit)) for unit in units[:5]]
    batch_members = [proposal_approve(actor=actor, proposal=p) for p in batch_members]  # the block head
    batch = ProposalBatch.objects.get(block_year=block_year, status="open")
    proposal_batch_submit(actor=actor, batch=batch, letter_number=f"12/TTr-KTĐ ({block_year.year})", submitted_on=today)
    at_department = [Proposal.objects.get(pk=p.pk) for p in batch_members]
    # The department approves four of them; the council accepts them; the fifth waits for the department.
    accepted = []
    for proposal in at_department[:4]:
        proposal = proposal_approve(actor=actor, proposal=proposal)
        accepted.append(
            proposal_record_council(
                actor=actor, proposal=proposal, meeting_on=today, members_present=11, votes_for=10, votes_against=1
            )
        )
    # The sixth waits for the block head; the clerk's unit has a draft.
    _to_block(actor, create(units[5]))
    if clerk_unit is not None and block_year.memberships.filter(unit=clerk_unit).exists():
        create(clerk_unit)

    decision = decision_create(
        actor=actor,
        owner=owner,
        title=f"Về việc tặng danh hiệu Tập thể lao động tiên tiến năm {block_year.year}",
        issuing_body="Sở Nội vụ tỉnh Quảng Trị",
        decider=Decider.DEPARTMENT_HEAD,
        signer_name="Nguyễn Văn Minh",
        signer_title="Giám đốc Sở Nội vụ",
        legal_basis="Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 152/2025/NĐ-CP.",
        is_demo=True,
    )
    decision = decision_add_proposals(actor=actor, decision=decision, proposals=accepted[:3])
    decision_issue(actor=actor, decision=decision, number=f"45/QĐ-SNV ({block_year.year})", signed_on=today)
    report.add("decisions")

    # A member of staff of the last unit under a disciplinary review.
    membership = PersonMembership.objects.filter(unit=units[-1], end_date__isnull=True).select_related("person").first()
    if membership is not None and not DisciplinaryHold.objects.filter(person=membership.person).exists():
        hold_place(
            actor=actor,
            person=membership.person,
            started_on=today - dt.timedelta(days=30),
            reason="Đang trong thời gian xem xét kỷ luật theo kết luận thanh tra.",
        )
        report.add("holds")
    return report
