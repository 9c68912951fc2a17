"""Awards models, split by concern: the catalogue with its dated legal parameters, the registry of awards (more to
come: proposals, decisions)."""

from thidua.awards.models.catalogue import (
    AwardKind,
    AwardLevel,
    AwardParameter,
    AwardType,
    BaseSalary,
    DatedValue,
    Decider,
    HandedOver,
    PrizeCoefficient,
    Recipient,
    RecipientScope,
    ValueType,
)
from thidua.awards.models.registry import Award, AwardSource, ImportBatch

__all__ = [
    "Award",
    "AwardKind",
    "AwardLevel",
    "AwardParameter",
    "AwardSource",
    "AwardType",
    "BaseSalary",
    "DatedValue",
    "Decider",
    "HandedOver",
    "ImportBatch",
    "PrizeCoefficient",
    "Recipient",
    "RecipientScope",
    "ValueType",
]
