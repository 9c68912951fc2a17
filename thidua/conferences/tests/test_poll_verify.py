"""manage.py poll_verify: an untouched closed poll verifies; a tampered or deleted ballot or an edited outcome fails."""

import io
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from thidua.conferences.models import Ballot, Poll, PollKind, VoterRoll
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput

pytestmark = pytest.mark.django_db

UNITS = ("centre_a", "centre_b", "centre_c", "board")


def closed_poll(world: dict[str, Any]) -> Poll:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[k]) for k in UNITS],
        min_choices=1,
        max_choices=1,
        seats=1,
    )
    poll = poll_services.poll_open(actor=world["secretary"], poll=poll)
    picks = {"centre_a": "centre_a", "centre_b": "centre_a", "centre_c": "centre_a", "board": "centre_b"}
    for voter, unit in picks.items():
        poll_services.poll_cast(
            actor=None,
            poll=poll,
            delegate=world["delegates"][voter],
            content={"choices": [poll.candidates.get(unit=world[unit]).pk]},
            idempotency_key=str(uuid.uuid4()),
        )
    return poll_services.poll_close(actor=world["secretary"], poll=poll)


def verify(poll: Poll) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("poll_verify", str(poll.pk), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failure(poll: Poll) -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("poll_verify", str(poll.pk), stdout=io.StringIO(), stderr=err)
    return str(error.value), err.getvalue()


def test_an_untouched_poll_verifies(world: dict[str, Any]) -> None:
    poll = closed_poll(world)
    out, err = verify(poll)
    assert f"Poll {poll.pk} verified" in out
    assert f"Final hash: {poll.bulletin_head}" in out
    assert "Roll: 4 electronic votes and 4 ballots, weights match" in out
    assert err == ""


def test_a_tampered_ballot_breaks_the_chain(world: dict[str, Any]) -> None:
    poll = closed_poll(world)
    ballots = sorted(Ballot.objects.filter(poll=poll), key=lambda b: str(b.id))
    victim = ballots[1]
    candidate_b = poll.candidates.get(unit=world["centre_b"]).pk
    candidate_a = poll.candidates.get(unit=world["centre_a"]).pk
    new = candidate_a if str(candidate_b) in victim.content else candidate_b
    Ballot.objects.filter(pk=victim.pk).update(content=f'{{"choices":[{new}]}}')
    message, err = failure(poll)
    assert f"Poll {poll.pk} failed verification" in message
    assert f"bulletin chain broken at line 2 (ballot {victim.id})" in err
    assert "recount differs from the stored outcome" in err


def test_a_deleted_ballot_is_found(world: dict[str, Any]) -> None:
    poll = closed_poll(world)
    last = max(Ballot.objects.filter(poll=poll), key=lambda b: str(b.id))
    last.delete()  # the chain of the others still holds: the final hash and the roll give it away
    _message, err = failure(poll)
    assert "recomputed from the ballots differs from the published" in err
    assert "4 electronic votes on the roll but 3 ballots" in err


def test_an_edited_outcome_is_found(world: dict[str, Any]) -> None:
    poll = closed_poll(world)
    assert poll.outcome is not None
    outcome = dict(poll.outcome)
    outcome["elected"] = [poll.candidates.get(unit=world["centre_b"]).pk]
    Poll.objects.filter(pk=poll.pk).update(outcome=outcome)
    poll.refresh_from_db()
    _message, err = failure(poll)
    assert "the recount differs from the stored outcome in: elected." in err
    assert "chain broken" not in err


def test_a_weight_that_does_not_match_the_roll_is_found(world: dict[str, Any]) -> None:
    poll = closed_poll(world)
    Ballot.objects.filter(pk=Ballot.objects.filter(poll=poll).order_by("id")[0].pk).update(weight=2)
    _message, err = failure(poll)
    assert "bulletin chain broken at line 1" in err
    assert "the weights of the roll {1: 4} differ from the ballots' {1: 3, 2: 1}." in err
    assert VoterRoll.objects.filter(poll=poll).count() == 4


def test_an_open_or_unknown_poll_is_refused(world: dict[str, Any]) -> None:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Chưa đóng",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[k]) for k in UNITS],
        seats=1,
        max_choices=1,
    )
    with pytest.raises(CommandError, match="is not closed"):
        call_command("poll_verify", str(poll.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("poll_verify", "999999", stdout=io.StringIO())


def test_a_mismatch_exits_with_code_1(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    from thidua.conferences.management.commands.poll_verify import Command

    poll = closed_poll(world)
    Ballot.objects.filter(poll=poll).order_by("id")[0].delete()
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "poll_verify", str(poll.pk)])
    assert exit_info.value.code == 1
    assert "failed verification" in capsys.readouterr().err


def test_a_weight_changed_after_the_close_does_not_upset_the_check(world: dict[str, Any]) -> None:
    from thidua.conferences.services.delegates import delegate_update

    poll = closed_poll(world)
    delegate_update(actor=world["secretary"], delegate=world["delegates"]["board"], weight=3)
    out, _err = verify(poll)
    assert "weights match" in out
