"""Shared pytest fixtures: a small organisation tree, a block-year, and users holding each role."""

import datetime as dt
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.tests_support import factories as f


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    """province → department → two centres (+ one unit under another department), a block-year 2025."""
    return f.build_tree()


@pytest.fixture
def admin_user(db: Any) -> Any:
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def make_user(db: Any) -> Any:
    def _make(role: str | None = None, *, unit: Any = None, block_year: Any = None, **kwargs: Any) -> Any:
        user: Any = f.UserFactory(**kwargs)
        if role is not None:
            f.grant(user, role, unit=unit, block_year=block_year)
        return user

    return _make


__all__ = ["Role", "dt"]
