"""Pure functions of the audit hash chain: canonical form, hashing and verification."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept, timestamps as UTC ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an event covered by its hash."""
    return {
        "seq": fields["seq"],
        "occurred_at": utc_iso(fields["occurred_at"]),
        "actor_id": fields["actor_id"],
        "actor_label": fields["actor_label"],
        "action": fields["action"],
        "object_type": fields["object_type"],
        "object_id": fields["object_id"],
        "object_repr": fields["object_repr"],
        "changes": fields["changes"],
    }


def link_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    data = prev_hash + "\n" + canonical_json(event_payload(fields))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify_chain(events: Iterable[Mapping[str, Any]], genesis: str) -> tuple[int, Break | None]:
    """Walk events in sequence order; return how many were checked and the first broken link."""
    expected_prev = genesis
    expected_seq = 1
    checked = 0
    for event in events:
        if event["seq"] != expected_seq:
            return checked, Break(event["seq"], f"sequence gap: expected #{expected_seq}")
        if event["prev_hash"] != expected_prev:
            return checked, Break(event["seq"], "previous-hash link does not match")
        if link_hash(event["prev_hash"], event) != event["hash"]:
            return checked, Break(event["seq"], "content does not match its hash")
        expected_prev = event["hash"]
        expected_seq += 1
        checked += 1
    return checked, None
