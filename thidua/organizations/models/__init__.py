"""Organisation models, split by concern: units and people, blocks and block-years."""

from thidua.organizations.models.blocks import (
    PHASE_ORDER,
    Block,
    BlockKind,
    BlockLeadership,
    BlockMembership,
    BlockYear,
    LeadershipRole,
    Phase,
    PhaseDeadline,
    PhaseTransition,
    RotationRule,
)
from thidua.organizations.models.units import Person, PersonMembership, Unit, UnitKind, UnitStatus

__all__ = [
    "PHASE_ORDER",
    "Block",
    "BlockKind",
    "BlockLeadership",
    "BlockMembership",
    "BlockYear",
    "LeadershipRole",
    "Person",
    "PersonMembership",
    "Phase",
    "PhaseDeadline",
    "PhaseTransition",
    "RotationRule",
    "Unit",
    "UnitKind",
    "UnitStatus",
]
