"""Emulation-year models, split by concern: plan and covenant, registrations and key tasks, the mid-year review."""

from thidua.emulation.models.plan import (
    Covenant,
    CovenantCommitment,
    CovenantSignature,
    CovenantStatus,
    Plan,
    PlanMilestone,
)
from thidua.emulation.models.registration import (
    COUNTED_STATUSES,
    EDITABLE_STATUSES,
    IndividualTarget,
    KeyTask,
    KeyTaskUpdate,
    Registration,
    RegistrationStatus,
)
from thidua.emulation.models.review import MidyearReview, MidyearUnitRemark, ReviewStatus

__all__ = [
    "COUNTED_STATUSES",
    "EDITABLE_STATUSES",
    "Covenant",
    "CovenantCommitment",
    "CovenantSignature",
    "CovenantStatus",
    "IndividualTarget",
    "KeyTask",
    "KeyTaskUpdate",
    "MidyearReview",
    "MidyearUnitRemark",
    "Plan",
    "PlanMilestone",
    "Registration",
    "RegistrationStatus",
    "ReviewStatus",
]
