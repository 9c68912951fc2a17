"""Scoring settings services: settings, ranking tracks and point bands — good paths, refusals and bad input.

Each bad case asserts the stable code and that nothing was written (settings, tracks, bands, audit log).
"""

from decimal import Decimal
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.scoring import rules
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaSet,
    ScoreBand,
    ScoreSheet,
    ScoringConfig,
    ScoringTrack,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services import config as services
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db

D = Decimal


def state() -> list[Any]:
    configs = list(ScoringConfig.objects.order_by("pk").values())
    tracks = [
        (t.pk, t.name, t.position, sorted(u.pk for u in t.units.all())) for t in ScoringTrack.objects.order_by("pk")
    ]
    bands = list(ScoreBand.objects.order_by("pk").values_list("minimum", "maximum", "title", "source"))
    return [configs, tracks, bands]


class NothingWritten:
    def __enter__(self) -> "NothingWritten":
        self.events = AuditEvent.objects.count()
        self.state = state()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert AuditEvent.objects.count() == self.events
        assert state() == self.state


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


@pytest.fixture
def head(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])


@pytest.fixture
def groups(tree: dict[str, Any]) -> None:
    cs = CriteriaSet.objects.create(block_year=tree["block_year"], title="Bảng điểm")
    CriteriaGroup.objects.create(criteria_set=cs, code="I", title="Chuyên môn", position=1)
    CriteriaGroup.objects.create(criteria_set=cs, code="II", title="Cải cách", position=2)


# --- get or create -------------------------------------------------------------------------------------------------


def test_get_or_create_makes_the_defaults_once(tree: dict[str, Any]) -> None:
    events = AuditEvent.objects.count()
    first = services.scoring_config_get_or_create(tree["block_year"])
    second = services.scoring_config_get_or_create(tree["block_year"])
    assert first.pk == second.pk
    assert (first.review_mode, first.final_rule, first.tie_breaks) == ("head_and_deputies", "mean", [])
    assert AuditEvent.objects.count() == events


# --- settings ------------------------------------------------------------------------------------------------------


def test_update_writes_and_audits_the_changes(tree: dict[str, Any], head: Any, groups: None) -> None:
    config = services.scoring_config_update(
        actor=head,
        block_year=tree["block_year"],
        review_mode="cross",
        reviewers_per_unit=3,
        final_rule="median",
        normalisation="z_score",
        use_normalised=True,
        item_difference_threshold=D("1.5"),
        tie_breaks=[{"kind": "group", "group": "II"}, {"kind": "bonus", "group": "ignored"}],
        self_approval_required=False,
        assignment_seed=42,
    )
    config.refresh_from_db()
    assert config.review_mode == "cross"
    assert config.tie_breaks == [{"kind": "group", "group": "II"}, {"kind": "bonus"}]
    assert config.item_difference_threshold == D("1.5")
    event = last_event()
    assert event.action == "scoring_config.update"
    assert event.changes["review_mode"] == ["head_and_deputies", "cross"]
    events = AuditEvent.objects.count()
    services.scoring_config_update(actor=head, block_year=tree["block_year"], final_rule="median")
    assert AuditEvent.objects.count() == events  # unchanged: nothing recorded


def test_tie_break_steps_accept_rules_objects(tree: dict[str, Any], head: Any, groups: None) -> None:
    steps = [rules.TieBreakStep(rules.TieBreak.GROUP, "I"), rules.TieBreakStep(rules.TieBreak.FEWER_DEDUCTIONS)]
    config = services.scoring_config_update(actor=head, block_year=tree["block_year"], tie_breaks=steps)
    assert config.tie_breaks == [{"kind": "group", "group": "I"}, {"kind": "fewer_deductions"}]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"review_mode": "by_lot"}, "invalid_choice", "review_mode"),
        ({"final_rule": "max"}, "invalid_choice", "final_rule"),
        ({"normalisation": "rank"}, "invalid_choice", "normalisation"),
        ({"reviewers_per_unit": 0}, "invalid", "reviewers_per_unit"),
        ({"reviewers_per_unit": 21}, "invalid", "reviewers_per_unit"),
        ({"reviewers_per_unit": "2"}, "invalid", "reviewers_per_unit"),
        ({"use_normalised": "yes"}, "invalid", "use_normalised"),
        ({"assignment_seed": -1}, "invalid", "assignment_seed"),
        ({"item_difference_threshold": D(-1)}, "negative_threshold", "item_difference_threshold"),
        ({"total_difference_threshold": D("0.001")}, "too_many_decimals", "total_difference_threshold"),
        ({"total_difference_threshold": "abc"}, "invalid_number", "total_difference_threshold"),
        ({"tie_breaks": "group"}, "invalid_tie_break", "tie_breaks"),
        ({"tie_breaks": [{"kind": "coin_toss"}]}, "invalid_tie_break", "tie_breaks"),
        ({"tie_breaks": [{"kind": "group"}]}, "invalid_tie_break", "tie_breaks"),
        ({"tie_breaks": [{"kind": "group", "group": "IX"}]}, "unknown_group", "tie_breaks"),
        ({"tie_breaks": [{"kind": "bonus"}, {"kind": "bonus"}]}, "duplicate_tie_break", "tie_breaks"),
        ({"tie_breaks": [{"kind": "bonus"}] * 11}, "invalid_tie_break", "tie_breaks"),
        ({"review_mode": "cross", "reviewers_per_unit": 4}, "too_many_reviewers", "reviewers_per_unit"),
        ({"review_mode": "cross", "final_rule": "head"}, "head_rule_needs_head_mode", "final_rule"),
        ({"use_normalised": True}, "normalisation_off", "use_normalised"),
        ({"ranking_published_at": None}, "unknown_field", None),
    ],
)
def test_update_bad_input(
    tree: dict[str, Any], head: Any, groups: None, fields: dict[str, Any], code: str, field: str | None
) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.scoring_config_update(actor=head, block_year=tree["block_year"], **fields)
    assert (err.value.code, err.value.field) == (code, field)


def test_cross_mode_allows_every_other_member(tree: dict[str, Any], head: Any) -> None:
    config = services.scoring_config_update(
        actor=head, block_year=tree["block_year"], review_mode="cross", reviewers_per_unit=3
    )
    assert config.reviewers_per_unit == 3  # four members: each unit can have the three others


def test_tie_break_group_must_exist_even_without_a_set(tree: dict[str, Any], head: Any) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.scoring_config_update(
            actor=head, block_year=tree["block_year"], tie_breaks=[{"kind": "group", "group": "I"}]
        )
    assert err.value.code == "unknown_group"


def test_outcome_fields_freeze_once_a_review_is_finalised(tree: dict[str, Any], head: Any) -> None:
    services.scoring_config_update(actor=head, block_year=tree["block_year"], reviewers_per_unit=2)
    ScoreSheet.objects.create(
        block_year=tree["block_year"],
        unit=tree["centre_c"],
        kind=SheetKind.REVIEW,
        reviewer_unit=tree["centre_a"],
        status=SheetStatus.FINALISED,
    )
    for fields in ({"review_mode": "cross"}, {"reviewers_per_unit": 3}):
        with NothingWritten(), pytest.raises(ValidationFailed) as err:
            services.scoring_config_update(actor=head, block_year=tree["block_year"], **fields)
        assert err.value.code == "reviews_finalised"
    # the same values, or settings that only change how sheets are combined, are still accepted
    services.scoring_config_update(actor=head, block_year=tree["block_year"], reviewers_per_unit=2, final_rule="median")
    assert ScoringConfig.objects.get(block_year=tree["block_year"]).final_rule == "median"


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.BLOCK_DEPUTY, "block_year"),
        (Role.UNIT_HEAD, "centre_a"),
        (Role.UNIT_CLERK, "centre_b"),
        (Role.VIEWER, None),
    ],
)
def test_settings_refused_to_other_roles(tree: dict[str, Any], make_user: Any, role: str, scope: str | None) -> None:
    kwargs: dict[str, Any] = {}
    if scope == "block_year":
        kwargs["block_year"] = tree["block_year"]
    elif scope:
        kwargs["unit"] = tree[scope]
    user = make_user(role, **kwargs)
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.scoring_config_update(actor=user, block_year=tree["block_year"], final_rule="median")
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.scoring_tracks_set(actor=user, block_year=tree["block_year"], tracks=[])
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.score_bands_set(actor=user, block_year=tree["block_year"], bands=[])


def test_officer_over_the_block_may_change_settings(tree: dict[str, Any], make_user: Any) -> None:
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    services.scoring_config_update(actor=officer, block_year=tree["block_year"], final_rule="trimmed_mean")
    assert ScoringConfig.objects.get(block_year=tree["block_year"]).final_rule == "trimmed_mean"


# --- tracks --------------------------------------------------------------------------------------------------------


def test_tracks_replace_and_audit(tree: dict[str, Any], head: Any) -> None:
    by = tree["block_year"]
    created = services.scoring_tracks_set(
        actor=head,
        block_year=by,
        tracks=[("Trung tâm", [tree["centre_a"], tree["centre_b"]]), ("Ban quản lý", [tree["board"]])],
    )
    assert [(t.name, t.position) for t in created] == [("Trung tâm", 1), ("Ban quản lý", 2)]
    assert sorted(u.code for u in created[0].units.all()) == ["TTA", "TTB"]
    event = last_event()
    assert event.action == "scoring_tracks.set"
    assert event.changes["tracks"][0] == []
    events = AuditEvent.objects.count()
    services.scoring_tracks_set(
        actor=head,
        block_year=by,
        tracks=[("Trung tâm", [tree["centre_b"], tree["centre_a"]]), ("Ban quản lý", [tree["board"]])],
    )
    assert AuditEvent.objects.count() == events  # the same tracks: nothing recorded
    services.scoring_tracks_set(actor=head, block_year=by, tracks=[])
    assert not ScoringTrack.objects.filter(block_year=by).exists()


def test_tracks_bad_input(tree: dict[str, Any], head: Any) -> None:
    by = tree["block_year"]
    stranger = make_unit("NEW", "Trung tâm ngoài khối", parent=tree["dept"])
    cases = [
        ([("A", [tree["centre_a"]]), ("a", [tree["centre_b"]])], "duplicate_track"),
        ([("A", [tree["centre_a"]]), ("B", [tree["centre_a"]])], "unit_in_two_tracks"),
        ([("A", [stranger])], "not_a_member"),
        ([("A", [])], "empty_track"),
        ([("  ", [tree["centre_a"]])], "required"),
    ]
    for tracks, code in cases:
        with NothingWritten(), pytest.raises(ValidationFailed) as err:
            services.scoring_tracks_set(actor=head, block_year=by, tracks=tracks)
        assert (err.value.code, err.value.field) == (code, "tracks")


# --- bands ---------------------------------------------------------------------------------------------------------


def test_bands_replace_and_audit(tree: dict[str, Any], head: Any) -> None:
    by = tree["block_year"]
    created = services.score_bands_set(
        actor=head,
        block_year=by,
        bands=[
            (D(91), None, "Tập thể lao động xuất sắc", ""),
            (D(70), D("90.99"), "Tập thể lao động tiên tiến", "TT 08"),
        ],
    )
    assert [(b.minimum, b.maximum) for b in created] == [(D(70), D("90.99")), (D(91), None)]
    assert last_event().action == "score_bands.set"
    events = AuditEvent.objects.count()
    services.score_bands_set(
        actor=head,
        block_year=by,
        bands=[
            (D(70), D("90.99"), "Tập thể lao động tiên tiến", "TT 08"),
            (D(91), None, "Tập thể lao động xuất sắc", ""),
        ],
    )
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("bands", "code"),
    [
        ([(D(70), D(90), "A", ""), (D(90), None, "B", "")], "bands_overlap"),
        ([(D(70), None, "A", ""), (D(91), None, "B", "")], "bands_overlap"),
        ([(D(90), D(70), "A", "")], "band_inverted"),
        ([(D(-1), D(70), "A", "")], "negative_number"),
        ([(None, D(70), "A", "")], "invalid_number"),
        ([(D("70.001"), None, "A", "")], "too_many_decimals"),
        ([(D(70), None, " ", "")], "required"),
        ([(D(n), D(n), "A", "") for n in range(21)], "too_many_bands"),
    ],
)
def test_bands_bad_input(tree: dict[str, Any], head: Any, bands: list[Any], code: str) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_bands_set(actor=head, block_year=tree["block_year"], bands=bands)
    assert (err.value.code, err.value.field) == (code, "bands")


def test_system_actor_can_do_everything(tree: dict[str, Any]) -> None:
    services.score_bands_set(actor=system_actor(), block_year=tree["block_year"], bands=[(D(0), None, "Tất cả", "")])
    assert ScoreBand.objects.filter(block_year=tree["block_year"]).count() == 1
