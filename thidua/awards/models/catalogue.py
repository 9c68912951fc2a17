"""The awards catalogue: titles (danh hiệu thi đua) and forms (hình thức khen thưởng), and the numbers of law
that go with them as dated parameters.

Every number the law fixes — prize coefficients, the base salary (mức lương cơ sở), shares, consecutive-year counts,
quotas — is a row valid over a period of dates with its legal source, never a literal in code: a decision uses the
values in force on its date (domain.md §3.1), and an amendment is a new row, not an edit. Rows the research could not
source are flagged `unconfirmed` (domain.md's UNCONFIRMED) with a note saying what is missing, so that an officer
can see which figures still need checking against the official text.

The database refuses two open periods of one series and a period that ends before it starts; overlapping closed
periods cannot be refused portably (an exclusion constraint is PostgreSQL-only), so the catalogue services check
them, under a lock on the series.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class AwardKind(models.TextChoices):
    TITLE = "title", _("Emulation title")
    FORM = "form", _("Form of commendation")


class RecipientScope(models.TextChoices):
    """Who may receive an award type."""

    COLLECTIVE = "collective", _("Collectives")
    INDIVIDUAL = "individual", _("Individuals")
    BOTH = "both", _("Collectives and individuals")


class Recipient(models.TextChoices):
    """Who receives one award (and whose prize coefficient applies)."""

    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class AwardLevel(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots")
    PROVINCIAL = "provincial", _("Provincial")
    NATIONAL = "national", _("National")


class Decider(models.TextChoices):
    """The authority that decides an award (Law 06/2022, Art. 79–80)."""

    DEPARTMENT_HEAD = "department_head", _("Head of the provincial department")
    PROVINCE_CHAIRMAN = "province_chairman", _("Chairman of the Provincial People's Committee")
    PRIME_MINISTER = "prime_minister", _("Prime Minister")
    GOVERNMENT = "government", _("Government")


class HandedOver(models.TextChoices):
    """What the recipient receives besides the prize money."""

    NOTHING = "nothing", _("Nothing besides the decision")
    FLAG = "flag", _("Flag")
    CERTIFICATE = "certificate", _("Certificate")
    CERTIFICATE_FRAME = "certificate_frame", _("Certificate and frame")
    CERTIFICATE_FRAME_BADGE = "certificate_frame_badge", _("Certificate, frame and badge")


class ValueType(models.TextChoices):
    """How an AwardParameter's JSON value reads; decimals are stored as strings to stay exact."""

    DECIMAL = "decimal", _("Decimal number")
    INTEGER = "integer", _("Whole number")
    BOOLEAN = "boolean", _("Yes / no")
    TEXT = "text", _("Text")


class AwardType(TimeStampedModel):
    """A title or form of commendation in the catalogue; its stable `code` is what other tables and rules use."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255, help_text=_("The official Vietnamese name."))
    kind = models.CharField(_("kind"), max_length=16, choices=AwardKind.choices)
    recipient = models.CharField(_("recipients"), max_length=16, choices=RecipientScope.choices)
    level = models.CharField(_("level"), max_length=16, choices=AwardLevel.choices)
    decided_by = models.CharField(_("decided by"), max_length=32, choices=Decider.choices)
    decided_by_text = models.CharField(_("deciding authority (as written)"), max_length=255, blank=True)
    authority_basis = models.CharField(_("legal basis of the authority"), max_length=500, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=500, blank=True, help_text=_("Document number, article and clause.")
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    handed_over = models.CharField(_("handed over"), max_length=32, choices=HandedOver.choices)
    counts_as_history = models.BooleanField(
        _("counts as history"),
        default=True,
        help_text=_("Thematic and ad-hoc awards do not count towards the prerequisites of merit awards."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dossier = models.JSONField(
        _("dossier papers"),
        default=list,
        blank=True,
        help_text=_("The kinds of papers a proposal's dossier needs (form_01, form_02, block_minutes, tally, …)."),
    )
    unconfirmed = models.BooleanField(_("unconfirmed"), default=False)
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="awardtype_valid_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, recipient: str) -> bool:
        return self.recipient in (RecipientScope.BOTH, recipient)


class DatedValue(TimeStampedModel):
    """A value valid from `valid_from` to `valid_to` inclusive (open when null), with its legal source."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=500, help_text=_("Document number, article and clause.")
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    unconfirmed = models.BooleanField(
        _("unconfirmed"), default=False, help_text=_("Not yet checked against the official text; see the note.")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name=f"{name}_valid_dates_ordered"
    )


class PrizeCoefficient(DatedValue):
    """Prize money of an award type for one kind of recipient, as a multiple of the base salary.

    Forms given to collectives (Bằng khen, Giấy khen) have no collective rows: their amount is the individual
    coefficient × the `collective_multiplier` parameter. A collective row, if one is added, takes precedence.
    """

    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="coefficients")
    recipient = models.CharField(_("recipient"), max_length=16, choices=Recipient.choices)
    coefficient = models.DecimalField(_("coefficient"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("prize coefficient")
        verbose_name_plural = _("prize coefficients")
        ordering = ["award_type__position", "recipient", "valid_from"]
        constraints = [
            _ordered("prizecoefficient"),
            models.CheckConstraint(condition=Q(coefficient__gt=0), name="prizecoefficient_positive"),
            models.UniqueConstraint(
                fields=["award_type", "recipient", "valid_from"], name="prizecoefficient_unique_start"
            ),
            models.UniqueConstraint(
                fields=["award_type", "recipient"], condition=Q(valid_to__isnull=True), name="prizecoefficient_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_type_id} {self.recipient} × {self.coefficient} ({self.valid_from}–{self.valid_to or ''})"


class BaseSalary(DatedValue):
    """The base salary (mức lương cơ sở) in whole đồng per month; a continuous series over time."""

    amount = models.PositiveBigIntegerField(_("amount (đồng)"))

    class Meta:
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")
        ordering = ["valid_from"]
        constraints = [
            _ordered("basesalary"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="basesalary_positive"),
            models.UniqueConstraint(fields=["valid_from"], name="basesalary_unique_start"),
            # NULLs are distinct in a unique index: the open row is found by a constant expression instead.
            models.UniqueConstraint(
                Coalesce("valid_to", Value(dt.date(9999, 12, 31))),
                condition=Q(valid_to__isnull=True),
                name="basesalary_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount:,} đ ({self.valid_from}–{self.valid_to or ''})"


class AwardParameter(DatedValue):
    """A named number or switch of the rules (a share, a count of consecutive years, a quota, a multiplier).

    `value` is JSON: decimals as strings ("0.20"), integers, booleans or text; null means "none" (e.g. no quota).
    """

    key = models.SlugField(_("key"), max_length=64)
    value_type = models.CharField(_("type"), max_length=16, choices=ValueType.choices)
    value = models.JSONField(_("value"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("award parameter")
        verbose_name_plural = _("award parameters")
        ordering = ["key", "valid_from"]
        constraints = [
            _ordered("awardparameter"),
            models.UniqueConstraint(fields=["key", "valid_from"], name="awardparameter_unique_start"),
            models.UniqueConstraint(fields=["key"], condition=Q(valid_to__isnull=True), name="awardparameter_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.valid_from}–{self.valid_to or ''})"

    @property
    def typed_value(self) -> Any:
        """The value as Python: Decimal, int, bool, str, or None."""
        return typed(self.value_type, self.value)


def typed(value_type: str, value: Any) -> Any:
    if value is None:
        return None
    if value_type == ValueType.DECIMAL:
        return Decimal(str(value))
    if value_type == ValueType.INTEGER:
        return int(value)
    if value_type == ValueType.BOOLEAN:
        return bool(value)
    return str(value)
