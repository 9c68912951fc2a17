"""A block-year's plan (objectives and milestones) and its emulation covenant (giao ước thi đua).

The covenant is the block's signed promise: a title, an introduction and an ordered list of
commitments. It moves draft → open for signing → closed; its text can change only while it is a
draft, so every signature is on the same words. Each member unit signs once, by its head.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class Plan(TimeStampedModel):
    """What the block sets out to do in the year, and the dates it works to."""

    block_year = models.OneToOneField(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="emulation_plan", verbose_name=_("block-year")
    )
    objectives = models.TextField(_("objectives"), blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.block_year}"


class PlanMilestone(models.Model):
    """A key date of the plan (launch, covenant signing, mid-year review, …)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "position", "id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"


class CovenantStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for signing")
    CLOSED = "closed", _("Closed")


class Covenant(TimeStampedModel):
    """The emulation covenant of a block-year."""

    block_year = models.OneToOneField(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="covenant", verbose_name=_("block-year")
    )
    title = models.CharField(_("title"), max_length=255)
    preamble = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CovenantStatus.choices, default=CovenantStatus.DRAFT)
    opened_at = models.DateTimeField(_("opened for signing at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("covenant")
        verbose_name_plural = _("covenants")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(opened_at__isnull=False), name="covenant_opened_when_not_draft"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="covenant_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CovenantCommitment(models.Model):
    """One line of the covenant, in order."""

    covenant = models.ForeignKey(
        Covenant, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("covenant")
    )
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("commitment"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["covenant", "position"], name="covenantcommitment_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class CovenantSignature(TimeStampedModel):
    """A member unit's signature on the covenant: who signed for it and when. One per unit."""

    covenant = models.ForeignKey(
        Covenant, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("covenant")
    )
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="covenant_signatures", verbose_name=_("unit")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="covenant_signatures",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(_("signer's name"), max_length=200)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("covenant signature")
        verbose_name_plural = _("covenant signatures")
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["covenant", "unit"], name="covenantsignature_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.signer_name}"
