"""Themed movements, activities and the good-practice library of a block-year (step 3 of the annual cycle).

A movement (phong trào) is a campaign the block launches for a year around a theme (administrative
reform, digital transformation, social welfare, civilised urban areas); member units join it. An
activity is a dated event (cultural, artistic, sports, gratitude, an exchange of experience) that a
member unit organises and other members attend. A good practice (mô hình hay, cách làm hiệu quả) is
what a unit learnt and wants others to copy: it is drafted, published to a library that spans all
block-years, commented on, and adopted by other units.

The rules that keep these rows consistent (members only, criteria of the same year, a unit cannot
adopt its own practice) live in the services; the database repeats those it can state by itself.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class Theme(models.TextChoices):
    ADMINISTRATIVE_REFORM = "administrative_reform", _("Administrative reform")
    DIGITAL_TRANSFORMATION = "digital_transformation", _("Digital transformation")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare")
    CIVILISED_URBAN = "civilised_urban", _("Civilised urban areas")
    OTHER = "other", _("Other")


class MovementStatus(models.TextChoices):
    """Computed from the dates, never stored."""

    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class ActivityKind(models.TextChoices):
    CULTURAL = "cultural", _("Cultural")
    ARTISTIC = "artistic", _("Artistic performance")
    SPORTS = "sports", _("Sports")
    GRATITUDE = "gratitude", _("Gratitude")
    EXPERIENCE_EXCHANGE = "experience_exchange", _("Exchange of experience")
    OTHER = "other", _("Other")


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Movement(TimeStampedModel):
    """A themed emulation movement of a block-year, with its participating member units."""

    block_year = models.ForeignKey(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="movements", verbose_name=_("block-year")
    )
    title = models.CharField(_("title"), max_length=255)
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices, default=Theme.OTHER)
    goals = models.TextField(_("goals"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    participants = models.ManyToManyField(
        "organizations.Unit",
        through="MovementParticipant",
        related_name="movements",
        verbose_name=_("participating units"),
    )
    criteria = models.ManyToManyField(
        "scoring.CriteriaItem", blank=True, related_name="movements", verbose_name=_("linked criteria")
    )
    search_key = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="movement_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, day: dt.date) -> str:
        if day < self.start_date:
            return MovementStatus.PLANNED
        if day > self.end_date:
            return MovementStatus.FINISHED
        return MovementStatus.RUNNING

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(MovementStatus(self.status).label)


class MovementParticipant(models.Model):
    """A member unit takes part in a movement from `joined_on`."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="movement_participations")
    joined_on = models.DateField(_("joined on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("movement participant")
        verbose_name_plural = _("movement participants")
        ordering = ["joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["movement", "unit"], name="movementparticipant_unique")]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.movement}"


class Activity(TimeStampedModel):
    """A dated event organised by a member unit: a tournament, a performance, a gratitude visit, a workshop."""

    block_year = models.ForeignKey(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="activities", verbose_name=_("block-year")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActivityKind.choices, default=ActivityKind.OTHER)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    organiser = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="organised_activities",
        verbose_name=_("organising unit"),
    )
    movement = models.ForeignKey(
        Movement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("movement"),
    )
    participants = models.ManyToManyField(
        "organizations.Unit", blank=True, related_name="attended_activities", verbose_name=_("participating units")
    )
    attendee_count = models.PositiveIntegerField(_("number of people attending"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")), name="activity_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Practice(TimeStampedModel):
    """A good practice a unit shares: the problem it had, what it did and what came of it."""

    block_year = models.ForeignKey(
        "organizations.BlockYear", on_delete=models.CASCADE, related_name="practices", verbose_name=_("block-year")
    )
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="practices", verbose_name=_("unit")
    )
    title = models.CharField(_("title"), max_length=255)
    theme = models.CharField(_("theme"), max_length=32, choices=Theme.choices, default=Theme.OTHER)
    movement = models.ForeignKey(
        Movement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
        verbose_name=_("movement"),
    )
    problem = models.TextField(_("problem"), blank=True)
    approach = models.TextField(_("approach"), blank=True)
    results = models.TextField(_("results"), blank=True)
    contact = models.CharField(
        _("contact"), max_length=500, blank=True, help_text=_("Person to ask, with a phone number or e-mail.")
    )
    status = models.CharField(_("status"), max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    search_key = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="practice_published_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False), name="practice_withdrawn_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PracticeStatus.PUBLISHED


class PracticeComment(models.Model):
    """A remark on a published practice; its author may delete it."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class PracticeAdoption(TimeStampedModel):
    """A unit records that it has taken up another unit's practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adoptions")
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, related_name="practice_adoptions", verbose_name=_("unit")
    )
    note = models.TextField(_("note"), blank=True)
    adopted_on = models.DateField(_("adopted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["adopted_on", "id"]
        constraints = [models.UniqueConstraint(fields=["practice", "unit"], name="practiceadoption_unique")]

    def __str__(self) -> str:
        return f"{self.unit} ← {self.practice}"
