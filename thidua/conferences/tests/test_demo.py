"""The demo conferences: built through the services, the closed one verifiable, a second run writes nothing."""

from typing import Any

import pytest

from thidua.audit.models import AuditEvent
from thidua.conferences import rules
from thidua.conferences.demo import build_conference_demo
from thidua.conferences.models import Ballot, ConferenceStatus, PollStatus
from thidua.conferences.services import polls as poll_services
from thidua.tests_support.conference import write_ranking
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


def test_demo_conferences(tree: dict[str, Any]) -> None:
    write_ranking(tree)
    actor = system_actor()
    report = build_conference_demo(block_year=tree["block_year"], actor=actor)
    assert report.counts == {"conferences": 2, "ballots": 4, "polls prepared": 3}
    midyear, year_end = tree["block_year"].conferences.order_by("starts_at")
    assert midyear.status == ConferenceStatus.CLOSED
    assert year_end.status == ConferenceStatus.PLANNED
    poll = midyear.polls.get()
    assert poll.status == PollStatus.CLOSED
    entries = poll_services.bulletin_of(poll)
    links = [b.link_hash for b in sorted(Ballot.objects.filter(poll=poll), key=lambda b: str(b.id))]
    assert rules.verify_chain(entries, links, poll_identity=poll_services.bulletin_genesis(poll)) is None
    assert poll.outcome == poll_services.recount_as_stored(poll)
    assert [p.kind for p in year_end.polls.order_by("id")] == ["selection", "approval", "election"]
    assert year_end.delegates.filter(is_guest=False).count() == 4
    events = AuditEvent.objects.count()
    assert build_conference_demo(block_year=tree["block_year"], actor=actor).counts == {}
    assert AuditEvent.objects.count() == events
