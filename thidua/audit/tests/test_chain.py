"""The audit hash chain: every service write appends a link; tampering is found by audit_verify."""

from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from thidua.audit.chain import link_hash, verify_chain
from thidua.audit.models import GENESIS_HASH, AuditEvent
from thidua.audit.selectors import audit_chain_verify
from thidua.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_services_write_a_continuous_chain(tree: dict[str, Any]) -> None:
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    assert {"unit.create", "block.create", "block_year.create", "block_year.member_add", "person.create"} <= {
        e.action for e in events
    }
    assert audit_chain_verify() == (len(events), None)


def test_audit_verify_command_reports_intact_chain(tree: dict[str, Any]) -> None:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


@pytest.mark.parametrize(
    ("field", "value"),
    [("object_repr", "Trung tâm giả mạo"), ("actor_label", "someone-else"), ("changes", {"name": ["x", "y"]})],
)
def test_tampering_with_a_stored_row_is_detected(tree: dict[str, Any], field: str, value: Any) -> None:
    victim = AuditEvent.objects.order_by("seq")[3]
    AuditEvent.objects.filter(pk=victim.pk).update(**{field: value})
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify", stdout=StringIO())


def test_deleting_a_row_is_detected(tree: dict[str, Any]) -> None:
    victim = AuditEvent.objects.order_by("seq")[2]
    AuditEvent.objects.filter(pk=victim.pk).delete()
    checked, broken = audit_chain_verify()
    assert broken is not None
    assert broken.seq == victim.seq + 1
    assert checked == victim.seq - 1


def test_rehashing_one_row_still_breaks_the_next_link(tree: dict[str, Any]) -> None:
    events = list(AuditEvent.objects.order_by("seq")[:3])
    forged = events[1]
    forged.object_repr = "forged"
    fields = {
        f: getattr(forged, f)
        for f in (
            "seq",
            "occurred_at",
            "actor_id",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
        )
    }
    AuditEvent.objects.filter(pk=forged.pk).update(object_repr="forged", hash=link_hash(forged.prev_hash, fields))
    _checked, broken = audit_chain_verify()
    assert broken is not None
    assert broken.seq == events[2].seq


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x", object_type="t", object_id=1, object_repr="r")


def test_audit_record_inside_transaction_links_to_head() -> None:
    with transaction.atomic():
        first = audit_record(actor=None, action="test.one", object_type="t", object_id=1, object_repr="r")
        second = audit_record(actor=None, action="test.two", object_type="t", object_id=2, object_repr="r")
    assert second.prev_hash == first.hash
    assert first.actor_label == "system"


def _event(seq: int, prev: str, repr_: str) -> dict[str, Any]:
    import datetime as dt

    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seq),
        "actor_id": 1,
        "actor_label": "a",
        "action": "x",
        "object_type": "t",
        "object_id": str(seq),
        "object_repr": repr_,
        "changes": {"k": seq},
        "prev_hash": prev,
    }
    fields["hash"] = link_hash(prev, fields)
    return fields


@given(st.lists(st.text(max_size=20), min_size=1, max_size=15), st.data())
def test_any_single_edit_breaks_verification(reprs: list[str], data: st.DataObject) -> None:
    chain: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    for i, text in enumerate(reprs, start=1):
        event = _event(i, prev, text)
        chain.append(event)
        prev = event["hash"]
    assert verify_chain(chain, GENESIS_HASH) == (len(chain), None)
    index = data.draw(st.integers(min_value=0, max_value=len(chain) - 1))
    tampered = [dict(e) for e in chain]
    tampered[index]["object_repr"] = tampered[index]["object_repr"] + "!"
    _count, broken = verify_chain(tampered, GENESIS_HASH)
    assert broken is not None
    assert broken.seq == index + 1
