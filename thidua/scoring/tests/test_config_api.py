"""Scoring settings API: the settings, ranking tracks and point bands, with JSON error codes."""

from collections.abc import Callable
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient, audit_count, last_event
from thidua.scoring.demo_criteria import build_criteria_demo
from thidua.scoring.models import ScoringConfig
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(db: Any) -> Callable[..., JsonClient]:
    def _make(user: Any = None) -> JsonClient:
        client = JsonClient()
        if user is not None:
            client.force_login(user)
        return client

    return _make


@pytest.fixture
def head(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])


def url(tree: dict[str, Any], what: str) -> str:
    return f"/api/block-years/{tree['block_year'].pk}/{what}"


def test_config_defaults_then_update(tree: dict[str, Any], head: Any, client_for: Any) -> None:
    build_criteria_demo(block_year=tree["block_year"], actor=system_actor())
    ScoringConfig.objects.filter(block_year=tree["block_year"]).delete()
    client = client_for(head)
    body = client.get(url(tree, "scoring-config")).json()
    assert (body["review_mode"], body["final_rule"], body["tie_breaks"], body["ranking_published_at"]) == (
        "head_and_deputies",
        "mean",
        [],
        None,
    )
    before = audit_count()
    updated = client.send(
        "put",
        url(tree, "scoring-config"),
        {"final_rule": "median", "tie_breaks": [{"kind": "group", "group": "II"}, {"kind": "fewer_deductions"}]},
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["tie_breaks"] == [
        {"kind": "group", "group": "II"},
        {"kind": "fewer_deductions", "group": None},
    ]
    assert updated.json()["review_mode"] == "head_and_deputies"  # not sent: unchanged
    assert audit_count() == before + 1
    assert last_event().action == "scoring_config.update"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"review_mode": "cross", "reviewers_per_unit": 5}, 400, "too_many_reviewers"),
        ({"tie_breaks": [{"kind": "group", "group": "IX"}]}, 400, "unknown_group"),
        ({"item_difference_threshold": "-1"}, 400, "negative_threshold"),
        ({"final_rule": "max"}, 422, "invalid"),
    ],
)
def test_config_errors(
    tree: dict[str, Any], head: Any, client_for: Any, payload: dict[str, Any], status: int, code: str
) -> None:
    before = audit_count()
    response = client_for(head).send("put", url(tree, "scoring-config"), payload)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert audit_count() == before


def test_settings_writes_refused_to_a_deputy(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.BLOCK_DEPUTY, block_year=tree["block_year"]))
    assert client.get(url(tree, "scoring-config")).status_code == 200
    responses = [
        client.send("put", url(tree, "scoring-config"), {"final_rule": "median"}),
        client.send("put", url(tree, "scoring-tracks"), {"tracks": []}),
        client.send("put", url(tree, "score-bands"), {"bands": []}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]


def test_tracks(tree: dict[str, Any], head: Any, client_for: Any) -> None:
    client = client_for(head)
    payload = {
        "tracks": [
            {"name": "Trung tâm", "unit_ids": [tree["centre_a"].pk, tree["centre_b"].pk]},
            {"name": "Ban quản lý", "unit_ids": [tree["board"].pk]},
        ]
    }
    saved = client.send("put", url(tree, "scoring-tracks"), payload)
    assert saved.status_code == 200, saved.content
    assert [(t["name"], sorted(u["code"] for u in t["units"])) for t in saved.json()] == [
        ("Trung tâm", ["TTA", "TTB"]),
        ("Ban quản lý", ["BQL"]),
    ]
    assert client.get(url(tree, "scoring-tracks")).json() == saved.json()
    unknown = client.send("put", url(tree, "scoring-tracks"), {"tracks": [{"name": "A", "unit_ids": [999999]}]})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "invalid_reference")
    stranger = make_unit("NEW", "Trung tâm ngoài khối", parent=tree["dept"])
    outside = client.send("put", url(tree, "scoring-tracks"), {"tracks": [{"name": "A", "unit_ids": [stranger.pk]}]})
    assert (outside.status_code, outside.json()["code"]) == (400, "not_a_member")


def test_bands(tree: dict[str, Any], head: Any, client_for: Any) -> None:
    client = client_for(head)
    payload = {
        "bands": [
            {"minimum": "70", "maximum": "90.99", "title": "Tập thể lao động tiên tiến", "source": "TT 08/2019"},
            {"minimum": "91", "title": "Tập thể lao động xuất sắc"},
        ]
    }
    saved = client.send("put", url(tree, "score-bands"), payload)
    assert saved.status_code == 200, saved.content
    assert [(b["minimum"], b["maximum"]) for b in saved.json()] == [("70.00", "90.99"), ("91.00", None)]
    assert client.get(url(tree, "score-bands")).json() == saved.json()
    before = audit_count()
    overlap = client.send(
        "put", url(tree, "score-bands"), {"bands": [{"minimum": 70, "title": "A"}, {"minimum": 80, "title": "B"}]}
    )
    assert (overlap.status_code, overlap.json()["code"], overlap.json()["field"]) == (400, "bands_overlap", "bands")
    assert audit_count() == before
