"""The movements demo on top of the Quảng Trị demo: what it builds, idempotence, dates never after `today`.

The organisation demo is loaded once per module inside an outer transaction that is rolled back at
the end (as in thidua/demo/tests); each test builds the movements demo in its own savepoint.
"""

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from thidua.accounts.models import User
from thidua.audit.models import AuditEvent
from thidua.demo.builder import MAIN_BLOCK_CODE
from thidua.movements import selectors
from thidua.movements.demo import build_movements_demo
from thidua.movements.models import (
    Activity,
    Movement,
    Practice,
    PracticeAdoption,
    PracticeComment,
    PracticeStatus,
)
from thidua.organizations.models import BlockYear

pytestmark = pytest.mark.django_db


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
def main_2025() -> BlockYear:
    return BlockYear.objects.select_related("block__owner").get(block__code=MAIN_BLOCK_CODE, year=2025)


@pytest.fixture
def admin() -> User:
    return User.objects.get(username="admin")


def test_builds_movements_activities_and_practices(main_2025: BlockYear, admin: User) -> None:
    build_movements_demo(block_year=main_2025, actor=admin, today=timezone.localdate())
    movements = Movement.objects.filter(block_year=main_2025)
    assert sorted(movements.values_list("theme", flat=True)) == [
        "administrative_reform",
        "civilised_urban",
        "digital_transformation",
        "social_welfare",
    ]
    assert set(movements.values_list("title", flat=True)) == {
        "Cải cách hành chính",
        "Chuyển đổi số",
        "Vì người nghèo – an sinh xã hội",
        "Xây dựng đô thị văn minh",
    }
    assert all(m.participations.exists() for m in movements)
    activities = Activity.objects.filter(block_year=main_2025)
    assert activities.count() == 8
    assert {"sports", "artistic", "gratitude", "experience_exchange", "cultural"} <= set(
        activities.values_list("kind", flat=True)
    )
    practices = Practice.objects.filter(block_year=main_2025)
    assert practices.count() == 6
    assert practices.filter(status=PracticeStatus.PUBLISHED).count() == 5
    assert PracticeComment.objects.filter(practice__block_year=main_2025).count() >= 5
    assert PracticeAdoption.objects.filter(practice__block_year=main_2025).count() >= 6
    assert AuditEvent.objects.filter(action="practice.adopt").exists()
    # comments are written by the demo users of each role where they exist
    assert PracticeComment.objects.filter(author__username="khoitruong").exists()


def test_is_idempotent(main_2025: BlockYear, admin: User) -> None:
    build_movements_demo(block_year=main_2025, actor=admin, today=timezone.localdate())
    events = AuditEvent.objects.count()
    counts = (Movement.objects.count(), Activity.objects.count(), Practice.objects.count())
    build_movements_demo(block_year=main_2025, actor=admin, today=timezone.localdate())
    assert AuditEvent.objects.count() == events
    assert (Movement.objects.count(), Activity.objects.count(), Practice.objects.count()) == counts


def test_dates_never_after_today(main_2025: BlockYear, admin: User) -> None:
    today = dt.date(2025, 6, 1)
    build_movements_demo(block_year=main_2025, actor=admin, today=today)
    published = Practice.objects.filter(block_year=main_2025, published_at__isnull=False)
    assert all(timezone.localdate(p.published_at) <= today for p in published)
    assert not PracticeAdoption.objects.filter(adopted_on__gt=today).exists()


def test_summaries_and_search_on_the_demo(main_2025: BlockYear, admin: User) -> None:
    build_movements_demo(block_year=main_2025, actor=admin, today=timezone.localdate())
    block = selectors.block_movement_summary(main_2025, as_of=dt.date(2025, 6, 30))
    assert (block.movements, block.activities) == (3, 4)
    units = selectors.unit_movement_summary(main_2025, as_of=dt.date(2025, 6, 30))
    assert len(units) == main_2025.memberships.count()
    assert sum(row.practices_published for row in units.values()) == block.practices
    viewer = User.objects.get(username="xem")
    found = {p.title for p in selectors.practice_library(user=viewer, query="so hoa ho so")}
    assert found == {"Số hóa hồ sơ lưu trữ"}
    assert "Một cửa liên thông điện tử" in {p.title for p in selectors.practice_library(user=viewer, query="MOT CUA")}
