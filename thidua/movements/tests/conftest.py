"""Fixtures for the movements tests: the shared tree plus a movement, an activity and practices.

Everything is built through the services as the system actor, so tests see the same rows, search
keys and audit events as the application makes. `w` (for "world") is the tree dict with the extra
objects; users for each role come from `make_user` in thidua/conftest.py.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.movements import services
from thidua.movements.models import Activity, Movement, MovementParticipant, Practice, PracticeAdoption
from thidua.tests_support.factories import system_actor


class NothingWritten:
    """Context manager asserting that no audit event and no movements row was written."""

    def __enter__(self) -> "NothingWritten":
        self.counts = self._counts()
        return self

    @staticmethod
    def _counts() -> tuple[int, ...]:
        return (
            AuditEvent.objects.count(),
            Movement.objects.count(),
            MovementParticipant.objects.count(),
            Activity.objects.count(),
            Practice.objects.count(),
            PracticeAdoption.objects.count(),
        )

    def __exit__(self, *exc: Any) -> None:
        assert self._counts() == self.counts


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    """An aware datetime in the project's time zone."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def upload(name: str = "bien-ban.pdf", content: bytes = b"%PDF-1.4 minutes") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_criteria(block_year: Any, *, code: str = "1.1") -> Any:
    """A criteria set with one group and one item for the block-year (rows written directly: the scoring
    app's services are not ours to depend on in these tests)."""
    from thidua.scoring.models import CriteriaGroup, CriteriaItem, CriteriaSet

    criteria_set, _ = CriteriaSet.objects.get_or_create(
        block_year=block_year, defaults={"title": f"Bảng điểm {block_year.year}"}
    )
    group, _ = CriteriaGroup.objects.get_or_create(
        criteria_set=criteria_set, code="I", defaults={"title": "Phong trào"}
    )
    return CriteriaItem.objects.create(
        criteria_set=criteria_set, group=group, code=code, title="Tổ chức phong trào thi đua", max_points=Decimal(10)
    )


@pytest.fixture
def w(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree plus a running movement (centre A and B take part), an activity and a published practice."""
    actor = system_actor()
    by = tree["block_year"]
    movement = services.movement_create(
        actor=actor,
        block_year=by,
        title="Chuyển đổi số trong cơ quan",
        theme="digital_transformation",
        goals="Số hóa hồ sơ, dùng chữ ký số.",
        start_date=dt.date(2025, 2, 1),
        end_date=dt.date(2025, 11, 30),
        participants=[tree["centre_a"], tree["centre_b"]],
        joined_on=dt.date(2025, 2, 1),
    )
    activity = services.activity_create(
        actor=actor,
        block_year=by,
        organiser=tree["centre_a"],
        kind="sports",
        title="Giải bóng chuyền hơi",
        date=dt.date(2025, 3, 26),
        place="Nhà thi đấu Đông Hà",
        movement=movement,
        participants=[tree["centre_a"], tree["centre_b"], tree["centre_c"]],
        attendee_count=120,
    )
    practice = services.practice_create(
        actor=actor,
        block_year=by,
        unit=tree["centre_a"],
        title="Số hóa hồ sơ lưu trữ",
        movement=movement,
        problem="Hồ sơ giấy khó tra cứu.",
        approach="Quét và gắn siêu dữ liệu.",
        results="Tra cứu trong 5 phút.",
        contact="Nguyễn Văn Đức, 0233 3856 210",
    )
    practice = services.practice_publish(actor=actor, practice=practice, published_at=at(2025, 4, 1))
    return {**tree, "movement": movement, "activity": activity, "practice": practice}


@pytest.fixture
def users(w: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """One user per role, scoped to the world: officers over the province or SNV, leaders and staff of centre A."""
    by = w["block_year"]
    return {
        "admin": make_user(Role.ADMIN),
        "provincial": make_user(Role.PROVINCIAL_OFFICER, unit=w["province"]),
        "department": make_user(Role.DEPARTMENT_OFFICER, unit=w["dept"]),
        "block_head": make_user(Role.BLOCK_HEAD, block_year=by),
        "block_deputy": make_user(Role.BLOCK_DEPUTY, block_year=by),
        "unit_head": make_user(Role.UNIT_HEAD, unit=w["centre_a"]),
        "unit_clerk": make_user(Role.UNIT_CLERK, unit=w["centre_a"]),
        "clerk_c": make_user(Role.UNIT_CLERK, unit=w["centre_c"]),
        "delegate": make_user(Role.DELEGATE, block_year=by),
        "viewer": make_user(Role.VIEWER),
    }


@pytest.fixture
def client_for(db: Any) -> Callable[..., JsonClient]:
    """client_for(user) → a session-authenticated JSON client; client_for(None) → anonymous."""

    def _make(user: Any = None) -> JsonClient:
        client = JsonClient()
        if user is not None:
            client.force_login(user)
        return client

    return _make
