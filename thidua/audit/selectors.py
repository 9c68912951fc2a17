"""Reads of the audit log."""

from django.db.models import QuerySet

from thidua.audit.chain import Break, verify_chain
from thidua.audit.models import GENESIS_HASH, AuditEvent


def audit_events_for(*, object_type: str, object_id: str | int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-seq")


def audit_chain_verify() -> tuple[int, Break | None]:
    """Recompute every link from the first event; return (events checked, first break or None)."""
    rows = (
        AuditEvent.objects.order_by("seq")
        .values(
            "seq",
            "occurred_at",
            "actor_id",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "prev_hash",
            "hash",
        )
        .iterator(chunk_size=2000)
    )
    return verify_chain(rows, GENESIS_HASH)
