"""The awards demo: history for the block's members and staff through the services; a second run writes nothing."""

from typing import Any

import pytest

from thidua.audit.models import AuditEvent
from thidua.awards.demo import build_awards_demo
from thidua.awards.eligibility import Candidate, RecipientKind, evaluate
from thidua.awards.models import Award
from thidua.awards.selectors_registry import history_for
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


def test_demo_history_is_idempotent_and_readable_by_the_engine(tree: dict[str, Any]) -> None:
    actor = system_actor()
    report = build_awards_demo(block_year=tree["block_year"], actor=actor)
    assert report.counts["awards"] == Award.objects.count() > 0
    assert report.counts["revoked"] == 1
    assert Award.objects.filter(is_demo=True, counts_as_history=False).count() == 1
    # The first member (by code) is BQL: excellent collective in 2023–2024 and the provincial flag in 2024.
    assert set(
        Award.objects.filter(unit=tree["board"], recipient_kind="collective").values_list("award_type__code", "year")
    ) == {
        ("ttldtt", 2021),
        ("ttldtt", 2022),
        ("ttldxs", 2023),
        ("ttldxs", 2024),
        ("co_tinh", 2024),
    }
    # Nguyễn Văn Đức, first of his centre's staff: three Grassroots emulation fighter years in a row.
    person = tree["person_a"]
    report_2025 = evaluate(Candidate(person.pk, RecipientKind.INDIVIDUAL, 2025), "cstd_tinh", history_for(person))
    run = next(check for check in report_2025.checks if check.rule_id == "cstd_tinh.cstd_co_so_run")
    assert run.status.value == "pass"
    awards, events = Award.objects.count(), AuditEvent.objects.count()
    assert build_awards_demo(block_year=tree["block_year"], actor=actor).counts == {}
    assert (Award.objects.count(), AuditEvent.objects.count()) == (awards, events)
