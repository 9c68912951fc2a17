"""Fixtures of the conferences tests: the `tree` block-year's year-end conference, in session, all checked in."""

from typing import Any

import pytest

from thidua.tests_support.conference import build_conference


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    return build_conference(tree)


@pytest.fixture
def planned(tree: dict[str, Any]) -> dict[str, Any]:
    """The same conference before the session opens (nobody checked in)."""
    return build_conference(tree, open_session=False)
