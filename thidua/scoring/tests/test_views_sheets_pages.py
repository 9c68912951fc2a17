"""Sheet pages: the sheet list, the self-score and review forms, transitions, evidence, stale saves, history.

Each page answers 200 to the roles that may use it, 403 to the others and 404 for a unit outside the
block-year; a refused or invalid write leaves the database and the audit log as they were.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.accounts.roles import Role
from thidua.attachments.services import attachments_of
from thidua.audit.models import AuditEvent
from thidua.scoring.models import (
    CriteriaItem,
    CriteriaSet,
    CriteriaSetStatus,
    ItemType,
    Reconciliation,
    ScoreLine,
    ScoreSheet,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.services import sheets as services
from thidua.scoring.tests.conftest import english_client
from thidua.scoring.tests.test_dashboards_selectors import make_criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """Pages in English: the assertions read the source strings, whatever the Vietnamese catalogue says."""
    return english_client()


def make_people(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """A user per role around the tree's block-year: centre C is the unit being scored, A heads the block."""
    by = tree["block_year"]
    return {
        "clerk": make_user(Role.UNIT_CLERK, unit=tree["centre_c"], username="clerk_c"),
        "unit_head": make_user(Role.UNIT_HEAD, unit=tree["centre_c"], username="head_c"),
        "other_clerk": make_user(Role.UNIT_CLERK, unit=tree["board"], username="clerk_board"),
        "outsider": make_user(Role.UNIT_CLERK, unit=tree["dept"], username="clerk_dept"),
        "block_head": make_user(Role.BLOCK_HEAD, block_year=by, username="block_head"),
        "deputy": make_user(Role.BLOCK_DEPUTY, block_year=by, username="deputy"),
        "officer": make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"], username="officer"),
        "viewer": make_user(Role.VIEWER, username="viewer"),
    }


@pytest.fixture
def setup(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    return {**tree, **make_people(tree, make_user), "items": make_criteria(tree["block_year"])}


def url(name: str, *args: Any) -> str:
    return reverse(f"scoring:{name}", args=args)


def self_url(s: dict[str, Any], unit: str = "centre_c") -> str:
    return url("self_sheet", s["block_year"].pk, s[unit].pk)


def review_url(s: dict[str, Any], reviewer: str = "centre_a", unit: str = "centre_c") -> str:
    return url("review_sheet", s["block_year"].pk, s[unit].pk, s[reviewer].pk)


def open_self(s: dict[str, Any]) -> ScoreSheet:
    return services.self_sheet_open(actor=s["clerk"], block_year=s["block_year"], unit=s["centre_c"])


def form_data(s: dict[str, Any], sheet: ScoreSheet, **values: Any) -> dict[str, Any]:
    """A complete, valid POST of the self-score form; keyword arguments override fields."""
    items = s["items"]
    data: dict[str, Any] = {
        "action": "save",
        "version": sheet.version,
        "comment": "",
        f"value_{items['I.1'].pk}": "8",
        f"yes_{items['I.2'].pk}": "on",
        f"value_{items['II.1'].pk}": "25.5",
        f"count_{items['III.1'].pk}": "1",
        f"count_{items['III.2'].pk}": "0",
    }
    data.update(values)
    return data


def submitted_self(s: dict[str, Any]) -> ScoreSheet:
    sheet = open_self(s)
    lines = [
        services.LineInput(item_id=s["items"]["I.1"].pk, value=Decimal(8)),
        services.LineInput(item_id=s["items"]["I.2"].pk, value=Decimal(10)),
        services.LineInput(item_id=s["items"]["II.1"].pk, value=Decimal(25)),
    ]
    sheet = services.score_sheet_save(actor=s["clerk"], sheet=sheet, version=sheet.version, lines=lines)
    return services.score_sheet_submit(actor=s["clerk"], sheet=sheet, version=sheet.version)


def events() -> int:
    return AuditEvent.objects.count()


# --- sheet list ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("block_head", 200), ("officer", 200), ("clerk", 200), ("viewer", 403)])
def test_sheet_list_access(client: Client, setup: dict[str, Any], who: str, status: int) -> None:
    client.force_login(setup[who])
    assert client.get(url("sheet_list", setup["block_year"].pk)).status_code == status


def test_sheet_list_404_for_an_unknown_block_year(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    assert client.get(url("sheet_list", 999999)).status_code == 404


def test_sheet_list_shows_a_clerk_only_their_unit(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["clerk"])
    response = client.get(url("sheet_list", setup["block_year"].pk))
    units = [row.unit for row in response.context["rows"]]
    assert units == [setup["centre_c"]]
    assert response.context["rows"][0].can_start_self
    assert 'data-testid="open-self"' in response.content.decode()


def test_sheet_list_offers_the_block_head_a_review_of_every_other_unit(client: Client, setup: dict[str, Any]) -> None:
    submitted_self(setup)
    client.force_login(setup["block_head"])
    response = client.get(url("sheet_list", setup["block_year"].pk))
    rows = {row.unit.pk: row for row in response.context["rows"]}
    assert len(rows) == 4
    assert rows[setup["centre_a"].pk].review_links == []  # never its own unit
    assert [r.pk for r, _ in rows[setup["centre_c"].pk].review_links] == [setup["centre_a"].pk]
    assert rows[setup["centre_c"].pk].self_sheet.status == SheetStatus.SUBMITTED


def test_the_deputy_reviews_as_the_only_deputy_unit(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["deputy"])
    response = client.get(url("sheet_list", setup["block_year"].pk))
    rows = {row.unit.pk: row for row in response.context["rows"]}
    assert [r.pk for r, _ in rows[setup["centre_c"].pk].review_links] == [setup["centre_b"].pk]


# --- opening the self-score ------------------------------------------------------------------------------------------


def test_self_sheet_not_started_shows_the_start_button_and_post_opens_it(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["clerk"])
    response = client.get(self_url(setup))
    assert response.status_code == 200
    assert 'data-testid="sheet-start"' in response.content.decode()
    assert not ScoreSheet.objects.exists()  # a GET never creates a sheet
    before = events()
    response = client.post(self_url(setup), {"action": "start"})
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert (sheet.kind, sheet.unit, sheet.lines.count()) == (SheetKind.SELF, setup["centre_c"], 5)
    assert events() == before + 1
    response = client.get(self_url(setup))
    assert response.status_code == 200
    assert response.context["editable"]


def test_self_sheet_start_refused_while_the_criteria_are_not_locked(client: Client, setup: dict[str, Any]) -> None:
    CriteriaSet.objects.update(status=CriteriaSetStatus.DRAFT)
    client.force_login(setup["clerk"])
    before = events()
    response = client.post(self_url(setup), {"action": "start"})
    assert response.status_code == 400
    assert "not locked" in response.content.decode()
    assert not ScoreSheet.objects.exists()
    assert events() == before


@pytest.mark.parametrize("who", ["viewer", "other_clerk", "outsider"])
def test_self_sheet_refused_to_others(client: Client, setup: dict[str, Any], who: str) -> None:
    open_self(setup)
    client.force_login(setup[who])
    assert client.get(self_url(setup)).status_code == 403
    assert client.post(self_url(setup), form_data(setup, ScoreSheet.objects.get())).status_code == 403


def test_self_sheet_not_started_is_404_for_someone_who_sees_all(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    assert client.get(self_url(setup)).status_code == 404
    assert client.post(self_url(setup), {"action": "start"}).status_code == 404
    assert not ScoreSheet.objects.exists()


def test_self_sheet_of_a_unit_outside_the_block_year_is_404(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    assert client.get(url("self_sheet", setup["block_year"].pk, setup["dept"].pk)).status_code == 404


def test_leaders_and_officers_see_the_self_sheet_read_only(client: Client, setup: dict[str, Any]) -> None:
    open_self(setup)
    for who in ("block_head", "deputy", "officer"):
        client.force_login(setup[who])
        response = client.get(self_url(setup))
        assert response.status_code == 200, who
        assert not response.context["editable"]
        assert 'data-testid="sheet-save"' not in response.content.decode()


# --- saving ----------------------------------------------------------------------------------------------------------


def test_save_writes_the_lines_and_totals(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    before = events()
    response = client.post(self_url(setup), form_data(setup, sheet, comment="Đã rà soát"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.base_total, sheet.bonus_total, sheet.deduction_total, sheet.total) == (
        Decimal("43.50"),
        Decimal("5.00"),
        Decimal("0.00"),
        Decimal("48.50"),
    )
    assert (sheet.version, sheet.comment, sheet.status) == (2, "Đã rà soát", SheetStatus.DRAFT)
    assert events() == before + 1
    page = Client(headers={"Accept-Language": "vi"})
    page.force_login(setup["clerk"])
    html = page.get(self_url(setup)).content.decode()
    assert "48,50" in html  # Vietnamese number format on the page …
    assert 'value="25.50"' in html  # … but a plain number in the input


def test_an_invalid_line_is_shown_next_to_it_and_nothing_is_written(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    before = events()
    item = setup["items"]["I.1"]
    response = client.post(self_url(setup), form_data(setup, sheet, **{f"value_{item.pk}": "12"}))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[f"value_{item.pk}"] == ["The score 12 is above the maximum of 10.00 for this line."]
    assert 'data-testid="line-error"' in response.content.decode()
    assert events() == before
    sheet.refresh_from_db()
    assert (sheet.version, sheet.total) == (1, Decimal(0))
    assert not ScoreLine.objects.filter(sheet=sheet, value__isnull=False).exists()


def test_a_value_that_is_not_a_number_is_a_form_error(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    item = setup["items"]["II.1"]
    response = client.post(self_url(setup), form_data(setup, sheet, **{f"value_{item.pk}": "nhiều"}))
    assert response.status_code == 400
    assert f"value_{item.pk}" in response.context["form"].errors
    sheet.refresh_from_db()
    assert sheet.version == 1


def test_a_stale_save_shows_the_conflict_and_keeps_what_was_typed(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    # Someone else saves first: the version moves on.
    services.score_sheet_save(
        actor=setup["unit_head"],
        sheet=sheet,
        version=1,
        lines=[services.LineInput(item_id=setup["items"]["I.1"].pk, value=Decimal(3))],
    )
    client.force_login(setup["clerk"])
    before = events()
    item = setup["items"]["II.1"]
    response = client.post(self_url(setup), form_data(setup, sheet, version=1, **{f"value_{item.pk}": "27.25"}))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this sheet after you opened it" in html
    assert 'data-testid="stale-warning"' in html
    assert 'value="27.25"' in html  # the user's typing is still in the form
    assert 'name="version" value="1"' in html  # saving again still conflicts, never overwrites blindly
    assert events() == before
    sheet.refresh_from_db()
    assert (sheet.version, sheet.total) == (2, Decimal("3.00"))


def test_the_stale_message_is_in_the_users_language(setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    services.score_sheet_save(
        actor=setup["unit_head"],
        sheet=sheet,
        version=1,
        lines=[services.LineInput(item_id=setup["items"]["I.1"].pk, value=Decimal(3))],
    )
    vietnamese = Client(headers={"Accept-Language": "vi"})
    vietnamese.force_login(setup["clerk"])
    response = vietnamese.post(self_url(setup), form_data(setup, sheet, version=1))
    assert response.status_code == 409
    assert response.context["stale"]
    source = (
        "Someone else saved this sheet after you opened it. Reload it to see their changes, then enter yours again."
    )
    with translation.override("vi"):
        expected = translation.gettext(source)
    assert [str(e) for e in response.context["form"].non_field_errors()] == [expected]


def test_save_and_submit(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    response = client.post(self_url(setup), form_data(setup, sheet, action="submit"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    page = client.get(self_url(setup))
    assert not page.context["editable"]
    assert page.context["actions"] == {"approve": False, "return": False, "finalise": False, "correct": False}


def test_submitting_an_incomplete_sheet_keeps_the_saved_lines(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    item = setup["items"]["II.1"]
    response = client.post(self_url(setup), form_data(setup, sheet, action="submit", **{f"value_{item.pk}": ""}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Score every line before submitting; still empty: II.1." in html
    assert "Your entries were saved, but the sheet could not be submitted." in html
    sheet.refresh_from_db()
    assert (sheet.status, sheet.version, sheet.total) == (SheetStatus.DRAFT, 2, Decimal("23.00"))
    # The page carries on from the saved version: completing the line and submitting again works.
    assert 'name="version" value="2"' in html
    response = client.post(self_url(setup), form_data(setup, sheet, action="submit", version=2))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED


def test_evidence_is_attached_with_the_save_and_can_be_removed(client: Client, setup: dict[str, Any]) -> None:
    item = setup["items"]["I.1"]
    item.evidence_required = True
    item.save()
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    # Points without evidence are refused, and nothing is written.
    response = client.post(self_url(setup), form_data(setup, sheet))
    assert response.status_code == 400
    assert "Attach evidence" in response.content.decode()
    # The file chosen in the same form counts as the evidence.
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(self_url(setup), {**form_data(setup, sheet), f"file_{item.pk}": upload})
    assert response.status_code == 302
    line = ScoreLine.objects.get(sheet=sheet, item=item)
    files = list(attachments_of(line))
    assert [f.original_name for f in files] == ["bien-ban.pdf"]
    download = reverse("attachments:download", args=[files[0].pk])
    assert download in client.get(self_url(setup)).content.decode()
    assert client.get(download).status_code == 200
    client.force_login(setup["other_clerk"])
    assert client.get(download).status_code in (403, 404)
    client.force_login(setup["clerk"])
    # Removing the only file while the line still has points is refused; with a note instead it works.
    sheet.refresh_from_db()
    data = form_data(setup, sheet, **{f"remove_{files[0].pk}": "on", f"evidence_{item.pk}": "Công văn 12/CV"})
    response = client.post(self_url(setup), data)
    assert response.status_code == 302
    assert not attachments_of(line).exists()


def test_a_file_of_a_refused_type_is_an_error_and_nothing_is_saved(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    item = setup["items"]["I.1"]
    before = events()
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(self_url(setup), {**form_data(setup, sheet), f"file_{item.pk}": upload})
    assert response.status_code == 400
    assert events() == before
    sheet.refresh_from_db()
    assert sheet.version == 1


# --- running totals --------------------------------------------------------------------------------------------------


def test_totals_preview_uses_the_rules_and_saves_nothing(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["clerk"])
    items = setup["items"]
    data = form_data(setup, sheet, **{f"count_{items['III.2'].pk}": "2", f"value_{items['II.1'].pk}": "99"})
    response = client.post(url("sheet_totals", sheet.pk), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    # 8 + 10 (II.1 = 99 is above its maximum and not counted) + 5 bonus − 4 deductions
    assert response.context["totals"].total == Decimal("19.00")
    assert response.context["problems"] == 1
    assert 'data-testid="preview-problems"' in html
    sheet.refresh_from_db()
    assert sheet.version == 1


def test_totals_preview_refused_to_those_who_cannot_edit(client: Client, setup: dict[str, Any]) -> None:
    sheet = open_self(setup)
    client.force_login(setup["block_head"])
    assert client.post(url("sheet_totals", sheet.pk), form_data(setup, sheet)).status_code == 403
    client.force_login(setup["clerk"])
    assert client.get(url("sheet_totals", sheet.pk)).status_code == 405


# --- approve, return, finalise, correct ------------------------------------------------------------------------------


def test_the_unit_head_approves(client: Client, setup: dict[str, Any]) -> None:
    sheet = submitted_self(setup)
    client.force_login(setup["clerk"])
    assert client.post(url("sheet_approve", sheet.pk)).status_code == 403
    client.force_login(setup["unit_head"])
    page = client.get(self_url(setup))
    assert page.context["actions"]["approve"]
    response = client.post(url("sheet_approve", sheet.pk))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.status, sheet.approved_by) == (SheetStatus.APPROVED, setup["unit_head"])


def test_approving_twice_is_a_message_not_a_crash(client: Client, setup: dict[str, Any]) -> None:
    sheet = submitted_self(setup)
    client.force_login(setup["unit_head"])
    client.post(url("sheet_approve", sheet.pk))
    before = events()
    response = client.post(url("sheet_approve", sheet.pk), follow=True)
    assert response.status_code == 200
    assert "has not been submitted" in response.content.decode()
    assert events() == before


def test_return_needs_a_reason(client: Client, setup: dict[str, Any]) -> None:
    sheet = submitted_self(setup)
    client.force_login(setup["unit_head"])
    before = events()
    response = client.post(url("sheet_return", sheet.pk), {"reason": "  "}, follow=True)
    assert "Give the reason." in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert events() == before
    client.post(url("sheet_return", sheet.pk), {"reason": "Thiếu minh chứng mục I.1"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT


def test_return_refused_to_the_clerk(client: Client, setup: dict[str, Any]) -> None:
    sheet = submitted_self(setup)
    client.force_login(setup["clerk"])
    assert client.post(url("sheet_return", sheet.pk), {"reason": "x"}).status_code == 403


def test_transitions_answer_404_for_an_unknown_sheet_and_405_to_get(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    assert client.post(url("sheet_finalise", 999999)).status_code == 404
    sheet = submitted_self(setup)
    assert client.get(url("sheet_finalise", sheet.pk)).status_code == 405


def review_of_c(client: Client, s: dict[str, Any]) -> ScoreSheet:
    """The block head starts and submits a review of centre C through the pages."""
    client.force_login(s["block_head"])
    assert client.post(review_url(s), {"action": "start"}).status_code == 302
    review = ScoreSheet.objects.get(kind=SheetKind.REVIEW)
    items = s["items"]
    data = form_data(s, review, action="submit", **{f"value_{items['II.1'].pk}": "18"})
    assert client.post(review_url(s), data).status_code == 302
    review.refresh_from_db()
    return review


def test_review_shows_the_submitted_self_score_beside_each_line(client: Client, setup: dict[str, Any]) -> None:
    submitted_self(setup)
    client.force_login(setup["block_head"])
    assert client.get(review_url(setup)).status_code == 200  # not started: the start page
    client.post(review_url(setup), {"action": "start"})
    response = client.get(review_url(setup))
    assert response.status_code == 200
    assert response.context["editable"]
    assert response.context["self_sheet"] is not None
    assert 'data-testid="self-points"' in response.content.decode()
    sheet = ScoreSheet.objects.get(kind=SheetKind.REVIEW)
    assert (sheet.reviewer_unit, sheet.is_head_review) == (setup["centre_a"], True)


def test_review_refused_to_the_scored_unit_until_finalised(client: Client, setup: dict[str, Any]) -> None:
    submitted_self(setup)
    review = review_of_c(client, setup)
    client.force_login(setup["clerk"])
    assert client.get(review_url(setup)).status_code == 403
    client.force_login(setup["block_head"])
    client.post(url("sheet_finalise", review.pk))
    client.force_login(setup["clerk"])
    assert client.get(review_url(setup)).status_code == 200


def test_review_pages_refuse_the_wrong_reviewer(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["clerk"])
    assert client.get(review_url(setup)).status_code == 403
    client.force_login(setup["block_head"])
    assert client.get(review_url(setup, reviewer="centre_c")).status_code == 404  # own unit
    assert client.get(review_url(setup, reviewer="dept")).status_code == 404  # not a member


def test_opening_a_review_by_a_non_leading_unit_is_refused(client: Client, setup: dict[str, Any]) -> None:
    client.force_login(setup["block_head"])
    before = events()
    response = client.post(review_url(setup, reviewer="board"), {"action": "start"})
    assert response.status_code == 400
    assert "Only the block head and deputy units review" in response.content.decode()
    assert not ScoreSheet.objects.exists()
    assert events() == before


def test_finalising_flags_differences_and_correction_opens_a_revision(client: Client, setup: dict[str, Any]) -> None:
    self_sheet = submitted_self(setup)
    review = review_of_c(client, setup)  # II.1: 25 self, 18 reviewed
    client.force_login(setup["block_head"])
    assert client.get(review_url(setup)).context["actions"]["finalise"]
    response = client.post(url("sheet_finalise", review.pk))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == SheetStatus.FINALISED
    assert Reconciliation.objects.filter(review_sheet=review, item=setup["items"]["II.1"]).exists()
    page = client.get(review_url(setup))
    assert page.context["differences"]
    assert page.context["actions"]["correct"]
    # A correction without a reason is refused; with one it opens revision 2.
    client.post(url("sheet_correct", review.pk), {"reason": ""})
    assert ScoreSheet.objects.filter(kind=SheetKind.REVIEW).count() == 1
    response = client.post(url("sheet_correct", review.pk), {"reason": "Nhập nhầm điểm mục II.1"})
    assert response.status_code == 302
    revision = ScoreSheet.objects.get(kind=SheetKind.REVIEW, is_current=True)
    assert (revision.revision, revision.status) == (2, SheetStatus.DRAFT)
    assert response["Location"] == review_url(setup)
    # History lists both revisions; the old one opens read-only.
    history = client.get(url("sheet_history", setup["block_year"].pk, setup["centre_c"].pk))
    assert history.status_code == 200
    assert [s.pk for s in history.context["revisions"]] == [self_sheet.pk, review.pk, revision.pk]
    assert "Nhập nhầm điểm mục II.1" in history.content.decode()
    old = client.get(url("sheet_detail", review.pk))
    assert old.status_code == 200
    assert not old.context["editable"]
    assert client.get(url("sheet_detail", revision.pk)).status_code == 302  # the current one has its own page


def test_history_and_detail_refused_to_others(client: Client, setup: dict[str, Any]) -> None:
    sheet = submitted_self(setup)
    client.force_login(setup["other_clerk"])
    assert client.get(url("sheet_history", setup["block_year"].pk, setup["centre_c"].pk)).status_code == 403
    assert client.get(url("sheet_detail", sheet.pk)).status_code == 403
    client.force_login(setup["clerk"])
    history = client.get(url("sheet_history", setup["block_year"].pk, setup["centre_c"].pk))
    assert history.status_code == 200
    assert client.get(url("sheet_detail", 999999)).status_code == 404


def test_the_form_page_costs_the_same_queries_whatever_the_number_of_lines(
    client: Client, setup: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    submitted_self(setup)
    client.force_login(setup["block_head"])
    client.post(review_url(setup), {"action": "start"})
    client.get(review_url(setup))
    with django_assert_max_num_queries(40) as few:
        client.get(review_url(setup))
    limit = len(few.captured_queries)  # read now: the next request resets the connection's query log
    # Twenty more lines in the table, sheets opened afresh: the page must not query per line.
    ScoreSheet.objects.all().delete()
    group = setup["items"]["I.1"].group
    for index in range(20):
        CriteriaItem.objects.create(
            criteria_set=group.criteria_set,
            group=group,
            code=f"I.{index + 10}",
            title=f"Tiêu chí bổ sung {index}",
            position=10 + index,
            item_type=ItemType.POINTS,
            max_points=Decimal(1),
        )
    own = services.self_sheet_open(actor=setup["clerk"], block_year=setup["block_year"], unit=setup["centre_c"])
    lines = [services.LineInput(item_id=line.item_id, value=Decimal(0), count=0) for line in own.lines.all()]
    own = services.score_sheet_save(actor=setup["clerk"], sheet=own, version=own.version, lines=lines)
    services.score_sheet_submit(actor=setup["clerk"], sheet=own, version=own.version)
    assert own.lines.count() == 25
    client.post(review_url(setup), {"action": "start"})
    with django_assert_max_num_queries(limit):
        response = client.get(review_url(setup))
    assert len(response.context["form"].lines) == 25
    assert response.context["self_sheet"] is not None
