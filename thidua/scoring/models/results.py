"""What scoring produces: differences to reconcile and each unit's final score and rank.

FinalScore rows are derived data: `scoring_recompute` rebuilds them from the current sheets with
one SQL aggregation and the pure rules (final-score rule, normalisation, ranking, bands). They are
stored so that pages, the API and the conference read a ranking without recomputing it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReconciliationStatus(models.TextChoices):
    OPEN = "open", _("To reconcile")
    RESOLVED = "resolved", _("Reconciled")


class Reconciliation(models.Model):
    """A self/review difference above the threshold, on one item (or on the total when item is empty)."""

    block_year = models.ForeignKey("organizations.BlockYear", on_delete=models.CASCADE, related_name="reconciliations")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    review_sheet = models.ForeignKey("scoring.ScoreSheet", on_delete=models.CASCADE, related_name="reconciliations")
    item = models.ForeignKey("scoring.CriteriaItem", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    self_points = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    review_points = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReconciliationStatus.choices, default=ReconciliationStatus.OPEN
    )
    reason = models.TextField(_("reason"), blank=True)
    resolved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("difference to reconcile")
        verbose_name_plural = _("differences to reconcile")
        ordering = ["unit", "item"]
        constraints = [
            models.UniqueConstraint(fields=["review_sheet", "item"], name="reconciliation_once_per_item"),
            models.UniqueConstraint(
                fields=["review_sheet"], condition=models.Q(item__isnull=True), name="reconciliation_once_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.item_id or 'total'}: {self.self_points} ≠ {self.review_points}"


class FinalScore(models.Model):
    block_year = models.ForeignKey("organizations.BlockYear", on_delete=models.CASCADE, related_name="final_scores")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="final_scores")
    track = models.CharField(_("track"), max_length=200, blank=True)
    self_total = models.DecimalField(_("self-score"), max_digits=7, decimal_places=2, null=True)
    review_count = models.PositiveSmallIntegerField(default=0)
    raw_total = models.DecimalField(_("final score"), max_digits=7, decimal_places=2, null=True)
    normalised_total = models.DecimalField(_("normalised score"), max_digits=7, decimal_places=2, null=True)
    ranking_total = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    bonus = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    deductions = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    group_scores = models.JSONField(default=dict)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    tied = models.BooleanField(default=False)
    decided_by = models.CharField(max_length=100, blank=True)
    suggested_title = models.CharField(_("suggested title"), max_length=255, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("final score")
        verbose_name_plural = _("final scores")
        ordering = ["block_year", "track", "rank", "unit"]
        constraints = [models.UniqueConstraint(fields=["block_year", "unit"], name="finalscore_unique")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.raw_total} (#{self.rank})"
