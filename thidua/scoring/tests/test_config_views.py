"""The scoring settings page: settings, tie-breaks, tracks and bands forms; permission; errors write nothing."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.scoring.demo_criteria import build_criteria_demo
from thidua.scoring.models import ScoreBand, ScoringConfig, ScoringTrack
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_client(client: Client, tree: dict[str, Any], make_user: Any) -> Client:
    build_criteria_demo(block_year=tree["block_year"], actor=system_actor())
    client.force_login(make_user(Role.BLOCK_HEAD, block_year=tree["block_year"]))
    return client


def page(tree: dict[str, Any], name: str = "config_edit") -> str:
    return reverse(f"scoring:{name}", args=[tree["block_year"].pk])


SETTINGS = {
    "review_mode": "head_and_deputies",
    "reviewers_per_unit": "2",
    "final_rule": "mean",
    "normalisation": "none",
    "item_difference_threshold": "2",
    "total_difference_threshold": "5",
    "self_approval_required": "on",
    "assignment_seed": "0",
    "tie_break_1": "group:I",
    "tie_break_2": "fewer_deductions",
    "tie_break_3": "",
    "tie_break_4": "",
}


def test_page_shows_the_current_settings(head_client: Client, tree: dict[str, Any]) -> None:
    response = head_client.get(page(tree))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="group:I" selected>' in html
    assert '<option value="fewer_deductions" selected>' in html
    assert "Tập thể lao động tiên tiến" in html
    assert 'name="tracks-TOTAL_FORMS"' in html
    assert 'name="bands-TOTAL_FORMS"' in html


@pytest.mark.parametrize(
    ("role", "scope"), [(Role.BLOCK_DEPUTY, "block_year"), (Role.UNIT_HEAD, "centre_a"), (Role.VIEWER, None)]
)
def test_page_is_for_organisers(
    client: Client, tree: dict[str, Any], make_user: Any, role: str, scope: str | None
) -> None:
    kwargs: dict[str, Any] = {}
    if scope == "block_year":
        kwargs["block_year"] = tree["block_year"]
    elif scope:
        kwargs["unit"] = tree[scope]
    client.force_login(make_user(role, **kwargs))
    before = AuditEvent.objects.count()
    assert client.get(page(tree)).status_code == 403
    assert client.post(page(tree), SETTINGS).status_code == 403
    assert client.post(page(tree, "config_tracks"), {}).status_code == 403
    assert client.post(page(tree, "config_bands"), {}).status_code == 403
    assert AuditEvent.objects.count() == before


def test_save_settings_and_tie_breaks(head_client: Client, tree: dict[str, Any]) -> None:
    data = {
        **SETTINGS,
        "final_rule": "median",
        "tie_break_1": "bonus",
        "tie_break_2": "group:II",
        "tie_break_3": "self_score",
    }
    response = head_client.post(page(tree), data)
    assert response.status_code == 302
    config = ScoringConfig.objects.get(block_year=tree["block_year"])
    assert config.final_rule == "median"
    assert config.tie_breaks == [{"kind": "bonus"}, {"kind": "group", "group": "II"}, {"kind": "self_score"}]


def test_settings_errors_are_shown_and_nothing_is_written(head_client: Client, tree: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    response = head_client.post(page(tree), {**SETTINGS, "review_mode": "cross", "reviewers_per_unit": "4"})
    assert response.status_code == 400
    assert "at most 3 reviewers" in response.content.decode()
    response = head_client.post(page(tree), {**SETTINGS, "tie_break_2": "bonus", "tie_break_3": "bonus"})
    assert response.status_code == 400
    assert "Each tie-break step can be used once" in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert ScoringConfig.objects.get(block_year=tree["block_year"]).review_mode == "head_and_deputies"


def _tracks(rows: list[tuple[str, list[int]]]) -> dict[str, Any]:
    data: dict[str, Any] = {"tracks-TOTAL_FORMS": str(len(rows)), "tracks-INITIAL_FORMS": "0"}
    for index, (name, units) in enumerate(rows):
        data[f"tracks-{index}-name"] = name
        data[f"tracks-{index}-units"] = [str(pk) for pk in units]
    return data


def test_save_tracks(head_client: Client, tree: dict[str, Any]) -> None:
    data = _tracks([("Trung tâm", [tree["centre_a"].pk, tree["centre_b"].pk]), ("Ban", [tree["board"].pk]), ("", [])])
    response = head_client.post(page(tree, "config_tracks"), data)
    assert response.status_code == 302
    assert list(ScoringTrack.objects.filter(block_year=tree["block_year"]).values_list("name", flat=True)) == [
        "Trung tâm",
        "Ban",
    ]
    before = AuditEvent.objects.count()
    bad = _tracks([("A", [tree["centre_a"].pk]), ("B", [tree["centre_a"].pk])])
    response = head_client.post(page(tree, "config_tracks"), bad)
    assert response.status_code == 400
    assert "is in two tracks" in response.content.decode()
    response = head_client.post(page(tree, "config_tracks"), _tracks([("", [tree["centre_a"].pk])]))
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before


def _bands(rows: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {"bands-TOTAL_FORMS": str(len(rows)), "bands-INITIAL_FORMS": "0"}
    for index, (minimum, maximum, title, source) in enumerate(rows):
        data.update(
            {
                f"bands-{index}-minimum": minimum,
                f"bands-{index}-maximum": maximum,
                f"bands-{index}-title": title,
                f"bands-{index}-source": source,
            }
        )
    return data


def test_save_bands(head_client: Client, tree: dict[str, Any]) -> None:
    data = _bands([("80", "", "Xuất sắc", ""), ("60", "79.99", "Tiên tiến", "Quy chế khối"), ("", "", "", "")])
    response = head_client.post(page(tree, "config_bands"), data)
    assert response.status_code == 302
    bands = list(ScoreBand.objects.filter(block_year=tree["block_year"]).order_by("minimum"))
    assert [(b.minimum, b.maximum, b.title) for b in bands] == [
        (Decimal(60), Decimal("79.99"), "Tiên tiến"),
        (Decimal(80), None, "Xuất sắc"),
    ]
    before = AuditEvent.objects.count()
    response = head_client.post(page(tree, "config_bands"), _bands([("70", "", "A", ""), ("80", "", "B", "")]))
    assert response.status_code == 400
    assert "overlap" in response.content.decode()
    response = head_client.post(page(tree, "config_bands"), _bands([("abc", "", "A", "")]))
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before
