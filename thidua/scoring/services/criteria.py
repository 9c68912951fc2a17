"""Services for the criteria set of a block-year (bảng chấm điểm): its groups and items, copy, lock, XLSX import.

A block adopts its own scoring table every year (domain.md §4.3), usually by copying last year's and
editing it, and locks it when scoring opens so that every unit is scored against the same table.
Every write here checks `scoring.manage_criteria` on the block-year (unlocking needs
`scoring.unlock_criteria`), refuses to touch a locked set ("criteria_locked"), runs in one
transaction and is audited.

How an item is scored (decided here, the forms and the XLSX file follow it):

- POINTS and YES_NO lines need `max_points` > 0; they have no points per occurrence and no cap.
- BONUS and DEDUCTION lines need `per_occurrence` > 0 and have `max_points` = 0: their limit, if any,
  is `cap` (at least one occurrence's worth). A deduction's numbers are positive; the rules engine
  applies the sign. Bonus and deduction points are outside the base maximum, so a total may pass it
  (97 + 10 = 107) unless the set's `total_cap` says otherwise.
- A cap of 0 means "no cap" (as in `rules.ItemSpec`) and is stored as empty.
- Numbers are ≥ 0 with at most two decimals. Codes are unique within the set: group codes among the
  groups, item codes among the items ("duplicate_code").

Deleting an item (or a group, or replacing the tree by an import) after the set was unlocked removes
the item's blank lines on draft sheets; an item that a unit has already scored, commented or given
evidence for is refused ("item_in_use"), so no entered score is ever lost. A group named in the
tie-break order of the scoring settings cannot be deleted or recoded ("group_in_use").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.attachments.models import Attachment
from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import BlockYear
from thidua.organizations.services._common import check_choice, clean_text, snapshot
from thidua.scoring import rules, xlsx
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    CriteriaSetStatus,
    ItemType,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetStatus,
)

SET_FIELDS = ["title", "legal_basis", "total_cap", "bonus_cap"]
GROUP_FIELDS = ["code", "title", "position"]
ITEM_FIELDS = [
    "group",
    "code",
    "title",
    "guidance",
    "position",
    "item_type",
    "max_points",
    "per_occurrence",
    "cap",
    "evidence_required",
]
ITEM_EDIT_FIELDS = frozenset(ITEM_FIELDS) - {"position"}
MAX_POINTS_VALUE = Decimal("99999.99")  # DecimalField(max_digits=7, decimal_places=2)
CENT = Decimal("0.01")
OCCURRENCE_TYPES = (ItemType.BONUS, ItemType.DEDUCTION)


# --- validation helpers (also used by the XLSX import) -------------------------------------------------------------


def clean_points(value: Any, *, field: str, allow_none: bool = False) -> Decimal | None:
    """A points number: finite, ≥ 0, at most two decimals and storable. None → 0 unless `allow_none`."""
    if value is None or value == "":
        return None if allow_none else Decimal("0.00")
    if isinstance(value, bool):
        raise ValidationFailed(_("Enter a number."), code="invalid_number", field=field)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationFailed(_("Enter a number."), code="invalid_number", field=field) from exc
    if not number.is_finite():
        raise ValidationFailed(_("Enter a number."), code="invalid_number", field=field)
    if number < 0:
        raise ValidationFailed(
            _("Points are written as positive numbers (a deduction line takes them away by itself)."),
            code="negative_points",
            field=field,
        )
    if number != number.quantize(CENT):
        raise ValidationFailed(
            _("A number of points can have at most two decimals, for example 2.5."),
            code="too_many_decimals",
            field=field,
        )
    if number > MAX_POINTS_VALUE:
        raise ValidationFailed(
            _("Enter at most %(max)s.") % {"max": MAX_POINTS_VALUE}, code="number_too_large", field=field
        )
    return number.quantize(CENT)


@dataclass(frozen=True)
class ItemScoring:
    """The validated scoring fields of an item."""

    item_type: str
    max_points: Decimal
    per_occurrence: Decimal
    cap: Decimal | None


def check_item_scoring(*, item_type: str, max_points: Any, per_occurrence: Any, cap: Any) -> ItemScoring:
    """Validate how an item is scored (see the module docstring); raise ValidationFailed naming the field."""
    item_type = check_choice(str(item_type), ItemType, field="item_type")
    maximum = clean_points(max_points, field="max_points") or Decimal("0.00")
    each = clean_points(per_occurrence, field="per_occurrence") or Decimal("0.00")
    limit = clean_points(cap, field="cap", allow_none=True) or None  # 0 = no cap
    if item_type in OCCURRENCE_TYPES:
        if maximum:
            raise ValidationFailed(
                _("A bonus or deduction line has no maximum of its own: put its limit in the cap."),
                code="invalid_max_points",
                field="max_points",
            )
        if not each:
            raise ValidationFailed(
                _("Enter the points given or taken away per occurrence (more than 0)."),
                code="invalid_per_occurrence",
                field="per_occurrence",
            )
        if limit is not None and limit < each:
            raise ValidationFailed(
                _("The cap (%(cap)s) is below the points of one occurrence (%(each)s).") % {"cap": limit, "each": each},
                code="invalid_cap",
                field="cap",
            )
    else:
        if not maximum:
            raise ValidationFailed(
                _("Enter the maximum points of this line (more than 0)."), code="invalid_max_points", field="max_points"
            )
        if each:
            raise ValidationFailed(
                _("Only bonus and deduction lines have points per occurrence."),
                code="invalid_per_occurrence",
                field="per_occurrence",
            )
        if limit is not None:
            raise ValidationFailed(
                _("Only bonus and deduction lines have a cap; a points line is limited by its maximum."),
                code="invalid_cap",
                field="cap",
            )
    rules.ItemSpec(rules.ItemType(item_type), maximum, each, limit)  # the rules engine accepts it
    return ItemScoring(item_type=item_type, max_points=maximum, per_occurrence=each, cap=limit)


def clean_code(value: Any, *, field: str = "code") -> str:
    return clean_text(None if value is None else str(value), field=field, max_length=16, required=True)


def _set_caps(total_cap: Any, bonus_cap: Any) -> tuple[Decimal | None, Decimal | None]:
    total = clean_points(total_cap, field="total_cap", allow_none=True)
    if total is not None and total <= 0:
        raise ValidationFailed(
            _("A cap on the total must be more than 0; leave it empty for no cap."),
            code="invalid_cap",
            field="total_cap",
        )
    return total, clean_points(bonus_cap, field="bonus_cap", allow_none=True)


def _locked_for_edit(criteria_set: CriteriaSet) -> CriteriaSet:
    """Lock the set's row for this transaction; refuse if it is locked (compared with the database, not the copy)."""
    row = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if row.status == CriteriaSetStatus.LOCKED:
        raise ValidationFailed(
            _("The criteria set is locked because scoring has opened; it can no longer be edited."),
            code="criteria_locked",
        )
    return row


def _duplicate_code(kind: str, code: str) -> ValidationFailed:
    message = (
        _("A group with code “%(code)s” already exists in this set.")
        if kind == "group"
        else _("A line with code “%(code)s” already exists in this set.")
    )
    return ValidationFailed(message % {"code": code}, code="duplicate_code", field="code")


def _tie_break_groups(block_year_id: int) -> set[str]:
    config = ScoringConfig.objects.filter(block_year_id=block_year_id).only("tie_breaks").first()
    if config is None:
        return set()
    return {str(step.get("group")) for step in config.tie_breaks or [] if isinstance(step, dict) and step.get("group")}


def _check_group_not_in_tie_breaks(group: CriteriaGroup, block_year_id: int) -> None:
    if group.code in _tie_break_groups(block_year_id):
        raise ValidationFailed(
            _("The group “%(code)s” is used in the tie-break order of the scoring settings; change the settings first.")
            % {"code": group.code},
            code="group_in_use",
            field="code",
        )


def _release_lines(item_ids: Sequence[int]) -> int:
    """Delete the blank lines of `item_ids` on draft sheets; refuse if any line holds an entry (see module doc)."""
    if not item_ids:
        return 0
    lines = list(ScoreLine.objects.filter(item_id__in=item_ids).select_related("sheet", "item"))
    line_type = ContentType.objects.get_for_model(ScoreLine)
    with_files = set(
        Attachment.objects.filter(owner_type=line_type, owner_id__in=[line.pk for line in lines]).values_list(
            "owner_id", flat=True
        )
    )
    for line in lines:
        blank = (
            line.value is None
            and line.count is None
            and not line.comment
            and not line.evidence_note
            and line.pk not in with_files
            and line.sheet.status == SheetStatus.DRAFT
        )
        if not blank:
            raise ValidationFailed(
                _("The line “%(code)s” has already been scored on a sheet of %(unit)s; it cannot be deleted.")
                % {"code": line.item.code, "unit": line.sheet.unit},
                code="item_in_use",
            )
    deleted, _detail = ScoreLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
    return deleted


def _next_position(queryset: Any) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


# --- the set -------------------------------------------------------------------------------------------------------


@transaction.atomic
def criteria_set_create(
    *,
    actor: Any,
    block_year: BlockYear,
    title: str,
    legal_basis: str = "",
    total_cap: Decimal | None = None,
    bonus_cap: Decimal | None = None,
) -> CriteriaSet:
    """Start the (empty) criteria set of a block-year; one set per block-year ("set_exists")."""
    require_perm(actor, "scoring.manage_criteria", block_year)
    if CriteriaSet.objects.filter(block_year=block_year).exists():
        raise ValidationFailed(_("This block-year already has a criteria set."), code="set_exists")
    total, bonus = _set_caps(total_cap, bonus_cap)
    criteria_set = CriteriaSet.objects.create(
        block_year=block_year,
        title=clean_text(title, field="title", max_length=255, required=True),
        legal_basis=clean_text(legal_basis, field="legal_basis", max_length=5000),
        total_cap=total,
        bonus_cap=bonus,
    )
    audit_record(
        actor=actor,
        action="criteria_set.create",
        obj=criteria_set,
        changes=model_changes({}, snapshot(criteria_set, [*SET_FIELDS, "block_year"])),
    )
    return criteria_set


@transaction.atomic
def criteria_set_update(*, actor: Any, criteria_set: CriteriaSet, **changes: Any) -> CriteriaSet:
    """Change the title, legal basis or caps of a draft set."""
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    unknown = set(changes) - set(SET_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    _locked_for_edit(criteria_set)
    before = snapshot(criteria_set, SET_FIELDS)
    if "title" in changes:
        criteria_set.title = clean_text(changes["title"], field="title", max_length=255, required=True)
    if "legal_basis" in changes:
        criteria_set.legal_basis = clean_text(changes["legal_basis"], field="legal_basis", max_length=5000)
    if "total_cap" in changes or "bonus_cap" in changes:
        criteria_set.total_cap, criteria_set.bonus_cap = _set_caps(
            changes.get("total_cap", criteria_set.total_cap), changes.get("bonus_cap", criteria_set.bonus_cap)
        )
    diff = model_changes(before, snapshot(criteria_set, SET_FIELDS))
    if diff:
        criteria_set.save()
        audit_record(actor=actor, action="criteria_set.update", obj=criteria_set, changes=diff)
    return criteria_set


@transaction.atomic
def criteria_set_lock(*, actor: Any, criteria_set: CriteriaSet) -> CriteriaSet:
    """Lock the set when scoring opens: every unit is then scored against this table ("empty_set" if no items)."""
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    _locked_for_edit(criteria_set)
    if not criteria_set.items.exists():
        raise ValidationFailed(
            _("Add at least one criteria line before locking the set."), code="empty_set", field="criteria_set"
        )
    criteria_set.status = CriteriaSetStatus.LOCKED
    criteria_set.locked_at = timezone.now()
    criteria_set.locked_by = actor
    criteria_set.save(update_fields=["status", "locked_at", "locked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="criteria_set.lock",
        obj=criteria_set,
        changes={"status": [CriteriaSetStatus.DRAFT, CriteriaSetStatus.LOCKED], "items": criteria_set.items.count()},
    )
    return criteria_set


def lock_criteria_when_scoring_opens(*, actor: Any, block_year: BlockYear) -> None:
    """Phase hook: entering *scoring* locks the block-year's draft criteria set (an empty set refuses the move).

    A block-year without a set yet may still open scoring; its set is then locked by hand once written.
    """
    criteria_set = CriteriaSet.objects.filter(block_year=block_year).first()
    if criteria_set is not None and criteria_set.status == CriteriaSetStatus.DRAFT:
        criteria_set_lock(actor=actor, criteria_set=criteria_set)


@transaction.atomic
def criteria_set_unlock(*, actor: Any, criteria_set: CriteriaSet, reason: str) -> CriteriaSet:
    """Reopen a locked set for edits: officers and administrators only, and only while no sheet was submitted."""
    require_perm(actor, "scoring.unlock_criteria", criteria_set.block_year)
    reason = clean_text(reason, field="reason", max_length=2000, required=True)
    row = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if row.status != CriteriaSetStatus.LOCKED:
        raise ValidationFailed(_("The criteria set is not locked."), code="not_locked")
    sent = ScoreSheet.objects.filter(block_year_id=criteria_set.block_year_id).exclude(status=SheetStatus.DRAFT)
    if sent.exists() or ScoreSheet.objects.filter(block_year_id=criteria_set.block_year_id, revision__gt=1).exists():
        raise ValidationFailed(
            _("Score sheets have already been submitted against this set; it can no longer be unlocked."),
            code="sheets_submitted",
        )
    criteria_set.status = CriteriaSetStatus.DRAFT
    criteria_set.locked_at = None
    criteria_set.locked_by = None
    criteria_set.save(update_fields=["status", "locked_at", "locked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="criteria_set.unlock",
        obj=criteria_set,
        changes={"status": [CriteriaSetStatus.LOCKED, CriteriaSetStatus.DRAFT], "reason": reason},
    )
    return criteria_set


def previous_block_year(block_year: BlockYear) -> BlockYear | None:
    return BlockYear.objects.filter(block_id=block_year.block_id, year=block_year.year - 1).first()


def _copied_title(title: str, source_year: int, target_year: int) -> str:
    """Last year's title with its year changed: "… năm 2024" → "… năm 2025"."""
    return re.sub(rf"\b{source_year}\b", str(target_year), title)[:255]


@transaction.atomic
def criteria_set_copy(*, actor: Any, block_year: BlockYear, source: CriteriaSet | None = None) -> CriteriaSet:
    """Copy a set's groups and items (by default last year's set of the same block) into this block-year.

    The target is created if missing; an existing target must be a draft with no items ("set_not_empty").
    """
    require_perm(actor, "scoring.manage_criteria", block_year)
    if source is None:
        previous = previous_block_year(block_year)
        source = CriteriaSet.objects.filter(block_year=previous).first() if previous is not None else None
    if source is None or not source.items.exists():
        raise ValidationFailed(
            _("There is no criteria set of the previous year of this block to copy."),
            code="no_previous_set",
            field="source",
        )
    if source.block_year_id == block_year.pk:
        raise ValidationFailed(_("A set cannot be copied onto itself."), code="same_set", field="source")
    require_perm(actor, "scoring.view_criteria", source.block_year)
    source_year = source.block_year.year
    target = CriteriaSet.objects.filter(block_year=block_year).first()
    if target is None:
        target = CriteriaSet.objects.create(
            block_year=block_year,
            title=_copied_title(source.title, source_year, block_year.year),
            legal_basis=source.legal_basis,
            total_cap=source.total_cap,
            bonus_cap=source.bonus_cap,
        )
    else:
        _locked_for_edit(target)
        if target.items.exists():
            raise ValidationFailed(
                _("This block-year's criteria set already has lines; copying would replace them."),
                code="set_not_empty",
            )
        target.groups.all().delete()
    target.copied_from = source
    target.save(update_fields=["copied_from", "updated_at"])
    groups = list(source.groups.order_by("position", "id"))
    new_groups = CriteriaGroup.objects.bulk_create(
        CriteriaGroup(criteria_set=target, code=g.code, title=g.title, position=g.position) for g in groups
    )
    by_old = {old.pk: new for old, new in zip(groups, new_groups, strict=True)}
    items = list(source.items.order_by("group__position", "position", "id"))
    CriteriaItem.objects.bulk_create(
        CriteriaItem(
            criteria_set=target,
            group=by_old[item.group_id],
            code=item.code,
            title=item.title,
            guidance=item.guidance,
            position=item.position,
            item_type=item.item_type,
            max_points=item.max_points,
            per_occurrence=item.per_occurrence,
            cap=item.cap,
            evidence_required=item.evidence_required,
        )
        for item in items
    )
    audit_record(
        actor=actor,
        action="criteria_set.copy",
        obj=target,
        changes={"source": source.pk, "source_year": source_year, "groups": len(groups), "items": len(items)},
    )
    return target


# --- groups --------------------------------------------------------------------------------------------------------


@transaction.atomic
def criteria_group_add(
    *, actor: Any, criteria_set: CriteriaSet, code: str, title: str, position: int | None = None
) -> CriteriaGroup:
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    _locked_for_edit(criteria_set)
    code = clean_code(code)
    if criteria_set.groups.filter(code=code).exists():
        raise _duplicate_code("group", code)
    group = CriteriaGroup.objects.create(
        criteria_set=criteria_set,
        code=code,
        title=clean_text(title, field="title", max_length=500, required=True),
        position=position if position is not None else _next_position(criteria_set.groups),
    )
    audit_record(
        actor=actor,
        action="criteria_group.add",
        obj=group,
        changes=model_changes({}, {**snapshot(group, GROUP_FIELDS), "criteria_set": criteria_set.pk}),
    )
    return group


@transaction.atomic
def criteria_group_update(*, actor: Any, group: CriteriaGroup, **changes: Any) -> CriteriaGroup:
    criteria_set = group.criteria_set
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    unknown = set(changes) - {"code", "title"}
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    _locked_for_edit(criteria_set)
    before = snapshot(group, GROUP_FIELDS)
    if "code" in changes:
        code = clean_code(changes["code"])
        if code != group.code:
            _check_group_not_in_tie_breaks(group, criteria_set.block_year_id)
            if criteria_set.groups.filter(code=code).exclude(pk=group.pk).exists():
                raise _duplicate_code("group", code)
        group.code = code
    if "title" in changes:
        group.title = clean_text(changes["title"], field="title", max_length=500, required=True)
    diff = model_changes(before, snapshot(group, GROUP_FIELDS))
    if diff:
        group.save()
        audit_record(actor=actor, action="criteria_group.update", obj=group, changes=diff)
    return group


@transaction.atomic
def criteria_group_delete(*, actor: Any, group: CriteriaGroup) -> None:
    """Delete a group with its items (see the module docstring for items already scored)."""
    criteria_set = group.criteria_set
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    _locked_for_edit(criteria_set)
    _check_group_not_in_tie_breaks(group, criteria_set.block_year_id)
    item_codes = list(group.items.order_by("position", "id").values_list("code", flat=True))
    released = _release_lines(list(group.items.values_list("pk", flat=True)))
    audit_record(
        actor=actor,
        action="criteria_group.delete",
        obj=group,
        changes={
            **model_changes(snapshot(group, GROUP_FIELDS), dict.fromkeys(GROUP_FIELDS)),
            "items": item_codes,
            "blank_lines": released,
        },
    )
    group.delete()


def _reorder(rows: Sequence[Any], ordered_ids: Sequence[int], model: type[Any]) -> bool:
    """Give `rows` the positions 1..n in the order of `ordered_ids` (a permutation of their ids)."""
    current = {row.pk: row for row in rows}
    if len(ordered_ids) != len(current) or set(ordered_ids) != set(current):
        raise ValidationFailed(
            _("The new order must list every entry exactly once."), code="invalid_order", field="order"
        )
    changed = []
    for position, pk in enumerate(ordered_ids, start=1):
        row = current[pk]
        if row.position != position:
            row.position = position
            changed.append(row)
    model.objects.bulk_update(changed, ["position"])
    return bool(changed) or [row.pk for row in rows] != list(ordered_ids)


@transaction.atomic
def criteria_groups_reorder(*, actor: Any, criteria_set: CriteriaSet, group_ids: Sequence[int]) -> list[CriteriaGroup]:
    """Put the groups of a set in the order of `group_ids` (all of them, each once)."""
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    _locked_for_edit(criteria_set)
    groups = list(criteria_set.groups.order_by("position", "id"))
    before = [g.code for g in groups]
    if _reorder(groups, list(group_ids), CriteriaGroup):
        after = sorted(groups, key=lambda g: g.position)
        audit_record(
            actor=actor,
            action="criteria_set.reorder_groups",
            obj=criteria_set,
            changes={"groups": [before, [g.code for g in after]]},
        )
    return sorted(groups, key=lambda g: g.position)


def _moved(ids: list[int], pk: int, direction: str) -> list[int]:
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Move up or down."), code="invalid_choice", field="direction")
    index = ids.index(pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


def criteria_group_move(*, actor: Any, group: CriteriaGroup, direction: str) -> list[CriteriaGroup]:
    """Move a group one place up or down (a no-op at either end)."""
    ids = list(group.criteria_set.groups.order_by("position", "id").values_list("pk", flat=True))
    return criteria_groups_reorder(
        actor=actor, criteria_set=group.criteria_set, group_ids=_moved(ids, group.pk, direction)
    )


# --- items ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def criteria_item_add(
    *,
    actor: Any,
    group: CriteriaGroup,
    code: str,
    title: str,
    item_type: str = ItemType.POINTS,
    max_points: Decimal | None = None,
    per_occurrence: Decimal | None = None,
    cap: Decimal | None = None,
    evidence_required: bool = False,
    guidance: str = "",
    position: int | None = None,
) -> CriteriaItem:
    """Add a line to a group (see the module docstring for how each scoring type is validated)."""
    criteria_set = group.criteria_set
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    _locked_for_edit(criteria_set)
    code = clean_code(code)
    title = clean_text(title, field="title", max_length=1000, required=True)
    guidance = clean_text(guidance, field="guidance", max_length=5000)
    scoring = check_item_scoring(item_type=item_type, max_points=max_points, per_occurrence=per_occurrence, cap=cap)
    if criteria_set.items.filter(code=code).exists():
        raise _duplicate_code("item", code)
    item = CriteriaItem.objects.create(
        criteria_set=criteria_set,
        group=group,
        code=code,
        title=title,
        guidance=guidance,
        position=position if position is not None else _next_position(group.items),
        item_type=scoring.item_type,
        max_points=scoring.max_points,
        per_occurrence=scoring.per_occurrence,
        cap=scoring.cap,
        evidence_required=bool(evidence_required),
    )
    audit_record(
        actor=actor, action="criteria_item.add", obj=item, changes=model_changes({}, snapshot(item, ITEM_FIELDS))
    )
    return item


@transaction.atomic
def criteria_item_update(*, actor: Any, item: CriteriaItem, **changes: Any) -> CriteriaItem:
    """Change a line; `group` moves it to another group of the same set (at the end)."""
    criteria_set = item.criteria_set
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    unknown = set(changes) - ITEM_EDIT_FIELDS
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    _locked_for_edit(criteria_set)
    before = snapshot(item, ITEM_FIELDS)
    if "code" in changes:
        code = clean_code(changes["code"])
        if code != item.code and criteria_set.items.filter(code=code).exclude(pk=item.pk).exists():
            raise _duplicate_code("item", code)
        item.code = code
    if "title" in changes:
        item.title = clean_text(changes["title"], field="title", max_length=1000, required=True)
    if "guidance" in changes:
        item.guidance = clean_text(changes["guidance"], field="guidance", max_length=5000)
    if "evidence_required" in changes:
        item.evidence_required = bool(changes["evidence_required"])
    scoring = check_item_scoring(
        item_type=changes.get("item_type", item.item_type),
        max_points=changes.get("max_points", item.max_points),
        per_occurrence=changes.get("per_occurrence", item.per_occurrence),
        cap=changes.get("cap", item.cap),
    )
    item.item_type = scoring.item_type
    item.max_points = scoring.max_points
    item.per_occurrence = scoring.per_occurrence
    item.cap = scoring.cap
    new_group = changes.get("group")
    if new_group is not None and new_group.pk != item.group_id:
        if new_group.criteria_set_id != criteria_set.pk:
            raise ValidationFailed(_("The group belongs to another criteria set."), code="invalid_group", field="group")
        item.group = new_group
        item.position = _next_position(new_group.items)
    diff = model_changes(before, snapshot(item, ITEM_FIELDS))
    if diff:
        item.save()
        audit_record(actor=actor, action="criteria_item.update", obj=item, changes=diff)
    return item


@transaction.atomic
def criteria_item_delete(*, actor: Any, item: CriteriaItem) -> None:
    criteria_set = item.criteria_set
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    _locked_for_edit(criteria_set)
    released = _release_lines([item.pk])
    audit_record(
        actor=actor,
        action="criteria_item.delete",
        obj=item,
        changes={**model_changes(snapshot(item, ITEM_FIELDS), dict.fromkeys(ITEM_FIELDS)), "blank_lines": released},
    )
    item.delete()


@transaction.atomic
def criteria_items_reorder(*, actor: Any, group: CriteriaGroup, item_ids: Sequence[int]) -> list[CriteriaItem]:
    """Put the items of a group in the order of `item_ids` (all of them, each once)."""
    criteria_set = group.criteria_set
    require_perm(actor, "scoring.manage_criteria", criteria_set.block_year)
    _locked_for_edit(criteria_set)
    items = list(group.items.order_by("position", "id"))
    before = [i.code for i in items]
    if _reorder(items, list(item_ids), CriteriaItem):
        after = sorted(items, key=lambda i: i.position)
        audit_record(
            actor=actor,
            action="criteria_group.reorder_items",
            obj=group,
            changes={"items": [before, [i.code for i in after]]},
        )
    return sorted(items, key=lambda i: i.position)


def criteria_item_move(*, actor: Any, item: CriteriaItem, direction: str) -> list[CriteriaItem]:
    """Move a line one place up or down inside its group (a no-op at either end)."""
    ids = list(item.group.items.order_by("position", "id").values_list("pk", flat=True))
    return criteria_items_reorder(actor=actor, group=item.group, item_ids=_moved(ids, item.pk, direction))


# --- XLSX import ---------------------------------------------------------------------------------------------------


def _row_checked(parsed: xlsx.ParsedItem) -> ItemScoring:
    """Validate one imported line with the same rules as the forms; errors name the row and column."""
    try:
        clean_code(parsed.code)
        clean_text(parsed.title, field="title", max_length=1000, required=True)
        clean_text(parsed.guidance, field="guidance", max_length=5000)
        return check_item_scoring(
            item_type=parsed.item_type,
            max_points=parsed.max_points,
            per_occurrence=parsed.per_occurrence,
            cap=parsed.cap,
        )
    except ValidationFailed as exc:
        raise xlsx.row_error(parsed.row, exc.field or "code", str(exc.message)) from exc


def _group_checked(parsed: xlsx.ParsedGroup) -> None:
    try:
        clean_code(parsed.code, field="group")
        clean_text(parsed.title, field="title", max_length=500, required=True)
    except ValidationFailed as exc:
        raise xlsx.row_error(parsed.row, exc.field or "group", str(exc.message)) from exc


@transaction.atomic
def criteria_set_import(*, actor: Any, block_year: BlockYear, upload: Any) -> CriteriaSet:
    """Replace the groups and items of a draft set by those of an XLSX workbook (format: `thidua.scoring.xlsx`).

    Groups and items are matched by code: a matched row is updated in place (sheets keep their lines),
    new codes are added and codes missing from the file are deleted. A malformed file raises
    ValidationFailed ("xlsx_invalid", "xlsx_too_large", "xlsx_row_invalid") naming the row and column,
    and nothing is written. The set is created when the block-year has none.
    """
    require_perm(actor, "scoring.manage_criteria", block_year)
    criteria_set = CriteriaSet.objects.filter(block_year=block_year).first()
    if criteria_set is not None:
        _locked_for_edit(criteria_set)
    parsed_groups = xlsx.read_criteria(upload)
    scoring_of: dict[int, ItemScoring] = {}
    for parsed_group in parsed_groups:
        _group_checked(parsed_group)
        for parsed in parsed_group.items:
            scoring_of[id(parsed)] = _row_checked(parsed)
    if not scoring_of:
        raise ValidationFailed(
            _("The sheet “%(sheet)s” has no criteria lines.") % {"sheet": xlsx.SHEET_NAME},
            code="xlsx_invalid",
            field="file",
        )
    created_set = criteria_set is None
    if criteria_set is None:
        criteria_set = CriteriaSet.objects.create(
            block_year=block_year, title=_("Emulation scoring table %(year)s") % {"year": block_year.year}
        )

    groups = {g.code: g for g in criteria_set.groups.all()}
    items = {i.code: i for i in criteria_set.items.all()}
    keep_groups = {g.code for g in parsed_groups}
    keep_items = {parsed.code for parsed_group in parsed_groups for parsed in parsed_group.items}
    dropped_groups = [g for code, g in groups.items() if code not in keep_groups]
    for dropped in dropped_groups:
        _check_group_not_in_tie_breaks(dropped, block_year.pk)
    dropped_items = [i for code, i in items.items() if code not in keep_items]
    released = _release_lines([i.pk for i in dropped_items])
    CriteriaItem.objects.filter(pk__in=[i.pk for i in dropped_items]).delete()

    report: dict[str, list[str]] = {"added": [], "changed": [], "deleted": sorted(i.code for i in dropped_items)}
    for group_position, parsed_group in enumerate(parsed_groups, start=1):
        group = groups.get(parsed_group.code)
        if group is None:
            group = CriteriaGroup.objects.create(
                criteria_set=criteria_set, code=parsed_group.code, title=parsed_group.title, position=group_position
            )
        elif (group.title, group.position) != (parsed_group.title, group_position):
            group.title, group.position = parsed_group.title, group_position
            group.save(update_fields=["title", "position"])
        for item_position, parsed in enumerate(parsed_group.items, start=1):
            scoring = scoring_of[id(parsed)]
            values = {
                "group": group,
                "code": parsed.code,
                "title": parsed.title,
                "guidance": parsed.guidance,
                "position": item_position,
                "item_type": scoring.item_type,
                "max_points": scoring.max_points,
                "per_occurrence": scoring.per_occurrence,
                "cap": scoring.cap,
                "evidence_required": parsed.evidence_required,
            }
            item = items.get(parsed.code)
            if item is None:
                CriteriaItem.objects.create(criteria_set=criteria_set, **values)
                report["added"].append(parsed.code)
                continue
            if any(getattr(item, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(item, name, value)
                item.save()
                report["changed"].append(parsed.code)
    CriteriaGroup.objects.filter(pk__in=[g.pk for g in dropped_groups]).delete()
    audit_record(
        actor=actor,
        action="criteria_set.import",
        obj=criteria_set,
        changes={
            "file": xlsx.upload_name(upload),
            "created_set": created_set,
            "groups": len(parsed_groups),
            "items": len(scoring_of),
            "blank_lines": released,
            **report,
        },
    )
    return criteria_set
