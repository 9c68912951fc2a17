"""Many delegates casting at once through the API, with retries and double votes among them, and a close racing in.

The sequential cases (a retry, a second ballot) are in test_cast_flow.py and test_api_cast.py and run
everywhere; these need real concurrent transactions, so they run on PostgreSQL only (SQLite serialises
writers for the whole database and would only show the sequential case again). Each thread has its own
database connection and its own HTTP test client; a barrier starts them together.

What must hold whatever the interleaving: one voter-roll row and one ballot per delegate (zero lost,
zero doubled); every retry (same key) gets the receipt of the first request; every second ballot
(another key) gets `already_voted`; and a close in the middle of the casts counts exactly the ballots
stored, with none slipping in after it. The close must also get its turn while casts keep coming (the
poll's advisory lock queues it behind the casts in flight only; row locks alone would starve it).
"""

import random
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.conferences import rules
from thidua.conferences.models import Ballot, Delegate, Poll, PollKind, PollStatus, VoterRoll
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.organizations import services as org_services
from thidua.tests_support.conference import build_conference
from thidua.tests_support.factories import make_unit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"),
]

DELEGATES = 60
THREADS = 12
MEMBERS = ("centre_a", "centre_b", "centre_c", "board")


@pytest.fixture
def hall(tree: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The `world` conference grown to 60 checked-in voting delegates (56 extra member units), a poll open."""
    world = build_conference(tree)
    actor = world["actor"]
    conference = world["conference"]
    for n in range(DELEGATES - len(MEMBERS)):
        unit = make_unit(f"XT{n:03d}", f"Trung tâm số {n}", parent=world["dept"])
        org_services.block_member_add(actor=actor, block_year=world["block_year"], unit=unit)
        delegate = delegate_services.delegate_add(actor=actor, conference=conference, unit=unit, full_name=f"ĐB {n}")
        delegate_services.delegate_check_in(actor=actor, delegate=delegate)
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=conference,
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[key]) for key in MEMBERS],
        min_choices=1,
        max_choices=1,
        seats=1,
    )
    poll_services.poll_open(actor=world["secretary"], poll=poll)
    voters = list(Delegate.objects.filter(conference=conference, is_guest=False, weight__gt=0).order_by("pk"))
    assert len(voters) == DELEGATES
    candidates = list(poll.candidates.order_by("position").values_list("pk", flat=True))
    yield {**world, "poll": poll, "voters": voters, "candidates": candidates}
    connection.close()


def submissions(voters: list[Delegate], candidates: list[int], seed: int) -> list[dict[str, Any]]:
    """Per delegate: a ballot, its retry (same key, same content) and a second ballot (new key); shuffled."""
    rng = random.Random(seed)
    jobs = []
    for delegate in voters:
        key, choice = str(uuid.uuid4()), rng.choice(candidates)
        token = delegate_services.delegate_card_token(delegate)
        jobs.append({"delegate": delegate.pk, "token": token, "key": key, "choice": choice})
        jobs.append({"delegate": delegate.pk, "token": token, "key": key, "choice": choice})  # a retry
        if rng.random() < 0.7:  # most try a second ballot with a new key
            other = rng.choice(candidates)
            jobs.append({"delegate": delegate.pk, "token": token, "key": str(uuid.uuid4()), "choice": other})
    rng.shuffle(jobs)
    return jobs


def run(poll: Poll, jobs: list[dict[str, Any]], *, on_progress: Any = None, pause: float = 0.0) -> list[dict[str, Any]]:
    """Send every job through the API from THREADS threads started together; returns the jobs with answers.

    `pause`: each thread waits up to this many seconds between two requests, as people in a hall do.
    """
    queue = list(enumerate(jobs))
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    results: list[dict[str, Any]] = []

    def worker() -> None:
        client = JsonClient()
        try:
            barrier.wait(timeout=30)
            while True:
                with lock:
                    if not queue:
                        return
                    _index, job = queue.pop()
                response = client.send(
                    "post",
                    f"/api/polls/{poll.pk}/ballots",
                    {"content": {"choices": [job["choice"]]}, "idempotency_key": job["key"]},
                    HTTP_X_DELEGATE_CARD=job["token"],
                )
                answer = {**job, "status": response.status_code, **response.json()}
                with lock:
                    results.append(answer)
                if on_progress is not None:
                    on_progress(answer)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_many_concurrent_casts_with_retries_and_double_votes(hall: dict[str, Any]) -> None:
    poll = hall["poll"]
    jobs = submissions(hall["voters"], hall["candidates"], seed=20261125)
    results = run(poll, jobs)
    assert len(results) == len(jobs)
    assert {r["status"] for r in results} <= {200, 201, 409}, Counter(r["status"] for r in results)

    by_delegate: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        by_delegate[result["delegate"]].append(result)
    winning: dict[int, dict[str, Any]] = {}
    for delegate_id, answers in by_delegate.items():
        accepted = [a for a in answers if a["status"] in (200, 201)]
        refused = [a for a in answers if a["status"] == 409]
        keys = {a["key"] for a in accepted}
        assert len(keys) == 1, answers  # one ballot per delegate: one key won
        assert len({a["receipt"] for a in accepted}) == 1, answers  # every retry got the same receipt
        assert [a["replayed"] for a in accepted].count(False) == 1, answers  # one request recorded it
        assert all(a["code"] == "already_voted" for a in refused), refused
        assert all(a["key"] not in keys for a in refused), answers  # only other keys were refused
        winning[delegate_id] = next(a for a in accepted if not a["replayed"])

    # Zero lost, zero doubled.
    assert len(winning) == DELEGATES
    roll = Counter(VoterRoll.objects.filter(poll=poll).values_list("delegate_id", flat=True))
    assert roll == Counter({pk: 1 for pk in winning})
    ballots = list(Ballot.objects.filter(poll=poll).values_list("receipt_hash", "content"))
    assert len(ballots) == DELEGATES
    assert {h for h, _content in ballots} == {rules.receipt_hash(a["receipt"]) for a in winning.values()}
    assert AuditEvent.objects.filter(action="poll.vote_recorded", object_id=str(poll.pk)).count() == DELEGATES

    # The close counts exactly the submissions that were recorded.
    closed = poll_services.poll_close(actor=hall["secretary"], poll=Poll.objects.get(pk=poll.pk))
    outcome: dict[str, Any] = closed.outcome or {}
    assert outcome["valid"] + outcome["blank"] + outcome["invalid"] == DELEGATES
    expected = Counter(a["choice"] for a in winning.values())
    counted = {c["key"]: c["votes"] for group in outcome["groups"] for c in group["candidates"]}
    assert counted == {pk: expected.get(pk, 0) for pk in hall["candidates"]}


def test_a_close_racing_with_casts_leaves_no_ballot_after_the_count(hall: dict[str, Any]) -> None:
    poll = hall["poll"]
    jobs = submissions(hall["voters"], hall["candidates"], seed=7)
    accepted = threading.Event()
    count = Counter[str]()
    lock = threading.Lock()

    def on_progress(answer: dict[str, Any]) -> None:
        with lock:
            count[str(answer["status"])] += 1
            if count["201"] >= DELEGATES // 3:
                accepted.set()

    closer_error: list[BaseException] = []

    def closer() -> None:
        try:
            accepted.wait(timeout=60)
            poll_services.poll_close(actor=hall["secretary"], poll=Poll.objects.get(pk=poll.pk))
        except BaseException as exc:  # reported by the assertion below
            closer_error.append(exc)
        finally:
            connection.close()

    closing = threading.Thread(target=closer)
    closing.start()
    results = run(poll, jobs, on_progress=on_progress)
    closing.join(timeout=60)
    assert not closer_error, closer_error

    stored = Poll.objects.get(pk=poll.pk)
    assert stored.status == PollStatus.CLOSED
    recorded = [r for r in results if r["status"] == 201]
    late = [r for r in results if r["status"] == 400]
    assert recorded, "no ballot was cast before the close"
    assert late, "the close did not land in the middle of the casts"
    assert {r["code"] for r in late} == {"poll_not_open"}
    assert all(r["status"] in (200, 201, 400, 409) for r in results)

    ballots = list(Ballot.objects.filter(poll=poll).values_list("receipt_hash", "link_hash"))
    roll = VoterRoll.objects.filter(poll=poll).count()
    assert len(ballots) == roll == len(recorded)
    assert all(link for _h, link in ballots)  # every stored ballot was chained by the close
    assert {h for h, _link in ballots} == {rules.receipt_hash(r["receipt"]) for r in recorded}
    replayed = [r for r in results if r["status"] == 200]
    assert {rules.receipt_hash(r["receipt"]) for r in replayed} <= {h for h, _link in ballots}
    outcome: dict[str, Any] = stored.outcome or {}
    assert outcome["valid"] + outcome["blank"] + outcome["invalid"] == len(ballots)
    entries = poll_services.bulletin_of(stored)
    rows = sorted(Ballot.objects.filter(poll=poll).values_list("id", "link_hash"), key=lambda row: str(row[0]))
    links = [link for _id, link in rows]
    assert rules.verify_chain(entries, links, poll_identity=poll_services.bulletin_genesis(stored)) is None
    assert links[-1] == stored.bulletin_head
