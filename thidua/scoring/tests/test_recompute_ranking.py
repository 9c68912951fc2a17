"""Final scores and the ranking from finalised sheets: worked examples, final rules, ties, tracks, bands.

The sheets here are written straight to the database (`make_sheet`), to control every total; the
end-to-end tests through the services live in test_recompute_end_to_end.py.
"""

from collections.abc import Hashable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.organizations import services as org_services
from thidua.scoring.models import FinalScore, ScoreBand, ScoringTrack
from thidua.scoring.rules import NormaliseMethod, normalise
from thidua.scoring.selectors.ranking import ranking_table
from thidua.scoring.services import recompute
from thidua.scoring.services.recompute import recompute_final_scores
from thidua.scoring.tests.helpers_sheets import (
    NothingWritten,
    add_units,
    last_action,
    leader,
    make_config,
    make_criteria,
    make_sheet,
    staff,
)
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def block(tree: dict[str, Any]) -> dict[str, Any]:
    """Six member units: the tree's four (head centre A, deputy centre B) and two more (X00, X01)."""
    by = tree["block_year"]
    make_criteria(by)
    extra = add_units(by, tree["dept"], 2)
    units = {"A": tree["centre_a"], "B": tree["centre_b"], "C": tree["centre_c"], "Q": tree["board"]}
    units.update({"X0": extra[0], "X1": extra[1]})
    return {**tree, "by": by, "u": units}


def split(group_one: Any, group_two: Any = 0, bonus: Any = 0, deduction: Any = 0) -> dict[str, Any]:
    """Points per item of the default table: group I in A1 (≤ 30) then A2 (≤ 20), group II in B1 (≤ 30)."""
    g1, g2 = D(group_one), D(group_two)
    points = {"A1": min(g1, D(30)), "A2": g1 - min(g1, D(30)), "B1": g2}
    if bonus:
        points["C1"] = D(bonus)
    if deduction:
        points["D1"] = -D(deduction)
    return points


def review(b: dict[str, Any], unit: str, reviewer: str, total: Any, *, group_two: Any = 0, **kw: Any) -> None:
    make_sheet(
        b["by"],
        b["u"][unit],
        split(D(total) - D(group_two), group_two, **kw),
        reviewer=b["u"][reviewer],
        is_head=reviewer == "A",
    )


def finals(b: dict[str, Any]) -> dict[str, FinalScore]:
    names = {unit.pk: key for key, unit in b["u"].items()}
    return {names[f.unit_id]: f for f in FinalScore.objects.filter(block_year=b["by"])}


# ---------------------------------------------------------------- worked examples (domain.md §4.3)


def test_97_plus_10_is_107_not_capped(block: dict[str, Any]) -> None:
    review(block, "C", "A", 97, bonus=10)
    make_sheet(block["by"], block["u"]["C"], split(97, bonus=10))  # the self-score
    assert recompute_final_scores([block["by"].pk]) == 6
    final = finals(block)["C"]
    assert (final.raw_total, final.bonus, final.self_total, final.review_count) == (D(107), D(10), D(107), 1)
    assert final.ranking_total == D(107)
    assert final.normalised_total is None  # no normalisation configured


def test_a_total_cap_of_100_caps_it(block: dict[str, Any]) -> None:
    criteria = block["by"].criteria_set
    criteria.total_cap = D(100)
    criteria.save()
    review(block, "C", "A", 97, bonus=10)
    recompute_final_scores([block["by"].pk])
    assert finals(block)["C"].raw_total == D(100)


def test_a_bonus_cap(block: dict[str, Any]) -> None:
    criteria = block["by"].criteria_set
    criteria.bonus_cap = D(5)
    criteria.save()
    review(block, "C", "A", 90, bonus=10, deduction=4)
    recompute_final_scores([block["by"].pk])
    final = finals(block)["C"]
    assert (final.raw_total, final.bonus, final.deductions) == (D(91), D(5), D(4))


def test_bands_suggest_titles(block: dict[str, Any]) -> None:
    by = block["by"]
    ScoreBand.objects.create(block_year=by, minimum=70, maximum=90, title="Tập thể lao động tiên tiến")
    ScoreBand.objects.create(block_year=by, minimum=91, maximum=100, title="Chiến sĩ thi đua cơ sở")
    for unit, total in {"C": 95, "Q": 85, "X0": "90.5", "X1": 60}.items():
        review(block, unit, "A", total)
    recompute_final_scores([by.pk])
    titles = {key: f.suggested_title for key, f in finals(block).items()}
    assert titles == {
        "A": "",
        "B": "",
        "C": "Chiến sĩ thi đua cơ sở",
        "Q": "Tập thể lao động tiên tiến",
        "X0": "",  # 90.5 lies between the two bands as written
        "X1": "",
    }


# ---------------------------------------------------------------- final rules


REVIEW_TABLE = {
    "C": {"A": 90, "B": 60, "X0": 84},
    "Q": {"A": 80, "B": 80, "X0": 80},
    "X1": {"A": 70, "B": 95, "X0": 75},
    "A": {"B": 88, "X0": 92},
    "B": {"A": 85, "X0": 75},
    "X0": {"A": 60, "B": 64},
}


def three_reviews(b: dict[str, Any]) -> None:
    """Reviewers A (head), B and X0; each unit reviewed by the leaders other than itself."""
    for unit, given in REVIEW_TABLE.items():
        for reviewer, total in given.items():
            review(b, unit, reviewer, total)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("head", {"C": 90, "Q": 80, "X1": 70, "A": None, "B": 85, "X0": 60}),
        ("mean", {"C": 78, "Q": 80, "X1": 80, "A": 90, "B": 80, "X0": 62}),
        ("median", {"C": 84, "Q": 80, "X1": 75, "A": 90, "B": 80, "X0": 62}),
        ("trimmed_mean", {"C": 84, "Q": 80, "X1": 75, "A": 90, "B": 80, "X0": 62}),
    ],
)
def test_final_rules(block: dict[str, Any], rule: str, expected: dict[str, int | None]) -> None:
    make_config(block["by"], final_rule=rule)
    three_reviews(block)
    recompute_final_scores([block["by"].pk])
    got = {key: f.raw_total for key, f in finals(block).items()}
    assert got == {key: (D(v) if v is not None else None) for key, v in expected.items()}
    if rule == "head":
        assert finals(block)["A"].rank is None  # nobody reviews the head unit as head


def test_ties_broken_by_a_group_and_a_still_tied_shared_rank(block: dict[str, Any]) -> None:
    make_config(block["by"], final_rule="mean", tie_breaks=[{"kind": "group", "group": "II"}])
    table = {
        "A": {"B": 88, "X0": 92},  # 90
        "Q": {"A": 80, "B": 80, "X0": 80},  # 80, group II 30
        "X1": {"A": 70, "B": 95, "X0": 75},  # 80, group II 25
        "B": {"A": 85, "X0": 75},  # 80, group II 25
        "C": {"A": 90, "B": 60, "X0": 84},  # 78
        "X0": {"A": 60, "B": 64},  # 62
    }
    for unit, given in table.items():
        for reviewer, total in given.items():
            review(block, unit, reviewer, total, group_two=30 if unit == "Q" else 25)
    recompute_final_scores([block["by"].pk])
    got = {key: (f.rank, f.tied, f.decided_by) for key, f in finals(block).items()}
    assert got == {
        "A": (1, False, "total"),
        "Q": (2, False, "group:II"),
        "X1": (3, True, ""),
        "B": (3, True, ""),
        "C": (5, False, "total"),
        "X0": (6, False, "total"),
    }
    assert finals(block)["Q"].group_scores == {"I": "50.00", "II": "30.00"}


def test_without_tie_breaks_equal_totals_share_the_rank(block: dict[str, Any]) -> None:
    three_reviews(block)
    recompute_final_scores([block["by"].pk])
    ranks = {key: (f.rank, f.tied) for key, f in finals(block).items()}
    assert ranks == {
        "A": (1, False),
        "Q": (2, True),
        "X1": (2, True),
        "B": (2, True),
        "C": (5, False),
        "X0": (6, False),
    }


@pytest.mark.parametrize(
    ("tie_breaks", "winner"),
    [
        ([{"kind": "fewer_deductions"}], "X1"),
        ([{"kind": "bonus"}], "Q"),
        ([{"kind": "self_score"}], "B"),
    ],
)
def test_other_tie_breaks(block: dict[str, Any], tie_breaks: list[dict[str, str]], winner: str) -> None:
    make_config(block["by"], tie_breaks=tie_breaks)
    review(block, "Q", "A", 74, bonus=10, deduction=4)  # 74 + 10 − 4 = 80
    review(block, "X1", "A", 80)  # 80, nothing else
    review(block, "B", "X0", 80, bonus=2, deduction=2)  # 80 + 2 − 2 = 80, and a self-score
    make_sheet(block["by"], block["u"]["B"], split(90))
    recompute_final_scores([block["by"].pk])
    result = finals(block)
    assert {result[key].raw_total for key in ("Q", "X1", "B")} == {D(80)}
    assert result[winner].rank == 1
    assert result[winner].decided_by == tie_breaks[0]["kind"]
    ranks = sorted(result[key].rank or 0 for key in ("Q", "X1", "B"))
    assert ranks == ([1, 2, 2] if winner == "B" else [1, 2, 3])  # no self-score: Q and X1 stay tied


def test_invalid_tie_breaks_are_refused(block: dict[str, Any]) -> None:
    make_config(block["by"], tie_breaks=[{"kind": "coin_toss"}])
    review(block, "C", "A", 80)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        recompute_final_scores([block["by"].pk])
    assert err.value.code == "invalid_tie_break"


def test_separate_tracks(block: dict[str, Any]) -> None:
    by, u = block["by"], block["u"]
    schools = ScoringTrack.objects.create(block_year=by, name="Trường, trung tâm", position=1)
    offices = ScoringTrack.objects.create(block_year=by, name="Văn phòng", position=0)
    schools.units.set([u["C"], u["Q"], u["X0"]])
    offices.units.set([u["X1"], u["B"]])
    for unit, total in {"C": 90, "Q": 85, "X0": 70, "X1": 60, "B": 75}.items():
        review(block, unit, "A", total)
    recompute_final_scores([by.pk])
    got = {key: (f.track, f.rank) for key, f in finals(block).items()}
    assert got == {
        "C": ("Trường, trung tâm", 1),
        "Q": ("Trường, trung tâm", 2),
        "X0": ("Trường, trung tâm", 3),
        "B": ("Văn phòng", 1),
        "X1": ("Văn phòng", 2),
        "A": ("", None),
    }
    table = ranking_table(block_year=by)
    assert [(row.track, row.rank) for row in table] == [
        ("Văn phòng", 1),
        ("Văn phòng", 2),
        ("Trường, trung tâm", 1),
        ("Trường, trung tâm", 2),
        ("Trường, trung tâm", 3),
        ("", None),
    ]


def test_normalisation_is_shown_beside_the_raw_score(block: dict[str, Any]) -> None:
    by = block["by"]
    make_config(by, normalisation="mean_shift", use_normalised=False)
    three_reviews(block)
    recompute_final_scores([by.pk])
    result = finals(block)
    assert all(f.ranking_total == f.raw_total for f in result.values())
    # Each normalised total is the mean of the unit's reviews after `rules.normalise` (mean shift).
    given: dict[tuple[Hashable, Hashable], Decimal] = {
        (reviewer, unit): D(total) for unit, row in REVIEW_TABLE.items() for reviewer, total in row.items()
    }
    shifted = normalise(given, method=NormaliseMethod.MEAN_SHIFT)
    assert shifted[("A", "C")] != D(90)  # the head is harsher than the others here: its scores move
    for unit, row in REVIEW_TABLE.items():
        values = [shifted[(reviewer, unit)] for reviewer in row]
        expected = sum(values, D(0)) / len(values)
        normalised = result[unit].normalised_total
        assert normalised is not None
        assert abs(normalised - expected) <= D("0.01")
    make_config(by, normalisation="mean_shift", use_normalised=True)
    recompute_final_scores([by.pk])
    assert all(f.ranking_total == f.normalised_total for f in finals(block).values())


def test_only_finalised_current_sheets_count(block: dict[str, Any]) -> None:
    by, u = block["by"], block["u"]
    review(block, "C", "A", 90)
    make_sheet(by, u["C"], split(50), reviewer=u["B"], status="submitted")
    recompute_final_scores([by.pk])
    assert (finals(block)["C"].raw_total, finals(block)["C"].review_count) == (D(90), 1)


def test_units_no_longer_members_lose_their_row(block: dict[str, Any]) -> None:
    by, u = block["by"], block["u"]
    review(block, "X1", "A", 70)
    recompute_final_scores([by.pk])
    assert FinalScore.objects.filter(unit=u["X1"]).exists()
    by.memberships.filter(unit=u["X1"]).delete()
    assert recompute_final_scores([by.pk]) == 5
    assert not FinalScore.objects.filter(unit=u["X1"]).exists()


def test_recompute_rewrites_rows_in_place(block: dict[str, Any]) -> None:
    by = block["by"]
    review(block, "C", "A", 90)
    recompute_final_scores([by.pk])
    ids = set(FinalScore.objects.values_list("pk", flat=True))
    review(block, "C", "B", 70)
    recompute_final_scores([by.pk])
    assert set(FinalScore.objects.values_list("pk", flat=True)) == ids
    assert finals(block)["C"].raw_total == D(80)


def test_several_block_years_at_once(block: dict[str, Any], tree: dict[str, Any]) -> None:
    other = org_services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    make_criteria(other)
    units = add_units(other, tree["other_dept"], 3, prefix="Y")
    make_sheet(other, units[0], split(40), reviewer=units[1])
    review(block, "C", "A", 90)
    assert recompute_final_scores([block["by"].pk, other.pk, block["by"].pk]) == 9
    assert FinalScore.objects.get(unit=units[0]).raw_total == D(40)
    assert recompute_final_scores([]) == 0


def test_query_count_does_not_grow_with_the_units(tree: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    by = tree["block_year"]
    make_criteria(by)
    make_config(by, tie_breaks=[{"kind": "group", "group": "II"}], normalisation="z_score")
    ScoreBand.objects.create(block_year=by, minimum=70, maximum=None, title="Tiên tiến")
    units = [tree["centre_a"], tree["centre_b"], tree["centre_c"], tree["board"], *add_units(by, tree["dept"], 26)]
    for i, unit in enumerate(units):
        make_sheet(by, unit, split(40 + i % 7, 20))
        for reviewer in (units[(i + 1) % len(units)], units[(i + 2) % len(units)]):
            make_sheet(by, unit, split(45 + i % 5, 25), reviewer=reviewer)
    # On PostgreSQL three more statements read, switch off and restore JIT around the aggregation.
    limit = 15 if connection.vendor == "postgresql" else 12
    with django_assert_max_num_queries(limit):
        assert recompute_final_scores([by.pk]) == 30
    assert FinalScore.objects.filter(rank__isnull=False).count() == 30


# ---------------------------------------------------------------- the services around it


def test_scoring_recompute_service(block: dict[str, Any]) -> None:
    by = block["by"]
    review(block, "C", "A", 90)
    head = leader(by)
    with NothingWritten(), pytest.raises(PermissionDenied):
        recompute.scoring_recompute(actor=leader(by, Role.BLOCK_DEPUTY), block_year=by)
    with NothingWritten(), pytest.raises(PermissionDenied):
        recompute.scoring_recompute(actor=staff(block["u"]["C"]), block_year=by)
    before = AuditEvent.objects.count()
    table = recompute.scoring_recompute(actor=head, block_year=by)
    assert AuditEvent.objects.count() == before + 1
    assert last_action() == "scoring.recompute"
    assert table[0].unit == block["u"]["C"]
    assert table[0].rank == 1


def test_ranking_publish(block: dict[str, Any]) -> None:
    by = block["by"]
    head, clerk = leader(by), staff(block["u"]["C"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        recompute.ranking_publish(actor=head, block_year=by)
    assert err.value.code == "no_ranking"
    review(block, "C", "A", 90)
    recompute_final_scores([by.pk])
    assert not clerk.has_perm("scoring.view_ranking", by)
    with NothingWritten(), pytest.raises(PermissionDenied):
        recompute.ranking_publish(actor=clerk, block_year=by)
    config = recompute.ranking_publish(actor=head, block_year=by)
    assert config.ranking_published_at is not None
    assert last_action() == "scoring.publish_ranking"
    assert clerk.has_perm("scoring.view_ranking", by)


@pytest.mark.parametrize("threshold", [0, 1_000_000])  # COPY + INSERT … ON CONFLICT on PostgreSQL; bulk upsert
def test_unchanged_rows_are_not_rewritten(block: dict[str, Any], monkeypatch: Any, threshold: int) -> None:
    monkeypatch.setattr(recompute, "COPY_THRESHOLD", threshold)
    by = block["by"]
    review(block, "C", "A", 90)
    review(block, "Q", "A", 80)
    recompute_final_scores([by.pk])
    stamps = dict(FinalScore.objects.values_list("unit_id", "computed_at"))
    assert finals(block)["C"].rank == 1
    recompute_final_scores([by.pk])
    assert dict(FinalScore.objects.values_list("unit_id", "computed_at")) == stamps
    review(block, "Q", "B", 100)  # Q: (80 + 100) / 2 = 90, now tied with C
    recompute_final_scores([by.pk])
    result = finals(block)
    assert (result["Q"].raw_total, result["Q"].rank, result["C"].rank) == (D(90), 1, 1)
    assert result["Q"].computed_at > stamps[block["u"]["Q"].pk]
    assert result["X0"].computed_at == stamps[block["u"]["X0"].pk]
