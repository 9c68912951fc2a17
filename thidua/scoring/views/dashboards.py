"""Dashboards of a block-year's emulation and scoring: the block's overview and one unit's page.

The block dashboard is for the people who run or oversee the block (and for member units once the
ranking is published): progress of the covenant, registrations and key tasks, how far scoring has
got, the ranking, each unit's profile by criteria group against the block mean, how lenient or strict
each reviewer was, and ranks against last year. The unit dashboard shows one unit its own tasks,
its self-score against the reviews per group and its ranks over the years.

Numbers come from `thidua.scoring.selectors.dashboards` (SQL aggregates); the Chart.js configs are
built here with `thidua.core.charts` and reach the page through `json_script` (no inline script).
"""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from thidua.core import charts, web
from thidua.organizations.models import BlockYear, Unit
from thidua.organizations.permissions import staff_officer_of_unit
from thidua.scoring.models import SheetStatus
from thidua.scoring.selectors import dashboards as selectors
from thidua.scoring.views.sheets import scoring_tabs


def _block_year(pk: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block"), pk=pk)


def _unit_choice(request: HttpRequest, units: list[Unit], ranking: list[Any]) -> Unit | None:
    """The unit whose profile is shown: ?unit= when it is a member, else the best ranked, else the first member."""
    by_id = {unit.pk: unit for unit in units}
    chosen = web.int_param(request, "unit")
    if chosen in by_id:
        return by_id[chosen]
    for score in ranking:
        if score.unit_id in by_id:
            return by_id[score.unit_id]
    return units[0] if units else None


def _ranking_chart(ranking: list[Any]) -> dict[str, Any] | None:
    ranked = [s for s in ranking if s.rank is not None]
    if not ranked:
        return None
    labels = [f"{s.rank}. {s.unit.name}" + (f" ({s.track})" if s.track else "") for s in ranked]
    return charts.bar_chart(
        labels, [(_("Final score"), [selectors.ranking_total(s) for s in ranked])], horizontal=True, y_title=_("Points")
    )


def _profile_chart(profile: selectors.GroupProfile, unit: Unit | None) -> dict[str, Any] | None:
    groups = profile.scored_groups
    if unit is None or not groups or unit.pk not in profile.points:
        return None
    return charts.radar_chart(
        [g.code for g in groups],
        [(unit.name, profile.unit_percent(unit.pk)), (_("Block mean"), profile.block_percent())],
    )


def _profile_rows(profile: selectors.GroupProfile, unit: Unit | None) -> list[tuple[Any, Any, Any]]:
    groups = profile.scored_groups
    unit_values = profile.unit_percent(unit.pk) if unit else [None] * len(groups)
    return list(zip(groups, unit_values, profile.block_percent(), strict=True))


def _scoring_chart(progress: selectors.ScoringProgress) -> dict[str, Any] | None:
    labels = [str(SheetStatus(s).label) for s in SheetStatus.values] + [_("Not started")]
    values = [progress.self_by_status.get(s, 0) for s in SheetStatus.values] + [progress.self_by_status["not_started"]]
    return charts.doughnut_chart(labels, values) if any(values) else None


def _spread_chart(spread: list[selectors.ReviewerSpread]) -> dict[str, Any] | None:
    if not spread:
        return None
    return charts.bar_chart(
        [row.reviewer_name for row in spread],
        [
            (_("Lowest total given"), [row.minimum for row in spread]),
            (_("Mean total given"), [row.mean for row in spread]),
            (_("Highest total given"), [row.maximum for row in spread]),
        ],
        y_title=_("Points"),
    )


def _rank_change_chart(changes: selectors.RankChanges) -> dict[str, Any] | None:
    rows = [row for row in changes.rows if row.change is not None]
    if changes.previous is None or not rows:
        return None
    return charts.bar_chart(
        [row.unit_name for row in rows],
        [(_("Places gained since %(year)s") % {"year": changes.previous.year}, [row.change for row in rows])],
        horizontal=True,
    )


def _task_chart(tasks: list[selectors.UnitTasks]) -> dict[str, Any] | None:
    if not any(row.total for row in tasks):
        return None
    return charts.bar_chart(
        [row.unit.name for row in tasks],
        [
            (_("Completed"), [row.completed for row in tasks]),
            (_("Overdue"), [row.overdue for row in tasks]),
            (_("In progress"), [max(row.total - row.completed - row.overdue, 0) for row in tasks]),
        ],
        horizontal=True,
        stacked=True,
        colors=[charts.SUCCESS, charts.DANGER, charts.PRIMARY],
    )


def _may_see_ranking(user: Any, block_year: BlockYear) -> bool:
    """An earlier year's ranking: to whoever may see it there, or to anyone once it was published."""
    if selectors.published_block_year_ids(block_year_ids=[block_year.pk]):
        return True
    return bool(user.has_perm("scoring.view_ranking", block_year))


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """The block-year at a glance; htmx requests for another unit's profile get only that card."""
    block_year = _block_year(pk)
    web.require(request, "scoring.view_ranking", block_year)
    units = selectors.member_units(block_year=block_year)
    ranking = selectors.ranking_rows(block_year=block_year)
    profile = selectors.group_profile(block_year=block_year)
    chosen = _unit_choice(request, units, ranking)
    profile_chart = _profile_chart(profile, chosen)
    context: dict[str, Any] = {
        "block_year": block_year,
        "scoring_tabs": scoring_tabs(request, block_year, "dashboard"),
        "units": units,
        "chosen_unit": chosen,
        "profile": profile,
        "profile_rows": _profile_rows(profile, chosen),
        "profile_chart": profile_chart,
        "profile_chart_json": json.dumps(profile_chart) if profile_chart else "",
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "profile-card":
        response = render(request, "scoring/dashboards/dashboard.html#profile", context)
        patch_vary_headers(response, ["HX-Request"])
        return response

    emulation = selectors.emulation_progress(block_year=block_year, units=units)
    scoring = selectors.scoring_progress(block_year=block_year, member_count=len(units))
    can_view_reviews = request.user.has_perm("scoring.view_all_sheets", block_year)
    spread = selectors.reviewer_spread(block_year=block_year) if can_view_reviews else []
    changes = selectors.rank_changes(block_year=block_year)
    if changes.previous is not None and not _may_see_ranking(request.user, changes.previous):
        changes = selectors.RankChanges(previous=None, rows=[])
    context.update(
        {
            "emulation": emulation,
            "scoring": scoring,
            "status_rows": [
                (SheetStatus(s).label, scoring.self_by_status.get(s, 0), scoring.review_by_status.get(s))
                for s in SheetStatus.values
            ],
            "ranking": ranking,
            "can_view_reviews": can_view_reviews,
            "spread": spread,
            "changes": changes,
            "task_chart": _task_chart(emulation.tasks),
            "scoring_chart": _scoring_chart(scoring),
            "ranking_chart": _ranking_chart(ranking),
            "spread_chart": _spread_chart(spread),
            "rank_change_chart": _rank_change_chart(changes),
        }
    )
    response = render(request, "scoring/dashboards/dashboard.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def unit_dashboard(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """One member unit: its key tasks, self-score against reviews per criteria group, rank and past ranks.

    Open to those who see every sheet of the block-year and to the unit's own head and clerk (who see
    the reviews of their unit once finalised, and ranks once published).
    """
    block_year = _block_year(pk)
    unit = get_object_or_404(Unit, pk=unit_pk)
    if not block_year.memberships.filter(unit=unit).exists():
        raise Http404
    user = request.user
    sees_all = user.has_perm("scoring.view_all_sheets", block_year)
    if not sees_all and not staff_officer_of_unit(user, unit):
        raise PermissionDenied
    can_view_ranking = user.has_perm("scoring.view_ranking", block_year)
    comparison = selectors.unit_group_comparison(block_year=block_year, unit=unit, finalised_reviews_only=not sees_all)
    scores = selectors.unit_rank_history(unit=unit)
    published = selectors.published_block_year_ids(block_year_ids=[s.block_year_id for s in scores])
    history = [
        score
        for score in scores
        if (can_view_ranking if score.block_year_id == block_year.pk else score.block_year_id in published)
        or user.has_perm("scoring.view_ranking", score.block_year)
    ]
    current = next((score for score in history if score.block_year_id == block_year.pk), None)
    scored = [row for row in comparison if row.self_points is not None or row.review_points is not None]
    group_chart = (
        charts.bar_chart(
            [row.group.code for row in scored],
            [
                (_("Self-score"), [row.self_points for row in scored]),
                (_("Reviews (mean)"), [row.review_points for row in scored]),
                (_("Maximum"), [row.group.maximum for row in scored]),
            ],
            y_title=_("Points"),
        )
        if scored
        else None
    )
    ranked_years = [score for score in history if score.rank is not None]
    history_chart = (
        charts.bar_chart(
            [str(score.block_year.year) for score in ranked_years],
            [(_("Final score"), [selectors.ranking_total(score) for score in ranked_years])],
            y_title=_("Points"),
        )
        if ranked_years
        else None
    )
    context = {
        "block_year": block_year,
        "scoring_tabs": scoring_tabs(request, block_year, ""),
        "unit": unit,
        "tasks": selectors.unit_task_progress(block_year=block_year, unit=unit),
        "key_tasks": selectors.unit_key_tasks(block_year=block_year, unit=unit),
        "comparison": comparison,
        "finalised_reviews_only": not sees_all,
        "current": current,
        "history": history,
        "group_chart": group_chart,
        "history_chart": history_chart,
    }
    return render(request, "scoring/dashboards/unit_dashboard.html", context)
