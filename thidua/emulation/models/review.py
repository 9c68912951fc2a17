"""The mid-year review (sơ kết 6 tháng): the block head's written summary and remarks per member unit.

The figures of a review (task progress, movements, activities, practices) are computed from live data
as of a cut-off date; when the review is published the cut-off and a snapshot of the figures are kept
with it, so the published review reads the same later, whatever is recorded afterwards.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MidyearReview(TimeStampedModel):
    block_year = models.OneToOneField(
        "organizations.BlockYear",
        on_delete=models.CASCADE,
        related_name="midyear_review",
        verbose_name=_("block-year"),
    )
    summary = models.TextField(_("summary"), blank=True)
    cutoff_date = models.DateField(_("cut-off date"))
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    figures = models.JSONField(_("figures at publication"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("mid-year review")
        verbose_name_plural = _("mid-year reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="midyearreview_published_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.block_year}"


class MidyearUnitRemark(models.Model):
    review = models.ForeignKey(MidyearReview, on_delete=models.CASCADE, related_name="remarks")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    remark = models.TextField(_("remark"))

    class Meta:
        verbose_name = _("remark on a unit")
        verbose_name_plural = _("remarks on units")
        ordering = ["review", "unit__name", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "unit"], name="midyearunitremark_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.remark[:60]}"
