"""How a block-year scores: who reviews, how reviews become a final score, ties, tracks and bands.

Practice differs between blocks (domain.md §4.3–4.4 marks it UNCONFIRMED), so every choice is a
setting of the block-year rather than a rule in code: review by the head and deputies or
cross-scoring between members, the final-score rule, optional normalisation of lenient or harsh
reviewers, the threshold that flags self/review differences, the tie-break order, separate ranking
tracks inside one block, and the point bands that suggest titles.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class ReviewMode(models.TextChoices):
    HEAD_AND_DEPUTIES = "head_and_deputies", _("Reviewed by the block head and deputies")
    CROSS = "cross", _("Cross-scoring between member units")


class FinalRule(models.TextChoices):
    HEAD = "head", _("The block head's reviewed score")
    MEAN = "mean", _("Mean of the reviewers")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (without the highest and lowest)")
    MEDIAN = "median", _("Median of the reviewers")


class NormaliseMethod(models.TextChoices):
    NONE = "none", _("No normalisation")
    MEAN_SHIFT = "mean_shift", _("Shift each reviewer to the common mean")
    Z_SCORE = "z_score", _("Standardise each reviewer (z-score)")


class ScoringConfig(TimeStampedModel):
    block_year = models.OneToOneField(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="scoring_config", verbose_name=_("block-year")
    )
    review_mode = models.CharField(
        _("review"), max_length=32, choices=ReviewMode.choices, default=ReviewMode.HEAD_AND_DEPUTIES
    )
    reviewers_per_unit = models.PositiveSmallIntegerField(_("reviewers per unit"), default=2)
    final_rule = models.CharField(_("final score"), max_length=16, choices=FinalRule.choices, default=FinalRule.MEAN)
    normalisation = models.CharField(
        _("normalisation"), max_length=16, choices=NormaliseMethod.choices, default=NormaliseMethod.NONE
    )
    use_normalised = models.BooleanField(
        _("rank on normalised scores"),
        default=False,
        help_text=_("Normalised scores are always shown beside the raw ones; this decides which one ranks."),
    )
    item_difference_threshold = models.DecimalField(
        _("flag an item difference above"), max_digits=7, decimal_places=2, default=2
    )
    total_difference_threshold = models.DecimalField(
        _("flag a total difference above"), max_digits=7, decimal_places=2, default=5
    )
    tie_breaks = models.JSONField(
        _("tie-break order"),
        default=list,
        blank=True,
        help_text=_('After the total, in order: [{"kind": "group", "group": "II"}, {"kind": "fewer_deductions"}].'),
    )
    self_approval_required = models.BooleanField(_("the unit head approves the self-score"), default=True)
    assignment_seed = models.PositiveIntegerField(_("assignment seed"), default=0)
    ranking_published_at = models.DateTimeField(_("ranking published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewers_per_unit__gte=1, reviewers_per_unit__lte=20), name="scoringconfig_reviewers"
            ),
            models.CheckConstraint(
                condition=Q(item_difference_threshold__gte=0, total_difference_threshold__gte=0),
                name="scoringconfig_thresholds",
            ),
        ]

    def __str__(self) -> str:
        return str(self.block_year)


class ScoringTrack(models.Model):
    """A separate ranking inside one block (e.g. schools and centres vs. offices)."""

    block_year = models.ForeignKey("organizations.BlockYear", on_delete=models.CASCADE, related_name="scoring_tracks")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    units = models.ManyToManyField("organizations.Unit", related_name="+", blank=True, verbose_name=_("units"))

    class Meta:
        verbose_name = _("ranking track")
        verbose_name_plural = _("ranking tracks")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["block_year", "name"], name="scoringtrack_name_unique")]

    def __str__(self) -> str:
        return self.name


class ScoreBand(models.Model):
    """A point band that suggests a title (e.g. 70–90: Tập thể lao động tiên tiến)."""

    block_year = models.ForeignKey("organizations.BlockYear", on_delete=models.CASCADE, related_name="score_bands")
    minimum = models.DecimalField(_("from"), max_digits=7, decimal_places=2)
    maximum = models.DecimalField(_("to"), max_digits=7, decimal_places=2, null=True, blank=True)
    title = models.CharField(_("suggested title"), max_length=255)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("point band")
        verbose_name_plural = _("point bands")
        ordering = ["-minimum"]
        constraints = [
            models.CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=models.F("minimum")), name="scoreband_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minimum}–{self.maximum or '∞'}: {self.title}"
