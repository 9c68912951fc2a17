"""Organisers' scoring pages: ranking (recompute, publish, finalise all), differences, reviewers and conflicts."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.audit.models import AuditEvent
from thidua.scoring.models import (
    ConflictOfInterest,
    FinalScore,
    Reconciliation,
    ReconciliationStatus,
    ReviewAssignment,
    ReviewMode,
    ScoreSheet,
    ScoringConfig,
    SheetStatus,
)
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.conftest import english_client
from thidua.scoring.tests.test_dashboards_selectors import make_criteria
from thidua.scoring.tests.test_views_sheets_pages import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """Pages in English: the assertions read the source strings, whatever the Vietnamese catalogue says."""
    return english_client()


@pytest.fixture
def setup(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    return {**tree, **make_people(tree, make_user), "items": make_criteria(tree["block_year"])}


def url(name: str, *args: Any) -> str:
    return reverse(f"scoring:{name}", args=args)


def events() -> int:
    return AuditEvent.objects.count()


def scored(s: dict[str, Any], unit: str, self_points: str, review_points: str) -> tuple[ScoreSheet, ScoreSheet]:
    """The unit's submitted self-score and the block head's submitted review (II.1 carries the points)."""
    by, items = s["block_year"], s["items"]
    staff = s["clerk"] if unit == "centre_c" else s["other_clerk"]
    own = services.self_sheet_open(actor=staff, block_year=by, unit=s[unit])
    lines = [
        services.LineInput(item_id=items["I.1"].pk, value=Decimal(10)),
        services.LineInput(item_id=items["I.2"].pk, value=Decimal(10)),
        services.LineInput(item_id=items["II.1"].pk, value=Decimal(self_points)),
    ]
    own = services.score_sheet_save(actor=staff, sheet=own, version=own.version, lines=lines)
    own = services.score_sheet_submit(actor=staff, sheet=own, version=own.version)
    review = services.review_sheet_open(actor=s["block_head"], block_year=by, unit=s[unit], reviewer_unit=s["centre_a"])
    lines[2] = services.LineInput(item_id=items["II.1"].pk, value=Decimal(review_points))
    review = services.score_sheet_save(actor=s["block_head"], sheet=review, version=review.version, lines=lines)
    review = services.score_sheet_submit(actor=s["block_head"], sheet=review, version=review.version)
    return own, review


@pytest.fixture
def ranked(setup: dict[str, Any]) -> dict[str, Any]:
    """C and the board scored and finalised; C is first (20 + 28), the board second (20 + 21)."""
    ScoringConfig.objects.create(block_year=setup["block_year"], self_approval_required=False)
    scored(setup, "centre_c", "29", "28")
    scored(setup, "board", "30", "21")
    services.block_year_finalise_scoring(actor=setup["block_head"], block_year=setup["block_year"])
    return setup


# --- ranking ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("block_head", 200), ("deputy", 200), ("officer", 200), ("clerk", 403), ("viewer", 403), ("outsider", 403)],
)
def test_ranking_access_before_publication(client: Client, ranked: dict[str, Any], who: str, status: int) -> None:
    client.force_login(ranked[who])
    assert client.get(url("ranking", ranked["block_year"].pk)).status_code == status


def test_ranking_table_shows_places_and_the_chart(client: Client, ranked: dict[str, Any]) -> None:
    client.force_login(ranked["block_head"])
    response = client.get(url("ranking", ranked["block_year"].pk))
    html = response.content.decode()
    assert f'data-testid="rank-{ranked["centre_c"].pk}">1' in html
    assert f'data-testid="rank-{ranked["board"].pk}">2' in html
    assert 'data-chart="chart-ranking"' in html
    assert 'data-testid="recompute"' in html
    [(track, rows)] = response.context["tracks"]
    assert track == ""
    assert [r.unit_id for r in rows][:2] == [ranked["centre_c"].pk, ranked["board"].pk]
    client.force_login(ranked["deputy"])
    assert 'data-testid="recompute"' not in client.get(url("ranking", ranked["block_year"].pk)).content.decode()


def test_ranking_404_for_an_unknown_block_year(client: Client, ranked: dict[str, Any]) -> None:
    client.force_login(ranked["block_head"])
    assert client.get(url("ranking", 999999)).status_code == 404


def test_recompute_and_publish(client: Client, ranked: dict[str, Any]) -> None:
    by = ranked["block_year"]
    FinalScore.objects.all().delete()
    client.force_login(ranked["clerk"])
    assert client.post(url("ranking_recompute", by.pk)).status_code == 403
    assert client.post(url("ranking_publish", by.pk)).status_code == 403
    client.force_login(ranked["block_head"])
    before = events()
    assert client.post(url("ranking_recompute", by.pk)).status_code == 302
    assert FinalScore.objects.get(unit=ranked["centre_c"]).rank == 1
    assert events() == before + 1
    assert client.post(url("ranking_publish", by.pk)).status_code == 302
    assert ScoringConfig.objects.get(block_year=by).ranking_published_at is not None
    # Once published, member units' staff see it.
    client.force_login(ranked["clerk"])
    assert client.get(url("ranking", by.pk)).status_code == 200


def test_publishing_without_a_ranking_is_refused(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    before = events()
    response = client.post(url("ranking_publish", setup["block_year"].pk), follow=True)
    assert "There is no ranking to publish yet" in response.content.decode()
    assert not ScoringConfig.objects.filter(ranking_published_at__isnull=False).exists()
    assert events() == before


def test_finalise_all_refused_while_a_sheet_is_a_draft(client: Client, setup: dict[str, Any]) -> None:
    services.self_sheet_open(actor=setup["clerk"], block_year=setup["block_year"], unit=setup["centre_c"])
    client.force_login(setup["block_head"])
    before = events()
    response = client.post(url("scoring_finalise_all", setup["block_year"].pk), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some sheets are not ready to be finalised" in html
    assert setup["centre_c"].name in html
    assert not ScoreSheet.objects.filter(status=SheetStatus.FINALISED).exists()
    assert events() == before
    client.force_login(setup["clerk"])
    assert client.post(url("scoring_finalise_all", setup["block_year"].pk)).status_code == 403


# --- differences -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("block_head", 200), ("officer", 200), ("clerk", 403), ("viewer", 403)])
def test_reconciliations_access(client: Client, ranked: dict[str, Any], who: str, status: int) -> None:
    client.force_login(ranked[who])
    assert client.get(url("reconciliations", ranked["block_year"].pk)).status_code == status


def test_reconciliations_list_and_resolve(client: Client, ranked: dict[str, Any]) -> None:
    by = ranked["block_year"]
    client.force_login(ranked["block_head"])
    response = client.get(url("reconciliations", by.pk))
    open_rows = response.context["open_rows"]
    assert {r.unit_id for r in open_rows} == {ranked["board"].pk}  # 30 vs 21 on II.1 and on the total
    row = open_rows[0]
    before = events()
    response = client.post(url("reconciliation_resolve", row.pk), {"reason": ""}, follow=True)
    assert "Give the reason." in response.content.decode()
    assert events() == before
    row.refresh_from_db()
    assert row.status == ReconciliationStatus.OPEN
    client.force_login(ranked["deputy"])
    assert client.post(url("reconciliation_resolve", row.pk), {"reason": "x"}).status_code == 403
    client.force_login(ranked["block_head"])
    client.post(url("reconciliation_resolve", row.pk), {"reason": "Đã thống nhất theo biên bản"})
    row.refresh_from_db()
    assert (row.status, row.reason) == (ReconciliationStatus.RESOLVED, "Đã thống nhất theo biên bản")
    response = client.get(url("reconciliations", by.pk))
    assert row in response.context["resolved_rows"]
    assert client.post(url("reconciliation_resolve", 999999), {"reason": "x"}).status_code == 404


# --- reviewers and conflicts -----------------------------------------------------------------------------------------


def test_assignments_page_in_head_mode_has_no_generate_button(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    response = client.get(url("assignments", setup["block_year"].pk))
    assert response.status_code == 200
    assert not response.context["can_generate"]
    client.force_login(setup["viewer"])
    assert client.get(url("assignments", setup["block_year"].pk)).status_code == 403


def test_generate_assignments_in_cross_mode(client: Client, setup: dict[str, Any]) -> None:
    by = setup["block_year"]
    ScoringConfig.objects.create(block_year=by, review_mode=ReviewMode.CROSS, reviewers_per_unit=2)
    client.force_login(setup["clerk"])
    assert client.post(url("assignments_generate", by.pk)).status_code == 403
    client.force_login(setup["block_head"])
    response = client.post(url("assignments_generate", by.pk), follow=True)
    assert "8 review assignments were generated." in response.content.decode()
    assert ReviewAssignment.objects.filter(block_year=by).count() == 8
    by_unit = response.context["by_unit"]
    assert len(by_unit) == 4
    assert all(len(rows) == 2 for _, rows in by_unit)
    # A clerk sees only what their unit reviews, and reviews only the units assigned to it.
    client.force_login(setup["clerk"])
    page = client.get(url("assignments", by.pk))
    assert all(r.reviewer_unit_id == setup["centre_c"].pk for _, rows in page.context["by_unit"] for r in rows)
    rows = {row.unit.pk: row for row in client.get(url("sheet_list", by.pk)).context["rows"]}
    assigned = set(ReviewAssignment.objects.filter(reviewer_unit=setup["centre_c"]).values_list("unit_id", flat=True))
    linked = {unit_id for unit_id, row in rows.items() if row.review_links}
    assert linked == assigned


def test_generate_in_head_mode_is_a_message(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    response = client.post(url("assignments_generate", setup["block_year"].pk), follow=True)
    assert "only when the block-year uses cross-scoring" in response.content.decode()
    assert not ReviewAssignment.objects.exists()


def test_declare_and_withdraw_a_conflict(client: Client, setup: dict[str, Any]) -> None:
    by = setup["block_year"]
    client.force_login(setup["clerk"])
    page = url("assignments", by.pk)
    before = events()
    response = client.post(page, {"reviewer_unit": setup["centre_c"].pk, "unit": setup["centre_c"].pk, "reason": "x"})
    assert response.status_code == 400
    assert "A unit never reviews itself" in response.content.decode()
    assert events() == before
    response = client.post(page, {"reviewer_unit": setup["centre_c"].pk, "unit": setup["board"].pk, "reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    data = {"reviewer_unit": setup["centre_c"].pk, "unit": setup["board"].pk, "reason": "Vợ giám đốc làm ở đó"}
    assert client.post(page, data).status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert conflict.declared_by == setup["clerk"]
    # Another unit's clerk cannot withdraw it; the declarer can.
    client.force_login(setup["other_clerk"])
    assert client.post(url("conflict_withdraw", conflict.pk)).status_code == 403
    client.force_login(setup["clerk"])
    assert client.post(url("conflict_withdraw", conflict.pk)).status_code == 302
    assert not ConflictOfInterest.objects.exists()


def test_a_clerk_cannot_declare_a_conflict_between_other_units(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["clerk"])
    data = {"reviewer_unit": setup["centre_a"].pk, "unit": setup["board"].pk, "reason": "x"}
    assert client.post(url("assignments", setup["block_year"].pk), data).status_code == 403
    assert not ConflictOfInterest.objects.exists()
    client.force_login(setup["viewer"])
    assert client.post(url("assignments", setup["block_year"].pk), data).status_code == 403


def test_open_reconciliation_counts_on_the_sheet_list(client: Client, ranked: dict[str, Any]) -> None:
    client.force_login(ranked["block_head"])
    rows = {r.unit.pk: r for r in client.get(url("sheet_list", ranked["block_year"].pk)).context["rows"]}
    expected = Reconciliation.objects.filter(unit=ranked["board"], status=ReconciliationStatus.OPEN).count()
    assert rows[ranked["board"].pk].differences == expected > 0
    assert rows[ranked["centre_c"].pk].differences == 0


def test_tie_breaks_are_named_in_words(client: Client, ranked: dict[str, Any]) -> None:
    FinalScore.objects.filter(unit=ranked["centre_c"]).update(decided_by="group:II")
    FinalScore.objects.filter(unit=ranked["board"]).update(decided_by="fewer_deductions", tied=True)
    client.force_login(ranked["block_head"])
    html = client.get(url("ranking", ranked["block_year"].pk)).content.decode()
    assert "higher score in criteria group II" in html
    assert "fewer deductions" in html
    assert "group:II" not in html
