"""Decisions (quyết định khen thưởng): the act that turns accepted proposals into awards.

A decision is drafted by the emulation officer from proposals the council accepted (they point to it while it is a
draft), then issued: from that moment it is immutable, and each of its proposals has become one `Award` of the
registry (`Award.decision`), with the prize money computed from the coefficient and the base salary in force on the
decision date (`selectors.prize_for`). The money is paid from the emulation fund of the deciding level (`fund`),
which is what the totals "per fund" add up.

Revoking an award later (Law 06/2022, chapter VII) is a change to that award (`award_revoke`), recorded with its
reason and the money to recover; the decision itself stays as issued.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.awards.models.catalogue import Decider
from thidua.core.models import TimeStampedModel


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class Fund(models.TextChoices):
    """The emulation and commendation fund that pays the prize money (ND152/ND98: the deciding level's fund)."""

    DEPARTMENT = "department", _("Fund of the department")
    PROVINCE = "province", _("Fund of the province")
    CENTRAL = "central", _("Central fund")


class Decision(TimeStampedModel):
    """One decision: number, date, signer, issuing body, legal basis, and (once issued) its awards."""

    number = models.CharField(_("number"), max_length=100, blank=True, help_text=_("For example 123/QĐ-UBND."))
    signed_on = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("summary (trích yếu)"), max_length=500)
    issuing_body = models.CharField(_("issuing body"), max_length=255)
    decider = models.CharField(_("deciding authority"), max_length=32, choices=Decider.choices)
    signer_name = models.CharField(_("signed by"), max_length=255, blank=True)
    signer_title = models.CharField(_("signer's position"), max_length=255, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    fund = models.CharField(_("paid from"), max_length=16, choices=Fund.choices)
    status = models.CharField(_("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published = models.BooleanField(
        _("published on the public portal"), default=True, help_text=_("Shown on the public portal once issued.")
    )
    owner = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="award_decisions",
        verbose_name=_("prepared by"),
        help_text=_("The office that prepares the decision (its officers may edit and issue it)."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_body", "number"], condition=~Q(number=""), name="decision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(status=DecisionStatus.DRAFT)
                | (Q(status=DecisionStatus.ISSUED, signed_on__isnull=False, issued_at__isnull=False) & ~Q(number="")),
                name="decision_issued_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(self.title)

    @property
    def issued(self) -> bool:
        return self.status == DecisionStatus.ISSUED
