"""Reads of the movements app: lists with their joins, what a user may see, and the counts the reviews use.

The two summaries (`unit_movement_summary`, `block_movement_summary`) feed the mid-year review and
the year-end report; their names and fields are a contract with those apps. Each runs a fixed
number of queries, aggregating in SQL, whatever the number of units or rows.

What "up to `as_of`" means, row by row:
- a movement counts once it has started (start_date ≤ as_of); a unit has joined it if it also
  joined by then (joined_on ≤ as_of);
- an activity counts from its (first) date;
- a practice counts while it is published: published on or before as_of and not withdrawn by then
  (without as_of: its status now);
- an adoption counts from its date, and a block-year counts the adoptions made in its calendar year.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from thidua.accounts.predicates import grants_of, officer_unit_paths, user_is_admin
from thidua.accounts.roles import Role
from thidua.core.vi_text import search_tokens
from thidua.movements.models import (
    Activity,
    ActivityKind,
    Movement,
    MovementParticipant,
    Practice,
    PracticeAdoption,
    PracticeComment,
    PracticeStatus,
)
from thidua.organizations.models import BlockMembership, BlockYear, Phase, Unit, UnitStatus

STAFF_ROLES = (Role.UNIT_HEAD, Role.UNIT_CLERK)
LEADER_ROLES = (Role.BLOCK_HEAD, Role.BLOCK_DEPUTY)


# ---------------------------------------------------------------- summaries (contract with the reviews)


@dataclass(frozen=True)
class UnitMovementSummary:
    """What one member unit did in the block-year's movements.

    `practices_adopted` counts the practices this unit took up from others (not how often its own
    practices were adopted).
    """

    movements_joined: int
    activities_organised: int
    activities_attended: int
    practices_published: int
    practices_adopted: int


@dataclass(frozen=True)
class BlockMovementSummary:
    """The block-year's movements in numbers; `activities_by_kind` lists every kind, in choice order."""

    movements: int
    activities: int
    activities_by_kind: dict[str, int]
    practices: int
    adoptions: int


def _published_practices(block_year: BlockYear, as_of: dt.date | None) -> QuerySet[Practice]:
    qs = Practice.objects.filter(block_year=block_year)
    if as_of is None:
        return qs.filter(status=PracticeStatus.PUBLISHED)
    return qs.filter(published_at__date__lte=as_of).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__date__gt=as_of)
    )


def _adoptions_in_year(block_year: BlockYear, as_of: dt.date | None) -> QuerySet[PracticeAdoption]:
    qs = PracticeAdoption.objects.filter(adopted_on__year=block_year.year)
    return qs.filter(adopted_on__lte=as_of) if as_of is not None else qs


def _activities(block_year: BlockYear, as_of: dt.date | None) -> QuerySet[Activity]:
    qs = Activity.objects.filter(block_year=block_year)
    return qs.filter(date__lte=as_of) if as_of is not None else qs


def _counts(qs: QuerySet[Any], key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in qs.order_by().values(key).annotate(n=Count("pk"))}


def unit_movement_summary(block_year: BlockYear, *, as_of: dt.date | None = None) -> dict[int, UnitMovementSummary]:
    """Per member unit id (every member, zeros included): movements joined, activities, practices. Six queries."""
    member_ids = list(
        BlockMembership.objects.filter(block_year=block_year)
        .order_by("rotation_position", "id")
        .values_list("unit_id", flat=True)
    )
    joined = MovementParticipant.objects.filter(movement__block_year=block_year)
    if as_of is not None:
        joined = joined.filter(joined_on__lte=as_of, movement__start_date__lte=as_of)
    attended = Activity.participants.through.objects.filter(activity__block_year=block_year)
    if as_of is not None:
        attended = attended.filter(activity__date__lte=as_of)
    movements_joined = _counts(joined, "unit_id")
    organised = _counts(_activities(block_year, as_of), "organiser_id")
    attended_counts = _counts(attended, "unit_id")
    published = _counts(_published_practices(block_year, as_of), "unit_id")
    adopted = _counts(_adoptions_in_year(block_year, as_of), "unit_id")
    return {
        unit_id: UnitMovementSummary(
            movements_joined=movements_joined.get(unit_id, 0),
            activities_organised=organised.get(unit_id, 0),
            activities_attended=attended_counts.get(unit_id, 0),
            practices_published=published.get(unit_id, 0),
            practices_adopted=adopted.get(unit_id, 0),
        )
        for unit_id in member_ids
    }


def block_movement_summary(block_year: BlockYear, *, as_of: dt.date | None = None) -> BlockMovementSummary:
    """The block-year's totals; adoptions are those made by its member units in its year. Four queries."""
    movements = Movement.objects.filter(block_year=block_year)
    if as_of is not None:
        movements = movements.filter(start_date__lte=as_of)
    by_kind_code = {
        row["kind"]: row["n"]
        for row in _activities(block_year, as_of).order_by().values("kind").annotate(n=Count("pk"))
    }
    by_kind = {str(kind.label): by_kind_code.get(kind.value, 0) for kind in ActivityKind}
    adoptions = _adoptions_in_year(block_year, as_of).filter(
        unit_id__in=BlockMembership.objects.filter(block_year=block_year).values("unit_id")
    )
    return BlockMovementSummary(
        movements=movements.count(),
        activities=sum(by_kind_code.values()),
        activities_by_kind=by_kind,
        practices=_published_practices(block_year, as_of).count(),
        adoptions=adoptions.count(),
    )


# ---------------------------------------------------------------- movements


def movement_list(*, block_year: BlockYear, query: str | None = None) -> QuerySet[Movement]:
    """The block-year's movements with their participant and activity counts, by start date."""
    qs = Movement.objects.filter(block_year=block_year)
    for token in search_tokens(query):
        qs = qs.filter(search_key__contains=token)
    return qs.annotate(
        participant_count=Count("participations", distinct=True),
        activity_count=Count("activities", distinct=True),
    ).order_by("start_date", "id")


def movement_detail(*, pk: int) -> Movement:
    """A movement with its block-year, participants, criteria and activities loaded in a fixed number of queries."""
    return (
        Movement.objects.select_related("block_year__block__owner")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=MovementParticipant.objects.select_related("unit").order_by("unit__name", "id"),
            ),
            Prefetch("criteria", queryset=_criteria_items_queryset()),
            Prefetch("activities", queryset=Activity.objects.select_related("organiser").order_by("date", "id")),
        )
        .get(pk=pk)
    )


def _criteria_items_queryset() -> QuerySet[Any]:
    from thidua.scoring.models import CriteriaItem

    return CriteriaItem.objects.select_related("group").order_by("group__position", "position", "id")


def criteria_items_of(*, block_year: BlockYear) -> QuerySet[Any]:
    """The lines of the block-year's scoring table that a movement may be linked to (none without a table)."""
    return _criteria_items_queryset().filter(criteria_set__block_year=block_year)


def member_units(*, block_year: BlockYear) -> QuerySet[Unit]:
    """The block-year's member units in rotation order."""
    return Unit.objects.filter(block_memberships__block_year=block_year).order_by(
        "block_memberships__rotation_position", "name", "id"
    )


def movement_practices(*, movement: Movement, user: Any) -> QuerySet[Practice]:
    """The practices linked to a movement that the user may see."""
    return practices_visible_to(user=user).filter(movement=movement).order_by("title", "id")


# ---------------------------------------------------------------- activities


def activity_list(
    *,
    block_year: BlockYear,
    kind: str | None = None,
    month: int | None = None,
    movement: Movement | None = None,
    organiser: Unit | None = None,
) -> QuerySet[Activity]:
    """The block-year's activities by date, with organiser, movement and participants loaded."""
    qs = Activity.objects.filter(block_year=block_year)
    if kind:
        qs = qs.filter(kind=kind)
    if month:
        qs = qs.filter(date__month=month)
    if movement is not None:
        qs = qs.filter(movement=movement)
    if organiser is not None:
        qs = qs.filter(organiser=organiser)
    return (
        qs.select_related("organiser", "movement")
        .prefetch_related(Prefetch("participants", queryset=Unit.objects.order_by("name", "id")))
        .order_by("date", "id")
    )


@dataclass(frozen=True)
class ActivityMonth:
    month: dt.date  # the first day of the month
    activities: list[Activity]


def activities_by_month(activities: QuerySet[Activity] | list[Activity]) -> list[ActivityMonth]:
    """Group activities (already ordered by date) under the first day of their month."""
    groups: dict[dt.date, list[Activity]] = {}
    for activity in activities:
        groups.setdefault(activity.date.replace(day=1), []).append(activity)
    return [ActivityMonth(month, rows) for month, rows in sorted(groups.items())]


def activity_detail(*, pk: int) -> Activity:
    return (
        Activity.objects.select_related("block_year__block__owner", "organiser", "movement")
        .prefetch_related(Prefetch("participants", queryset=Unit.objects.order_by("name", "id")))
        .get(pk=pk)
    )


# ---------------------------------------------------------------- practices


def practices_visible_to(*, user: Any) -> QuerySet[Practice]:
    """Published practices for every signed-in user; drafts and withdrawn ones for the unit's staff,
    the block-year's leaders, officers over the unit or the block, and admins (mirrors view_practice)."""
    qs = Practice.objects.select_related("unit", "block_year__block", "movement")
    if user_is_admin(user):
        return qs
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    grants = grants_of(user)
    visible = Q(status=PracticeStatus.PUBLISHED)
    staff_units = [g.unit_id for g in grants if g.role in STAFF_ROLES and g.unit_id]
    if staff_units:
        visible |= Q(unit_id__in=staff_units)
    leader_years = [g.block_year_id for g in grants if g.role in LEADER_ROLES and g.block_year_id]
    if leader_years:
        visible |= Q(block_year_id__in=leader_years)
    for path in officer_unit_paths(user):
        visible |= Q(unit__path__startswith=path) | Q(block_year__block__owner__path__startswith=path)
    return qs.filter(visible)


def search_practices(queryset: QuerySet[Practice], query: str | None) -> QuerySet[Practice]:
    """Rows whose folded search_key contains every word of `query` ("chuyen doi so" finds "Chuyển đổi số")."""
    for token in search_tokens(query):
        queryset = queryset.filter(search_key__contains=token)
    return queryset


def practice_library(
    *,
    user: Any,
    query: str | None = None,
    block_year: BlockYear | None = None,
    theme: str | None = None,
    movement: Movement | None = None,
    unit: Unit | None = None,
    status: str | None = PracticeStatus.PUBLISHED,
) -> QuerySet[Practice]:
    """Practices the user may see (published ones unless `status` says otherwise), newest first, searchable."""
    qs = practices_visible_to(user=user)
    if status:
        qs = qs.filter(status=status)
    if block_year is not None:
        qs = qs.filter(block_year=block_year)
    if theme:
        qs = qs.filter(theme=theme)
    if movement is not None:
        qs = qs.filter(movement=movement)
    if unit is not None:
        qs = qs.filter(unit=unit)
    qs = search_practices(qs, query)
    return qs.annotate(
        comment_count=Count("comments", distinct=True), adoption_count=Count("adoptions", distinct=True)
    ).order_by(F("published_at").desc(nulls_last=True), "-id")


def practice_drafts_for(*, user: Any) -> QuerySet[Practice]:
    """Unpublished practices (drafts, withdrawn) the user may see, for their own list on the library page."""
    return (
        practices_visible_to(user=user)
        .exclude(status=PracticeStatus.PUBLISHED)
        .order_by("status", "-updated_at", "-id")
    )


def practice_detail(*, pk: int) -> Practice:
    """A practice with its comments (and authors) and adoptions (and units)."""
    return (
        Practice.objects.select_related("unit", "block_year__block__owner", "movement")
        .prefetch_related(
            Prefetch(
                "comments", queryset=PracticeComment.objects.select_related("author").order_by("created_at", "id")
            ),
            Prefetch(
                "adoptions", queryset=PracticeAdoption.objects.select_related("unit").order_by("adopted_on", "id")
            ),
        )
        .get(pk=pk)
    )


# ---------------------------------------------------------------- choices for forms


def units_represented_by(*, user: Any) -> QuerySet[Unit]:
    """Active units the user may act for (mirrors movements.represent_unit): own units, units under an officer."""
    qs = Unit.objects.filter(status=UnitStatus.ACTIVE).order_by("path")
    if user_is_admin(user):
        return qs
    cond = Q(pk__in=[g.unit_id for g in grants_of(user) if g.role in STAFF_ROLES and g.unit_id])
    for path in officer_unit_paths(user):
        cond |= Q(path__startswith=path)
    return qs.filter(cond)


def block_years_for_filter() -> QuerySet[BlockYear]:
    """Every block-year, newest first, for the library's filter (a year without practices filters to none)."""
    return BlockYear.objects.select_related("block").order_by("-year", "block__name", "id")


def units_with_practices() -> QuerySet[Unit]:
    """Units that have published at least one practice (for the library's filter)."""
    return Unit.objects.filter(
        pk__in=Practice.objects.filter(status=PracticeStatus.PUBLISHED).values("unit_id")
    ).order_by("name", "id")


def block_years_for_new_practice(*, user: Any, limit: int = 10) -> list[BlockYear]:
    """Open block-years in which one of the units the user acts for is a member (where they may draft a practice)."""
    units = units_represented_by(user=user)
    return list(
        BlockYear.objects.exclude(phase=Phase.CLOSED)
        .filter(pk__in=BlockMembership.objects.filter(unit__in=units).values("block_year_id"))
        .select_related("block")
        .order_by("-year", "block__name", "id")[:limit]
    )
