"""Reads of the emulation app: the plan, the covenant board, registrations, key tasks and their progress.

Progress is never stored: a task's progress as of a date is its latest update on or before that date
(0 without one), and a task is overdue when its due date has passed and its progress is below 100 %.
Both are computed in SQL (a correlated subquery and a CASE), so every list and count agrees.

`covenant_progress`, `registration_progress` and `task_progress_by_unit` are a contract with other
apps (dashboards, the year-end report); keep their names and shapes.
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from thidua.emulation.models import (
    COUNTED_STATUSES,
    Covenant,
    CovenantCommitment,
    CovenantSignature,
    IndividualTarget,
    KeyTask,
    KeyTaskUpdate,
    MidyearReview,
    MidyearUnitRemark,
    Plan,
    Registration,
)
from thidua.emulation.titles import CollectiveTitle, IndividualTitle
from thidua.organizations.models import BlockMembership, BlockYear, LeadershipRole, Person, Unit

# ---------------------------------------------------------------- key-task progress


@dataclass(frozen=True)
class TaskProgress:
    """A unit's key tasks in numbers: how many, how many done (100 %), overdue, and the weighted mean progress."""

    total: int
    completed: int
    overdue: int
    mean_progress: int

    @property
    def in_progress(self) -> int:
        """Tasks neither done nor overdue."""
        return self.total - self.completed - self.overdue


NO_TASKS = TaskProgress(total=0, completed=0, overdue=0, mean_progress=0)


def _latest_update(field: str, as_of: dt.date | None) -> Subquery:
    updates = KeyTaskUpdate.objects.filter(task=OuterRef("pk"))
    if as_of is not None:
        updates = updates.filter(date__lte=as_of)
    return Subquery(updates.order_by("-date", "-id").values(field)[:1])


def with_progress(tasks: QuerySet[KeyTask], *, as_of: dt.date | None = None) -> QuerySet[KeyTask]:
    """Annotate `progress` (0–100), `actual` (value reached), `last_update` (date) and `overdue` as of a date.

    Without `as_of` every update counts and "overdue" is judged against today.
    """
    overdue_on = as_of or timezone.localdate()
    return tasks.annotate(
        progress=Coalesce(_latest_update("progress", as_of), Value(0), output_field=IntegerField()),
        actual=_latest_update("actual_value", as_of),
        last_update=_latest_update("date", as_of),
    ).annotate(
        overdue=Case(
            When(Q(due_date__lt=overdue_on) & Q(progress__lt=100), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _mean(weighted: Any, weights: Any) -> int:
    """Half-up rounded weighted mean, computed here so every database rounds alike."""
    if not weights:
        return 0
    return int((Decimal(weighted or 0) / Decimal(weights)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def _aggregates(as_of: dt.date | None) -> dict[str, Any]:
    overdue_on = as_of or timezone.localdate()
    return {
        "total": Count("id"),
        "completed": Count("id", filter=Q(progress__gte=100)),
        "overdue_count": Count("id", filter=Q(due_date__lt=overdue_on, progress__lt=100)),
        "weighted": Sum(F("progress") * F("weight")),
        "weights": Sum("weight"),
    }


def _progress(row: Mapping[str, Any]) -> TaskProgress:
    return TaskProgress(
        total=row["total"] or 0,
        completed=row["completed"] or 0,
        overdue=row["overdue_count"] or 0,
        mean_progress=_mean(row["weighted"], row["weights"]),
    )


def task_progress_by_unit(block_year: BlockYear, *, as_of: dt.date | None = None) -> dict[int, TaskProgress]:
    """Unit id → TaskProgress of its key tasks in the block-year, from one aggregated query.

    Units without key tasks are absent: use `.get(unit_id, NO_TASKS)`. The mean is weighted by each
    task's weight. With `as_of`, progress counts updates up to that date and overdue is judged on it.
    """
    rows = (
        with_progress(KeyTask.objects.filter(registration__block_year=block_year), as_of=as_of)
        .order_by()
        .values("registration__unit_id")
        .annotate(**_aggregates(as_of))
    )
    return {row["registration__unit_id"]: _progress(row) for row in rows}


def block_task_progress(block_year: BlockYear, *, as_of: dt.date | None = None) -> TaskProgress:
    """The same figures over every key task of the block-year (one query)."""
    tasks = with_progress(KeyTask.objects.filter(registration__block_year=block_year), as_of=as_of)
    return _progress(tasks.order_by().aggregate(**_aggregates(as_of)))


def task_list(*, registration: Registration, as_of: dt.date | None = None) -> QuerySet[KeyTask]:
    """A registration's key tasks in order, with progress, overdue flag and owner."""
    return with_progress(registration.tasks.select_related("owner"), as_of=as_of).order_by("position", "id")


def task_detail(*, pk: int) -> KeyTask:
    """A key task with what permission checks and the page need (block-year, owner, unit), or DoesNotExist."""
    return with_progress(
        KeyTask.objects.select_related("registration__block_year__block__owner", "registration__unit", "owner")
    ).get(pk=pk)


def task_updates(*, task: KeyTask) -> list[KeyTaskUpdate]:
    """The task's progress updates, newest first, each with its evidence files in `evidence` (two queries)."""
    from django.contrib.contenttypes.models import ContentType

    from thidua.attachments.models import Attachment

    updates = list(task.updates.select_related("recorded_by").order_by("-date", "-id"))
    files: dict[int, list[Attachment]] = {}
    if updates:
        content_type = ContentType.objects.get_for_model(KeyTaskUpdate)
        for attachment in Attachment.objects.filter(
            owner_type=content_type, owner_id__in=[u.pk for u in updates]
        ).order_by("uploaded_at", "id"):
            files.setdefault(attachment.owner_id, []).append(attachment)
    for update in updates:
        update.evidence = files.get(update.pk, [])  # type: ignore[attr-defined]
    return updates


# ---------------------------------------------------------------- plan and covenant


def member_units(*, block_year: BlockYear) -> QuerySet[Unit]:
    """The block-year's member units in rotation order."""
    return Unit.objects.filter(block_memberships__block_year=block_year).order_by(
        "block_memberships__rotation_position", "block_memberships__id"
    )


def unit_staff(*, unit: Unit) -> QuerySet[Person]:
    """People currently working in the unit (task owners), by name."""
    return (
        Person.objects.filter(memberships__unit=unit, memberships__end_date__isnull=True)
        .distinct()
        .order_by("full_name", "id")
    )


def plan_of(*, block_year: BlockYear) -> Plan | None:
    return Plan.objects.prefetch_related("milestones").filter(block_year=block_year).first()


def covenant_of(*, block_year: BlockYear) -> Covenant | None:
    return (
        Covenant.objects.select_related("opened_by", "closed_by")
        .prefetch_related(Prefetch("commitments", queryset=CovenantCommitment.objects.order_by("position", "id")))
        .filter(block_year=block_year)
        .first()
    )


@dataclass(frozen=True)
class SignatureRow:
    """One member unit on the covenant board, with its signature when it has signed."""

    unit: Unit
    signature: CovenantSignature | None
    leadership_role: str | None


def covenant_board(*, block_year: BlockYear, covenant: Covenant | None) -> list[SignatureRow]:
    """Every member unit in rotation order with its signature (signer and time) or None. Three queries."""
    memberships = list(
        BlockMembership.objects.filter(block_year=block_year).select_related("unit").order_by("rotation_position", "id")
    )
    signatures: dict[int, CovenantSignature] = {}
    if covenant is not None:
        signatures = {s.unit_id: s for s in covenant.signatures.select_related("signed_by")}
    roles = dict(block_year.leadership.values_list("unit_id", "role"))
    return [SignatureRow(m.unit, signatures.get(m.unit_id), roles.get(m.unit_id)) for m in memberships]


def covenant_progress(block_year: BlockYear) -> tuple[int, int]:
    """(member units that have signed the covenant, member units)."""
    members = BlockMembership.objects.filter(block_year=block_year)
    signed = CovenantSignature.objects.filter(
        covenant__block_year=block_year, unit_id__in=members.values("unit_id")
    ).count()
    return signed, members.count()


# ---------------------------------------------------------------- registrations


def registration_progress(block_year: BlockYear) -> tuple[int, int]:
    """(member units whose registration is submitted or acknowledged, member units)."""
    members = BlockMembership.objects.filter(block_year=block_year)
    counted = Registration.objects.filter(
        block_year=block_year, status__in=COUNTED_STATUSES, unit_id__in=members.values("unit_id")
    ).count()
    return counted, members.count()


@dataclass(frozen=True)
class RegistrationRow:
    """One member unit on the registration overview."""

    unit: Unit
    registration: Registration | None
    task_count: int


def registration_detail(*, block_year: BlockYear, unit: Unit) -> Registration | None:
    return (
        Registration.objects.select_related("block_year__block__owner", "unit", "submitted_by", "reviewed_by")
        .prefetch_related("individual_targets")
        .filter(block_year=block_year, unit=unit)
        .first()
    )


def registration_overview(*, block_year: BlockYear) -> list[RegistrationRow]:
    """Every member unit in rotation order with its registration (targets loaded) and number of tasks."""
    memberships = list(
        BlockMembership.objects.filter(block_year=block_year).select_related("unit").order_by("rotation_position", "id")
    )
    registrations = {
        r.unit_id: r
        for r in Registration.objects.filter(block_year=block_year)
        .annotate(task_count=Count("tasks"))
        .prefetch_related(Prefetch("individual_targets", queryset=IndividualTarget.objects.order_by("title")))
        .order_by("id")
    }
    return [
        RegistrationRow(m.unit, registrations.get(m.unit_id), getattr(registrations.get(m.unit_id), "task_count", 0))
        for m in memberships
    ]


def collective_title_labels(codes: list[str]) -> list[str]:
    return [str(CollectiveTitle(code).label) for code in codes if code in CollectiveTitle.values]


def individual_target_rows(registration: Registration | None) -> list[tuple[str, str, int]]:
    """(code, label, count) of every individual title, zeros included, in choice order."""
    counts = {t.title: t.count for t in registration.individual_targets.all()} if registration else {}
    return [(title.value, str(title.label), counts.get(title.value, 0)) for title in IndividualTitle]


# ---------------------------------------------------------------- progress overview


@dataclass(frozen=True)
class UnitProgressRow:
    unit: Unit
    progress: TaskProgress
    registration_status: str | None
    leadership_role: str | None


def progress_overview(*, block_year: BlockYear, as_of: dt.date | None = None) -> list[UnitProgressRow]:
    """Every member unit with its task progress and registration status, in rotation order. Four queries."""
    by_unit = task_progress_by_unit(block_year, as_of=as_of)
    statuses = dict(Registration.objects.filter(block_year=block_year).values_list("unit_id", "status"))
    roles = dict(block_year.leadership.values_list("unit_id", "role"))
    memberships = (
        BlockMembership.objects.filter(block_year=block_year).select_related("unit").order_by("rotation_position", "id")
    )
    return [
        UnitProgressRow(m.unit, by_unit.get(m.unit_id, NO_TASKS), statuses.get(m.unit_id), roles.get(m.unit_id))
        for m in memberships
    ]


# ---------------------------------------------------------------- mid-year review


def midyear_review_of(*, block_year: BlockYear) -> MidyearReview | None:
    return (
        MidyearReview.objects.select_related("published_by")
        .prefetch_related(Prefetch("remarks", queryset=MidyearUnitRemark.objects.select_related("unit")))
        .filter(block_year=block_year)
        .first()
    )


def default_cutoff(block_year: BlockYear, *, today: dt.date | None = None) -> dt.date:
    """30 June of the year once it has passed, else today (the usual cut-off of a sơ kết)."""
    today = today or timezone.localdate()
    mid = dt.date(block_year.year, 6, 30)
    if today >= mid:
        return mid
    return max(today, dt.date(block_year.year, 1, 1))


def midyear_figures(block_year: BlockYear, *, as_of: dt.date) -> dict[str, Any]:
    """The mid-year figures as of the cut-off, as plain JSON-ready data (also stored when a review is published).

    {"as_of", "units": [{unit_id, unit_name, leadership_role, tasks: {...}, movements: {...}}],
     "totals": {...}, "block_movements": {movements, activities, activities_by_kind, practices, adoptions}}
    """
    from thidua.movements.selectors import block_movement_summary, unit_movement_summary

    rows = progress_overview(block_year=block_year, as_of=as_of)
    movement_rows = unit_movement_summary(block_year, as_of=as_of)
    block = block_movement_summary(block_year, as_of=as_of)
    units = []
    for row in rows:
        movements = movement_rows.get(row.unit.pk)
        units.append(
            {
                "unit_id": row.unit.pk,
                "unit_name": row.unit.name,
                "leadership_role": row.leadership_role,
                "tasks": {**dataclasses.asdict(row.progress), "in_progress": row.progress.in_progress},
                "movements": dataclasses.asdict(movements) if movements is not None else {},
            }
        )
    totals = block_task_progress(block_year, as_of=as_of)
    return {
        "as_of": as_of.isoformat(),
        "units": units,
        "totals": {**dataclasses.asdict(totals), "in_progress": totals.in_progress},
        "block_movements": dataclasses.asdict(block),
    }


LEADERSHIP_ROLES = {role.value: str(role.label) for role in LeadershipRole}
