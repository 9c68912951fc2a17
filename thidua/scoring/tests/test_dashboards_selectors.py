"""Dashboard selectors: the numbers on a small hand-computed block, and query counts that do not grow with it.

The scores are written straight to the tables (not through the sheet services) so that each number
below can be checked by hand: four member units, two reviewers (the head and the deputy), one draft
of each kind that must not count, and a previous year to compare ranks with.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from thidua.organizations import services as org_services
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    CriteriaSetStatus,
    FinalScore,
    ItemType,
    ReviewAssignment,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.selectors import dashboards
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db

D = Decimal


def make_criteria(block_year: BlockYear) -> dict[str, CriteriaItem]:
    """Group I (max 20: 10 points + 10 yes/no), II (max 30), III (bonus 5/occurrence, deduction 2/occurrence)."""
    criteria = CriteriaSet.objects.create(block_year=block_year, title="Bảng điểm", status=CriteriaSetStatus.LOCKED)
    g1 = CriteriaGroup.objects.create(criteria_set=criteria, code="I", title="Nhiệm vụ chuyên môn", position=1)
    g2 = CriteriaGroup.objects.create(criteria_set=criteria, code="II", title="Cải cách hành chính", position=2)
    g3 = CriteriaGroup.objects.create(criteria_set=criteria, code="III", title="Điểm thưởng, điểm trừ", position=3)
    specs = [
        (g1, "I.1", ItemType.POINTS, D(10), D(0), None),
        (g1, "I.2", ItemType.YES_NO, D(10), D(0), None),
        (g2, "II.1", ItemType.POINTS, D(30), D(0), None),
        (g3, "III.1", ItemType.BONUS, D(0), D(5), D(10)),
        (g3, "III.2", ItemType.DEDUCTION, D(0), D(2), D(10)),
    ]
    return {
        code: CriteriaItem.objects.create(
            criteria_set=criteria,
            group=group,
            code=code,
            title=f"Tiêu chí {code}",
            position=index,
            item_type=item_type,
            max_points=maximum,
            per_occurrence=per,
            cap=cap,
        )
        for index, (group, code, item_type, maximum, per, cap) in enumerate(specs)
    }


def make_sheet(
    block_year: BlockYear,
    unit: Unit,
    items: dict[str, CriteriaItem],
    points: dict[str, Decimal],
    *,
    reviewer: Unit | None = None,
    status: str = SheetStatus.SUBMITTED,
) -> ScoreSheet:
    """A current sheet whose lines give `points` (signed) per item code; totals are the plain sums."""
    base = sum((p for c, p in points.items() if items[c].item_type in (ItemType.POINTS, ItemType.YES_NO)), D(0))
    bonus = sum((p for c, p in points.items() if items[c].item_type == ItemType.BONUS), D(0))
    deduction = -sum((p for c, p in points.items() if items[c].item_type == ItemType.DEDUCTION), D(0))
    sheet = ScoreSheet.objects.create(
        block_year=block_year,
        unit=unit,
        kind=SheetKind.REVIEW if reviewer else SheetKind.SELF,
        reviewer_unit=reviewer,
        is_head_review=False,
        status=status,
        base_total=base,
        bonus_total=bonus,
        deduction_total=deduction,
        total=base + bonus - deduction,
    )
    ScoreLine.objects.bulk_create(
        ScoreLine(sheet=sheet, item=item, value=points.get(code), points=points.get(code, D(0)))
        for code, item in items.items()
    )
    return sheet


def final(block_year: BlockYear, unit: Unit, rank: int | None, total: str) -> FinalScore:
    return FinalScore.objects.create(
        block_year=block_year,
        unit=unit,
        rank=rank,
        raw_total=D(total),
        ranking_total=D(total),
        computed_at=timezone.now(),
    )


def build_world(tree: dict[str, Any]) -> dict[str, Any]:
    """The hand-computed block: sheets of C and the board, final scores of 2025 and of a previous 2024."""
    by = tree["block_year"]
    a, b, c, board = tree["centre_a"], tree["centre_b"], tree["centre_c"], tree["board"]
    items = make_criteria(by)
    make_sheet(by, c, items, {"I.1": D(8), "I.2": D(10), "II.1": D(25)})  # self: I 18, II 25
    make_sheet(by, board, items, {"I.1": D(9)}, status=SheetStatus.DRAFT)  # not counted
    make_sheet(by, c, items, {"I.1": D(6), "I.2": D(10), "II.1": D(20)}, reviewer=a)  # 36
    make_sheet(by, c, items, {"I.1": D(8), "I.2": D(0), "II.1": D(24)}, reviewer=b, status=SheetStatus.FINALISED)  # 32
    make_sheet(by, board, items, {"I.1": D(10), "I.2": D(10), "II.1": D(30), "III.1": D(5)}, reviewer=a)  # 55
    make_sheet(by, board, items, {"I.1": D(1)}, reviewer=b, status=SheetStatus.DRAFT)  # not counted
    previous = org_services.block_year_create(actor=system_actor(), block=tree["block"], year=2024, copy_members=False)
    final(by, board, 1, "55")
    final(by, c, 2, "34")
    final(by, a, 3, "20")
    ScoringConfig.objects.create(block_year=previous, ranking_published_at=timezone.now())
    final(previous, c, 1, "90")
    final(previous, b, 2, "80")
    final(previous, board, 3, "70")
    return {**tree, "items": items, "previous": previous}


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    return build_world(tree)


def test_member_units_in_rotation_order(world: dict[str, Any]) -> None:
    units = dashboards.member_units(block_year=world["block_year"])
    assert [u.pk for u in units] == [world[k].pk for k in ("centre_a", "centre_b", "centre_c", "board")]


def test_scoring_progress_counts_current_sheets_by_kind_and_status(world: dict[str, Any]) -> None:
    progress = dashboards.scoring_progress(block_year=world["block_year"], member_count=4)
    assert progress.self_by_status == {"draft": 1, "submitted": 1, "approved": 0, "finalised": 0, "not_started": 2}
    assert progress.review_by_status == {"draft": 1, "submitted": 2, "finalised": 1}
    assert (progress.self_done, progress.review_done, progress.expected_reviews) == (1, 3, None)
    ReviewAssignment.objects.create(
        block_year=world["block_year"], reviewer_unit=world["centre_a"], unit=world["board"]
    )
    assert dashboards.scoring_progress(block_year=world["block_year"], member_count=4).expected_reviews == 1


def test_superseded_sheets_do_not_count(world: dict[str, Any]) -> None:
    ScoreSheet.objects.filter(unit=world["centre_c"], kind=SheetKind.SELF).update(is_current=False)
    progress = dashboards.scoring_progress(block_year=world["block_year"], member_count=4)
    assert progress.self_by_status["submitted"] == 0
    assert progress.self_by_status["not_started"] == 3


def test_criteria_groups_carry_their_base_maximum(world: dict[str, Any]) -> None:
    groups = dashboards.criteria_groups(block_year=world["block_year"])
    assert [(g.code, g.maximum) for g in groups] == [("I", D(20)), ("II", D(30)), ("III", D(0))]


def test_group_profile_means_over_counted_reviews(world: dict[str, Any]) -> None:
    profile = dashboards.group_profile(block_year=world["block_year"])
    c, board = world["centre_c"].pk, world["board"].pk
    g1, g2 = (g.id for g in profile.scored_groups)
    assert profile.points[c] == {g1: D("12.00"), g2: D("22.00")}  # (16 + 8) / 2 and (20 + 24) / 2
    assert profile.points[board] == {g1: D("20.00"), g2: D("30.00")}  # the deputy's draft is left out
    assert [g.code for g in profile.scored_groups] == ["I", "II"]  # bonus/deduction group has no maximum
    assert profile.unit_percent(c) == [D("60.0"), D("73.3")]
    assert profile.block_percent() == [D("80.0"), D("86.7")]
    assert profile.unit_percent(world["centre_a"].pk) == [None, None]


def test_unit_group_comparison_self_against_reviews(world: dict[str, Any]) -> None:
    rows = dashboards.unit_group_comparison(block_year=world["block_year"], unit=world["centre_c"])
    assert [(r.group.code, r.self_points, r.review_points, r.difference) for r in rows] == [
        ("I", D("18.00"), D("12.00"), D("6.00")),
        ("II", D("25.00"), D("22.00"), D("3.00")),
        ("III", None, None, None),
    ]
    staff_view = dashboards.unit_group_comparison(
        block_year=world["block_year"], unit=world["centre_c"], finalised_reviews_only=True
    )
    assert [(r.group.code, r.review_points) for r in staff_view][:2] == [("I", D("8.00")), ("II", D("24.00"))]


def test_reviewer_spread_and_bias(world: dict[str, Any]) -> None:
    spread = {row.reviewer_id: row for row in dashboards.reviewer_spread(block_year=world["block_year"])}
    head, deputy = spread[world["centre_a"].pk], spread[world["centre_b"].pk]
    assert (head.count, head.minimum, head.mean, head.maximum) == (2, D("36.00"), D("45.50"), D("55.00"))
    assert (deputy.count, deputy.minimum, deputy.mean, deputy.maximum) == (1, D("32.00"), D("32.00"), D("32.00"))
    # overall mean (36 + 55 + 32) / 3 = 41
    assert (head.bias, deputy.bias) == (D("4.50"), D("-9.00"))
    assert head.reviewer_name == world["centre_a"].name


def test_rank_changes_against_the_previous_year(world: dict[str, Any]) -> None:
    changes = dashboards.rank_changes(block_year=world["block_year"])
    assert changes.previous == world["previous"]
    rows = {row.unit_id: row for row in changes.rows}
    assert [row.unit_id for row in changes.rows] == [world["board"].pk, world["centre_c"].pk, world["centre_a"].pk]
    assert (rows[world["board"].pk].change, rows[world["board"].pk].direction) == (2, "up")
    assert (rows[world["centre_c"].pk].change, rows[world["centre_c"].pk].direction) == (-1, "down")
    assert rows[world["centre_c"].pk].places == 1
    assert (rows[world["centre_a"].pk].change, rows[world["centre_a"].pk].direction) == (None, "new")


def test_a_unit_not_ranked_this_year_is_last_and_unranked(world: dict[str, Any]) -> None:
    final(world["block_year"], world["centre_b"], None, "0")  # ranked 2nd in 2024, no review yet this year
    rows = dashboards.rank_changes(block_year=world["block_year"]).rows
    assert (rows[-1].unit_id, rows[-1].direction, rows[-1].change) == (world["centre_b"].pk, "unranked", None)


def test_rank_changes_without_a_previous_year(world: dict[str, Any]) -> None:
    changes = dashboards.rank_changes(block_year=world["previous"])
    assert changes.previous is None
    assert all(row.previous_rank is None for row in changes.rows)


def test_unit_rank_history_counts_the_ranked_units_of_each_year(world: dict[str, Any]) -> None:
    history = dashboards.unit_rank_history(unit=world["centre_c"])
    assert [(s.block_year.year, s.rank, getattr(s, "ranked_count", None)) for s in history] == [
        (2024, 1, 3),
        (2025, 2, 3),
    ]


def test_ranking_rows_put_unranked_units_last(world: dict[str, Any]) -> None:
    final(world["block_year"], world["centre_b"], None, "0")
    rows = dashboards.ranking_rows(block_year=world["block_year"])
    assert [r.rank for r in rows] == [1, 2, 3, None]
    assert dashboards.ranking_total(rows[0]) == D("55")


def test_query_counts_do_not_grow_with_the_block(world: dict[str, Any], django_assert_num_queries: Any) -> None:
    by = world["block_year"]
    for index in range(6):  # six more units, each self-scored and reviewed by the head
        unit = make_unit(f"X{index}", f"Trung tâm số {index}", parent=world["dept"])
        org_services.block_member_add(actor=system_actor(), block_year=by, unit=unit)
        make_sheet(by, unit, world["items"], {"I.1": D(index)})
        make_sheet(by, unit, world["items"], {"I.1": D(index), "II.1": D(3)}, reviewer=world["centre_a"])
        final(by, unit, 4 + index, str(index))
    by = BlockYear.objects.get(pk=by.pk)
    with django_assert_num_queries(2):
        profile = dashboards.group_profile(block_year=by)
    assert len(profile.points) == 8
    with django_assert_num_queries(2):
        assert len(dashboards.reviewer_spread(block_year=by)) == 2
    with django_assert_num_queries(2):
        assert len(dashboards.rank_changes(block_year=by).rows) == 9
    with django_assert_num_queries(2):
        dashboards.scoring_progress(block_year=by, member_count=10)
    with django_assert_num_queries(3):
        dashboards.unit_group_comparison(block_year=by, unit=world["centre_c"])
    with django_assert_num_queries(1):
        dashboards.ranking_rows(block_year=by)
    with django_assert_num_queries(1):
        dashboards.unit_rank_history(unit=world["centre_c"])


def test_progress_percent() -> None:
    assert dashboards.Progress(3, 4).percent == 75
    assert dashboards.Progress(0, 0).percent == 0
