"""Test helpers for the score sheet, ranking and API tests: a locked criteria table, settings, users, sheets.

The criteria services belong to another concern, so the table and the settings are created here
directly with the ORM. Sheets for ranking tests can be built the same way (`make_sheet`), or
through the services (`fill`) when the test is about the services.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from thidua.accounts.models import User
from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.organizations import services as org_services
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    CriteriaSetStatus,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services import sheets as sheet_services
from thidua.tests_support.factories import grant, make_unit, new_user, system_actor

D = Decimal

# code → (group, type, max_points, per_occurrence, cap, evidence_required); base maximum 100.
DEFAULT_ITEMS: dict[str, tuple[str, str, str, str, str | None, bool]] = {
    "A1": ("I", "points", "30", "0", None, False),
    "A2": ("I", "points", "20", "0", None, True),
    "A3": ("I", "yes_no", "10", "0", None, False),
    "B1": ("II", "points", "30", "0", None, False),
    "B2": ("II", "yes_no", "10", "0", None, False),
    "C1": ("III", "bonus", "0", "10", "15", False),
    "D1": ("III", "deduction", "0", "2", "10", False),
}
FULL = {"A1": D(30), "A2": D(20), "A3": D(10), "B1": D(30), "B2": D(10), "C1": 0, "D1": 0}


def make_criteria(
    block_year: BlockYear,
    *,
    items: Mapping[str, tuple[str, str, str, str, str | None, bool]] | None = None,
    total_cap: Decimal | None = None,
    bonus_cap: Decimal | None = None,
    locked: bool = True,
) -> CriteriaSet:
    criteria = CriteriaSet.objects.create(
        block_year=block_year,
        title=f"Bảng điểm {block_year.year}",
        status=CriteriaSetStatus.LOCKED if locked else CriteriaSetStatus.DRAFT,
        total_cap=total_cap,
        bonus_cap=bonus_cap,
    )
    groups: dict[str, CriteriaGroup] = {}
    for position, (code, (group, item_type, maximum, per, cap, evidence)) in enumerate(
        (items or DEFAULT_ITEMS).items()
    ):
        if group not in groups:
            groups[group] = CriteriaGroup.objects.create(
                criteria_set=criteria, code=group, title=f"Nhóm {group}", position=len(groups)
            )
        CriteriaItem.objects.create(
            criteria_set=criteria,
            group=groups[group],
            code=code,
            title=f"Tiêu chí {code}",
            position=position,
            item_type=item_type,
            max_points=D(maximum),
            per_occurrence=D(per),
            cap=D(cap) if cap is not None else None,
            evidence_required=evidence,
        )
    return criteria


def make_config(block_year: BlockYear, **fields: Any) -> ScoringConfig:
    config, _ = ScoringConfig.objects.update_or_create(block_year=block_year, defaults=fields)
    return config


def item(block_year: BlockYear, code: str) -> CriteriaItem:
    return CriteriaItem.objects.get(criteria_set__block_year=block_year, code=code)


def entries(block_year: BlockYear, values: Mapping[str, Any], **extra: Any) -> list[sheet_services.LineInput]:
    """LineInputs for {item code: value or count}; `extra` keyword maps code → dict of other fields."""
    items = {i.code: i for i in CriteriaItem.objects.filter(criteria_set__block_year=block_year)}
    result = []
    for code, raw in values.items():
        target = items[code]
        entry = sheet_services.LineInput(item_id=target.pk, **extra.get(code, {}))
        if target.item_type in ("bonus", "deduction"):
            entry.count = None if raw is None else int(raw)
        else:
            entry.value = None if raw is None else D(raw)
        result.append(entry)
    return result


def fill(actor: Any, sheet: ScoreSheet, values: Mapping[str, Any], **extra: Any) -> ScoreSheet:
    """Save `values` on the sheet through the service, with the sheet's current version."""
    return sheet_services.score_sheet_save(
        actor=actor, sheet=sheet, version=sheet.version, lines=entries(sheet.block_year, values, **extra)
    )


def values_for(total: Decimal | int | str) -> dict[str, Any]:
    """Entries of the default table that give exactly `total` base points (0 ≤ total ≤ 100)."""
    remaining = D(total)
    values: dict[str, Any] = {}
    for code, maximum in (("A1", D(30)), ("B1", D(30)), ("A2", D(20))):
        values[code] = min(remaining, maximum)
        remaining -= values[code]
    for code in ("A3", "B2"):
        values[code] = D(10) if remaining >= 10 else D(0)
        remaining -= values[code]
    assert remaining == 0, f"cannot reach {total} with whole yes/no lines"
    values.update({"C1": 0, "D1": 0})
    return values


def make_sheet(
    block_year: BlockYear,
    unit: Unit,
    points: Mapping[str, Any],
    *,
    reviewer: Unit | None = None,
    is_head: bool = False,
    status: str = SheetStatus.FINALISED,
) -> ScoreSheet:
    """A sheet written straight to the database (no service): lines with the given signed points.

    Like the services, points and yes/no lines get a `value`, bonus and deduction lines a `count`.
    """
    sheet = ScoreSheet.objects.create(
        block_year=block_year,
        unit=unit,
        kind=SheetKind.REVIEW if reviewer is not None else SheetKind.SELF,
        reviewer_unit=reviewer,
        is_head_review=is_head,
        status=status,
    )
    items = {i.code: i for i in CriteriaItem.objects.filter(criteria_set__block_year=block_year)}
    lines = []
    for code, value in points.items():
        target = items[code]
        if target.item_type in ("bonus", "deduction"):  # counted lines: `count` set, `value` empty
            per = target.per_occurrence or D(1)
            count = int(abs(D(value)) / per)
            lines.append(ScoreLine(sheet=sheet, item=target, count=count, points=D(value)))
        else:
            lines.append(ScoreLine(sheet=sheet, item=target, value=D(value), points=D(value)))
    ScoreLine.objects.bulk_create(lines)
    return sheet


def add_units(block_year: BlockYear, parent: Unit, count: int, *, prefix: str = "X") -> list[Unit]:
    """`count` more member units under `parent`."""
    units = []
    for i in range(count):
        unit = make_unit(f"{prefix}{i:02d}", f"Đơn vị {prefix} số {i:02d}", parent=parent)
        org_services.block_member_add(actor=system_actor(), block_year=block_year, unit=unit)
        units.append(unit)
    return units


def staff(unit: Unit, role: str = Role.UNIT_CLERK) -> User:
    user = new_user()
    grant(user, role, unit=unit)
    return user


def leader(block_year: BlockYear, role: str = Role.BLOCK_HEAD) -> User:
    user = new_user()
    grant(user, role, block_year=block_year)
    return user


def officer(unit: Unit) -> User:
    user = new_user()
    grant(user, Role.PROVINCIAL_OFFICER, unit=unit)
    return user


def audit_count() -> int:
    return AuditEvent.objects.count()


def last_action() -> str:
    event = AuditEvent.objects.order_by("-seq").first()
    return event.action if event is not None else ""


class NothingWritten:
    """Asserts that no audit event, sheet, line value or assignment was written inside the block."""

    def __enter__(self) -> "NothingWritten":
        self.state = self._state()
        return self

    @staticmethod
    def _state() -> tuple[Any, ...]:
        from thidua.attachments.models import Attachment
        from thidua.scoring.models import ConflictOfInterest, FinalScore, Reconciliation, ReviewAssignment

        return (
            AuditEvent.objects.count(),
            list(ScoreSheet.objects.order_by("pk").values_list("pk", "version", "status", "is_current", "total")),
            list(ScoreLine.objects.order_by("pk").values_list("pk", "value", "count", "points", "comment")),
            ReviewAssignment.objects.count(),
            ConflictOfInterest.objects.count(),
            Reconciliation.objects.count(),
            FinalScore.objects.count(),
            Attachment.objects.count(),
        )

    def __exit__(self, *exc: Any) -> None:
        assert self._state() == self.state


def client_of(user: Any) -> JsonClient:
    """An API client (messages in English: the API follows Accept-Language)."""
    client = JsonClient(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client
