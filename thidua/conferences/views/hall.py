"""Pages used in the conference hall: the delegate's card and phone, the projector, the bulletin and receipts.

A delegate needs no account: the card's QR code opens `card`, which checks them in and remembers the
seat in the session (hall_session.py), then the phone shows `vote`. Each open poll is a card with its
own htmx ballot: choose → review (the choices in words, asking to confirm) → cast, which calls
`poll_cast` with an idempotency key generated here when the form is rendered and carried through the
steps, so a retried post returns the same receipt instead of a second ballot or an error. Every step
answers with a fragment in a 200 (htmx swaps it in place; without JavaScript the same fragment comes
inside a light page). A small status element polls every 5 s and only swaps in what changed: a poll
that opened is appended, one that closed gets a notice, and a ballot being filled is never replaced.

The projector (organisers) polls a fragment every 2 s that answers 204 while nothing changed. The
bulletin and the receipt check are open to whoever may view the conference and to the session's
delegate; the JSON bulletin carries everything needed to recount with the rules. Nothing here writes
except through the services (`delegate_check_in_by_card`, `poll_cast`).
"""

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.conferences import rules, selectors
from thidua.conferences.models import (
    Candidate,
    CandidateGroup,
    Conference,
    ConferenceStatus,
    Delegate,
    PaperCount,
    Poll,
    PollKind,
    PollStatus,
)
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.views.hall_session import current_delegate, remember_delegate
from thidua.core import charts, web
from thidua.core.exceptions import DomainError, NotFound, ValidationFailed

HALL = "conferences/hall/"


# --- helpers -------------------------------------------------------------------------------------------------------


def _answer_label(answer: str) -> str:
    return {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstain")}.get(answer, answer)


def _message(
    request: HttpRequest,
    *,
    title: str,
    text: str,
    status: int = 200,
    conference: Conference | None = None,
    sign_in: bool = False,
    tone: str = "info",
) -> HttpResponse:
    """A short page in the hall's light layout: a refused card, a session not open, no access."""
    context = {
        "title": title,
        "text": text,
        "conference": conference,
        "tone": tone,
        "login_url": redirect_to_login(request.get_full_path()).url if sign_in else None,
    }
    return render(request, HALL + "message.html", context, status=status)


def _no_access(request: HttpRequest, conference: Conference, *, voting: bool = False) -> HttpResponse:
    """403: neither a delegate of this session nor a user who may see the conference."""
    if voting and request.user.is_authenticated:
        text = _("You are not a delegate of this conference.")
    else:
        text = _(
            "Open this page by scanning the QR code on your delegate card, or sign in with the account "
            "linked to your seat."
        )
    return _message(
        request,
        title=_("No access"),
        text=text,
        status=403,
        conference=conference,
        sign_in=not request.user.is_authenticated,
        tone="warning",
    )


def _conference(pk: int) -> Conference:
    return get_object_or_404(
        Conference.objects.select_related("current_item", "block_year__block"),
        pk=pk,
    )


def _poll(pk: int) -> Poll:
    return get_object_or_404(Poll.objects.select_related("conference__current_item", "agenda_item"), pk=pk)


def _candidates(poll: Poll) -> list[Candidate]:
    """The poll's candidates with their units, in ballot order (head first); uses a prefetch when there is one."""
    prefetched = "candidates" in getattr(poll, "_prefetched_objects_cache", {})
    rows = list(poll.candidates.all() if prefetched else poll.candidates.select_related("unit"))
    return sorted(rows, key=lambda c: (c.group != CandidateGroup.HEAD, c.group, c.position, c.pk))


def _may_view(request: HttpRequest, conference: Conference) -> bool:
    """The bulletin and receipts: for whoever may view the conference, and for the delegate of this session."""
    if request.user.is_authenticated and request.user.has_perm("conferences.view_conference", conference):
        return True
    return current_delegate(request, conference) is not None


def _new_key() -> str:
    return str(uuid.uuid4())


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- ballots: what a form says, what it means ----------------------------------------------------------------------


def _key_of(value: str) -> int | str:
    """A candidate id from a form value (ints stay ints so the rules match them; anything else is refused there)."""
    return int(value) if value.isascii() and value.isdigit() else value


def content_from(poll: Poll, candidates: Sequence[Candidate], data: QueryDict) -> dict[str, Any]:
    """The ballot content the services take, from the fields of the ballot form (or of the review step)."""
    if data.get("blank") == "1":
        return {"blank": True}
    if poll.kind == PollKind.APPROVAL:
        answers = {str(c.pk): data.get(f"answer_{c.pk}", "") for c in candidates}
        return {"answers": {key: answer for key, answer in answers.items() if answer}}
    if poll.kind == PollKind.ELECTION:
        return {
            "head": [_key_of(v) for v in data.getlist("head") if v],
            "deputy": [_key_of(v) for v in data.getlist("deputy") if v],
        }
    return {"choices": [_key_of(v) for v in data.getlist("choice") if v]}


def hidden_fields(poll: Poll, content: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The content as the form fields that produce it again (carried by the review step)."""
    if content.get("blank"):
        return [("blank", "1")]
    if poll.kind == PollKind.APPROVAL:
        return [(f"answer_{key}", str(answer)) for key, answer in content.get("answers", {}).items()]
    if poll.kind == PollKind.ELECTION:
        return [("head", str(k)) for k in content.get("head", [])] + [
            ("deputy", str(k)) for k in content.get("deputy", [])
        ]
    return [("choice", str(k)) for k in content.get("choices", [])]


def describe(poll_kind: str, names: Mapping[str, str], content: Mapping[str, Any]) -> list[str]:
    """A ballot's content in words, one line per choice: what the review step and the bulletin show."""

    def name(key: Any) -> str:
        return names.get(str(key), str(key))

    if content.get("blank"):
        return [_("Blank ballot")]
    if poll_kind == PollKind.APPROVAL:
        answers = content.get("answers", {})
        ordered = [key for key in names if key in answers] + [key for key in answers if key not in names]
        return [
            _("%(name)s: %(answer)s") % {"name": name(key), "answer": _answer_label(str(answers[key]))}
            for key in ordered
        ]
    if poll_kind == PollKind.ELECTION:
        heads = [name(k) for k in content.get("head", [])]
        deputies = [name(k) for k in content.get("deputy", [])]
        return [
            _("Head: %(names)s") % {"names": ", ".join(heads) if heads else _("nobody")},
            _("Deputies: %(names)s") % {"names": ", ".join(deputies) if deputies else _("nobody")},
        ]
    chosen = [name(k) for k in content.get("choices", [])]
    return chosen or [_("No unit chosen")]


def rule_text(poll: Poll, candidates: Sequence[Candidate]) -> str:
    """What the ballot asks, in one sentence."""
    if poll.kind == PollKind.APPROVAL:
        text = _("Answer yes, no or abstain for each unit.")
        if poll.max_choices and poll.max_choices < len(candidates):
            text += " " + ngettext(
                "Answer yes for at most %(max)s unit.", "Answer yes for at most %(max)s units.", poll.max_choices
            ) % {"max": poll.max_choices}
        return text
    if poll.kind == PollKind.ELECTION:
        seats = poll.seats or 0
        return ngettext(
            "Choose one unit as head and at most %(seats)s unit as deputy.",
            "Choose one unit as head and at most %(seats)s units as deputies.",
            seats,
        ) % {"seats": seats}
    low, high = poll.min_choices, poll.max_choices
    if low == high:
        return ngettext("Choose %(count)s unit.", "Choose %(count)s units.", high) % {"count": high}
    if low == 0:
        return ngettext("Choose at most %(max)s unit.", "Choose at most %(max)s units.", high) % {"max": high}
    return _("Choose from %(min)s to %(max)s units.") % {"min": low, "max": high}


@dataclass
class BallotCard:
    """Everything a poll's card needs to draw its ballot, review, receipt or notice."""

    poll: Poll
    candidates: list[Candidate]
    key: str = ""
    step: str = "form"  # form | review | receipt | voted | closed | guest | ended
    error: str = ""
    selected: set[str] = field(default_factory=set)  # SELECTION choices; ELECTION head
    deputies: set[str] = field(default_factory=set)  # ELECTION deputies
    answers: dict[str, str] = field(default_factory=dict)  # APPROVAL
    lines: list[str] = field(default_factory=list)  # review: the choices in words
    hidden: list[tuple[str, str]] = field(default_factory=list)  # review: the fields to post again
    receipt: str = ""
    replayed: bool = False

    @property
    def kind(self) -> str:
        return self.poll.kind

    @property
    def rule(self) -> str:
        return rule_text(self.poll, self.candidates)

    @property
    def multiple(self) -> bool:
        return self.poll.kind == PollKind.SELECTION and self.poll.max_choices > 1

    @property
    def heads(self) -> list[Candidate]:
        return [c for c in self.candidates if c.group == CandidateGroup.HEAD]

    @property
    def deputy_candidates(self) -> list[Candidate]:
        return [c for c in self.candidates if c.group == CandidateGroup.DEPUTY]

    @property
    def answer_choices(self) -> list[tuple[str, str]]:
        return [(value, _answer_label(value)) for value in ("yes", "no", "abstain")]

    @property
    def options(self) -> list[tuple[Candidate, bool]]:
        """SELECTION: each candidate and whether it is ticked."""
        return [(c, str(c.pk) in self.selected) for c in self.candidates]

    @property
    def head_options(self) -> list[tuple[Candidate, bool]]:
        return [(c, str(c.pk) in self.selected) for c in self.heads]

    @property
    def deputy_options(self) -> list[tuple[Candidate, bool]]:
        return [(c, str(c.pk) in self.deputies) for c in self.deputy_candidates]

    @property
    def approval_rows(self) -> list[tuple[Candidate, str]]:
        """APPROVAL: each candidate with the answer given so far ("" for none)."""
        return [(c, self.answers.get(str(c.pk), "")) for c in self.candidates]


def _ballot(poll: Poll, *, data: QueryDict | None = None, **values: Any) -> BallotCard:
    """A ballot card; with `data`, the form pre-filled from a previous step."""
    ballot = BallotCard(poll=poll, candidates=_candidates(poll), **values)
    if data is not None:
        if poll.kind == PollKind.APPROVAL:
            ballot.answers = {str(c.pk): data.get(f"answer_{c.pk}", "") for c in ballot.candidates}
        elif poll.kind == PollKind.ELECTION:
            ballot.selected = set(data.getlist("head"))
            ballot.deputies = set(data.getlist("deputy"))
        else:
            ballot.selected = set(data.getlist("choice"))
    if ballot.step == "form" and not ballot.key:
        ballot.key = _new_key()
    return ballot


def _card_ballot(poll: Poll, delegate: Delegate, voted: bool) -> BallotCard:
    """The first state of a poll's card on the phone."""
    if poll.status != PollStatus.OPEN:
        return _ballot(poll, step="closed")
    if not delegate.can_vote:
        return _ballot(poll, step="guest")
    if voted:
        return _ballot(poll, step="voted")
    return _ballot(poll)


def _ballot_response(request: HttpRequest, ballot: BallotCard, *, status: int = 200) -> HttpResponse:
    """A ballot step: the fragment for htmx (always 200, so htmx swaps it), a light page without JavaScript."""
    context = {"ballot": ballot, "poll": ballot.poll, "conference": ballot.poll.conference}
    if _is_htmx(request):
        response = render(request, HALL + "_ballot.html", context)
    else:
        response = render(request, HALL + "ballot_page.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- card and phone ------------------------------------------------------------------------------------------------


@require_GET
def card(request: HttpRequest, token: str) -> HttpResponse:
    """The URL in a delegate card's QR code: check the delegate in, remember the seat, go to the ballot."""
    try:
        delegate = delegate_services.delegate_from_card(token)
    except NotFound as exc:
        return _message(request, title=_("Delegate card"), text=str(exc.message), status=404, tone="danger")
    conference = delegate.conference
    if conference.status == ConferenceStatus.PLANNED:
        return _message(
            request,
            title=conference.title,
            text=_("Check-in opens when the session starts. Scan your card again then."),
            conference=conference,
        )
    if conference.status == ConferenceStatus.CLOSED:
        return _message(request, title=conference.title, text=_("The conference is closed."), conference=conference)
    try:
        delegate = delegate_services.delegate_check_in_by_card(token=token)
    except NotFound as exc:
        return _message(request, title=_("Delegate card"), text=str(exc.message), status=404, tone="danger")
    except DomainError as exc:
        return _message(request, title=conference.title, text=str(exc.message), status=409, conference=conference)
    remember_delegate(request, delegate)
    return redirect("conferences:vote", conference.pk)


def _vote_state(conference: Conference, delegate: Delegate, poll_ids: Sequence[int]) -> str:
    """What the phone shows besides the ballots: the status poller answers 204 while it is unchanged."""
    present = "1" if delegate.checked_in_at else "0"
    return f"{conference.status}-{conference.current_item_id or 0}-{present}-{'.'.join(map(str, poll_ids))}"


def _state_poll_ids(state: str) -> set[int]:
    tail = state.rsplit("-", 1)[-1] if state else ""
    return {int(part) for part in tail.split(".") if part.isdigit()}


def _vote_context(conference: Conference, delegate: Delegate) -> dict[str, Any]:
    rows = selectors.open_polls_for(delegate)
    return {
        "conference": conference,
        "delegate": delegate,
        "ballots": [_card_ballot(poll, delegate, voted) for poll, voted in rows],
        "state": _vote_state(conference, delegate, [poll.pk for poll, _voted in rows]),
    }


@require_GET
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The delegate's phone: who they are, the current agenda item and a ballot for each open poll."""
    conference = _conference(pk)
    delegate = current_delegate(request, conference)
    if delegate is None:
        return _no_access(request, conference, voting=True)
    return render(request, HALL + "vote.html", _vote_context(conference, delegate))


@require_GET
def vote_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled every 5 s by the phone: 204 while nothing changed, else the changes (htmx out-of-band swaps)."""
    conference = _conference(pk)
    delegate = current_delegate(request, conference)
    if delegate is None:
        return render(request, HALL + "vote_status.html", {"conference": conference, "ended": True})
    asked = request.GET.get("state", "")
    open_ids = list(
        conference.polls.filter(status=PollStatus.OPEN).order_by("opened_at", "id").values_list("pk", flat=True)
    )
    if asked == _vote_state(conference, delegate, open_ids):
        return HttpResponse(status=204)  # the common answer: one small query, no ballot drawn
    context = _vote_context(conference, delegate)
    known = _state_poll_ids(asked)
    context["added"] = [ballot for ballot in context["ballots"] if ballot.poll.pk not in known]
    context["gone"] = sorted(known - {ballot.poll.pk for ballot in context["ballots"]})
    response = render(request, HALL + "vote_status.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _voter(request: HttpRequest, pk: int) -> tuple[Poll, Delegate | None]:
    poll = _poll(pk)
    return poll, current_delegate(request, poll.conference)


def _precondition(poll: Poll, delegate: Delegate | None) -> BallotCard | None:
    """The step to show instead of the ballot when it cannot be cast (read-only checks; the service re-checks)."""
    if delegate is None:
        return _ballot(poll, step="ended")
    if poll.status != PollStatus.OPEN:
        return _ballot(poll, step="closed")
    if not delegate.can_vote:
        return _ballot(poll, step="guest")
    if selectors.has_voted(poll, delegate):
        return _ballot(poll, step="voted")
    return None


def _ended_status(ballot: BallotCard) -> int:
    return 403 if ballot.step == "ended" else 200


@require_POST
def ballot_review(request: HttpRequest, poll: int) -> HttpResponse:
    """Step 2: the choices in words, with the key carried on, asking to confirm (nothing is written)."""
    poll_obj, delegate = _voter(request, poll)
    blocked = _precondition(poll_obj, delegate)
    if blocked is not None:
        return _ballot_response(request, blocked, status=_ended_status(blocked))
    assert delegate is not None
    key = request.POST.get("key", "")
    candidates = _candidates(poll_obj)
    content = content_from(poll_obj, candidates, request.POST)
    try:
        rules.parse_ballot(poll_services.poll_spec(poll_obj, candidates), content)
        if delegate.checked_in_at is None:
            raise ValidationFailed(_("Check in at the conference before voting."), code="not_checked_in")
    except ValidationFailed as exc:
        ballot = _ballot(poll_obj, data=request.POST, key=key, error=str(exc.message))
        return _ballot_response(request, ballot, status=400)
    names = {str(c.pk): c.unit.name for c in candidates}
    ballot = _ballot(
        poll_obj,
        step="review",
        key=key,
        lines=describe(poll_obj.kind, names, content),
        hidden=hidden_fields(poll_obj, content),
    )
    return _ballot_response(request, ballot)


@require_POST
def ballot_edit(request: HttpRequest, poll: int) -> HttpResponse:
    """Back from the review: the form again, with the same choices and the same key."""
    poll_obj, delegate = _voter(request, poll)
    blocked = _precondition(poll_obj, delegate)
    if blocked is not None:
        return _ballot_response(request, blocked, status=_ended_status(blocked))
    return _ballot_response(request, _ballot(poll_obj, data=request.POST, key=request.POST.get("key", "")))


@require_POST
def ballot_cast(request: HttpRequest, poll: int) -> HttpResponse:
    """Step 3: cast through `poll_cast` with the form's key; the receipt, or the reason in place."""
    poll_obj, delegate = _voter(request, poll)
    if delegate is None:
        return _ballot_response(request, _ballot(poll_obj, step="ended"), status=403)
    key = request.POST.get("key", "")
    candidates = _candidates(poll_obj)
    content = content_from(poll_obj, candidates, request.POST)
    actor = request.user if request.user.is_authenticated else None
    try:
        result = poll_services.poll_cast(
            actor=actor, poll=poll_obj, delegate=delegate, content=content, idempotency_key=key
        )
    except DomainError as exc:
        if exc.code == "already_voted":
            return _ballot_response(request, _ballot(poll_obj, step="voted", error=str(exc.message)), status=409)
        if exc.code == "poll_not_open":
            poll_obj.refresh_from_db(fields=["status"])
            return _ballot_response(request, _ballot(poll_obj, step="closed", error=str(exc.message)), status=400)
        if exc.code == "invalid_idempotency_key":
            key = ""  # a fresh key with the form
        ballot = _ballot(poll_obj, data=request.POST, key=key, error=str(exc.message))
        return _ballot_response(request, ballot, status=400)
    ballot = _ballot(poll_obj, step="receipt", receipt=result.receipt, replayed=result.replayed)
    return _ballot_response(request, ballot)


# --- projector -----------------------------------------------------------------------------------------------------


@dataclass
class Result:
    """A closed poll's result as the projector shows it."""

    poll: Poll
    elected: list[tuple[str, list[str]]]
    lines: list[str]
    chart: dict[str, Any]
    error: str = ""

    @property
    def chart_json(self) -> str:
        """The chart's config for the canvas's data-chart-config attribute (htmx drops <script> elements it swaps
        in, json_script ones included, so the projector's live fragment carries its chart in the attribute)."""
        return json.dumps(self.chart, ensure_ascii=False)


def _result_chart(outcome: rules.Outcome) -> dict[str, Any]:
    """Votes per candidate as horizontal bars (APPROVAL: yes / no / abstain stacked); whole-number ticks."""
    config = _result_bars(outcome)
    config["options"]["scales"]["x"]["ticks"] = {"precision": 0}
    return config


def _result_bars(outcome: rules.Outcome) -> dict[str, Any]:
    results = outcome.results
    if outcome.kind == rules.PollKind.APPROVAL:
        return charts.bar_chart(
            [r.name for r in results],
            [
                (_("Yes"), [r.votes for r in results]),
                (_("No"), [r.no or 0 for r in results]),
                (_("Abstain"), [r.abstain or 0 for r in results]),
            ],
            horizontal=True,
            stacked=True,
            colors=[charts.SUCCESS, charts.DANGER, "#6c757d"],
        )

    def label(result: rules.CandidateResult) -> str:
        if outcome.kind == rules.PollKind.ELECTION:
            return f"{result.name} ({rules.group_label(result.group)})"
        return result.name

    return charts.bar_chart(
        [label(r) for r in results],
        [(_("Votes"), [r.votes for r in results])],
        horizontal=True,
        colors=[charts.PRIMARY],
    )


def poll_result(poll: Poll) -> Result:
    """The recount of a closed poll from its bulletin: who is elected, the rule and the arithmetic, a chart."""
    try:
        outcome = poll_services.recount_poll(poll)
    except ValidationFailed as exc:
        return Result(poll=poll, elected=[], lines=[], chart={}, error=str(exc.message))
    elected = []
    for group in outcome.groups:
        names = {r.key: r.name for r in group.candidates}
        if group.group == rules.HEAD:
            heading = _("Head")
        elif group.group == rules.DEPUTY:
            heading = _("Deputies")
        elif outcome.kind == rules.PollKind.APPROVAL:
            heading = _("Approved")
        else:
            heading = _("Elected")
        elected.append((heading, [names[key] for key in group.elected]))
    return Result(poll=poll, elected=elected, lines=rules.explain(outcome), chart=_result_chart(outcome))


def _projector_figures(conference: Conference, pinned: int | None) -> dict[str, Any]:
    """The live figures (cheap aggregates) and which closed poll's result to show."""
    polls = list(conference.polls.order_by("opened_at", "id"))
    open_rows = [(poll, selectors.poll_progress(poll)) for poll in polls if poll.status == PollStatus.OPEN]
    closed = [poll for poll in polls if poll.status == PollStatus.CLOSED]
    shown = next((poll for poll in closed if poll.pk == pinned), None)
    if shown is None and not open_rows and closed:
        shown = max(closed, key=lambda p: (p.closed_at is not None, p.closed_at, p.pk))
    summary = selectors.roll_summary(conference)
    signature = json.dumps(
        [
            conference.status,
            conference.current_item_id,
            summary.present_weight,
            summary.entitled_weight,
            [(poll.pk, progress.voted, progress.voters_present) for poll, progress in open_rows],
            shown.pk if shown else None,
        ]
    )
    return {
        "conference": conference,
        "summary": summary,
        "open_rows": open_rows,
        "shown": shown,
        "pinned": pinned,
        "state": hashlib.sha256(signature.encode()).hexdigest()[:16],
    }


def _projector_context(request: HttpRequest, conference: Conference) -> dict[str, Any]:
    web.require(request, "conferences.manage_conference", conference)
    return _projector_figures(conference, web.int_param(request, "poll"))


@login_required
@require_GET
def projector(request: HttpRequest, pk: int) -> HttpResponse:
    """The hall's screen: the agenda item, the quorum, "N of M have voted" live, then the result."""
    conference = _conference(pk)
    context = _projector_context(request, conference)
    context["result"] = poll_result(context["shown"]) if context["shown"] else None
    return render(request, HALL + "projector.html", context)


@login_required
@require_GET
def projector_live(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled every 2 s by the projector: 204 while nothing changed, else the live fragment."""
    conference = _conference(pk)
    context = _projector_context(request, conference)
    if request.GET.get("state") == context["state"]:
        return HttpResponse(status=204)
    context["result"] = poll_result(context["shown"]) if context["shown"] else None
    response = render(request, HALL + "projector.html#live", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- bulletin and receipts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinLine:
    number: int
    row: selectors.BulletinRow
    lines: list[str]


def _bulletin_lines(poll: Poll, candidates: Sequence[Candidate]) -> list[BulletinLine]:
    names = {str(c.pk): c.unit.name for c in candidates}
    result = []
    for number, row in enumerate(selectors.bulletin(poll), start=1):
        try:
            content = json.loads(row.content)
        except ValueError:
            content = {}
        result.append(
            BulletinLine(number, row, describe(poll.kind, names, content if isinstance(content, dict) else {}))
        )
    return result


@require_GET
def bulletin(request: HttpRequest, poll: int) -> HttpResponse:
    """The published bulletin of a closed poll, with the final hash and how to recompute it."""
    poll_obj = _poll(poll)
    conference = poll_obj.conference
    if not _may_view(request, conference):
        return _no_access(request, conference)
    candidates = _candidates(poll_obj)
    genesis = poll_services.bulletin_genesis(poll_obj)
    context = {
        "conference": conference,
        "poll": poll_obj,
        "published": poll_obj.status == PollStatus.CLOSED,
        "lines": _bulletin_lines(poll_obj, candidates) if poll_obj.status == PollStatus.CLOSED else [],
        "genesis": genesis,
        "genesis_hash": rules.genesis(genesis),
    }
    return render(request, HALL + "bulletin.html", context)


def _paper_document(poll: Poll) -> dict[str, Any] | None:
    paper = PaperCount.objects.filter(poll=poll).first()
    if paper is None:
        return None
    return {"ballots": paper.ballots, "counts": paper.counts, "confirmed": paper.confirmed_by_id is not None}


def bulletin_document(poll: Poll) -> dict[str, Any]:
    """The bulletin as data: entries, the poll's identity and spec, enough to recount with the rules."""
    candidates = _candidates(poll)
    genesis = poll_services.bulletin_genesis(poll)
    return {
        "format": "thidua-bulletin/1",
        "poll": {
            "id": poll.pk,
            "title": poll.title,
            "conference": {"id": poll.conference_id, "title": poll.conference.title},
            "status": poll.status,
            "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
            "runoff_of": poll.runoff_of_id,
        },
        "genesis": genesis,
        "genesis_hash": rules.genesis(genesis),
        "bulletin_head": poll.bulletin_head,
        "chain": (
            "link(1) = sha256_hex(genesis_hash + entry(1)); link(n) = sha256_hex(link(n-1) + entry(n)); "
            "entry = the JSON object {ballot_id, content, receipt_hash, weight} with sorted keys, no spaces, "
            "UTF-8; entries in ballot_id order; the last link is bulletin_head."
        ),
        "spec": {
            "kind": poll.kind,
            "candidates": [
                {
                    "id": c.pk,
                    "unit_id": c.unit_id,
                    "name": c.unit.name,
                    "group": c.group,
                    "position": c.position,
                    "score": str(c.score) if c.score is not None else None,
                    "rank": c.rank,
                }
                for c in candidates
            ],
            "min_choices": poll.min_choices,
            "max_choices": poll.max_choices,
            "seats": poll.seats,
            "threshold": {
                "numerator": poll.threshold_numerator,
                "denominator": poll.threshold_denominator,
                "strict": poll.threshold_strict,
            },
            "base": poll.base,
            "tie_rule": poll.tie_rule,
            "present_weight": poll.present_weight,
            "entitled_weight": poll.entitled_weight,
            "paper": _paper_document(poll),
        },
        "entries": [
            {
                "line": number,
                "ballot_id": row.ballot_id,
                "weight": row.weight,
                "content": row.content,
                "receipt_hash": row.receipt_hash,
                "link_hash": row.link_hash,
            }
            for number, row in enumerate(selectors.bulletin(poll), start=1)
        ],
        "outcome": poll.outcome,
    }


@require_GET
def bulletin_json(request: HttpRequest, poll: int) -> HttpResponse:
    """The bulletin to download and recount (JSON)."""
    poll_obj = _poll(poll)
    if not _may_view(request, poll_obj.conference):
        if not request.user.is_authenticated:
            return JsonResponse({"code": "not_authenticated", "message": _("Sign in first.")}, status=403)
        return JsonResponse({"code": "permission_denied", "message": _("You may not see this.")}, status=403)
    if poll_obj.status != PollStatus.CLOSED:
        return JsonResponse(
            {"code": "bulletin_not_published", "message": _("The bulletin is published when the poll closes.")},
            status=409,
        )
    response = JsonResponse(bulletin_document(poll_obj), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="bulletin-poll-{poll_obj.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest, poll: int) -> HttpResponse:
    """Check a receipt code against the published bulletin (posted, so the code stays out of addresses and logs)."""
    poll_obj = _poll(poll)
    conference = poll_obj.conference
    if not _may_view(request, conference):
        return _no_access(request, conference)
    context: dict[str, Any] = {
        "conference": conference,
        "poll": poll_obj,
        "published": poll_obj.status == PollStatus.CLOSED,
        "typed": "",
        "error": "",
        "found": None,
        "checked": False,
    }
    status = 200
    if request.method == "POST":
        context["typed"] = request.POST.get("receipt", "")[:64]
        try:
            code = poll_services.normalise_receipt(context["typed"])
        except ValidationFailed as exc:
            context["error"] = str(exc.message)
            status = 400
        else:
            context["typed"] = code
            if context["published"]:
                context["checked"] = True
                row = selectors.receipt_in_bulletin(poll_obj, code)
                if row is not None:
                    candidates = _candidates(poll_obj)
                    context["found"] = next(
                        line for line in _bulletin_lines(poll_obj, candidates) if line.row.ballot_id == row.ballot_id
                    )
    return render(request, HALL + "receipt.html", context, status=status)
