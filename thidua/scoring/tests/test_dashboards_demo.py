"""The scoring demo that feeds the dashboards: sheets in every state, differences, ranks of two years, idempotent."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.organizations import services as org_services
from thidua.organizations.models import BlockYear
from thidua.scoring.demo_sheets import build_scoring_demo
from thidua.scoring.models import (
    CriteriaSet,
    FinalScore,
    Reconciliation,
    ReconciliationStatus,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """Pages in English: the assertions read the source strings, whatever the Vietnamese catalogue says."""
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def years(tree: dict[str, Any]) -> dict[str, Any]:
    """A block of 11 members in 2025 (head A, deputies B and C) and the same block closed in 2024."""
    actor = system_actor()
    current = tree["block_year"]
    for index in range(7):
        unit = make_unit(f"D{index}", f"Trung tâm dịch vụ số {index + 1}", parent=tree["dept"])
        org_services.block_member_add(actor=actor, block_year=current, unit=unit)
    org_services.block_year_set_leadership(
        actor=actor, block_year=current, head=tree["centre_a"], deputies=[tree["centre_b"], tree["centre_c"]]
    )
    previous = org_services.block_year_create(actor=actor, block=tree["block"], year=2024, copy_members=False)
    members = [m.unit for m in current.memberships.select_related("unit").order_by("rotation_position", "unit__name")]
    for unit in members:
        org_services.block_member_add(actor=actor, block_year=previous, unit=unit)
    org_services.block_year_set_leadership(
        actor=actor, block_year=previous, head=tree["board"], deputies=[tree["centre_a"]]
    )
    return {**tree, "current": BlockYear.objects.get(pk=current.pk), "previous": previous, "members": members}


def test_demo_builds_both_years_and_a_second_run_changes_nothing(years: dict[str, Any]) -> None:
    actor = system_actor()
    current, previous = years["current"], years["previous"]
    report = build_scoring_demo(block_year=current, actor=actor, previous_block_year=previous)
    assert report.changed
    assert CriteriaSet.objects.get(block_year=current).is_locked
    assert CriteriaSet.objects.get(block_year=previous).is_locked

    # The closed year: every sheet finalised, differences reconciled, a published ranking of all 11.
    old = ScoreSheet.objects.filter(block_year=previous, is_current=True)
    assert set(old.values_list("status", flat=True)) == {SheetStatus.FINALISED}
    assert old.filter(kind=SheetKind.SELF).count() == 11
    assert not Reconciliation.objects.filter(block_year=previous, status=ReconciliationStatus.OPEN).exists()
    assert FinalScore.objects.filter(block_year=previous, rank__isnull=False).count() == 11
    assert ScoringConfig.objects.get(block_year=previous).ranking_published_at is not None

    # The current year: every unit self-scored, most approved, one awaiting approval, one draft.
    own = {s.unit_id: s.status for s in ScoreSheet.objects.filter(block_year=current, kind=SheetKind.SELF)}
    statuses = [own[u.pk] for u in years["members"]]
    assert statuses == [SheetStatus.FINALISED] * 6 + [SheetStatus.APPROVED] * 3 + [
        SheetStatus.SUBMITTED,
        SheetStatus.DRAFT,
    ]
    reviews = ScoreSheet.objects.filter(block_year=current, kind=SheetKind.REVIEW)
    assert reviews.filter(status=SheetStatus.FINALISED).exists()
    assert reviews.filter(status=SheetStatus.SUBMITTED).exists()
    assert reviews.filter(status=SheetStatus.DRAFT).count() == 1
    open_rows = Reconciliation.objects.filter(block_year=current, status=ReconciliationStatus.OPEN)
    assert open_rows.values("unit").distinct().count() == 2
    ranked = FinalScore.objects.filter(block_year=current, rank__isnull=False)
    assert ranked.count() == 6
    assert ScoringConfig.objects.get(block_year=current).ranking_published_at is None

    before = AuditEvent.objects.count()
    again = build_scoring_demo(block_year=current, actor=actor, previous_block_year=previous)
    assert not again.changed, again.counts
    assert AuditEvent.objects.count() == before


def test_demo_data_fills_the_dashboards(client: Client, years: dict[str, Any], make_user: Any) -> None:
    build_scoring_demo(block_year=years["current"], actor=system_actor(), previous_block_year=years["previous"])
    client.force_login(make_user(Role.PROVINCIAL_OFFICER, unit=years["province"]))
    response = client.get(reverse("scoring:dashboard", args=[years["current"].pk]))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["changes"].previous == years["previous"]
    assert {row.direction for row in ctx["changes"].rows} <= {"up", "down", "same", "new", "unranked"}
    assert any(row.previous_rank for row in ctx["changes"].rows)
    assert len(ctx["spread"]) == 3
    assert ctx["profile_chart"] is not None
    for name in ("ranking", "sheet_list", "reconciliations"):
        assert client.get(reverse(f"scoring:{name}", args=[years["current"].pk])).status_code == 200
