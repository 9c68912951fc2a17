"""audit_record: the one way to append to the audit log, called inside each service's transaction."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from thidua.audit.chain import link_hash
from thidua.audit.models import AuditEvent, ChainHead


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for fields whose value changed."""
    return {
        key: [_json_safe(before.get(key)), _json_safe(after.get(key))]
        for key in after
        if _json_safe(before.get(key)) != _json_safe(after.get(key))
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's atomic block."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside a transaction")
    head = _locked_head(connection)
    fields: dict[str, Any] = {
        "seq": head.last_seq + 1,
        "occurred_at": timezone.now(),
        "actor_id": getattr(actor, "pk", None),
        "actor_label": (getattr(actor, "get_username", lambda: "")() if actor is not None else "") or "system",
        "action": action,
        "object_type": object_type or (obj._meta.label_lower if obj is not None else ""),
        "object_id": str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        "object_repr": (object_repr if object_repr is not None else str(obj) if obj is not None else "")[:255],
        "changes": _json_safe(changes or {}),
    }
    fields["prev_hash"] = head.last_hash
    fields["hash"] = link_hash(head.last_hash, fields)
    event = AuditEvent.objects.create(**fields)
    with connection.cursor() as cursor:  # the head row is locked: move it on (no model save, no SQL to compile)
        cursor.execute(
            f"UPDATE {_head_table(connection)} SET last_seq = %s, last_hash = %s WHERE id = %s",  # noqa: S608
            [event.seq, event.hash, head.pk],
        )
    return event


def _head_table(connection: Any) -> str:
    return str(connection.ops.quote_name(ChainHead._meta.db_table))


def _locked_head(connection: Any) -> ChainHead:
    """The chain's head row, locked until the commit (FOR UPDATE where the database has it; SQLite serialises
    writers anyway); created on the very first event. A hand-written statement: this runs in every write."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {_head_table(connection)} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        return head
    return ChainHead(pk=1, last_seq=row[0], last_hash=row[1])
