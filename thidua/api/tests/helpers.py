"""Small helpers shared by the API tests (fixtures live in conftest.py)."""

import json
from typing import Any

from django.test import Client

from thidua.audit.models import AuditEvent


class JsonClient(Client):
    """A test client whose `send` sends a JSON body with any method."""

    def send(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        body = json.dumps(data) if data is not None else ""
        return self.generic(method.upper(), path, body, content_type="application/json", **extra)


def audit_count() -> int:
    return AuditEvent.objects.count()


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


def last_events(n: int) -> list[AuditEvent]:
    """The last `n` events, oldest first."""
    return list(AuditEvent.objects.order_by("-seq")[:n])[::-1]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
