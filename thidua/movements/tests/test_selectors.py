"""Selectors: the review summaries (numbers with and without as_of, fixed query counts), the library
search without tone marks, and visibility that agrees with the permission predicates."""

import datetime as dt
from typing import Any

import pytest

from thidua.movements import selectors, services
from thidua.movements.models import Practice, PracticeAdoption
from thidua.movements.selectors import BlockMovementSummary, UnitMovementSummary
from thidua.movements.tests.conftest import at
from thidua.organizations import services as org_services
from thidua.organizations.models import Unit
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(w: dict[str, Any]) -> dict[str, Any]:
    """A second movement, activity and practices, adoptions on known dates (see the expected numbers below)."""
    actor = system_actor()
    by = w["block_year"]
    late = services.movement_create(
        actor=actor,
        block_year=by,
        title="Xây dựng đô thị văn minh",
        theme="civilised_urban",
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 12, 31),
        participants=[w["centre_c"]],
        joined_on=dt.date(2025, 8, 15),
    )
    services.movement_join(actor=actor, movement=late, unit=w["board"], joined_on=dt.date(2025, 10, 1))
    services.activity_create(
        actor=actor,
        block_year=by,
        organiser=w["centre_c"],
        kind="cultural",
        title="Hội diễn văn nghệ",
        date=dt.date(2025, 10, 10),
        participants=[w["board"]],
    )
    by_b = services.practice_create(
        actor=actor,
        block_year=by,
        unit=w["centre_b"],
        title="Chuyển đổi số trong đào tạo",
        problem="P",
        approach="A",
        results="R",
    )
    services.practice_publish(actor=actor, practice=by_b, published_at=at(2025, 8, 1))
    services.practice_withdraw(actor=actor, practice=by_b)
    Practice.objects.filter(pk=by_b.pk).update(withdrawn_at=at(2026, 1, 10))
    services.practice_create(actor=actor, block_year=by, unit=w["centre_c"], title="Bản nháp của C")
    services.practice_adopt(actor=actor, practice=w["practice"], unit=w["centre_c"], adopted_on=dt.date(2025, 5, 10))
    services.practice_adopt(actor=actor, practice=w["practice"], unit=w["board"], adopted_on=dt.date(2025, 11, 1))
    # An adoption of the next year does not count in 2025 (written directly: the date may be after "today").
    outsider = make_unit("NGOAI", "Trung tâm ngoài khối", parent=w["dept"])
    PracticeAdoption.objects.create(practice=w["practice"], unit=outsider, adopted_on=dt.date(2026, 1, 5))
    return {**w, "late": late, "by_b": by_b}


def _by_code(summary: dict[int, UnitMovementSummary]) -> dict[str, tuple[int, ...]]:
    codes = dict(Unit.objects.filter(pk__in=summary).values_list("pk", "code"))
    return {
        codes[pk]: (
            row.movements_joined,
            row.activities_organised,
            row.activities_attended,
            row.practices_published,
            row.practices_adopted,
        )
        for pk, row in summary.items()
    }


def test_unit_summary_mid_year(year: dict[str, Any]) -> None:
    summary = selectors.unit_movement_summary(year["block_year"], as_of=dt.date(2025, 6, 30))
    assert _by_code(summary) == {
        "TTA": (1, 1, 1, 1, 0),
        "TTB": (1, 0, 1, 0, 0),
        "TTC": (0, 0, 1, 0, 1),
        "BQL": (0, 0, 0, 0, 0),
    }


def test_unit_summary_year_end_counts_a_practice_withdrawn_later(year: dict[str, Any]) -> None:
    summary = selectors.unit_movement_summary(year["block_year"], as_of=dt.date(2025, 12, 31))
    assert _by_code(summary) == {
        "TTA": (1, 1, 1, 1, 0),
        "TTB": (1, 0, 1, 1, 0),
        "TTC": (1, 1, 1, 0, 1),
        "BQL": (1, 0, 1, 0, 1),
    }


def test_unit_summary_now(year: dict[str, Any]) -> None:
    summary = selectors.unit_movement_summary(year["block_year"])
    assert list(summary) == [year[k].pk for k in ("centre_a", "centre_b", "centre_c", "board")]  # rotation order
    assert _by_code(summary)["TTB"] == (1, 0, 1, 0, 0)  # withdrawn now
    assert summary[year["centre_a"].pk] == UnitMovementSummary(1, 1, 1, 1, 0)


def test_every_member_is_present_even_with_nothing(tree: dict[str, Any]) -> None:
    summary = selectors.unit_movement_summary(tree["block_year"])
    assert set(summary) == {tree[k].pk for k in ("centre_a", "centre_b", "centre_c", "board")}
    assert set(summary.values()) == {UnitMovementSummary(0, 0, 0, 0, 0)}


def test_block_summary(year: dict[str, Any]) -> None:
    mid = selectors.block_movement_summary(year["block_year"], as_of=dt.date(2025, 6, 30))
    assert (mid.movements, mid.activities, mid.practices, mid.adoptions) == (1, 1, 1, 1)
    assert sum(mid.activities_by_kind.values()) == 1
    end = selectors.block_movement_summary(year["block_year"], as_of=dt.date(2025, 12, 31))
    assert (end.movements, end.activities, end.practices, end.adoptions) == (2, 2, 2, 2)
    now = selectors.block_movement_summary(year["block_year"])
    assert (now.movements, now.activities, now.practices, now.adoptions) == (2, 2, 1, 2)
    assert sum(now.activities_by_kind.values()) == 2
    assert len(now.activities_by_kind) == 6  # every kind, zeros included


def test_activity_kinds_are_translated_labels(year: dict[str, Any]) -> None:
    from django.utils import translation

    with translation.override("en"):
        summary = selectors.block_movement_summary(year["block_year"])
    assert isinstance(summary, BlockMovementSummary)
    assert summary.activities_by_kind["Sports"] == 1
    assert summary.activities_by_kind["Cultural"] == 1
    assert summary.activities_by_kind["Gratitude"] == 0


def _grow(w: dict[str, Any], n: int) -> None:
    """n more member units, each joining, organising, attending, publishing and adopting."""
    actor = system_actor()
    by = w["block_year"]
    for i in range(n):
        unit = make_unit(f"X{i:02d}", f"Đơn vị {i}", parent=w["dept"])
        org_services.block_member_add(actor=actor, block_year=by, unit=unit)
        services.movement_join(actor=actor, movement=w["movement"], unit=unit, joined_on=dt.date(2025, 3, 1))
        services.activity_create(
            actor=actor, block_year=by, organiser=unit, title=f"Hoạt động {i}", date=dt.date(2025, 4, 1)
        )
        practice = services.practice_create(
            actor=actor, block_year=by, unit=unit, title=f"Mô hình {i}", problem="P", approach="A", results="R"
        )
        services.practice_publish(actor=actor, practice=practice, published_at=at(2025, 4, 2))
        services.practice_adopt(actor=actor, practice=w["practice"], unit=unit, adopted_on=dt.date(2025, 4, 3))


@pytest.mark.parametrize("size", [0, 12])
def test_summaries_use_a_fixed_number_of_queries(
    w: dict[str, Any], django_assert_max_num_queries: Any, size: int
) -> None:
    _grow(w, size)
    by = w["block_year"]
    with django_assert_max_num_queries(6):
        units = selectors.unit_movement_summary(by, as_of=dt.date(2025, 6, 30))
    assert len(units) == 4 + size
    assert sum(row.practices_adopted for row in units.values()) == size
    with django_assert_max_num_queries(4):
        block = selectors.block_movement_summary(by, as_of=dt.date(2025, 6, 30))
    assert block.practices == 1 + size


# --- search and visibility -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        # the first practice's movement is "Chuyển đổi số trong cơ quan": it is searched too
        ("chuyen doi so", {"Số hóa hồ sơ lưu trữ", "Chuyển đổi số trong đào tạo"}),
        ("chuyen doi so dao tao", {"Chuyển đổi số trong đào tạo"}),
        ("CHUYỂN ĐỔI ĐÀO", {"Chuyển đổi số trong đào tạo"}),
        ("duc", {"Số hóa hồ sơ lưu trữ", "Chuyển đổi số trong đào tạo"}),  # contact "Đức", unit "Đức Thọ"
        ("so hoa luu tru", {"Số hóa hồ sơ lưu trữ"}),
        ("so hoa dao tao", set()),  # every word must match
        ("", {"Số hóa hồ sơ lưu trữ", "Chuyển đổi số trong đào tạo"}),
    ],
)
def test_library_search_ignores_tone_marks(
    year: dict[str, Any], users: dict[str, Any], query: str, titles: set
) -> None:
    Practice.objects.filter(pk=year["by_b"].pk).update(status="published", withdrawn_at=None)
    found = selectors.practice_library(user=users["viewer"], query=query)
    assert {p.title for p in found} == titles


def test_library_filters(year: dict[str, Any], users: dict[str, Any]) -> None:
    viewer = users["viewer"]
    assert [p.title for p in selectors.practice_library(user=viewer, unit=year["centre_a"])] == ["Số hóa hồ sơ lưu trữ"]
    assert [p.title for p in selectors.practice_library(user=viewer, theme="digital_transformation")] == [
        "Số hóa hồ sơ lưu trữ"
    ]
    assert list(selectors.practice_library(user=viewer, movement=year["late"])) == []
    row: Any = selectors.practice_library(user=viewer, block_year=year["block_year"]).get()
    assert row.adoption_count == 3


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [
        ("admin", True),
        ("provincial", True),
        ("department", True),
        ("block_head", True),
        ("block_deputy", True),
        ("unit_head", True),
        ("unit_clerk", True),
        ("clerk_c", False),
        ("delegate", False),
        ("viewer", False),
    ],
)
def test_visibility_matches_the_permission(
    year: dict[str, Any], users: dict[str, Any], role: str, sees_draft: bool
) -> None:
    user = users[role]
    draft = services.practice_create(
        actor=system_actor(), block_year=year["block_year"], unit=year["centre_a"], title="Nháp"
    )
    visible = set(selectors.practices_visible_to(user=user).values_list("pk", flat=True))
    assert (draft.pk in visible) is sees_draft
    for practice in Practice.objects.all():
        assert (practice.pk in visible) is user.has_perm("movements.view_practice", practice), (role, practice.title)


@pytest.mark.parametrize("role", ["admin", "provincial", "department", "unit_head", "clerk_c", "block_head", "viewer"])
def test_units_represented_match_the_permission(w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    user = users[role]
    represented = set(selectors.units_represented_by(user=user).values_list("pk", flat=True))
    for unit in Unit.objects.all():
        assert (unit.pk in represented) is user.has_perm("movements.represent_unit", unit), (role, unit.code)


def test_activities_by_month(year: dict[str, Any]) -> None:
    months = selectors.activities_by_month(selectors.activity_list(block_year=year["block_year"]))
    assert [(m.month, [a.title for a in m.activities]) for m in months] == [
        (dt.date(2025, 3, 1), ["Giải bóng chuyền hơi"]),
        (dt.date(2025, 10, 1), ["Hội diễn văn nghệ"]),
    ]
    assert [a.title for a in selectors.activity_list(block_year=year["block_year"], kind="cultural", month=10)] == [
        "Hội diễn văn nghệ"
    ]
