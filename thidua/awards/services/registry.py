"""Services of the registry of awards: record one award by hand, import a history file, revoke an award.

Every write checks the permission on the recipient's unit (permissions.py), validates, runs in one transaction
and is audited. "One achievement earns one award" is refused with the stable code `duplicate_award` whether the
earlier award is in the registry or a few rows above in the same file; the database's partial unique constraints
back this up under concurrent writes.

The history import is all or nothing: every row is checked first, and one bad row refuses the whole file with
`ImportRejected` (code "import_invalid"), whose `errors` list every bad row with its number, a stable code and a
translated reason; nothing is written then. Row codes: unknown_award_type, invalid_recipient_kind,
recipient_not_allowed, recipient_required, invalid_year, invalid_date, decision_before_achievement,
invalid_amount, invalid_flag, too_long, duplicate_award, permission_denied. See registry_io for the columns.
"""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thidua.audit.services import audit_record, model_changes
from thidua.awards import registry_io
from thidua.awards.models import Award, AwardSource, AwardType, ImportBatch, Recipient
from thidua.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.core.vi_text import search_key, vi_fold
from thidua.organizations.models import Person, PersonMembership, Unit
from thidua.organizations.services._common import clean_text, snapshot

AWARD_FIELDS = [
    "award_type",
    "recipient_kind",
    "unit",
    "person",
    "recipient_name",
    "unit_name",
    "year",
    "decision_number",
    "decision_date",
    "decision_signer",
    "issuing_body",
    "amount",
    "counts_as_history",
    "source",
    "note",
]
REVOKE_FIELDS = ["revoked_on", "revoke_reason", "revoke_decision_number", "recovery_amount"]
FIRST_YEAR = 1945
MAX_AMOUNT = 10**12
SHOWN_ERRORS = 20


class ImportRejected(ValidationFailed):
    """A history file with bad rows: nothing was written. `errors` holds {row, code, message, field} per problem."""

    code = "import_invalid"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        rows = sorted({error["row"] for error in errors})
        shown = ", ".join(str(row) for row in rows[:SHOWN_ERRORS]) + ("…" if len(rows) > SHOWN_ERRORS else "")
        message = ngettext(
            "The file was not imported: row %(rows)s has errors. Nothing was written.",
            "The file was not imported: rows %(rows)s have errors. Nothing was written.",
            len(rows),
        ) % {"rows": shown}
        super().__init__(message, field="file")

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["details"] = self.errors
        return data


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    awards: list[Award]


# --- validation helpers ----------------------------------------------------------------------------------------------


def _resolve_award_type(value: AwardType | str) -> AwardType:
    if isinstance(value, AwardType):
        return value
    text = (value or "").strip()
    folded = vi_fold(text)
    for award_type in AwardType.objects.all():
        if award_type.code == text.lower() or vi_fold(award_type.name) == folded:
            return award_type
    raise ValidationFailed(
        _("“%(value)s” is not an award type of the catalogue.") % {"value": text},
        code="unknown_award_type",
        field="award_type",
    )


def _check_allowed(award_type: AwardType, kind: str) -> None:
    if not award_type.allows(kind):
        raise ValidationFailed(
            _("%(award)s is not given to this kind of recipient.") % {"award": award_type.name},
            code="recipient_not_allowed",
            field="award_type",
        )


def _check_year(value: Any, *, today: dt.date) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not FIRST_YEAR <= value <= today.year:
        raise ValidationFailed(
            _("The achievement year must be a year from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": today.year},
            code="invalid_year",
            field="year",
        )
    return value


def _check_amount(value: Any, *, field: str = "amount") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise ValidationFailed(
            _("The amount must be a whole number of đồng, 0 or more."), code="invalid_amount", field=field
        )
    return value


def _check_decision_date(decision_date: dt.date | None, year: int, *, today: dt.date) -> None:
    if decision_date is None:
        return
    if not isinstance(decision_date, dt.date) or isinstance(decision_date, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field="decision_date")
    if decision_date.year < year:
        raise ValidationFailed(
            _("The decision is dated %(date)s, before the achievement year %(year)d.")
            % {"date": date_format(decision_date, "SHORT_DATE_FORMAT"), "year": year},
            code="decision_before_achievement",
            field="decision_date",
        )
    if decision_date > today:
        raise ValidationFailed(_("The decision date is in the future."), code="invalid_date", field="decision_date")


def _duplicate_error(award_type: AwardType, name: str, year: int) -> Conflict:
    return Conflict(
        _("%(recipient)s already has %(award)s for %(year)d: one achievement earns one award.")
        % {"recipient": name, "award": award_type.name, "year": year},
        code="duplicate_award",
        field="award_type",
    )


def _live(qs: Any) -> Any:
    return qs.filter(revoked_on__isnull=True)


def _existing(award_type: AwardType, kind: str, unit: Unit | None, person: Person | None, year: int) -> bool:
    """Whether a live award for the same achievement of a linked recipient is in the registry."""
    qs = _live(Award.objects.filter(award_type=award_type, year=year, recipient_kind=kind))
    if kind == Recipient.INDIVIDUAL:
        return bool(qs.filter(person=person).exists())
    return bool(qs.filter(unit=unit).exists())


def _search_key(award: Award) -> str:
    return search_key(
        award.recipient_name,
        award.unit_name,
        award.person.full_name if award.person is not None else "",
        award.unit.name if award.unit is not None else "",
        award.award_type.name,
        str(award.year),
        award.decision_number,
        award.decision_signer,
        award.issuing_body,
    )


def _current_unit(person: Person) -> Unit | None:
    membership = (
        PersonMembership.objects.filter(person=person, end_date__isnull=True)
        .select_related("unit")
        .order_by("-start_date", "-id")
        .first()
    )
    return membership.unit if membership is not None else None


def _save(award: Award) -> Award:
    award.search_key = _search_key(award)
    try:
        with transaction.atomic():
            award.save()
    except IntegrityError as exc:  # a concurrent write of the same achievement
        raise _duplicate_error(award.award_type, award.recipient_name, award.year) from exc
    return award


# --- award_record ----------------------------------------------------------------------------------------------------


@transaction.atomic
def award_record(
    *,
    actor: Any,
    award_type: AwardType | str,
    year: int,
    unit: Unit | None = None,
    person: Person | None = None,
    decision_number: str,
    decision_date: dt.date,
    decision_signer: str = "",
    issuing_body: str = "",
    amount: int | None = None,
    counts_as_history: bool | None = None,
    note: str = "",
    is_demo: bool = False,
) -> Award:
    """Enter one past award by hand: a collective award to `unit`, or an individual award to `person`.

    For a person, `unit` is their unit at the time (default: their current unit). `counts_as_history` defaults to
    the award type's setting (False for thematic and ad-hoc awards).
    """
    kind = Recipient.INDIVIDUAL if person is not None else Recipient.COLLECTIVE
    if person is not None and unit is None:
        unit = _current_unit(person)
    require_perm(actor, "awards.add_award", unit)
    if person is None and unit is None:
        raise ValidationFailed(_("Choose the unit or the person awarded."), code="recipient_required", field="unit")
    kind_type = _resolve_award_type(award_type)
    _check_allowed(kind_type, kind)
    today = timezone.localdate()
    year = _check_year(year, today=today)
    number = clean_text(decision_number, field="decision_number", max_length=100, required=True)
    if decision_date is None:
        raise ValidationFailed(_("This field is required."), code="required", field="decision_date")
    _check_decision_date(decision_date, year, today=today)
    amount = _check_amount(amount)
    recipient_name = person.full_name if person is not None else unit.name if unit is not None else ""
    if _existing(kind_type, kind, unit, person, year):
        raise _duplicate_error(kind_type, recipient_name, year)
    award = Award(
        award_type=kind_type,
        recipient_kind=kind,
        unit=unit,
        person=person,
        recipient_name=recipient_name,
        unit_name=unit.name if unit is not None else "",
        year=year,
        decision_number=number,
        decision_date=decision_date,
        decision_signer=clean_text(decision_signer, field="decision_signer", max_length=255),
        issuing_body=clean_text(issuing_body, field="issuing_body", max_length=255),
        amount=amount,
        counts_as_history=kind_type.counts_as_history if counts_as_history is None else bool(counts_as_history),
        source=AwardSource.MANUAL,
        note=clean_text(note, field="note", max_length=2000),
        is_demo=is_demo,
    )
    _save(award)
    audit_record(
        actor=actor, action="award.record", obj=award, changes=model_changes({}, snapshot(award, AWARD_FIELDS))
    )
    return award


# --- award_revoke ----------------------------------------------------------------------------------------------------


@transaction.atomic
def award_revoke(
    *,
    actor: Any,
    award: Award,
    revoked_on: dt.date,
    reason: str,
    decision_number: str = "",
    recovery_amount: int | None = None,
) -> Award:
    """Revoke an award (Law 06/2022, chapter VII): it stays in the registry with the reason and the money to
    recover, no longer counts as history and frees its achievement.

    The prize money is recovered with the award ("tiền thưởng bị thu hồi"): for an award of a decision issued in
    Thidua, `recovery_amount` defaults to the whole prize money (pass 0 to recover nothing)."""
    require_perm(actor, "awards.revoke_award", award)
    award = Award.objects.select_for_update().select_related("award_type").get(pk=award.pk)
    if award.revoked_on is not None:
        raise Conflict(_("This award has already been revoked."), code="already_revoked")
    reason = clean_text(reason, field="reason", max_length=2000, required=True)
    if not isinstance(revoked_on, dt.date) or isinstance(revoked_on, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field="revoked_on")
    if award.decision_date is not None and revoked_on < award.decision_date:
        raise ValidationFailed(
            _("An award cannot be revoked before the decision that gave it."),
            code="dates_out_of_order",
            field="revoked_on",
        )
    if revoked_on > timezone.localdate():
        raise ValidationFailed(_("The revocation date is in the future."), code="invalid_date", field="revoked_on")
    recovery_amount = _check_amount(recovery_amount, field="recovery_amount")
    if recovery_amount is None and award.decision_id is not None:
        recovery_amount = award.amount
    if recovery_amount is not None and award.amount is not None and recovery_amount > award.amount:
        raise ValidationFailed(
            _("The amount to recover cannot exceed the prize money paid (%(amount)s đồng).")
            % {"amount": f"{award.amount:,}".replace(",", ".")},
            code="recovery_exceeds_amount",
            field="recovery_amount",
        )
    before = snapshot(award, REVOKE_FIELDS)
    award.revoked_on = revoked_on
    award.revoke_reason = reason
    award.revoke_decision_number = clean_text(decision_number, field="decision_number", max_length=100)
    award.recovery_amount = recovery_amount
    award.save(update_fields=[*REVOKE_FIELDS, "updated_at"])
    audit_record(
        actor=actor, action="award.revoke", obj=award, changes=model_changes(before, snapshot(award, REVOKE_FIELDS))
    )
    return award


# --- award_import ----------------------------------------------------------------------------------------------------

_KIND_WORDS = {
    "tapthe": Recipient.COLLECTIVE,
    "collective": Recipient.COLLECTIVE,
    "tt": Recipient.COLLECTIVE,
    "canhan": Recipient.INDIVIDUAL,
    "individual": Recipient.INDIVIDUAL,
    "cn": Recipient.INDIVIDUAL,
}
_YES = {"co", "x", "yes", "true", "1"}
_NO = {"khong", "no", "false", "0"}
_GROUPED_INT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _word(value: Any) -> str:
    return "".join(ch for ch in vi_fold(_text(value)) if ch.isalnum())


def _parse_int(value: Any) -> int | None:
    """A whole number from a cell: ints, integral floats, "2023", "1.880.000", "1,880,000"; None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value).replace("\u00a0", " ")
    for suffix in ("đồng", "đ", "vnđ", "vnd"):
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)].strip()
    if text.isdigit():
        return int(text)
    if _GROUPED_INT.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    return None


def _parse_date(value: Any) -> dt.date | None:
    """A date cell, dd/mm/yyyy (also with - or .) or yyyy-mm-dd; raises ValueError when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Lookups:
    """The catalogue and the units, loaded once per import (a file has thousands of rows, the tree hundreds)."""

    def __init__(self) -> None:
        self.award_types = list(AwardType.objects.all())
        self.by_code = {award_type.code: award_type for award_type in self.award_types}
        self.by_name = {vi_fold(award_type.name): award_type for award_type in self.award_types}
        units = list(Unit.objects.only("pk", "code", "name", "path"))
        self.unit_by_code = {vi_fold(unit.code): unit for unit in units}
        names: dict[str, list[Unit]] = {}
        for unit in units:
            names.setdefault(vi_fold(unit.name), []).append(unit)
        self.unit_by_name = {name: found[0] for name, found in names.items() if len(found) == 1}
        self._people: dict[int, dict[str, list[Person]]] = {}

    def award_type(self, value: Any) -> AwardType | None:
        text = _text(value)
        return self.by_code.get(text.lower()) or self.by_name.get(vi_fold(text))

    def unit(self, value: str) -> Unit | None:
        folded = vi_fold(value)
        return self.unit_by_code.get(folded) or self.unit_by_name.get(folded)

    def person(self, unit: Unit | None, name: str) -> Person | None:
        """The one person of that name with a position (current or past) in `unit`; None if none or several."""
        if unit is None:
            return None
        if unit.pk not in self._people:
            people: dict[str, list[Person]] = {}
            for person in Person.objects.filter(memberships__unit=unit).distinct():
                people.setdefault(vi_fold(person.full_name), []).append(person)
            self._people[unit.pk] = people
        found = self._people[unit.pk].get(vi_fold(name), [])
        return found[0] if len(found) == 1 else None


def _row_award(row: registry_io.Row, lookups: _Lookups, *, actor: Any, today: dt.date) -> Award:
    """One row as an unsaved Award; raises ValidationFailed (the row's first problem)."""
    cells = row.cells
    award_type = lookups.award_type(cells.get("award"))
    if award_type is None:
        raise ValidationFailed(
            _("“%(value)s” is not an award type of the catalogue.") % {"value": _text(cells.get("award"))},
            code="unknown_award_type",
            field="award",
        )
    kind = _KIND_WORDS.get(_word(cells.get("recipient_kind")))
    if kind is None:
        raise ValidationFailed(
            _("Write “Tập thể” (collective) or “Cá nhân” (individual)."),
            code="invalid_recipient_kind",
            field="recipient_kind",
        )
    _check_allowed(award_type, kind)
    unit_text = clean_text(_text(cells.get("unit")), field="unit", max_length=255)
    person_text = clean_text(_text(cells.get("person")), field="person", max_length=255)
    unit = lookups.unit(unit_text) if unit_text else None
    person: Person | None = None
    if kind == Recipient.COLLECTIVE:
        if not unit_text:
            raise ValidationFailed(_("Name the unit awarded."), code="recipient_required", field="unit")
        recipient_name = unit.name if unit is not None else unit_text
    else:
        if not person_text:
            raise ValidationFailed(_("Write the person's full name."), code="recipient_required", field="person")
        person = lookups.person(unit, person_text)
        recipient_name = person.full_name if person is not None else person_text
    if not actor.has_perm("awards.add_award", unit):
        raise PermissionDenied(
            _("You may not record awards of %(unit)s.") % {"unit": unit_text or _("units not in Thidua")},
            code="permission_denied",
            field="unit",
        )
    year = _parse_int(cells.get("year"))
    year = _check_year(year, today=today)
    try:
        decision_date = _parse_date(cells.get("decision_date"))
    except ValueError:
        raise ValidationFailed(
            _("“%(value)s” is not a date (write dd/mm/yyyy).") % {"value": _text(cells.get("decision_date"))},
            code="invalid_date",
            field="decision_date",
        ) from None
    _check_decision_date(decision_date, year, today=today)
    amount_cell = cells.get("amount")
    amount: int | None = None
    if _text(amount_cell):
        amount = _parse_int(amount_cell)
        if amount is None:
            raise ValidationFailed(
                _("“%(value)s” is not a whole number of đồng.") % {"value": _text(amount_cell)},
                code="invalid_amount",
                field="amount",
            )
        _check_amount(amount)
    flag = _word(cells.get("counts_as_history"))
    if flag and flag not in _YES | _NO:
        raise ValidationFailed(_("Write “có” (yes) or “không” (no)."), code="invalid_flag", field="counts_as_history")
    return Award(
        award_type=award_type,
        recipient_kind=kind,
        unit=unit,
        person=person,
        recipient_name=recipient_name,
        unit_name=unit.name if unit is not None else unit_text,
        year=year,
        decision_number=clean_text(_text(cells.get("decision_number")), field="decision_number", max_length=100),
        decision_date=decision_date,
        decision_signer=clean_text(_text(cells.get("decision_signer")), field="decision_signer", max_length=255),
        issuing_body=clean_text(_text(cells.get("issuing_body")), field="issuing_body", max_length=255),
        amount=amount,
        counts_as_history=award_type.counts_as_history if not flag else flag in _YES,
        source=AwardSource.IMPORT,
        note=clean_text(_text(cells.get("note")), field="note", max_length=2000),
    )


def _achievement_key(
    award_type_id: int, year: int, kind: str, unit_id: int | None, person_id: int | None, name: str, unit_name: str
) -> tuple[Any, ...]:
    """What "the same achievement" means: the same award type and year for the same linked unit or person, or,
    for a recipient known by name only, the same kind, folded name and folded unit name."""
    if kind == Recipient.COLLECTIVE and unit_id is not None:
        who: tuple[Any, ...] = ("unit", unit_id)
    elif kind == Recipient.INDIVIDUAL and person_id is not None:
        who = ("person", person_id)
    else:
        who = ("name", kind, vi_fold(name), vi_fold(unit_name))
    return (award_type_id, year, *who)


def _key_of(award: Award) -> tuple[Any, ...]:
    return _achievement_key(
        award.award_type.pk,
        award.year,
        award.recipient_kind,
        award.unit.pk if award.unit is not None else None,
        award.person.pk if award.person is not None else None,
        award.recipient_name,
        award.unit_name,
    )


def _registry_keys(candidates: list[Award]) -> set[tuple[Any, ...]]:
    """The achievement keys of the live awards of the registry in the years and award types of `candidates`."""
    if not candidates:
        return set()
    rows = _live(
        Award.objects.filter(
            year__in={award.year for award in candidates},
            award_type_id__in={award.award_type.pk for award in candidates},
        )
    ).values_list("award_type_id", "year", "recipient_kind", "unit_id", "person_id", "recipient_name", "unit_name")
    return {_achievement_key(*row) for row in rows}


def _error(row: int, exc: ValidationFailed | Conflict | PermissionDenied, field: str | None = None) -> dict[str, Any]:
    return {"row": row, "code": exc.code, "message": str(exc.message), "field": field or exc.field}


@transaction.atomic
def award_import(*, actor: Any, upload: Any, file_name: str | None = None) -> ImportResult:
    """Import a history file (CSV or XLSX; columns in registry_io) as one batch, all or nothing.

    `upload` is a file (an UploadedFile) or bytes with `file_name`. Raises ValidationFailed for an unreadable
    file (import_unreadable, import_unsupported_file, import_missing_column, import_empty, import_too_large) and
    ImportRejected listing every bad row.
    """
    require_perm(actor, "awards.import_awards")
    name = file_name or registry_io.upload_name(upload)
    data = registry_io.read_bytes(upload)
    rows = registry_io.read_table(name, data)
    today = timezone.localdate()
    lookups = _Lookups()
    errors: list[dict[str, Any]] = []
    awards: list[tuple[int, Award]] = []
    for row in rows:
        try:
            awards.append((row.number, _row_award(row, lookups, actor=actor, today=today)))
        except (ValidationFailed, PermissionDenied) as exc:
            errors.append(_error(row.number, exc))
    in_registry = _registry_keys([award for _number, award in awards])
    seen: dict[tuple[Any, ...], int] = {}
    for number, award in awards:
        key = _key_of(award)
        if key in seen:
            errors.append(
                {
                    "row": number,
                    "code": "duplicate_award",
                    "message": _("The same award as row %(row)d: one achievement earns one award.")
                    % {"row": seen[key]},
                    "field": "award",
                }
            )
        elif key in in_registry:
            errors.append(_error(number, _duplicate_error(award.award_type, award.recipient_name, award.year)))
        seen.setdefault(key, number)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error["row"]))
    batch = ImportBatch.objects.create(
        file_name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor if getattr(actor, "pk", None) else None,
        rows=len(rows),
        created=len(awards),
    )
    pending = []
    for _number, award in awards:
        award.batch = batch
        award.search_key = _search_key(award)
        pending.append(award)
    try:
        with transaction.atomic():
            created = Award.objects.bulk_create(pending, batch_size=500)
    except IntegrityError as exc:  # a concurrent write of one of the same achievements
        raise Conflict(
            _("Another award for one of these achievements was just recorded; import the file again."),
            code="duplicate_award",
            field="file",
        ) from exc
    audit_record(
        actor=actor,
        action="award.import",
        obj=batch,
        changes={
            "file_name": name,
            "sha256": batch.sha256,
            "rows": len(rows),
            "created": len(created),
            "awards": [award.pk for award in created],
        },
    )
    return ImportResult(batch=batch, awards=created)
