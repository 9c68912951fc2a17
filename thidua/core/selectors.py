"""Reads that the web pages need and that combine several apps: "My work", phase steppers, side lists.

They live here, not in the views, so that pages stay thin (views call services for writes and
selectors for reads) and so the same answers can later feed the API. Nothing here writes.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from thidua.accounts.models import RoleAssignment
from thidua.accounts.predicates import grants_of
from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.organizations import selectors as org_selectors
from thidua.organizations.models import (
    PHASE_ORDER,
    BlockMembership,
    BlockYear,
    Person,
    PersonMembership,
    Phase,
    PhaseDeadline,
    Unit,
    UnitStatus,
)


@dataclass(frozen=True)
class PhaseStep:
    """One phase of a block-year's cycle as shown in the progress stepper."""

    phase: str
    label: str
    number: int
    state: str  # "done", "current" or "upcoming"
    due_date: dt.date | None
    overdue: bool


@dataclass
class WorkItem:
    """A block-year on the user's "My work" list and what the user can do there next."""

    block_year: BlockYear
    phase_label: str
    due_date: dt.date | None
    overdue: bool
    roles: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    unit_names: list[str] = field(default_factory=list)


def _next_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def next_phase(block_year: BlockYear) -> str | None:
    """The phase the block-year would move to next (None once closed)."""
    return _next_phase(block_year.phase)


def phase_steps(block_year: BlockYear, *, today: dt.date | None = None) -> list[PhaseStep]:
    """The eight phases in order with their state and deadlines (uses prefetched deadlines when present)."""
    today = today or timezone.localdate()
    deadlines = {d.phase: d.due_date for d in block_year.deadlines.all()}
    current = PHASE_ORDER.index(block_year.phase)
    steps = []
    for index, phase in enumerate(PHASE_ORDER):
        state = "done" if index < current else "current" if index == current else "upcoming"
        due = deadlines.get(phase)
        overdue = state == "current" and phase != Phase.CLOSED and due is not None and due < today
        steps.append(PhaseStep(phase, str(Phase(phase).label), index + 1, state, due, overdue))
    return steps


def my_work(user: Any, *, today: dt.date | None = None) -> list[WorkItem]:
    """What the user must do next: each open block-year they are involved in, soonest deadline first.

    Actions are codes the template turns into links; each one is offered only when the user holds
    the matching object permission, so the list never promises what a page would then refuse.
    """
    today = today or timezone.localdate()
    grants = grants_of(user)
    own_unit_ids = {g.unit_id for g in grants if g.unit_id and g.role in (Role.UNIT_HEAD, Role.UNIT_CLERK)}
    block_year_ids_by_role: dict[int, list[str]] = {}
    for grant in grants:
        if grant.block_year_id:
            block_year_ids_by_role.setdefault(grant.block_year_id, []).append(grant.role)
    block_years = (
        org_selectors.block_years_for_user(user=user)
        .exclude(phase=Phase.CLOSED)
        .prefetch_related(
            Prefetch("deadlines", queryset=PhaseDeadline.objects.all()),
            Prefetch("memberships", queryset=BlockMembership.objects.select_related("unit")),
        )
    )
    items: list[WorkItem] = []
    for block_year in block_years:
        deadlines = {d.phase: d.due_date for d in block_year.deadlines.all()}
        due = deadlines.get(block_year.phase)
        roles = [str(Role(role).label) for role in block_year_ids_by_role.get(block_year.pk, [])]
        own_units = [m.unit.name for m in block_year.memberships.all() if m.unit_id in own_unit_ids]
        actions: list[str] = []
        if user.has_perm("organizations.advance_phase", block_year):
            actions.append("advance")
        if user.has_perm("organizations.change_blockyear", block_year):
            actions.append("deadlines")
        if user.has_perm("organizations.manage_members", block_year):
            actions.append("members")
        if user.has_perm("organizations.set_leadership", block_year):
            actions.append("leadership")
        member_unit_ids = {m.unit_id for m in block_year.memberships.all()}
        for role in (Role.UNIT_HEAD, Role.UNIT_CLERK):
            if any(g.role == role and g.unit_id in member_unit_ids for g in grants):
                roles.append(str(role.label))
        items.append(
            WorkItem(
                block_year=block_year,
                phase_label=str(Phase(block_year.phase).label),
                due_date=due,
                overdue=due is not None and due < today,
                roles=roles,
                actions=actions,
                unit_names=own_units,
            )
        )
    items.sort(key=lambda item: (item.due_date is None, item.due_date or dt.date.max, item.block_year.block.name))
    return items


def user_roles(user: Any) -> QuerySet[RoleAssignment]:
    """The user's role assignments with their scope objects, for the profile page."""
    return RoleAssignment.objects.filter(user=user).select_related("unit", "block_year__block").order_by("role")


def unit_children(*, unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(parent=unit).order_by("name")


def unit_block_memberships(*, unit: Unit) -> QuerySet[BlockMembership]:
    """The unit's memberships in blocks, newest year first."""
    return BlockMembership.objects.filter(unit=unit).select_related("block_year__block").order_by("-year", "id")


def units_for_choice(*, exclude_ids: Iterable[int] = ()) -> QuerySet[Unit]:
    """Active units for a select box (block membership, staff positions)."""
    return Unit.objects.filter(status=UnitStatus.ACTIVE).exclude(pk__in=list(exclude_ids)).order_by("path")


def owner_units_for_choice() -> QuerySet[Unit]:
    """Units that can organise a block: provinces and departments."""
    return Unit.objects.filter(kind__in=["province", "department"], status=UnitStatus.ACTIVE).order_by("path")


def current_staff_by_unit(unit_ids: Iterable[int]) -> dict[int, list[Person]]:
    """People currently working in each of the given units (for choosing a representative)."""
    result: dict[int, list[Person]] = {}
    memberships = (
        PersonMembership.objects.filter(unit_id__in=list(unit_ids), end_date__isnull=True)
        .select_related("person")
        .order_by("person__full_name")
    )
    for membership in memberships:
        result.setdefault(membership.unit_id, []).append(membership.person)
    return result


def person_membership(*, person: Person, pk: int) -> PersonMembership:
    return person.memberships.select_related("unit").get(pk=pk)


def audit_event_list(*, object_type: str = "", action: str = "") -> QuerySet[AuditEvent]:
    """Audit events, newest first, filtered by object type and action when given."""
    qs = AuditEvent.objects.all().order_by("-seq")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if action:
        qs = qs.filter(action=action)
    return qs


def audit_filter_choices() -> tuple[list[str], list[str]]:
    """The object types and actions that occur in the log (for the filter selects)."""
    types = list(AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct())
    actions = list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
    return types, actions


@dataclass(frozen=True)
class ScoringWork:
    """A score sheet the user has to fill, approve or review, with the page where it is done."""

    label: str
    block_year: BlockYear
    unit: Unit
    status_label: str
    url: str


def my_scoring_work(user: Any) -> list[ScoringWork]:
    """The user's scoring to-do list (from the scoring app), ready for the "My work" page."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from thidua.scoring.selectors.sheets import my_scoring_tasks

    labels = {"fill_self": _("Self-score"), "approve_self": _("Approve the self-score"), "review": _("Review")}
    work = []
    for task in my_scoring_tasks(user=user):
        if task.action == "review" and task.reviewer_unit is not None:
            url = reverse("scoring:review_sheet", args=[task.block_year.pk, task.unit.pk, task.reviewer_unit.pk])
        else:
            url = reverse("scoring:self_sheet", args=[task.block_year.pk, task.unit.pk])
        status = task.sheet.get_status_display() if task.sheet is not None else _("Not started")
        work.append(ScoringWork(labels.get(task.action, task.action), task.block_year, task.unit, str(status), url))
    return work
