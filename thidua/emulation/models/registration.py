"""Registrations (đăng ký thi đua) of the member units and their key tasks (nhiệm vụ trọng tâm).

A registration says which collective titles a unit aims for this year and how many of its staff aim
for each individual title; it moves draft → submitted → acknowledged by the block head, or back to
returned (with a reason) for changes. Its key tasks are measurable goals with a due date and a weight;
progress is reported through the year in KeyTaskUpdate rows. A task's progress is its latest update
and "overdue" (due date passed, progress below 100 %) is computed in SQL, never stored.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel
from thidua.emulation.titles import IndividualTitle


class RegistrationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RETURNED = "returned", _("Returned for changes")


EDITABLE_STATUSES = (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)
COUNTED_STATUSES = (RegistrationStatus.SUBMITTED, RegistrationStatus.ACKNOWLEDGED)


class Registration(TimeStampedModel):
    """One member unit's registration of targets for a block-year."""

    block_year = models.ForeignKey(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="registrations", verbose_name=_("block-year")
    )
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.DRAFT
    )
    collective_titles = models.JSONField(
        _("collective titles"), default=list, blank=True, help_text=_("Codes of the titles the unit aims for.")
    )
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["block_year", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["block_year", "unit"], name="registration_one_per_unit_year"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="registration_returned_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.block_year}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class IndividualTarget(models.Model):
    """How many staff of the unit aim for one individual title."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="individual_targets", verbose_name=_("registration")
    )
    title = models.CharField(_("title"), max_length=64, choices=IndividualTitle.choices)
    count = models.PositiveIntegerField(_("number of staff"), default=0)

    class Meta:
        verbose_name = _("individual target")
        verbose_name_plural = _("individual targets")
        ordering = ["registration", "title"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "title"], name="individualtarget_one_per_title"),
            models.CheckConstraint(condition=Q(count__gte=0), name="individualtarget_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()}: {self.count}"


class KeyTask(TimeStampedModel):
    """A key task the unit registered: a measurable target, a due date, an owner and a weight."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("registration")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(_("unit of measure"), max_length=50, blank=True)
    due_date = models.DateField(_("due date"))
    owner = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_tasks",
        verbose_name=_("owner"),
    )
    owner_name = models.CharField(_("owner (free text)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="keytask_weight_range"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0), name="keytask_target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class KeyTaskUpdate(TimeStampedModel):
    """A progress report on a key task: as of a date, percent done, the value reached, a note, evidence."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="updates", verbose_name=_("key task"))
    date = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    actual_value = models.DecimalField(_("value reached"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["task", "date"], name="keytaskupdate_task_date")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="keytaskupdate_progress"),
            models.CheckConstraint(
                condition=Q(actual_value__isnull=True) | Q(actual_value__gte=0), name="keytaskupdate_actual_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.progress}% ({self.date})"
