"""The scoring table of a block-year (bảng chấm điểm): a set of criteria groups, each holding items.

Each block-year has its own set, usually copied from last year and edited, then locked when
scoring opens so that every unit is scored against the same table. An item says how it is scored
(points up to a maximum, yes/no, or a bonus or deduction per occurrence with a cap); the pure
functions in `thidua.scoring.rules` turn an entry into points.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class ItemType(models.TextChoices):
    POINTS = "points", _("Points up to the maximum")
    YES_NO = "yes_no", _("Yes / no")
    BONUS = "bonus", _("Bonus per occurrence")
    DEDUCTION = "deduction", _("Deduction per occurrence")


class CriteriaSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LOCKED = "locked", _("Locked")


class CriteriaSet(TimeStampedModel):
    block_year = models.OneToOneField(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="criteria_set", verbose_name=_("block-year")
    )
    title = models.CharField(_("title"), max_length=255)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CriteriaSetStatus.choices, default=CriteriaSetStatus.DRAFT
    )
    total_cap = models.DecimalField(
        _("cap on the total"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty if bonus points may take a total past the base maximum (97 + 10 = 107)."),
    )
    bonus_cap = models.DecimalField(_("cap on all bonus points"), max_digits=7, decimal_places=2, null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("copied from")
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cap__isnull=True) | Q(total_cap__gt=0), name="criteriaset_cap_pos"
            ),
            models.CheckConstraint(
                condition=Q(bonus_cap__isnull=True) | Q(bonus_cap__gte=0), name="criteriaset_bonus_cap"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.status == CriteriaSetStatus.LOCKED


class CriteriaGroup(models.Model):
    """A group of criteria (e.g. "I. Thực hiện nhiệm vụ chuyên môn"), the first level of the tree."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=500)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criteriagroup_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class CriteriaItem(models.Model):
    """One line of the scoring table."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="items")
    group = models.ForeignKey(CriteriaGroup, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=16)
    title = models.CharField(_("title"), max_length=1000)
    guidance = models.TextField(_("guidance"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    item_type = models.CharField(_("scoring type"), max_length=16, choices=ItemType.choices, default=ItemType.POINTS)
    max_points = models.DecimalField(_("maximum points"), max_digits=7, decimal_places=2, default=0)
    per_occurrence = models.DecimalField(_("points per occurrence"), max_digits=7, decimal_places=2, default=0)
    cap = models.DecimalField(_("cap"), max_digits=7, decimal_places=2, null=True, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)

    class Meta:
        verbose_name = _("criteria item")
        verbose_name_plural = _("criteria items")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criteriaitem_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criteriaitem_max_nonneg"),
            models.CheckConstraint(condition=Q(per_occurrence__gte=0), name="criteriaitem_per_occ_nonneg"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="criteriaitem_cap_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"
