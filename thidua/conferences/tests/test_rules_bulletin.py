"""The bulletin: receipts, the hash chain in ballot-id order, tampering, and the recount from it."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.conferences.rules import (
    BulletinEntry,
    Candidate,
    PollKind,
    PollSpec,
    RuleViolation,
    bulletin_entries,
    canonical_content,
    chain,
    find_receipt,
    genesis,
    new_ballot_id,
    new_receipt_code,
    parse_ballot,
    receipt_hash,
    recount,
    tally,
    verify_chain,
)
from thidua.conferences.tests.test_rules_tally import polls

POLL = "poll:42"
SPEC = PollSpec(PollKind.SELECTION, [Candidate("A"), Candidate("B"), Candidate("C")], max_choices=2)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def entry(ballot_id: str, content: dict[str, Any], weight: int = 1, receipt: str | None = None) -> BulletinEntry:
    text = canonical_content(parse_ballot(SPEC, content))
    return BulletinEntry(ballot_id, weight, text, receipt_hash(receipt or f"receipt-{ballot_id}"))


ENTRIES = bulletin_entries(
    [
        entry("c3", {"choices": ["B", "A"]}),
        entry("0a", {"choices": ["A"]}, weight=2),
        entry("7f", {"blank": True}),
        entry("51", {"choices": ["C"]}),
    ]
)


def test_receipts_and_ids() -> None:
    assert receipt_hash("ABC-123") == hashlib.sha256(b"ABC-123").hexdigest()
    assert len(new_ballot_id()) == 32
    assert new_ballot_id() != new_ballot_id()
    assert new_receipt_code() != new_receipt_code()
    assert find_receipt("receipt-7f", ENTRIES) == ENTRIES[2]
    assert find_receipt("not-mine", ENTRIES) is None


def test_entries_are_in_ballot_id_order_not_in_casting_order() -> None:
    assert [e.ballot_id for e in ENTRIES] == ["0a", "51", "7f", "c3"]
    with pytest.raises(RuleViolation) as duplicate:
        bulletin_entries([*ENTRIES, ENTRIES[0]])
    assert duplicate.value.code == "duplicate_ballot"
    with pytest.raises(RuleViolation) as weight:
        bulletin_entries([replace(ENTRIES[0], weight=0)])
    assert weight.value.code == "invalid_weight"


def test_chain_links() -> None:
    links = chain(ENTRIES, poll_identity=POLL)
    assert len(links) == 4
    first = hashlib.sha256((genesis(POLL) + ENTRIES[0].serialise()).encode()).hexdigest()
    assert links[0] == first
    assert links[1] == hashlib.sha256((first + ENTRIES[1].serialise()).encode()).hexdigest()
    assert genesis(POLL) == hashlib.sha256(POLL.encode()).hexdigest()
    assert json.loads(ENTRIES[0].serialise()) == {
        "ballot_id": "0a",
        "content": '{"choices":["A"]}',
        "receipt_hash": receipt_hash("receipt-0a"),
        "weight": 2,
    }
    assert verify_chain(ENTRIES, links, poll_identity=POLL) is None
    assert chain([], poll_identity=POLL) == []
    assert verify_chain([], [], poll_identity=POLL) is None


def test_verify_finds_the_first_broken_link() -> None:
    links = chain(ENTRIES, poll_identity=POLL)
    assert verify_chain(ENTRIES, links, poll_identity="poll:43") == 0  # another poll's bulletin
    tampered = [*ENTRIES]
    tampered[2] = replace(tampered[2], content='{"choices":["A"]}')
    assert verify_chain(tampered, links, poll_identity=POLL) == 2
    swapped = [ENTRIES[0], ENTRIES[2], ENTRIES[1], ENTRIES[3]]
    assert verify_chain(swapped, links, poll_identity=POLL) == 1
    # Reordered with its links recomputed: the chain holds, the order does not.
    assert verify_chain(swapped, chain(swapped, poll_identity=POLL), poll_identity=POLL) == 2
    assert verify_chain(ENTRIES[:3], links, poll_identity=POLL) == 3  # an entry removed at the end
    assert verify_chain(ENTRIES, links[:3], poll_identity=POLL) == 3
    assert verify_chain([ENTRIES[0], *ENTRIES[2:]], links, poll_identity=POLL) == 1  # removed in the middle


def test_recount_equals_the_tally() -> None:
    ballots = [(parse_ballot(SPEC, json.loads(e.content)), e.weight) for e in ENTRIES]
    live = tally(SPEC, ballots, present_weight=6, entitled_weight=7, invalid_weight=1)
    assert recount(SPEC, ENTRIES, present_weight=6, entitled_weight=7, invalid_weight=1) == live
    assert live.result("A").votes == 3


@pytest.mark.parametrize("content", ['{"choices": ["A"]}', '{"choices":["B","A"]}', "not json", '{"choices":["Z"]}'])
def test_recount_refuses_content_that_is_not_canonical_or_not_valid(content: str) -> None:
    bad = replace(ENTRIES[0], content=content)
    with pytest.raises(RuleViolation) as exc:
        recount(SPEC, [bad], present_weight=5, entitled_weight=5)
    assert exc.value.code in {"malformed_ballot", "unknown_candidate"}


@settings(max_examples=75, deadline=None)
@given(poll=polls(), data=st.data())
def test_bulletin_properties(poll: tuple[PollSpec, list[tuple[dict[str, Any], int]]], data: st.DataObject) -> None:
    spec, contents = poll
    ids = data.draw(
        st.lists(
            st.text("0123456789abcdef", min_size=4, max_size=4),
            min_size=len(contents),
            max_size=len(contents),
            unique=True,
        )
    )
    cast = [(parse_ballot(spec, content), weight) for content, weight in contents]
    entries = bulletin_entries(
        BulletinEntry(ballot_id, weight, canonical_content(ballot), receipt_hash(f"r{ballot_id}"))
        for ballot_id, (ballot, weight) in zip(ids, cast, strict=True)
    )
    present = sum(w for _, w in cast) + 1
    live = tally(spec, cast, present_weight=present, entitled_weight=present)
    assert recount(spec, data.draw(st.permutations(entries)), present_weight=present, entitled_weight=present) == live
    links = chain(entries, poll_identity=POLL)
    assert verify_chain(entries, links, poll_identity=POLL) is None
    for ballot_id in ids:
        assert find_receipt(f"r{ballot_id}", entries) is not None
    if not entries:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1))
    field = data.draw(st.sampled_from(["weight", "content", "receipt_hash", "ballot_id"]))
    changed = {
        "weight": replace(entries[index], weight=entries[index].weight + 1),
        "content": replace(entries[index], content=entries[index].content + " "),
        "receipt_hash": replace(entries[index], receipt_hash=receipt_hash("forged")),
        "ballot_id": replace(entries[index], ballot_id=entries[index].ballot_id + "0"),
    }[field]
    tampered = [*entries[:index], changed, *entries[index + 1 :]]
    assert verify_chain(tampered, links, poll_identity=POLL) == index
    if len(entries) >= 2:
        i, j = sorted(data.draw(st.lists(st.integers(0, len(entries) - 1), min_size=2, max_size=2, unique=True)))
        swapped = [*entries]
        swapped[i], swapped[j] = swapped[j], swapped[i]
        assert verify_chain(swapped, links, poll_identity=POLL) == i
        assert verify_chain(swapped, chain(swapped, poll_identity=POLL), poll_identity=POLL) is not None
