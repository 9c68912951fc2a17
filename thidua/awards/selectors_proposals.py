"""Reads of proposals: who sees which, what waits for whom, a proposal's dossier checklist, history and actions.

Pages and the API read proposals only through these functions, so the visibility rule (permissions.py,
awards.view_proposal) is written once as a query: admin all; officers the proposals of units under them or of blocks
whose owner is under them; unit heads and clerks their units' proposals; block heads and deputies their
block-years' proposals. Lists cost a fixed number of queries (select_related; the permission predicates read the
user's grants, cached per request).

The dossier (domain.md §5.1) is computed, not stored: each paper of the award type's `dossier` list is satisfied by
a file attached to the proposal with that kind, or by what Thidua already holds — the achievement report's text
(Form 02), the block's closed year-end conference (its minutes) and final scores (the tally), the batch's letter
number (Form 01).

The kind of a proposal's paper is the attachment's `slot` (read by `attachment_kind` here).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from thidua.accounts.predicates import grants_of, officer_unit_paths, user_is_admin
from thidua.accounts.roles import Role
from thidua.attachments.models import Attachment
from thidua.awards import workflow
from thidua.awards.models import (
    Award,
    BatchStatus,
    DisciplinaryHold,
    DossierKind,
    Proposal,
    ProposalBatch,
    ProposalStatus,
    ProposalStep,
)
from thidua.awards.selectors_eligibility import led_block
from thidua.awards.workflow import Action
from thidua.conferences.models import Conference, ConferenceStatus
from thidua.organizations.models import BlockYear, Person, PersonMembership, Unit, UnitStatus

BLOCK_PAPERS = frozenset({DossierKind.BLOCK_MINUTES, DossierKind.TALLY})
RECENT_YEARS = 5

# --- attachments: the paper's kind -----------------------------------------------------------------------------------


def attachment_kind(attachment: Attachment) -> str:
    """The dossier kind of a proposal's attachment ("other" for a file stored without one)."""
    return attachment.slot if attachment.slot in DossierKind.values else DossierKind.OTHER


def attachment_label(attachment: Attachment) -> str:
    """The file name as the user uploaded it."""
    return attachment.original_name


def proposal_attachments(proposals: Iterable[Proposal]) -> dict[int, list[Attachment]]:
    """The attachments of several proposals by proposal id, in upload order. One query."""
    ids = [proposal.pk for proposal in proposals]
    by_owner: dict[int, list[Attachment]] = defaultdict(list)
    if not ids:
        return by_owner
    rows = Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(Proposal), owner_id__in=ids).order_by(
        "uploaded_at", "id"
    )
    for attachment in rows:
        by_owner[attachment.owner_id].append(attachment)
    return by_owner


# --- visibility ------------------------------------------------------------------------------------------------------


def _joined(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return qs.select_related("award_type", "unit", "person", "block_year__block__owner", "batch", "decision")


def proposals_visible_to(user: Any) -> QuerySet[Proposal]:
    """The proposals `user` may see (awards.view_proposal as a query), joined for lists."""
    qs = Proposal.objects.all()
    if not user_is_admin(user):
        grants = grants_of(user)
        visible = Q(pk__in=[])
        for path in officer_unit_paths(user):
            visible |= Q(unit__path__startswith=path) | Q(block_year__block__owner__path__startswith=path)
        unit_ids = [g.unit_id for g in grants if g.role in (Role.UNIT_HEAD, Role.UNIT_CLERK) and g.unit_id]
        if unit_ids:
            visible |= Q(unit_id__in=unit_ids)
        block_year_ids = [
            g.block_year_id for g in grants if g.role in (Role.BLOCK_HEAD, Role.BLOCK_DEPUTY) and g.block_year_id
        ]
        if block_year_ids:
            visible |= Q(block_year_id__in=block_year_ids)
        qs = qs.filter(visible)
    return _joined(qs).order_by("-year", "award_type__position", "recipient_name", "id")


def proposal_list(
    user: Any,
    *,
    status: str | None = None,
    year: int | None = None,
    block_year: BlockYear | int | None = None,
    unit: Unit | int | None = None,
) -> QuerySet[Proposal]:
    """The visible proposals, filtered."""
    qs = proposals_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(year=year)
    if block_year is not None:
        qs = qs.filter(block_year=block_year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs


def proposal_get(user: Any, pk: int) -> Proposal | None:
    """One proposal if `user` may see it, else None."""
    return proposals_visible_to(user).filter(pk=pk).first()


def is_overdue(proposal: Proposal, today: dt.date | None = None) -> bool:
    return proposal.due_on is not None and proposal.due_on < (today or timezone.localdate())


# --- what the user may do --------------------------------------------------------------------------------------------


def _may(user: Any, action: str, proposal: Proposal) -> bool:
    permission = workflow.permission_for(action, proposal.status)
    return permission is not None and bool(user.has_perm(permission, proposal))


def actions_for(user: Any, proposal: Proposal) -> list[str]:
    """The actions `user` may take on `proposal` now: edit, submit, approve, return, withdraw, council, attach."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    status = proposal.status
    actions: list[str] = []
    may_change = bool(user.has_perm(workflow.CHANGE, proposal))
    if status in workflow.EDITABLE_STATUSES and may_change:
        actions.append("edit")
    for action in (Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.WITHDRAW, Action.COUNCIL):
        if _may(user, action, proposal):
            actions.append(str(action))
    if status in workflow.ATTACHABLE_STATUSES and (
        may_change or user.has_perm(workflow.REVIEW_BLOCK, proposal) or user.has_perm(workflow.RECORD_COUNCIL, proposal)
    ):
        actions.append("attach")
    return actions


# The statuses in which a proposal waits for someone, and the action that person takes.
_WAITING = {
    ProposalStatus.DRAFT: Action.SUBMIT,
    ProposalStatus.RETURNED: Action.SUBMIT,
    ProposalStatus.SUBMITTED: Action.APPROVE,
    ProposalStatus.UNIT_APPROVED: Action.APPROVE,
    ProposalStatus.BLOCK_APPROVED: Action.SUBMIT_BATCH,
    ProposalStatus.AT_DEPARTMENT: Action.APPROVE,
    ProposalStatus.AT_COUNCIL: Action.COUNCIL,
}


def proposal_queue(user: Any) -> list[Proposal]:
    """The proposals waiting for a step `user` may take, the earliest due first; each has `.overdue` and
    `.next_action`. Two queries (the user's grants, the proposals)."""
    today = timezone.localdate()
    rows = proposals_visible_to(user).filter(status__in=list(_WAITING)).order_by("due_on", "id")
    waiting: list[Proposal] = []
    for proposal in rows:
        action = _WAITING[ProposalStatus(proposal.status)]
        if _may(user, action, proposal):
            proposal.overdue = is_overdue(proposal, today)  # type: ignore[attr-defined]
            proposal.next_action = str(action)  # type: ignore[attr-defined]
            waiting.append(proposal)
    # due dates first (the earliest on top), proposals without a deadline (drafts, returned) last
    waiting.sort(key=lambda p: (p.due_on is None, p.due_on or today, p.pk))
    return waiting


# --- history and batches ---------------------------------------------------------------------------------------------


def history_of(proposal: Proposal) -> QuerySet[ProposalStep]:
    """Every step of the proposal, oldest first, with its actor."""
    return ProposalStep.objects.filter(proposal=proposal).select_related("actor").order_by("at", "id")


def open_batch(block_year: BlockYear) -> ProposalBatch | None:
    """The block-year's batch being prepared, if any."""
    return ProposalBatch.objects.filter(block_year=block_year, status=BatchStatus.OPEN).order_by("round").first()


def batches_of(block_year: BlockYear) -> QuerySet[ProposalBatch]:
    """The block-year's batches by round, each with `proposal_count`."""
    return (
        ProposalBatch.objects.filter(block_year=block_year)
        .select_related("submitted_by", "block_year__block")
        .annotate(proposal_count=Count("proposals"))
        .order_by("round")
    )


def batch_proposals(batch: ProposalBatch) -> QuerySet[Proposal]:
    return _joined(Proposal.objects.filter(batch=batch)).order_by("award_type__position", "recipient_name", "id")


# --- holds -----------------------------------------------------------------------------------------------------------


def _in_force_on(day: dt.date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def holds_in_force(
    *, unit: Unit | None = None, person: Person | None = None, day: dt.date | None = None
) -> QuerySet[DisciplinaryHold]:
    """The holds on the unit (or the person) in force on `day` (default today)."""
    day = day or timezone.localdate()
    subject = Q(person=person) if person is not None else Q(unit=unit)
    return DisciplinaryHold.objects.filter(subject, _in_force_on(day)).order_by("-started_on", "id")


def hold_blocking(proposal: Proposal, day: dt.date | None = None) -> DisciplinaryHold | None:
    """The hold in force that blocks `proposal` (on its person, or on its unit for a collective), if any."""
    if proposal.person_id is not None:
        return holds_in_force(person=proposal.person, day=day).first()
    return holds_in_force(unit=proposal.unit, day=day).first()


def holds_visible_to(user: Any) -> QuerySet[DisciplinaryHold]:
    """The holds `user` may see (awards.view_hold): admin and every emulation officer all; a unit head the holds
    of the unit and of the people working in it now."""
    qs = DisciplinaryHold.objects.select_related("unit", "person", "recorded_by")
    if not (user_is_admin(user) or officer_unit_paths(user)):
        head_units = [g.unit_id for g in grants_of(user) if g.role == Role.UNIT_HEAD and g.unit_id]
        qs = qs.filter(
            Q(unit_id__in=head_units)
            | Q(person__memberships__end_date__isnull=True, person__memberships__unit_id__in=head_units)
        ).distinct()
    return qs.order_by("-started_on", "-id")


# --- the dossier -----------------------------------------------------------------------------------------------------


@dataclass
class DossierLine:
    """One paper of a proposal's dossier and whether (and how) it is satisfied."""

    kind: str
    label: str
    required: bool
    satisfied: bool
    source: str  # "attachment" | "data" | "text" | ""
    attachments: list[Attachment] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class BlockData:
    """What Thidua holds of a block-year that stands for its papers: minutes of a closed conference, final scores."""

    conference_closed: bool
    final_scores: bool


def block_data(block_year_ids: Iterable[int]) -> dict[int, BlockData]:
    """The block papers' data per block-year. Two queries."""
    ids = set(block_year_ids)
    closed = set(
        Conference.objects.filter(block_year_id__in=ids, status=ConferenceStatus.CLOSED).values_list(
            "block_year_id", flat=True
        )
    )
    from thidua.scoring.models import FinalScore

    scored = set(FinalScore.objects.filter(block_year_id__in=ids).values_list("block_year_id", flat=True))
    return {pk: BlockData(conference_closed=pk in closed, final_scores=pk in scored) for pk in ids}


def dossier_lines(
    proposal: Proposal,
    *,
    attachments: list[Attachment],
    data: BlockData,
    batch_letter: bool = False,
    batch_form_01: bool = False,
) -> list[DossierLine]:
    """The checklist from what is already loaded (no query): the award type's papers, then "other papers"."""
    by_kind: dict[str, list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        by_kind[attachment_kind(attachment)].append(attachment)
    required = [kind for kind in (proposal.award_type.dossier or []) if kind in DossierKind.values]
    kinds = required + [kind for kind in DossierKind.values if kind not in required and by_kind.get(kind)]
    if DossierKind.OTHER not in kinds:
        kinds.append(DossierKind.OTHER)
    lines = []
    for kind in kinds:
        files = by_kind.get(kind, [])
        line = DossierLine(
            kind=kind,
            label=str(DossierKind(kind).label),
            required=kind in required,
            satisfied=bool(files),
            source="attachment" if files else "",
            attachments=files,
        )
        if not files:
            _satisfy_from_data(line, proposal, data, batch_letter=batch_letter, batch_form_01=batch_form_01)
        lines.append(line)
    return lines


def _satisfy_from_data(
    line: DossierLine, proposal: Proposal, data: BlockData, *, batch_letter: bool, batch_form_01: bool
) -> None:
    kind = line.kind
    if kind == DossierKind.FORM_02 and proposal.achievement_report.strip():
        line.satisfied, line.source = True, "text"
        line.note = _("The achievement report written in Thidua.")
    elif kind == DossierKind.FORM_01:
        if batch_letter:
            line.satisfied, line.source = True, "data"
            line.note = _("The batch's submission letter number %(number)s.") % {
                "number": proposal.batch.letter_number if proposal.batch else ""
            }
        elif batch_form_01:
            line.satisfied, line.source = True, "attachment"
            line.note = _("The batch's submission letter, attached to another proposal of the batch.")
        else:
            line.note = _("The block's submission letter: attach it, or give its number when submitting the batch.")
    elif kind == DossierKind.BLOCK_MINUTES:
        if data.conference_closed:
            line.satisfied, line.source = True, "data"
            line.note = _("The minutes of the block's year-end conference held in Thidua.")
        else:
            line.note = _("Attach the minutes, or close the block's year-end conference in Thidua.")
    elif kind == DossierKind.TALLY:
        if data.final_scores:
            line.satisfied, line.source = True, "data"
            line.note = _("The block's final scores and ranking held in Thidua.")
        else:
            line.note = _("Attach the tally, or compute the block's final scores in Thidua.")
    elif kind == DossierKind.COUNCIL_MINUTES:
        line.note = _("Attached by the council's secretariat after its meeting.")


def _batch_form_01(batch: ProposalBatch | None) -> bool:
    """Whether a Form 01 is attached to any proposal of the batch. One query."""
    if batch is None:
        return False
    ids = list(Proposal.objects.filter(batch=batch).values_list("pk", flat=True))
    rows = Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(Proposal),
        owner_id__in=ids,
        slot=DossierKind.FORM_01,
    )
    return bool(rows.exists())


def dossier_of(proposal: Proposal) -> list[DossierLine]:
    """The proposal's dossier checklist: each paper required by its award type (then other papers attached), with
    whether it is satisfied and by what. A fixed number of queries."""
    attachments = proposal_attachments([proposal]).get(proposal.pk, [])
    data = block_data([proposal.block_year_id])[proposal.block_year_id]
    batch = proposal.batch
    return dossier_lines(
        proposal,
        attachments=attachments,
        data=data,
        batch_letter=bool(batch is not None and batch.letter_number),
        batch_form_01=_batch_form_01(batch),
    )


def missing_papers(lines: Iterable[DossierLine], *, skip: Iterable[str] = ()) -> list[DossierLine]:
    """The required lines not satisfied, but those of the kinds in `skip`."""
    skipped = set(skip)
    return [line for line in lines if line.required and not line.satisfied and line.kind not in skipped]


# --- the achievement report, filled from the year's data -------------------------------------------------------------


def _score(value: Any) -> str:
    return f"{value:.2f}".replace(".", ",") if value is not None else "—"


def prefill_report(unit: Unit, person: Person | None, year: int, block_year: BlockYear | None) -> str:
    """A first text of the achievement report (Form 02) from what Thidua holds of the year: the unit's final score
    and rank in the block-year, the conference's leading-unit result, and the recipient's recent awards."""
    from thidua.scoring.models import FinalScore

    recipient = person.full_name if person is not None else unit.name
    lines = [_("Achievement report of %(recipient)s for %(year)d.") % {"recipient": recipient, "year": year}]
    if person is not None:
        lines.append(_("Unit: %(unit)s.") % {"unit": unit.name})
    if block_year is not None:
        score = FinalScore.objects.filter(block_year=block_year, unit=unit).first()
        if score is not None and (score.raw_total is not None or score.rank is not None):
            total = FinalScore.objects.filter(block_year=block_year, rank__isnull=False).count()
            lines.append(
                _("Emulation block %(block)s, %(year)d: final score %(score)s points, rank %(rank)s of %(count)d.")
                % {
                    "block": block_year.block.name,
                    "year": block_year.year,
                    "score": _score(score.raw_total),
                    "rank": score.rank if score.rank is not None else "—",
                    "count": total,
                }
            )
    led = led_block(unit=unit, year=year)
    if led is True:
        lines.append(_("Voted the leading unit of the block at the year-end conference."))
    elif led is False:
        lines.append(_("Stood in the vote for the block's leading unit at the year-end conference."))
    awards = Award.objects.filter(revoked_on__isnull=True, year__gt=year - RECENT_YEARS, year__lte=year).select_related(
        "award_type"
    )
    awards = awards.filter(person=person) if person is not None else awards.filter(unit=unit, person__isnull=True)
    recent = list(awards.order_by("-year", "award_type__position", "id"))
    if recent:
        lines.append(_("Awards of recent years:"))
        for award in recent:
            decision = ""
            if award.decision_number:
                decision = " — " + _("decision %(number)s") % {"number": award.decision_number}
                if award.decision_date:
                    decision += " " + _("of %(date)s") % {"date": date_format(award.decision_date, "SHORT_DATE_FORMAT")}
            lines.append(f"- {award.year}: {award.award_type.name}{decision}")
    return "\n".join(lines)


def proposable_units(user: Any) -> QuerySet[Unit]:
    """Active units `user` may propose for (awards.add_proposal: admin, officers over the unit, its head or clerk)."""
    qs = Unit.objects.filter(status=UnitStatus.ACTIVE).order_by("path")
    if user_is_admin(user):
        return qs
    cond = Q(pk__in=[g.unit_id for g in grants_of(user) if g.role in (Role.UNIT_HEAD, Role.UNIT_CLERK) and g.unit_id])
    for path in officer_unit_paths(user):
        cond |= Q(path__startswith=path)
    return qs.filter(cond)


def hold_units(user: Any) -> QuerySet[Unit]:
    """Active units `user` may place a hold on (awards.manage_hold: admin, officers over the unit)."""
    qs = Unit.objects.filter(status=UnitStatus.ACTIVE).order_by("path")
    if user_is_admin(user):
        return qs
    cond = Q(pk__in=[])
    for path in officer_unit_paths(user):
        cond |= Q(path__startswith=path)
    return qs.filter(cond)


def current_staff(unit_ids: QuerySet[Unit] | list[int]) -> QuerySet[Person]:
    """People working now in one of the units, by name."""
    memberships = PersonMembership.objects.filter(unit__in=unit_ids, end_date__isnull=True)
    return Person.objects.filter(pk__in=memberships.values("person_id")).order_by("full_name", "pk")
