"""The admin shows the year's work read-only: lists open, adding is refused."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

MODELS = [
    "emulation/covenant",
    "emulation/registration",
    "emulation/keytask",
    "movements/movement",
    "movements/activity",
    "movements/practice",
    "scoring/criteriaset",
    "scoring/scoresheet",
    "scoring/finalscore",
]


@pytest.mark.parametrize("model", MODELS)
def test_year_work_is_read_only_in_the_admin(client: Client, admin_user: Any, model: str) -> None:
    client.force_login(admin_user)
    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/add/").status_code == 403
