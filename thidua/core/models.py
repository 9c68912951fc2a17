"""Abstract model bases shared by the domain apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and modification times; every domain table has them."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday / day off")
    WORKING_DAY = "working_day", _("Make-up working day (weekend)")


class CalendarDay(TimeStampedModel):
    """A date that departs from the Monday–Friday week: a public holiday or announced day off, or a
    Saturday/Sunday declared a working day in exchange. Deadlines are counted in working days from
    these rows (thidua.core.calendar)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    unconfirmed = models.BooleanField(
        _("unconfirmed"),
        default=False,
        help_text=_("Not yet confirmed by an official announcement; check and update when it is published."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "working_day"]), name="core_calendarday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"
