"""Polls around the cast: preparing, the quorum, who may vote, the paper fallback, ties and run-offs."""

import uuid
from typing import Any

import pytest

from thidua.audit.models import AuditEvent
from thidua.conferences.models import Ballot, PaperCount, Poll, PollKind, PollStatus, TieRule, VoterRoll
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as services
from thidua.conferences.services.polls import CandidateInput
from thidua.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from thidua.tests_support.factories import make_unit

pytestmark = pytest.mark.django_db

UNITS = ("centre_a", "centre_b", "centre_c", "board")


def make_poll(world: dict[str, Any], *, open_it: bool = True, **kw: Any) -> Poll:
    data: dict[str, Any] = {
        "title": "Suy tôn đơn vị dẫn đầu",
        "kind": PollKind.SELECTION,
        "candidates": [CandidateInput(unit=world[k]) for k in kw.pop("units", UNITS)],
        "max_choices": 1,
        "seats": 1,
    }
    data.update(kw)
    poll = services.poll_create(actor=world["secretary"], conference=world["conference"], **data)
    return services.poll_open(actor=world["secretary"], poll=poll) if open_it else poll


def vote(world: dict[str, Any], poll: Poll, who: str, content: Any) -> services.CastResult:
    return services.poll_cast(
        actor=None, poll=poll, delegate=world["delegates"][who], content=content, idempotency_key=str(uuid.uuid4())
    )


def out(poll: Poll) -> dict[str, Any]:
    assert poll.outcome is not None
    return poll.outcome


def pick(poll: Poll, *units: Any) -> dict[str, Any]:
    return {"choices": [poll.candidates.get(unit=u).pk for u in units]}


def test_candidates_carry_the_ranking(world: dict[str, Any]) -> None:
    poll = make_poll(world, open_it=False)
    rows = {c.unit_id: (str(c.score), c.rank) for c in poll.candidates.all()}
    assert rows[world["centre_a"].pk] == ("95.50", 1)
    assert rows[world["board"].pk] == ("80.00", 4)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"units": ()}, "no_candidates"),
        ({"kind": "lottery"}, "invalid_choice"),
        ({"min_choices": 3, "max_choices": 2}, "invalid_choice_limits"),
        ({"base": "everyone"}, "invalid_choice"),
        ({"title": ""}, "required"),
    ],
)
def test_create_refuses_bad_polls(world: dict[str, Any], kw: dict[str, Any], code: str) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        make_poll(world, open_it=False, **kw)
    assert error.value.code == code
    assert not Poll.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_unit_outside_the_block_cannot_stand(world: dict[str, Any]) -> None:
    outsider = make_unit("NGOAI", "Đơn vị ngoài khối")
    with pytest.raises(ValidationFailed) as error:
        services.poll_create(
            actor=world["secretary"],
            conference=world["conference"],
            title="X",
            kind=PollKind.SELECTION,
            candidates=[CandidateInput(unit=outsider)],
        )
    assert error.value.code == "not_member"


def test_update_and_delete_only_while_draft(world: dict[str, Any]) -> None:
    poll = make_poll(world, open_it=False)
    services.poll_update(
        actor=world["secretary"], poll=poll, title="Suy tôn", candidates=[CandidateInput(unit=world["centre_a"])]
    )
    assert poll.candidates.count() == 1
    services.poll_open(actor=world["secretary"], poll=poll)
    with pytest.raises(ValidationFailed) as error:
        services.poll_update(actor=world["secretary"], poll=poll, title="Đổi")
    assert error.value.code == "poll_not_draft"
    with pytest.raises(ValidationFailed) as error:
        services.poll_delete(actor=world["secretary"], poll=poll)
    assert error.value.code == "poll_not_draft"


def test_no_quorum_no_poll(planned: dict[str, Any]) -> None:
    from thidua.conferences.services.conference import conference_open

    conference_open(actor=planned["secretary"], conference=planned["conference"])
    delegate_services.delegate_check_in(actor=planned["secretary"], delegate=planned["delegates"]["centre_a"])
    delegate_services.delegate_check_in(actor=planned["secretary"], delegate=planned["delegates"]["centre_b"])
    poll = make_poll(planned, open_it=False)
    with pytest.raises(ValidationFailed) as error:  # 2 of 4 is not more than half
        services.poll_open(actor=planned["secretary"], poll=poll)
    assert error.value.code == "no_quorum"
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.DRAFT
    delegate_services.delegate_check_in(actor=planned["secretary"], delegate=planned["delegates"]["board"])
    assert services.poll_open(actor=planned["secretary"], poll=poll).status == PollStatus.OPEN


def test_polls_open_only_in_session(planned: dict[str, Any]) -> None:
    poll = make_poll(planned, open_it=False)
    with pytest.raises(ValidationFailed) as error:
        services.poll_open(actor=planned["secretary"], poll=poll)
    assert error.value.code == "conference_not_open"


def test_only_organisers_manage_polls(world: dict[str, Any]) -> None:
    poll = make_poll(world, open_it=False)
    with pytest.raises(PermissionDenied):
        services.poll_open(actor=world["voter_user"], poll=poll)


def _refused(world: dict[str, Any], poll: Poll, delegate: Any, code: str, **kw: Any) -> None:
    events, rolls, ballots = AuditEvent.objects.count(), VoterRoll.objects.count(), Ballot.objects.count()
    with pytest.raises((ValidationFailed, Conflict)) as error:
        services.poll_cast(
            actor=None,
            poll=poll,
            delegate=delegate,
            content=kw.get("content", pick(poll, world["centre_a"])),
            idempotency_key=kw.get("key", str(uuid.uuid4())),
        )
    assert error.value.code == code
    assert (AuditEvent.objects.count(), VoterRoll.objects.count(), Ballot.objects.count()) == (events, rolls, ballots)


def test_who_may_not_vote(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    _refused(world, poll, world["guest"], "no_vote")
    delegate = world["delegates"]["board"]
    delegate_services.delegate_undo_check_in(actor=world["secretary"], delegate=delegate)
    _refused(world, poll, delegate, "not_checked_in")
    _refused(world, poll, world["delegates"]["centre_a"], "invalid_idempotency_key", key="not-a-uuid")
    _refused(world, poll, world["delegates"]["centre_a"], "invalid_idempotency_key", key=str(uuid.uuid1()))
    _refused(
        world, poll, world["delegates"]["centre_a"], "too_many_choices", content=pick(poll, *[world[k] for k in UNITS])
    )


def test_a_delegate_of_another_conference_cannot_vote(world: dict[str, Any]) -> None:
    import datetime as dt

    from django.utils import timezone

    from thidua.conferences.services.conference import conference_create

    other = conference_create(
        actor=world["actor"],
        block_year=world["block_year"],
        title="Hội nghị sơ kết",
        starts_at=timezone.make_aware(dt.datetime(2026, 7, 1, 8, 0)),
        place="Đông Hà",
    )
    stranger = delegate_services.delegate_add(
        actor=world["actor"], conference=other, unit=world["centre_a"], full_name="X"
    )
    _refused(world, make_poll(world), stranger, "not_a_delegate")


def test_closed_poll_refuses_ballots(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    services.poll_close(actor=world["secretary"], poll=poll)
    _refused(world, poll, world["delegates"]["centre_a"], "poll_not_open")


def test_paper_fallback_needs_two_people(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    vote(world, poll, "centre_a", pick(poll, world["centre_a"]))
    paper_voters = [world["delegates"]["centre_b"], world["delegates"]["centre_c"]]
    services.poll_issue_paper_ballots(actor=world["secretary"], poll=poll, delegates=paper_voters)
    _refused(world, poll, world["delegates"]["centre_b"], "already_voted")
    with pytest.raises(Conflict):
        services.poll_issue_paper_ballots(
            actor=world["secretary"], poll=poll, delegates=[world["delegates"]["centre_a"]]
        )
    a, b = (poll.candidates.get(unit=world[k]).pk for k in ("centre_a", "centre_b"))
    bad_counts: list[tuple[dict[str, Any], int, str]] = [
        ({"votes": {str(a): 1}}, 3, "too_many_paper_ballots"),
        ({"votes": {str(a): 3}}, 2, "count_mismatch"),
        ({"votes": {"999": 1}}, 2, "malformed_count"),
        ({"votes": {str(a): -1}}, 2, "invalid_count"),
        ({"votes": {}, "blank": 2, "invalid": 1}, 2, "count_mismatch"),
        ({"votes": {str(a): 2, str(b): 2}}, 2, "inconsistent_counts"),  # one choice per ballot: 4 votes > 2
    ]
    for counts, ballots, code in bad_counts:
        with pytest.raises(ValidationFailed) as error:
            services.paper_count_enter(actor=world["secretary"], poll=poll, counts=counts, ballots=ballots)
        assert error.value.code == code
    assert not PaperCount.objects.exists()
    services.paper_count_enter(
        actor=world["secretary"], poll=poll, counts={"votes": {str(a): 1}, "invalid": 1}, ballots=2
    )
    with pytest.raises(ValidationFailed) as error:
        services.poll_close(actor=world["secretary"], poll=poll)
    assert error.value.code == "paper_count_unconfirmed"
    with pytest.raises(ValidationFailed) as error:
        services.paper_count_confirm(actor=world["secretary"], poll=poll)
    assert error.value.code == "same_person"
    services.paper_count_confirm(actor=world["deputy"], poll=poll)
    poll = services.poll_close(actor=world["secretary"], poll=poll)
    assert out(poll)["valid"] == 2
    assert out(poll)["invalid"] == 1
    votes = {c["key"]: c["votes"] for c in out(poll)["groups"][0]["candidates"]}
    assert votes[a] == 2
    assert votes[b] == 0
    assert out(poll)["elected"] == []  # 2 votes of the 4 delegates present: "more than 1/2" needs 3
    assert out(poll)["required"] == 3


def _tie(world: dict[str, Any], units: tuple[str, str], **kw: Any) -> Poll:
    """3 votes each for the two candidates (ballots may choose two), one seat: a tie among those who pass."""
    poll = make_poll(world, units=units, max_choices=2, seats=1, **kw)
    first, second = (world[k] for k in units)
    vote(world, poll, "centre_a", pick(poll, first, second))
    vote(world, poll, "centre_b", pick(poll, first, second))
    vote(world, poll, "centre_c", pick(poll, first))
    vote(world, poll, "board", pick(poll, second))
    return services.poll_close(actor=world["secretary"], poll=poll)


def test_a_tie_is_decided_by_the_ranking_score(world: dict[str, Any]) -> None:
    poll = _tie(world, ("board", "centre_a"))
    winner = poll.candidates.get(unit=world["centre_a"]).pk
    assert out(poll)["elected"] == [winner]
    assert [c["by_score"] for c in out(poll)["groups"][0]["candidates"] if c["key"] == winner] == [True]
    assert out(poll)["runoffs"] == []
    assert not Poll.objects.filter(runoff_of=poll).exists()


def test_equal_scores_still_tied_go_to_a_run_off(world: dict[str, Any]) -> None:
    poll = _tie(world, ("centre_b", "centre_c"))  # both 92.00 in the ranking
    assert out(poll)["elected"] == []
    assert Poll.objects.get(runoff_of=poll).seats == 1


def test_an_unresolved_tie_creates_a_run_off(world: dict[str, Any]) -> None:
    poll = _tie(world, ("centre_a", "board"), tie_rule=TieRule.RUNOFF)
    assert out(poll)["elected"] == []
    runoff = Poll.objects.get(runoff_of=poll)
    assert runoff.status == PollStatus.DRAFT
    assert set(runoff.candidates.values_list("unit_id", flat=True)) == {world["centre_a"].pk, world["board"].pk}
    assert runoff.seats == 1
    assert runoff.tie_rule == TieRule.RUNOFF
