"""Services for a block-year's scoring settings: review mode and rules, ranking tracks and point bands.

Practice differs between blocks (domain.md §4.3–4.4, UNCONFIRMED), so these are settings of the
block-year, changed by the organisers (`scoring.manage_config`): admin, officers over the block and
the block head. The review mode and the number of reviewers decide who scored what, so they are
frozen once a review sheet is finalised ("reviews_finalised"); the other settings only change how
the stored sheets are combined and ranked, and a recompute applies them.

Units that are in no ranking track are ranked together in the main ranking (track "").
"""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import BlockYear, Unit
from thidua.organizations.services._common import check_choice, clean_text, snapshot
from thidua.scoring import rules
from thidua.scoring.models import (
    CriteriaGroup,
    FinalRule,
    NormaliseMethod,
    ReviewMode,
    ScoreBand,
    ScoreSheet,
    ScoringConfig,
    ScoringTrack,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.permissions import member_unit_ids

CONFIG_FIELDS = [
    "review_mode",
    "reviewers_per_unit",
    "final_rule",
    "normalisation",
    "use_normalised",
    "item_difference_threshold",
    "total_difference_threshold",
    "tie_breaks",
    "self_approval_required",
    "assignment_seed",
]
OUTCOME_FIELDS = frozenset({"review_mode", "reviewers_per_unit"})
MAX_REVIEWERS = 20
MAX_TIE_BREAKS = 10
MAX_BANDS = 20
MAX_NUMBER = Decimal("99999.99")


def scoring_config_get_or_create(block_year: BlockYear) -> ScoringConfig:
    """The block-year's settings row, created with the defaults when missing.

    Selector-like: no permission and no audit event — a row holding only the defaults means the
    same as no row. Every change goes through `scoring_config_update`.
    """
    config, _created = ScoringConfig.objects.get_or_create(block_year=block_year)
    return config


def _number(value: Any, *, field: str, code: str = "negative_number") -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationFailed(_("Enter a number."), code="invalid_number", field=field)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationFailed(_("Enter a number."), code="invalid_number", field=field) from exc
    if not number.is_finite():
        raise ValidationFailed(_("Enter a number."), code="invalid_number", field=field)
    if number < 0:
        raise ValidationFailed(_("Enter a number of zero or more."), code=code, field=field)
    if number != number.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Use at most two decimals."), code="too_many_decimals", field=field)
    if number > MAX_NUMBER:
        raise ValidationFailed(_("Enter at most %(max)s.") % {"max": MAX_NUMBER}, code="number_too_large", field=field)
    return number


def _integer(value: Any, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValidationFailed(
            _("Enter a whole number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum},
            code="invalid",
            field=field,
        )
    return value


def _boolean(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(_("Choose yes or no."), code="invalid", field=field)
    return value


def check_tie_breaks(value: Any, *, block_year: BlockYear) -> list[dict[str, str]]:
    """Normalise tie-break steps to [{"kind": …}, {"kind": "group", "group": code}] and check them.

    Kinds are those of `rules.TieBreak` ("invalid_tie_break"); a group step names a group code of the
    block-year's criteria set ("unknown_group"); a step appears once ("duplicate_tie_break").
    """
    if not isinstance(value, list | tuple):
        raise ValidationFailed(_("List the tie-break steps in order."), code="invalid_tie_break", field="tie_breaks")
    if len(value) > MAX_TIE_BREAKS:
        raise ValidationFailed(
            _("List at most %(max)d tie-break steps.") % {"max": MAX_TIE_BREAKS},
            code="invalid_tie_break",
            field="tie_breaks",
        )
    group_codes = set(CriteriaGroup.objects.filter(criteria_set__block_year=block_year).values_list("code", flat=True))
    steps: list[dict[str, str]] = []
    for raw in value:
        if isinstance(raw, rules.TieBreakStep):
            raw = {"kind": str(raw.kind), "group": raw.group}
        kind = raw.get("kind") if isinstance(raw, dict) else None
        if kind not in [step.value for step in rules.TieBreak]:
            raise ValidationFailed(
                _("“%(kind)s” is not a tie-break step.") % {"kind": kind},
                code="invalid_tie_break",
                field="tie_breaks",
            )
        step = {"kind": str(kind)}
        if kind == rules.TieBreak.GROUP:
            group = str(raw.get("group") or "").strip()
            if not group:
                raise ValidationFailed(
                    _("A tie-break by criteria group must name the group."),
                    code="invalid_tie_break",
                    field="tie_breaks",
                )
            if group not in group_codes:
                raise ValidationFailed(
                    _("The criteria set has no group “%(group)s”.") % {"group": group},
                    code="unknown_group",
                    field="tie_breaks",
                )
            step["group"] = group
        if step in steps:
            raise ValidationFailed(
                _("Each tie-break step can be used once."), code="duplicate_tie_break", field="tie_breaks"
            )
        steps.append(step)
    return steps


@transaction.atomic
def scoring_config_update(*, actor: Any, block_year: BlockYear, **fields: Any) -> ScoringConfig:
    """Change the scoring settings of a block-year (see the module docstring for what freezes when)."""
    require_perm(actor, "scoring.manage_config", block_year)
    unknown = set(fields) - set(CONFIG_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    config = ScoringConfig.objects.select_for_update().filter(block_year=block_year).first()
    if config is None:
        config = ScoringConfig.objects.create(block_year=block_year)
    before = snapshot(config, CONFIG_FIELDS)
    for name, value in fields.items():
        if name == "review_mode":
            value = check_choice(value, ReviewMode, field=name)
        elif name == "final_rule":
            value = check_choice(value, FinalRule, field=name)
        elif name == "normalisation":
            value = check_choice(value, NormaliseMethod, field=name)
        elif name in ("use_normalised", "self_approval_required"):
            value = _boolean(value, field=name)
        elif name == "reviewers_per_unit":
            value = _integer(value, field=name, minimum=1, maximum=MAX_REVIEWERS)
        elif name == "assignment_seed":
            value = _integer(value, field=name, minimum=0, maximum=2**31 - 1)
        elif name in ("item_difference_threshold", "total_difference_threshold"):
            value = _number(value, field=name, code="negative_threshold")
        elif name == "tie_breaks":
            value = check_tie_breaks(value, block_year=block_year)
        setattr(config, name, value)

    changed = {name for name in CONFIG_FIELDS if before[name] != getattr(config, name)}
    if (
        changed & OUTCOME_FIELDS
        and ScoreSheet.objects.filter(
            block_year=block_year, kind=SheetKind.REVIEW, status=SheetStatus.FINALISED
        ).exists()
    ):
        raise ValidationFailed(
            _("Review sheets have been finalised; the review mode and the number of reviewers can no longer change."),
            code="reviews_finalised",
            field=sorted(changed & OUTCOME_FIELDS)[0],
        )
    if {"review_mode", "reviewers_per_unit"} & set(fields) and config.review_mode == ReviewMode.CROSS:
        others = len(member_unit_ids(block_year)) - 1
        if config.reviewers_per_unit > others:
            raise ValidationFailed(
                _("In cross-scoring a unit can have at most %(max)d reviewers (the other member units).")
                % {"max": max(others, 0)},
                code="too_many_reviewers",
                field="reviewers_per_unit",
            )
    if {"review_mode", "final_rule"} & set(fields) and (
        config.review_mode == ReviewMode.CROSS and config.final_rule == FinalRule.HEAD
    ):
        raise ValidationFailed(
            _("The block head's score can decide only when the head and deputies review."),
            code="head_rule_needs_head_mode",
            field="final_rule",
        )
    if {"use_normalised", "normalisation"} & set(fields) and (
        config.use_normalised and config.normalisation == NormaliseMethod.NONE
    ):
        raise ValidationFailed(
            _("Choose a normalisation method before ranking on normalised scores."),
            code="normalisation_off",
            field="use_normalised",
        )
    diff = model_changes(before, snapshot(config, CONFIG_FIELDS))
    if diff:
        config.save()
        block_year.__dict__.pop("_scoring_review_mode", None)  # the permission cache (scoring/permissions.py)
        audit_record(actor=actor, action="scoring_config.update", obj=config, changes=diff)
    return config


def _tracks_snapshot(block_year: BlockYear) -> list[list[Any]]:
    return [
        [track.name, sorted(unit.pk for unit in track.units.all())]
        for track in ScoringTrack.objects.filter(block_year=block_year)
        .order_by("position", "id")
        .prefetch_related("units")
    ]


@transaction.atomic
def scoring_tracks_set(
    *, actor: Any, block_year: BlockYear, tracks: Sequence[tuple[str, Sequence[Unit]]]
) -> list[ScoringTrack]:
    """Replace the ranking tracks: each names its member units; a unit is in at most one track."""
    require_perm(actor, "scoring.manage_config", block_year)
    members = member_unit_ids(block_year)
    names: set[str] = set()
    placed: dict[int, str] = {}
    cleaned: list[tuple[str, list[Unit]]] = []
    for name, units in tracks:
        name = clean_text(name, field="tracks", max_length=200, required=True)
        if name.casefold() in names:
            raise ValidationFailed(
                _("Two ranking tracks are named “%(name)s”.") % {"name": name}, code="duplicate_track", field="tracks"
            )
        names.add(name.casefold())
        units = list(units)
        if not units:
            raise ValidationFailed(
                _("Choose the units of the track “%(name)s”.") % {"name": name}, code="empty_track", field="tracks"
            )
        for unit in units:
            if unit.pk not in members:
                raise ValidationFailed(
                    _("%(unit)s is not a member of this block-year.") % {"unit": unit},
                    code="not_a_member",
                    field="tracks",
                )
            if unit.pk in placed and placed[unit.pk] != name:
                raise ValidationFailed(
                    _("%(unit)s is in two tracks: “%(first)s” and “%(second)s”.")
                    % {"unit": unit, "first": placed[unit.pk], "second": name},
                    code="unit_in_two_tracks",
                    field="tracks",
                )
            placed[unit.pk] = name
        cleaned.append((name, units))
    before = _tracks_snapshot(block_year)
    ScoringTrack.objects.filter(block_year=block_year).delete()
    created = []
    for position, (name, units) in enumerate(cleaned, start=1):
        track = ScoringTrack.objects.create(block_year=block_year, name=name, position=position)
        track.units.set(units)
        created.append(track)
    after = _tracks_snapshot(block_year)
    if before != after:
        audit_record(actor=actor, action="scoring_tracks.set", obj=block_year, changes={"tracks": [before, after]})
    return created


def _bands_snapshot(block_year: BlockYear) -> list[list[str]]:
    return [
        [str(b.minimum), str(b.maximum) if b.maximum is not None else "", b.title, b.source]
        for b in ScoreBand.objects.filter(block_year=block_year).order_by("minimum", "id")
    ]


@transaction.atomic
def score_bands_set(
    *, actor: Any, block_year: BlockYear, bands: Sequence[tuple[Decimal, Decimal | None, str, str]]
) -> list[ScoreBand]:
    """Replace the point bands that suggest a title: (minimum, maximum or None, title, source), no overlaps.

    Bands are inclusive at both ends (`rules.check_bands`): "band_inverted", "bands_overlap".
    """
    require_perm(actor, "scoring.manage_config", block_year)
    if len(bands) > MAX_BANDS:
        raise ValidationFailed(
            _("Define at most %(max)d bands.") % {"max": MAX_BANDS}, code="too_many_bands", field="bands"
        )
    rows: list[ScoreBand] = []
    for minimum, maximum, title, source in bands:
        rows.append(
            ScoreBand(
                block_year=block_year,
                minimum=_number(minimum, field="bands"),
                maximum=None if maximum is None or maximum == "" else _number(maximum, field="bands"),
                title=clean_text(title, field="bands", max_length=255, required=True),
                source=clean_text(source, field="bands", max_length=500),
            )
        )
    try:
        rules.check_bands([rules.Band(row.minimum, row.maximum, row.title) for row in rows])
    except rules.RuleViolation as exc:
        exc.field = "bands"
        raise
    before = _bands_snapshot(block_year)
    ScoreBand.objects.filter(block_year=block_year).delete()
    created = ScoreBand.objects.bulk_create(rows)
    after = _bands_snapshot(block_year)
    if before != after:
        audit_record(actor=actor, action="score_bands.set", obj=block_year, changes={"bands": [before, after]})
    return sorted(created, key=lambda band: band.minimum)
