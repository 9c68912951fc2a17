"""Scoring API beyond one sheet: visibility (404 / 403), assignments and conflicts, finalising, ranking,
the reviewer matrix, reconciliations, the task list and the OpenAPI document."""

from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.scoring.models import ConflictOfInterest, FinalScore, ScoreSheet
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.helpers_sheets import (
    FULL,
    add_units,
    audit_count,
    client_of,
    fill,
    leader,
    make_config,
    make_criteria,
    officer,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: dict[str, Any]) -> dict[str, Any]:
    by = tree["block_year"]
    make_criteria(by)
    make_config(by, self_approval_required=False)
    head = leader(by)
    clerk = staff(tree["centre_c"])
    own = services.self_sheet_open(actor=clerk, block_year=by, unit=tree["centre_c"])
    review = services.review_sheet_open(
        actor=head, block_year=by, unit=tree["centre_c"], reviewer_unit=tree["centre_a"]
    )
    return {**tree, "by": by, "head": head, "clerk": clerk, "own": own, "review": review}


def finish(w: dict[str, Any], *, review_a1: str = "30") -> None:
    """Fill and submit both sheets, then finalise the block-year."""
    own = fill(w["clerk"], w["own"], FULL, A2={"evidence_note": "x"})
    services.score_sheet_submit(actor=w["clerk"], sheet=own, version=own.version)
    review = fill(w["head"], w["review"], {**FULL, "A1": review_a1}, A2={"evidence_note": "x"})
    services.score_sheet_submit(actor=w["head"], sheet=review, version=review.version)
    services.block_year_finalise_scoring(actor=w["head"], block_year=w["by"])


def test_sheets_a_user_may_not_see_answer_404(world: dict[str, Any], tree: dict[str, Any], make_user: Any) -> None:
    url = f"/api/score-sheets/{world['own'].pk}"
    outsider = client_of(staff(tree["board"]))
    assert outsider.get(url).status_code == 404
    assert outsider.send("put", url, {"version": 1, "lines": []}).status_code == 404
    assert outsider.send("post", f"{url}/submit", {"version": 1}).status_code == 404
    assert outsider.get(f"{url}/history").status_code == 404
    assert client_of(make_user(Role.VIEWER)).get(url).status_code == 404
    assert client_of(world["clerk"]).get("/api/score-sheets/999999").status_code == 404
    assert client_of(None).get(url).status_code == 401
    # A review of the clerk's unit stays hidden from it until finalised.
    assert client_of(world["clerk"]).get(f"/api/score-sheets/{world['review'].pk}").status_code == 404


def test_visible_but_not_allowed_answers_403(world: dict[str, Any], tree: dict[str, Any]) -> None:
    url = f"/api/score-sheets/{world['own'].pk}"
    head = client_of(world["head"])  # leaders see every sheet but do not edit self-scores
    assert head.get(url).status_code == 200
    before = audit_count()
    response = head.send("put", url, {"version": 1, "lines": []})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert head.send("post", f"{url}/approve").status_code == 403
    assert audit_count() == before
    deputy = client_of(leader(world["by"], Role.BLOCK_DEPUTY))
    assert deputy.send("post", f"/api/block-years/{world['by'].pk}/recompute").status_code == 403
    assert deputy.send("post", f"/api/block-years/{world['by'].pk}/finalise-scoring").status_code == 403


def test_sheet_list_per_role(world: dict[str, Any], tree: dict[str, Any]) -> None:
    url = f"/api/block-years/{world['by'].pk}/score-sheets"
    assert len(client_of(world["head"]).get(url).json()) == 2
    assert [s["kind"] for s in client_of(world["clerk"]).get(url).json()] == ["self"]
    assert client_of(staff(tree["board"])).get(url).json() == []


def test_assignments_and_conflicts(world: dict[str, Any], tree: dict[str, Any]) -> None:
    by = world["by"]
    make_config(by, review_mode="cross", reviewers_per_unit=2)
    ScoreSheet.objects.filter(kind="review").delete()  # the head-mode review of the fixture
    head = client_of(world["head"])
    base = f"/api/block-years/{by.pk}"
    declared = client_of(world["clerk"]).send(
        "post",
        f"{base}/conflicts",
        {"reviewer_unit_id": tree["centre_c"].pk, "unit_id": tree["board"].pk, "reason": "Có người thân"},
    )
    assert declared.status_code == 201, declared.content
    assert declared.json()["reviewer_unit"]["code"] == "TTC"
    duplicate = head.send(
        "post",
        f"{base}/conflicts",
        {"reviewer_unit_id": tree["centre_c"].pk, "unit_id": tree["board"].pk, "reason": "x"},
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "duplicate_conflict"
    assert len(head.get(f"{base}/conflicts").json()) == 1
    assert client_of(staff(tree["centre_a"])).get(f"{base}/conflicts").json() == []  # not their unit

    generated = head.send("post", f"{base}/review-assignments/generate")
    assert generated.status_code == 200, generated.content
    plan = generated.json()
    assert len(plan) == 8
    assert (tree["centre_c"].pk, tree["board"].pk) not in {(a["reviewer_unit"]["id"], a["unit"]["id"]) for a in plan}
    assert len(client_of(world["clerk"]).get(f"{base}/review-assignments").json()) == 8
    assert client_of(staff(tree["centre_a"])).send("post", f"{base}/review-assignments/generate").status_code == 403

    conflict = ConflictOfInterest.objects.get()
    assert client_of(staff(tree["centre_a"])).delete(f"/api/scoring-conflicts/{conflict.pk}").status_code == 404
    assert client_of(staff(tree["board"])).delete(f"/api/scoring-conflicts/{conflict.pk}").status_code == 204
    assert not ConflictOfInterest.objects.exists()

    make_config(by, review_mode="head_and_deputies")
    not_cross = head.send("post", f"{base}/review-assignments/generate")
    assert not_cross.status_code == 400
    assert not_cross.json()["code"] == "not_cross_mode"


def test_finalise_recompute_ranking_and_publish(world: dict[str, Any], tree: dict[str, Any]) -> None:
    by = world["by"]
    base = f"/api/block-years/{by.pk}"
    head = client_of(world["head"])
    not_ready = head.send("post", f"{base}/finalise-scoring")
    assert not_ready.status_code == 400
    assert not_ready.json()["code"] == "sheets_not_ready"

    own = fill(world["clerk"], world["own"], FULL, A2={"evidence_note": "x"})
    services.score_sheet_submit(actor=world["clerk"], sheet=own, version=own.version)
    review = fill(world["head"], world["review"], {**FULL, "A1": "20"}, A2={"evidence_note": "x"})
    services.score_sheet_submit(actor=world["head"], sheet=review, version=review.version)
    finalised = head.send("post", f"{base}/finalise-scoring")
    assert finalised.status_code == 200, finalised.content
    assert {s["status"] for s in finalised.json()} == {"finalised"}

    ranking = head.get(f"{base}/ranking").json()
    assert ranking["published_at"] is None
    first = ranking["rows"][0]
    assert (first["unit"]["code"], first["rank"], first["raw_total"], first["self_total"]) == (
        "TTC",
        1,
        "90.00",
        "100.00",
    )
    assert first["group_scores"] == {}  # filled only where a group tie-break needed them
    assert [row["rank"] for row in ranking["rows"]] == [1, None, None, None]

    clerk = client_of(world["clerk"])
    assert clerk.get(f"{base}/ranking").status_code == 403  # not published yet
    assert clerk.send("post", f"{base}/ranking/publish").status_code == 403
    recomputed = head.send("post", f"{base}/recompute")
    assert recomputed.status_code == 200
    assert recomputed.json()["rows"][0]["raw_total"] == "90.00"
    published = head.send("post", f"{base}/ranking/publish")
    assert published.status_code == 200
    assert published.json()["published_at"] is not None
    assert clerk.get(f"{base}/ranking").status_code == 200
    assert FinalScore.objects.count() == 4


def test_reviewer_matrix_and_reconciliations(world: dict[str, Any], tree: dict[str, Any]) -> None:
    by = world["by"]
    base = f"/api/block-years/{by.pk}"
    finish(world, review_a1="10")  # 80 against a self-score of 100
    head = client_of(world["head"])
    matrix = head.get(f"{base}/reviewer-matrix")
    assert matrix.status_code == 200
    body = matrix.json()
    assert body["method"] == "none"
    assert [(c["raw"], c["normalised"], c["status"]) for c in body["cells"]] == [("80.00", "80.00", "finalised")]
    assert body["bias"] == [{"reviewer_unit_id": tree["centre_a"].pk, "bias": "0.00"}]
    assert client_of(world["clerk"]).get(f"{base}/reviewer-matrix").status_code == 403

    flags = client_of(world["clerk"]).get(f"{base}/reconciliations").json()
    assert sorted((f["item_code"] or "total") for f in flags) == ["A1", "total"]
    assert client_of(staff(tree["board"])).get(f"{base}/reconciliations").json() == []
    target = next(f for f in flags if f["item_code"] == "A1")
    url = f"/api/reconciliations/{target['id']}/resolve"
    assert client_of(staff(tree["board"])).send("post", url, {"reason": "x"}).status_code == 404
    assert client_of(world["clerk"]).send("post", url, {"reason": "x"}).status_code == 403
    resolved = head.send("post", url, {"reason": "Đã đối chiếu hồ sơ"})
    assert resolved.status_code == 200, resolved.content
    assert (resolved.json()["status"], resolved.json()["reason"]) == ("resolved", "Đã đối chiếu hồ sơ")
    open_only = head.get(f"{base}/reconciliations", {"status": "open"}).json()
    assert [f["item_code"] for f in open_only] == [None]


def test_my_scoring_tasks(world: dict[str, Any]) -> None:
    tasks = client_of(world["clerk"]).get("/api/me/scoring-tasks").json()
    assert [(t["action"], t["sheet_id"]) for t in tasks] == [("fill_self", world["own"].pk)]


def test_lists_are_bounded(tree: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    by = tree["block_year"]
    make_criteria(by)
    head = leader(by)
    units = add_units(by, tree["dept"], 12)
    for unit in units:
        services.self_sheet_open(actor=staff(unit), block_year=by, unit=unit)
        services.review_sheet_open(actor=head, block_year=by, unit=unit, reviewer_unit=tree["centre_a"])
    client = client_of(head)
    for path, limit in (
        (f"/api/block-years/{by.pk}/score-sheets", 10),
        (f"/api/block-years/{by.pk}/ranking", 10),
        (f"/api/block-years/{by.pk}/reviewer-matrix", 10),
        (f"/api/score-sheets/{ScoreSheet.objects.first().pk}", 12),  # type: ignore[union-attr]
        ("/api/me/scoring-tasks", 14),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(path).status_code == 200


def test_openapi_lists_the_scoring_endpoints(admin_user: Any) -> None:
    schema = client_of(admin_user).get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/block-years/{block_year_id}/self-sheets",
        "/api/block-years/{block_year_id}/review-sheets",
        "/api/score-sheets/{sheet_id}",
        "/api/score-sheets/{sheet_id}/lines/{item_id}/evidence",
        "/api/score-sheets/{sheet_id}/evidence/{attachment_id}",
        "/api/score-sheets/{sheet_id}/submit",
        "/api/score-sheets/{sheet_id}/approve",
        "/api/score-sheets/{sheet_id}/return",
        "/api/score-sheets/{sheet_id}/finalise",
        "/api/score-sheets/{sheet_id}/correct",
        "/api/score-sheets/{sheet_id}/history",
        "/api/block-years/{block_year_id}/review-assignments",
        "/api/block-years/{block_year_id}/review-assignments/generate",
        "/api/block-years/{block_year_id}/conflicts",
        "/api/scoring-conflicts/{conflict_id}",
        "/api/block-years/{block_year_id}/finalise-scoring",
        "/api/block-years/{block_year_id}/recompute",
        "/api/block-years/{block_year_id}/ranking",
        "/api/block-years/{block_year_id}/ranking/publish",
        "/api/block-years/{block_year_id}/reviewer-matrix",
        "/api/block-years/{block_year_id}/reconciliations",
        "/api/reconciliations/{reconciliation_id}/resolve",
        "/api/me/scoring-tasks",
    ):
        assert path in paths, path
    assert "409" in paths["/api/score-sheets/{sheet_id}"]["put"]["responses"]


def test_an_officer_sees_and_finalises(world: dict[str, Any], tree: dict[str, Any]) -> None:
    client = client_of(officer(tree["province"]))
    review = fill(world["head"], world["review"], FULL, A2={"evidence_note": "x"})
    services.score_sheet_submit(actor=world["head"], sheet=review, version=review.version)
    response = client.send("post", f"/api/score-sheets/{review.pk}/finalise")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "finalised"
