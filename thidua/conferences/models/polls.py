"""Polls, their candidates, the voter roll and the secret ballots.

The secret is kept by the schema, not by discipline: `VoterRoll` says *that* a delegate voted in a poll,
`Ballot` says *what* was chosen, and nothing joins them. A ballot row has a random id (uuid4), the poll,
its weight, its canonical content and the hash of the voter's receipt: no voter, no timestamp, no
sequence. Both rows are written in one transaction, and the unique constraint on (poll, delegate) makes
the database refuse a second ballot from one delegate, also when two server processes receive both at
once. When the poll closes its ballots are chained in the order of their random ids (never the order
they came in) and every row is rewritten once, so even the storage's row versions no longer tell when
each ballot was cast. A test inspects these models and fails if any path joins a ballot to a voter.

Paper ballots (the fallback when the hall has no network) are not rows: the secretary marks on the roll
who took a paper ballot, enters the paper count, and a second person confirms it before the close.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class PollKind(models.TextChoices):
    SELECTION = "selection", _("Choose among candidates")
    APPROVAL = "approval", _("Yes / no / abstain per candidate")
    ELECTION = "election", _("Election of the head and deputies")


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class BaseChoice(models.TextChoices):
    PRESENT = "present", _("Delegates present")
    ENTITLED = "entitled", _("All entitled delegates")
    VALID = "valid", _("Valid ballots")


class TieRule(models.TextChoices):
    HIGHER_SCORE = "higher_score", _("Higher score in the ranking")
    RUNOFF = "runoff", _("Run-off among the tied")


class CandidateGroup(models.TextChoices):
    NONE = "", _("—")
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy head")


class VoteChannel(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic")
    PAPER = "paper", _("Paper")


class Poll(TimeStampedModel):
    conference = models.ForeignKey("conferences.Conference", on_delete=models.CASCADE, related_name="polls")
    agenda_item = models.ForeignKey(
        "conferences.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polls",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("question"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=PollKind.choices)
    min_choices = models.PositiveSmallIntegerField(_("at least"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("at most"), default=1)
    seats = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    threshold_numerator = models.PositiveSmallIntegerField(_("threshold numerator"), default=1)
    threshold_denominator = models.PositiveSmallIntegerField(_("threshold denominator"), default=2)
    threshold_strict = models.BooleanField(_("more than (not at least)"), default=True)
    base = models.CharField(_("counted against"), max_length=16, choices=BaseChoice.choices, default=BaseChoice.PRESENT)
    tie_rule = models.CharField(_("ties"), max_length=16, choices=TieRule.choices, default=TieRule.HIGHER_SCORE)
    status = models.CharField(_("status"), max_length=16, choices=PollStatus.choices, default=PollStatus.DRAFT)
    runoff_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="runoffs", verbose_name=_("run-off of")
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Figures fixed at the close: the weights the base and quorum were read from, the outcome, the bulletin's head.
    present_weight = models.PositiveIntegerField(null=True, blank=True)
    entitled_weight = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.JSONField(null=True, blank=True)
    bulletin_head = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["conference", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_denominator__gt=0)
                & Q(threshold_numerator__gt=0)
                & Q(threshold_numerator__lte=models.F("threshold_denominator")),
                name="poll_threshold_fraction",
            ),
            models.CheckConstraint(condition=Q(min_choices__lte=models.F("max_choices")), name="poll_min_le_max"),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="candidates")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    group = models.CharField(_("stands for"), max_length=16, choices=CandidateGroup.choices, blank=True, default="")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["poll", "group", "position", "id"]
        # In an election a unit may stand both for head and for deputy: once per group.
        constraints = [models.UniqueConstraint(fields=["poll", "unit", "group"], name="candidate_once_per_group")]

    def __str__(self) -> str:
        return str(self.unit)


class VoterRoll(models.Model):
    """That a delegate voted in a poll (electronically, or took a paper ballot). Never what they chose.

    `key_hash` is the hash of the client's idempotency key (electronic votes), so a retried request is
    recognised and answered with the same receipt; the receipt itself is derived from the key with the
    server's secret and is stored nowhere on this side.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="roll")
    delegate = models.ForeignKey("conferences.Delegate", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=VoteChannel.choices, default=VoteChannel.ELECTRONIC)
    key_hash = models.CharField(max_length=64, blank=True)
    weight = models.PositiveSmallIntegerField(default=1)  # the delegate's weight when they voted (poll_verify)

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        constraints = [models.UniqueConstraint(fields=["poll", "delegate"], name="voterroll_one_vote_per_poll")]

    def __str__(self) -> str:
        return f"{self.poll_id}/{self.delegate_id}"


class Ballot(models.Model):
    """What was chosen, by nobody in particular: see the module docstring before adding any field."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    weight = models.PositiveSmallIntegerField(default=1)
    content = models.TextField()  # canonical JSON (rules.canonical_content)
    receipt_hash = models.CharField(max_length=64)
    link_hash = models.CharField(max_length=64, blank=True)  # the bulletin's chain, set at the close

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["poll", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "receipt_hash"], name="ballot_receipt_unique")]

    def __str__(self) -> str:
        return str(self.id)


class PaperCount(TimeStampedModel):
    """The count of the paper ballots of a poll, entered by one person and confirmed by another."""

    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="paper_count")
    counts = models.JSONField(default=dict)  # per candidate: votes (or yes/no/abstain); blank; invalid
    ballots = models.PositiveIntegerField(_("paper ballots counted"), default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("paper count")
        verbose_name_plural = _("paper counts")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("entered_by")),
                name="papercount_two_people",
            ),
        ]
