"""Selectors: progress as of a date, overdue computed in SQL, the contract counts, and no N+1."""

import datetime as dt
from typing import Any

import pytest

from thidua.emulation import selectors, services
from thidua.emulation.models import KeyTask
from thidua.emulation.selectors import NO_TASKS, TaskProgress
from thidua.organizations import services as org_services
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)


def _task(tree: dict[str, Any], unit_key: str, title: str, due: dt.date, weight: int = 1) -> KeyTask:
    return services.key_task_create(
        actor=system_actor(),
        block_year=tree["block_year"],
        unit=tree[unit_key],
        title=title,
        due_date=due,
        weight=weight,
    )


def _progress(task: KeyTask, date: dt.date, percent: int) -> None:
    services.key_task_record_progress(actor=system_actor(), task=task, date=date, progress=percent, today=TODAY)


@pytest.fixture
def tasks(tree: dict[str, Any]) -> dict[str, KeyTask]:
    a1 = _task(tree, "centre_a", "A1", dt.date(2025, 6, 30), weight=3)
    a2 = _task(tree, "centre_a", "A2", dt.date(2025, 12, 31), weight=1)
    a3 = _task(tree, "centre_a", "A3", dt.date(2025, 3, 31), weight=1)
    b1 = _task(tree, "centre_b", "B1", dt.date(2025, 5, 31))
    _progress(a1, dt.date(2025, 3, 1), 40)
    _progress(a1, dt.date(2025, 7, 10), 100)  # done, but after the mid-year cut-off
    _progress(a2, dt.date(2025, 6, 1), 50)
    _progress(a3, dt.date(2025, 3, 20), 100)
    _progress(b1, dt.date(2025, 4, 1), 70)
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1}


def test_task_progress_by_unit_now(tree: dict[str, Any], tasks: dict[str, KeyTask]) -> None:
    result = selectors.task_progress_by_unit(tree["block_year"], as_of=TODAY)
    # a1 100 (w3), a2 50 (w1), a3 100 (w1): mean (300 + 50 + 100) / 5 = 90; a2 is overdue on 15/01/2026.
    assert result[tree["centre_a"].pk] == TaskProgress(total=3, completed=2, overdue=1, mean_progress=90)
    assert result[tree["centre_b"].pk] == TaskProgress(total=1, completed=0, overdue=1, mean_progress=70)
    assert tree["centre_c"].pk not in result
    assert result.get(tree["centre_c"].pk, NO_TASKS).total == 0


def test_task_progress_as_of_mid_year(tree: dict[str, Any], tasks: dict[str, KeyTask]) -> None:
    result = selectors.task_progress_by_unit(tree["block_year"], as_of=dt.date(2025, 6, 30))
    # On 30/06: a1 40 % due that day (not yet overdue), a2 50 %, a3 done. Mean (120 + 50 + 100) / 5 = 54.
    assert result[tree["centre_a"].pk] == TaskProgress(total=3, completed=1, overdue=0, mean_progress=54)
    assert result[tree["centre_b"].pk] == TaskProgress(total=1, completed=0, overdue=1, mean_progress=70)
    early = selectors.task_progress_by_unit(tree["block_year"], as_of=dt.date(2025, 2, 1))
    assert early[tree["centre_a"].pk] == TaskProgress(total=3, completed=0, overdue=0, mean_progress=0)


def test_overdue_flag_in_task_list(tree: dict[str, Any], tasks: dict[str, KeyTask]) -> None:
    registration = tasks["a1"].registration
    rows: dict[str, Any] = {
        t.title: t for t in selectors.task_list(registration=registration, as_of=dt.date(2025, 7, 1))
    }
    assert rows["A1"].overdue is True
    assert rows["A1"].progress == 40
    assert rows["A2"].overdue is False
    assert rows["A3"].overdue is False
    assert rows["A3"].progress == 100
    assert rows["A1"].last_update == dt.date(2025, 3, 1)


def test_block_task_progress(tree: dict[str, Any], tasks: dict[str, KeyTask]) -> None:
    totals = selectors.block_task_progress(tree["block_year"], as_of=TODAY)
    assert totals == TaskProgress(total=4, completed=2, overdue=2, mean_progress=87)  # (450 + 70) / 6 = 86.67


def test_task_progress_is_one_query(
    tree: dict[str, Any], tasks: dict[str, KeyTask], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        selectors.task_progress_by_unit(tree["block_year"])


# --- contract counts -----------------------------------------------------------------------------------------------


def test_covenant_progress_counts_member_signatures(
    tree: dict[str, Any], users: dict[str, Any], make_user: Any
) -> None:
    block_year = tree["block_year"]
    assert selectors.covenant_progress(block_year) == (0, 4)
    covenant = services.covenant_save(actor=system_actor(), block_year=block_year, title="G", commitments=["C"])
    services.covenant_open_for_signing(actor=system_actor(), covenant=covenant)
    services.covenant_sign(actor=users["unit_head"], covenant=covenant, unit=tree["centre_a"])
    head_c = make_user("unit_head", unit=tree["centre_c"])
    services.covenant_sign(actor=head_c, covenant=covenant, unit=tree["centre_c"])
    assert selectors.covenant_progress(block_year) == (2, 4)
    org_services.block_member_remove(actor=system_actor(), block_year=block_year, unit=tree["centre_c"])
    assert selectors.covenant_progress(block_year) == (1, 3)


def test_registration_progress_counts_submitted_and_acknowledged(tree: dict[str, Any]) -> None:
    block_year, actor = tree["block_year"], system_actor()
    regs = [
        services.registration_save(
            actor=actor, block_year=block_year, unit=tree[key], collective_titles=["advanced_collective"]
        )
        for key in ("centre_a", "centre_b", "centre_c")
    ]
    assert selectors.registration_progress(block_year) == (0, 4)
    services.registration_submit(actor=actor, registration=regs[0])
    services.registration_submit(actor=actor, registration=regs[1])
    services.registration_acknowledge(actor=actor, registration=regs[1])
    assert selectors.registration_progress(block_year) == (2, 4)
    services.registration_return(actor=actor, registration=regs[1], reason="Sửa")
    assert selectors.registration_progress(block_year) == (1, 4)


# --- pages' reads: a fixed number of queries -----------------------------------------------------------------------


@pytest.fixture
def filled(tree: dict[str, Any]) -> Any:
    from thidua.emulation.demo import build_emulation_demo

    build_emulation_demo(block_year=tree["block_year"], actor=system_actor(), today=TODAY)
    return tree["block_year"]


def test_registration_overview_queries(filled: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(3):
        rows = selectors.registration_overview(block_year=filled)
        labels = [selectors.individual_target_rows(row.registration) for row in rows]
    assert len(rows) == 4
    assert all(row.task_count >= 3 for row in rows)
    assert all(len(row) == 3 for row in labels)


def test_covenant_board_queries(filled: Any, django_assert_max_num_queries: Any) -> None:
    covenant = selectors.covenant_of(block_year=filled)
    with django_assert_max_num_queries(3):
        board = selectors.covenant_board(block_year=filled, covenant=covenant)
        names = [(row.unit.name, row.signature.signer_name if row.signature else None) for row in board]
    assert len(names) == 4
    assert names[-1][1] is None  # the last unit has not signed


def test_progress_overview_queries(filled: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(4):
        rows = selectors.progress_overview(block_year=filled, as_of=TODAY)
        names = [row.unit.name for row in rows]
    assert len(names) == 4
    assert sum(row.progress.total for row in rows) == selectors.block_task_progress(filled, as_of=TODAY).total


def test_task_list_and_updates_queries(filled: Any, django_assert_max_num_queries: Any) -> None:
    registration = filled.registrations.order_by("id").first()
    with django_assert_max_num_queries(1):
        tasks = list(selectors.task_list(registration=registration, as_of=TODAY))
        owners = [task.owner.full_name if task.owner else "" for task in tasks]
    assert len(owners) >= 3
    with django_assert_max_num_queries(3):
        updates = selectors.task_updates(task=tasks[0])
        _ = [(u.recorded_by, u.evidence) for u in updates]  # type: ignore[attr-defined]


def test_midyear_figures(filled: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(20):
        figures = selectors.midyear_figures(filled, as_of=dt.date(2025, 6, 30))
    assert figures["as_of"] == "2025-06-30"
    assert len(figures["units"]) == 4
    unit = figures["units"][0]
    assert set(unit["tasks"]) == {"total", "completed", "overdue", "mean_progress", "in_progress"}
    assert set(unit["movements"]) == {
        "movements_joined",
        "activities_organised",
        "activities_attended",
        "practices_published",
        "practices_adopted",
    }
    assert set(figures["block_movements"]) == {
        "movements",
        "activities",
        "activities_by_kind",
        "practices",
        "adoptions",
    }
    assert figures["totals"]["total"] == sum(u["tasks"]["total"] for u in figures["units"])


def test_default_cutoff(tree: dict[str, Any]) -> None:
    block_year = tree["block_year"]
    assert selectors.default_cutoff(block_year, today=dt.date(2025, 11, 1)) == dt.date(2025, 6, 30)
    assert selectors.default_cutoff(block_year, today=dt.date(2025, 4, 2)) == dt.date(2025, 4, 2)
    assert selectors.default_cutoff(block_year, today=dt.date(2024, 12, 1)) == dt.date(2025, 1, 1)
