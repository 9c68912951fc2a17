"""Services for score sheets: self-scoring, reviews, submitting, approving, finalising and corrections.

A unit's clerk fills its self sheet line by line, with evidence and a comment per item, and the unit
head approves it; reviewers (the block head and deputies, or member units in cross-scoring) fill a
review sheet of each unit they score. The rules engine (`thidua.scoring.rules`) turns every entry
into points and a sheet into totals; these services only load, check permissions and state, call
the rules and write.

Two people may edit one sheet at the same time. Every write carries the `version` the writer read
and claims the row with one conditional UPDATE (`… WHERE version = <read>`): the first writer wins,
the second gets Conflict "stale_sheet" and writes nothing, also when both commit at the same moment.

A finalised sheet never changes (`sheet_locked`); a correction is a new revision with a reason
(`score_sheet_correct`), and the old revision stays in the history, no longer current.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.predicates import unit_role_on
from thidua.attachments.models import Attachment
from thidua.attachments.services import attachment_add, attachment_remove
from thidua.audit.services import audit_record
from thidua.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import BlockLeadership, BlockYear, LeadershipRole, Unit
from thidua.organizations.services._common import clean_text
from thidua.scoring.models import (
    ConflictOfInterest,
    CriteriaItem,
    CriteriaSet,
    Reconciliation,
    ReconciliationStatus,
    ReviewAssignment,
    ReviewMode,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.permissions import STAFF_ROLES, member_unit_ids
from thidua.scoring.rules import (
    ItemType,
    assign_reviewers,
    differences,
    line_points,
    sheet_totals,
    total_difference_flag,
)
from thidua.scoring.selectors.criteria import item_spec, scoring_config_of
from thidua.scoring.services.recompute import recompute_final_scores

COMMENT_MAX = 5000
EVIDENCE_NOTE_MAX = 1000
REASON_MAX = 2000
MAX_COUNT = 100_000  # occurrences on one line
MAX_POINTS = Decimal(100_000)  # exclusive: points and totals are numeric(7, 2)
SCORED_TYPES = (ItemType.POINTS, ItemType.YES_NO)  # lines read `value`; the others read `count`


@dataclass
class LineInput:
    """What a scorer entered on one line: a score (points, yes/no) or a count (bonus, deduction)."""

    item_id: int
    value: Decimal | None = None
    count: int | None = None
    comment: str = ""
    evidence_note: str = ""


# ---------------------------------------------------------------- shared helpers


def line_field(item_id: int) -> str:
    """The form/API field name of one line's entry, used in errors (`lines.<item id>`)."""
    return f"lines.{item_id}"


def _locked_set(block_year: BlockYear) -> CriteriaSet:
    criteria = CriteriaSet.objects.filter(block_year=block_year).first()
    if criteria is None or not criteria.is_locked:
        raise ValidationFailed(
            _("Scoring has not opened: the criteria of this block-year are not locked yet."),
            code="criteria_not_locked",
        )
    return criteria


def _check_member(block_year: BlockYear, unit: Unit, *, field: str) -> None:
    if unit.pk not in member_unit_ids(block_year):
        raise ValidationFailed(
            _("%(unit)s is not a member of this block-year.") % {"unit": unit}, code="not_a_member", field=field
        )


def _check_reason(reason: str | None) -> str:
    text = clean_text(reason, field="reason", max_length=REASON_MAX)
    if not text:
        raise ValidationFailed(_("Give the reason."), code="reason_required", field="reason")
    return text


def _edit_perm(sheet: ScoreSheet) -> str:
    return "scoring.edit_self_sheet" if sheet.kind == SheetKind.SELF else "scoring.edit_review_sheet"


def _locked() -> Conflict:
    return Conflict(
        _("This sheet is finalised and can no longer be changed; ask for a correction instead."),
        code="sheet_locked",
    )


def _check_editable(sheet: ScoreSheet) -> None:
    if sheet.is_locked:
        raise _locked()
    if sheet.status != SheetStatus.DRAFT:
        raise Conflict(
            _("This sheet has been submitted; it must be returned before it can be changed."), code="sheet_locked"
        )


def _stale() -> Conflict:
    return Conflict(
        _("Someone else saved this sheet after you opened it. Reload it to see their changes, then enter yours again."),
        code="stale_sheet",
    )


def _claim(
    sheet: ScoreSheet, *, version: int, from_status: str | Sequence[str], state_code: str, **fields: Any
) -> None:
    """Write `fields` and bump the version with one conditional UPDATE, or raise having written nothing.

    The row is updated only if it still has `version`, is current and is in `from_status`, so of two
    concurrent writers exactly one succeeds: the database serialises the two UPDATEs of the row and
    the second one, re-reading it, no longer matches. On failure the reason decides the error: a
    newer version → "stale_sheet"; a finalised or superseded sheet → "sheet_locked"; otherwise
    `state_code`. `fields` are also set on `sheet`.
    """
    statuses = [from_status] if isinstance(from_status, str) else list(from_status)
    now = timezone.now()
    updated = ScoreSheet.objects.filter(pk=sheet.pk, version=version, is_current=True, status__in=statuses).update(
        version=F("version") + 1, updated_at=now, **fields
    )
    if updated != 1:
        current = ScoreSheet.objects.filter(pk=sheet.pk).only("version", "status", "is_current").first()
        if current is not None and current.version != version:
            raise _stale()
        if current is None or current.is_locked:
            raise _locked()
        raise Conflict(_("The sheet is not in a state that allows this."), code=state_code)
    sheet.version = version + 1
    sheet.updated_at = now
    for name, value in fields.items():
        setattr(sheet, name, value)


def _check_version(sheet: ScoreSheet, version: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or version != sheet.version:
        raise _stale()


def _fits(value: Decimal, field: str) -> Decimal:
    """Points and totals are stored with 7 digits, 2 of them decimals."""
    if abs(value) >= MAX_POINTS:
        raise ValidationFailed(
            _("The points are too large (at most %(max)s).") % {"max": MAX_POINTS - Decimal("0.01")},
            code="too_large",
            field=field,
        )
    return value


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _lines_with_items(sheet: ScoreSheet) -> list[ScoreLine]:
    return list(sheet.lines.select_related("item").order_by("item__position", "item_id"))


def _lines_with_files(lines: Sequence[ScoreLine]) -> set[int]:
    """Ids of the lines that have at least one attachment."""
    if not lines:
        return set()
    owner_type = ContentType.objects.get_for_model(ScoreLine)
    return set(
        Attachment.objects.filter(owner_type=owner_type, owner_id__in=[line.pk for line in lines]).values_list(
            "owner_id", flat=True
        )
    )


def _is_blank(item_type: str, value: Decimal | None, count: int | None) -> bool:
    return (value is None) if item_type in SCORED_TYPES else (count is None)


def _totals(sheet: ScoreSheet, lines: Iterable[ScoreLine]) -> dict[str, Decimal]:
    criteria = CriteriaSet.objects.only("total_cap", "bonus_cap").get(block_year_id=sheet.block_year_id)
    totals = sheet_totals(
        ((ItemType(line.item.item_type), line.points) for line in lines),
        total_cap=criteria.total_cap,
        bonus_cap=criteria.bonus_cap,
    )
    return {
        "base_total": totals.base,
        "bonus_total": totals.bonus,
        "deduction_total": totals.deduction,
        "total": totals.total,
    }


def _create_sheet(actor: Any, criteria: CriteriaSet, sheet: ScoreSheet, lookup: dict[str, Any]) -> ScoreSheet:
    """Save a new current sheet with one blank line per item; on a lost race return the winner's sheet.

    The block-year's scoring settings are created with their defaults if nobody has set them yet, so
    that the rules a sheet was opened under are stored (and audited with the opening).
    """
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError:
        return ScoreSheet.objects.get(is_current=True, **lookup)
    items = list(criteria.items.order_by("position", "id").values_list("pk", flat=True))
    ScoreLine.objects.bulk_create(ScoreLine(sheet=sheet, item_id=item_id) for item_id in items)
    _config, config_created = ScoringConfig.objects.get_or_create(block_year_id=sheet.block_year_id)
    audit_record(
        actor=actor,
        action="score_sheet.open",
        obj=sheet,
        changes={
            "kind": sheet.kind,
            "unit": sheet.unit_id,
            "reviewer_unit": sheet.reviewer_unit_id,
            "is_head_review": sheet.is_head_review,
            "lines": len(items),
            "default_settings_created": config_created,
        },
    )
    return sheet


# ---------------------------------------------------------------- opening sheets


@transaction.atomic
def self_sheet_open(*, actor: Any, block_year: BlockYear, unit: Unit) -> ScoreSheet:
    """The unit's current self sheet, created with a blank line per criteria item the first time."""
    require_perm(actor, "scoring.edit_self_sheet", ScoreSheet(block_year=block_year, unit=unit, kind=SheetKind.SELF))
    _check_member(block_year, unit, field="unit")
    criteria = _locked_set(block_year)
    lookup = {"block_year": block_year, "unit": unit, "kind": SheetKind.SELF}
    existing = ScoreSheet.objects.filter(is_current=True, **lookup).first()
    if existing is not None:
        return existing
    return _create_sheet(actor, criteria, ScoreSheet(**lookup), lookup)


def _leading_units(block_year: BlockYear) -> dict[int, str]:
    return dict(BlockLeadership.objects.filter(block_year=block_year).values_list("unit_id", "role"))


@transaction.atomic
def review_sheet_open(*, actor: Any, block_year: BlockYear, unit: Unit, reviewer_unit: Unit) -> ScoreSheet:
    """`reviewer_unit`'s current review sheet of `unit`, created the first time.

    Head-and-deputies mode: the reviewer is the head or a deputy unit of the block-year. Cross mode:
    the reviewer must have been assigned to the unit. Never one's own unit, never a declared conflict.
    """
    leaders = _leading_units(block_year)
    sheet = ScoreSheet(
        block_year=block_year,
        unit=unit,
        kind=SheetKind.REVIEW,
        reviewer_unit=reviewer_unit,
        is_head_review=leaders.get(reviewer_unit.pk) == LeadershipRole.HEAD,
    )
    require_perm(actor, "scoring.edit_review_sheet", sheet)
    if reviewer_unit.pk == unit.pk:
        raise ValidationFailed(_("A unit cannot review its own score."), code="own_unit", field="unit")
    _check_member(block_year, unit, field="unit")
    config = scoring_config_of(block_year=block_year)
    if config.review_mode == ReviewMode.CROSS:
        if not ReviewAssignment.objects.filter(block_year=block_year, reviewer_unit=reviewer_unit, unit=unit).exists():
            raise ValidationFailed(
                _("%(reviewer)s has not been assigned to review %(unit)s.") % {"reviewer": reviewer_unit, "unit": unit},
                code="not_assigned",
                field="reviewer_unit",
            )
    elif reviewer_unit.pk not in leaders:
        raise ValidationFailed(
            _("Only the block head and deputy units review in this block-year."),
            code="not_a_reviewer",
            field="reviewer_unit",
        )
    if block_year.scoring_conflicts.filter(reviewer_unit=reviewer_unit, unit=unit).exists():
        raise ValidationFailed(
            _("%(reviewer)s has declared a conflict of interest with %(unit)s.")
            % {"reviewer": reviewer_unit, "unit": unit},
            code="conflict_of_interest",
            field="reviewer_unit",
        )
    criteria = _locked_set(block_year)
    lookup = {"block_year": block_year, "unit": unit, "kind": SheetKind.REVIEW, "reviewer_unit": reviewer_unit}
    existing = ScoreSheet.objects.filter(is_current=True, **lookup).first()
    if existing is not None:
        return existing
    return _create_sheet(actor, criteria, sheet, lookup)


# ---------------------------------------------------------------- entering scores


def _entry_value(item: CriteriaItem, entry: LineInput) -> tuple[Decimal | None, int | None]:
    """The entry's value and count, keeping only the one the item type reads."""
    if item.item_type in SCORED_TYPES:
        return (Decimal(entry.value) if entry.value is not None else None), None
    return None, entry.count


@transaction.atomic
def score_sheet_save(
    *, actor: Any, sheet: ScoreSheet, version: int, lines: Sequence[LineInput], comment: str | None = None
) -> ScoreSheet:
    """Save the entered lines of a draft sheet and its totals; `version` is the version the user read.

    Lines not listed stay as they are. A blank entry (no value / no count) clears the line. Each
    filled line goes through `rules.line_points` (evidence counts when the line has an evidence note
    or an attached file), and the totals through `rules.sheet_totals`.
    """
    require_perm(actor, _edit_perm(sheet), sheet)
    _check_editable(sheet)
    _check_version(sheet, version)
    existing = {line.item_id: line for line in _lines_with_items(sheet)}
    with_files = _lines_with_files(list(existing.values()))
    seen: set[int] = set()
    changed: list[ScoreLine] = []
    line_changes: dict[str, dict[str, list[Any]]] = {}
    for entry in lines:
        line = existing.get(entry.item_id)
        if line is None:
            raise ValidationFailed(
                _("This line is not part of the sheet's criteria."), code="unknown_item", field="lines"
            )
        if entry.item_id in seen:
            raise ValidationFailed(
                _("The line %(code)s is given twice.") % {"code": line.item.code},
                code="duplicate_item",
                field=line_field(entry.item_id),
            )
        seen.add(entry.item_id)
        field = line_field(entry.item_id)
        value, count = _entry_value(line.item, entry)
        note = clean_text(entry.evidence_note, field=field, max_length=EVIDENCE_NOTE_MAX)
        text = clean_text(entry.comment, field=field, max_length=COMMENT_MAX)
        if count is not None and not isinstance(count, bool) and isinstance(count, int) and count > MAX_COUNT:
            raise ValidationFailed(
                _("Enter at most %(max)s occurrences.") % {"max": MAX_COUNT}, code="too_large", field=field
            )
        if _is_blank(line.item.item_type, value, count):
            points = Decimal(0)
        else:
            points = _fits(
                line_points(
                    item_spec(line.item),
                    value=value,
                    count=count,
                    # Evidence is the scored unit's to file; a reviewer judges it on the self sheet.
                    has_evidence=sheet.kind == SheetKind.REVIEW or bool(note) or line.pk in with_files,
                    field=field,
                ),
                field,
            )
        new = {"value": value, "count": count, "points": points, "comment": text, "evidence_note": note}
        diff = {name: [_plain(getattr(line, name)), _plain(v)] for name, v in new.items() if getattr(line, name) != v}
        if diff:
            for name, v in new.items():
                setattr(line, name, v)
            changed.append(line)
            line_changes[line.item.code] = diff
    new_comment = sheet.comment if comment is None else clean_text(comment, field="comment", max_length=COMMENT_MAX)
    if not changed and new_comment == sheet.comment:
        if not ScoreSheet.objects.filter(pk=sheet.pk, version=version).exists():
            raise _stale()
        return sheet
    before_total, comment_before = sheet.total, sheet.comment
    totals = {name: _fits(value, "lines") for name, value in _totals(sheet, existing.values()).items()}
    _claim(
        sheet,
        version=version,
        from_status=SheetStatus.DRAFT,
        state_code="sheet_locked",
        comment=new_comment,
        last_edited_by=actor,
        **totals,
    )
    ScoreLine.objects.bulk_update(changed, ["value", "count", "points", "comment", "evidence_note"])
    changes: dict[str, Any] = {"version": [version, sheet.version], "lines": line_changes}
    if before_total != sheet.total:
        changes["total"] = [before_total, sheet.total]
    if new_comment != comment_before:
        changes["comment"] = [comment_before, new_comment]
    audit_record(actor=actor, action="score_sheet.save", obj=sheet, changes=changes)
    return sheet


def _line_of(sheet: ScoreSheet, item: CriteriaItem) -> ScoreLine:
    line = ScoreLine.objects.filter(sheet=sheet, item=item).first()
    if line is None:
        raise ValidationFailed(_("This line is not part of the sheet's criteria."), code="unknown_item", field="item")
    return line


@transaction.atomic
def score_line_add_evidence(*, actor: Any, sheet: ScoreSheet, item: CriteriaItem, upload: UploadedFile) -> Attachment:
    """Attach an evidence file to the sheet's line for `item` (the sheet must still be a draft)."""
    require_perm(actor, _edit_perm(sheet), sheet)
    _check_editable(sheet)
    line = _line_of(sheet, item)
    return attachment_add(actor=actor, owner=line, upload=upload, field="file")


@transaction.atomic
def score_line_remove_evidence(*, actor: Any, sheet: ScoreSheet, attachment: Attachment) -> None:
    """Remove an evidence file from one of the sheet's lines (the sheet must still be a draft)."""
    require_perm(actor, _edit_perm(sheet), sheet)
    _check_editable(sheet)
    owner_type = ContentType.objects.get_for_model(ScoreLine)
    if (
        attachment.owner_type_id != owner_type.pk
        or not ScoreLine.objects.filter(pk=attachment.owner_id, sheet=sheet).exists()
    ):
        raise ValidationFailed(
            _("This file is not evidence on this sheet."), code="unknown_attachment", field="attachment"
        )
    attachment_remove(actor=actor, attachment=attachment)


# ---------------------------------------------------------------- the sheet's life cycle


def _check_complete(sheet: ScoreSheet) -> None:
    """Every points / yes-no line scored ("incomplete_sheet"), every line valid with its evidence."""
    lines = _lines_with_items(sheet)
    missing = [line.item.code for line in lines if line.item.item_type in SCORED_TYPES and line.value is None]
    if missing:
        raise ValidationFailed(
            _("Score every line before submitting; still empty: %(codes)s.") % {"codes": ", ".join(missing)},
            code="incomplete_sheet",
        )
    with_files = _lines_with_files(lines)
    for line in lines:
        if _is_blank(line.item.item_type, line.value, line.count):
            continue
        line_points(
            item_spec(line.item),
            value=line.value,
            count=line.count,
            has_evidence=sheet.kind == SheetKind.REVIEW or bool(line.evidence_note) or line.pk in with_files,
            field=line_field(line.item_id),
        )


@transaction.atomic
def score_sheet_submit(*, actor: Any, sheet: ScoreSheet, version: int) -> ScoreSheet:
    """Hand in a draft sheet: every line scored, evidence wherever the criteria require it."""
    require_perm(actor, _edit_perm(sheet), sheet)
    _check_editable(sheet)
    _check_version(sheet, version)
    _check_complete(sheet)
    _claim(
        sheet,
        version=version,
        from_status=SheetStatus.DRAFT,
        state_code="sheet_locked",
        status=SheetStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action="score_sheet.submit",
        obj=sheet,
        changes={"status": [SheetStatus.DRAFT, SheetStatus.SUBMITTED], "total": sheet.total},
    )
    return sheet


def _not_submitted() -> ValidationFailed:
    return ValidationFailed(_("This sheet has not been submitted."), code="not_submitted")


@transaction.atomic
def self_sheet_approve(*, actor: Any, sheet: ScoreSheet) -> ScoreSheet:
    """The unit head approves the unit's submitted self-score."""
    require_perm(actor, "scoring.approve_self_sheet", sheet)
    if sheet.is_locked:
        raise _locked()
    if sheet.status != SheetStatus.SUBMITTED:
        raise _not_submitted()
    _claim(
        sheet,
        version=sheet.version,
        from_status=SheetStatus.SUBMITTED,
        state_code="not_submitted",
        status=SheetStatus.APPROVED,
        approved_at=timezone.now(),
        approved_by=actor,
    )
    audit_record(
        actor=actor,
        action="score_sheet.approve",
        obj=sheet,
        changes={"status": [SheetStatus.SUBMITTED, SheetStatus.APPROVED]},
    )
    return sheet


@transaction.atomic
def score_sheet_return(*, actor: Any, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """Send a submitted (or approved) sheet back to draft with a reason, to be corrected and handed in again.

    Allowed to whoever may approve it (the unit head, for a self sheet) or finalise it (the organisers).
    The reason is kept in the audit log (`score_sheet.return`), where the sheet's history shows it.
    """
    if not (actor.has_perm("scoring.approve_self_sheet", sheet) or actor.has_perm("scoring.finalise_sheet", sheet)):
        raise PermissionDenied()
    if sheet.is_locked:
        raise _locked()
    if sheet.status not in (SheetStatus.SUBMITTED, SheetStatus.APPROVED):
        raise _not_submitted()
    text = _check_reason(reason)
    before = sheet.status
    _claim(
        sheet,
        version=sheet.version,
        from_status=(SheetStatus.SUBMITTED, SheetStatus.APPROVED),
        state_code="not_submitted",
        status=SheetStatus.DRAFT,
        submitted_at=None,
        submitted_by=None,
        approved_at=None,
        approved_by=None,
    )
    audit_record(
        actor=actor,
        action="score_sheet.return",
        obj=sheet,
        changes={"status": [before, SheetStatus.DRAFT], "reason": text},
    )
    return sheet


def _finalisable_from(sheet: ScoreSheet, config: ScoringConfig) -> tuple[str, ...]:
    if sheet.kind == SheetKind.REVIEW:
        return (SheetStatus.SUBMITTED,)
    if config.self_approval_required:
        return (SheetStatus.APPROVED,)
    return (SheetStatus.SUBMITTED, SheetStatus.APPROVED)


def _reconcile(review: ScoreSheet, own: ScoreSheet, config: ScoringConfig) -> int:
    """Flag the lines (and the total) where a review and the unit's self-score differ above the thresholds.

    Open flags of the review are recomputed; resolved ones stay as they are.
    """
    Reconciliation.objects.filter(review_sheet=review, status=ReconciliationStatus.OPEN).delete()
    self_lines: dict[Hashable, Decimal] = dict(own.lines.values_list("item_id", "points"))
    review_lines: dict[Hashable, Decimal] = dict(review.lines.values_list("item_id", "points"))
    rows = [
        Reconciliation(
            block_year_id=review.block_year_id,
            unit_id=review.unit_id,
            review_sheet=review,
            item_id=cast(int, item_id),
            self_points=self_lines.get(item_id),
            review_points=review_lines.get(item_id),
        )
        for item_id in differences(self_lines, review_lines, threshold=config.item_difference_threshold)
    ]
    if total_difference_flag(own.total, review.total, threshold=config.total_difference_threshold):
        rows.append(
            Reconciliation(
                block_year_id=review.block_year_id,
                unit_id=review.unit_id,
                review_sheet=review,
                item=None,
                self_points=own.total,
                review_points=review.total,
            )
        )
    Reconciliation.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _finalise(actor: Any, sheet: ScoreSheet, config: ScoringConfig) -> int:
    """Finalise one sheet and flag its differences; returns the number of differences flagged."""
    allowed = _finalisable_from(sheet, config)
    if sheet.status not in allowed:
        raise ValidationFailed(
            _("This sheet is not ready to be finalised (it must be submitted, and a self-score approved)."),
            code="not_ready",
        )
    _claim(
        sheet,
        version=sheet.version,
        from_status=allowed,
        state_code="not_ready",
        status=SheetStatus.FINALISED,
        finalised_at=timezone.now(),
        finalised_by=actor,
    )
    current = ScoreSheet.objects.filter(block_year_id=sheet.block_year_id, unit_id=sheet.unit_id, is_current=True)
    flagged = 0
    if sheet.kind == SheetKind.REVIEW:
        own = current.filter(kind=SheetKind.SELF).exclude(status=SheetStatus.DRAFT).first()
        if own is not None:
            flagged = _reconcile(sheet, own, config)
    else:
        for review in current.filter(kind=SheetKind.REVIEW, status=SheetStatus.FINALISED):
            flagged += _reconcile(review, sheet, config)
    return flagged


@transaction.atomic
def score_sheet_finalise(*, actor: Any, sheet: ScoreSheet) -> ScoreSheet:
    """Finalise a sheet: a submitted review, or an approved self-score (submitted is enough when the
    block-year does not require the unit head's approval). Differences between the review and the
    unit's self-score above the thresholds are flagged, and the final scores recomputed.
    """
    require_perm(actor, "scoring.finalise_sheet", sheet)
    if sheet.is_locked:
        raise _locked()
    config = scoring_config_of(block_year=sheet.block_year)
    before = sheet.status
    flagged = _finalise(actor, sheet, config)
    recompute_final_scores([sheet.block_year_id])
    audit_record(
        actor=actor,
        action="score_sheet.finalise",
        obj=sheet,
        changes={"status": [before, SheetStatus.FINALISED], "total": sheet.total, "differences": flagged},
    )
    return sheet


@transaction.atomic
def block_year_finalise_scoring(*, actor: Any, block_year: BlockYear) -> list[ScoreSheet]:
    """Finalise every submitted / approved sheet of the block-year, then recompute the final scores.

    Refused ("sheets_not_ready") while a sheet is still a draft, or a self-score still awaits the
    unit head's approval; the message names the units.
    """
    require_perm(actor, "scoring.manage_reviews", block_year)
    config = scoring_config_of(block_year=block_year)
    sheets = list(
        ScoreSheet.objects.filter(block_year=block_year, is_current=True)
        .select_related("unit", "block_year")
        .order_by("unit__name", "unit_id", "-kind", "reviewer_unit_id")
    )
    waiting = [
        sheet
        for sheet in sheets
        if sheet.status != SheetStatus.FINALISED and sheet.status not in _finalisable_from(sheet, config)
    ]
    if waiting:
        names = list(dict.fromkeys(str(sheet.unit) for sheet in waiting))
        raise ValidationFailed(
            _("Some sheets are not ready to be finalised (draft, or awaiting the unit head's approval): %(units)s.")
            % {"units": "; ".join(names)},
            code="sheets_not_ready",
            units=[sheet.unit_id for sheet in waiting],
        )
    todo = [sheet for sheet in sheets if sheet.status != SheetStatus.FINALISED]
    todo.sort(key=lambda sheet: sheet.kind != SheetKind.SELF)  # self-scores first: reviews compare with them
    flagged = sum(_finalise(actor, sheet, config) for sheet in todo)
    count = recompute_final_scores([block_year.pk])
    audit_record(
        actor=actor,
        action="scoring.finalise_all",
        obj=block_year,
        changes={"sheets": [sheet.pk for sheet in todo], "differences": flagged, "final_scores": count},
    )
    return todo


@transaction.atomic
def score_sheet_correct(*, actor: Any, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """Open a correction of a finalised sheet: a new draft revision, a copy of it, with the reason.

    The finalised revision stays unchanged in the history, no longer current; the copy keeps the
    entries and the evidence files, and goes through submit / approve / finalise again.
    """
    require_perm(actor, "scoring.correct_sheet", sheet)
    if sheet.status != SheetStatus.FINALISED or not sheet.is_current:
        raise ValidationFailed(
            _("Only the current finalised revision of a sheet can be corrected."), code="not_finalised"
        )
    text = _check_reason(reason)
    updated = ScoreSheet.objects.filter(pk=sheet.pk, is_current=True, version=sheet.version).update(
        is_current=False, updated_at=timezone.now()
    )
    if updated != 1:
        raise _stale()
    sheet.is_current = False
    copy = ScoreSheet.objects.create(
        block_year_id=sheet.block_year_id,
        unit_id=sheet.unit_id,
        kind=sheet.kind,
        reviewer_unit_id=sheet.reviewer_unit_id,
        is_head_review=sheet.is_head_review,
        status=SheetStatus.DRAFT,
        revision=sheet.revision + 1,
        is_current=True,
        supersedes=sheet,
        correction_reason=text,
        comment=sheet.comment,
        base_total=sheet.base_total,
        bonus_total=sheet.bonus_total,
        deduction_total=sheet.deduction_total,
        total=sheet.total,
        last_edited_by=actor,
    )
    old_lines = list(sheet.lines.all())
    new_lines = ScoreLine.objects.bulk_create(
        ScoreLine(
            sheet=copy,
            item_id=line.item_id,
            value=line.value,
            count=line.count,
            points=line.points,
            comment=line.comment,
            evidence_note=line.evidence_note,
        )
        for line in old_lines
    )
    new_by_item = {line.item_id: line for line in new_lines}
    if any(line.pk is None for line in new_lines):  # backends that do not return ids from a bulk insert
        new_by_item = {line.item_id: line for line in copy.lines.all()}
    old_to_new = {line.pk: new_by_item[line.item_id].pk for line in old_lines}
    owner_type = ContentType.objects.get_for_model(ScoreLine)
    files = list(Attachment.objects.filter(owner_type=owner_type, owner_id__in=list(old_to_new)).order_by("pk"))
    Attachment.objects.bulk_create(
        Attachment(
            owner_type=owner_type,
            owner_id=old_to_new[file.owner_id],
            file=file.file.name,
            original_name=file.original_name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            uploaded_by_id=file.uploaded_by_id,
        )
        for file in files
    )
    recompute_final_scores([sheet.block_year_id])
    audit_record(
        actor=actor,
        action="score_sheet.correct",
        obj=copy,
        changes={"supersedes": sheet.pk, "revision": copy.revision, "reason": text, "evidence_files": len(files)},
    )
    return copy


@transaction.atomic
def reconciliation_resolve(*, actor: Any, reconciliation: Reconciliation, reason: str) -> Reconciliation:
    """Close a flagged self/review difference with the explanation agreed on."""
    require_perm(actor, "scoring.resolve_reconciliation", reconciliation.block_year)
    if reconciliation.status != ReconciliationStatus.OPEN:
        raise ValidationFailed(_("This difference has already been reconciled."), code="already_resolved")
    text = _check_reason(reason)
    now = timezone.now()
    updated = Reconciliation.objects.filter(pk=reconciliation.pk, status=ReconciliationStatus.OPEN).update(
        status=ReconciliationStatus.RESOLVED, reason=text, resolved_by=actor, resolved_at=now
    )
    if updated != 1:
        raise ValidationFailed(_("This difference has already been reconciled."), code="already_resolved")
    reconciliation.status = ReconciliationStatus.RESOLVED
    reconciliation.reason, reconciliation.resolved_by, reconciliation.resolved_at = text, actor, now
    audit_record(
        actor=actor,
        action="reconciliation.resolve",
        obj=reconciliation,
        changes={"status": [ReconciliationStatus.OPEN, ReconciliationStatus.RESOLVED], "reason": text},
    )
    return reconciliation


# ---------------------------------------------------------------- cross-scoring assignments and conflicts


@transaction.atomic
def review_assignments_generate(*, actor: Any, block_year: BlockYear) -> list[ReviewAssignment]:
    """Assign the reviewers of every member unit (cross mode), replacing the previous assignment.

    Uses `rules.assign_reviewers` with the block-year's reviewers per unit, seed and declared
    conflicts: no unit reviews itself and each unit gets the same number of reviewers. Refused once
    a review has begun ("reviews_started"): a review sheet with an entry, or past draft.
    """
    require_perm(actor, "scoring.manage_reviews", block_year)
    config = scoring_config_of(block_year=block_year)
    if config.review_mode != ReviewMode.CROSS:
        raise ValidationFailed(
            _("Reviewers are assigned only when the block-year uses cross-scoring."), code="not_cross_mode"
        )
    reviews = ScoreSheet.objects.filter(block_year=block_year, kind=SheetKind.REVIEW)
    review_lines = ScoreLine.objects.filter(sheet__block_year=block_year, sheet__kind=SheetKind.REVIEW)
    started = (
        reviews.exclude(status=SheetStatus.DRAFT).exists()
        or review_lines.filter(
            Q(value__isnull=False) | Q(count__isnull=False) | ~Q(comment="") | ~Q(evidence_note="")
        ).exists()
        or Attachment.objects.filter(
            owner_type=ContentType.objects.get_for_model(ScoreLine),
            owner_id__in=review_lines.values("pk"),
        ).exists()
    )
    if started:
        raise ValidationFailed(
            _("Reviews have already begun; the reviewers can no longer be reassigned."), code="reviews_started"
        )
    units = sorted(member_unit_ids(block_year))
    conflicts = list(block_year.scoring_conflicts.values_list("reviewer_unit_id", "unit_id"))
    plan = assign_reviewers(units, per_unit=config.reviewers_per_unit, conflicts=conflicts, seed=config.assignment_seed)
    before = sorted(block_year.review_assignments.values_list("reviewer_unit_id", "unit_id"))
    block_year.review_assignments.all().delete()
    reviews.delete()  # blank draft sheets of the previous assignment
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(block_year=block_year, reviewer_unit_id=cast(int, reviewer), unit_id=cast(int, unit))
        for unit, reviewers in plan.items()
        for reviewer in reviewers
    )
    audit_record(
        actor=actor,
        action="review_assignment.generate",
        obj=block_year,
        changes={
            "reviewers_per_unit": config.reviewers_per_unit,
            "seed": config.assignment_seed,
            "before": [list(pair) for pair in before],
            "after": {str(unit): reviewers for unit, reviewers in plan.items()},
        },
    )
    return list(
        block_year.review_assignments.select_related("reviewer_unit", "unit").order_by(
            "unit__name", "unit_id", "reviewer_unit__name", "reviewer_unit_id"
        )
    )


def _check_conflict_scope(actor: Any, block_year: BlockYear, reviewer_unit_id: int, unit_id: int) -> None:
    """Leaders and officers declare any conflict in the block; a unit's staff only those involving their unit."""
    if actor.has_perm("scoring.view_all_sheets", block_year):
        return
    if not (unit_role_on(actor, reviewer_unit_id, *STAFF_ROLES) or unit_role_on(actor, unit_id, *STAFF_ROLES)):
        raise PermissionDenied()


@transaction.atomic
def conflict_declare(
    *, actor: Any, block_year: BlockYear, reviewer_unit: Unit, unit: Unit, reason: str
) -> ConflictOfInterest:
    """Declare that `reviewer_unit` must not score `unit` this block-year (and why).

    An existing assignment of the pair stays until the reviewers are assigned again; a review
    sheet of the pair can no longer be opened.
    """
    require_perm(actor, "scoring.declare_conflict", block_year)
    _check_conflict_scope(actor, block_year, reviewer_unit.pk, unit.pk)
    if reviewer_unit.pk == unit.pk:
        raise ValidationFailed(
            _("A unit never reviews itself; no conflict needs declaring."), code="own_unit", field="unit"
        )
    _check_member(block_year, reviewer_unit, field="reviewer_unit")
    _check_member(block_year, unit, field="unit")
    text = _check_reason(reason)
    if block_year.scoring_conflicts.filter(reviewer_unit=reviewer_unit, unit=unit).exists():
        raise ValidationFailed(
            _("This conflict of interest has already been declared."), code="duplicate_conflict", field="unit"
        )
    conflict = ConflictOfInterest.objects.create(
        block_year=block_year, reviewer_unit=reviewer_unit, unit=unit, reason=text, declared_by=actor
    )
    audit_record(
        actor=actor,
        action="conflict.declare",
        obj=conflict,
        changes={"reviewer_unit": reviewer_unit.pk, "unit": unit.pk, "reason": text},
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, actor: Any, conflict: ConflictOfInterest) -> None:
    """Withdraw a declared conflict of interest."""
    require_perm(actor, "scoring.declare_conflict", conflict.block_year)
    _check_conflict_scope(actor, conflict.block_year, conflict.reviewer_unit_id, conflict.unit_id)
    audit_record(
        actor=actor,
        action="conflict.withdraw",
        obj=conflict,
        changes={"reviewer_unit": conflict.reviewer_unit_id, "unit": conflict.unit_id, "reason": conflict.reason},
    )
    conflict.delete()
