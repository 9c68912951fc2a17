"""Score sheet services: self-scoring, review, submit / approve / return / finalise, corrections, evidence.

Each bad case asserts the stable error code and that nothing was written (no row, no audit event).
"""

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from thidua.accounts.roles import Role
from thidua.attachments.models import Attachment
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from thidua.organizations import services as org_services
from thidua.scoring.models import (
    FinalScore,
    Reconciliation,
    ReconciliationStatus,
    ScoreLine,
    ScoreSheet,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.helpers_sheets import (
    FULL,
    NothingWritten,
    audit_count,
    entries,
    fill,
    item,
    last_action,
    leader,
    make_config,
    make_criteria,
    officer,
    staff,
    values_for,
)
from thidua.tests_support.factories import make_unit, system_actor

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree's block-year (head centre A, deputy centre B) with a locked table and its people."""
    by = tree["block_year"]
    make_criteria(by)
    return {
        **tree,
        "by": by,
        "clerk_c": staff(tree["centre_c"]),
        "head_c": staff(tree["centre_c"], Role.UNIT_HEAD),
        "clerk_a": staff(tree["centre_a"]),
        "clerk_b": staff(tree["centre_b"]),
        "block_head": leader(by),
        "deputy": leader(by, Role.BLOCK_DEPUTY),
        "officer": officer(tree["province"]),
    }


def self_sheet(w: dict[str, Any], unit: str = "centre_c", actor: str = "clerk_c") -> ScoreSheet:
    return services.self_sheet_open(actor=w[actor], block_year=w["by"], unit=w[unit])


def head_review(w: dict[str, Any], unit: str = "centre_c") -> ScoreSheet:
    return services.review_sheet_open(
        actor=w["block_head"], block_year=w["by"], unit=w[unit], reviewer_unit=w["centre_a"]
    )


def upload(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 minh chung", content_type="application/pdf")


# ---------------------------------------------------------------- opening


def test_self_sheet_open_creates_a_blank_line_per_item(world: dict[str, Any]) -> None:
    before = audit_count()
    sheet = self_sheet(world)
    assert sheet.kind == SheetKind.SELF
    assert sheet.status == SheetStatus.DRAFT
    assert sheet.version == 1
    assert sheet.lines.count() == 7
    assert set(sheet.lines.values_list("value", flat=True)) == {None}
    assert audit_count() == before + 1
    assert last_action() == "score_sheet.open"
    again = self_sheet(world)  # opening again returns the same sheet and writes nothing
    assert again.pk == sheet.pk
    assert audit_count() == before + 1


def test_self_sheet_open_refusals(world: dict[str, Any], make_user: Any) -> None:
    by = world["by"]
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.self_sheet_open(actor=world["clerk_a"], block_year=by, unit=world["centre_c"])
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.self_sheet_open(actor=world["block_head"], block_year=by, unit=world["centre_c"])
    outsider = make_unit("NGOAI", "Đơn vị ngoài khối", parent=world["dept"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.self_sheet_open(actor=staff(outsider), block_year=by, unit=outsider)
    assert err.value.code == "not_a_member"
    criteria = by.criteria_set
    criteria.status = "draft"
    criteria.save()
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        self_sheet(world)
    assert err.value.code == "criteria_not_locked"


def test_head_review_open_marks_the_head_review(world: dict[str, Any]) -> None:
    sheet = head_review(world)
    assert sheet.kind == SheetKind.REVIEW
    assert sheet.is_head_review
    assert sheet.reviewer_unit == world["centre_a"]
    deputy_sheet = services.review_sheet_open(
        actor=world["deputy"], block_year=world["by"], unit=world["centre_c"], reviewer_unit=world["centre_b"]
    )
    assert not deputy_sheet.is_head_review


def test_review_open_refusals_in_head_mode(world: dict[str, Any]) -> None:
    by = world["by"]
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # the head unit scoring itself
        services.review_sheet_open(
            actor=world["block_head"], block_year=by, unit=world["centre_a"], reviewer_unit=world["centre_a"]
        )
    assert err.value.code == "own_unit"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.review_sheet_open(
            actor=world["block_head"], block_year=by, unit=world["centre_c"], reviewer_unit=world["board"]
        )
    assert err.value.code == "not_a_reviewer"
    with NothingWritten(), pytest.raises(PermissionDenied):  # a unit clerk in head mode
        services.review_sheet_open(
            actor=world["clerk_b"], block_year=by, unit=world["centre_c"], reviewer_unit=world["centre_b"]
        )
    services.conflict_declare(
        actor=world["block_head"], block_year=by, reviewer_unit=world["centre_a"], unit=world["board"], reason="x"
    )
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        head_review(world, "board")
    assert err.value.code == "conflict_of_interest"


def test_review_open_in_cross_mode_needs_an_assignment(world: dict[str, Any]) -> None:
    by = world["by"]
    make_config(by, review_mode="cross", reviewers_per_unit=2)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.review_sheet_open(
            actor=world["clerk_b"], block_year=by, unit=world["centre_c"], reviewer_unit=world["centre_b"]
        )
    assert err.value.code == "not_assigned"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # scoring one's own unit
        services.review_sheet_open(
            actor=world["clerk_c"], block_year=by, unit=world["centre_c"], reviewer_unit=world["centre_c"]
        )
    assert err.value.code == "own_unit"
    plan = services.review_assignments_generate(actor=world["block_head"], block_year=by)
    mine = next(a for a in plan if a.reviewer_unit_id == world["centre_b"].pk)
    sheet = services.review_sheet_open(
        actor=world["clerk_b"], block_year=by, unit=mine.unit, reviewer_unit=world["centre_b"]
    )
    assert sheet.reviewer_unit_id == world["centre_b"].pk
    assert not sheet.is_head_review


def test_database_refuses_a_review_of_ones_own_unit(world: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.create(
            block_year=world["by"], unit=world["centre_c"], kind="review", reviewer_unit=world["centre_c"]
        )


# ---------------------------------------------------------------- saving


def test_save_computes_points_and_totals_and_audits(world: dict[str, Any]) -> None:
    sheet = self_sheet(world)
    before = audit_count()
    sheet = fill(
        world["clerk_c"],
        sheet,
        {"A1": "27.5", "A2": "18", "A3": "10", "B1": "30", "B2": "0", "C1": 1, "D1": 2},
        A2={"evidence_note": "Báo cáo số 12/BC", "comment": "Đủ hồ sơ"},
    )
    assert sheet.version == 2
    assert (sheet.base_total, sheet.bonus_total, sheet.deduction_total, sheet.total) == (
        D("85.50"),
        D("10.00"),
        D("4.00"),
        D("91.50"),
    )
    stored = ScoreSheet.objects.get(pk=sheet.pk)
    assert (stored.version, stored.total, stored.last_edited_by_id) == (2, D("91.50"), world["clerk_c"].pk)
    line = ScoreLine.objects.get(sheet=sheet, item__code="D1")
    assert (line.count, line.points, line.value) == (2, D("-4.00"), None)
    a2 = ScoreLine.objects.get(sheet=sheet, item__code="A2")
    assert (a2.comment, a2.evidence_note) == ("Đủ hồ sơ", "Báo cáo số 12/BC")
    assert audit_count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "score_sheet.save"
    assert event.changes["lines"]["A1"]["value"] == [None, "27.5"]
    assert event.changes["version"] == [1, 2]


def test_97_plus_10_is_107_and_a_cap_of_100_caps_it(world: dict[str, Any], tree: dict[str, Any]) -> None:
    sheet = fill(world["clerk_c"], self_sheet(world), {**FULL, "A1": "27", "C1": 1}, A2={"evidence_note": "QĐ"})
    assert (sheet.base_total, sheet.bonus_total, sheet.total) == (D(97), D(10), D(107))
    criteria = world["by"].criteria_set
    criteria.total_cap = D(100)
    criteria.save()
    sheet = fill(world["clerk_c"], sheet, {"B1": "29"})  # any save recomputes, now with the cap: 96 + 10 → 100
    assert (sheet.base_total, sheet.bonus_total, sheet.total) == (D(96), D(10), D(100))


def test_a_cleared_line_gives_no_points(world: dict[str, Any]) -> None:
    sheet = fill(world["clerk_c"], self_sheet(world), {"A1": "20"})
    sheet = fill(world["clerk_c"], sheet, {"A1": None})
    assert sheet.total == 0
    assert ScoreLine.objects.get(sheet=sheet, item__code="A1").value is None


def test_save_without_change_writes_nothing(world: dict[str, Any]) -> None:
    sheet = fill(world["clerk_c"], self_sheet(world), {"A1": "20"})
    with NothingWritten():
        fill(world["clerk_c"], sheet, {"A1": "20"})


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"A1": "31"}, "above_maximum"),
        ({"A1": "-1"}, "negative_score"),
        ({"A1": "7.125"}, "too_many_decimals"),
        ({"A3": "5"}, "invalid_yes_no"),
        ({"D1": -1}, "negative_count"),
        ({"A2": "15"}, "evidence_required"),
        ({"C1": 100_001}, "too_large"),
    ],
)
def test_save_bad_scores(world: dict[str, Any], values: dict[str, Any], code: str) -> None:
    sheet = fill(world["clerk_c"], self_sheet(world), {"B1": "25"})
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        fill(world["clerk_c"], sheet, {"A1": "10", **values})
    assert err.value.code == code
    assert err.value.field == f"lines.{item(world['by'], next(iter(values))).pk}"


def test_points_too_large_to_store(tree: dict[str, Any]) -> None:
    by = tree["block_year"]
    make_criteria(
        by, items={"Z1": ("I", "bonus", "0", "10", None, False), "Z2": ("I", "points", "10", "0", None, False)}
    )
    clerk = staff(tree["centre_c"])
    sheet = services.self_sheet_open(actor=clerk, block_year=by, unit=tree["centre_c"])
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # 20,000 × 10 points, no cap
        fill(clerk, sheet, {"Z1": 20_000})
    assert err.value.code == "too_large"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # each line fits, the total does not
        fill(clerk, sheet, {"Z1": 9_999, "Z2": "10"})
    assert err.value.code == "too_large"
    assert fill(clerk, sheet, {"Z1": 9_998, "Z2": "10"}).total == D("99990.00")


def test_save_an_item_of_another_block_year(world: dict[str, Any], tree: dict[str, Any]) -> None:
    other = org_services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    make_criteria(other)
    sheet = self_sheet(world)
    foreign = item(other, "A1")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_sheet_save(
            actor=world["clerk_c"],
            sheet=sheet,
            version=sheet.version,
            lines=[services.LineInput(item_id=foreign.pk, value=D(5))],
        )
    assert err.value.code == "unknown_item"
    line = entries(world["by"], {"A1": "5"})[0]
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_sheet_save(actor=world["clerk_c"], sheet=sheet, version=1, lines=[line, line])
    assert err.value.code == "duplicate_item"


def test_save_refused_to_other_units_and_to_the_reviewers(world: dict[str, Any]) -> None:
    sheet = self_sheet(world)
    for actor in ("clerk_a", "block_head", "officer"):
        with NothingWritten(), pytest.raises(PermissionDenied):
            fill(world[actor], sheet, {"A1": "10"})
    review = head_review(world)
    with NothingWritten(), pytest.raises(PermissionDenied):
        fill(world["clerk_c"], review, {"A1": "10"})


def test_two_people_saving_the_same_sheet(world: dict[str, Any]) -> None:
    first = self_sheet(world)
    second = ScoreSheet.objects.get(pk=first.pk)  # the other person's copy, read at the same version
    head_c = world["head_c"]
    fill(world["clerk_c"], first, {"A1": "25"})
    with NothingWritten(), pytest.raises(Conflict) as err:
        services.score_sheet_save(
            actor=head_c, sheet=second, version=1, lines=entries(world["by"], {"A1": "5", "B1": "5"})
        )
    assert err.value.code == "stale_sheet"
    assert err.value.status == 409
    assert "reload" in str(err.value.message).lower()
    stored = ScoreLine.objects.get(sheet=first, item__code="A1")
    assert stored.value == D(25)  # the first save is intact
    assert ScoreSheet.objects.get(pk=first.pk).version == 2
    with NothingWritten(), pytest.raises(Conflict) as err:  # an old version number on a fresh object
        services.score_sheet_save(
            actor=head_c, sheet=ScoreSheet.objects.get(pk=first.pk), version=1, lines=entries(world["by"], {"A1": "5"})
        )
    assert err.value.code == "stale_sheet"


def test_editing_after_the_lock(world: dict[str, Any]) -> None:
    by = world["by"]
    make_config(by, self_approval_required=False)
    sheet = fill(world["clerk_c"], self_sheet(world), FULL, A2={"evidence_note": "QĐ 1"})
    services.score_sheet_submit(actor=world["clerk_c"], sheet=sheet, version=sheet.version)
    with NothingWritten(), pytest.raises(Conflict) as err:  # submitted: must be returned first
        fill(world["clerk_c"], sheet, {"A1": "1"})
    assert err.value.code == "sheet_locked"
    services.score_sheet_finalise(actor=world["block_head"], sheet=sheet)
    with NothingWritten(), pytest.raises(Conflict) as err:
        fill(world["clerk_c"], sheet, {"A1": "1"})
    assert err.value.code == "sheet_locked"
    with NothingWritten(), pytest.raises(Conflict) as err:
        services.score_line_add_evidence(actor=world["clerk_c"], sheet=sheet, item=item(by, "A2"), upload=upload())
    assert err.value.code == "sheet_locked"
    stale = ScoreSheet.objects.get(pk=sheet.pk)
    stale.status = SheetStatus.DRAFT  # a stale object in memory: the conditional UPDATE still refuses
    with NothingWritten(), pytest.raises(Conflict) as err:
        services.score_sheet_save(
            actor=world["clerk_c"], sheet=stale, version=stale.version, lines=entries(by, {"A1": "1"})
        )
    assert err.value.code == "sheet_locked"


# ---------------------------------------------------------------- evidence


def test_evidence_file_counts_as_evidence_and_can_be_removed(world: dict[str, Any]) -> None:
    by = world["by"]
    sheet = self_sheet(world)
    before = audit_count()
    attachment = services.score_line_add_evidence(
        actor=world["clerk_c"], sheet=sheet, item=item(by, "A2"), upload=upload()
    )
    assert audit_count() == before + 1
    assert last_action() == "attachment.add"
    line = ScoreLine.objects.get(sheet=sheet, item__code="A2")
    assert attachment.owner_id == line.pk
    sheet = fill(world["clerk_c"], sheet, {"A2": "15"})  # accepted: the file is the evidence
    assert sheet.total == D(15)
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.score_line_remove_evidence(actor=world["clerk_a"], sheet=sheet, attachment=attachment)
    services.score_line_remove_evidence(actor=world["clerk_c"], sheet=sheet, attachment=attachment)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert last_action() == "attachment.remove"


def test_evidence_refusals(world: dict[str, Any], tree: dict[str, Any]) -> None:
    by = world["by"]
    sheet = self_sheet(world)
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.score_line_add_evidence(actor=world["clerk_a"], sheet=sheet, item=item(by, "A2"), upload=upload())
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_line_add_evidence(
            actor=world["clerk_c"], sheet=sheet, item=item(by, "A2"), upload=upload("virus.exe")
        )
    assert err.value.code == "file_type_not_allowed"
    other = org_services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    make_criteria(other)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_line_add_evidence(actor=world["clerk_c"], sheet=sheet, item=item(other, "A2"), upload=upload())
    assert err.value.code == "unknown_item"
    board_clerk = staff(world["board"])
    board_sheet = services.self_sheet_open(actor=board_clerk, block_year=by, unit=world["board"])
    foreign = services.score_line_add_evidence(
        actor=board_clerk, sheet=board_sheet, item=item(by, "A2"), upload=upload()
    )
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_line_remove_evidence(actor=world["clerk_c"], sheet=sheet, attachment=foreign)
    assert err.value.code == "unknown_attachment"


# ---------------------------------------------------------------- submit, approve, return, finalise


def test_submit_needs_every_line_scored(world: dict[str, Any]) -> None:
    sheet = fill(world["clerk_c"], self_sheet(world), {"A1": "20"})
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_sheet_submit(actor=world["clerk_c"], sheet=sheet, version=sheet.version)
    assert err.value.code == "incomplete_sheet"
    assert "A2" in str(err.value.message)


def test_submit_needs_the_required_evidence(world: dict[str, Any]) -> None:
    by = world["by"]
    sheet = self_sheet(world)
    services.score_line_add_evidence(actor=world["clerk_c"], sheet=sheet, item=item(by, "A2"), upload=upload())
    sheet = fill(world["clerk_c"], sheet, FULL)
    attachment = Attachment.objects.get()
    services.score_line_remove_evidence(actor=world["clerk_c"], sheet=sheet, attachment=attachment)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_sheet_submit(actor=world["clerk_c"], sheet=sheet, version=sheet.version)
    assert err.value.code == "evidence_required"
    assert err.value.field == f"lines.{item(by, 'A2').pk}"


def test_submit_with_a_stale_version(world: dict[str, Any]) -> None:
    sheet = fill(world["clerk_c"], self_sheet(world), FULL, A2={"evidence_note": "QĐ"})
    with NothingWritten(), pytest.raises(Conflict) as err:
        services.score_sheet_submit(actor=world["clerk_c"], sheet=sheet, version=1)
    assert err.value.code == "stale_sheet"


def test_self_sheet_life_cycle(world: dict[str, Any]) -> None:
    clerk, head = world["clerk_c"], world["head_c"]
    sheet = fill(clerk, self_sheet(world), FULL, A2={"evidence_note": "QĐ"})
    sheet = services.score_sheet_submit(actor=clerk, sheet=sheet, version=sheet.version)
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.submitted_by == clerk
    assert last_action() == "score_sheet.submit"
    with NothingWritten(), pytest.raises(PermissionDenied):  # the clerk cannot approve
        services.self_sheet_approve(actor=clerk, sheet=sheet)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # approval is required first
        services.score_sheet_finalise(actor=world["block_head"], sheet=sheet)
    assert err.value.code == "not_ready"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_sheet_return(actor=head, sheet=sheet, reason="  ")
    assert err.value.code == "reason_required"
    sheet = services.score_sheet_return(actor=head, sheet=sheet, reason="Thiếu minh chứng tiêu chí B1")
    assert sheet.status == SheetStatus.DRAFT
    assert sheet.submitted_at is None
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "score_sheet.return"
    assert event.changes["reason"] == "Thiếu minh chứng tiêu chí B1"
    sheet = fill(clerk, sheet, {"B1": "29"})
    sheet = services.score_sheet_submit(actor=clerk, sheet=sheet, version=sheet.version)
    sheet = services.self_sheet_approve(actor=head, sheet=sheet)
    assert sheet.status == SheetStatus.APPROVED
    assert sheet.approved_by == head
    with NothingWritten(), pytest.raises(PermissionDenied):  # the unit head does not finalise
        services.score_sheet_finalise(actor=head, sheet=sheet)
    sheet = services.score_sheet_finalise(actor=world["officer"], sheet=sheet)
    stored = ScoreSheet.objects.get(pk=sheet.pk)
    assert stored.status == SheetStatus.FINALISED
    assert stored.finalised_by == world["officer"]
    assert FinalScore.objects.get(unit=world["centre_c"]).self_total == D(99)
    with NothingWritten(), pytest.raises(Conflict) as locked:
        services.score_sheet_return(actor=world["block_head"], sheet=stored, reason="x")
    assert locked.value.code == "sheet_locked"


def test_approve_and_return_refusals(world: dict[str, Any]) -> None:
    sheet = self_sheet(world)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.self_sheet_approve(actor=world["head_c"], sheet=sheet)
    assert err.value.code == "not_submitted"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_sheet_return(actor=world["head_c"], sheet=sheet, reason="x")
    assert err.value.code == "not_submitted"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.score_sheet_return(actor=world["clerk_c"], sheet=sheet, reason="x")
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.score_sheet_return(actor=world["deputy"], sheet=sheet, reason="x")


def test_review_finalise_flags_differences(world: dict[str, Any]) -> None:
    by = world["by"]
    make_config(by, item_difference_threshold=D(2), total_difference_threshold=D(5))
    clerk = world["clerk_c"]
    own = fill(clerk, self_sheet(world), FULL, A2={"evidence_note": "QĐ"})  # 100
    own = services.score_sheet_submit(actor=clerk, sheet=own, version=own.version)
    review = fill(
        world["block_head"], head_review(world), {**FULL, "A1": "25", "B1": "28.5"}, A2={"evidence_note": "x"}
    )
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # a draft review cannot be finalised
        services.score_sheet_finalise(actor=world["block_head"], sheet=review)
    assert err.value.code == "not_ready"
    review = services.score_sheet_submit(actor=world["block_head"], sheet=review, version=review.version)
    before = audit_count()
    services.score_sheet_finalise(actor=world["block_head"], sheet=review)
    assert audit_count() == before + 1
    assert last_action() == "score_sheet.finalise"
    flags = {(r.item.code if r.item else "total"): r for r in Reconciliation.objects.select_related("item")}
    assert set(flags) == {"A1", "total"}  # B1 differs by 1.5, within the threshold of 2
    assert (flags["A1"].self_points, flags["A1"].review_points) == (D(30), D(25))
    assert (flags["total"].self_points, flags["total"].review_points) == (D(100), D("93.50"))
    final = FinalScore.objects.get(unit=world["centre_c"])
    assert final.raw_total == D("93.50")
    assert final.review_count == 1

    with NothingWritten(), pytest.raises(PermissionDenied):
        services.reconciliation_resolve(actor=world["deputy"], reconciliation=flags["A1"], reason="ok")
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.reconciliation_resolve(actor=world["block_head"], reconciliation=flags["A1"], reason="")
    assert err.value.code == "reason_required"
    resolved = services.reconciliation_resolve(
        actor=world["block_head"], reconciliation=flags["A1"], reason="Thiếu một báo cáo quý"
    )
    assert resolved.status == ReconciliationStatus.RESOLVED
    assert resolved.resolved_by == world["block_head"]
    assert last_action() == "reconciliation.resolve"
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.reconciliation_resolve(actor=world["block_head"], reconciliation=resolved, reason="again")
    assert err.value.code == "already_resolved"
    # Approving and finalising the self sheet later keeps the resolved flag and re-flags the open ones.
    own = services.self_sheet_approve(actor=world["head_c"], sheet=own)
    services.score_sheet_finalise(actor=world["block_head"], sheet=own)
    assert Reconciliation.objects.count() == 2
    assert Reconciliation.objects.get(item__code="A1").status == ReconciliationStatus.RESOLVED


def test_correction_is_a_new_revision_with_the_reason(world: dict[str, Any]) -> None:
    by = world["by"]
    review = head_review(world)
    services.score_line_add_evidence(actor=world["block_head"], sheet=review, item=item(by, "A2"), upload=upload())
    review = fill(world["block_head"], review, FULL)
    review = services.score_sheet_submit(actor=world["block_head"], sheet=review, version=review.version)
    review = services.score_sheet_finalise(actor=world["block_head"], sheet=review)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.score_sheet_correct(actor=world["block_head"], sheet=review, reason=" ")
    assert err.value.code == "reason_required"
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.score_sheet_correct(actor=world["deputy"], sheet=review, reason="x")
    before = audit_count()
    copy = services.score_sheet_correct(actor=world["block_head"], sheet=review, reason="Nhập nhầm tiêu chí B1")
    assert audit_count() == before + 1
    assert last_action() == "score_sheet.correct"
    old = ScoreSheet.objects.get(pk=review.pk)
    assert not old.is_current
    assert old.status == SheetStatus.FINALISED
    assert (copy.revision, copy.supersedes_id, copy.status, copy.is_current) == (2, old.pk, "draft", True)
    assert copy.correction_reason == "Nhập nhầm tiêu chí B1"
    assert copy.lines.get(item__code="B1").value == D(30)
    assert Attachment.objects.count() == 2  # the evidence file follows the copy
    assert not FinalScore.objects.filter(unit=world["centre_c"], raw_total__isnull=False).exists()
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # the old revision is history now
        services.score_sheet_correct(actor=world["block_head"], sheet=old, reason="again")
    assert err.value.code == "not_finalised"
    with NothingWritten(), pytest.raises(Conflict) as locked:
        fill(world["block_head"], old, {"B1": "1"})
    assert locked.value.code == "sheet_locked"
    copy = fill(world["block_head"], copy, {"B1": "25"})
    copy = services.score_sheet_submit(actor=world["block_head"], sheet=copy, version=copy.version)
    services.score_sheet_finalise(actor=world["block_head"], sheet=copy)
    assert FinalScore.objects.get(unit=world["centre_c"]).raw_total == D(95)
    assert head_review(world).pk == copy.pk  # opening the review again returns the current revision


def test_finalise_scoring_of_the_block_year(world: dict[str, Any]) -> None:
    by = world["by"]
    review = fill(world["block_head"], head_review(world), FULL, A2={"evidence_note": "x"})
    draft = self_sheet(world)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:
        services.block_year_finalise_scoring(actor=world["block_head"], block_year=by)
    assert err.value.code == "sheets_not_ready"
    assert world["centre_c"].name in str(err.value.message)
    review = services.score_sheet_submit(actor=world["block_head"], sheet=review, version=review.version)
    draft = fill(world["clerk_c"], draft, FULL, A2={"evidence_note": "x"})
    draft = services.score_sheet_submit(actor=world["clerk_c"], sheet=draft, version=draft.version)
    with NothingWritten(), pytest.raises(ValidationFailed) as err:  # awaiting the unit head's approval
        services.block_year_finalise_scoring(actor=world["block_head"], block_year=by)
    assert err.value.code == "sheets_not_ready"
    services.self_sheet_approve(actor=world["head_c"], sheet=draft)
    with NothingWritten(), pytest.raises(PermissionDenied):
        services.block_year_finalise_scoring(actor=world["deputy"], block_year=by)
    done = services.block_year_finalise_scoring(actor=world["block_head"], block_year=by)
    assert {s.pk for s in done} == {review.pk, draft.pk}
    assert set(ScoreSheet.objects.values_list("status", flat=True)) == {SheetStatus.FINALISED}
    assert last_action() == "scoring.finalise_all"
    final = FinalScore.objects.get(unit=world["centre_c"])
    assert (final.self_total, final.raw_total, final.rank) == (D(100), D(100), 1)
    assert FinalScore.objects.count() == 4  # one row per member unit, scored or not


def test_a_review_needs_no_evidence_of_its_own(world: dict[str, Any]) -> None:
    """Evidence is the scored unit's to file: the reviewer scores an evidence-required line without any."""
    review = fill(world["block_head"], head_review(world), values_for(80))
    assert review.total == 80
    services.score_sheet_submit(actor=world["block_head"], sheet=review, version=review.version)
    review.refresh_from_db()
    assert review.status == "submitted"
