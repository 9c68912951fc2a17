"""Reads of the organisations app: querysets filtered to what a user may see, with their joins."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from thidua.accounts.predicates import grants_of, officer_unit_paths, user_is_admin
from thidua.accounts.roles import Role
from thidua.organizations.models import (
    Block,
    BlockLeadership,
    BlockMembership,
    BlockYear,
    LeadershipRole,
    Person,
    PersonMembership,
    PhaseTransition,
    Unit,
)
from thidua.organizations.rotation import RotationProposal, propose_rotation
from thidua.organizations.search import search


def unit_list(*, query: str | None = None, kind: str | None = None, parent: Unit | None = None) -> QuerySet[Unit]:
    """Units are visible to every signed-in user (they are public bodies)."""
    qs = Unit.objects.select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path).exclude(pk=parent.pk)
    return search(qs, query)


def unit_subtree(*, unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)


def unit_ancestors(*, unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=unit.ancestor_ids).order_by("depth")


def person_list_visible_to(*, user: Any, query: str | None = None, unit: Unit | None = None) -> QuerySet[Person]:
    """People the user may see: everyone for admins; staff under an officer's unit; staff of a head/clerk's unit."""
    qs = Person.objects.all()
    if not user_is_admin(user):
        visible = Q(user_id=user.pk)
        for path in officer_unit_paths(user):
            visible |= Q(memberships__end_date__isnull=True, memberships__unit__path__startswith=path)
        unit_ids = [g.unit_id for g in grants_of(user) if g.role in (Role.UNIT_HEAD, Role.UNIT_CLERK)]
        if unit_ids:
            visible |= Q(memberships__end_date__isnull=True, memberships__unit_id__in=unit_ids)
        qs = qs.filter(pk__in=Person.objects.filter(visible).values("pk"))
    if unit is not None:
        qs = qs.filter(pk__in=PersonMembership.objects.filter(unit=unit, end_date__isnull=True).values("person_id"))
    current = PersonMembership.objects.filter(end_date__isnull=True).select_related("unit")
    return search(qs, query).prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))


def person_history(*, person: Person) -> QuerySet[PersonMembership]:
    return person.memberships.select_related("unit").order_by("-start_date", "-id")


def block_list(*, query: str | None = None) -> QuerySet[Block]:
    blocks = Block.objects.select_related("owner").annotate(year_count=Count("years")).order_by("name", "pk")
    return search(blocks, query)


def block_year_detail(*, pk: int) -> BlockYear:
    """A block-year with its members, leadership, deadlines and transitions loaded in a fixed number of queries."""
    return (
        BlockYear.objects.select_related("block__owner")
        .prefetch_related(
            Prefetch("memberships", queryset=BlockMembership.objects.select_related("unit")),
            Prefetch("leadership", queryset=BlockLeadership.objects.select_related("unit", "representative")),
            "deadlines",
            Prefetch("transitions", queryset=PhaseTransition.objects.select_related("actor")),
        )
        .get(pk=pk)
    )


def block_years_for_user(*, user: Any) -> QuerySet[BlockYear]:
    """Block-years the user leads, belongs to through a unit, or oversees as an officer."""
    qs = BlockYear.objects.select_related("block__owner")
    if user_is_admin(user):
        return qs
    grants = grants_of(user)
    cond = Q(pk__in=[g.block_year_id for g in grants if g.block_year_id])
    unit_ids = [g.unit_id for g in grants if g.unit_id and g.role in (Role.UNIT_HEAD, Role.UNIT_CLERK)]
    if unit_ids:
        cond |= Q(memberships__unit_id__in=unit_ids)
    for path in officer_unit_paths(user):
        cond |= Q(block__owner__path__startswith=path)
    return qs.filter(pk__in=BlockYear.objects.filter(cond).values("pk"))


def block_year_rotation_proposal(*, block_year: BlockYear) -> RotationProposal:
    """Next year's head and deputies by the block's rule, from this year's members and leadership."""
    members = [m.unit_id for m in block_year.memberships.all()]
    leadership = list(block_year.leadership.all())
    head = next((row.unit_id for row in leadership if row.role == LeadershipRole.HEAD), None)
    deputies = [
        row.unit_id for row in sorted(leadership, key=lambda r: r.position) if row.role == LeadershipRole.DEPUTY
    ]
    return propose_rotation(
        rule=block_year.block.rotation_rule,
        members=members,
        head=head,
        deputies=deputies,
        deputy_count=block_year.block.deputy_count,
    )
