"""Helpers of the emulation tests: a fingerprint of everything the services can write."""

from typing import Any

from django.db.models import Max

from thidua.attachments.models import Attachment
from thidua.audit.models import AuditEvent
from thidua.emulation.models import (
    Covenant,
    CovenantCommitment,
    CovenantSignature,
    IndividualTarget,
    KeyTask,
    KeyTaskUpdate,
    MidyearReview,
    MidyearUnitRemark,
    Plan,
    PlanMilestone,
    Registration,
)
from thidua.organizations.models import BlockYear

MODELS: list[Any] = [
    AuditEvent,
    Attachment,
    Plan,
    PlanMilestone,
    Covenant,
    CovenantCommitment,
    CovenantSignature,
    Registration,
    IndividualTarget,
    KeyTask,
    KeyTaskUpdate,
    MidyearReview,
    MidyearUnitRemark,
]


def state() -> tuple[Any, ...]:
    """Row counts of every table the emulation services write, and the latest change time of the mutable ones."""
    counts = tuple(model.objects.count() for model in MODELS)
    stamps = tuple(
        model.objects.aggregate(m=Max("updated_at"))["m"] for model in (Plan, Covenant, Registration, KeyTask)
    )
    return counts + stamps


def last_action() -> str:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event.action


def close(block_year: BlockYear) -> None:
    BlockYear.objects.filter(pk=block_year.pk).update(phase="closed")
    block_year.phase = "closed"
