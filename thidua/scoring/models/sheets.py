"""Score sheets: a unit's self-score and each review of it, line by line, with revisions.

A sheet is one scorer's view of one unit: the unit itself (self) or a reviewer (a leading unit in
head-and-deputies mode, a member unit in cross-scoring). Sheets move draft → submitted →
(approved, for a self-score) → finalised. A finalised sheet never changes: a correction is a new
sheet with the next revision number and a reason, and the old one stays, no longer current.
`version` is bumped on every save so two people editing one sheet cannot overwrite each other.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class SheetKind(models.TextChoices):
    SELF = "self", _("Self-score")
    REVIEW = "review", _("Review")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved by the unit head")
    FINALISED = "finalised", _("Finalised")


class ScoreSheet(TimeStampedModel):
    block_year = models.ForeignKey("organizations.BlockYear", on_delete=models.CASCADE, related_name="score_sheets")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="score_sheets")
    kind = models.CharField(_("kind"), max_length=16, choices=SheetKind.choices)
    reviewer_unit = models.ForeignKey(
        "organizations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews_given",
        verbose_name=_("reviewing unit"),
    )
    is_head_review = models.BooleanField(_("the block head's review"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    version = models.PositiveIntegerField(default=1)
    comment = models.TextField(_("general comment"), blank=True)
    base_total = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    bonus_total = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    deduction_total = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, default=0)
    last_edited_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["block_year", "unit", "kind", "reviewer_unit", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["block_year", "unit", "kind", "reviewer_unit"],
                condition=Q(is_current=True, reviewer_unit__isnull=False),
                name="scoresheet_one_current_review",
            ),
            models.UniqueConstraint(
                fields=["block_year", "unit", "kind"],
                condition=Q(is_current=True, reviewer_unit__isnull=True),
                name="scoresheet_one_current_self",
            ),
            models.CheckConstraint(
                condition=Q(kind="self", reviewer_unit__isnull=True) | Q(kind="review", reviewer_unit__isnull=False),
                name="scoresheet_reviewer_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(reviewer_unit__isnull=True) | ~Q(reviewer_unit=models.F("unit")),
                name="scoresheet_no_self_review",
            ),
        ]
        indexes = [models.Index(fields=["block_year", "is_current"], name="scoresheet_year_current_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit} r{self.revision}"

    @property
    def is_locked(self) -> bool:
        return self.status == SheetStatus.FINALISED or not self.is_current


class ScoreLine(models.Model):
    """The entry for one criteria item on one sheet; `points` is signed (deductions are negative)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("scoring.CriteriaItem", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    count = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=0)
    comment = models.TextField(_("comment"), blank=True)
    evidence_note = models.CharField(_("evidence"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="scoreline_item_once")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"


class ReviewAssignment(models.Model):
    """Cross-scoring: `reviewer_unit` scores `unit` this block-year."""

    block_year = models.ForeignKey(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer_unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["unit", "reviewer_unit"]
        constraints = [
            models.UniqueConstraint(fields=["block_year", "reviewer_unit", "unit"], name="reviewassignment_unique"),
            models.CheckConstraint(condition=~Q(reviewer_unit=models.F("unit")), name="reviewassignment_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_unit_id} → {self.unit_id}"


class ConflictOfInterest(models.Model):
    """A declared conflict: `reviewer_unit` must not score `unit` (e.g. a leader's spouse works there)."""

    block_year = models.ForeignKey(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="scoring_conflicts"
    )
    reviewer_unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    declared_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["block_year", "reviewer_unit", "unit"], name="conflict_unique"),
            models.CheckConstraint(condition=~Q(reviewer_unit=models.F("unit")), name="conflict_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_unit_id} ✗ {self.unit_id}"
