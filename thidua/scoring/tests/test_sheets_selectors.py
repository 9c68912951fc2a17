"""Reads of score sheets and results: what each role sees, history, to-do lists, the matrix, evidence downloads."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.scoring.models import ScoreLine, ScoreSheet
from thidua.scoring.selectors import ranking as ranking_selectors
from thidua.scoring.selectors import sheets as selectors
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.helpers_sheets import (
    FULL,
    add_units,
    fill,
    item,
    leader,
    make_config,
    make_criteria,
    make_sheet,
    officer,
    staff,
)
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    by = tree["block_year"]
    make_criteria(by)
    make_config(by, self_approval_required=False)
    head = leader(by)
    clerk_c = staff(tree["centre_c"])
    own = services.self_sheet_open(actor=clerk_c, block_year=by, unit=tree["centre_c"])
    review = services.review_sheet_open(
        actor=head, block_year=by, unit=tree["centre_c"], reviewer_unit=tree["centre_a"]
    )
    board_own = services.self_sheet_open(actor=staff(tree["board"]), block_year=by, unit=tree["board"])
    return {**tree, "by": by, "head": head, "clerk_c": clerk_c, "own": own, "review": review, "board_own": board_own}


def test_sheet_detail_loads_lines_in_table_order_with_evidence_counts(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    upload = SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4", content_type="application/pdf")
    services.score_line_add_evidence(
        actor=world["clerk_c"], sheet=world["own"], item=item(world["by"], "A2"), upload=upload
    )
    with django_assert_num_queries(2):
        sheet = selectors.sheet_detail(sheet_id=world["own"].pk)
        lines = list(sheet.lines.all())
        assert [line.item.code for line in lines] == ["A1", "A2", "A3", "B1", "B2", "C1", "D1"]
        assert [line.item.group.code for line in lines][:4] == ["I", "I", "I", "II"]
        assert [line.evidence_count for line in lines] == [0, 1, 0, 0, 0, 0, 0]  # type: ignore[attr-defined]
        assert sheet.unit.name
        assert sheet.block_year.block.owner.code == "QT"
    evidence = selectors.sheet_evidence(sheet=sheet)
    assert [a.original_name for a in evidence[lines[1].pk]] == ["minh-chung.pdf"]
    with pytest.raises(ScoreSheet.DoesNotExist):
        selectors.sheet_detail(sheet_id=999999)


def test_sheets_for_block_year_by_role(world: dict[str, Any], tree: dict[str, Any], make_user: Any) -> None:
    by = world["by"]
    own, review, board_own = world["own"], world["review"], world["board_own"]

    def seen(user: Any) -> set[int]:
        return {s.pk for s in selectors.sheets_for_block_year(block_year=by, user=user)}

    everything = {own.pk, review.pk, board_own.pk}
    assert seen(world["head"]) == everything
    assert seen(leader(by, Role.BLOCK_DEPUTY)) == everything
    assert seen(officer(tree["province"])) == everything
    assert seen(world["clerk_c"]) == {own.pk}  # its self sheet; reviews of it once finalised
    assert seen(staff(tree["centre_a"])) == {review.pk}  # the reviewing unit's staff
    assert seen(make_user(Role.VIEWER)) == set()
    # The same rule as scoring.view_sheet, sheet by sheet.
    for user in (world["clerk_c"], staff(tree["centre_a"]), staff(tree["board"])):
        for sheet in ScoreSheet.objects.all():
            assert (sheet.pk in seen(user)) == user.has_perm("scoring.view_sheet", sheet)


def test_finalised_reviews_become_visible_to_the_scored_unit(world: dict[str, Any]) -> None:
    head, review = world["head"], world["review"]
    review = fill(head, review, FULL, A2={"evidence_note": "x"})
    review = services.score_sheet_submit(actor=head, sheet=review, version=review.version)
    services.score_sheet_finalise(actor=head, sheet=review)
    seen = {s.pk for s in selectors.sheets_for_block_year(block_year=world["by"], user=world["clerk_c"])}
    assert seen == {world["own"].pk, review.pk}


def test_sheet_history_keeps_every_revision(world: dict[str, Any]) -> None:
    head, review = world["head"], world["review"]
    review = fill(head, review, FULL, A2={"evidence_note": "x"})
    review = services.score_sheet_submit(actor=head, sheet=review, version=review.version)
    review = services.score_sheet_finalise(actor=head, sheet=review)
    copy = services.score_sheet_correct(actor=head, sheet=review, reason="Sai số liệu")
    history = selectors.sheet_history(block_year=world["by"], unit=world["centre_c"])
    assert [(s.kind, s.revision, s.is_current) for s in history] == [
        ("self", 1, True),
        ("review", 1, False),
        ("review", 2, True),
    ]
    assert history[2].pk == copy.pk
    assert history[2].correction_reason == "Sai số liệu"
    events = [e.action for e in selectors.sheet_events(sheet=review)]
    assert events == ["score_sheet.open", "score_sheet.save", "score_sheet.submit", "score_sheet.finalise"]


def test_my_scoring_tasks(world: dict[str, Any], tree: dict[str, Any]) -> None:
    by = world["by"]
    clerk_c = world["clerk_c"]
    assert [(t.action, t.unit, t.sheet) for t in selectors.my_scoring_tasks(user=clerk_c)] == [
        ("fill_self", tree["centre_c"], world["own"])
    ]
    clerk_b = staff(tree["centre_b"])  # not opened yet
    assert [(t.action, t.sheet) for t in selectors.my_scoring_tasks(user=clerk_b)] == [("fill_self", None)]
    head_tasks = selectors.my_scoring_tasks(user=world["head"])  # reviews every other member as the head unit
    assert {(t.action, t.unit.code, t.reviewer_unit.code if t.reviewer_unit else None) for t in head_tasks} == {
        ("review", "TTB", "TTA"),
        ("review", "TTC", "TTA"),
        ("review", "BQL", "TTA"),
    }
    deputy_tasks = selectors.my_scoring_tasks(user=leader(by, Role.BLOCK_DEPUTY))
    assert {t.reviewer_unit.code for t in deputy_tasks if t.reviewer_unit} == {"TTB"}
    # The unit head approves once submitted, when the block-year requires it.
    make_config(by, self_approval_required=True)
    own = fill(clerk_c, world["own"], FULL, A2={"evidence_note": "x"})
    services.score_sheet_submit(actor=clerk_c, sheet=own, version=own.version)
    head_c = staff(tree["centre_c"], Role.UNIT_HEAD)
    assert [t.action for t in selectors.my_scoring_tasks(user=head_c)] == ["approve_self"]
    assert selectors.my_scoring_tasks(user=clerk_c) == []
    # Cross mode: the assigned units.
    make_config(by, review_mode="cross", reviewers_per_unit=1)
    services.review_assignments_generate(actor=world["head"], block_year=by)
    tasks = [t for t in selectors.my_scoring_tasks(user=clerk_b) if t.action == "review"]
    assert len(tasks) == 1
    assert tasks[0].reviewer_unit == tree["centre_b"]
    assert selectors.my_scoring_tasks(user=system_actor()) == []


def test_view_line_perm_guards_evidence_downloads(world: dict[str, Any], tree: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    attachment = services.score_line_add_evidence(
        actor=world["clerk_c"], sheet=world["own"], item=item(world["by"], "A2"), upload=upload
    )
    line = ScoreLine.objects.get(pk=attachment.owner_id)
    url = reverse("attachments:download", args=[attachment.pk])
    for user, allowed in ((world["clerk_c"], True), (world["head"], True), (staff(tree["centre_a"]), False)):
        assert user.has_perm("scoring.view_line", line) is allowed
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == (200 if allowed else 404)
        if allowed:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"  # type: ignore[attr-defined]


def test_reviewer_matrix(tree: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    by = tree["block_year"]
    make_criteria(by)
    make_config(by, normalisation="mean_shift")
    a, b, c, q = tree["centre_a"], tree["centre_b"], tree["centre_c"], tree["board"]
    make_sheet(by, c, {"A1": 30, "B1": 30, "A2": 20}, reviewer=a)  # 80
    make_sheet(by, q, {"A1": 30, "B1": 30}, reviewer=a)  # 60
    make_sheet(by, c, {"A1": 30, "B1": 30, "A2": 10}, reviewer=b, status="submitted")  # 70
    make_sheet(by, q, {"A1": 20, "B1": 30}, reviewer=b)  # 50
    make_sheet(by, c, {"A1": 1}, reviewer=q, status="draft")  # drafts are left out
    for sheet in ScoreSheet.objects.all():
        sheet.total = sum((line.points for line in sheet.lines.all()), D(0))
        sheet.save()
    with django_assert_max_num_queries(2):
        matrix = ranking_selectors.reviewer_matrix(block_year=by)
    assert [u.code for u in matrix.reviewers] == ["TTA", "TTB"]  # by name
    assert matrix.cell(a.pk, c.pk).raw == D(80)  # type: ignore[union-attr]
    assert matrix.cell(q.pk, c.pk) is None
    assert matrix.bias == {a.pk: D(5), b.pk: D(-5)}
    assert matrix.cell(a.pk, c.pk).normalised == D(75)  # type: ignore[union-attr]
    assert matrix.cell(b.pk, c.pk).normalised == D(75)  # type: ignore[union-attr]
    rows = matrix.rows()
    assert rows[0]["reviewer"] == a
    assert len(rows[0]["cells"]) == 2


def test_reconciliations_visibility(world: dict[str, Any], tree: dict[str, Any]) -> None:
    by, head = world["by"], world["head"]
    own = fill(world["clerk_c"], world["own"], FULL, A2={"evidence_note": "x"})
    services.score_sheet_submit(actor=world["clerk_c"], sheet=own, version=own.version)
    review = fill(head, world["review"], {**FULL, "A1": "10"}, A2={"evidence_note": "x"})
    review = services.score_sheet_submit(actor=head, sheet=review, version=review.version)
    services.score_sheet_finalise(actor=head, sheet=review)

    def seen(user: Any) -> int:
        return ranking_selectors.reconciliations_for_block_year(block_year=by, user=user).count()

    assert seen(head) == 2  # A1 and the total
    assert seen(world["clerk_c"]) == 2
    assert seen(staff(tree["centre_a"])) == 2  # the reviewing unit
    assert seen(staff(tree["board"])) == 0
    assert ranking_selectors.reconciliations_for_block_year(block_year=by, user=head, status="resolved").count() == 0


def test_ranking_table_orders_tracks_then_rank(tree: dict[str, Any]) -> None:
    by = tree["block_year"]
    make_criteria(by)
    extra = add_units(by, tree["dept"], 1)
    from thidua.scoring.services.recompute import recompute_final_scores

    for unit, total in ((tree["centre_c"], 60), (tree["board"], 80), (extra[0], 70)):
        make_sheet(by, unit, {"A1": 30, "B1": total - 30}, reviewer=tree["centre_a"])
    recompute_final_scores([by.pk])
    table = ranking_selectors.ranking_table(block_year=by)
    assert [(row.unit.code, row.rank) for row in table] == [
        ("BQL", 1),
        (extra[0].code, 2),
        ("TTC", 3),
        ("TTA", None),
        ("TTB", None),
    ]
