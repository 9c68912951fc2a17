"""Polls: prepare, open (quorum), cast a secret ballot, paper fallback, close (tally + bulletin), run-off.

Casting is the part that must not fail under load or leak. In one transaction it
1. locks the poll row in SHARE mode (PostgreSQL; SQLite serialises writers anyway), so casts run side by side
   but never beside the close, which takes the row exclusively: no ballot can slip in after the count;
2. checks the delegate (on this conference's roll, present, entitled to vote) and parses the content with the
   pure rules (`rules.parse_ballot`);
3. inserts the voter-roll row: the unique (poll, delegate) index refuses a second one, also from another
   process at the same instant (the loser waits for the winner's commit, then fails and rolls back);
4. inserts the ballot: random id, weight, canonical content, the hash of the receipt; no voter, no time.
   On PostgreSQL steps 3 and 4 are one statement (the ballot is inserted only if the roll row was), and the
   reads are hand-written, as a cast is the hot path of a hall (docs/benchmarks.md, "The cheaper cast").
The client chooses an idempotency key (a random UUID) per ballot. Only its hash is kept on the roll row. The
receipt is derived from the key with the server's secret, so a retried request (same key) is recognised and
answered with the same receipt without a second ballot, and nothing stored links the receipt to the roll.
"""

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.conferences import rules
from thidua.conferences.models import (
    AgendaItem,
    Ballot,
    BaseChoice,
    Candidate,
    CandidateGroup,
    Conference,
    ConferenceStatus,
    Delegate,
    PaperCount,
    Poll,
    PollKind,
    PollStatus,
    TieRule,
    VoteChannel,
    VoterRoll,
)
from thidua.core.exceptions import Conflict, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import Unit
from thidua.organizations.services._common import check_choice, clean_text

RECEIPT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0/1/8/9 to confuse with O/I/B/g
POLL_FIELDS = [
    "title",
    "min_choices",
    "max_choices",
    "seats",
    "threshold_numerator",
    "threshold_denominator",
    "threshold_strict",
    "base",
    "tie_rule",
    "agenda_item_id",
]


# --- receipts and keys ---------------------------------------------------------------------------------


def _receipt_body(poll_id: int, key: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"thidua/receipt/{poll_id}/{key}".encode(), "sha256").digest()
    value = int.from_bytes(digest[:10], "big")  # 80 bits → 16 base32 characters, the last one replaced below
    chars = [RECEIPT_ALPHABET[(value >> (5 * i)) & 31] for i in range(15)]
    return "".join(chars)


def _check_char(body: str) -> str:
    return RECEIPT_ALPHABET[hashlib.sha256(body.encode()).digest()[0] & 31]


def receipt_for(poll_id: int, key: str) -> str:
    """The voter's receipt code: 15 characters derived from the key and the server's secret, 1 check character."""
    body = _receipt_body(poll_id, key)
    code = body + _check_char(body)
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def normalise_receipt(text: str) -> str:
    """A receipt typed by a person, in the printed form (upper case, groups of four); "malformed_receipt" if the
    characters or the check character are wrong (a typo or a tampered code)."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -")
    if len(code) != 16 or any(ch not in RECEIPT_ALPHABET for ch in code) or _check_char(code[:15]) != code[15]:
        raise ValidationFailed(
            _("This receipt code is not valid: check the 16 characters."), code="malformed_receipt", field="receipt"
        )
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def _key_hash(poll_id: int, key: str) -> str:
    return hashlib.sha256(f"thidua/idempotency/{poll_id}/{key}".encode()).hexdigest()


def check_idempotency_key(key: Any) -> str:
    """The client's key must be a random UUID (version 4): a guessable key would let a receipt be guessed."""
    try:
        parsed = uuid.UUID(str(key))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationFailed(
            _("The request key must be a random UUID."), code="invalid_idempotency_key", field="idempotency_key"
        ) from exc
    if parsed.version != 4:
        raise ValidationFailed(
            _("The request key must be a random UUID."), code="invalid_idempotency_key", field="idempotency_key"
        )
    return str(parsed)


def bulletin_genesis(poll: Poll) -> str:
    """The identity the bulletin's chain starts from."""
    return f"thidua/poll/{poll.pk}/conference/{poll.conference_id}"


# --- the spec the rules work on --------------------------------------------------------------------------


def threshold_of(poll: Poll) -> rules.Threshold:
    return rules.Threshold(poll.threshold_numerator, poll.threshold_denominator, strict=poll.threshold_strict)


def quorum_of(conference: Conference) -> rules.Threshold:
    return rules.Threshold(conference.quorum_numerator, conference.quorum_denominator, strict=conference.quorum_strict)


def poll_spec(
    poll: Poll, candidates: Sequence[Candidate] | None = None, *, by_position: bool = False
) -> rules.PollSpec:
    """The pure rules' view of a poll: candidates keyed by their id, or by their place in the list when
    `by_position` (rows not saved yet, checked before anything is written)."""
    if candidates is None:
        candidates = list(poll.candidates.select_related("unit").order_by("group", "position", "id"))
    return rules.PollSpec(
        kind=rules.PollKind(poll.kind),
        candidates=[
            rules.Candidate(
                key=index if by_position else c.pk,
                name=c.unit.name,
                group=c.group or None,
                score=c.score,
                rank=c.rank,
                unit=c.unit_id,
            )
            for index, c in enumerate(candidates)
        ],
        threshold=threshold_of(poll),
        base=rules.Base(poll.base),
        tie_rule=rules.TieRule(poll.tie_rule),
        min_choices=poll.min_choices,
        max_choices=poll.max_choices,
        seats=poll.seats,
    )


def roll_weights(conference: Conference) -> tuple[int, int]:
    """(present, entitled) vote weight of the conference's roll."""
    voters = conference.delegates.filter(is_guest=False, weight__gt=0)
    entitled = voters.aggregate(total=Sum("weight"))["total"] or 0
    present = voters.filter(checked_in_at__isnull=False).aggregate(total=Sum("weight"))["total"] or 0
    return int(present), int(entitled)


# --- preparing a poll ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateInput:
    unit: Unit
    group: str = ""


def _check_draft(poll: Poll) -> None:
    if poll.status != PollStatus.DRAFT:
        raise ValidationFailed(_("Only a poll being prepared can be changed."), code="poll_not_draft")


def _check_conference_usable(conference: Conference) -> None:
    if conference.status == ConferenceStatus.CLOSED:
        raise ValidationFailed(_("The conference is closed."), code="conference_closed")


def _clean_poll(data: dict[str, Any], kind: str) -> dict[str, Any]:
    clean = dict(data)
    if "title" in clean:
        clean["title"] = clean_text(clean["title"], field="title", max_length=255, required=True)
    if "base" in clean:
        clean["base"] = check_choice(clean["base"], BaseChoice, field="base")
    if "tie_rule" in clean:
        clean["tie_rule"] = check_choice(clean["tie_rule"], TieRule, field="tie_rule")
    for name in ("min_choices", "max_choices", "seats", "threshold_numerator", "threshold_denominator"):
        value = clean.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000):
            raise ValidationFailed(_("Enter a whole number."), code="invalid", field=name)
    if "threshold_strict" in clean:
        clean["threshold_strict"] = bool(clean["threshold_strict"])
    return clean


def _candidate_rows(poll: Poll, candidates: Sequence[CandidateInput]) -> list[Candidate]:
    """Candidate rows with the ranking's score and rank beside each unit."""
    from thidua.scoring.models import FinalScore

    member_ids = set(poll.conference.block_year.memberships.values_list("unit_id", flat=True))
    scores = {
        row.unit_id: row
        for row in FinalScore.objects.filter(block_year=poll.conference.block_year).only(
            "unit_id", "ranking_total", "rank"
        )
    }
    rows = []
    positions: dict[str, int] = {}
    for entry in candidates:
        group = check_choice(entry.group or "", CandidateGroup, field="candidates")
        if entry.unit.pk not in member_ids:
            raise ValidationFailed(
                _("%(unit)s is not a member of this block.") % {"unit": entry.unit},
                code="not_member",
                field="candidates",
            )
        positions[group] = positions.get(group, 0) + 1
        score = scores.get(entry.unit.pk)
        rows.append(
            Candidate(
                poll=poll,
                unit=entry.unit,
                group=group,
                position=positions[group],
                score=score.ranking_total if score else None,
                rank=score.rank if score else None,
            )
        )
    return rows


@transaction.atomic
def poll_create(
    *,
    actor: Any,
    conference: Conference,
    title: str,
    kind: str,
    candidates: Sequence[CandidateInput],
    agenda_item: AgendaItem | None = None,
    min_choices: int = 1,
    max_choices: int | None = None,
    seats: int | None = None,
    threshold: tuple[int, int] = (1, 2),
    threshold_strict: bool = True,
    base: str = BaseChoice.PRESENT,
    tie_rule: str = TieRule.HIGHER_SCORE,
    runoff_of: Poll | None = None,
) -> Poll:
    """Prepare a poll with its candidates (each shown with its score and rank from the ranking)."""
    require_perm(actor, "conferences.manage_conference", conference)
    _check_conference_usable(conference)
    kind = check_choice(kind, PollKind, field="kind")
    if agenda_item is not None and agenda_item.conference_id != conference.pk:
        raise ValidationFailed(
            _("The item is not on this conference's agenda."), code="wrong_conference", field="agenda_item"
        )
    if max_choices is None:
        max_choices = len(candidates) if kind != PollKind.ELECTION else max(len(candidates), 1)
    data = _clean_poll(
        {
            "title": title,
            "min_choices": min_choices,
            "max_choices": max_choices,
            "seats": seats,
            "threshold_numerator": threshold[0],
            "threshold_denominator": threshold[1],
            "threshold_strict": threshold_strict,
            "base": base,
            "tie_rule": tie_rule,
        },
        kind,
    )
    poll = Poll(conference=conference, agenda_item=agenda_item, kind=kind, runoff_of=runoff_of, **data)
    rows = _candidate_rows(poll, candidates)
    poll_spec(poll, rows, by_position=True)  # the rules decide whether limits, seats and groups fit
    poll.save()
    for row in rows:
        row.poll = poll
    Candidate.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="poll.create",
        obj=poll,
        changes={
            "conference": conference.pk,
            "kind": kind,
            **{k: v for k, v in data.items()},
            "candidates": [(row.unit_id, row.group) for row in rows],
            "runoff_of": runoff_of.pk if runoff_of else None,
        },
    )
    return poll


@transaction.atomic
def poll_update(*, actor: Any, poll: Poll, candidates: Sequence[CandidateInput] | None = None, **changes: Any) -> Poll:
    """Change a poll being prepared: its question, limits, rule, base, tie rule or candidates."""
    require_perm(actor, "conferences.manage_conference", poll.conference)
    _check_conference_usable(poll.conference)
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _check_draft(poll)
    if "threshold" in changes:
        changes["threshold_numerator"], changes["threshold_denominator"] = changes.pop("threshold")
    if "agenda_item" in changes:
        item = changes.pop("agenda_item")
        if item is not None and item.conference_id != poll.conference_id:
            raise ValidationFailed(
                _("The item is not on this conference's agenda."), code="wrong_conference", field="agenda_item"
            )
        changes["agenda_item_id"] = item.pk if item else None
    unknown = set(changes) - set(POLL_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field: %(field)s") % {"field": sorted(unknown)[0]}, code="unknown_field")
    data = _clean_poll(changes, poll.kind)
    before = {name: getattr(poll, name) for name in POLL_FIELDS}
    before_candidates = list(poll.candidates.order_by("group", "position").values_list("unit_id", "group"))
    for name, value in data.items():
        setattr(poll, name, value)
    rows = _candidate_rows(poll, candidates) if candidates is not None else list(poll.candidates.select_related("unit"))
    poll_spec(poll, rows, by_position=True)  # the rules decide whether limits, seats and groups fit
    poll.save()
    if candidates is not None:
        poll.candidates.all().delete()
        Candidate.objects.bulk_create(rows)
    after = {name: getattr(poll, name) for name in POLL_FIELDS}
    diff = model_changes(before, after)
    if candidates is not None:
        diff["candidates"] = [before_candidates, [(row.unit_id, row.group) for row in rows]]
    audit_record(actor=actor, action="poll.update", obj=poll, changes=diff)
    return poll


@transaction.atomic
def poll_delete(*, actor: Any, poll: Poll) -> None:
    """Delete a poll still being prepared."""
    require_perm(actor, "conferences.manage_conference", poll.conference)
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _check_draft(poll)
    pk, title, conference_id = poll.pk, poll.title, poll.conference_id
    poll.delete()
    audit_record(
        actor=actor,
        action="poll.delete",
        object_type="conferences.poll",
        object_id=pk,
        object_repr=title,
        changes={"conference": conference_id},
    )


@transaction.atomic
def poll_open(*, actor: Any, poll: Poll) -> Poll:
    """Open the poll for voting; the conference must be in session and the quorum present."""
    conference = poll.conference
    require_perm(actor, "conferences.manage_conference", conference)
    poll = Poll.objects.select_for_update().select_related("conference").get(pk=poll.pk)
    conference = poll.conference  # as it is now, not as the caller last saw it
    _check_draft(poll)
    if conference.status != ConferenceStatus.OPEN:
        raise ValidationFailed(_("Polls open when the conference is in session."), code="conference_not_open")
    poll_spec(poll)  # the candidates and limits still fit
    present, entitled = roll_weights(conference)
    quorum = quorum_of(conference)
    if not rules.quorum_met(present, entitled, quorum):
        raise ValidationFailed(
            _("No quorum: %(present)s of %(entitled)s votes are present; %(rule)s are needed.")
            % {"present": present, "entitled": entitled, "rule": quorum.label},
            code="no_quorum",
        )
    poll.status = PollStatus.OPEN
    poll.opened_at = timezone.now()
    poll.opened_by = actor
    poll.save(update_fields=["status", "opened_at", "opened_by", "updated_at"])
    audit_record(
        actor=actor,
        action="poll.open",
        obj=poll,
        changes={"status": ["draft", "open"], "present": present, "entitled": entitled},
    )
    return poll


# --- casting ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CastResult:
    receipt: str
    replayed: bool  # True: this request repeated one already recorded (same key); nothing new was written


POLL_LOCK_CLASS = 4042  # the namespace of the polls' advisory locks: pg_advisory_xact_lock(class, poll id)


def _poll_gate(poll_id: int, *, exclusive: bool) -> None:
    """PostgreSQL: casts hold the poll's advisory lock shared, the close exclusive, until their commit.

    The row locks alone would let a close starve: a new FOR SHARE locker does not queue behind a waiting
    FOR UPDATE, so a steady stream of casts could hold the close off until the stream stops. The lock
    manager queues advisory locks in order, so the close waits only for the casts already in flight.
    """
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", [POLL_LOCK_CLASS, poll_id % 2**31])


# What a cast reads of the poll (the spec's fields, the status and the audit's label), in the model's field
# order as `Model.from_db` wants it; no JSON column, so no value needs a converter. Any other field of the
# returned Poll loads on first use.
CAST_POLL_FIELDS = {
    "id",
    "conference_id",
    "title",
    "kind",
    "status",
    "opened_at",
    "min_choices",
    "max_choices",
    "seats",
    "threshold_numerator",
    "threshold_denominator",
    "threshold_strict",
    "base",
    "tie_rule",
}


def _columns(model: type[Any], attnames: set[str]) -> list[tuple[str, str]]:
    """(attname, quoted column) of the named fields, in the model's order."""
    return [
        (field.attname, connection.ops.quote_name(field.column))
        for field in model._meta.concrete_fields
        if field.attname in attnames
    ]


def _lock_poll_for_cast(poll_id: int) -> Poll:
    """The poll as it is now, held in SHARE mode until the commit (PostgreSQL; SQLite serialises writers)."""
    if connection.vendor != "postgresql":
        return Poll.objects.get(pk=poll_id)
    _poll_gate(poll_id, exclusive=False)
    columns = _columns(Poll, CAST_POLL_FIELDS)
    with connection.cursor() as cursor:
        names = ", ".join(column for _attname, column in columns)  # from the model's own metadata, not input
        cursor.execute(f"SELECT {names} FROM conferences_poll WHERE id = %s FOR SHARE", [poll_id])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        raise Poll.DoesNotExist
    return Poll.from_db(connection.alias, [attname for attname, _column in columns], row)


def _check_voter(poll: Poll, delegate: Delegate) -> None:
    if delegate.conference_id != poll.conference_id:
        raise ValidationFailed(_("You are not a delegate of this conference."), code="not_a_delegate")
    if not delegate.can_vote:
        raise ValidationFailed(_("Guests and delegates without a vote weight do not vote."), code="no_vote")
    if delegate.checked_in_at is None:
        raise ValidationFailed(_("Check in at the conference before voting."), code="not_checked_in")


# The spec of an open poll, per process: an open poll's candidates and limits cannot change (poll_update and
# poll_delete refuse anything but a draft, and candidates are written only by them), and a poll opens once,
# so (id, opened_at) names one immutable spec, in every worker alike. Only `poll_cast` reads it, to parse
# ballots; a unit renamed while the poll is open keeps its former name in this process's refusal messages
# ("X is not a candidate…") until the poll closes, and nothing else.
_OPEN_SPECS: dict[tuple[int, Any], rules.PollSpec] = {}
_OPEN_SPECS_MAX = 64


def open_poll_spec(poll: Poll) -> rules.PollSpec:
    """`poll_spec` of a poll read as open (status and opened_at from the row as it is now), cached per process."""
    if poll.status != PollStatus.OPEN or poll.opened_at is None:
        return poll_spec(poll)
    key = (poll.pk, poll.opened_at)
    spec = _OPEN_SPECS.get(key)
    if spec is None:
        spec = poll_spec(poll)
        if len(_OPEN_SPECS) >= _OPEN_SPECS_MAX:
            _OPEN_SPECS.clear()  # closed polls' specs are never asked for again; a refill costs one query each
        _OPEN_SPECS[key] = spec
    return spec


@dataclass(frozen=True)
class _Voter:
    """The delegate as the cast checks them (read inside the transaction), and their roll row in the poll."""

    delegate: Delegate
    roll: VoterRoll | None


VOTER_SQL = (
    "SELECT d.conference_id, d.is_guest, d.weight, d.checked_in_at, r.channel, r.key_hash"
    " FROM conferences_delegate d"
    " LEFT JOIN conferences_voterroll r ON r.poll_id = %s AND r.delegate_id = d.id"
    " WHERE d.id = %s FOR SHARE OF d"
)
VOTER_FIELDS = ["id", "conference_id", "is_guest", "weight", "checked_in_at"]  # the model's order (from_db)


def _voter(poll: Poll, delegate_id: int) -> _Voter:
    """Fresh from the database: check-in, guest status and weight as they are now, and the roll row if any.

    PostgreSQL: one statement, holding the delegate's row in SHARE mode until the commit, so a check-in being
    undone at this moment either finished first (then the cast sees it) or waits for the cast.
    """
    if connection.vendor != "postgresql":
        delegate = Delegate.objects.get(pk=delegate_id)
        return _Voter(delegate, VoterRoll.objects.filter(poll=poll, delegate=delegate).first())
    with connection.cursor() as cursor:
        cursor.execute(VOTER_SQL, [poll.pk, delegate_id])
        row = cursor.fetchone()
    if row is None:
        raise Delegate.DoesNotExist
    delegate = Delegate.from_db(connection.alias, VOTER_FIELDS, [delegate_id, *row[:4]])
    roll = None
    if row[4] is not None:
        roll = VoterRoll(poll_id=poll.pk, delegate_id=delegate_id, channel=row[4], key_hash=row[5])
    return _Voter(delegate, roll)


RECORD_SQL = (
    "WITH roll AS ("
    " INSERT INTO conferences_voterroll (poll_id, delegate_id, channel, key_hash, weight) VALUES (%s, %s, %s, %s, %s)"
    " ON CONFLICT (poll_id, delegate_id) DO NOTHING RETURNING poll_id"
    ") INSERT INTO conferences_ballot (id, poll_id, weight, content, receipt_hash, link_hash)"
    " SELECT %s, poll_id, %s, %s, %s, '' FROM roll RETURNING id"
)


def _record(poll: Poll, delegate: Delegate, key_hash: str, content: str, receipt: str) -> bool:
    """Write the roll row and the ballot; False (nothing written) when the delegate is already on the roll.

    PostgreSQL: one statement. If another request of the same delegate inserted its roll row first, the
    insert waits for that transaction: committed, ON CONFLICT skips both rows; rolled back, this one goes in.
    SQLite: a savepoint around the roll row (its IntegrityError must not poison the transaction), then the
    ballot.
    """
    receipt_digest = rules.receipt_hash(receipt)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                RECORD_SQL,
                [
                    *(poll.pk, delegate.pk, VoteChannel.ELECTRONIC.value, key_hash, delegate.weight),  # the roll row
                    *(uuid.uuid4(), delegate.weight, content, receipt_digest),  # the ballot
                ],
            )
            return cursor.fetchone() is not None
    try:
        with transaction.atomic():
            VoterRoll.objects.create(
                poll=poll,
                delegate=delegate,
                channel=VoteChannel.ELECTRONIC,
                key_hash=key_hash,
                weight=delegate.weight,
            )
    except IntegrityError:
        return False
    Ballot.objects.create(poll=poll, weight=delegate.weight, content=content, receipt_hash=receipt_digest)
    return True


@transaction.atomic
def poll_cast(*, actor: Any, poll: Poll, delegate: Delegate, content: Any, idempotency_key: str) -> CastResult:
    """Record a delegate's secret ballot and return the receipt; a retry with the same key returns it again.

    `actor` is the signed-in user or None (a delegate card); the caller has resolved `delegate` from either.
    """
    key = check_idempotency_key(idempotency_key)
    return _cast(actor=actor, poll=_lock_poll_for_cast(poll.pk), delegate_id=delegate.pk, content=content, key=key)


@transaction.atomic
def poll_cast_by_card(*, poll_id: int, delegate: Delegate, content: Any, idempotency_key: str) -> CastResult:
    """`poll_cast` for the holder of a delegate card (no actor), given the poll's id: a card opens its own
    conference only, so a poll of another conference, like a poll that does not exist, is Poll.DoesNotExist
    (checked first, before the key), and the poll is read once, already locked."""
    poll = _lock_poll_for_cast(poll_id)
    if poll.conference_id != delegate.conference_id:
        raise Poll.DoesNotExist
    key = check_idempotency_key(idempotency_key)
    return _cast(actor=None, poll=poll, delegate_id=delegate.pk, content=content, key=key)


def _cast(*, actor: Any, poll: Poll, delegate_id: int, content: Any, key: str) -> CastResult:
    """The cast proper, inside the caller's transaction, with the poll locked (see the module docstring).

    The delegate is read again here, whatever the caller holds: a check-in can be undone (for a delegate who
    has not voted) between the caller's read and this transaction, so the caller's copy is not proof of
    presence; weights and guest status are frozen while a poll is open, but the same read gives them.
    """
    key_hash = _key_hash(poll.pk, key)
    receipt = receipt_for(poll.pk, key)
    if poll.status != PollStatus.OPEN:
        # A retry of a ballot recorded before the close still gets its receipt, not an error.
        if VoterRoll.objects.filter(poll=poll, delegate_id=delegate_id, key_hash=key_hash).exists():
            return CastResult(receipt=receipt, replayed=True)
        raise ValidationFailed(_("This poll is not open for voting."), code="poll_not_open")
    voter = _voter(poll, delegate_id)
    delegate = voter.delegate
    _check_voter(poll, delegate)
    if voter.roll is not None:
        return _replay_or_refuse(voter.roll, key_hash, receipt)
    ballot = rules.parse_ballot(open_poll_spec(poll), content)
    if not _record(poll, delegate, key_hash, rules.canonical_content(ballot), receipt):
        # Another request of the same delegate won the race and committed first.
        return _replay_or_refuse(VoterRoll.objects.get(poll=poll, delegate=delegate), key_hash, receipt)
    audit_record(
        actor=actor,
        action="poll.vote_recorded",
        obj=poll,
        changes={"delegate": delegate.pk, "channel": VoteChannel.ELECTRONIC},
    )
    return CastResult(receipt=receipt, replayed=False)


def _replay_or_refuse(existing: VoterRoll, key_hash: str, receipt: str) -> CastResult:
    if existing.channel == VoteChannel.ELECTRONIC and hmac.compare_digest(existing.key_hash, key_hash):
        return CastResult(receipt=receipt, replayed=True)
    raise Conflict(_("You have already voted in this poll."), code="already_voted")


# --- paper fallback ----------------------------------------------------------------------------------------


@transaction.atomic
def poll_issue_paper_ballots(*, actor: Any, poll: Poll, delegates: Sequence[Delegate]) -> list[VoterRoll]:
    """Mark on the roll the delegates who take a paper ballot; they cannot vote electronically any more."""
    require_perm(actor, "conferences.manage_conference", poll.conference)
    poll = _lock_poll_for_cast(poll.pk)
    if poll.status != PollStatus.OPEN:
        raise ValidationFailed(_("This poll is not open for voting."), code="poll_not_open")
    if not delegates:
        raise ValidationFailed(_("Choose at least one delegate."), code="required", field="delegates")
    rows = []
    for delegate in delegates:
        delegate = Delegate.objects.get(pk=delegate.pk)
        _check_voter(poll, delegate)
        if VoterRoll.objects.filter(poll=poll, delegate=delegate).exists():
            raise Conflict(
                _("%(name)s has already voted in this poll.") % {"name": delegate.full_name}, code="already_voted"
            )
        rows.append(
            VoterRoll.objects.create(poll=poll, delegate=delegate, channel=VoteChannel.PAPER, weight=delegate.weight)
        )
    PaperCount.objects.filter(poll=poll).update(confirmed_by=None, confirmed_at=None)  # the count must be redone
    audit_record(
        actor=actor,
        action="poll.issue_paper_ballots",
        obj=poll,
        changes={"delegates": [row.delegate_id for row in rows]},
    )
    return rows


def paper_weight(poll: Poll) -> int:
    """The vote weight of the delegates who took a paper ballot."""
    total = VoterRoll.objects.filter(poll=poll, channel=VoteChannel.PAPER).aggregate(total=Sum("weight"))
    return int(total["total"] or 0)


def _non_negative(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationFailed(_("Enter a whole number, zero or more."), code="invalid_count", field=field)
    return value


def _clean_paper_counts(poll: Poll, spec: rules.PollSpec, counts: Mapping[str, Any], ballots: int) -> dict[str, Any]:
    """Check a paper count against the poll and the paper ballots handed out (all figures are vote weights)."""
    ballots = _non_negative(ballots, "ballots")
    if ballots > paper_weight(poll):
        raise ValidationFailed(
            _("More paper ballots were counted (%(counted)s) than were handed out (%(issued)s).")
            % {"counted": ballots, "issued": paper_weight(poll)},
            code="too_many_paper_ballots",
            field="ballots",
        )
    if not isinstance(counts, Mapping):
        raise ValidationFailed(_("The count is not in the expected form."), code="malformed_count", field="counts")
    blank = _non_negative(counts.get("blank", 0), "blank")
    invalid = _non_negative(counts.get("invalid", 0), "invalid")
    valid = ballots - blank - invalid
    if valid < 0:
        raise ValidationFailed(
            _("Blank and invalid ballots cannot outnumber the ballots counted."), code="count_mismatch", field="blank"
        )
    keys = {str(c.key): c for c in spec.candidates}
    clean: dict[str, Any] = {"blank": blank, "invalid": invalid}
    if poll.kind == PollKind.APPROVAL:
        answers = counts.get("answers", {})
        if not isinstance(answers, Mapping) or set(map(str, answers)) != set(keys):
            raise ValidationFailed(
                _("Enter yes, no and abstain for every candidate."), code="malformed_count", field="counts"
            )
        clean["answers"] = {}
        for key, figures in answers.items():
            if not isinstance(figures, Mapping) or set(figures) != {"yes", "no", "abstain"}:
                raise ValidationFailed(
                    _("Enter yes, no and abstain for every candidate."), code="malformed_count", field="counts"
                )
            row = {name: _non_negative(figures[name], "counts") for name in ("yes", "no", "abstain")}
            if sum(row.values()) != valid:
                raise ValidationFailed(
                    _("For %(name)s, yes + no + abstain must equal the %(valid)s valid ballots.")
                    % {"name": keys[str(key)].label, "valid": valid},
                    code="count_mismatch",
                    field="counts",
                )
            clean["answers"][str(key)] = row
        return clean
    votes = counts.get("votes", {})
    if not isinstance(votes, Mapping) or not set(map(str, votes)) <= set(keys):
        raise ValidationFailed(
            _("The count names a unit that is not a candidate."), code="malformed_count", field="counts"
        )
    clean["votes"] = {}
    for key, value in votes.items():
        number = _non_negative(value, "counts")
        if number > valid:
            raise ValidationFailed(
                _("%(name)s cannot have more votes (%(votes)s) than there are valid ballots (%(valid)s).")
                % {"name": keys[str(key)].label, "votes": number, "valid": valid},
                code="count_mismatch",
                field="counts",
            )
        clean["votes"][str(key)] = number
    return clean


@transaction.atomic
def paper_count_enter(*, actor: Any, poll: Poll, counts: Mapping[str, Any], ballots: int) -> PaperCount:
    """Enter (or re-enter) the paper count; it counts only once another person has confirmed it."""
    require_perm(actor, "conferences.manage_conference", poll.conference)
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.status != PollStatus.OPEN:
        raise ValidationFailed(_("This poll is not open for voting."), code="poll_not_open")
    spec = poll_spec(poll)
    clean = _clean_paper_counts(poll, spec, counts, ballots)
    # The whole count must be possible together with the electronic ballots (choices per ballot, the head and
    # deputy limits, no more ballots than delegates present): the tally's own checks, now rather than at the close.
    present, entitled = roll_weights(poll.conference)
    draft = PaperCount(poll=poll, counts=clean, ballots=ballots)
    rules.tally(
        spec,
        [(rules.parse_ballot(spec, json.loads(c)), w) for c, w in poll.ballots.values_list("content", "weight")],
        present_weight=present,
        entitled_weight=entitled,
        paper=paper_counts(poll, spec, draft, confirmed_only=False),
    )
    previous = PaperCount.objects.filter(poll=poll).first()
    before = (previous.counts, previous.ballots) if previous else None
    count, _created = PaperCount.objects.update_or_create(
        poll=poll,
        defaults={"counts": clean, "ballots": ballots, "entered_by": actor, "confirmed_by": None, "confirmed_at": None},
    )
    audit_record(
        actor=actor,
        action="poll.paper_count_enter",
        obj=poll,
        changes={"before": before, "counts": clean, "ballots": ballots},
    )
    return count


@transaction.atomic
def paper_count_confirm(*, actor: Any, poll: Poll) -> PaperCount:
    """A second person confirms the paper count (not the one who entered it)."""
    require_perm(actor, "conferences.manage_conference", poll.conference)
    count = PaperCount.objects.select_for_update().filter(poll=poll).first()
    if count is None:
        raise ValidationFailed(_("No paper count has been entered."), code="no_paper_count")
    if count.entered_by_id == actor.pk:
        raise ValidationFailed(
            _("The paper count must be confirmed by a second person, not the one who entered it."),
            code="same_person",
        )
    if count.confirmed_by_id is not None:
        raise ValidationFailed(_("The paper count is already confirmed."), code="already_confirmed")
    count.confirmed_by = actor
    count.confirmed_at = timezone.now()
    count.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    audit_record(actor=actor, action="poll.paper_count_confirm", obj=poll, changes={"entered_by": count.entered_by_id})
    return count


# --- closing -----------------------------------------------------------------------------------------------


@transaction.atomic
def poll_close(*, actor: Any, poll: Poll) -> Poll:
    """Close the poll: count, chain and publish the bulletin, state the outcome; open a run-off if the tie rule
    calls for one."""
    require_perm(actor, "conferences.manage_conference", poll.conference)
    _poll_gate(poll.pk, exclusive=True)
    poll = Poll.objects.select_for_update().select_related("conference").get(pk=poll.pk)
    if poll.status != PollStatus.OPEN:
        raise ValidationFailed(_("This poll is not open."), code="poll_not_open")
    paper = PaperCount.objects.filter(poll=poll).first()
    issued = paper_weight(poll)
    if issued and (paper is None or paper.confirmed_by_id is None):
        raise ValidationFailed(
            _("Paper ballots were handed out: enter the paper count and have it confirmed before closing."),
            code="paper_count_unconfirmed",
        )
    spec = poll_spec(poll)
    rows = sorted(poll.ballots.all(), key=lambda b: str(b.id))
    entries = rules.bulletin_entries(rules.BulletinEntry(str(b.id), b.weight, b.content, b.receipt_hash) for b in rows)
    links = rules.chain(entries, poll_identity=bulletin_genesis(poll))
    for row, link in zip(rows, links, strict=True):
        row.link_hash = link
    _rewrite_in_bulletin_order(poll, rows)
    present, entitled = roll_weights(poll.conference)
    outcome = compute_outcome(poll, spec, entries, paper, present=present, entitled=entitled)
    poll.status = PollStatus.CLOSED
    poll.closed_at = timezone.now()
    poll.closed_by = actor
    poll.present_weight = present
    poll.entitled_weight = entitled
    poll.outcome = outcome
    poll.bulletin_head = links[-1] if links else rules.genesis(bulletin_genesis(poll))
    poll.save()
    audit_record(
        actor=actor,
        action="poll.close",
        obj=poll,
        changes={
            "status": ["open", "closed"],
            "ballots": len(rows),
            "paper_ballots": paper.ballots if paper else 0,
            "bulletin_head": poll.bulletin_head,
            "elected": outcome["elected"],
            "runoffs": outcome["runoffs"],
        },
    )
    for runoff in outcome["runoffs"]:
        _create_runoff(actor=actor, poll=poll, runoff=runoff)
    return poll


def _rewrite_in_bulletin_order(poll: Poll, rows: list[Ballot]) -> None:
    """Store the closed poll's ballots afresh, in the order of their random ids, with their chain links.

    While a poll is open its ballot rows lie in the order they came in (SQLite's rowid, PostgreSQL's
    ctid and xmin), and so do the roll's rows and the audit log: someone reading the raw database could
    pair them. Deleting the rows and inserting them again in bulletin order, in one transaction, leaves
    the storage in an order that says nothing about the voters; on SQLite `secure_delete` overwrites the
    freed space (PostgreSQL's old row versions go at the next VACUUM: see docs/architecture.md).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create(
        [
            Ballot(
                id=row.id,
                poll=poll,
                weight=row.weight,
                content=row.content,
                receipt_hash=row.receipt_hash,
                link_hash=row.link_hash,
            )
            for row in rows
        ],
        batch_size=500,
    )


def _create_runoff(*, actor: Any, poll: Poll, runoff: Mapping[str, Any]) -> Poll:
    """A run-off among the tied candidates for the seats left (prepared, to be opened by the secretary)."""
    tied = Candidate.objects.filter(poll=poll, pk__in=runoff["candidates"]).select_related("unit").order_by("position")
    seats = int(runoff["seats"])
    return poll_create(
        actor=actor,
        conference=poll.conference,
        title=_("Run-off: %(title)s") % {"title": poll.title},
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=c.unit, group=c.group) for c in tied],
        agenda_item=poll.agenda_item,
        min_choices=1,
        max_choices=seats,
        seats=seats,
        threshold=(poll.threshold_numerator, poll.threshold_denominator),
        threshold_strict=poll.threshold_strict,
        base=poll.base,
        tie_rule=TieRule.RUNOFF,
        runoff_of=poll,
    )


def paper_counts(
    poll: Poll, spec: rules.PollSpec, paper: PaperCount | None, *, confirmed_only: bool = True
) -> rules.Counts | None:
    """The (confirmed) paper count as the rules' weighted `Counts`; None without one."""
    if paper is None or (confirmed_only and paper.confirmed_by_id is None):
        return None
    figures = paper.counts
    keys = {str(c.key): c.key for c in spec.candidates}
    blank, invalid = int(figures.get("blank", 0)), int(figures.get("invalid", 0))
    valid = paper.ballots - blank - invalid
    if poll.kind == PollKind.APPROVAL:
        answers = figures.get("answers", {})
        return rules.Counts(
            valid=valid,
            blank=blank,
            invalid=invalid,
            votes={keys[k]: int(v["yes"]) for k, v in answers.items()},
            no={keys[k]: int(v["no"]) for k, v in answers.items()},
            abstain={keys[k]: int(v["abstain"]) for k, v in answers.items()},
        )
    return rules.Counts(
        valid=valid,
        blank=blank,
        invalid=invalid,
        votes={keys[k]: int(v) for k, v in figures.get("votes", {}).items()},
    )


def bulletin_of(poll: Poll) -> list[rules.BulletinEntry]:
    """The poll's ballots as bulletin entries, in bulletin order (by ballot id)."""
    return rules.bulletin_entries(
        rules.BulletinEntry(str(ballot_id), weight, content, receipt_hash)
        for ballot_id, weight, content, receipt_hash in poll.ballots.values_list(
            "id", "weight", "content", "receipt_hash"
        )
    )


def recount_poll(poll: Poll, spec: rules.PollSpec | None = None) -> rules.Outcome:
    """The outcome of a closed poll recomputed from its bulletin and confirmed paper count (pages, verification)."""
    spec = spec or poll_spec(poll)
    paper = PaperCount.objects.filter(poll=poll).first()
    return rules.recount(
        spec,
        bulletin_of(poll),
        present_weight=poll.present_weight or 0,
        entitled_weight=poll.entitled_weight or 0,
        paper=paper_counts(poll, spec, paper),
    )


def outcome_to_json(
    outcome: rules.Outcome, spec: rules.PollSpec, quorum: rules.Threshold | None = None
) -> dict[str, Any]:
    """The outcome as stored on the poll (the tally record): every figure, the quorum rule and whether the
    weights present at the close met it, the candidates by id and the elected units by group."""
    units = {c.key: c.unit_key for c in spec.candidates}
    record: dict[str, Any] = {}
    if quorum is not None:
        record["quorum"] = {
            "rule": [quorum.numerator, quorum.denominator, quorum.strict],
            "met": rules.quorum_met(outcome.present, outcome.entitled, quorum),
        }
    return record | {
        "kind": str(outcome.kind),
        "base": str(outcome.base),
        "base_value": outcome.base_value,
        "threshold": [outcome.threshold.numerator, outcome.threshold.denominator, outcome.threshold.strict],
        "required": outcome.required,
        "tie_rule": str(outcome.tie_rule),
        "present": outcome.present,
        "entitled": outcome.entitled,
        "valid": outcome.valid,
        "blank": outcome.blank,
        "invalid": outcome.invalid,
        "groups": [
            {
                "group": group.group,
                "seats": group.seats,
                "elected": list(group.elected),
                "unfilled": group.unfilled,
                "runoff": (
                    {"candidates": list(group.runoff.candidates), "seats": group.runoff.seats} if group.runoff else None
                ),
                "candidates": [
                    {
                        "key": r.key,
                        "votes": r.votes,
                        "no": r.no,
                        "abstain": r.abstain,
                        "passes": r.passes,
                        "elected": r.elected,
                        "by_score": r.by_score,
                        "runoff": r.runoff,
                        "excluded": r.excluded,
                    }
                    for r in group.candidates
                ],
            }
            for group in outcome.groups
        ],
        "elected": list(outcome.elected),
        "elected_by_group": {group.group: [units[k] for k in group.elected] for group in outcome.groups},
        "runoffs": [
            {"group": runoff.group, "candidates": list(runoff.candidates), "seats": runoff.seats}
            for runoff in outcome.runoffs
        ],
    }


def compute_outcome(
    poll: Poll,
    spec: rules.PollSpec,
    entries: Sequence[rules.BulletinEntry],
    paper: PaperCount | None,
    *,
    present: int,
    entitled: int,
) -> dict[str, Any]:
    """Count the poll from its bulletin (what everyone can recount) and the confirmed paper count."""
    outcome = rules.recount(
        spec, entries, present_weight=present, entitled_weight=entitled, paper=paper_counts(poll, spec, paper)
    )
    return outcome_to_json(outcome, spec, quorum_of(poll.conference))


def recount_as_stored(poll: Poll, spec: rules.PollSpec | None = None) -> dict[str, Any]:
    """The tally record of a closed poll recomputed from its bulletin: equal to `poll.outcome` when sound."""
    spec = spec or poll_spec(poll)
    return outcome_to_json(recount_poll(poll, spec), spec, quorum_of(poll.conference))
