"""Criteria services: the good paths, every refusal and every bad input, each with its stable code.

Each bad case asserts the error code and that nothing was written (no row changed, no audit event),
including every kind of edit attempted after the set was locked.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.attachments.models import Attachment
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.organizations import services as org_services
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    CriteriaSetStatus,
    ItemType,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services import criteria as services
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

D = Decimal


def tree_state() -> list[tuple[Any, ...]]:
    """Every set, group and item with the fields a write could change."""
    sets = [
        ("set", s.pk, s.title, s.legal_basis, s.status, s.total_cap, s.bonus_cap, s.copied_from_id)
        for s in CriteriaSet.objects.order_by("pk")
    ]
    groups = [("group", g.pk, g.code, g.title, g.position) for g in CriteriaGroup.objects.order_by("pk")]
    items = [
        ("item", *row)
        for row in CriteriaItem.objects.order_by("pk").values_list(
            "pk",
            "group_id",
            "code",
            "title",
            "guidance",
            "position",
            "item_type",
            "max_points",
            "per_occurrence",
            "cap",
            "evidence_required",
        )
    ]
    return sets + groups + items


class NothingWritten:
    """Assert that the block leaves the criteria tables, the score lines and the audit log as they were."""

    def __enter__(self) -> "NothingWritten":
        self.events = AuditEvent.objects.count()
        self.state = tree_state()
        self.lines = ScoreLine.objects.count()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert AuditEvent.objects.count() == self.events
        assert tree_state() == self.state
        assert ScoreLine.objects.count() == self.lines


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


@pytest.fixture
def actor() -> Any:
    return system_actor()


@pytest.fixture
def head(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])


@pytest.fixture
def criteria_set(tree: dict[str, Any], actor: Any) -> CriteriaSet:
    """Group I (1.1 points 10, 1.2 yes/no 5) and group II (2.1 bonus 10 capped 10, 2.2 deduction 1 capped 5)."""
    cs = services.criteria_set_create(actor=actor, block_year=tree["block_year"], title="Bảng điểm năm 2025")
    g1 = services.criteria_group_add(actor=actor, criteria_set=cs, code="I", title="Nhiệm vụ chuyên môn")
    g2 = services.criteria_group_add(actor=actor, criteria_set=cs, code="II", title="Điểm thưởng, điểm trừ")
    services.criteria_item_add(actor=actor, group=g1, code="1.1", title="Hoàn thành chỉ tiêu", max_points=D(10))
    services.criteria_item_add(
        actor=actor, group=g1, code="1.2", title="Văn hóa công sở", item_type=ItemType.YES_NO, max_points=D(5)
    )
    services.criteria_item_add(
        actor=actor,
        group=g2,
        code="2.1",
        title="Cờ thi đua của UBND tỉnh",
        item_type=ItemType.BONUS,
        per_occurrence=D(10),
        cap=D(10),
        evidence_required=True,
    )
    services.criteria_item_add(
        actor=actor,
        group=g2,
        code="2.2",
        title="Chậm nộp báo cáo",
        item_type=ItemType.DEDUCTION,
        per_occurrence=D(1),
        cap=D(5),
    )
    return cs


def item(code: str) -> CriteriaItem:
    return CriteriaItem.objects.get(code=code)


def group(code: str) -> CriteriaGroup:
    return CriteriaGroup.objects.get(code=code)


# --- the set -------------------------------------------------------------------------------------------------------


def test_set_create_writes_row_and_event(tree: dict[str, Any], head: Any) -> None:
    cs = services.criteria_set_create(
        actor=head, block_year=tree["block_year"], title="  Bảng điểm  ", legal_basis="Luật TĐKT 2022", total_cap=D(110)
    )
    assert (cs.title, cs.status, cs.total_cap) == ("Bảng điểm", CriteriaSetStatus.DRAFT, D(110))
    event = last_event()
    assert (event.action, event.object_id) == ("criteria_set.create", str(cs.pk))
    assert event.changes["title"] == [None, "Bảng điểm"]


def test_set_create_twice_is_refused(criteria_set: CriteriaSet, actor: Any) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_create(actor=actor, block_year=criteria_set.block_year, title="Khác")
    assert err.value.code == "set_exists"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"title": "  "}, "required", "title"),
        ({"title": "x" * 300}, "too_long", "title"),
        ({"total_cap": D(0)}, "invalid_cap", "total_cap"),
        ({"bonus_cap": D(-1)}, "negative_points", "bonus_cap"),
        ({"total_cap": D("100.555")}, "too_many_decimals", "total_cap"),
    ],
)
def test_set_create_bad_input(tree: dict[str, Any], actor: Any, kwargs: dict[str, Any], code: str, field: str) -> None:
    data = {"title": "Bảng điểm", **kwargs}
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_create(actor=actor, block_year=tree["block_year"], **data)
    assert (err.value.code, err.value.field) == (code, field)


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.UNIT_CLERK, "centre_a"),
        (Role.UNIT_HEAD, "centre_a"),
        (Role.BLOCK_DEPUTY, "block_year"),
        (Role.DEPARTMENT_OFFICER, "dept"),
        (Role.VIEWER, None),
        (Role.DELEGATE, "block_year"),
    ],
)
def test_set_create_refused_to_other_roles(tree: dict[str, Any], make_user: Any, role: str, scope: str | None) -> None:
    kwargs: dict[str, Any] = {}
    if scope == "block_year":
        kwargs["block_year"] = tree["block_year"]
    elif scope:
        kwargs["unit"] = tree[scope]
    user = make_user(role, **kwargs)
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.criteria_set_create(actor=user, block_year=tree["block_year"], title="Bảng điểm")


def test_set_update_and_unknown_field(criteria_set: CriteriaSet, head: Any) -> None:
    services.criteria_set_update(actor=head, criteria_set=criteria_set, title="Bảng mới", bonus_cap=D(15))
    criteria_set.refresh_from_db()
    assert (criteria_set.title, criteria_set.bonus_cap) == ("Bảng mới", D(15))
    assert last_event().action == "criteria_set.update"
    events = AuditEvent.objects.count()
    services.criteria_set_update(actor=head, criteria_set=criteria_set, title="Bảng mới")
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_update(actor=head, criteria_set=criteria_set, status="locked")
    assert err.value.code == "unknown_field"


# --- groups --------------------------------------------------------------------------------------------------------


def test_group_add_update_and_duplicate(criteria_set: CriteriaSet, head: Any) -> None:
    g3 = services.criteria_group_add(actor=head, criteria_set=criteria_set, code="III", title="Thi đua")
    assert g3.position == 3
    assert last_event().action == "criteria_group.add"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_group_add(actor=head, criteria_set=criteria_set, code="III", title="Khác")
    assert (err.value.code, err.value.field) == ("duplicate_code", "code")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_group_update(actor=head, group=g3, code="I")
    assert err.value.code == "duplicate_code"
    services.criteria_group_update(actor=head, group=g3, code="IIIa", title="Công tác thi đua")
    g3.refresh_from_db()
    assert (g3.code, g3.title) == ("IIIa", "Công tác thi đua")
    assert last_event().changes["code"] == ["III", "IIIa"]


def test_group_delete_takes_its_items(criteria_set: CriteriaSet, head: Any) -> None:
    services.criteria_group_delete(actor=head, group=group("II"))
    assert list(criteria_set.items.values_list("code", flat=True).order_by("code")) == ["1.1", "1.2"]
    event = last_event()
    assert event.action == "criteria_group.delete"
    assert event.changes["items"] == ["2.1", "2.2"]


def test_group_in_tie_breaks_cannot_be_deleted_or_recoded(criteria_set: CriteriaSet, actor: Any) -> None:
    ScoringConfig.objects.create(block_year=criteria_set.block_year, tie_breaks=[{"kind": "group", "group": "I"}])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_group_delete(actor=actor, group=group("I"))
    assert err.value.code == "group_in_use"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_group_update(actor=actor, group=group("I"), code="1")
    assert err.value.code == "group_in_use"
    services.criteria_group_update(actor=actor, group=group("I"), title="Chỉ đổi tên")  # the title may change


def test_groups_reorder_and_move(criteria_set: CriteriaSet, head: Any) -> None:
    g1, g2 = group("I"), group("II")
    services.criteria_groups_reorder(actor=head, criteria_set=criteria_set, group_ids=[g2.pk, g1.pk])
    assert list(criteria_set.groups.order_by("position").values_list("code", flat=True)) == ["II", "I"]
    assert last_event().changes["groups"] == [["I", "II"], ["II", "I"]]
    events = AuditEvent.objects.count()
    services.criteria_group_move(actor=head, group=group("II"), direction="up")  # already first: no-op
    assert AuditEvent.objects.count() == events
    services.criteria_group_move(actor=head, group=group("II"), direction="down")
    assert list(criteria_set.groups.order_by("position").values_list("code", flat=True)) == ["I", "II"]


@pytest.mark.parametrize("ids", [[1], [], "dup"])
def test_groups_reorder_must_list_each_group_once(criteria_set: CriteriaSet, head: Any, ids: Any) -> None:
    g1 = group("I")
    order = [g1.pk, g1.pk] if ids == "dup" else ids
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_groups_reorder(actor=head, criteria_set=criteria_set, group_ids=order)
    assert err.value.code == "invalid_order"


def test_group_move_bad_direction(criteria_set: CriteriaSet, head: Any) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_group_move(actor=head, group=group("I"), direction="sideways")
    assert err.value.code == "invalid_choice"


# --- items ---------------------------------------------------------------------------------------------------------


def test_item_add_stores_scoring_and_audits(criteria_set: CriteriaSet, head: Any) -> None:
    added = services.criteria_item_add(
        actor=head,
        group=group("I"),
        code="1.3",
        title="Sáng kiến",
        guidance="Mỗi sáng kiến 2 điểm",
        max_points=D("7.5"),
        evidence_required=True,
    )
    assert (added.position, added.max_points, added.per_occurrence, added.cap) == (3, D("7.5"), D(0), None)
    event = last_event()
    assert event.action == "criteria_item.add"
    assert event.changes["code"] == [None, "1.3"]


def test_bonus_cap_of_zero_means_no_cap(criteria_set: CriteriaSet, head: Any) -> None:
    added = services.criteria_item_add(
        actor=head,
        group=group("II"),
        code="2.3",
        title="Kỷ luật",
        item_type=ItemType.DEDUCTION,
        per_occurrence=D(5),
        cap=D(0),
    )
    assert added.cap is None
    assert added.max_points == D(0)


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"max_points": D(0)}, "invalid_max_points", "max_points"),
        ({"max_points": None}, "invalid_max_points", "max_points"),
        ({"max_points": D(5), "per_occurrence": D(1)}, "invalid_per_occurrence", "per_occurrence"),
        ({"max_points": D(5), "cap": D(5)}, "invalid_cap", "cap"),
        ({"item_type": ItemType.YES_NO, "max_points": D(0)}, "invalid_max_points", "max_points"),
        ({"item_type": ItemType.BONUS, "per_occurrence": D(0)}, "invalid_per_occurrence", "per_occurrence"),
        (
            {"item_type": ItemType.BONUS, "per_occurrence": D(10), "max_points": D(10)},
            "invalid_max_points",
            "max_points",
        ),
        ({"item_type": ItemType.DEDUCTION, "per_occurrence": D(5), "cap": D(2)}, "invalid_cap", "cap"),
        ({"max_points": D(-5)}, "negative_points", "max_points"),
        ({"item_type": ItemType.DEDUCTION, "per_occurrence": D(-1)}, "negative_points", "per_occurrence"),
        ({"max_points": D("2.555")}, "too_many_decimals", "max_points"),
        ({"max_points": D("100000")}, "number_too_large", "max_points"),
        ({"max_points": "ten"}, "invalid_number", "max_points"),
        ({"max_points": D("NaN")}, "invalid_number", "max_points"),
        ({"item_type": "castle", "max_points": D(5)}, "invalid_choice", "item_type"),
        ({"code": "1.1", "max_points": D(5)}, "duplicate_code", "code"),
        ({"code": "2.1", "max_points": D(5)}, "duplicate_code", "code"),  # codes are unique across groups
        ({"code": " ", "max_points": D(5)}, "required", "code"),
        ({"code": "x" * 17, "max_points": D(5)}, "too_long", "code"),
        ({"title": "", "max_points": D(5)}, "required", "title"),
    ],
)
def test_item_add_bad_input(
    criteria_set: CriteriaSet, head: Any, kwargs: dict[str, Any], code: str, field: str
) -> None:
    data = {"code": "1.9", "title": "Dòng mới", **kwargs}
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_item_add(actor=head, group=group("I"), **data)
    assert (err.value.code, err.value.field) == (code, field)


def test_item_update_moves_and_retypes(criteria_set: CriteriaSet, head: Any) -> None:
    line = item("1.2")
    services.criteria_item_update(
        actor=head, item=line, group=group("II"), item_type=ItemType.BONUS, max_points=D(0), per_occurrence=D(2)
    )
    line.refresh_from_db()
    assert (line.group.code, line.item_type, line.per_occurrence, line.position) == ("II", "bonus", D(2), 3)
    changes = last_event().changes
    assert changes["item_type"] == ["yes_no", "bonus"]
    assert changes["group"] == [group("I").pk, group("II").pk]


def test_item_update_checks_the_resulting_scoring(criteria_set: CriteriaSet, head: Any) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_item_update(actor=head, item=item("1.1"), item_type=ItemType.BONUS)
    assert err.value.code == "invalid_max_points"  # a bonus line keeps no maximum of its own
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_item_update(actor=head, item=item("1.1"), code="2.2")
    assert err.value.code == "duplicate_code"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_item_update(actor=head, item=item("1.1"), position=9)
    assert err.value.code == "unknown_field"


def test_item_update_refuses_a_group_of_another_set(
    criteria_set: CriteriaSet, tree: dict[str, Any], actor: Any
) -> None:
    other_year = org_services.block_year_create(actor=actor, block=tree["other_block"], year=2025)
    other = services.criteria_set_create(actor=actor, block_year=other_year, title="Khối khác")
    foreign = services.criteria_group_add(actor=actor, criteria_set=other, code="I", title="Nhóm I")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_item_update(actor=actor, item=item("1.1"), group=foreign)
    assert err.value.code == "invalid_group"


def test_items_reorder_and_move(criteria_set: CriteriaSet, head: Any) -> None:
    services.criteria_item_move(actor=head, item=item("1.2"), direction="up")
    assert list(group("I").items.order_by("position").values_list("code", flat=True)) == ["1.2", "1.1"]
    assert last_event().action == "criteria_group.reorder_items"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_items_reorder(actor=head, group=group("I"), item_ids=[item("1.1").pk, item("2.1").pk])
    assert err.value.code == "invalid_order"


def test_item_delete(criteria_set: CriteriaSet, head: Any) -> None:
    services.criteria_item_delete(actor=head, item=item("1.2"))
    assert not CriteriaItem.objects.filter(code="1.2").exists()
    event = last_event()
    assert (event.action, event.changes["code"]) == ("criteria_item.delete", ["1.2", None])


def _draft_sheet(criteria_set: CriteriaSet, unit: Any) -> ScoreSheet:
    return ScoreSheet.objects.create(block_year=criteria_set.block_year, unit=unit, kind=SheetKind.SELF)


def test_item_delete_removes_blank_draft_lines(criteria_set: CriteriaSet, tree: dict[str, Any], head: Any) -> None:
    sheet = _draft_sheet(criteria_set, tree["centre_a"])
    ScoreLine.objects.create(sheet=sheet, item=item("1.2"))
    services.criteria_item_delete(actor=head, item=item("1.2"))
    assert not ScoreLine.objects.filter(sheet=sheet).exists()
    assert last_event().changes["blank_lines"] == 1


@pytest.mark.parametrize(
    "entry",
    [{"value": D(3)}, {"count": 0}, {"comment": "Đã làm"}, {"evidence_note": "QĐ số 12"}, "attachment", "submitted"],
)
def test_item_already_scored_cannot_be_deleted(
    criteria_set: CriteriaSet, tree: dict[str, Any], head: Any, entry: Any
) -> None:
    sheet = _draft_sheet(criteria_set, tree["centre_a"])
    line = ScoreLine.objects.create(sheet=sheet, item=item("1.1"), **(entry if isinstance(entry, dict) else {}))
    if entry == "attachment":
        from django.contrib.contenttypes.models import ContentType

        Attachment.objects.create(
            owner_type=ContentType.objects.get_for_model(ScoreLine),
            owner_id=line.pk,
            file="x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    if entry == "submitted":
        ScoreSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.SUBMITTED)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_item_delete(actor=head, item=item("1.1"))
    assert err.value.code == "item_in_use"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_group_delete(actor=head, group=group("I"))
    assert err.value.code == "item_in_use"


# --- lock and unlock -----------------------------------------------------------------------------------------------


def test_lock_records_who_and_when(criteria_set: CriteriaSet, head: Any) -> None:
    services.criteria_set_lock(actor=head, criteria_set=criteria_set)
    criteria_set.refresh_from_db()
    assert criteria_set.status == CriteriaSetStatus.LOCKED
    assert criteria_set.locked_by == head
    assert criteria_set.locked_at is not None
    event = last_event()
    assert (event.action, event.changes["items"]) == ("criteria_set.lock", 4)


def test_lock_an_empty_set_is_refused(tree: dict[str, Any], head: Any) -> None:
    cs = services.criteria_set_create(actor=head, block_year=tree["block_year"], title="Bảng trống")
    services.criteria_group_add(actor=head, criteria_set=cs, code="I", title="Nhóm không có dòng")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_lock(actor=head, criteria_set=cs)
    assert err.value.code == "empty_set"


def test_lock_needs_manage_criteria(criteria_set: CriteriaSet, tree: dict[str, Any], make_user: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.criteria_set_lock(actor=clerk, criteria_set=criteria_set)


EDITS: dict[str, Callable[[Any, CriteriaSet], Any]] = {
    "set_update": lambda a, cs: services.criteria_set_update(actor=a, criteria_set=cs, title="Mới"),
    "lock_again": lambda a, cs: services.criteria_set_lock(actor=a, criteria_set=cs),
    "group_add": lambda a, cs: services.criteria_group_add(actor=a, criteria_set=cs, code="III", title="Mới"),
    "group_update": lambda a, cs: services.criteria_group_update(actor=a, group=group("I"), title="Mới"),
    "group_delete": lambda a, cs: services.criteria_group_delete(actor=a, group=group("II")),
    "group_move": lambda a, cs: services.criteria_group_move(actor=a, group=group("II"), direction="up"),
    "item_add": lambda a, cs: services.criteria_item_add(
        actor=a, group=group("I"), code="1.3", title="Mới", max_points=D(1)
    ),
    "item_update": lambda a, cs: services.criteria_item_update(actor=a, item=item("1.1"), max_points=D(12)),
    "item_delete": lambda a, cs: services.criteria_item_delete(actor=a, item=item("1.1")),
    "item_move": lambda a, cs: services.criteria_item_move(actor=a, item=item("1.2"), direction="up"),
    "copy_into": lambda a, cs: services.criteria_set_copy(actor=a, block_year=cs.block_year, source=cs),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_every_edit_after_the_lock_is_refused(criteria_set: CriteriaSet, head: Any, edit: str) -> None:
    services.criteria_set_lock(actor=head, criteria_set=criteria_set)
    stale = CriteriaSet.objects.get(pk=criteria_set.pk)
    stale.status = CriteriaSetStatus.DRAFT  # a copy loaded before the lock must not get through either
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        EDITS[edit](head, stale)
    assert err.value.code in ("criteria_locked", "same_set")
    if edit != "copy_into":
        assert err.value.code == "criteria_locked"


def test_unlock_by_an_officer_with_a_reason(criteria_set: CriteriaSet, head: Any, officer: Any) -> None:
    services.criteria_set_lock(actor=head, criteria_set=criteria_set)
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.criteria_set_unlock(actor=head, criteria_set=criteria_set, reason="Sửa dòng 1.1")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_unlock(actor=officer, criteria_set=criteria_set, reason="  ")
    assert err.value.code == "required"
    services.criteria_set_unlock(actor=officer, criteria_set=criteria_set, reason="Sửa dòng 1.1")
    criteria_set.refresh_from_db()
    assert (criteria_set.status, criteria_set.locked_at) == (CriteriaSetStatus.DRAFT, None)
    event = last_event()
    assert (event.action, event.changes["reason"]) == ("criteria_set.unlock", "Sửa dòng 1.1")
    services.criteria_item_update(actor=head, item=item("1.1"), max_points=D(12))  # editable again


def test_unlock_a_draft_is_refused(criteria_set: CriteriaSet, officer: Any) -> None:
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_unlock(actor=officer, criteria_set=criteria_set, reason="Sửa")
    assert err.value.code == "not_locked"


@pytest.mark.parametrize("status", [SheetStatus.SUBMITTED, SheetStatus.APPROVED, SheetStatus.FINALISED])
def test_unlock_after_a_sheet_was_submitted_is_refused(
    criteria_set: CriteriaSet, tree: dict[str, Any], head: Any, officer: Any, status: str
) -> None:
    services.criteria_set_lock(actor=head, criteria_set=criteria_set)
    sheet = _draft_sheet(criteria_set, tree["centre_b"])
    ScoreSheet.objects.filter(pk=sheet.pk).update(status=status)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_unlock(actor=officer, criteria_set=criteria_set, reason="Sửa")
    assert err.value.code == "sheets_submitted"


def test_unlock_with_only_draft_sheets_is_allowed(
    criteria_set: CriteriaSet, tree: dict[str, Any], head: Any, officer: Any
) -> None:
    services.criteria_set_lock(actor=head, criteria_set=criteria_set)
    _draft_sheet(criteria_set, tree["centre_b"])
    services.criteria_set_unlock(actor=officer, criteria_set=criteria_set, reason="Sửa")
    assert CriteriaSet.objects.get(pk=criteria_set.pk).status == CriteriaSetStatus.DRAFT


# --- copy ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def next_year(criteria_set: CriteriaSet, tree: dict[str, Any], actor: Any) -> Any:
    services.criteria_set_update(actor=actor, criteria_set=criteria_set, legal_basis="Luật 2022", total_cap=D(110))
    return org_services.block_year_create(actor=actor, block=tree["block"], year=2026)


def _shape(cs: CriteriaSet) -> list[tuple[Any, ...]]:
    return [
        (
            i.group.code,
            i.group.title,
            i.group.position,
            i.code,
            i.title,
            i.position,
            i.item_type,
            i.max_points,
            i.per_occurrence,
            i.cap,
            i.evidence_required,
        )
        for i in cs.items.select_related("group").order_by("group__position", "position")
    ]


def test_copy_from_last_year(criteria_set: CriteriaSet, next_year: Any, head: Any, make_user: Any) -> None:
    new_head = make_user(Role.BLOCK_HEAD, block_year=next_year)
    copied = services.criteria_set_copy(actor=new_head, block_year=next_year)
    assert copied.title == "Bảng điểm năm 2026"
    assert (copied.legal_basis, copied.total_cap, copied.copied_from_id) == ("Luật 2022", D(110), criteria_set.pk)
    assert copied.status == CriteriaSetStatus.DRAFT
    assert _shape(copied) == _shape(criteria_set)
    event = last_event()
    assert (event.action, event.changes["items"], event.changes["source"]) == ("criteria_set.copy", 4, criteria_set.pk)


def test_copy_into_an_empty_existing_set(criteria_set: CriteriaSet, next_year: Any, actor: Any) -> None:
    target = services.criteria_set_create(actor=actor, block_year=next_year, title="Bảng 2026")
    services.criteria_group_add(actor=actor, criteria_set=target, code="X", title="Nhóm trống")
    copied = services.criteria_set_copy(actor=actor, block_year=next_year)
    assert copied.pk == target.pk
    assert copied.title == "Bảng 2026"
    assert list(copied.groups.values_list("code", flat=True).order_by("position")) == ["I", "II"]


def test_copy_refusals(criteria_set: CriteriaSet, next_year: Any, tree: dict[str, Any], actor: Any) -> None:
    lonely = org_services.block_year_create(actor=actor, block=tree["other_block"], year=2025)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_copy(actor=actor, block_year=lonely)
    assert (err.value.code, err.value.field) == ("no_previous_set", "source")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_copy(actor=actor, block_year=criteria_set.block_year, source=criteria_set)
    assert err.value.code == "same_set"
    services.criteria_set_copy(actor=actor, block_year=next_year)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.criteria_set_copy(actor=actor, block_year=next_year)
    assert err.value.code == "set_not_empty"


def test_copy_from_another_block(criteria_set: CriteriaSet, tree: dict[str, Any], actor: Any) -> None:
    other = org_services.block_year_create(actor=actor, block=tree["other_block"], year=2025)
    copied = services.criteria_set_copy(actor=actor, block_year=other, source=criteria_set)
    assert _shape(copied) == _shape(criteria_set)


def test_copy_needs_manage_criteria_on_the_target(criteria_set: CriteriaSet, next_year: Any, head: Any) -> None:
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.criteria_set_copy(actor=head, block_year=next_year)  # head of 2025, not of 2026


def _walk_to(block_year: Any, actor: Any, phase: str) -> Any:
    from thidua.organizations.models import PHASE_ORDER

    while block_year.phase != phase:
        next_phase = PHASE_ORDER[PHASE_ORDER.index(block_year.phase) + 1]
        block_year = org_services.block_year_advance_phase(actor=actor, block_year=block_year, to_phase=next_phase)
    return block_year


def test_opening_scoring_locks_the_draft_criteria(tree: dict[str, Any], criteria_set: CriteriaSet, head: Any) -> None:
    by = _walk_to(tree["block_year"], system_actor(), "midyear_review")
    assert not CriteriaSet.objects.get(pk=criteria_set.pk).is_locked
    org_services.block_year_advance_phase(actor=head, block_year=by, to_phase="scoring")
    criteria_set.refresh_from_db()
    assert criteria_set.is_locked
    assert criteria_set.locked_by == head
    assert AuditEvent.objects.filter(action="criteria_set.lock", object_id=str(criteria_set.pk)).exists()


def test_an_empty_criteria_set_refuses_to_open_scoring(tree: dict[str, Any], actor: Any) -> None:
    empty = services.criteria_set_create(actor=actor, block_year=tree["block_year"], title="Bảng điểm trống")
    by = _walk_to(tree["block_year"], actor, "midyear_review")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        org_services.block_year_advance_phase(actor=actor, block_year=by, to_phase="scoring")
    assert exc.value.code == "empty_set"
    by.refresh_from_db()
    assert by.phase == "midyear_review"
    assert not CriteriaSet.objects.get(pk=empty.pk).is_locked
    assert AuditEvent.objects.count() == events


def test_scoring_may_open_before_the_criteria_are_written(tree: dict[str, Any], actor: Any) -> None:
    by = _walk_to(tree["block_year"], actor, "scoring")
    assert by.phase == "scoring"
    assert not CriteriaSet.objects.filter(block_year=by).exists()
