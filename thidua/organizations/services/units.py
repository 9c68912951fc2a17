"""Services for units: create, update, move in the tree."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.core.vi_text import search_key
from thidua.organizations.models import Unit, UnitKind, UnitStatus
from thidua.organizations.services._common import check_choice, check_period, clean_text, snapshot

UNIT_FIELDS = [
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "address",
    "phone",
    "email",
    "status",
    "valid_from",
    "valid_to",
]


def _check_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    clash = Unit.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationFailed(
            _("A unit with code “%(code)s” already exists.") % {"code": code}, code="duplicate_code", field="code"
        )


def _unit_search_key(unit: Unit) -> str:
    return search_key(unit.name, unit.short_name, unit.code, unit.address)


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str = UnitKind.OTHER,
    parent: Unit | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    status: str = UnitStatus.ACTIVE,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    is_demo: bool = False,
) -> Unit:
    """Create a unit under `parent` (a top-level unit needs an administrator)."""
    require_perm(actor, "organizations.add_unit", parent)
    code = clean_text(code, field="code", max_length=32, required=True)
    unit = Unit(
        code=code,
        name=clean_text(name, field="name", max_length=255, required=True),
        short_name=clean_text(short_name, field="short_name", max_length=100),
        kind=check_choice(kind, UnitKind, field="kind"),
        parent=parent,
        address=clean_text(address, field="address", max_length=255),
        phone=clean_text(phone, field="phone", max_length=50),
        email=clean_text(email, field="email", max_length=254),
        status=check_choice(status, UnitStatus, field="status"),
        valid_from=valid_from,
        valid_to=valid_to,
        is_demo=is_demo,
    )
    check_period(valid_from, valid_to, field="valid_to")
    _check_code_free(code)
    unit.search_key = _unit_search_key(unit)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:  # a concurrent insert of the same code
        raise ValidationFailed(
            _("A unit with code “%(code)s” already exists.") % {"code": code}, code="duplicate_code", field="code"
        ) from exc
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    audit_record(actor=actor, action="unit.create", obj=unit, changes=model_changes({}, snapshot(unit, UNIT_FIELDS)))
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **changes: Any) -> Unit:
    """Change a unit's fields. Moving it (parent) or recoding it needs the right over the new parent."""
    require_perm(actor, "organizations.change_unit", unit)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))}, code="unknown_field"
        )
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    if "code" in changes or "parent" in changes:
        require_perm(actor, "organizations.add_unit", changes.get("parent", unit.parent))
    for name, value in changes.items():
        if name in {"code", "name"}:
            value = clean_text(value, field=name, max_length=32 if name == "code" else 255, required=True)
        elif name in {"short_name", "address", "phone", "email"}:
            value = clean_text(
                value, field=name, max_length={"short_name": 100, "address": 255, "phone": 50}.get(name, 254)
            )
        elif name == "kind":
            check_choice(value, UnitKind, field=name)
        elif name == "status":
            check_choice(value, UnitStatus, field=name)
        setattr(unit, name, value)
    check_period(unit.valid_from, unit.valid_to, field="valid_to")
    if "code" in changes:
        _check_code_free(unit.code, exclude_pk=unit.pk)
    old_path = unit.path
    if "parent" in changes:
        new_parent: Unit | None = changes["parent"]
        if new_parent is not None and new_parent.path.startswith(old_path):
            raise ValidationFailed(
                _("A unit cannot be moved under itself or one of its sub-units."), code="tree_cycle", field="parent"
            )
        unit.path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
        unit.depth = new_parent.depth + 1 if new_parent else 0
    unit.search_key = _unit_search_key(unit)
    unit.save()
    if unit.path != old_path:
        # Re-root the whole subtree in one UPDATE: new prefix + the part after the old prefix.
        descendants = Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk)
        descendants.update(path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)))
        moved = list(Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).only("pk", "path"))
        for child in moved:
            child.depth = child.path.strip("/").count("/")
        Unit.objects.bulk_update(moved, ["depth"])
    diff = model_changes(before, snapshot(unit, UNIT_FIELDS))
    if diff:
        audit_record(actor=actor, action="unit.update", obj=unit, changes=diff)
    return unit
