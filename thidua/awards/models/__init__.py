"""Awards models, split by concern: the catalogue with its dated legal parameters, proposals and their dossiers,
decisions, and the registry of awards."""

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
from thidua.awards.models.decisions import Decision, DecisionStatus, Fund
from thidua.awards.models.proposals import (
    BatchStatus,
    DisciplinaryHold,
    DossierKind,
    EligibilityOutcome,
    Proposal,
    ProposalBatch,
    ProposalStatus,
    ProposalStep,
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
    "BatchStatus",
    "DatedValue",
    "Decider",
    "Decision",
    "DecisionStatus",
    "DisciplinaryHold",
    "DossierKind",
    "EligibilityOutcome",
    "Fund",
    "HandedOver",
    "ImportBatch",
    "PrizeCoefficient",
    "Proposal",
    "ProposalBatch",
    "ProposalStatus",
    "ProposalStep",
    "Recipient",
    "RecipientScope",
    "ValueType",
]
