"""The registry of awards (sổ khen thưởng): every award of every collective and person, with the decision that gave it.

The registry is what later years' eligibility reads ("3 consecutive Grassroots emulation fighter titles"), so it
also holds history from before Thidua: spreadsheets of past decisions imported in batches. Those name people and
units Thidua may not know (a person who retired, a unit dissolved in the 2025 reorganisation), so:

- the recipient is a unit (collective award) or a person (individual award), and the `recipient_name` snapshot is
  always stored: the name as the decision wrote it, which stays right when the unit is renamed later;
- only rows imported from history (`source` = import, with their `batch`) may name a recipient by `recipient_name`
  alone, with no `unit` / `person` link; manual entries and decisions always link the recipient (DB check);
- for an individual award `unit` is the person's unit at the time (optional context, with the `unit_name`
  snapshot); it is what scopes who may write the row and what lists the award on the unit's page.

"One achievement earns one award (one unit, one year, one title)" is enforced by partial unique constraints among
non-revoked rows: (award type, unit, year) for collective awards and (award type, person, year) for individual
ones. Rows linked by name only cannot be covered by a portable constraint; the services check them by the folded
name. A revoked award (Law 06/2022, chapter VII) stays in the registry with its date, reason and the money to
recover, but frees its achievement and never counts as history.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from thidua.awards.models.catalogue import AwardType, Recipient
from thidua.core.models import TimeStampedModel


def dong(amount: int | None) -> str:
    """Whole đồng with "." between thousands, as Vietnamese documents write money; "" for None."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


class AwardSource(models.TextChoices):
    """How a row came into the registry."""

    DECISION = "decision", _("Decision issued in Thidua")
    IMPORT = "import", _("Imported history")
    MANUAL = "manual", _("Entered by hand")


class ImportBatch(TimeStampedModel):
    """One imported history file: who brought it in, when, and what it held (rows read, awards created)."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("awards created"), default=0)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.file_name


class Award(TimeStampedModel):
    """One award given to a collective or an individual for the achievement of one year."""

    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="awards", verbose_name=_("title or form")
    )
    recipient_kind = models.CharField(_("recipient kind"), max_length=16, choices=Recipient.choices)
    unit = models.ForeignKey(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("unit"),
        help_text=_("The recipient of a collective award; the person's unit at the time for an individual award."),
    )
    person = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("person"),
    )
    recipient_name = models.CharField(
        _("recipient (as in the decision)"), max_length=255, help_text=_("The name at the time of the award.")
    )
    unit_name = models.CharField(_("unit (as in the decision)"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(_("achievement year"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_signer = models.CharField(_("signed by"), max_length=255, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=255, blank=True)
    amount = models.PositiveBigIntegerField(
        _("prize money (đồng)"), null=True, blank=True, help_text=_("Empty when imported history does not say.")
    )
    counts_as_history = models.BooleanField(
        _("counts as history"),
        default=True,
        help_text=_("False for thematic and ad-hoc awards: they are not prerequisites of merit awards."),
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    revoke_decision_number = models.CharField(_("revocation decision number"), max_length=100, blank=True)
    recovery_amount = models.PositiveBigIntegerField(_("amount to recover (đồng)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=AwardSource.choices)
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("import batch"),
    )
    decision = models.ForeignKey(
        "awards.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("decision"),
        help_text=_("The decision issued in Thidua that gave this award."),
    )
    proposal = models.OneToOneField(
        "awards.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
        verbose_name=_("proposal"),
    )
    fund = models.CharField(_("paid from"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    search_key = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "award_type__position", "recipient_name", "id"]
        indexes = [
            models.Index(fields=["unit", "year"], name="award_unit_year"),
            models.Index(fields=["person", "year"], name="award_person_year"),
            models.Index(fields=["year", "award_type"], name="award_year_type"),
            models.Index(fields=["year", "id"], name="award_year_id"),
            models.Index(fields=["decision_number"], name="award_decision_number"),
        ]
        constraints = [
            # Exactly one recipient: a collective award names a unit and no person; an individual award names a
            # person. Only imported history may name the recipient by recipient_name alone.
            models.CheckConstraint(
                condition=(
                    Q(recipient_kind=Recipient.COLLECTIVE, person__isnull=True)
                    & (Q(unit__isnull=False) | Q(source=AwardSource.IMPORT))
                )
                | (Q(recipient_kind=Recipient.INDIVIDUAL) & (Q(person__isnull=False) | Q(source=AwardSource.IMPORT))),
                name="award_one_recipient",
            ),
            models.CheckConstraint(condition=~Q(recipient_name=""), name="award_recipient_named"),
            models.CheckConstraint(condition=Q(year__gte=1945) & Q(year__lte=2200), name="award_year_range"),
            models.CheckConstraint(
                condition=Q(source=AwardSource.IMPORT, batch__isnull=False)
                | (~Q(source=AwardSource.IMPORT) & Q(batch__isnull=True)),
                name="award_import_has_batch",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revoke_reason=""), name="award_revoked_with_reason"
            ),
            models.CheckConstraint(
                condition=Q(recovery_amount__isnull=True) | Q(revoked_on__isnull=False),
                name="award_recovery_only_when_revoked",
            ),
            models.CheckConstraint(
                condition=Q(recovery_amount__isnull=True)
                | Q(amount__isnull=True)
                | Q(recovery_amount__lte=F("amount")),
                name="award_recovery_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=True) | Q(source=AwardSource.DECISION), name="award_decision_source"
            ),
            # One achievement earns one award.
            models.UniqueConstraint(
                fields=["award_type", "unit", "year"],
                condition=Q(recipient_kind=Recipient.COLLECTIVE, revoked_on__isnull=True),
                name="award_one_per_unit_year",
            ),
            models.UniqueConstraint(
                fields=["award_type", "person", "year"],
                condition=Q(revoked_on__isnull=True),
                name="award_one_per_person_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type_id} {self.year} — {self.recipient_name}"

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def amount_text(self) -> str:
        """The prize money written the Vietnamese way ("1.880.000"), empty when unknown."""
        return dong(self.amount)

    @property
    def recovery_text(self) -> str:
        return dong(self.recovery_amount)

    @property
    def linked(self) -> bool:
        """Whether the recipient is a unit or person of Thidua (not a name from imported history only)."""
        return (self.unit_id if self.recipient_kind == Recipient.COLLECTIVE else self.person_id) is not None
