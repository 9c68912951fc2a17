"""Proposals (đề nghị khen thưởng) and their dossiers, the block's batch submission, and disciplinary holds.

A proposal asks for one title or form for one collective or person for the achievement of one year. It travels
unit → unit head → block head (in the block's batch) → department emulation officer → provincial council → decision
(domain.md §4.2 steps 4–6; DESIGN.md cycle step 7). The status says who holds it; every move is a `ProposalStep`
row, so the history shows who sent it where, when, and why (a return's reason, an eligibility override's reason,
the council's vote). The rules of the moves live in `awards/workflow.py` (pure) and `services/proposals.py`.

The dossier's checklist (Mẫu 01 tờ trình, Mẫu 02 báo cáo thành tích, the block's minutes and tally, other papers)
is computed from the award type's `dossier` list, the files attached to the proposal (attachments with
`field` = the item's kind) and the year's data Thidua holds (the conference minutes, the ranking); see
`selectors_proposals.dossier_of`.

A disciplinary hold (the unit or person is under disciplinary review, investigation or inspection — ND152: no
award meanwhile) blocks a proposal at every step and the decision; no override lifts it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.awards.models.catalogue import AwardType, Recipient
from thidua.core.models import TimeStampedModel


class ProposalStatus(models.TextChoices):
    """Where a proposal is; the holder of each status is in `awards.workflow.HOLDER`."""

    DRAFT = "draft", _("Draft (unit)")
    SUBMITTED = "submitted", _("Awaiting the unit head")
    UNIT_APPROVED = "unit_approved", _("Awaiting the block head")
    BLOCK_APPROVED = "block_approved", _("In the block's batch")
    AT_DEPARTMENT = "at_department", _("Awaiting the department officer")
    AT_COUNCIL = "at_council", _("Awaiting the council")
    ACCEPTED = "accepted", _("Accepted by the council")
    REJECTED = "rejected", _("Rejected by the council")
    DECIDED = "decided", _("Decided")
    RETURNED = "returned", _("Returned to the unit")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DossierKind(models.TextChoices):
    """The papers of a dossier (domain.md §5.1)."""

    FORM_01 = "form_01", _("Submission letter (Form 01)")
    FORM_02 = "form_02", _("Achievement report (Form 02)")
    BLOCK_MINUTES = "block_minutes", _("Minutes of the block's conference and vote")
    TALLY = "tally", _("The block's scoring tally")
    COUNCIL_MINUTES = "council_minutes", _("Minutes of the council's meeting and vote")
    OTHER = "other", _("Other papers")


class EligibilityOutcome(models.TextChoices):
    """The verdict of the last eligibility evaluation stored on a proposal."""

    PASS = "pass", _("Eligible")
    FAIL = "fail", _("Not eligible")
    UNKNOWN = "unknown", _("Not known")


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted")


class ProposalBatch(TimeStampedModel):
    """One submission of a block's proposals to the department (đợt trình), listing all of them.

    A block-year may submit more than one round (a supplementary round after a return); each round is one batch.
    """

    block_year = models.ForeignKey(
        "organizations.BlockYear",
        on_delete=models.PROTECT,
        related_name="proposal_batches",
        verbose_name=_("block-year"),
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    letter_number = models.CharField(_("submission letter number"), max_length=100, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("proposal batch")
        verbose_name_plural = _("proposal batches")
        ordering = ["block_year", "round"]
        constraints = [
            models.UniqueConstraint(fields=["block_year", "round"], name="proposalbatch_unique_round"),
            models.CheckConstraint(
                condition=Q(status=BatchStatus.OPEN, submitted_on__isnull=True)
                | Q(status=BatchStatus.SUBMITTED, submitted_on__isnull=False),
                name="proposalbatch_submitted_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block_year} — {self.round}"


class Proposal(TimeStampedModel):
    """One proposal of one award for one recipient and one achievement year."""

    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("title or form")
    )
    recipient_kind = models.CharField(_("recipient kind"), max_length=16, choices=Recipient.choices)
    unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("unit"),
        help_text=_("The proposed collective, or the unit that proposes the person."),
    )
    person = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("person"),
    )
    recipient_name = models.CharField(_("recipient"), max_length=255)
    year = models.PositiveSmallIntegerField(_("achievement year"))
    block_year = models.ForeignKey(
        "organizations.BlockYear",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("block-year"),
        help_text=_("The block through which the unit proposes (the block head's step)."),
    )
    batch = models.ForeignKey(
        ProposalBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("batch"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    achievement_summary = models.TextField(_("summary of achievements"), blank=True)
    achievement_report = models.TextField(
        _("achievement report"), blank=True, help_text=_("The text of Form 02, filled from the year's data.")
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, help_text=_("When the current step is due."))
    submitted_on = models.DateField(_("first submitted on"), null=True, blank=True)
    eligibility = models.CharField(
        _("eligibility"), max_length=16, choices=EligibilityOutcome.choices, blank=True, default=""
    )
    eligibility_report = models.JSONField(_("eligibility report"), null=True, blank=True)
    eligibility_checked_at = models.DateTimeField(_("eligibility checked at"), null=True, blank=True)
    override_reason = models.TextField(_("reason for going forward although not eligible"), blank=True)
    council_meeting_on = models.DateField(_("council meeting"), null=True, blank=True)
    council_members = models.PositiveSmallIntegerField(_("council members present"), null=True, blank=True)
    council_votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    council_votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    decision = models.ForeignKey(
        "awards.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("decision"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-year", "award_type__position", "recipient_name", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="proposal_status_due"),
            models.Index(fields=["block_year", "status"], name="proposal_blockyear_status"),
            models.Index(fields=["year", "award_type"], name="proposal_year_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_kind=Recipient.COLLECTIVE, person__isnull=True)
                | Q(recipient_kind=Recipient.INDIVIDUAL, person__isnull=False),
                name="proposal_one_recipient",
            ),
            models.CheckConstraint(condition=~Q(recipient_name=""), name="proposal_recipient_named"),
            models.CheckConstraint(condition=Q(year__gte=1945) & Q(year__lte=2200), name="proposal_year_range"),
            models.CheckConstraint(
                condition=Q(council_votes_for__isnull=True)
                | Q(council_members__isnull=False, council_votes_against__isnull=False),
                name="proposal_council_vote_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type_id} {self.year} — {self.recipient_name}"


class ProposalStep(models.Model):
    """One move of a proposal: who, when, from which status to which, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)
    eligibility = models.CharField(
        _("eligibility"), max_length=16, choices=EligibilityOutcome.choices, blank=True, default=""
    )
    override = models.BooleanField(_("eligibility overridden"), default=False)
    due_on = models.DateField(_("next step due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")
        ordering = ["proposal", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(override=False) | ~Q(reason=""), name="proposalstep_override_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class DisciplinaryHold(TimeStampedModel):
    """A unit or person under disciplinary review, investigation or inspection: no proposal, no award meanwhile."""

    unit = models.ForeignKey(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disciplinary_holds",
        verbose_name=_("unit"),
    )
    person = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disciplinary_holds",
        verbose_name=_("person"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("disciplinary hold")
        verbose_name_plural = _("disciplinary holds")
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, person__isnull=True) | Q(unit__isnull=True, person__isnull=False),
                name="hold_one_subject",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="hold_with_reason"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")), name="hold_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id or self.person_id}: {self.started_on}–{self.ended_on or ''}"
