"""Dashboard pages: who may open them, what they show, the htmx profile card and a bounded number of queries."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.emulation.models import Covenant, CovenantSignature, KeyTask, KeyTaskUpdate, Registration
from thidua.organizations import services as org_services
from thidua.organizations.models import BlockYear
from thidua.scoring.models import ScoringConfig
from thidua.scoring.tests.test_dashboards_selectors import build_world, final, make_sheet
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """Pages in English: the assertions read the source strings, whatever the Vietnamese catalogue says."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def dash(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """The hand-computed block of the selector tests, emulation progress of centre C, and a user per role."""
    world = build_world(tree)
    by, c = world["block_year"], world["centre_c"]
    covenant = Covenant.objects.create(
        block_year=by, title="Giao ước thi đua 2025", status="open", opened_at=timezone.now()
    )
    CovenantSignature.objects.create(covenant=covenant, unit=c, signer_name="Trần Văn B", signed_at=timezone.now())
    registration = Registration.objects.create(block_year=by, unit=c, status="submitted")
    done = KeyTask.objects.create(registration=registration, title="Số hóa hồ sơ", due_date=dt.date(2025, 6, 30))
    late = KeyTask.objects.create(registration=registration, title="Chỉnh lý tài liệu", due_date=dt.date(2025, 3, 31))
    KeyTaskUpdate.objects.create(task=done, date=dt.date(2025, 6, 1), progress=100)
    KeyTaskUpdate.objects.create(task=late, date=dt.date(2025, 3, 1), progress=40)
    return {
        **world,
        "block_head": make_user(Role.BLOCK_HEAD, block_year=by),
        "officer": make_user(Role.PROVINCIAL_OFFICER, unit=world["province"]),
        "clerk": make_user(Role.UNIT_CLERK, unit=c),
        "other_clerk": make_user(Role.UNIT_CLERK, unit=world["board"]),
        "viewer": make_user(Role.VIEWER),
    }


def url(name: str, *args: Any) -> str:
    return reverse(f"scoring:{name}", args=args)


def chart(response: Any, chart_id: str) -> dict[str, Any]:
    html = response.content.decode()
    marker = f'<script id="{chart_id}" type="application/json">'
    start = html.index(marker) + len(marker)
    return dict(json.loads(html[start : html.index("</script>", start)]))


@pytest.mark.parametrize(("who", "status"), [("block_head", 200), ("officer", 200), ("clerk", 403), ("viewer", 403)])
def test_dashboard_access_before_publication(client: Client, dash: dict[str, Any], who: str, status: int) -> None:
    client.force_login(dash[who])
    assert client.get(url("dashboard", dash["block_year"].pk)).status_code == status


def test_dashboard_404_for_an_unknown_block_year(client: Client, dash: dict[str, Any]) -> None:
    client.force_login(dash["officer"])
    assert client.get(url("dashboard", 999999)).status_code == 404


def test_dashboard_shows_progress_ranking_profile_spread_and_rank_change(client: Client, dash: dict[str, Any]) -> None:
    client.force_login(dash["block_head"])
    response = client.get(url("dashboard", dash["block_year"].pk))
    assert response.status_code == 200
    ctx = response.context
    assert (ctx["emulation"].covenant.done, ctx["emulation"].covenant.total) == (1, 4)
    assert (ctx["emulation"].registration.done, ctx["emulation"].registration.total) == (1, 4)
    tasks = {row.unit.pk: row for row in ctx["emulation"].tasks}
    c_tasks = tasks[dash["centre_c"].pk]
    assert (c_tasks.total, c_tasks.completed, c_tasks.overdue, c_tasks.mean_progress) == (2, 1, 1, Decimal(70))
    assert ctx["scoring"].self_done == 1
    html = response.content.decode()
    for chart_id in ("chart-tasks", "chart-scoring", "chart-ranking", "chart-spread"):
        assert f'data-chart="{chart_id}"' in html, chart_id
    assert 'data-testid="profile-chart"' in html  # its config rides in data-chart-config (htmx swaps this card)
    # The ranking chart lists units by rank with their ranking total.
    ranking = chart(response, "chart-ranking")
    assert ranking["data"]["datasets"][0]["data"] == [55.0, 34.0, 20.0]
    # The profile defaults to the best ranked unit (the board) against the block mean.
    assert ctx["chosen_unit"] == dash["board"]
    assert json.loads(ctx["profile_chart_json"])["data"]["datasets"][1]["data"] == [80.0, 86.7]
    # Spread per reviewer, with the bias.
    assert [str(row.bias) for row in ctx["spread"]] == ["4.50", "-9.00"]
    # Rank change against 2024: the board up two places, C down one, A new.
    assert ctx["changes"].previous == dash["previous"]
    assert [row.direction for row in ctx["changes"].rows] == ["up", "down", "new"]
    assert 'data-direction="up"' in html
    assert chart(response, "chart-rank-change")["data"]["datasets"][0]["data"] == [2, -1]


def test_profile_card_for_another_unit_over_htmx(client: Client, dash: dict[str, Any]) -> None:
    client.force_login(dash["block_head"])
    response = client.get(
        url("dashboard", dash["block_year"].pk),
        {"unit": dash["centre_c"].pk},
        headers={"HX-Request": "true", "HX-Target": "profile-card"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="profile-table"' in html
    assert response.context["chosen_unit"] == dash["centre_c"]
    assert [str(v) for _, v, _ in response.context["profile_rows"]] == ["60.0", "73.3"]
    assert "HX-Request" in response["Vary"]


def test_published_ranking_opens_the_dashboard_to_member_staff_without_the_spread(
    client: Client, dash: dict[str, Any]
) -> None:
    ScoringConfig.objects.create(block_year=dash["block_year"], ranking_published_at=timezone.now())
    client.force_login(dash["clerk"])
    response = client.get(url("dashboard", dash["block_year"].pk))
    assert response.status_code == 200
    assert not response.context["can_view_reviews"]
    assert 'data-chart="chart-spread"' not in response.content.decode()


def test_unpublished_previous_year_is_not_compared(client: Client, dash: dict[str, Any]) -> None:
    ScoringConfig.objects.filter(block_year=dash["previous"]).update(ranking_published_at=None)
    client.force_login(dash["block_head"])
    response = client.get(url("dashboard", dash["block_year"].pk))
    assert response.context["changes"].previous is None
    assert 'data-testid="no-rank-change"' in response.content.decode()
    client.force_login(dash["officer"])  # an officer sees every year of the block
    assert client.get(url("dashboard", dash["block_year"].pk)).context["changes"].previous == dash["previous"]


def test_dashboard_query_count_does_not_grow_with_the_block(
    client: Client, dash: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(dash["block_head"])
    page = url("dashboard", dash["block_year"].pk)
    client.get(page)  # warm the content-type and session caches
    with django_assert_max_num_queries(30) as small:
        client.get(page)
    limit = len(small.captured_queries)  # read now: the next request resets the connection's query log
    by = dash["block_year"]
    for index in range(8):
        unit = make_unit(f"Y{index}", f"Trung tâm {index}", parent=dash["dept"])
        org_services.block_member_add(actor=system_actor(), block_year=by, unit=unit)
        make_sheet(by, unit, dash["items"], {"I.1": Decimal(index)})
        make_sheet(by, unit, dash["items"], {"I.1": Decimal(index)}, reviewer=dash["centre_a"])
        final(BlockYear.objects.get(pk=by.pk), unit, 4 + index, str(index))
    with django_assert_max_num_queries(limit):
        response = client.get(page)
    assert len(response.context["units"]) == 12


# --- the unit dashboard ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("clerk", 200), ("block_head", 200), ("officer", 200), ("other_clerk", 403), ("viewer", 403)]
)
def test_unit_dashboard_access(client: Client, dash: dict[str, Any], who: str, status: int) -> None:
    client.force_login(dash[who])
    assert client.get(url("unit_dashboard", dash["block_year"].pk, dash["centre_c"].pk)).status_code == status


def test_unit_dashboard_404_outside_the_block_year(client: Client, dash: dict[str, Any]) -> None:
    client.force_login(dash["officer"])
    assert client.get(url("unit_dashboard", dash["block_year"].pk, dash["dept"].pk)).status_code == 404
    assert client.get(url("unit_dashboard", dash["block_year"].pk, 999999)).status_code == 404


def test_unit_dashboard_for_the_block_head(client: Client, dash: dict[str, Any]) -> None:
    client.force_login(dash["block_head"])
    response = client.get(url("unit_dashboard", dash["block_year"].pk, dash["centre_c"].pk))
    ctx = response.context
    assert (ctx["tasks"].total, ctx["tasks"].overdue) == (2, 1)
    assert [t.title for t in ctx["key_tasks"]] == ["Số hóa hồ sơ", "Chỉnh lý tài liệu"]
    assert [(r.group.code, str(r.self_points), str(r.review_points)) for r in ctx["comparison"]][:2] == [
        ("I", "18.00", "12.00"),
        ("II", "25.00", "22.00"),
    ]
    assert ctx["current"].rank == 2
    assert [(s.block_year.year, s.rank) for s in ctx["history"]] == [(2024, 1), (2025, 2)]
    html = response.content.decode()
    assert 'data-chart="chart-groups"' in html
    assert 'data-chart="chart-history"' in html


def test_unit_dashboard_for_the_units_own_staff(client: Client, dash: dict[str, Any]) -> None:
    """Staff see finalised reviews only, and this year's rank only once published."""
    client.force_login(dash["clerk"])
    response = client.get(url("unit_dashboard", dash["block_year"].pk, dash["centre_c"].pk))
    ctx = response.context
    assert ctx["finalised_reviews_only"]
    assert [str(r.review_points) for r in ctx["comparison"]][:2] == ["8.00", "24.00"]
    assert ctx["current"] is None
    assert [(s.block_year.year, s.rank) for s in ctx["history"]] == [(2024, 1)]  # 2024 was published
    ScoringConfig.objects.create(block_year=dash["block_year"], ranking_published_at=timezone.now())
    response = client.get(url("unit_dashboard", dash["block_year"].pk, dash["centre_c"].pk))
    assert response.context["current"].rank == 2
    assert 'data-testid="unit-rank">2' in response.content.decode()
