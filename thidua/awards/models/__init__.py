"""Awards models, split by concern: the catalogue with its dated legal parameters (more to come: proposals,
decisions, the registry)."""

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

__all__ = [
    "AwardKind",
    "AwardLevel",
    "AwardParameter",
    "AwardType",
    "BaseSalary",
    "DatedValue",
    "Decider",
    "HandedOver",
    "PrizeCoefficient",
    "Recipient",
    "RecipientScope",
    "ValueType",
]
