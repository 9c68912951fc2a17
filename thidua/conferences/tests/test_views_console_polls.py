"""Polls in the organisers' console: prefilled preparation (ranking, rotation), editing while a draft, opening
(the quorum error), live progress without ballot content, closing with the outcome and its arithmetic, a run-off,
and the paper fallback: handing out ballots, printing slips, the count and its confirmation by a second person."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils.formats import localize
from django.utils.translation import override

from thidua.conferences.models import CandidateGroup, PaperCount, Poll, PollKind, PollStatus, VoteChannel, VoterRoll
from thidua.conferences.services import polls as poll_services
from thidua.conferences.tests.test_views_console import (
    UNITS,
    NothingWritten,
    error_codes,
    html_of,
    login,
    make_poll,
    no_inline_code,
    outsiders,
    url,
    vote,
)

pytestmark = pytest.mark.django_db


def _item(world: dict[str, Any], kind: str) -> Any:
    return world["conference"].agenda.get(kind=kind)


def _poll_data(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Suy tôn đơn vị dẫn đầu",
        "kind": "selection",
        "candidates": [world[k].pk for k in ("centre_a", "centre_b", "centre_c")],
        "min_choices": "1",
        "max_choices": "1",
        "seats": "1",
        "threshold_rule": "more_half",
        "threshold_numerator": "",
        "threshold_denominator": "",
        "base": "present",
        "tie_rule": "higher_score",
    }
    data.update(changes)
    return data


# --- preparing ------------------------------------------------------------------------------------------------------


def test_leading_unit_preset_prefills_the_top_of_the_ranking(client: Client, world: dict[str, Any]) -> None:
    item = _item(world, "leading_unit")
    response = login(client, world["secretary"]).get(url("poll_create", item.pk) + "?preset=leading_unit")
    assert response.status_code == 200
    html = html_of(response)
    form = response.context["form"]
    top = form.initial["candidates"]
    assert top[0] == str(world["centre_a"].pk)  # B and C tie on rank 2: their order follows the unit names
    assert sorted(top) == sorted(str(world[k].pk) for k in ("centre_a", "centre_b", "centre_c"))
    assert (form.initial["max_choices"], form.initial["seats"]) == (1, 1)
    assert "95.50" in html
    no_inline_code(html)


def test_leadership_preset_prefills_the_rotation(client: Client, world: dict[str, Any]) -> None:
    from thidua.conferences import selectors

    item = _item(world, "leadership")
    response = login(client, world["head"]).get(url("poll_create", item.pk) + "?preset=leadership")
    form = response.context["form"]
    pairs = selectors.candidates_from_rotation(world["block_year"])
    assert form.initial["kind"] == PollKind.ELECTION
    assert form.initial["head_candidates"] == [str(u.pk) for u, g in pairs if g == CandidateGroup.HEAD]
    assert form.initial["deputy_candidates"] == [str(u.pk) for u, g in pairs if g == CandidateGroup.DEPUTY]


def test_commendation_approval_preset(client: Client, world: dict[str, Any]) -> None:
    item = _item(world, "commendation")
    response = login(client, world["head"]).get(url("poll_create", item.pk) + "?preset=commendation_approval")
    form = response.context["form"]
    assert form.initial["kind"] == PollKind.APPROVAL
    assert str(world["centre_a"].pk) not in form.initial["candidates"]  # the leading unit goes for the flag


def test_create_a_selection_poll(client: Client, world: dict[str, Any]) -> None:
    item = _item(world, "leading_unit")
    response = login(client, world["secretary"]).post(url("poll_create", item.pk), _poll_data(world))
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("poll_detail", poll.pk)
    assert (poll.kind, poll.agenda_item, poll.max_choices, poll.seats) == ("selection", item, 1, 1)
    units = [c.unit for c in poll.candidates.order_by("position")]
    assert units[0] == world["centre_a"]  # ranking order
    assert set(units) == {world["centre_a"], world["centre_b"], world["centre_c"]}
    html = html_of(client.get(url("poll_detail", poll.pk)))
    with override("vi"):  # the page's language and number format
        assert localize(Decimal("95.50")) in html  # candidates shown with their score
    no_inline_code(html)


def test_create_an_election(client: Client, world: dict[str, Any]) -> None:
    item = _item(world, "leadership")
    data = _poll_data(
        world,
        kind="election",
        title="Bầu khối trưởng, khối phó năm 2026",
        candidates=[],
        head_candidates=[world["centre_b"].pk],
        deputy_candidates=[world["centre_c"].pk, world["board"].pk],
        min_choices="0",
        max_choices="",
        seats="2",
    )
    assert login(client, world["head"]).post(url("poll_create", item.pk), data).status_code == 302
    poll = Poll.objects.get()
    assert sorted((c.unit_id, c.group) for c in poll.candidates.all()) == sorted(
        [(world["centre_b"].pk, "head"), (world["centre_c"].pk, "deputy"), (world["board"].pk, "deputy")]
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"min_choices": "2", "max_choices": "1"}, "invalid_choice_limits"),
        ({"candidates": []}, "invalid"),
        ({"threshold_rule": "custom", "threshold_numerator": "3", "threshold_denominator": "2"}, "invalid_threshold"),
        ({"threshold_rule": "custom", "threshold_numerator": ""}, "invalid"),  # the fraction is missing
        ({"kind": "election", "candidates": []}, "invalid"),  # no candidate for head
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(
    client: Client, world: dict[str, Any], changes: dict[str, Any], code: str
) -> None:
    item = _item(world, "leading_unit")
    login(client, world["secretary"])
    with NothingWritten():
        response = client.post(url("poll_create", item.pk), _poll_data(world, **changes))
    assert response.status_code == 400
    assert code in error_codes(response)


def test_threshold_above_one_shows_the_rules_code(client: Client, world: dict[str, Any]) -> None:
    item = _item(world, "leading_unit")
    data = _poll_data(world, threshold_rule="custom", threshold_numerator="2", threshold_denominator="2")
    data["threshold_strict"] = "on"  # "more than 2/2" can never pass
    with NothingWritten():
        response = login(client, world["secretary"]).post(url("poll_create", item.pk), data)
    assert response.status_code == 400
    assert "invalid_threshold" in error_codes(response)


def test_poll_pages_refuse_others(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world, open_it=False)
    users = outsiders(world)
    item = poll.agenda_item
    assert item is not None
    assert login(client, users["member_staff"]).get(url("poll_detail", poll.pk)).status_code == 403
    assert login(client, users["member_staff"]).get(url("poll_create", item.pk)).status_code == 403
    assert login(client, users["outsider"]).get(url("poll_detail", poll.pk)).status_code == 404
    assert login(client, users["outsider"]).post(url("poll_open", poll.pk)).status_code == 404
    assert login(client, world["head"]).get(url("poll_detail", 999999)).status_code == 404
    poll.refresh_from_db()
    assert poll.status == PollStatus.DRAFT


def test_edit_and_delete_a_draft(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world, open_it=False)
    login(client, world["secretary"])
    page = client.get(url("poll_edit", poll.pk))
    assert page.status_code == 200
    assert sorted(page.context["form"].initial["candidates"]) == sorted(str(world[k].pk) for k in UNITS)
    data = _poll_data(world, title="Suy tôn đơn vị dẫn đầu năm 2025", threshold_rule="two_thirds")
    assert client.post(url("poll_edit", poll.pk), data).status_code == 302
    poll.refresh_from_db()
    assert poll.title == "Suy tôn đơn vị dẫn đầu năm 2025"
    assert (poll.threshold_numerator, poll.threshold_denominator, poll.threshold_strict) == (2, 3, False)
    assert poll.candidates.count() == 3
    assert client.post(url("poll_delete", poll.pk)).status_code == 302
    assert not Poll.objects.filter(pk=poll.pk).exists()


def test_an_open_poll_cannot_be_edited_or_deleted(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world)
    login(client, world["secretary"])
    with NothingWritten():
        response = client.post(url("poll_edit", poll.pk), _poll_data(world, title="Khác"))
    assert response.status_code == 400
    assert "poll_not_draft" in error_codes(response)
    with NothingWritten():
        response = client.post(url("poll_delete", poll.pk))
    assert response.status_code == 400
    assert "poll_not_draft" in error_codes(response)


# --- opening, following, closing ------------------------------------------------------------------------------------


def test_open_without_quorum_shows_the_error(client: Client, tree: dict[str, Any]) -> None:
    from thidua.tests_support.conference import build_conference

    world = build_conference(tree, check_in=False)
    poll = make_poll(world, open_it=False)
    with NothingWritten():
        response = login(client, world["secretary"]).post(url("poll_open", poll.pk))
    assert response.status_code == 400
    assert "no_quorum" in error_codes(response)
    assert "0" in html_of(response)
    poll.refresh_from_db()
    assert poll.status == PollStatus.DRAFT


def test_open_then_progress_shows_only_the_count(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world, open_it=False)
    login(client, world["secretary"])
    assert client.post(url("poll_open", poll.pk)).status_code == 302
    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN
    vote(world, poll, "centre_b", world["centre_c"])
    html = html_of(client.get(url("poll_detail", poll.pk)))
    assert 'data-testid="poll-progress"' in html
    assert 'hx-trigger="every 3s"' in html
    assert 'data-testid="outcome"' not in html
    no_inline_code(html)
    partial = client.get(url("poll_progress", poll.pk), HTTP_HX_REQUEST="true")
    text = html_of(partial)
    assert "<html" not in text
    assert 'max="4" value="1"' in text  # 1 of the 4 present have voted (the label is translated)
    assert partial.context["progress"].voted == 1
    console = html_of(client.get(url("console", world["conference"].pk)))
    assert f'data-testid="poll-voted-{poll.pk}"' in console


def test_close_shows_the_outcome_chart_and_bulletin(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world)
    for who in ("centre_a", "centre_b", "centre_c"):
        vote(world, poll, who, world["centre_a"])
    vote(world, poll, "board", world["centre_b"])
    login(client, world["secretary"])
    assert client.post(url("poll_close", poll.pk)).status_code == 302
    poll.refresh_from_db()
    assert poll.status == PollStatus.CLOSED
    html = html_of(client.get(url("poll_detail", poll.pk)))
    assert 'data-testid="outcome-table"' in html
    assert "75.0 %" in html
    assert 'data-testid="explanation"' in html
    assert 'data-chart="chart-outcome"' in html
    assert 'id="chart-outcome"' in html
    assert poll.bulletin_head in html
    assert f'href="{url("bulletin", poll.pk)}"' in html
    assert "Trung tâm Lưu trữ lịch sử" in html.split('data-testid="elected"')[1][:300]
    no_inline_code(html)
    partial = client.get(url("poll_progress", poll.pk), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in html_of(partial)  # polling stops once closed
    with NothingWritten():
        again = client.post(url("poll_close", poll.pk))
    assert again.status_code == 400
    assert "poll_not_open" in error_codes(again)


def test_a_tie_left_to_a_runoff_links_to_it(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world, max_choices=2, seats=2, threshold=(1, 4), threshold_strict=False, tie_rule="runoff")
    for who, second in (("centre_a", "centre_b"), ("centre_b", "centre_b"), ("centre_c", "centre_c")):
        vote(world, poll, who, world["centre_a"], world[second])
    vote(world, poll, "board", world["centre_a"], world["centre_c"])
    response = login(client, world["secretary"]).post(url("poll_close", poll.pk))
    assert response.status_code == 302
    runoff = Poll.objects.get(runoff_of=poll)
    html = html_of(client.get(url("poll_detail", poll.pk)))
    assert 'data-testid="runoffs"' in html
    assert url("poll_detail", runoff.pk) in html


# --- the paper fallback ---------------------------------------------------------------------------------------------


def test_paper_fallback_end_to_end(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world)
    vote(world, poll, "centre_a", world["centre_a"])
    login(client, world["secretary"])
    page = html_of(client.get(url("poll_detail", poll.pk)))
    assert 'data-testid="paper-issue-form"' in page
    paper = [world["delegates"]["centre_b"].pk, world["delegates"]["board"].pk]
    assert client.post(url("paper_issue", poll.pk), {"delegates": paper}).status_code == 302
    assert VoterRoll.objects.filter(poll=poll, channel=VoteChannel.PAPER).count() == 2

    slips = client.get(url("paper_ballots", poll.pk))
    assert slips.status_code == 200
    slips_html = html_of(slips)
    assert slips_html.count('data-testid="slip"') == 2
    assert "Lê Văn Bình" not in slips_html  # slips carry no names
    assert "Phạm Văn Dũng" not in slips_html
    assert "Trung tâm Kiểm soát bệnh tật" in slips_html
    no_inline_code(slips_html)

    counts = {f"votes_{c.pk}": "0" for c in poll.candidates.all()}
    counts[f"votes_{poll.candidates.get(unit=world['centre_a']).pk}"] = "1"
    counts.update({"blank": "1", "invalid": "0", "ballots": "2"})
    assert client.post(url("paper_count", poll.pk), counts).status_code == 302
    entered = PaperCount.objects.get(poll=poll)
    assert entered.entered_by == world["secretary"]

    page = html_of(client.get(url("poll_detail", poll.pk)))
    assert 'data-testid="paper-entered"' in page
    assert 'data-testid="paper-wait"' in page  # the one who entered it may not confirm
    with NothingWritten():
        same = client.post(url("paper_confirm", poll.pk))
    assert same.status_code == 400
    assert "same_person" in error_codes(same)
    with NothingWritten():
        early = client.post(url("poll_close", poll.pk))
    assert "paper_count_unconfirmed" in error_codes(early)

    login(client, world["deputy"])
    assert 'data-testid="paper-confirm"' in html_of(client.get(url("poll_detail", poll.pk)))
    assert client.post(url("paper_confirm", poll.pk)).status_code == 302
    entered.refresh_from_db()
    assert entered.confirmed_by == world["deputy"]
    assert client.post(url("poll_close", poll.pk)).status_code == 302
    poll.refresh_from_db()
    outcome = poll_services.recount_poll(poll)
    assert outcome.result(poll.candidates.get(unit=world["centre_a"]).pk).votes == 2
    assert outcome.blank == 1


def test_paper_count_refusals_write_nothing(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world)
    login(client, world["secretary"])
    client.post(url("paper_issue", poll.pk), {"delegates": [world["delegates"]["board"].pk]})
    counts = {f"votes_{c.pk}": "0" for c in poll.candidates.all()}
    counts.update({"blank": "0", "invalid": "0", "ballots": "3"})
    with NothingWritten():
        response = client.post(url("paper_count", poll.pk), counts)
    assert response.status_code == 400
    assert "too_many_paper_ballots" in error_codes(response)
    assert not PaperCount.objects.filter(poll=poll).exists()
    with NothingWritten():
        response = client.post(url("paper_issue", poll.pk), {"delegates": []})
    assert response.status_code == 400
    with NothingWritten():
        response = client.post(url("paper_confirm", poll.pk))
    assert "no_paper_count" in error_codes(response)


def test_paper_count_of_an_approval_takes_yes_no_abstain(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(
        world,
        kind=PollKind.APPROVAL,
        units=("centre_b", "centre_c"),
        min_choices=0,
        max_choices=2,
        seats=None,
        agenda_item=_item(world, "commendation"),
    )
    login(client, world["secretary"])
    client.post(url("paper_issue", poll.pk), {"delegates": [world["delegates"]["board"].pk]})
    page = client.get(url("poll_detail", poll.pk))
    form = page.context["count_form"]
    names = set(form.fields)
    for candidate in poll.candidates.all():
        assert {f"yes_{candidate.pk}", f"no_{candidate.pk}", f"abstain_{candidate.pk}"} <= names
    data = {"blank": "0", "invalid": "0", "ballots": "1"}
    for candidate in poll.candidates.all():
        data.update({f"yes_{candidate.pk}": "1", f"no_{candidate.pk}": "0", f"abstain_{candidate.pk}": "0"})
    assert client.post(url("paper_count", poll.pk), data).status_code == 302
    counts = PaperCount.objects.get(poll=poll).counts
    assert counts["answers"] == {str(c.pk): {"yes": 1, "no": 0, "abstain": 0} for c in poll.candidates.all()}
    slips = html_of(client.get(url("paper_ballots", poll.pk)))
    assert slips.count('class="conf-box"') == 2 * 3
