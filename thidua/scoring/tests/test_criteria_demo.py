"""The demo scoring table: its shape (groups, lines, base maximum 100), its settings and bands, and idempotence."""

from decimal import Decimal
from typing import Any

import pytest

from thidua.audit.models import AuditEvent
from thidua.scoring import rules
from thidua.scoring.demo_criteria import build_criteria_demo, build_locked_criteria_demo
from thidua.scoring.models import CriteriaSetStatus, ItemType, ScoreBand, ScoringConfig
from thidua.scoring.selectors import criteria as selectors
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


def test_demo_table_has_the_expected_shape(tree: dict[str, Any]) -> None:
    criteria_set = build_criteria_demo(block_year=tree["block_year"], actor=system_actor())
    view = selectors.criteria_tree(criteria_set=criteria_set)
    assert [g.group.code for g in view.groups] == ["I", "II", "III", "IV", "V", "VI"]
    assert [g.base_maximum for g in view.groups] == [Decimal(n) for n in (40, 20, 15, 15, 10, 0)]
    assert view.base_maximum == Decimal(100)
    assert 20 <= view.item_count <= 25
    assert view.bonus_items == 2
    assert view.deduction_items == 2
    flags = {item.code: item for item in view.items}
    assert flags["6.1"].item_type == ItemType.BONUS
    assert flags["6.1"].per_occurrence == 10
    assert flags["6.2"].per_occurrence == 15
    assert (flags["6.3"].per_occurrence, flags["6.3"].cap) == (Decimal(1), Decimal(5))
    assert (flags["6.4"].per_occurrence, flags["6.4"].cap) == (Decimal(5), None)
    assert criteria_set.status == CriteriaSetStatus.DRAFT
    assert "2025" in criteria_set.title


def test_demo_settings_and_bands(tree: dict[str, Any]) -> None:
    build_criteria_demo(block_year=tree["block_year"], actor=system_actor())
    config = ScoringConfig.objects.get(block_year=tree["block_year"])
    assert config.review_mode == "head_and_deputies"
    assert config.final_rule == "mean"
    assert config.tie_breaks == [{"kind": "group", "group": "I"}, {"kind": "fewer_deductions"}]
    bands = list(ScoreBand.objects.filter(block_year=tree["block_year"]).order_by("minimum"))
    assert [(b.minimum, b.maximum) for b in bands] == [(Decimal(70), Decimal("90.99")), (Decimal(91), None)]
    assert rules.suggest_title(Decimal("90.5"), [rules.Band(b.minimum, b.maximum, b.title) for b in bands]) == (
        "Tập thể lao động tiên tiến"
    )
    assert bands[0].source


def test_demo_is_idempotent_and_can_lock(tree: dict[str, Any]) -> None:
    actor = system_actor()
    first = build_criteria_demo(block_year=tree["block_year"], actor=actor)
    events = AuditEvent.objects.count()
    again = build_criteria_demo(block_year=tree["block_year"], actor=actor)
    assert again.pk == first.pk
    assert AuditEvent.objects.count() == events
    locked = build_locked_criteria_demo(block_year=tree["block_year"], actor=actor)
    assert locked.is_locked
    assert AuditEvent.objects.count() == events + 1
    build_locked_criteria_demo(block_year=tree["block_year"], actor=actor)
    assert AuditEvent.objects.count() == events + 1
