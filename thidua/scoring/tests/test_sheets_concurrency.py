"""Two people saving one sheet at the same moment: exactly one wins, the other gets "stale_sheet".

The sequential case (same version twice) is in test_sheets_services.py and runs everywhere; this
one needs real concurrent transactions, so it runs on PostgreSQL only (SQLite serialises writers
for the whole database and would only show the sequential case again).
"""

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import Conflict
from thidua.scoring.models import ScoreLine, ScoreSheet
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.helpers_sheets import entries, make_criteria, staff

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"),
]


def race(sheet_pk: int, version: int, attempts: dict[Any, list[services.LineInput]]) -> dict[int, str]:
    """Each user saves their lines at the same moment, from their own copy read at `version`."""
    copies = {user.pk: ScoreSheet.objects.get(pk=sheet_pk) for user in attempts}
    barrier = threading.Barrier(len(attempts))
    results: dict[int, str] = {}

    def save(user: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.score_sheet_save(actor=user, sheet=copies[user.pk], version=version, lines=attempts[user])
            results[user.pk] = "saved"
        except Conflict as exc:
            results[user.pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user,)) for user in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_saves_of_the_same_version(tree: dict[str, Any]) -> None:
    by = tree["block_year"]
    make_criteria(by)
    clerk, head = staff(tree["centre_c"]), staff(tree["centre_c"], Role.UNIT_HEAD)
    sheet = services.self_sheet_open(actor=clerk, block_year=by, unit=tree["centre_c"])
    for round_no in range(5):
        version = ScoreSheet.objects.get(pk=sheet.pk).version
        values = {clerk.pk: Decimal(10 + round_no), head.pk: Decimal(20 + round_no)}
        events_before = AuditEvent.objects.count()
        results = race(
            sheet.pk,
            version,
            {user: entries(by, {"A1": values[user.pk], "B1": values[user.pk]}) for user in (clerk, head)},
        )
        assert sorted(results.values()) == ["saved", "stale_sheet"], results
        winner = next(pk for pk, outcome in results.items() if outcome == "saved")
        stored = ScoreSheet.objects.get(pk=sheet.pk)
        assert stored.version == version + 1
        assert stored.total == values[winner] * 2
        saved = ScoreLine.objects.filter(sheet=sheet, item__code__in=["A1", "B1"]).values_list("value", flat=True)
        assert set(saved) == {values[winner]}  # the winner's save is whole; the loser wrote nothing
        assert AuditEvent.objects.count() == events_before + 1
