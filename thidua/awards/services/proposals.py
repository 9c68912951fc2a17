"""Services of proposals (đề nghị khen thưởng): draft, edit, attach papers, and move through the workflow.

The moves and who may make them are the table in `awards.workflow`; this module applies them to the database.
Every service is keyword-only, runs in one transaction, checks the permission first, locks the proposal row and
re-checks its status (two officers clicking at once: the second gets "status_changed"), validates, writes the
proposal, one `ProposalStep` and one AuditEvent ("proposal.<action>"). A refusal writes nothing.

Rules applied at every forward move (submit, approve, batch submission, the council's acceptance, the decision):
- a disciplinary hold in force today on the recipient refuses it ("disciplinary_hold"), never overridable;
- the eligibility report is evaluated again and stored on the proposal; FAIL goes forward only with a non-empty
  override reason ("not_eligible", field override_reason), recorded in the step (override=True) and on the proposal;
  UNKNOWN goes forward (the pages show it as a warning);
- the new status's deadline (`Proposal.due_on`) is counted in working days from today with the parameter of that
  status (`workflow.DEADLINE_KEYS`, `thidua.core.workdays.due_after`).

"One achievement, one award": a live proposal of the same award type, recipient and year refuses a new one
("duplicate_proposal"), an award of the registry too ("duplicate_award"); both are checked again when a returned
proposal is submitted again.

Error codes: recipient_not_allowed, person_not_in_unit, no_block_year, block_year_required, not_a_member,
block_year_mismatch, invalid_year, unknown_award_type, inactive_award_type, duplicate_proposal, duplicate_award,
disciplinary_hold, not_editable, invalid_kind, not_found, dossier_incomplete, invalid_transition, status_changed,
not_eligible, reason_required, batch_empty, batch_submitted, invalid_vote, invalid_date, proposal_closed,
no_parameter, plus the text checks (required, too_long).
"""

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from thidua.attachments.models import Attachment
from thidua.attachments.services import attachment_add, attachment_remove, attachments_of
from thidua.audit.services import audit_record, model_changes
from thidua.awards import selectors_proposals as sp
from thidua.awards import workflow
from thidua.awards.eligibility import EligibilityReport, Verdict, explain
from thidua.awards.models import (
    AwardType,
    BatchStatus,
    Decision,
    DossierKind,
    EligibilityOutcome,
    Proposal,
    ProposalBatch,
    ProposalStatus,
    ProposalStep,
    Recipient,
)
from thidua.awards.selectors import parameter_on
from thidua.awards.selectors_eligibility import eligibility_for, json_safe
from thidua.awards.services.registry import _check_year, _duplicate_error, _existing, _resolve_award_type
from thidua.awards.workflow import Action
from thidua.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.core.workdays import due_after
from thidua.organizations.models import BlockMembership, BlockYear, Person, PersonMembership, Unit
from thidua.organizations.services._common import clean_text, snapshot

S = ProposalStatus
SUMMARY_MAX = 5000
REPORT_MAX = 50000
REASON_MAX = 2000

PROPOSAL_FIELDS = [
    "award_type",
    "recipient_kind",
    "unit",
    "person",
    "recipient_name",
    "year",
    "block_year",
    "batch",
    "status",
    "achievement_summary",
    "achievement_report",
    "due_on",
    "submitted_on",
    "eligibility",
    "override_reason",
    "council_meeting_on",
    "council_members",
    "council_votes_for",
    "council_votes_against",
    "decision",
]
BATCH_FIELDS = ["status", "letter_number", "submitted_on", "submitted_by"]

_OUTCOME = {
    Verdict.ELIGIBLE: EligibilityOutcome.PASS,
    Verdict.INELIGIBLE: EligibilityOutcome.FAIL,
    Verdict.UNKNOWN: EligibilityOutcome.UNKNOWN,
}


class ListedError(ValidationFailed):
    """A refusal that names several proposals; `details` holds one {proposal, recipient, …} per proposal."""

    def __init__(self, message: str, *, code: str, details: list[dict[str, Any]], field: str | None = None) -> None:
        self.details = details
        super().__init__(message, code=code, field=field)

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["details"] = self.details
        return data


# --- helpers ---------------------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("award_type", "unit", "person", "block_year__block__owner", "batch")
        .get(pk=proposal.pk)
    )


def _expect_status(locked: Proposal, status: str) -> None:
    """The status the actor saw is still the proposal's (someone else may have moved it meanwhile)."""
    if locked.status != status:
        raise Conflict(
            _("This proposal has just been moved by someone else (it is now: %(status)s). Reload the page.")
            % {"status": ProposalStatus(locked.status).label},
            code="status_changed",
        )


def _move_or_refuse(actor: Any, proposal: Proposal, action: str) -> workflow.Move:
    """The move of `action` from the proposal's status, after the permission check; Conflict when not possible."""
    move = workflow.move_for(action, proposal.status)
    if move is None or move.permission is None:
        require_perm(actor, "awards.view_proposal", proposal)
        raise Conflict(
            _("This cannot be done to a proposal in the status “%(status)s”.")
            % {"status": ProposalStatus(proposal.status).label},
            code="invalid_transition",
        )
    require_perm(actor, move.permission, proposal)
    return move


def _recipient(proposal: Proposal) -> dict[str, Any]:
    if proposal.person_id is not None:
        return {"person": proposal.person}
    return {"unit": proposal.unit}


def _evaluate(proposal: Proposal) -> EligibilityReport:
    return eligibility_for(
        **_recipient(proposal),
        award_code=proposal.award_type.code,
        year=proposal.year,
        exclude_proposal=proposal.pk,
    )


def _store_report(proposal: Proposal, report: EligibilityReport) -> None:
    stored = json_safe(report)
    stored["explain"] = explain(report)
    proposal.eligibility = _OUTCOME[report.verdict]
    proposal.eligibility_report = stored
    proposal.eligibility_checked_at = timezone.now()


def _check_hold(proposal: Proposal) -> None:
    hold = sp.hold_blocking(proposal)
    if hold is not None:
        raise Conflict(
            _(
                "%(recipient)s is under disciplinary review, investigation or inspection since %(date)s: "
                "no proposal may go forward until it ends."
            )
            % {"recipient": proposal.recipient_name, "date": date_format(hold.started_on, "SHORT_DATE_FORMAT")},
            code="disciplinary_hold",
        )


def _override(proposal: Proposal, override_reason: str, *, fallback: str = "") -> str:
    """The override reason a FAIL verdict needs ("" when the verdict is not FAIL)."""
    if proposal.eligibility != EligibilityOutcome.FAIL:
        return ""
    reason = clean_text(override_reason, field="override_reason", max_length=REASON_MAX) or fallback
    if not reason:
        raise ValidationFailed(
            _(
                "%(recipient)s does not meet the conditions of %(award)s. To send the proposal on anyway, write the "
                "reason for the override."
            )
            % {"recipient": proposal.recipient_name, "award": proposal.award_type.name},
            code="not_eligible",
            field="override_reason",
        )
    return reason


def _due_on(status: str, today: dt.date) -> dt.date | None:
    """The deadline of the holder of `status`, in working days from `today` (None: no deadline or no parameter)."""
    key = workflow.deadline_key(status)
    if key is None:
        return None
    try:
        days = parameter_on(key, today).typed_value
    except ValidationFailed:
        return None
    if days is None:
        return None
    return due_after(today, int(days))


def _step(
    *,
    actor: Any,
    proposal: Proposal,
    action: str,
    from_status: str,
    reason: str = "",
    override: bool = False,
) -> ProposalStep:
    return ProposalStep.objects.create(
        proposal=proposal,
        action=str(action),
        from_status=from_status,
        to_status=proposal.status,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        reason=reason,
        eligibility=proposal.eligibility,
        override=override,
        due_on=proposal.due_on,
    )


def _save_moved(
    *,
    actor: Any,
    proposal: Proposal,
    action: str,
    before: dict[str, Any],
    from_status: str,
    reason: str = "",
    override: bool = False,
    extra: dict[str, Any] | None = None,
) -> Proposal:
    """Save a moved proposal, write its step and its audit event."""
    proposal.save()
    step = _step(
        actor=actor, proposal=proposal, action=action, from_status=from_status, reason=reason, override=override
    )
    changes: dict[str, Any] = dict(model_changes(before, snapshot(proposal, PROPOSAL_FIELDS)))
    if reason:
        changes["reason"] = reason
    if override:
        changes["override"] = True
    changes["step"] = step.pk
    changes.update(extra or {})
    audit_record(actor=actor, action=f"proposal.{action}", obj=proposal, changes=changes)
    return proposal


def _advance(
    *,
    actor: Any,
    proposal: Proposal,
    action: str,
    to_status: str,
    override_reason: str = "",
    override_fallback: str = "",
    reason: str = "",
    extra: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    report: EligibilityReport | None = None,
) -> Proposal:
    """A forward move of a locked proposal: hold, eligibility (override), deadline, step, audit.

    `before`: the snapshot taken before the caller changed other fields; `report`: an evaluation just made.
    """
    _check_hold(proposal)
    before = before if before is not None else snapshot(proposal, PROPOSAL_FIELDS)
    _store_report(proposal, report if report is not None else _evaluate(proposal))
    used = _override(proposal, override_reason, fallback=override_fallback)
    from_status = proposal.status
    today = _today()
    proposal.status = to_status
    proposal.due_on = _due_on(to_status, today)
    if used:
        proposal.override_reason = used
    return _save_moved(
        actor=actor,
        proposal=proposal,
        action=action,
        before=before,
        from_status=from_status,
        reason=used or reason,
        override=bool(used),
        extra=extra,
    )


def _check_duplicates(
    award_type: AwardType,
    kind: str,
    unit: Unit,
    person: Person | None,
    year: int,
    name: str,
    *,
    exclude: int | None = None,
) -> None:
    live = Proposal.objects.filter(
        award_type=award_type, year=year, recipient_kind=kind, status__in=workflow.LIVE_STATUSES
    )
    live = live.filter(person=person) if person is not None else live.filter(unit=unit)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    if live.exists():
        raise Conflict(
            _("%(recipient)s is already proposed for %(award)s for %(year)d: one achievement earns one award.")
            % {"recipient": name, "award": award_type.name, "year": year},
            code="duplicate_proposal",
            field="award_type",
        )
    if _existing(award_type, kind, unit, person, year):
        raise _duplicate_error(award_type, name, year)


def _check_date(value: Any, *, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=field)
    return value


def _block_year_of(unit: Unit, year: int, block_year: BlockYear | None) -> BlockYear:
    if block_year is not None:
        if block_year.year != year:
            raise ValidationFailed(
                _("The block-year %(block_year)s is not of the achievement year %(year)d.")
                % {"block_year": block_year, "year": year},
                code="block_year_mismatch",
                field="block_year",
            )
        if not BlockMembership.objects.filter(block_year=block_year, unit=unit).exists():
            raise ValidationFailed(
                _("%(unit)s is not a member of %(block_year)s.") % {"unit": unit.name, "block_year": block_year},
                code="not_a_member",
                field="block_year",
            )
        return block_year
    found = list(BlockYear.objects.filter(year=year, memberships__unit=unit).select_related("block").order_by("pk")[:2])
    if not found:
        raise ValidationFailed(
            _("%(unit)s is not a member of any emulation block in %(year)d.") % {"unit": unit.name, "year": year},
            code="no_block_year",
            field="block_year",
        )
    if len(found) > 1:
        raise ValidationFailed(
            _("%(unit)s is a member of several blocks in %(year)d: choose the block.")
            % {"unit": unit.name, "year": year},
            code="block_year_required",
            field="block_year",
        )
    return found[0]


# --- create and edit -------------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    award_type: AwardType | str,
    unit: Unit,
    person: Person | None = None,
    year: int,
    block_year: BlockYear | None = None,
    achievement_summary: str = "",
) -> Proposal:
    """Draft a proposal of `award_type` for `unit` (collective) or for `person` working in `unit` (individual).

    The achievement report is prefilled from the year's data, the eligibility evaluated and stored.
    """
    require_perm(actor, "awards.add_proposal", unit)
    kind_type = _resolve_award_type(award_type)
    if not kind_type.active:
        raise ValidationFailed(
            _("%(award)s is no longer proposed.") % {"award": kind_type.name},
            code="inactive_award_type",
            field="award_type",
        )
    kind = Recipient.INDIVIDUAL if person is not None else Recipient.COLLECTIVE
    if not kind_type.allows(kind):
        raise ValidationFailed(
            _("%(award)s is not given to this kind of recipient.") % {"award": kind_type.name},
            code="recipient_not_allowed",
            field="award_type",
        )
    if (
        person is not None
        and not PersonMembership.objects.filter(person=person, unit=unit, end_date__isnull=True).exists()
    ):
        raise ValidationFailed(
            _("%(person)s does not work in %(unit)s now.") % {"person": person.full_name, "unit": unit.name},
            code="person_not_in_unit",
            field="person",
        )
    today = _today()
    year = _check_year(year, today=today)
    block_year = _block_year_of(unit, year, block_year)
    summary = clean_text(achievement_summary, field="achievement_summary", max_length=SUMMARY_MAX)
    name = person.full_name if person is not None else unit.name
    proposal = Proposal(
        award_type=kind_type,
        recipient_kind=kind,
        unit=unit,
        person=person,
        recipient_name=name,
        year=year,
        block_year=block_year,
        status=S.DRAFT,
        achievement_summary=summary,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _check_hold(proposal)
    _check_duplicates(kind_type, kind, unit, person, year, name)
    proposal.achievement_report = sp.prefill_report(unit, person, year, block_year)
    _store_report(proposal, _evaluate(proposal))
    proposal.save()
    _step(actor=actor, proposal=proposal, action=Action.CREATE, from_status="")
    audit_record(
        actor=actor,
        action="proposal.create",
        obj=proposal,
        changes=model_changes({}, snapshot(proposal, PROPOSAL_FIELDS)),
    )
    return proposal


def _check_editable(proposal: Proposal) -> None:
    if proposal.status not in workflow.EDITABLE_STATUSES:
        raise Conflict(_("Only a draft or a returned proposal can be edited."), code="not_editable", field="status")


@transaction.atomic
def proposal_update(
    *,
    actor: Any,
    proposal: Proposal,
    achievement_summary: str | None = None,
    achievement_report: str | None = None,
) -> Proposal:
    """Edit the texts of a draft or returned proposal (None leaves a text as it is)."""
    require_perm(actor, workflow.CHANGE, proposal)
    proposal = _lock(proposal)
    _check_editable(proposal)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    if achievement_summary is not None:
        proposal.achievement_summary = clean_text(
            achievement_summary, field="achievement_summary", max_length=SUMMARY_MAX
        )
    if achievement_report is not None:
        proposal.achievement_report = clean_text(achievement_report, field="achievement_report", max_length=REPORT_MAX)
    changes = model_changes(before, snapshot(proposal, PROPOSAL_FIELDS))
    if changes:
        proposal.save(update_fields=["achievement_summary", "achievement_report", "updated_at"])
        audit_record(actor=actor, action="proposal.update", obj=proposal, changes=changes)
    return proposal


# --- the dossier's papers --------------------------------------------------------------------------------------------


def _may_handle_paper(actor: Any, proposal: Proposal, kind: str) -> bool:
    if actor.has_perm(workflow.CHANGE, proposal):
        return True
    block_papers = {*sp.BLOCK_PAPERS, DossierKind.FORM_01}
    if kind in block_papers and actor.has_perm(workflow.REVIEW_BLOCK, proposal):
        return True
    return kind == DossierKind.COUNCIL_MINUTES and bool(actor.has_perm(workflow.RECORD_COUNCIL, proposal))


def _check_attachable(proposal: Proposal) -> None:
    if proposal.status not in workflow.ATTACHABLE_STATUSES:
        raise Conflict(
            _("The papers of a decided, rejected or withdrawn proposal cannot be changed."),
            code="not_editable",
            field="status",
        )


@transaction.atomic
def proposal_attach(*, actor: Any, proposal: Proposal, kind: str, upload: Any) -> Attachment:
    """Attach a paper of `kind` (a DossierKind) to the proposal's dossier.

    The unit (change_proposal) attaches any paper; the block (review_block) also its letter, minutes and tally;
    the council's secretariat (record_council) also the council's minutes.
    """
    require_perm(actor, "awards.view_proposal", proposal)
    if kind not in DossierKind.values:
        raise ValidationFailed(
            _("“%(value)s” is not a paper of a dossier.") % {"value": kind}, code="invalid_kind", field="kind"
        )
    if not _may_handle_paper(actor, proposal, kind):
        raise PermissionDenied()
    proposal = _lock(proposal)
    _check_attachable(proposal)
    if upload is None:
        raise ValidationFailed(_("Choose a file."), code="required", field="file")
    attachment = attachment_add(actor=actor, owner=proposal, upload=upload, field="file", slot=kind)
    audit_record(
        actor=actor,
        action="proposal.attach",
        obj=proposal,
        changes={"kind": kind, "attachment": attachment.pk, "name": sp.attachment_label(attachment)},
    )
    return attachment


@transaction.atomic
def proposal_detach(*, actor: Any, proposal: Proposal, attachment: Attachment) -> None:
    """Remove a paper from the proposal's dossier (the same people who may attach it)."""
    require_perm(actor, "awards.view_proposal", proposal)
    owned = (
        attachment.owner_type_id == ContentType.objects.get_for_model(Proposal).pk
        and attachment.owner_id == proposal.pk
    )
    if not owned or not attachments_of(proposal).filter(pk=attachment.pk).exists():
        raise NotFound(_("This file is not a paper of this proposal."), code="not_found", field="attachment")
    kind = sp.attachment_kind(attachment)
    if not _may_handle_paper(actor, proposal, kind):
        raise PermissionDenied()
    proposal = _lock(proposal)
    _check_attachable(proposal)
    changes = {"kind": kind, "attachment": attachment.pk, "name": sp.attachment_label(attachment)}
    attachment_remove(actor=actor, attachment=attachment)
    audit_record(actor=actor, action="proposal.detach", obj=proposal, changes=changes)


# --- the moves -------------------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, actor: Any, proposal: Proposal, override_reason: str = "") -> Proposal:
    """The unit sends its draft (or the returned proposal, corrected) to the unit head."""
    seen = proposal.status
    move = _move_or_refuse(actor, proposal, Action.SUBMIT)
    proposal = _lock(proposal)
    _expect_status(proposal, seen)
    _check_hold(proposal)
    _check_duplicates(
        proposal.award_type,
        proposal.recipient_kind,
        proposal.unit,
        proposal.person,
        proposal.year,
        proposal.recipient_name,
        exclude=proposal.pk,
    )
    required = set(proposal.award_type.dossier or [])
    if DossierKind.FORM_02 in required:
        lines = [line for line in sp.dossier_of(proposal) if line.kind == DossierKind.FORM_02]
        missing = sp.missing_papers(lines)
        if missing:
            raise ListedError(
                _("The dossier is incomplete: %(papers)s. Attach it or write the achievement report.")
                % {"papers": ", ".join(line.label for line in missing)},
                code="dossier_incomplete",
                field="achievement_report",
                details=[{"proposal": proposal.pk, "missing": [line.kind for line in missing]}],
            )
    before = snapshot(proposal, PROPOSAL_FIELDS)
    if proposal.submitted_on is None:
        proposal.submitted_on = _today()
    return _advance(
        actor=actor,
        proposal=proposal,
        action=Action.SUBMIT,
        to_status=move.to_status,
        override_reason=override_reason,
        before=before,
    )


def _join_open_batch(actor: Any, block_year: BlockYear) -> ProposalBatch:
    """The block-year's open batch, created with the next round number when there is none."""
    batch = (
        ProposalBatch.objects.select_for_update()
        .filter(block_year=block_year, status=BatchStatus.OPEN)
        .order_by("round")
        .first()
    )
    if batch is not None:
        return batch
    last = ProposalBatch.objects.filter(block_year=block_year).aggregate(last=Max("round"))["last"] or 0
    try:
        with transaction.atomic():
            batch = ProposalBatch.objects.create(block_year=block_year, round=last + 1)
    except IntegrityError as exc:  # another officer opened the round at the same moment
        raise Conflict(
            _("The block's batch was just opened by someone else; try again."), code="status_changed"
        ) from exc
    audit_record(actor=actor, action="proposal_batch.open", obj=batch, changes={"round": batch.round})
    return batch


@transaction.atomic
def proposal_approve(*, actor: Any, proposal: Proposal, override_reason: str = "") -> Proposal:
    """One step forward: unit head (submitted), block head (unit_approved; joins the block's open batch),
    department officer (at_department)."""
    seen = proposal.status
    move = _move_or_refuse(actor, proposal, Action.APPROVE)
    proposal = _lock(proposal)
    _expect_status(proposal, seen)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    extra: dict[str, Any] = {}
    if move.to_status == S.BLOCK_APPROVED:
        proposal.batch = _join_open_batch(actor, proposal.block_year)
        extra["batch_round"] = proposal.batch.round
    return _advance(
        actor=actor,
        proposal=proposal,
        action=Action.APPROVE,
        to_status=move.to_status,
        override_reason=override_reason,
        extra=extra,
        before=before,
    )


def _leave_open_batch(proposal: Proposal) -> None:
    if proposal.batch is not None and proposal.batch.status == BatchStatus.OPEN:
        proposal.batch = None


@transaction.atomic
def proposal_return(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    """Send the proposal back to the unit with a reason (by whoever holds it now); it leaves an open batch."""
    seen = proposal.status
    _move_or_refuse(actor, proposal, Action.RETURN)
    proposal = _lock(proposal)
    _expect_status(proposal, seen)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    if not reason:
        raise ValidationFailed(_("Say why the proposal is returned."), code="reason_required", field="reason")
    before = snapshot(proposal, PROPOSAL_FIELDS)
    _leave_open_batch(proposal)
    proposal.status = S.RETURNED
    proposal.due_on = None
    return _save_moved(
        actor=actor, proposal=proposal, action=Action.RETURN, before=before, from_status=seen, reason=reason
    )


@transaction.atomic
def proposal_withdraw(*, actor: Any, proposal: Proposal, reason: str = "") -> Proposal:
    """The unit withdraws its proposal (any status but decided, rejected, withdrawn); it leaves an open batch, and
    the draft decision it was added to (an accepted proposal only ever sits in a draft: issuing decides it)."""
    seen = proposal.status
    _move_or_refuse(actor, proposal, Action.WITHDRAW)
    proposal = _lock(proposal)
    _expect_status(proposal, seen)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    _leave_open_batch(proposal)
    proposal.decision = None
    proposal.status = S.WITHDRAWN
    proposal.due_on = None
    return _save_moved(
        actor=actor, proposal=proposal, action=Action.WITHDRAW, before=before, from_status=seen, reason=reason
    )


def _check_count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed(_("Votes and members are whole numbers, 0 or more."), code="invalid_vote", field=field)
    return value


@transaction.atomic
def proposal_record_council(
    *,
    actor: Any,
    proposal: Proposal,
    meeting_on: dt.date,
    members_present: int,
    votes_for: int,
    votes_against: int,
    override_reason: str = "",
) -> Proposal:
    """Record the provincial council's vote: accepted when the votes for are strictly more than the majority share
    (parameter council_majority_share in force on the meeting day) of the members present, else rejected."""
    seen = proposal.status
    _move_or_refuse(actor, proposal, Action.COUNCIL)
    proposal = _lock(proposal)
    _expect_status(proposal, seen)
    members_present = _check_count(members_present, "members_present")
    votes_for = _check_count(votes_for, "votes_for")
    votes_against = _check_count(votes_against, "votes_against")
    if members_present == 0:
        raise ValidationFailed(_("At least one member must be present."), code="invalid_vote", field="members_present")
    if votes_for + votes_against > members_present:
        raise ValidationFailed(
            _("There are more votes (%(votes)d) than members present (%(members)d).")
            % {"votes": votes_for + votes_against, "members": members_present},
            code="invalid_vote",
            field="votes_for",
        )
    meeting_on = _check_date(meeting_on, field="meeting_on")
    if meeting_on > _today():
        raise ValidationFailed(_("The meeting date is in the future."), code="invalid_date", field="meeting_on")
    if proposal.submitted_on is not None and meeting_on < proposal.submitted_on:
        raise ValidationFailed(
            _("The council cannot have met before the proposal was submitted (%(date)s).")
            % {"date": date_format(proposal.submitted_on, "SHORT_DATE_FORMAT")},
            code="invalid_date",
            field="meeting_on",
        )
    share = parameter_on("council_majority_share", meeting_on).typed_value
    passed = workflow.council_passes(votes_for=votes_for, members_present=members_present, share=share)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    proposal.council_meeting_on = meeting_on
    proposal.council_members = members_present
    proposal.council_votes_for = votes_for
    proposal.council_votes_against = votes_against
    vote = _("Council of %(date)s: %(for)d for, %(against)d against, %(present)d members present.") % {
        "date": date_format(meeting_on, "SHORT_DATE_FORMAT"),
        "for": votes_for,
        "against": votes_against,
        "present": members_present,
    }
    extra = {"share": str(share), "passed": passed}
    if passed:
        return _advance(
            actor=actor,
            proposal=proposal,
            action=Action.COUNCIL,
            to_status=S.ACCEPTED,
            override_reason=override_reason,
            reason=vote,
            extra=extra,
            before=before,
        )
    proposal.status = S.REJECTED
    proposal.due_on = None
    return _save_moved(
        actor=actor, proposal=proposal, action=Action.COUNCIL, before=before, from_status=seen, reason=vote, extra=extra
    )


@transaction.atomic
def proposal_batch_submit(
    *,
    actor: Any,
    batch: ProposalBatch,
    letter_number: str = "",
    submitted_on: dt.date | None = None,
    override_reason: str = "",
) -> ProposalBatch:
    """Submit the block's open batch to the department: every block_approved proposal of it moves to at_department.

    Each proposal's dossier must be complete but for the council's minutes; Form 01 is the batch's letter (attached
    to any of its proposals, or its number given here). A proposal not eligible goes with the override recorded when
    the block approved it, or with `override_reason`.
    """
    require_perm(actor, workflow.REVIEW_BLOCK, batch.block_year)
    batch = ProposalBatch.objects.select_for_update().select_related("block_year__block").get(pk=batch.pk)
    if batch.status != BatchStatus.OPEN:
        raise Conflict(_("This batch has already been submitted."), code="batch_submitted")
    letter_number = clean_text(letter_number, field="letter_number", max_length=100)
    today = _today()
    submitted_on = today if submitted_on is None else _check_date(submitted_on, field="submitted_on")
    if submitted_on > today:
        raise ValidationFailed(_("The submission date is in the future."), code="invalid_date", field="submitted_on")
    proposals = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(batch=batch, status=S.BLOCK_APPROVED)
        .select_related("award_type", "unit", "person", "block_year__block__owner", "batch")
        .order_by("award_type__position", "recipient_name", "id")
    )
    if not proposals:
        raise ValidationFailed(_("The batch has no approved proposal to submit."), code="batch_empty")
    held = [proposal for proposal in proposals if sp.hold_blocking(proposal) is not None]
    if held:
        raise Conflict(
            _("Under disciplinary review, investigation or inspection: %(names)s. Return or withdraw them first.")
            % {"names": ", ".join(p.recipient_name for p in held)},
            code="disciplinary_hold",
        )
    _check_batch_dossiers(proposals, letter_number=letter_number)
    reports = {}
    refused = []
    for proposal in proposals:
        report = _evaluate(proposal)
        reports[proposal.pk] = report
        if report.verdict is Verdict.INELIGIBLE and not (override_reason.strip() or proposal.override_reason):
            refused.append(proposal)
    if refused:
        raise ListedError(
            _("Not eligible, with no override recorded: %(names)s. Give the reason for the override.")
            % {"names": ", ".join(p.recipient_name for p in refused)},
            code="not_eligible",
            field="override_reason",
            details=[{"proposal": p.pk, "recipient": p.recipient_name} for p in refused],
        )
    before = snapshot(batch, BATCH_FIELDS)
    for proposal in proposals:
        _advance(
            actor=actor,
            proposal=proposal,
            action=Action.SUBMIT_BATCH,
            to_status=S.AT_DEPARTMENT,
            override_reason=override_reason,
            override_fallback=proposal.override_reason,
            extra={"batch": batch.pk, "batch_round": batch.round},
            report=reports[proposal.pk],
        )
    batch.status = BatchStatus.SUBMITTED
    batch.letter_number = letter_number or batch.letter_number
    batch.submitted_on = submitted_on
    batch.submitted_by = actor if getattr(actor, "pk", None) else None
    batch.save(update_fields=[*BATCH_FIELDS, "updated_at"])
    changes: dict[str, Any] = dict(model_changes(before, snapshot(batch, BATCH_FIELDS)))
    changes["proposals"] = [proposal.pk for proposal in proposals]
    audit_record(actor=actor, action="proposal_batch.submit", obj=batch, changes=changes)
    return batch


def _check_batch_dossiers(proposals: list[Proposal], *, letter_number: str) -> None:
    by_owner = sp.proposal_attachments(proposals)
    data = sp.block_data({proposal.block_year_id for proposal in proposals})
    form_01 = any(
        sp.attachment_kind(attachment) == DossierKind.FORM_01
        for attachments in by_owner.values()
        for attachment in attachments
    )
    incomplete = []
    for proposal in proposals:
        lines = sp.dossier_lines(
            proposal,
            attachments=by_owner.get(proposal.pk, []),
            data=data[proposal.block_year_id],
            batch_letter=bool(letter_number),
            batch_form_01=form_01,
        )
        missing = sp.missing_papers(lines, skip=[DossierKind.COUNCIL_MINUTES])
        if missing:
            incomplete.append((proposal, missing))
    if incomplete:
        raise ListedError(
            _("The dossiers are incomplete: %(list)s.")
            % {
                "list": "; ".join(
                    f"{proposal.recipient_name} ({', '.join(line.label for line in missing)})"
                    for proposal, missing in incomplete
                )
            },
            code="dossier_incomplete",
            details=[
                {"proposal": p.pk, "recipient": p.recipient_name, "missing": [line.kind for line in missing]}
                for p, missing in incomplete
            ],
        )


@transaction.atomic
def proposal_refresh_eligibility(*, actor: Any, proposal: Proposal) -> Proposal:
    """Evaluate the eligibility again (after the registry or the year's data changed) and store the report."""
    require_perm(actor, "awards.view_proposal", proposal)
    proposal = _lock(proposal)
    if proposal.status in workflow.FINAL_STATUSES:
        raise Conflict(
            _("The eligibility of a decided, rejected or withdrawn proposal is kept as it was."),
            code="proposal_closed",
        )
    before = snapshot(proposal, PROPOSAL_FIELDS)
    _store_report(proposal, _evaluate(proposal))
    proposal.save(update_fields=["eligibility", "eligibility_report", "eligibility_checked_at", "updated_at"])
    changes: dict[str, Any] = dict(model_changes(before, snapshot(proposal, PROPOSAL_FIELDS)))
    changes["checked_at"] = proposal.eligibility_checked_at.isoformat() if proposal.eligibility_checked_at else None
    audit_record(actor=actor, action="proposal.refresh_eligibility", obj=proposal, changes=changes)
    return proposal


@transaction.atomic
def proposal_mark_decided(*, actor: Any, proposal: Proposal, decision: Decision) -> Proposal:
    """For the decisions service only, inside decision_issue's transaction (it has checked manage_decision):
    the accepted proposal becomes decided by `decision`. A disciplinary hold refuses it.

    The eligibility is not evaluated again here: the award the decision creates would count against itself.
    """
    proposal = _lock(proposal)
    if proposal.status != S.ACCEPTED:
        raise Conflict(
            _("Only a proposal the council accepted can be decided (this one is: %(status)s).")
            % {"status": ProposalStatus(proposal.status).label},
            code="invalid_transition",
        )
    _check_hold(proposal)
    before = snapshot(proposal, PROPOSAL_FIELDS)
    proposal.status = S.DECIDED
    proposal.decision = decision
    proposal.due_on = None
    return _save_moved(
        actor=actor,
        proposal=proposal,
        action=Action.DECIDE,
        before=before,
        from_status=S.ACCEPTED,
        extra={"decision": decision.pk},
    )
