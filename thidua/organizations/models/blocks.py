"""Emulation blocks and clusters (khối, cụm thi đua) and each block's year.

A BlockYear holds what is true of a block for one year: its member units, its head and deputy
units, and the phase of the annual cycle with its deadlines. The membership row repeats the year
and the block's kind so that the database itself refuses a unit in two blocks of one kind in a year.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.core.models import TimeStampedModel


class BlockKind(models.TextChoices):
    BLOCK = "block", _("Emulation block")
    CLUSTER = "cluster", _("Emulation cluster")


class RotationRule(models.TextChoices):
    FIXED_ORDER = "fixed_order", _("Fixed rotation order")
    DEPUTY_BECOMES_HEAD = "deputy_becomes_head", _("First deputy becomes head")
    ELECTION = "election", _("Elected at the year-end conference")


class Phase(models.TextChoices):
    """The annual cycle, in order. Transitions go forward one step at a time."""

    PLAN = "plan", _("Plan")
    COVENANT = "covenant", _("Covenant")
    REGISTRATION = "registration", _("Registration")
    MIDYEAR_REVIEW = "midyear_review", _("Mid-year review")
    SCORING = "scoring", _("Scoring")
    CONFERENCE = "conference", _("Conference")
    PROPOSALS = "proposals", _("Proposals")
    CLOSED = "closed", _("Closed")


PHASE_ORDER: list[str] = [phase.value for phase in Phase]


class LeadershipRole(models.TextChoices):
    HEAD = "head", _("Block head")
    DEPUTY = "deputy", _("Deputy head")


class Block(TimeStampedModel):
    """A standing group of similar units that compete with each other every year."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=BlockKind.choices, default=BlockKind.BLOCK)
    owner = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        related_name="owned_blocks",
        verbose_name=_("organising body"),
        help_text=_("The province or department that set up the block and receives its proposals."),
    )
    description = models.TextField(_("description"), blank=True)
    rotation_rule = models.CharField(
        _("rotation rule"), max_length=32, choices=RotationRule.choices, default=RotationRule.DEPUTY_BECOMES_HEAD
    )
    deputy_count = models.PositiveSmallIntegerField(_("number of deputies"), default=2)
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.TextField(editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("emulation block")
        verbose_name_plural = _("emulation blocks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BlockYear(TimeStampedModel):
    """One block in one year: members, leadership, phase and deadlines."""

    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    phase = models.CharField(_("phase"), max_length=32, choices=Phase.choices, default=Phase.PLAN)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("block-year")
        verbose_name_plural = _("block-years")
        ordering = ["block__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["block", "year"], name="blockyear_unique_block_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="blockyear_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.block.name} — {self.year}"


class PhaseDeadline(models.Model):
    """When a phase of a block-year is due to be finished."""

    block_year = models.ForeignKey(BlockYear, on_delete=models.CASCADE, related_name="deadlines")
    phase = models.CharField(_("phase"), max_length=32, choices=Phase.choices)
    due_date = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("phase deadline")
        verbose_name_plural = _("phase deadlines")
        ordering = ["due_date"]
        constraints = [models.UniqueConstraint(fields=["block_year", "phase"], name="phasedeadline_unique")]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.due_date}"


class PhaseTransition(models.Model):
    """History of phase moves of a block-year (who, when, from, to)."""

    block_year = models.ForeignKey(BlockYear, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField(max_length=32, choices=Phase.choices)
    to_phase = models.CharField(max_length=32, choices=Phase.choices)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_phase} → {self.to_phase}"


class BlockMembership(TimeStampedModel):
    """A unit is a member of a block in a year; `rotation_position` orders the rotation."""

    block_year = models.ForeignKey(BlockYear, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="block_memberships")
    year = models.PositiveSmallIntegerField(editable=False)
    block_kind = models.CharField(max_length=16, choices=BlockKind.choices, editable=False)
    rotation_position = models.PositiveSmallIntegerField(_("rotation position"), default=0)

    class Meta:
        verbose_name = _("block membership")
        verbose_name_plural = _("block memberships")
        ordering = ["rotation_position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["block_year", "unit"], name="blockmembership_unique_in_block_year"),
            models.UniqueConstraint(
                fields=["unit", "year", "block_kind"], name="blockmembership_one_block_of_kind_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.block_year}"


class BlockLeadership(TimeStampedModel):
    """The head unit or a deputy unit of a block-year, with the person who represents it."""

    block_year = models.ForeignKey(BlockYear, on_delete=models.CASCADE, related_name="leadership")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="block_leaderships")
    role = models.CharField(_("role"), max_length=16, choices=LeadershipRole.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    representative = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("representative"),
    )
    representative_title = models.CharField(_("representative's title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("block leadership")
        verbose_name_plural = _("block leadership")
        ordering = ["role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["block_year", "unit"], name="blockleadership_unit_once"),
            models.UniqueConstraint(fields=["block_year"], condition=Q(role="head"), name="blockleadership_one_head"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.unit}"
