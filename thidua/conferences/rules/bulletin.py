"""The bulletin of a closed poll: every anonymised ballot, hash-chained, from which anyone can recount.

When a poll closes its ballots are published (issue #4, item 4) so that anyone can recompute the
tally and each voter can find the hash of their receipt code in it. An entry holds a random ballot
id, the weight, the canonical content and the receipt's hash — nothing about who voted. Entries are
chained in the order of their ballot ids, NOT in the order they were cast: the order of casting
would tell who voted when (DESIGN.md, secret ballot invariant). Each link is
sha256(previous link + the entry's canonical serialisation); the first "previous link" is the
sha256 of the poll's identity string given by the caller, so a bulletin cannot be passed off as
another poll's.
"""

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .ballots import PollSpec, canonical_content, parse_ballot
from .errors import RuleViolation
from .tally import Counts, Outcome, tally


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_ballot_id() -> str:
    """A random ballot id (32 hex digits): it says nothing about the voter or the time."""
    return secrets.token_hex(16)


def new_receipt_code() -> str:
    """A random receipt code for the voter to keep (only its hash is stored and published)."""
    return secrets.token_urlsafe(12)


def receipt_hash(receipt: str) -> str:
    """The sha256 hex digest of a receipt code, as stored with the ballot and shown in the bulletin."""
    return _sha256(receipt)


@dataclass(frozen=True)
class BulletinEntry:
    ballot_id: str
    weight: int
    content: str  # canonical_content of the ballot
    receipt_hash: str

    def serialise(self) -> str:
        """The entry as compact JSON with sorted keys: what its link hashes."""
        return json.dumps(
            {
                "ballot_id": self.ballot_id,
                "content": self.content,
                "receipt_hash": self.receipt_hash,
                "weight": self.weight,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )


def bulletin_entries(entries: Iterable[BulletinEntry]) -> list[BulletinEntry]:
    """The entries in bulletin order (by ballot id), checked: ids unique and weights ≥ 1."""
    ordered = sorted(entries, key=lambda e: e.ballot_id)
    for index, entry in enumerate(ordered):
        if not entry.ballot_id or (index and ordered[index - 1].ballot_id == entry.ballot_id):
            raise RuleViolation(
                "duplicate_ballot", _("Every ballot in the bulletin needs its own id."), field="ballot_id"
            )
        if isinstance(entry.weight, bool) or not isinstance(entry.weight, int) or entry.weight < 1:
            raise RuleViolation("invalid_weight", _("A ballot's weight must be a whole number, 1 or more."), "weight")
    return ordered


def genesis(poll_identity: str) -> str:
    """The link before the first entry: sha256 of the poll's identity (e.g. "poll:42:2025-12-20")."""
    return _sha256(poll_identity)


def chain(entries: Sequence[BulletinEntry], *, poll_identity: str) -> list[str]:
    """The link of each entry, in the order given (use `bulletin_entries` to put them in order)."""
    links: list[str] = []
    previous = genesis(poll_identity)
    for entry in entries:
        previous = _sha256(previous + entry.serialise())
        links.append(previous)
    return links


def verify_chain(entries: Sequence[BulletinEntry], links: Sequence[str], *, poll_identity: str) -> int | None:
    """The index of the first entry whose link is wrong or that is out of order; None if all is sound.

    An entry is out of order when its ballot id is not above the one before it (a reordered bulletin
    whose links were recomputed). A missing or extra link counts as broken at the first index where
    entries and links differ in number.
    """
    previous = genesis(poll_identity)
    for index, entry in enumerate(entries):
        if index >= len(links):
            return index
        if index and entry.ballot_id <= entries[index - 1].ballot_id:
            return index
        previous = _sha256(previous + entry.serialise())
        if links[index] != previous:
            return index
    return len(entries) if len(links) != len(entries) else None


def find_receipt(receipt: str, entries: Iterable[BulletinEntry]) -> BulletinEntry | None:
    """The bulletin entry of a voter's receipt code, or None: how a voter checks the ballot was counted."""
    wanted = receipt_hash(receipt)
    return next((e for e in entries if e.receipt_hash == wanted), None)


def recount(
    spec: PollSpec,
    entries: Iterable[BulletinEntry],
    *,
    present_weight: int,
    entitled_weight: int,
    invalid_weight: int = 0,
    blank_weight_extra: int = 0,
    paper: Counts | None = None,
) -> Outcome:
    """The outcome recomputed from the bulletin alone (plus the paper figures, which it does not hold).

    Each entry's content is parsed again and must be in canonical form ("malformed_ballot"
    otherwise), so what was hashed is exactly what is counted.
    """
    ballots = []
    for entry in bulletin_entries(entries):
        try:
            content = json.loads(entry.content)
        except (TypeError, ValueError) as error:
            raise RuleViolation(
                "malformed_ballot", _("The ballot is not in the expected form."), field="content"
            ) from error
        ballot = parse_ballot(spec, content)
        if canonical_content(ballot) != entry.content:
            raise RuleViolation("malformed_ballot", _("The ballot is not in the expected form."), field="content")
        ballots.append((ballot, entry.weight))
    return tally(
        spec,
        ballots,
        present_weight=present_weight,
        entitled_weight=entitled_weight,
        invalid_weight=invalid_weight,
        blank_weight_extra=blank_weight_extra,
        paper=paper,
    )
