"""Polls in the organisers' console: prepare (with candidates from the ranking or the rotation), open, follow,
close and read the outcome; and the paper fallback (hand out ballots, print them, enter and confirm the count).

While a poll is open the page shows only "N of M have voted" (polled by htmx), never anything about the
ballots. After the close it shows the outcome recounted from the published bulletin, the sentences that
state the rule and the arithmetic, a bar chart, and the run-off poll when the tie rule created one.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.conferences import rules, selectors
from thidua.conferences.forms import PaperCountForm, PaperIssueForm, PollForm
from thidua.conferences.models import (
    AgendaItem,
    CandidateGroup,
    Delegate,
    PaperCount,
    Poll,
    PollKind,
    PollStatus,
    TieRule,
    VoteChannel,
    VoterRoll,
)
from thidua.conferences.services import polls as services
from thidua.conferences.views.console import MANAGE, call, done, errors_of, form_page, item_for, visible_conference
from thidua.core import web
from thidua.core.charts import bar_chart
from thidua.organizations.models import BlockYear, Unit

LEADING_CANDIDATES = 3  # the leading unit is chosen among the top of the ranking
COMMENDATION_SEATS = 3  # a usual number of units proposed for Bằng khen (editable on the form)
PRESETS = ("leading_unit", "commendation_approval", "commendation_selection", "leadership")


def _poll_for(request: HttpRequest, pk: int) -> Poll:
    poll = get_object_or_404(
        Poll.objects.select_related("conference__block_year__block", "agenda_item", "runoff_of"), pk=pk
    )
    visible_conference(request, poll.conference, MANAGE)
    return poll


def poll_url(poll: Poll, anchor: str = "") -> str:
    return reverse("conferences:poll_detail", args=[poll.pk]) + (f"#{anchor}" if anchor else "")


def _ranked_units(block_year: BlockYear) -> list[tuple[Unit, str]]:
    """Member units in ranking order, each labelled with its rank and score (the candidates' choices)."""
    from thidua.scoring.models import FinalScore

    scores = {row.unit_id: row for row in FinalScore.objects.filter(block_year=block_year)}
    result = []
    for unit in selectors.candidates_from_ranking(block_year):
        score = scores.get(unit.pk)
        if score is not None and score.rank is not None:
            label = _("%(unit)s — rank %(rank)s, %(score)s points") % {
                "unit": unit.name,
                "rank": score.rank,
                "score": rules.format_score(score.ranking_total),
            }
        else:
            label = _("%(unit)s — not ranked") % {"unit": unit.name}
        result.append((unit, label))
    return result


def _preset_initial(preset: str, item: AgendaItem, ranked: Sequence[tuple[Unit, str]]) -> dict[str, Any]:
    """The form's starting point for one of the usual polls of a year-end conference (domain.md §4.4)."""
    block_year = item.conference.block_year
    units = [unit.pk for unit, _label in ranked]
    initial: dict[str, Any] = {
        "kind": PollKind.SELECTION,
        "title": item.title,
        "threshold_rule": "more_half",
        "base": "present",
        "tie_rule": TieRule.HIGHER_SCORE,
        "min_choices": 1,
        "max_choices": 1,
        "seats": 1,
        "candidates": [str(pk) for pk in units],
    }
    if preset == "leading_unit":
        initial.update(
            title=_("Acclaim of the leading unit"), candidates=[str(pk) for pk in units[:LEADING_CANDIDATES]]
        )
    elif preset == "commendation_approval":
        initial.update(
            kind=PollKind.APPROVAL,
            title=_("Approval of the units proposed for certificates of merit"),
            candidates=[str(pk) for pk in units[1:]] or [str(pk) for pk in units],
            min_choices=0,
            max_choices=None,
            seats=None,
        )
    elif preset == "commendation_selection":
        seats = min(COMMENDATION_SEATS, len(units)) or 1
        initial.update(title=_("Units proposed for certificates of merit"), max_choices=seats, seats=seats)
    elif preset == "leadership":
        pairs = selectors.candidates_from_rotation(block_year)
        initial.update(
            kind=PollKind.ELECTION,
            title=_("Next year's head and deputy heads"),
            candidates=[],
            head_candidates=[str(unit.pk) for unit, group in pairs if group == CandidateGroup.HEAD],
            deputy_candidates=[str(unit.pk) for unit, group in pairs if group == CandidateGroup.DEPUTY],
            min_choices=0,
            max_choices=None,
            seats=block_year.block.deputy_count,
        )
    return initial


def _poll_arguments(form: PollForm) -> dict[str, Any]:
    data = form.cleaned_data
    pairs = form.candidate_pairs()
    numerator, denominator, strict = form.fraction()
    max_choices = data["max_choices"]
    if max_choices is None:  # as many as there are candidates, as poll_create does
        max_choices = max(len(pairs), 1)
    return {
        "title": data["title"],
        "candidates": [services.CandidateInput(unit=unit, group=group) for unit, group in pairs],
        "min_choices": data["min_choices"],
        "max_choices": max_choices,
        "seats": data["seats"],
        "threshold": (numerator, denominator),
        "threshold_strict": strict,
        "base": data["base"],
        "tie_rule": data["tie_rule"],
    }


@login_required
def poll_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare a poll for an agenda item (?preset= leading_unit, commendation_approval, commendation_selection,
    leadership), with the candidates prefilled from the ranking or the rotation rule."""
    item = item_for(request, pk)
    conference = item.conference
    ranked = _ranked_units(conference.block_year)
    preset = request.GET.get("preset", "")
    form = PollForm(request.POST or None, initial=_preset_initial(preset, item, ranked), units=ranked)
    if request.method == "POST" and form.is_valid():
        poll = call(
            form,
            services.poll_create,
            actor=request.user,
            conference=conference,
            kind=form.cleaned_data["kind"],
            agenda_item=item,
            **_poll_arguments(form),
        )
        if poll is not None:
            return done(request, _("The poll was prepared."), poll_url(poll))
    return form_page(
        request,
        form,
        title=_("New poll for %(item)s") % {"item": item.title},
        cancel_url=reverse("conferences:item_detail", args=[item.pk]),
        conference=conference,
        poll_form=True,
        all_candidate_lists=preset not in PRESETS,
    )


@login_required
def poll_edit(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    ranked = _ranked_units(poll.conference.block_year)
    initial = {
        "title": poll.title,
        "kind": poll.kind,
        "min_choices": poll.min_choices,
        "max_choices": poll.max_choices,
        "seats": poll.seats,
        "base": poll.base,
        "tie_rule": poll.tie_rule,
    }
    form = PollForm(request.POST or None, initial=initial, units=ranked)
    form.set_fraction(poll.threshold_numerator, poll.threshold_denominator, poll.threshold_strict)
    form.set_candidates(list(poll.candidates.order_by("group", "position", "id").values_list("unit_id", "group")))
    form.fields["kind"].disabled = True  # the kind is chosen when the poll is created
    if request.method == "POST" and form.is_valid():
        saved = call(form, services.poll_update, actor=request.user, poll=poll, **_poll_arguments(form))
        if saved is not None:
            return done(request, _("The poll was saved."), poll_url(poll))
    return form_page(
        request,
        form,
        title=_("Edit the poll %(title)s") % {"title": poll.title},
        cancel_url=poll_url(poll),
        conference=poll.conference,
        poll_form=True,
    )


# --- the poll page --------------------------------------------------------------------------------------------------


def _threshold_label(poll: Poll) -> str:
    try:
        return rules.Threshold(poll.threshold_numerator, poll.threshold_denominator, poll.threshold_strict).label
    except rules.RuleViolation:
        return f"{poll.threshold_numerator}/{poll.threshold_denominator}"


def _paper_candidates(poll: Poll) -> list[Delegate]:
    """Present voting delegates who have not voted in this poll (by either channel)."""
    voted = VoterRoll.objects.filter(poll=poll).values("delegate_id")
    return list(
        poll.conference.delegates.filter(is_guest=False, weight__gt=0, checked_in_at__isnull=False)
        .exclude(pk__in=voted)
        .select_related("unit")
        .order_by("unit__name", "full_name", "id")
    )


def _outcome_context(poll: Poll) -> dict[str, Any]:
    outcome = services.recount_poll(poll)
    results = [
        (rules.group_label(group.group) if group.group else "", result)
        for group in outcome.groups
        for result in group.candidates
    ]
    labels = [f"{result.name} ({group})" if group else result.name for group, result in results]
    if poll.kind == PollKind.APPROVAL:
        chart = bar_chart(
            labels,
            [
                (_("Yes"), [result.votes for _group, result in results]),
                (_("No"), [result.no or 0 for _group, result in results]),
                (_("Abstain"), [result.abstain or 0 for _group, result in results]),
            ],
            horizontal=True,
            stacked=True,
            colors=["#198754", "#dc3545", "#6c757d"],
        )
    else:
        chart = bar_chart(labels, [(_("Votes"), [result.votes for _group, result in results])], horizontal=True)
    return {
        "outcome": outcome,
        "rows": [{"group": group, "result": result} for group, result in results],
        "sentences": rules.explain(outcome),
        "chart": chart,
        "elected_names": [outcome.result(key).name for key in outcome.elected],
    }


def render_poll(
    request: HttpRequest,
    poll: Poll,
    *,
    errors: Sequence[dict[str, str]] = (),
    issue_form: PaperIssueForm | None = None,
    count_form: PaperCountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    candidates = list(poll.candidates.select_related("unit").order_by("group", "position", "id"))
    paper = PaperCount.objects.filter(poll=poll).select_related("entered_by", "confirmed_by").first()
    is_open = poll.status == PollStatus.OPEN
    context: dict[str, Any] = {
        "poll": poll,
        "conference": poll.conference,
        "candidates": candidates,
        "threshold_label": _threshold_label(poll),
        "progress": selectors.poll_progress(poll) if poll.status != PollStatus.DRAFT else None,
        "summary": selectors.roll_summary(poll.conference),
        "paper": paper,
        "paper_issued": VoterRoll.objects.filter(poll=poll, channel=VoteChannel.PAPER).count(),
        "paper_weight": services.paper_weight(poll) if poll.status != PollStatus.DRAFT else 0,
        "action_errors": [*errors, *(errors_of(count_form) if count_form is not None else [])],
        "runoffs": list(poll.runoffs.order_by("created_at", "id")),
    }
    if is_open:
        context["issue_form"] = issue_form or PaperIssueForm(delegates=_paper_candidates(poll))
        if count_form is None:
            initial = PaperCountForm.initial_from(paper.counts, paper.ballots) if paper else {}
            count_form = PaperCountForm(initial=initial, kind=poll.kind, candidates=candidates)
        context["count_form"] = count_form
        context["may_confirm"] = (
            paper is not None and paper.confirmed_by_id is None and paper.entered_by_id != request.user.pk
        )
    if poll.status == PollStatus.CLOSED:
        context.update(_outcome_context(poll))
    return render(request, "conferences/console/poll.html", context, status=status)


@login_required
def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_poll(request, _poll_for(request, pk))


@login_required
def poll_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """ "N of M have voted" (htmx polls it every 3 seconds while the poll is open; no ballot is read)."""
    poll = _poll_for(request, pk)
    context = {"poll": poll, "progress": selectors.poll_progress(poll)}
    return render(request, "conferences/console/_progress.html", context)


def _poll_button(request: HttpRequest, poll: Poll, service: Any, success: str, **kwargs: Any) -> HttpResponse:
    form = web.action_form()
    result = call(form, service, actor=request.user, poll=poll, **kwargs)
    if form.errors:
        poll.refresh_from_db()
        return render_poll(request, poll, errors=errors_of(form), status=400)
    target = result if isinstance(result, Poll) else poll
    return done(request, success, poll_url(target))


@login_required
@require_POST
def poll_open(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    return _poll_button(request, poll, services.poll_open, _("The poll is open: delegates can vote."))


@login_required
@require_POST
def poll_close(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    return _poll_button(request, poll, services.poll_close, _("The poll was closed and counted."))


@login_required
@require_POST
def poll_delete(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    item, conference, title = poll.agenda_item, poll.conference, poll.title
    form = web.action_form()
    call(form, services.poll_delete, actor=request.user, poll=poll)
    if form.errors:
        return render_poll(request, poll, errors=errors_of(form), status=400)
    target = (
        reverse("conferences:item_detail", args=[item.pk])
        if item is not None
        else reverse("conferences:console", args=[conference.pk])
    )
    return done(request, _("The poll “%(title)s” was deleted.") % {"title": title}, target)


# --- the paper fallback ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def paper_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the delegates who take a paper ballot (they can no longer vote on a phone)."""
    poll = _poll_for(request, pk)
    form = PaperIssueForm(request.POST, delegates=_paper_candidates(poll))
    if form.is_valid():
        rows = call(form, services.poll_issue_paper_ballots, actor=request.user, poll=poll, delegates=form.chosen())
        if rows is not None:
            message = _("%(count)s paper ballots were handed out.") % {"count": len(rows)}
            return done(request, message, poll_url(poll, "paper"))
    return render_poll(request, poll, errors=errors_of(form), issue_form=form, status=400)


@login_required
def paper_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper slips to print: one per ballot handed out, with the candidates and boxes, no names."""
    poll = _poll_for(request, pk)
    weights = list(
        VoterRoll.objects.filter(poll=poll, channel=VoteChannel.PAPER)
        .order_by("delegate__weight", "pk")
        .values_list("delegate__weight", flat=True)
    )
    candidates = list(poll.candidates.select_related("unit").order_by("group", "position", "id"))
    groups = []
    if poll.kind == PollKind.ELECTION:
        for group in (CandidateGroup.HEAD, CandidateGroup.DEPUTY):
            members = [c for c in candidates if c.group == group]
            if members:
                groups.append({"label": group.label, "group": group, "candidates": members})
    else:
        groups.append({"label": "", "group": "", "candidates": candidates})
    context = {
        "poll": poll,
        "conference": poll.conference,
        "slips": weights,
        "groups": groups,
        "threshold_label": _threshold_label(poll),
    }
    return render(request, "conferences/console/paper_ballots.html", context)


@login_required
@require_POST
def paper_count(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    candidates = list(poll.candidates.select_related("unit").order_by("group", "position", "id"))
    form = PaperCountForm(request.POST, kind=poll.kind, candidates=candidates)
    if form.is_valid():
        count = call(
            form,
            services.paper_count_enter,
            actor=request.user,
            poll=poll,
            counts=form.counts(),
            ballots=form.cleaned_data["ballots"],
        )
        if count is not None:
            message = _("The paper count was entered; another organiser must confirm it.")
            return done(request, message, poll_url(poll, "paper"))
    return render_poll(request, poll, count_form=form, status=400)


@login_required
@require_POST
def paper_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_for(request, pk)
    return _poll_button(request, poll, services.paper_count_confirm, _("The paper count was confirmed."))
