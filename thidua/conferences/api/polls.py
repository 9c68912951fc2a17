"""Poll endpoints: prepare, open, close, the outcome with its arithmetic, paper fallback, casting, the bulletin.

Casting (`POST /api/polls/{id}/ballots`) is the endpoint that must never confuse a voter. The voter is
the signed-in user's seat on the roll, or the delegate named by the card in `X-Delegate-Card` (no
account needed). The client sends a random UUID (version 4) as `idempotency_key` with each ballot and
keeps it until it has the answer: sending the same ballot again with the same key, because the
network dropped the answer, returns 200 with the same receipt and `replayed: true`, and writes
nothing. A second ballot with another key answers 409 `already_voted`. Every refusal has a stable
`code` and a translated message (poll_not_open, not_a_delegate, not_checked_in, no_vote,
already_voted, too_many_choices, too_few_choices, unknown_candidate, malformed_ballot,
invalid_idempotency_key, invalid_card, card_replaced), and nothing is written.

The bulletin of a closed poll holds everything needed to recount it without this server: the
entries (random id, weight, canonical content, receipt hash, link), the chain's genesis identity and
head, the poll's spec (candidates, limits, threshold, base, tie rule), the present and entitled
weights and the confirmed paper count.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from thidua.api.errors import InvalidReference
from thidua.conferences import rules, selectors
from thidua.conferences.api._common import (
    HALL_AUTH,
    READ_RESPONSES,
    WRITE_RESPONSES,
    FractionOut,
    UnitRef,
    actor,
    card_delegate,
    fields,
    may_manage,
    may_view,
    ref,
    visible_conference,
    visible_poll,
)
from thidua.conferences.models import (
    AgendaItem,
    BaseChoice,
    CandidateGroup,
    Delegate,
    PaperCount,
    Poll,
    PollKind,
    PollStatus,
    TieRule,
)
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from thidua.organizations.models import Unit

router = Router()
POLLS = ["conference-polls"]
VOTING = ["conference-voting"]


# ---------------------------------------------------------------- schemas


class CandidateOut(Schema):
    id: int
    unit: UnitRef
    group: str
    position: int
    score: Decimal | None = Field(None, description="The unit's final score in the block-year's ranking.")
    rank: int | None


class ProgressOut(Schema):
    voted: int
    voted_paper: int
    voters_present: int
    voters: int
    waiting: int
    label: str = Field(..., description='"N/M": delegates who voted / delegates present with a vote.')


class PollOut(Schema):
    id: int
    conference_id: int
    agenda_item_id: int | None
    title: str
    kind: str
    min_choices: int
    max_choices: int
    seats: int | None
    threshold: FractionOut
    base: str
    tie_rule: str
    status: str
    runoff_of_id: int | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    present_weight: int | None
    entitled_weight: int | None
    bulletin_head: str
    candidates: list[CandidateOut]

    @staticmethod
    def resolve_threshold(obj: Poll) -> dict[str, Any]:
        threshold = poll_services.threshold_of(obj)
        return {
            "numerator": threshold.numerator,
            "denominator": threshold.denominator,
            "strict": threshold.strict,
            "label": threshold.label,
        }

    @staticmethod
    def resolve_candidates(obj: Poll) -> list[Any]:
        return sorted(obj.candidates.all(), key=lambda c: (c.group, c.position, c.pk))


class PollDetailOut(PollOut):
    progress: ProgressOut
    has_voted: bool | None = Field(None, description="Whether the caller's seat has voted (null without a seat).")


class CandidateIn(Schema):
    unit_id: int
    group: CandidateGroup = CandidateGroup.NONE


class PollIn(Schema):
    title: str = Field(..., max_length=255)
    kind: PollKind
    candidates: list[CandidateIn]
    agenda_item_id: int | None = None
    min_choices: int = Field(1, ge=0, le=1000)
    max_choices: int | None = Field(None, ge=0, le=1000)
    seats: int | None = Field(None, ge=0, le=1000)
    threshold_numerator: int = Field(1, ge=1, le=1000)
    threshold_denominator: int = Field(2, ge=1, le=1000)
    threshold_strict: bool = True
    base: BaseChoice = BaseChoice.PRESENT
    tie_rule: TieRule = TieRule.HIGHER_SCORE


class PollPatch(Schema):
    title: str | None = Field(None, max_length=255)
    candidates: list[CandidateIn] | None = None
    agenda_item_id: int | None = None
    min_choices: int | None = Field(None, ge=0, le=1000)
    max_choices: int | None = Field(None, ge=0, le=1000)
    seats: int | None = Field(None, ge=0, le=1000)
    threshold_numerator: int | None = Field(None, ge=1, le=1000)
    threshold_denominator: int | None = Field(None, ge=1, le=1000)
    threshold_strict: bool | None = None
    base: BaseChoice | None = None
    tie_rule: TieRule | None = None


class OutcomeOut(Schema):
    poll_id: int
    status: str
    outcome: dict[str, Any] = Field(..., description="The outcome stored at the close (every figure).")
    explanation: list[str] = Field(..., description="The rule and the arithmetic, sentence by sentence.")
    bulletin_head: str


class PaperBallotsIn(Schema):
    delegate_ids: list[int]


class PaperBallotsOut(Schema):
    issued: list[int] = Field(..., description="The delegates marked on the roll as having taken a paper ballot.")
    progress: ProgressOut


class PaperCountIn(Schema):
    counts: dict[str, Any] = Field(
        ...,
        description='{"votes": {candidate_id: n}, "blank": n, "invalid": n}, or for yes/no/abstain polls '
        '{"answers": {candidate_id: {"yes": n, "no": n, "abstain": n}}, "blank": n, "invalid": n}.',
    )
    ballots: int = Field(..., ge=0)


class PaperCountOut(Schema):
    poll_id: int
    counts: dict[str, Any]
    ballots: int
    entered_by: str
    confirmed_by: str | None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_entered_by(obj: PaperCount) -> str:
        return obj.entered_by.get_username()

    @staticmethod
    def resolve_confirmed_by(obj: PaperCount) -> str | None:
        return obj.confirmed_by.get_username() if obj.confirmed_by is not None else None


class CastIn(Schema):
    content: Any = Field(
        None,
        description='Selection {"choices": [candidate_id, …]}; approval {"answers": {candidate_id: '
        '"yes"|"no"|"abstain"}}; election {"head": [id], "deputy": [id, …]}; a blank ballot {"blank": true}.',
    )
    idempotency_key: str = Field(
        "", max_length=100, description="A random UUID (version 4) chosen by the client; send it again on a retry."
    )


class CastOut(Schema):
    receipt: str = Field(..., description="Keep it: after the close, find its hash in the bulletin.")
    replayed: bool = Field(..., description="True: a retry of a ballot already recorded (nothing new written).")


class BulletinEntryOut(Schema):
    ballot_id: str
    weight: int
    content: str
    receipt_hash: str
    link_hash: str


class SpecCandidateOut(Schema):
    key: int
    name: str
    group: str | None
    score: Decimal | None
    rank: int | None
    unit: int | None


class SpecOut(Schema):
    kind: str
    candidates: list[SpecCandidateOut]
    threshold: FractionOut
    base: str
    tie_rule: str
    min_choices: int
    max_choices: int | None
    seats: int | None


class PaperFiguresOut(Schema):
    counts: dict[str, Any]
    ballots: int


class BulletinOut(Schema):
    poll_id: int
    genesis_identity: str = Field(..., description="The chain starts from sha256 of this string.")
    genesis: str
    head: str = Field(..., description="The link of the last entry (the genesis when there is no ballot).")
    spec: SpecOut
    present_weight: int
    entitled_weight: int
    paper: PaperFiguresOut | None = Field(None, description="The confirmed paper count, if any.")
    entries: list[BulletinEntryOut]


class ReceiptIn(Schema):
    receipt: str = Field(..., max_length=64)


class ReceiptOut(Schema):
    receipt: str
    entry: BulletinEntryOut


# ---------------------------------------------------------------- helpers


def _progress(poll: Poll) -> dict[str, Any]:
    progress = selectors.poll_progress(poll)
    return {
        "voted": progress.voted,
        "voted_paper": progress.voted_paper,
        "voters_present": progress.voters_present,
        "voters": progress.voters,
        "waiting": progress.waiting,
        "label": f"{progress.voted}/{progress.voters_present}",
    }


def _seat(request: HttpRequest, poll: Poll) -> Any:
    """The caller's delegate seat in the poll's conference: the card's delegate, or the user's (None)."""
    delegate = card_delegate(request)
    if delegate is not None:
        return delegate
    return delegate_services.delegate_for_user(poll.conference, actor(request))


def _poll_detail(request: HttpRequest, poll_id: int) -> Poll:
    """The poll as PollDetailOut reads it: candidates loaded, the progress and the caller's vote beside it."""
    poll = visible_poll(request, poll_id)
    poll = Poll.objects.prefetch_related("candidates__unit").get(pk=poll.pk)
    seat = _seat(request, poll)
    poll.progress = _progress(poll)  # type: ignore[attr-defined]
    poll.has_voted = selectors.has_voted(poll, seat) if seat is not None else None  # type: ignore[attr-defined]
    return poll


def _candidates(entries: list[CandidateIn]) -> list[poll_services.CandidateInput]:
    units = Unit.objects.in_bulk([entry.unit_id for entry in entries])
    result = []
    for entry in entries:
        if entry.unit_id not in units:
            raise InvalidReference(field="candidates")
        result.append(poll_services.CandidateInput(unit=units[entry.unit_id], group=str(entry.group.value)))
    return result


def _require_manage(request: HttpRequest, poll: Poll) -> None:
    if not may_manage(request, poll.conference):
        raise PermissionDenied()


def _require_closed(poll: Poll) -> None:
    if poll.status != PollStatus.CLOSED:
        raise Conflict(_("The results are published when the poll closes."), code="poll_not_closed")


def _entry(row: selectors.BulletinRow) -> dict[str, Any]:
    return {
        "ballot_id": row.ballot_id,
        "weight": row.weight,
        "content": row.content,
        "receipt_hash": row.receipt_hash,
        "link_hash": row.link_hash,
    }


def _spec(spec: rules.PollSpec) -> dict[str, Any]:
    return {
        "kind": str(spec.kind),
        "candidates": [
            {"key": c.key, "name": c.name, "group": c.group, "score": c.score, "rank": c.rank, "unit": c.unit}
            for c in spec.candidates
        ],
        "threshold": {
            "numerator": spec.threshold.numerator,
            "denominator": spec.threshold.denominator,
            "strict": spec.threshold.strict,
            "label": spec.threshold.label,
        },
        "base": str(spec.base),
        "tie_rule": str(spec.tie_rule),
        "min_choices": spec.min_choices,
        "max_choices": spec.max_choices,
        "seats": spec.seats,
    }


# ---------------------------------------------------------------- polls


@router.get(
    "/conferences/{conference_id}/polls",
    response={200: list[PollOut], **READ_RESPONSES},
    tags=POLLS,
    auth=HALL_AUTH,
    summary="The conference's polls (also with a delegate card)",
)
def poll_list(request: HttpRequest, conference_id: int) -> list[Poll]:
    return list(selectors.polls_of(visible_conference(request, conference_id)))


@router.post("/conferences/{conference_id}/polls", response={201: PollDetailOut, **WRITE_RESPONSES}, tags=POLLS)
def poll_create(request: HttpRequest, conference_id: int, payload: PollIn) -> Status[Poll]:
    conference = visible_conference(request, conference_id)
    data = fields(payload)
    poll = poll_services.poll_create(
        actor=actor(request),
        conference=conference,
        title=data["title"],
        kind=data["kind"],
        candidates=_candidates(payload.candidates),
        agenda_item=ref(AgendaItem, data["agenda_item_id"], field="agenda_item_id", queryset=conference.agenda.all()),
        min_choices=data["min_choices"],
        max_choices=data["max_choices"],
        seats=data["seats"],
        threshold=(data["threshold_numerator"], data["threshold_denominator"]),
        threshold_strict=data["threshold_strict"],
        base=data["base"],
        tie_rule=data["tie_rule"],
    )
    return Status(201, _poll_detail(request, poll.pk))


@router.get(
    "/polls/{poll_id}",
    response={200: PollDetailOut, **READ_RESPONSES},
    tags=POLLS,
    auth=HALL_AUTH,
    summary="A poll, its candidates (score and rank) and the live progress",
)
def poll_detail(request: HttpRequest, poll_id: int) -> Poll:
    return _poll_detail(request, poll_id)


@router.patch("/polls/{poll_id}", response={200: PollDetailOut, **WRITE_RESPONSES}, tags=POLLS)
def poll_update(request: HttpRequest, poll_id: int, payload: PollPatch) -> Poll:
    poll = visible_poll(request, poll_id)
    changes = fields(payload, exclude_unset=True)
    changes.pop("candidates", None)
    candidates = _candidates(payload.candidates) if payload.candidates is not None else None
    if "agenda_item_id" in changes:
        changes["agenda_item"] = ref(
            AgendaItem, changes.pop("agenda_item_id"), field="agenda_item_id", queryset=poll.conference.agenda.all()
        )
    poll_services.poll_update(actor=actor(request), poll=poll, candidates=candidates, **changes)
    return _poll_detail(request, poll_id)


@router.delete("/polls/{poll_id}", response={204: None, **WRITE_RESPONSES}, tags=POLLS)
def poll_delete(request: HttpRequest, poll_id: int) -> Status[None]:
    poll_services.poll_delete(actor=actor(request), poll=visible_poll(request, poll_id))
    return Status(204, None)


@router.post(
    "/polls/{poll_id}/open",
    response={200: PollDetailOut, **WRITE_RESPONSES},
    tags=POLLS,
    summary="Open the poll (the conference in session and the quorum present)",
)
def poll_open(request: HttpRequest, poll_id: int) -> Poll:
    poll_services.poll_open(actor=actor(request), poll=visible_poll(request, poll_id))
    return _poll_detail(request, poll_id)


@router.post(
    "/polls/{poll_id}/close",
    response={200: PollDetailOut, **WRITE_RESPONSES},
    tags=POLLS,
    summary="Close the poll: count, publish the bulletin, open a run-off if the tie rule calls for one",
)
def poll_close(request: HttpRequest, poll_id: int) -> Poll:
    poll_services.poll_close(actor=actor(request), poll=visible_poll(request, poll_id))
    return _poll_detail(request, poll_id)


@router.get(
    "/polls/{poll_id}/outcome",
    response={200: OutcomeOut, **READ_RESPONSES},
    tags=POLLS,
    auth=HALL_AUTH,
    summary="The outcome of a closed poll, with the rule and the arithmetic recomputed from the bulletin",
)
def poll_outcome(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = visible_poll(request, poll_id)
    _require_closed(poll)
    return {
        "poll_id": poll.pk,
        "status": poll.status,
        "outcome": poll.outcome or {},
        "explanation": rules.explain(poll_services.recount_poll(poll)),
        "bulletin_head": poll.bulletin_head,
    }


# ---------------------------------------------------------------- paper fallback


@router.post(
    "/polls/{poll_id}/paper-ballots",
    response={200: PaperBallotsOut, **WRITE_RESPONSES},
    tags=POLLS,
    summary="Mark on the roll the delegates who take a paper ballot",
)
def poll_issue_paper_ballots(request: HttpRequest, poll_id: int, payload: PaperBallotsIn) -> dict[str, Any]:
    poll = visible_poll(request, poll_id)
    on_roll = poll.conference.delegates.all()
    delegates = [ref(Delegate, pk, field="delegate_ids", queryset=on_roll) for pk in payload.delegate_ids]
    rows = poll_services.poll_issue_paper_ballots(actor=actor(request), poll=poll, delegates=delegates)
    return {"issued": [row.delegate_id for row in rows], "progress": _progress(poll)}


def _paper_count(poll: Poll) -> PaperCount:
    count = PaperCount.objects.select_related("entered_by", "confirmed_by").filter(poll=poll).first()
    if count is None:
        raise NotFound(_("No paper count has been entered."), code="no_paper_count")
    return count


@router.get("/polls/{poll_id}/paper-count", response={200: PaperCountOut, **READ_RESPONSES}, tags=POLLS)
def paper_count_detail(request: HttpRequest, poll_id: int) -> PaperCount:
    poll = visible_poll(request, poll_id)
    _require_manage(request, poll)
    return _paper_count(poll)


@router.put(
    "/polls/{poll_id}/paper-count",
    response={200: PaperCountOut, **WRITE_RESPONSES},
    tags=POLLS,
    summary="Enter (or re-enter) the paper count; a second person confirms it",
)
def paper_count_enter(request: HttpRequest, poll_id: int, payload: PaperCountIn) -> PaperCount:
    poll = visible_poll(request, poll_id)
    poll_services.paper_count_enter(actor=actor(request), poll=poll, counts=payload.counts, ballots=payload.ballots)
    return _paper_count(poll)


@router.post(
    "/polls/{poll_id}/paper-count/confirm",
    response={200: PaperCountOut, **WRITE_RESPONSES},
    tags=POLLS,
    summary="Confirm the paper count (not the person who entered it)",
)
def paper_count_confirm(request: HttpRequest, poll_id: int) -> PaperCount:
    poll = visible_poll(request, poll_id)
    poll_services.paper_count_confirm(actor=actor(request), poll=poll)
    return _paper_count(poll)


# ---------------------------------------------------------------- voting, bulletin, receipts


@router.post(
    "/polls/{poll_id}/ballots",
    response={200: CastOut, 201: CastOut, **WRITE_RESPONSES},
    tags=VOTING,
    auth=HALL_AUTH,
    summary="Cast a secret ballot (signed in, or with the delegate card in X-Delegate-Card)",
)
def poll_cast(request: HttpRequest, poll_id: int, payload: CastIn) -> Status[dict[str, Any]]:
    delegate = card_delegate(request)
    if delegate is not None:
        # The service reads the poll once, locked; a poll of another conference (or none) is 404 from there.
        result = poll_services.poll_cast_by_card(
            poll_id=poll_id, delegate=delegate, content=payload.content, idempotency_key=payload.idempotency_key
        )
        return Status(200 if result.replayed else 201, {"receipt": result.receipt, "replayed": result.replayed})
    poll = Poll.objects.filter(pk=poll_id).select_related("conference").order_by("pk").first()
    if poll is None:
        raise Http404
    user = actor(request)
    delegate = delegate_services.delegate_for_user(poll.conference, user)
    if delegate is None:
        if not may_view(request, poll.conference):
            raise Http404
        raise ValidationFailed(_("You are not a delegate of this conference."), code="not_a_delegate")
    result = poll_services.poll_cast(
        actor=user, poll=poll, delegate=delegate, content=payload.content, idempotency_key=payload.idempotency_key
    )
    return Status(200 if result.replayed else 201, {"receipt": result.receipt, "replayed": result.replayed})


@router.get(
    "/polls/{poll_id}/bulletin",
    response={200: BulletinOut, **READ_RESPONSES},
    tags=VOTING,
    auth=HALL_AUTH,
    summary="The published bulletin of a closed poll: everything needed to recount it",
)
def poll_bulletin(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = visible_poll(request, poll_id)
    _require_closed(poll)
    spec = poll_services.poll_spec(poll)
    paper = PaperCount.objects.filter(poll=poll, confirmed_by__isnull=False).first()
    identity = poll_services.bulletin_genesis(poll)
    return {
        "poll_id": poll.pk,
        "genesis_identity": identity,
        "genesis": rules.genesis(identity),
        "head": poll.bulletin_head,
        "spec": _spec(spec),
        "present_weight": poll.present_weight or 0,
        "entitled_weight": poll.entitled_weight or 0,
        "paper": {"counts": paper.counts, "ballots": paper.ballots} if paper else None,
        "entries": [_entry(row) for row in selectors.bulletin(poll)],
    }


@router.post(
    "/polls/{poll_id}/receipt-check",
    response={200: ReceiptOut, **READ_RESPONSES},
    tags=VOTING,
    auth=HALL_AUTH,
    summary="Find a voter's receipt in the bulletin of a closed poll",
)
def poll_receipt_check(request: HttpRequest, poll_id: int, payload: ReceiptIn) -> dict[str, Any]:
    poll = visible_poll(request, poll_id)
    receipt = poll_services.normalise_receipt(payload.receipt)
    _require_closed(poll)
    row = selectors.receipt_in_bulletin(poll, receipt)
    if row is None:
        raise NotFound(
            _("This receipt is not in the poll's bulletin: check the code, or ask the secretary."),
            code="receipt_not_found",
            field="receipt",
        )
    return {"receipt": receipt, "entry": _entry(row)}
