"""The audit verification task, run inline and through the real database queue and worker."""

from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from thidua.audit.models import AuditEvent
from thidua.audit.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def test_task_reports_an_intact_chain(tree: dict[str, Any]) -> None:
    result = verify_audit_chain.enqueue()
    assert result.return_value == {"checked": AuditEvent.objects.count(), "broken_seq": None, "reason": ""}


def test_task_reports_a_break(tree: dict[str, Any]) -> None:
    AuditEvent.objects.filter(seq=2).update(action="tampered")
    assert verify_audit_chain.enqueue().return_value["broken_seq"] == 2


@pytest.mark.django_db(transaction=True)
def test_database_backend_and_worker_run_the_task(tree: dict[str, Any]) -> None:
    tasks_setting = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=tasks_setting):  # Django resets its task backends on this change
        result = verify_audit_chain.enqueue()
        assert result.status == "READY"
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        result.refresh()
        assert result.status == "SUCCESSFUL"
        assert result.return_value["broken_seq"] is None
