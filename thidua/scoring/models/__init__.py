"""Scoring models: the criteria tree of a block-year, its scoring settings, score sheets and final scores."""

from thidua.scoring.models.criteria import CriteriaGroup, CriteriaItem, CriteriaSet, CriteriaSetStatus, ItemType
from thidua.scoring.models.results import FinalScore, Reconciliation, ReconciliationStatus
from thidua.scoring.models.settings import (
    FinalRule,
    NormaliseMethod,
    ReviewMode,
    ScoreBand,
    ScoringConfig,
    ScoringTrack,
)
from thidua.scoring.models.sheets import (
    ConflictOfInterest,
    ReviewAssignment,
    ScoreLine,
    ScoreSheet,
    SheetKind,
    SheetStatus,
)

__all__ = [
    "ConflictOfInterest",
    "CriteriaGroup",
    "CriteriaItem",
    "CriteriaSet",
    "CriteriaSetStatus",
    "FinalRule",
    "FinalScore",
    "ItemType",
    "NormaliseMethod",
    "Reconciliation",
    "ReconciliationStatus",
    "ReviewAssignment",
    "ReviewMode",
    "ScoreBand",
    "ScoreLine",
    "ScoreSheet",
    "ScoringConfig",
    "ScoringTrack",
    "SheetKind",
    "SheetStatus",
]
