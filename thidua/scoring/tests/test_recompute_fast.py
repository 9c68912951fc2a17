"""The fast recompute gives exactly the FinalScore rows of the reference path (hypothesis, on the real database).

`recompute_final_scores` runs `_recompute_fast` (on PostgreSQL: the aggregation streamed block-year by
block-year, `rank_cents`, group sums only for the tied units after the stream, rows compared in
hundredths before writing). `_recompute_reference` is the earlier path, one rule at a time over every
block-year with the Decimal `rank`. Random block-years (final rule, normalisation, tie-breaks, caps,
bands, tracks, self-scores, reviews with few distinct figures so that totals tie, sheets not finalised,
a unit leaving the block) are written to the test database, a first recompute leaves stored rows, more
sheets arrive, and both paths must then leave the same rows field by field, `computed_at` included
(a row whose figures did not change is not rewritten by either).
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from thidua.organizations import services as org_services
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring.models import FinalScore, ScoreBand, ScoringTrack
from thidua.scoring.rules import RuleViolation
from thidua.scoring.services import recompute
from thidua.scoring.tests.helpers_sheets import add_units, make_config, make_criteria, make_sheet
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db
D = Decimal

STEPS = [
    {"kind": "group", "group": "I"},
    {"kind": "group", "group": "II"},
    {"kind": "group", "group": "III"},
    {"kind": "fewer_deductions"},
    {"kind": "self_score"},
    {"kind": "bonus"},
]

# One sheet's points on the default table: group I (A1 ≤ 30, A2 ≤ 20), group II (B1), bonus C1, deduction D1.
# Mostly a few profiles with the same total (75) split differently between the groups, so that totals
# tie and the group tie-breaks decide; a deduction of 0.01 makes some group III means round to "-0.00"
# under the Decimal rule.
PROFILES = [
    {"A1": "30", "A2": "20", "B1": "25", "C1": "0", "D1": "0"},
    {"A1": "25", "A2": "20", "B1": "30", "C1": "0", "D1": "0"},
    {"A1": "30", "A2": "15", "B1": "20.01", "C1": "10", "D1": "-0.01"},
    {"A1": "25", "A2": "20", "B1": "20", "C1": "10", "D1": "0"},
    {"A1": "30", "A2": "20", "B1": "25.01", "C1": "0", "D1": "-0.01"},
]
sheet_points = st.one_of(
    st.sampled_from(PROFILES),
    st.fixed_dictionaries(
        {
            "A1": st.sampled_from(["30", "25", "24.99"]),
            "A2": st.sampled_from(["20", "15"]),
            "B1": st.sampled_from(["30", "25", "20.01"]),
            "C1": st.sampled_from(["0", "10"]),
            "D1": st.sampled_from(["0", "-2", "-0.01"]),
        }
    ),
)


@st.composite
def block_year_plan(draw: Any, units: int) -> dict[str, Any]:
    reviews = []
    for unit in range(units):
        others = [r for r in range(units) if r != unit]
        reviewers = draw(
            st.lists(st.sampled_from(others), min_size=draw(st.sampled_from([3, 1, 0])), max_size=3, unique=True)
        )
        for reviewer in reviewers:
            reviews.append(
                {
                    "unit": unit,
                    "reviewer": reviewer,
                    "points": draw(sheet_points),
                    "status": draw(st.sampled_from(["finalised", "finalised", "finalised", "submitted"])),
                    "later": draw(st.booleans()),  # written after the first recompute
                }
            )
    return {
        "config": {
            "final_rule": draw(st.sampled_from(["mean", "median", "trimmed_mean", "head"])),
            "normalisation": draw(st.sampled_from(["none", "none", "mean_shift", "z_score"])),
            "use_normalised": draw(st.booleans()),
            "tie_breaks": draw(
                st.one_of(
                    st.just([STEPS[2], STEPS[0]]),
                    st.lists(st.sampled_from(STEPS), max_size=3, unique_by=lambda s: str(s)),
                )
            ),
        },
        "total_cap": draw(st.sampled_from([None, None, D(80), D(95)])),
        "bonus_cap": draw(st.sampled_from([None, None, D(5)])),
        "bands": draw(st.booleans()),
        "tracks": draw(st.booleans()),
        "self": {
            unit: draw(sheet_points) for unit in draw(st.lists(st.integers(0, units - 1), max_size=units, unique=True))
        },
        "reviews": reviews,
        "leaves": draw(st.sampled_from([None, None, units - 1])),  # a member leaving after the first recompute
    }


@pytest.fixture
def years(tree: dict[str, Any]) -> list[tuple[BlockYear, list[Unit]]]:
    """Two block-years: six units (the tree's four and two more), and four in another block."""
    first = tree["block_year"]
    make_criteria(first)
    first_units = [
        tree["centre_a"],
        tree["centre_b"],
        tree["centre_c"],
        tree["board"],
        *add_units(first, tree["dept"], 2),
    ]
    other = org_services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    make_criteria(other)
    return [(first, first_units), (other, add_units(other, tree["other_dept"], 4, prefix="Y"))]


def write(by: BlockYear, units: list[Unit], plan: dict[str, Any], *, later: bool) -> None:
    """The plan's settings and sheets (those written before, or after, the first recompute)."""
    if not later:
        make_config(by, **plan["config"])
        criteria = by.criteria_set
        criteria.total_cap, criteria.bonus_cap = plan["total_cap"], plan["bonus_cap"]
        criteria.save()
        if plan["bands"]:
            ScoreBand.objects.create(block_year=by, minimum=D(70), maximum=D("90.99"), title="Tiên tiến")
            ScoreBand.objects.create(block_year=by, minimum=D(91), maximum=None, title="Xuất sắc")
        if plan["tracks"]:
            track = ScoringTrack.objects.create(block_year=by, name="Văn phòng", position=0)
            track.units.set(units[: len(units) // 2])
        for unit, points in plan["self"].items():
            make_sheet(by, units[unit], points)
    for review in plan["reviews"]:
        if review["later"] == later:
            make_sheet(
                by,
                units[review["unit"]],
                review["points"],
                reviewer=units[review["reviewer"]],
                is_head=review["reviewer"] == 0,
                status=review["status"],
            )
    if later and plan["leaves"] is not None:
        by.memberships.filter(unit=units[plan["leaves"]]).delete()


def rows(ids: list[int]) -> list[tuple[Any, ...]]:
    return list(
        FinalScore.objects.filter(block_year_id__in=ids)
        .order_by("block_year_id", "unit_id")
        .values_list("block_year_id", "unit_id", *recompute.UPDATE_COLUMNS)
    )


def outcome(path: Any, ids: list[int], now: Any) -> Any:
    """The rows a path leaves (rolled back afterwards), or the code of the rule it stops on."""
    try:
        with transaction.atomic():
            count = path(ids, now)
            result = (count, rows(ids))
            transaction.set_rollback(True)
    except RuleViolation as exc:
        return ("error", exc.code)
    return result


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(plans=st.tuples(block_year_plan(6), block_year_plan(4)), first_run=st.booleans(), threshold=st.booleans())
def test_fast_path_gives_the_reference_rows(
    years: list[tuple[BlockYear, list[Unit]]],
    plans: tuple[dict[str, Any], dict[str, Any]],
    first_run: bool,
    threshold: bool,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(recompute, "COPY_THRESHOLD", 0 if threshold else 1_000_000)  # COPY or bulk upsert
    ids = [by.pk for by, _units in years]
    with transaction.atomic():
        for (by, units), plan in zip(years, plans, strict=True):
            write(by, units, plan, later=False)
        before = timezone.now() - timedelta(hours=1)
        if first_run:
            recompute._recompute_reference(ids, before)  # stored rows, some of which will not change
        for (by, units), plan in zip(years, plans, strict=True):
            write(by, units, plan, later=True)
        now = timezone.now()
        fast = outcome(recompute._recompute_fast, ids, now)
        reference = outcome(recompute._recompute_reference, ids, now)
        assert fast == reference
        if fast[0] == "error":
            event(f"stops on {fast[1]}")
        else:
            stored = fast[1]
            groups = recompute.UPDATE_COLUMNS.index("group_scores") + 2
            event(f"rows with group scores: {min(sum(1 for row in stored if row[groups]), 3)}")
            event(f"tied rows: {min(sum(1 for row in stored if row[groups + 2]), 3)}")
            if any("-0.00" in row[groups].values() for row in stored):
                event("a group score of -0.00")
        transaction.set_rollback(True)


def test_public_entry_runs_the_fast_path(years: list[tuple[BlockYear, list[Unit]]], monkeypatch: Any) -> None:
    calls: list[list[int]] = []
    monkeypatch.setattr(recompute, "_recompute_reference", lambda ids, now: calls.append(list(ids)))
    (by, units), _other = years
    make_sheet(by, units[1], {"A1": "30"}, reviewer=units[0], is_head=True)
    assert recompute.recompute_final_scores([by.pk]) == 6
    assert calls == []
    assert FinalScore.objects.get(block_year=by, unit=units[1]).raw_total == D(30)


def test_a_group_score_rounding_to_minus_zero(years: list[tuple[BlockYear, list[Unit]]]) -> None:
    """Group III of unit 1: (−0.01 + 0 + 0) / 3 is "-0.00" under the Decimal rule; both paths store that."""
    (by, units), (other, _units) = years
    make_config(by, final_rule="mean", tie_breaks=[STEPS[2], STEPS[0]])
    for reviewer in (0, 2, 3):
        make_sheet(by, units[1], PROFILES[4 if reviewer == 0 else 0], reviewer=units[reviewer], is_head=reviewer == 0)
        make_sheet(by, units[4], PROFILES[1], reviewer=units[reviewer], is_head=reviewer == 0)
    ids = [by.pk, other.pk]
    now = timezone.now()
    fast = outcome(recompute._recompute_fast, ids, now)
    assert fast == outcome(recompute._recompute_reference, ids, now)
    groups = recompute.UPDATE_COLUMNS.index("group_scores") + 2
    by_unit = {row[1]: row for row in fast[1]}
    assert by_unit[units[1].pk][groups] == {"I": "50.00", "II": "25.00", "III": "-0.00"}
    assert by_unit[units[4].pk][groups] == {"I": "45.00", "II": "30.00", "III": "0.00"}
    assert by_unit[units[1].pk][groups + 3] == "group:I"  # III is equal (−0.00 = 0.00), I decides
