"""The eligibility report from real data: the registry (written through the services), the parameters in force and
the conference's leading-unit poll; the page (200 / 400 / 403 / 404, links from the profiles) and the API."""

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.awards.eligibility import Status, Verdict
from thidua.awards.models import Award
from thidua.awards.selectors_eligibility import block_leaders_in_province, eligibility_for, led_block
from thidua.awards.services.catalogue import award_parameter_add
from thidua.awards.services.registry import award_record, award_revoke
from thidua.conferences.models import AgendaKind, Poll, PollKind
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.core.exceptions import ValidationFailed
from thidua.tests_support.conference import build_conference
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

YEAR = 2025
RUN = "cstd_tinh.cstd_co_so_run"


def fighter_years(person: Any, *years: int) -> list[Award]:
    return [
        award_record(
            actor=system_actor(),
            award_type="cstd_co_so",
            person=person,
            year=year,
            decision_number=f"{year}/QĐ-SNV",
            decision_date=dt.date(year + 1, 1, 15),
        )
        for year in years
    ]


def leading_unit_poll(world: dict[str, Any], winner: str) -> Poll:
    """A closed selection poll on the "leading unit" item where every delegate picks `winner`."""
    item = world["conference"].agenda.get(kind=AgendaKind.LEADING_UNIT)
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        agenda_item=item,
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[k]) for k in ("centre_a", "centre_b", "centre_c", "board")],
        max_choices=1,
        seats=1,
    )
    poll = poll_services.poll_open(actor=world["secretary"], poll=poll)
    choice = {"choices": [poll.candidates.get(unit=world[winner]).pk]}
    for delegate in world["delegates"].values():
        poll_services.poll_cast(
            actor=None, poll=poll, delegate=delegate, content=choice, idempotency_key=str(uuid.uuid4())
        )
    return poll_services.poll_close(actor=world["secretary"], poll=poll)


# ---------------------------------------------------------------- the selector


def test_three_consecutive_grassroots_fighters_pass_the_run(tree: dict[str, Any]) -> None:
    fighter_years(tree["person_a"], 2022, 2023, 2024)
    report = eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=YEAR)
    run = report.check(RUN)
    assert run.status is Status.PASS
    assert [r.year for r in run.records] == [2022, 2023, 2024]
    assert report.check("cstd_tinh.initiative").status is Status.UNKNOWN  # initiatives are not modelled
    assert report.verdict is Verdict.UNKNOWN
    assert report.parameters.as_mapping()["cstd_tinh_consecutive"] == 3


def test_parameters_in_force_on_the_last_day_of_the_year(tree: dict[str, Any]) -> None:
    fighter_years(tree["person_a"], 2021, 2022, 2023, 2024)
    award_parameter_add(
        actor=system_actor(), key="cstd_tinh_consecutive", value=5, valid_from=dt.date(2025, 12, 31), legal_basis="X"
    )
    report = eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=YEAR)
    assert report.check(RUN).status is Status.FAIL  # 4 of 5 in force on 31 December 2025
    earlier = eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=2024)
    assert earlier.check(RUN).status is Status.PASS  # 3 were needed in 2024


def test_a_gap_breaks_the_run(tree: dict[str, Any]) -> None:
    fighter_years(tree["person_a"], 2021, 2023, 2024)
    report = eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=YEAR)
    assert report.check(RUN).status is Status.FAIL
    assert report.verdict is Verdict.INELIGIBLE


def test_a_revoked_award_does_not_count(tree: dict[str, Any]) -> None:
    awards = fighter_years(tree["person_a"], 2022, 2023, 2024)
    assert eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=YEAR).check(RUN).status is Status.PASS
    award_revoke(actor=system_actor(), award=awards[1], revoked_on=dt.date(2025, 3, 1), reason="Hồ sơ không trung thực")
    report = eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=YEAR)
    assert report.check(RUN).status is Status.FAIL


def test_later_years_are_not_read(tree: dict[str, Any]) -> None:
    fighter_years(tree["person_a"], 2023, 2024, 2025)
    report = eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=2024)
    assert all(r.year <= 2024 for check in report.checks for r in check.records)


def test_the_unit_that_won_the_leading_unit_poll_led_its_block(tree: dict[str, Any]) -> None:
    world = build_conference(tree)
    assert led_block(unit=world["centre_a"], year=YEAR) is None  # no closed poll yet: unknown
    leading_unit_poll(world, "centre_a")
    report = eligibility_for(unit=world["centre_a"], award_code="co_tinh", year=YEAR)
    assert report.check("co_tinh.led_block").status is Status.PASS
    loser = eligibility_for(unit=world["centre_b"], award_code="co_tinh", year=YEAR)
    assert loser.check("co_tinh.led_block").status is Status.FAIL
    assert loser.verdict is Verdict.INELIGIBLE
    assert led_block(unit=world["dept"], year=YEAR) is None  # not in the block
    assert led_block(unit=world["centre_a"], year=YEAR + 1) is None  # another year


def test_block_leaders_in_the_province_when_every_block_has_a_result(tree: dict[str, Any]) -> None:
    world = build_conference(tree)
    assert block_leaders_in_province(unit=world["centre_a"], year=YEAR) is None
    leading_unit_poll(world, "centre_a")
    assert block_leaders_in_province(unit=world["centre_a"], year=YEAR) == 1
    report = eligibility_for(unit=world["centre_a"], award_code="co_chinh_phu", year=YEAR)
    assert report.check("co_chinh_phu.quota").evidence["block_leaders_in_province"] == 1


def test_no_poll_no_facts_answers_unknown(tree: dict[str, Any]) -> None:
    report = eligibility_for(unit=tree["centre_a"], award_code="co_tinh", year=YEAR)
    assert report.check("co_tinh.led_block").status is Status.UNKNOWN
    assert report.check("disciplinary_hold").status is Status.PASS  # holds are recorded: none in force
    assert report.verdict is Verdict.UNKNOWN


def test_queries_do_not_grow_with_the_history(tree: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    world = build_conference(tree)
    leading_unit_poll(world, "centre_a")
    fighter_years(tree["person_a"], 2018, 2019, 2020, 2021, 2022, 2023, 2024)
    with django_assert_max_num_queries(6):  # + the hold and the live proposals
        eligibility_for(person=tree["person_a"], award_code="cstd_tinh", year=YEAR)
    with django_assert_max_num_queries(9):  # + the hold, the live proposals, the province's flag proposals
        eligibility_for(unit=world["centre_a"], award_code="co_chinh_phu", year=YEAR)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"award_code": "cstd_tinh", "year": YEAR}, "recipient_required"),
        ({"award_code": "nope", "year": YEAR}, "unknown_award_type"),
        ({"award_code": "cstd_tinh", "year": 2010}, "no_rule_set"),
    ],
)
def test_bad_input(tree: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    if code != "recipient_required":
        kwargs["person"] = tree["person_a"]
    with pytest.raises(ValidationFailed) as error:
        eligibility_for(**kwargs)
    assert error.value.code == code


def test_a_collective_title_for_a_person_fails_the_kind_check(tree: dict[str, Any]) -> None:
    report = eligibility_for(person=tree["person_a"], award_code="co_tinh", year=YEAR)
    assert report.check("recipient_kind").status is Status.FAIL


# ---------------------------------------------------------------- the page


def page(**params: Any) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{reverse('awards:eligibility')}?{query}"


def test_page_shows_the_form_then_the_report(client: Client, tree: dict[str, Any], admin_user: Any) -> None:
    fighter_years(tree["person_a"], 2022, 2023, 2024)
    client.force_login(admin_user)
    response = client.get(page(person=tree["person_a"].pk))
    assert response.status_code == 200
    assert response.context["report"] is None
    choices = [code for code, _label in response.context["form"].fields["award"].choices]
    assert "cstd_tinh" in choices
    assert "co_tinh" not in choices  # filtered to individuals
    response = client.get(page(person=tree["person_a"].pk, award="cstd_tinh", year=YEAR))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="unknown"' in html
    assert f'data-rule="{RUN}" data-status="pass"' in html
    assert "Luật Thi đua, khen thưởng 2022" in html


def test_unit_page_and_profile_links(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    world = build_conference(tree)
    leading_unit_poll(world, "centre_a")
    client.force_login(make_user(Role.VIEWER))
    response = client.get(page(unit=world["centre_a"].pk, award="co_tinh", year=YEAR))
    assert response.status_code == 200
    assert 'data-rule="co_tinh.led_block" data-status="pass"' in response.content.decode()
    profile = client.get(reverse("awards:unit_profile", args=[world["centre_a"].pk])).content.decode()
    assert f"{reverse('awards:eligibility')}?unit={world['centre_a'].pk}" in profile


def test_page_refuses_bad_input(client: Client, tree: dict[str, Any], admin_user: Any) -> None:
    client.force_login(admin_user)
    assert client.get(page(person=tree["person_a"].pk, award="co_tinh", year=YEAR)).status_code == 400
    response = client.get(page(person=tree["person_a"].pk, award="cstd_tinh", year=2010))
    assert response.status_code == 400
    assert response.context["report"] is None


def test_page_not_found_and_permission(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    viewer = make_user(Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("awards:eligibility")).status_code == 404
    assert client.get(page(unit=99999)).status_code == 404
    assert client.get(page(person=99999)).status_code == 404
    assert client.get(page(person=tree["person_a"].pk)).status_code == 403  # may not view the person
    profile = client.get(reverse("awards:person_profile", args=[tree["person_a"].pk])).content.decode()
    assert "eligibility-link" not in profile
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    client.force_login(clerk)
    assert client.get(page(person=tree["person_a"].pk, award="cstd_tinh", year=YEAR)).status_code == 200
    profile = client.get(reverse("awards:person_profile", args=[tree["person_a"].pk])).content.decode()
    assert "eligibility-link" in profile
    client.logout()
    assert client.get(page(unit=tree["centre_a"].pk)).status_code == 302


# ---------------------------------------------------------------- the API


def query(**params: Any) -> dict[str, Any]:
    return params


def api(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def test_api_report(tree: dict[str, Any], admin_user: Any) -> None:
    fighter_years(tree["person_a"], 2022, 2023, 2024)
    response = api(admin_user).get(
        "/api/eligibility", {"person": tree["person_a"].pk, "award": "cstd_tinh", "year": YEAR}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["verdict"] == "unknown"
    assert data["person_id"] == tree["person_a"].pk
    assert data["recipient_kind"] == "individual"
    run = next(check for check in data["checks"] if check["rule_id"] == RUN)
    assert run["status"] == "pass"
    assert run["citation"].startswith("Luật Thi đua, khen thưởng 2022")
    assert [r["year"] for r in run["records"]] == [2022, 2023, 2024]
    assert run["records"][0]["decision_date"] == "2023-01-15"
    json.dumps(data)  # every evidence value is JSON


def test_api_unit_report(tree: dict[str, Any], make_user: Any) -> None:
    world = build_conference(tree)
    leading_unit_poll(world, "centre_a")
    response = api(make_user(Role.VIEWER)).get(
        "/api/eligibility", {"unit": world["centre_a"].pk, "award": "co_tinh", "year": YEAR}
    )
    assert response.status_code == 200
    led = next(check for check in response.json()["checks"] if check["rule_id"] == "co_tinh.led_block")
    assert led["status"] == "pass"
    assert led["evidence"] == {"led_block": True}
    response = api(make_user(Role.VIEWER)).get(
        "/api/eligibility", {"unit": world["centre_a"].pk, "award": "co_chinh_phu", "year": YEAR}
    )
    assert response.status_code == 200
    quota = next(check for check in response.json()["checks"] if check["rule_id"] == "co_chinh_phu.quota")
    assert quota["evidence"]["block_leaders_in_province"] == 1


def test_api_errors(tree: dict[str, Any], make_user: Any) -> None:
    client = api(make_user(Role.VIEWER))
    person = tree["person_a"].pk
    assert client.get("/api/eligibility", {"person": person, "award": "cstd_tinh", "year": YEAR}).status_code == 404
    assert client.get("/api/eligibility", query(unit=99999, award="co_tinh", year=YEAR)).status_code == 404
    response = client.get("/api/eligibility", {"unit": tree["centre_a"].pk, "award": "nope", "year": YEAR})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_award_type"
    response = client.get("/api/eligibility", query(award="co_tinh", year=YEAR))
    assert response.status_code == 400
    assert response.json()["code"] == "recipient_required"
    assert JsonClient().get(
        "/api/eligibility", {"unit": tree["centre_a"].pk, "award": "co_tinh", "year": YEAR}
    ).status_code in (401, 403)
