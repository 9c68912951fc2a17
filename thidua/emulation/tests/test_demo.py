"""build_emulation_demo fills the demo's 2025 block-year through the services, once.

The organisation demo is loaded once per module inside an outer transaction that is rolled back at
the end (as in thidua/demo/tests); each test runs in its own savepoint on top of it.
"""

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from thidua.accounts.models import User
from thidua.audit.models import AuditEvent
from thidua.demo.builder import MAIN_BLOCK_CODE
from thidua.emulation import selectors
from thidua.emulation.demo import build_emulation_demo
from thidua.emulation.models import (
    Covenant,
    CovenantStatus,
    KeyTask,
    KeyTaskUpdate,
    MidyearReview,
    Plan,
    Registration,
    RegistrationStatus,
    ReviewStatus,
)
from thidua.organizations.models import BlockYear

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 20)


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", "--foundation-only", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def block_year() -> BlockYear:
    return BlockYear.objects.select_related("block__owner").get(block__code=MAIN_BLOCK_CODE, year=2025)


@pytest.fixture
def actor() -> User:
    return User.objects.get(username="admin")


def test_demo_fills_the_year(block_year: BlockYear, actor: User) -> None:
    build_emulation_demo(block_year=block_year, actor=actor, today=TODAY)
    members = block_year.memberships.count()
    assert members == 11
    plan = Plan.objects.get(block_year=block_year)
    assert plan.milestones.count() >= 5
    covenant = Covenant.objects.get(block_year=block_year)
    assert covenant.status == CovenantStatus.OPEN
    assert 5 <= covenant.commitments.count() <= 8
    assert selectors.covenant_progress(block_year) == (10, 11)
    assert selectors.registration_progress(block_year) == (11, 11)
    statuses = set(Registration.objects.filter(block_year=block_year).values_list("status", flat=True))
    assert statuses == {RegistrationStatus.SUBMITTED, RegistrationStatus.ACKNOWLEDGED}
    progress = selectors.task_progress_by_unit(block_year, as_of=TODAY)
    assert len(progress) == 11
    assert all(3 <= p.total <= 5 for p in progress.values())
    assert sum(p.overdue for p in progress.values()) > 0
    assert sum(p.completed for p in progress.values()) > 0
    assert KeyTaskUpdate.objects.filter(task__registration__block_year=block_year).count() > 50
    assert not KeyTaskUpdate.objects.filter(date__gt=TODAY).exists()
    review = MidyearReview.objects.get(block_year=block_year)
    assert review.status == ReviewStatus.PUBLISHED
    assert review.cutoff_date == dt.date(2025, 6, 30)
    assert review.remarks.count() == 11
    assert len(review.figures["units"]) == 11
    assert "Quảng Trị" in review.summary


def test_demo_is_idempotent(block_year: BlockYear, actor: User) -> None:
    build_emulation_demo(block_year=block_year, actor=actor, today=TODAY)
    counts = (AuditEvent.objects.count(), KeyTask.objects.count(), KeyTaskUpdate.objects.count())
    build_emulation_demo(block_year=block_year, actor=actor, today=TODAY)
    assert (AuditEvent.objects.count(), KeyTask.objects.count(), KeyTaskUpdate.objects.count()) == counts


def test_demo_audit_chain_verifies(block_year: BlockYear, actor: User) -> None:
    build_emulation_demo(block_year=block_year, actor=actor, today=TODAY)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()
