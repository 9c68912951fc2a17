"""Fixtures of the emulation tests: users holding each role around the test block-year, and a covenant."""

import datetime as dt
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.emulation import services
from thidua.emulation.models import Covenant, KeyTask, Registration
from thidua.tests_support.factories import system_actor


@pytest.fixture
def users(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """One user per role: scoped on the test block-year, its head unit centre_a, or outside it."""
    block_year = tree["block_year"]
    return {
        "admin": make_user(Role.ADMIN),
        "officer": make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"]),
        "other_officer": make_user(Role.DEPARTMENT_OFFICER, unit=tree["other_dept"]),
        "head": make_user(Role.BLOCK_HEAD, block_year=block_year),
        "deputy": make_user(Role.BLOCK_DEPUTY, block_year=block_year),
        "delegate": make_user(Role.DELEGATE, block_year=block_year),
        "unit_head": make_user(Role.UNIT_HEAD, unit=tree["centre_a"]),
        "clerk": make_user(Role.UNIT_CLERK, unit=tree["centre_a"]),
        "unit_head_b": make_user(Role.UNIT_HEAD, unit=tree["centre_b"]),
        "outsider_head": make_user(Role.UNIT_HEAD, unit=tree["dept"]),
        "viewer": make_user(Role.VIEWER),
    }


@pytest.fixture
def covenant(tree: dict[str, Any]) -> Covenant:
    return services.covenant_save(
        actor=system_actor(),
        block_year=tree["block_year"],
        title="Giao ước thi đua năm 2025",
        preamble="Các đơn vị thành viên thống nhất ký kết.",
        commitments=["Hoàn thành 100% nhiệm vụ được giao", "Không có cán bộ vi phạm kỷ luật"],
    )


@pytest.fixture
def open_covenant(covenant: Covenant) -> Covenant:
    return services.covenant_open_for_signing(actor=system_actor(), covenant=covenant)


@pytest.fixture
def registration(tree: dict[str, Any]) -> Registration:
    return services.registration_save(
        actor=system_actor(),
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        collective_titles=["excellent_collective"],
        individual_targets={"advanced_labourer": 12},
    )


@pytest.fixture
def task(tree: dict[str, Any], registration: Registration) -> KeyTask:
    return services.key_task_create(
        actor=system_actor(),
        block_year=tree["block_year"],
        unit=tree["centre_a"],
        title="Số hóa 5.000 hồ sơ lưu trữ",
        due_date=dt.date(2025, 10, 31),
        target_value=5000,
        target_unit="hồ sơ",
        weight=2,
    )


@pytest.fixture
def api_for(db: Any) -> Any:
    """api_for(user) → a session-authenticated JSON client (api_for(None) → anonymous)."""
    from thidua.api.tests.helpers import JsonClient

    def _make(user: Any = None) -> JsonClient:
        client = JsonClient()
        if user is not None:
            client.force_login(user)
        return client

    return _make
