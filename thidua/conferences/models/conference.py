"""A block-year's conference: when and where, its agenda, and the roll of delegates who may check in and vote.

A delegate represents a member unit (or is a guest without a vote). The vote weight sits on the delegate,
default one per member unit: a unit sending several people gives the weight to one of them and the others
attend without a vote, unless the secretary decides otherwise. Delegates need no user account: each has a
personal card whose QR code carries a signed token (see `services.delegates.delegate_token`); `token_nonce`
lets the secretary revoke a lost card by issuing a new one.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


def new_nonce() -> str:
    return secrets.token_hex(8)


class ConferenceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")


class Conference(TimeStampedModel):
    block_year = models.ForeignKey("organizations.BlockYear", on_delete=models.CASCADE, related_name="conferences")
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255)
    chair = models.CharField(_("chaired by"), max_length=200, blank=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conferences_as_secretary",
        verbose_name=_("secretary"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ConferenceStatus.choices, default=ConferenceStatus.PLANNED
    )
    # The quorum to open a poll: present vote weight against the entitled weight (default: more than half).
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=1)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=2)
    quorum_strict = models.BooleanField(_("more than (not at least)"), default=True)
    current_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("current item")
    )
    conclusions = models.TextField(_("conclusions"), blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    leadership_applied_to = models.ForeignKey(
        "organizations.BlockYear", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["block_year", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0) & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="conference_quorum_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaKind(models.TextChoices):
    REPORT = "report", _("Year-end report")
    SCORING_RESULTS = "scoring_results", _("Scoring results")
    LEADING_UNIT = "leading_unit", _("Acclaim of the leading unit")
    COMMENDATION = "commendation", _("Certificate of merit proposals")
    LEADERSHIP = "leadership", _("Next year's head and deputies")
    NEXT_PLAN = "next_plan", _("Next year's plan")
    OTHER = "other", _("Other")


class AgendaItem(TimeStampedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=32, choices=AgendaKind.choices, default=AgendaKind.OTHER)
    title = models.CharField(_("title"), max_length=255)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["conference", "position", "id"]

    def __str__(self) -> str:
        return self.title


class CheckInMethod(models.TextChoices):
    CARD = "card", _("Delegate card (QR code)")
    SECRETARY = "secretary", _("By the secretary")


class Delegate(TimeStampedModel):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="delegates")
    unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conference_seats",
        verbose_name=_("staff record"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("position"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)  # guests from outside the block
    is_guest = models.BooleanField(_("guest (no vote)"), default=False)
    weight = models.PositiveSmallIntegerField(_("vote weight"), default=1)
    token_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_method = models.CharField(max_length=16, choices=CheckInMethod.choices, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["conference", "unit__name", "full_name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(is_guest=False) | Q(weight=0), name="delegate_guest_no_weight"),
            models.CheckConstraint(condition=Q(is_guest=True) | Q(unit__isnull=False), name="delegate_voter_has_unit"),
            models.UniqueConstraint(
                fields=["conference", "person"], condition=Q(person__isnull=False), name="delegate_person_once"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def can_vote(self) -> bool:
        return not self.is_guest and self.weight > 0

    @property
    def is_present(self) -> bool:
        return self.checked_in_at is not None
