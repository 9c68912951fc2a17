"""manage.py poll_verify POLL: check a closed poll's bulletin chain, recount it, and match it against the roll.

Anyone holding the database (an auditor, the block's head after the conference) can run it. It recomputes
the hash chain from the stored ballots (`rules.verify_chain` from the poll's genesis), compares the final
link with the published `bulletin_head`, recounts the outcome from the ballots and the confirmed paper count
(`recount_poll`) and compares it with the stored outcome, and checks that the electronic roll (who voted)
and the ballots (what was voted) agree in number and in weights. Exit code 1 on any mismatch.

Each roll row keeps the weight its delegate had when voting, so a weight changed after the close (allowed
once no poll is open) does not upset the check.
"""

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thidua.conferences import rules
from thidua.conferences.models import Ballot, Poll, PollStatus, VoteChannel, VoterRoll
from thidua.conferences.services import polls as poll_services
from thidua.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = "Verify a closed poll: bulletin hash chain, final hash, recount against the stored outcome, roll vs ballots."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("poll", type=int, help="the id of the poll")

    def handle(self, *args: Any, **options: Any) -> None:
        poll = Poll.objects.select_related("conference").filter(pk=options["poll"]).first()
        if poll is None:
            raise CommandError(f"Poll {options['poll']} does not exist.")
        if poll.status != PollStatus.CLOSED:
            raise CommandError(f"Poll {poll.pk} is not closed: its bulletin is not published yet.")
        self.stdout.write(f"Poll {poll.pk}: {poll.title} ({poll.conference.title})")
        problems = [*self._check_chain(poll), *self._check_outcome(poll), *self._check_roll(poll)]
        if problems:
            for problem in problems:
                self.stderr.write(self.style.ERROR(f"MISMATCH: {problem}"))
            raise CommandError(f"Poll {poll.pk} failed verification: {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS(f"Poll {poll.pk} verified: chain, final hash, recount and roll agree."))

    def _check_chain(self, poll: Poll) -> list[str]:
        rows = sorted(Ballot.objects.filter(poll=poll), key=lambda b: str(b.id))
        entries = [rules.BulletinEntry(str(b.id), b.weight, b.content, b.receipt_hash) for b in rows]
        links = [b.link_hash for b in rows]
        genesis = poll_services.bulletin_genesis(poll)
        problems = []
        broken = rules.verify_chain(entries, links, poll_identity=genesis)
        if broken is not None:
            ballot = entries[broken].ballot_id if broken < len(entries) else "(end)"
            problems.append(f"bulletin chain broken at line {broken + 1} (ballot {ballot}).")
        else:
            self.stdout.write(f"Chain: {len(entries)} ballots, every link recomputed from {genesis!r}.")
        head = rules.chain(entries, poll_identity=genesis)[-1] if entries else rules.genesis(genesis)
        if head != poll.bulletin_head:
            problems.append(
                f"final hash {head} recomputed from the ballots differs from the published {poll.bulletin_head}."
            )
        else:
            self.stdout.write(f"Final hash: {head}")
        return problems

    def _check_outcome(self, poll: Poll) -> list[str]:
        try:
            spec = poll_services.poll_spec(poll)
            outcome = poll_services.recount_as_stored(poll, spec)
        except ValidationFailed as exc:
            return [f"the ballots cannot be recounted: {exc.code} ({exc.message})."]
        if outcome != poll.outcome:
            changed = sorted(
                key
                for key in set(outcome) | set(poll.outcome or {})
                if outcome.get(key) != (poll.outcome or {}).get(key)
            )
            return [f"the recount differs from the stored outcome in: {', '.join(changed)}."]
        self.stdout.write(
            f"Recount: valid {outcome['valid']}, blank {outcome['blank']}, invalid {outcome['invalid']}; "
            f"elected {outcome['elected']} — as stored."
        )
        return []

    def _check_roll(self, poll: Poll) -> list[str]:
        roll_weights = Counter(
            VoterRoll.objects.filter(poll=poll, channel=VoteChannel.ELECTRONIC).values_list("weight", flat=True)
        )
        ballot_weights = Counter(Ballot.objects.filter(poll=poll).values_list("weight", flat=True))
        voters, ballots = sum(roll_weights.values()), sum(ballot_weights.values())
        problems = []
        if voters != ballots:
            problems.append(f"{voters} electronic votes on the roll but {ballots} ballots.")
        elif roll_weights != ballot_weights:
            problems.append(
                f"the weights of the roll {dict(sorted(roll_weights.items()))} differ from the ballots' "
                f"{dict(sorted(ballot_weights.items()))}."
            )
        else:
            paper = VoterRoll.objects.filter(poll=poll, channel=VoteChannel.PAPER).count()
            self.stdout.write(
                f"Roll: {voters} electronic votes and {ballots} ballots, weights match; {paper} on paper."
            )
        return problems
