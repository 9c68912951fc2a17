"""Background tasks of the audit app (run by the django-tasks-db worker)."""

from typing import Any

from django.tasks import task

from thidua.audit.selectors import audit_chain_verify


@task()
def verify_audit_chain() -> dict[str, Any]:
    """Recompute the whole chain off the request path; officers see the result in the audit log page."""
    checked, broken = audit_chain_verify()
    return {"checked": checked, "broken_seq": broken.seq if broken else None, "reason": broken.reason if broken else ""}
