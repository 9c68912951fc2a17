"""The scoring rules engine: pure functions, no database.

Everything about turning entered scores into totals, final scores, ranks and suggested titles, and
about assigning cross-scoring reviewers, lives here as plain Python so that it can be tested
exhaustively (worked examples from domain.md §4.3 and hypothesis properties) and reused by services,
views and the API alike. Errors are `RuleViolation`s with a stable code and a translated message.
"""

from ._common import from_cents, to_cents
from .assignment import assign_reviewers
from .bands import Band, check_bands, contiguous_bands, suggest_title, suggest_titles
from .errors import RuleViolation
from .final import FinalRule, Review, final_score, final_scores_cents
from .items import ItemSpec, ItemType, line_points
from .normalise import NormaliseMethod, normalise, reviewer_bias
from .ranking import CentsEntry, Ranked, RankInput, TieBreak, TieBreakStep, rank, rank_cents
from .reconcile import differences, total_difference_flag
from .sheet import SheetTotals, criteria_maximum, sheet_totals, sheet_totals_cents

__all__ = [
    "Band",
    "CentsEntry",
    "FinalRule",
    "ItemSpec",
    "ItemType",
    "NormaliseMethod",
    "RankInput",
    "Ranked",
    "Review",
    "RuleViolation",
    "SheetTotals",
    "TieBreak",
    "TieBreakStep",
    "assign_reviewers",
    "check_bands",
    "contiguous_bands",
    "criteria_maximum",
    "differences",
    "final_score",
    "final_scores_cents",
    "from_cents",
    "line_points",
    "normalise",
    "rank",
    "rank_cents",
    "reviewer_bias",
    "sheet_totals",
    "sheet_totals_cents",
    "suggest_title",
    "suggest_titles",
    "to_cents",
    "total_difference_flag",
]
