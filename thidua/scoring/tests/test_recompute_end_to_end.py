"""End to end through the services on a block of six units: self-scores, reviews, finalising, ranking.

One scenario per final rule in each review mode (head and deputies; cross-scoring with generated
assignments), with ties broken by a criteria group and ties that stay shared.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.organizations import services as org_services
from thidua.scoring.models import FinalScore, ScoreSheet, SheetStatus
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.helpers_sheets import add_units, fill, leader, make_config, make_criteria, staff
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def block(tree: dict[str, Any]) -> dict[str, Any]:
    """Six members; head unit A, deputy units B and X0; a clerk and a head in every unit."""
    by = tree["block_year"]
    make_criteria(by)
    extra = add_units(by, tree["dept"], 2)
    units = {"A": tree["centre_a"], "B": tree["centre_b"], "C": tree["centre_c"], "Q": tree["board"]}
    units.update({"X0": extra[0], "X1": extra[1]})
    org_services.block_year_set_leadership(
        actor=system_actor(), block_year=by, head=units["A"], deputies=[units["B"], units["X0"]]
    )
    return {
        **tree,
        "by": by,
        "u": units,
        "clerks": {key: staff(unit) for key, unit in units.items()},
        "heads": {key: staff(unit, Role.UNIT_HEAD) for key, unit in units.items()},
        "block_head": leader(by),
        "deputy": leader(by, Role.BLOCK_DEPUTY),
    }


def values(total: Any, group_two: Any = None) -> dict[str, Any]:
    """Entries giving `total` points, `group_two` of them in group II (B1, B2; at least 25 by default)."""
    g2 = D(group_two) if group_two is not None else max(D(25), D(total) - 60)
    g1 = D(total) - g2
    a3 = 10 if g1 > 50 else 0
    b2 = 10 if g2 > 30 else 0
    a1 = min(g1 - a3, D(30))
    return {"A1": a1, "A2": g1 - a3 - a1, "A3": a3, "B1": g2 - b2, "B2": b2}


def score(actor: Any, sheet: ScoreSheet, total: Any, group_two: Any = None) -> None:
    sheet = fill(actor, sheet, values(total, group_two), A2={"evidence_note": "Báo cáo tổng kết"})
    services.score_sheet_submit(actor=actor, sheet=sheet, version=sheet.version)


def self_scores(b: dict[str, Any], totals: dict[str, Any]) -> None:
    for key, total in totals.items():
        clerk = b["clerks"][key]
        score(clerk, services.self_sheet_open(actor=clerk, block_year=b["by"], unit=b["u"][key]), total)
        sheet = ScoreSheet.objects.get(unit=b["u"][key], kind="self", is_current=True)
        services.self_sheet_approve(actor=b["heads"][key], sheet=sheet)


def finals(b: dict[str, Any]) -> dict[str, FinalScore]:
    names = {unit.pk: key for key, unit in b["u"].items()}
    return {names[f.unit_id]: f for f in FinalScore.objects.filter(block_year=b["by"])}


def half_up(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- head and deputies

HEAD_MODE_REVIEWS = {  # unit → {reviewer: total}; reviewer A is the head unit
    "A": {"B": 88, "X0": 92},
    "Q": {"A": 80, "B": 80, "X0": 80},
    "X1": {"A": 75, "B": 85, "X0": 80},
    "B": {"A": 85, "X0": 75},
    "C": {"A": 90, "B": 60, "X0": 84},
    "X0": {"A": 60, "B": 64},
}


@pytest.mark.parametrize(
    ("rule", "totals", "ranks"),
    [
        (
            "mean",
            {"A": 90, "Q": 80, "X1": 80, "B": 80, "C": 78, "X0": 62},
            {"A": 1, "Q": 2, "X1": 3, "B": 3, "C": 5, "X0": 6},  # Q wins on group II; X1 and B stay tied
        ),
        (
            "median",
            {"A": 90, "Q": 80, "X1": 80, "B": 80, "C": 84, "X0": 62},
            {"A": 1, "C": 2, "Q": 3, "B": 4, "X1": 4, "X0": 6},
        ),
        (
            "trimmed_mean",
            {"A": 90, "Q": 80, "X1": 80, "B": 80, "C": 84, "X0": 62},
            {"A": 1, "C": 2, "Q": 3, "B": 4, "X1": 4, "X0": 6},
        ),
        (
            "head",
            {"A": None, "Q": 80, "X1": 75, "B": 85, "C": 90, "X0": 60},
            {"A": None, "C": 1, "B": 2, "Q": 3, "X1": 4, "X0": 5},
        ),
    ],
)
def test_head_and_deputies_mode(
    block: dict[str, Any], rule: str, totals: dict[str, int | None], ranks: dict[str, int | None]
) -> None:
    by, u = block["by"], block["u"]
    make_config(by, final_rule=rule, tie_breaks=[{"kind": "group", "group": "II"}])
    self_scores(block, dict.fromkeys(u, 95))
    for unit, given in HEAD_MODE_REVIEWS.items():
        for reviewer, total in given.items():
            actor = block["block_head"] if reviewer == "A" else block["deputy"]
            sheet = services.review_sheet_open(actor=actor, block_year=by, unit=u[unit], reviewer_unit=u[reviewer])
            assert sheet.is_head_review == (reviewer == "A")
            score(actor, sheet, total, group_two=30 if unit == "Q" else None)
    services.block_year_finalise_scoring(actor=block["block_head"], block_year=by)
    assert set(ScoreSheet.objects.values_list("status", flat=True)) == {SheetStatus.FINALISED}
    result = finals(block)
    assert {k: f.raw_total for k, f in result.items()} == {
        k: (D(v) if v is not None else None) for k, v in totals.items()
    }
    assert {k: f.rank for k, f in result.items()} == ranks
    assert all(f.self_total == D(95) for f in result.values())
    if rule == "mean":
        assert (result["Q"].decided_by, result["X1"].tied, result["B"].tied) == ("group:II", True, True)


# ---------------------------------------------------------------- cross-scoring

BASE = {"A": 90, "B": 84, "C": 80, "Q": 80, "X0": 70, "X1": 70}
BIAS = {"A": 3, "B": -6, "C": 0, "Q": 6, "X0": -3, "X1": 1}


def cross_round(b: dict[str, Any], bias: dict[str, int], group_two: dict[str, int]) -> dict[str, dict[str, Decimal]]:
    """Generate the assignment, have every reviewing unit's clerk score its units; returns totals per unit."""
    by, u = b["by"], b["u"]
    keys = {unit.pk: key for key, unit in u.items()}
    self_scores(b, dict.fromkeys(u, 95))
    plan = services.review_assignments_generate(actor=b["block_head"], block_year=by)
    assert len(plan) == 18
    given: dict[str, dict[str, Decimal]] = {key: {} for key in u}
    for assignment in plan:
        unit, reviewer = keys[assignment.unit_id], keys[assignment.reviewer_unit_id]
        assert unit != reviewer
        clerk = b["clerks"][reviewer]
        sheet = services.review_sheet_open(actor=clerk, block_year=by, unit=u[unit], reviewer_unit=u[reviewer])
        total = BASE[unit] + bias[reviewer]
        score(clerk, sheet, total, group_two=group_two.get(unit))
        given[unit][reviewer] = D(total)
    services.block_year_finalise_scoring(actor=b["block_head"], block_year=by)
    return given


@pytest.mark.parametrize("rule", ["mean", "median", "trimmed_mean", "head"])
def test_cross_mode(block: dict[str, Any], rule: str) -> None:
    make_config(block["by"], review_mode="cross", reviewers_per_unit=3, final_rule=rule, assignment_seed=7)
    given = cross_round(block, BIAS, {})
    result = finals(block)
    for key, by_reviewer in given.items():
        totals = list(by_reviewer.values())
        assert len(totals) == 3
        middle = sorted(totals)[1]
        expected = {
            "mean": half_up(sum(totals, D(0)) / 3),
            "median": middle,
            "trimmed_mean": middle,
            "head": by_reviewer.get("A"),  # the head unit's review, where the head unit reviews the unit
        }[rule]
        assert result[key].raw_total == expected, key
        assert result[key].review_count == 3
    if rule == "head":
        assert {f.rank is None for f in result.values()} == {True, False}
    else:
        ranked = sorted(result.values(), key=lambda f: f.rank or 0)
        assert [f.rank for f in ranked] == sorted(f.rank for f in ranked)  # type: ignore[type-var]
        assert ranked[0].raw_total == max(f.raw_total for f in result.values())  # type: ignore[type-var]


def test_cross_mode_ties_and_normalisation(block: dict[str, Any]) -> None:
    by = block["by"]
    make_config(
        by,
        review_mode="cross",
        reviewers_per_unit=3,
        final_rule="mean",
        normalisation="z_score",
        tie_breaks=[{"kind": "group", "group": "II"}],
    )
    cross_round(block, dict.fromkeys(BIAS, 0), {"C": 30})  # no bias: every reviewer gives the base
    result = finals(block)
    got = {key: (f.raw_total, f.rank, f.tied, f.decided_by) for key, f in result.items()}
    assert got == {
        "A": (D(90), 1, False, "total"),
        "B": (D(84), 2, False, "total"),
        "C": (D(80), 3, False, "group:II"),  # ties Q on the total, wins on group II
        "Q": (D(80), 4, False, "group:II"),
        "X0": (D(70), 5, True, ""),  # equal on everything: a shared rank
        "X1": (D(70), 5, True, ""),
    }
    assert all(f.normalised_total is not None for f in result.values())
    assert all(f.ranking_total == f.raw_total for f in result.values())


def test_bonus_and_deductions_entered_through_the_services(block: dict[str, Any]) -> None:
    """The final score reads the lines' own split (value vs count, sign), which the services keep right."""
    by, u = block["by"], block["u"]
    criteria = by.criteria_set
    criteria.bonus_cap = D(12)
    criteria.save()
    head = block["block_head"]
    sheet = services.review_sheet_open(actor=head, block_year=by, unit=u["C"], reviewer_unit=u["A"])
    sheet = fill(head, sheet, {**values(80), "C1": 2, "D1": 3}, A2={"evidence_note": "x"})  # 80 + min(20, 12) − 6
    assert (sheet.base_total, sheet.bonus_total, sheet.deduction_total, sheet.total) == (D(80), D(12), D(6), D(86))
    services.score_sheet_submit(actor=head, sheet=sheet, version=sheet.version)
    services.score_sheet_finalise(actor=head, sheet=sheet)
    final = finals(block)["C"]
    assert (final.raw_total, final.bonus, final.deductions) == (sheet.total, sheet.bonus_total, sheet.deduction_total)
