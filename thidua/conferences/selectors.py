"""Reads of the conferences app: lists, the roll and quorum, poll progress, candidates to propose, the bulletin.

Every figure a page shows live (who is present, "N of M have voted") is one aggregate query, so the
projector and the secretary's console can poll every few seconds during the session without cost.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from thidua.conferences import rules
from thidua.conferences.models import (
    Ballot,
    CandidateGroup,
    Conference,
    Delegate,
    Poll,
    PollStatus,
    VoteChannel,
    VoterRoll,
)
from thidua.organizations.models import BlockLeadership, BlockYear, LeadershipRole, Unit
from thidua.organizations.rotation import propose_rotation


def conferences_visible_to(user: Any) -> list[Conference]:
    """The conferences the user may see, newest first (permission checked per object, few rows)."""
    rows = Conference.objects.select_related("block_year__block", "block_year__block__owner").order_by(
        "-starts_at", "-id"
    )
    return [c for c in rows if user.has_perm("conferences.view_conference", c)]


@dataclass(frozen=True)
class RollSummary:
    delegates: int
    voters: int  # delegates with a vote
    voters_present: int
    guests: int
    guests_present: int
    present_weight: int
    entitled_weight: int
    quorum_label: str
    quorum_met: bool
    uneven_weights: bool  # voters carry different weights: a ballot's weight can point at its voter


def roll_summary(conference: Conference) -> RollSummary:
    """Who is on the roll and present, and whether the quorum is met: one aggregate query."""
    voting = Q(is_guest=False, weight__gt=0)
    present = Q(checked_in_at__isnull=False)
    figures = conference.delegates.aggregate(
        delegates=Count("id"),
        voters=Count("id", filter=voting),
        voters_present=Count("id", filter=voting & present),
        guests=Count("id", filter=Q(is_guest=True)),
        guests_present=Count("id", filter=Q(is_guest=True) & present),
        present_weight=Sum("weight", filter=voting & present, default=0),
        entitled_weight=Sum("weight", filter=voting, default=0),
        weights=Count("weight", filter=voting, distinct=True),
    )
    uneven = int(figures.pop("weights") or 0) > 1
    quorum = rules.Threshold(
        conference.quorum_numerator, conference.quorum_denominator, strict=conference.quorum_strict
    )
    return RollSummary(
        **{k: int(v or 0) for k, v in figures.items()},
        quorum_label=quorum.label,
        quorum_met=rules.quorum_met(int(figures["present_weight"] or 0), int(figures["entitled_weight"] or 0), quorum),
        uneven_weights=uneven,
    )


def roll(conference: Conference) -> QuerySet[Delegate]:
    """The roll in the order the secretary reads it: member units, then guests."""
    return conference.delegates.select_related("unit", "person", "checked_in_by").order_by(
        "is_guest", "unit__name", "-weight", "full_name", "id"
    )


@dataclass(frozen=True)
class PollProgress:
    voted: int  # delegates on the roll of this poll (electronic and paper)
    voted_paper: int
    voters_present: int  # delegates present with a vote
    voters: int

    @property
    def waiting(self) -> int:
        return max(self.voters_present - self.voted, 0)


def poll_progress(poll: Poll) -> PollProgress:
    """ "N of M have voted": two aggregate queries, no ballot read."""
    voted = poll.roll.aggregate(voted=Count("id"), paper=Count("id", filter=Q(channel=VoteChannel.PAPER)))
    voters = poll.conference.delegates.filter(is_guest=False, weight__gt=0).aggregate(
        voters=Count("id"), present=Count("id", filter=Q(checked_in_at__isnull=False))
    )
    return PollProgress(
        voted=voted["voted"], voted_paper=voted["paper"], voters_present=voters["present"], voters=voters["voters"]
    )


def polls_of(conference: Conference) -> QuerySet[Poll]:
    return (
        conference.polls.select_related("agenda_item", "runoff_of")
        .prefetch_related("candidates__unit")
        .annotate(voted=Count("roll", distinct=True))
        .order_by("created_at", "id")
    )


def open_polls_for(delegate: Delegate) -> list[tuple[Poll, bool]]:
    """The conference's open polls, each with whether this delegate has voted in it."""
    polls = list(
        delegate.conference.polls.filter(status=PollStatus.OPEN)
        .prefetch_related("candidates__unit")
        .order_by("opened_at", "id")
    )
    voted = set(VoterRoll.objects.filter(delegate=delegate, poll__in=polls).values_list("poll_id", flat=True))
    return [(poll, poll.pk in voted) for poll in polls]


def has_voted(poll: Poll, delegate: Delegate) -> bool:
    return VoterRoll.objects.filter(poll=poll, delegate=delegate).exists()


@dataclass(frozen=True)
class BulletinRow:
    ballot_id: str
    weight: int
    content: str
    receipt_hash: str
    link_hash: str


def bulletin(poll: Poll) -> list[BulletinRow]:
    """The published bulletin of a closed poll, in the order of the ballots' random ids (empty while open)."""
    if poll.status != PollStatus.CLOSED:
        return []
    return [
        BulletinRow(str(ballot_id), weight, content, receipt_hash, link_hash)
        for ballot_id, weight, content, receipt_hash, link_hash in Ballot.objects.filter(poll=poll)
        .order_by("id")
        .values_list("id", "weight", "content", "receipt_hash", "link_hash")
    ]


def receipt_in_bulletin(poll: Poll, receipt: str) -> BulletinRow | None:
    """The bulletin line of this receipt (the receipt already normalised), or None."""
    if poll.status != PollStatus.CLOSED:
        return None
    digest = rules.receipt_hash(receipt)
    row = (
        Ballot.objects.filter(poll=poll, receipt_hash=digest)
        .values_list("id", "weight", "content", "receipt_hash", "link_hash")
        .first()
    )
    return BulletinRow(str(row[0]), *row[1:]) if row else None


def candidates_from_ranking(block_year: BlockYear, limit: int | None = None) -> list[Unit]:
    """Member units in ranking order (ranked first, by rank; unranked after, by name)."""
    from thidua.scoring.models import FinalScore

    ranked = list(
        FinalScore.objects.filter(block_year=block_year, rank__isnull=False)
        .select_related("unit")
        .order_by("rank", "unit__name")
    )
    units = [row.unit for row in ranked]
    seen = {u.pk for u in units}
    units += [
        m.unit for m in block_year.memberships.select_related("unit").order_by("unit__name") if m.unit_id not in seen
    ]
    return units[:limit] if limit else units


def candidates_from_rotation(block_year: BlockYear) -> list[tuple[Unit, CandidateGroup]]:
    """Next year's head and deputies as the block's rotation rule proposes them, as (unit, group) pairs.

    With the "elected at the conference" rule nothing is proposed: every member stands for both seats.
    """
    block = block_year.block
    members = list(block_year.memberships.order_by("rotation_position", "unit__name").values_list("unit_id", flat=True))
    leadership = list(BlockLeadership.objects.filter(block_year=block_year).order_by("position"))
    head = next((row.unit_id for row in leadership if row.role == LeadershipRole.HEAD), None)
    deputies = [row.unit_id for row in leadership if row.role == LeadershipRole.DEPUTY]
    proposal = propose_rotation(
        rule=block.rotation_rule, members=members, head=head, deputies=deputies, deputy_count=block.deputy_count
    )
    units = Unit.objects.in_bulk(members)
    if proposal.needs_election or proposal.head is None:
        return [(units[pk], CandidateGroup.HEAD) for pk in members] + [
            (units[pk], CandidateGroup.DEPUTY) for pk in members
        ]
    return [(units[proposal.head], CandidateGroup.HEAD)] + [
        (units[pk], CandidateGroup.DEPUTY) for pk in proposal.deputies
    ]
