"""Playwright end-to-end set-up: Debian's Chromium (never `playwright install`) and demo data per test.

Run separately from the unit tests: `.venv/bin/pytest tests/e2e -q -p no:cacheprovider`.
pytest-django reads DJANGO_SETTINGS_MODULE=config.settings.test from pyproject.toml (rootdir).
"""

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop; the ORM must still be usable from test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

PASSWORD = "secret-pass-123"  # the factories' password


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Run the browser tests on a SQLite file, as `make run` does, not on the shared in-memory database.

    The live server answers each request on its own thread. With the in-memory database those threads
    share one cache with table-level locks that fail at once ("database table is locked") when an htmx
    preview and a form post overlap; a file in WAL mode with the busy timeout waits its turn instead.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e-db") / "thidua-e2e.sqlite3")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A Vietnamese civil servant's browser; Django picks the language from Accept-Language.
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def tree(transactional_db: Any) -> dict[str, Any]:
    from thidua.tests_support.factories import build_tree

    return build_tree()


@pytest.fixture
def block_head(tree: dict[str, Any]) -> Any:
    from thidua.accounts.roles import Role
    from thidua.tests_support.factories import UserFactory, grant

    user: Any = UserFactory(username="khoitruong", full_name="Khối trưởng")
    grant(user, Role.BLOCK_HEAD, block_year=tree["block_year"])
    return user
