"""Decision reads: totals per title or form × recipient kind (SQL, checked against a Python sum), revoked and
recovered money, draft quotes with per-line errors, totals per fund and year in one query, visibility of drafts
and the accepted proposals a draft may take."""

import datetime as dt
from collections import defaultdict
from typing import Any, cast

import pytest

from thidua.accounts.roles import Role
from thidua.awards import selectors_decisions as selectors
from thidua.awards.models import Award, BaseSalary, Decision, Fund, Proposal, ProposalStatus
from thidua.awards.services.decisions import decision_add_proposals, decision_create, decision_issue
from thidua.awards.services.registry import award_revoke
from thidua.tests_support.factories import ProposalFactory, system_actor

pytestmark = pytest.mark.django_db

DATE = dt.date(2026, 3, 2)


def make(tree: dict[str, Any], unit_key: str, **kw: Any) -> Proposal:
    return cast(Proposal, ProposalFactory(unit=tree[unit_key], block_year=tree["block_year"], **kw))


def new_decision(tree: dict[str, Any], owner: str, decider: str, proposals: list[Proposal], **kw: Any) -> Decision:
    actor = system_actor()
    decision = decision_create(
        actor=actor,
        owner=tree[owner],
        decider=decider,
        title="Khen thưởng",
        issuing_body=kw.pop("issuing_body", "Sở Nội vụ"),
        signer_name="Lê Văn Bình",
        **kw,
    )
    decision_add_proposals(actor=actor, decision=decision, proposals=proposals)
    return decision


@pytest.fixture
def issued(tree: dict[str, Any]) -> dict[str, Decision]:
    """A department decision (4 awards, 2026) and a Government decision (1 flag, 2025), one award revoked."""
    dept = new_decision(
        tree,
        "dept",
        "department_head",
        [
            make(tree, "centre_a", award_code="ttldtt"),
            make(tree, "centre_b", award_code="ttldtt"),
            make(tree, "centre_b", award_code="giay_khen"),
            make(tree, "centre_a", award_code="giay_khen", person=tree["person_a"]),
        ],
    )
    dept = decision_issue(actor=system_actor(), decision=dept, number="15/QĐ-SNV", signed_on=DATE)
    flag = make(
        tree,
        "centre_c",
        award_code="co_chinh_phu",
        year=2024,
        submitted_on=dt.date(2025, 1, 10),
        council_meeting_on=dt.date(2025, 2, 1),
    )
    gov = new_decision(tree, "province", "government", [flag], issuing_body="Chính phủ")
    gov = decision_issue(actor=system_actor(), decision=gov, number="88/QĐ-TTg", signed_on=dt.date(2025, 3, 3))
    revoked = Award.objects.get(decision=dept, unit=tree["centre_b"], award_type__code="ttldtt")
    award_revoke(actor=system_actor(), award=revoked, revoked_on=DATE, reason="Khai man", recovery_amount=1_000_000)
    return {"dept": dept, "gov": gov}


def test_decision_totals_match_a_python_sum(issued: dict[str, Decision]) -> None:
    decision = issued["dept"]
    totals = selectors.decision_totals(decision)
    awards = list(Award.objects.filter(decision=decision))
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for award in awards:
        expected[(award.award_type.code, award.recipient_kind)][0] += 1
        expected[(award.award_type.code, award.recipient_kind)][1] += award.amount or 0
    assert {(line.award_code, line.recipient_kind): [line.count, line.amount] for line in totals.lines} == expected
    assert totals.count == 4
    assert totals.amount == sum(award.amount or 0 for award in awards) == 1_880_000 * 2 + 1_410_000 + 710_000
    assert totals.revoked_count == 1
    assert totals.revoked_amount == 1_880_000
    assert totals.recovery_amount == 1_000_000
    assert totals.net_amount == totals.amount - 1_000_000


def test_fund_totals_per_fund_and_year(
    issued: dict[str, Decision], make_user: Any, django_assert_num_queries: Any
) -> None:
    user = make_user(Role.VIEWER)
    selectors.decisions_visible_to(user)  # load the user's grants
    with django_assert_num_queries(1):
        rows = selectors.fund_totals(user=user)
    expected: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for award in Award.objects.filter(decision__isnull=False):
        assert award.decision_date is not None
        line = expected[(award.fund, award.decision_date.year)]
        line[0] += 1
        line[1] += award.amount or 0
        line[2] += award.recovery_amount or 0
    assert {(row.fund, row.year): [row.count, row.amount, row.recovery_amount] for row in rows} == expected
    assert [(row.fund, row.year) for row in rows] == [(Fund.DEPARTMENT, 2026), (Fund.CENTRAL, 2025)]
    assert [row.year for row in selectors.fund_totals(user=user, year=2025)] == [2025]
    assert selectors.fund_totals(user=user, year=2025)[0].amount == 28_080_000


def test_manual_awards_are_not_in_fund_totals(tree: dict[str, Any], make_user: Any) -> None:
    from thidua.awards.services.registry import award_record

    award_record(
        actor=system_actor(),
        award_type="ttldtt",
        year=2024,
        unit=tree["centre_a"],
        decision_number="1/QĐ",
        decision_date=dt.date(2025, 1, 5),
        amount=1_880_000,
    )
    assert selectors.fund_totals(user=make_user(Role.VIEWER)) == []


def test_draft_quotes_and_per_line_errors(tree: dict[str, Any]) -> None:
    decision = new_decision(
        tree,
        "dept",
        "department_head",
        [make(tree, "centre_a", award_code="ttldtt"), make(tree, "centre_b", award_code="giay_khen")],
        signed_on=DATE,
    )
    lines = selectors.decision_recipients(decision)
    assert [line.amount for line in lines] == [1_880_000, 1_410_000]
    totals = selectors.decision_totals(decision)
    assert (totals.count, totals.amount, totals.unquoted) == (2, 3_290_000, 0)
    BaseSalary.objects.filter(valid_to__isnull=True).update(valid_from=dt.date(2026, 6, 1))
    lines = selectors.decision_recipients(decision)
    assert [line.error_code for line in lines] == ["no_base_salary", "no_base_salary"]
    assert all(line.amount is None and line.error_message for line in lines)
    assert selectors.decision_totals(decision).unquoted == 2


def test_drafts_are_visible_to_officers_over_the_owner_only(
    tree: dict[str, Any], issued: dict[str, Decision], make_user: Any
) -> None:
    draft = new_decision(tree, "dept", "department_head", [make(tree, "board", award_code="ttldtt")])
    viewer = make_user(Role.VIEWER)
    own = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    other = make_user(Role.DEPARTMENT_OFFICER, unit=tree["other_dept"])
    issued_ids = {issued["dept"].pk, issued["gov"].pk}
    assert set(selectors.decisions_visible_to(viewer).values_list("pk", flat=True)) == issued_ids
    assert set(selectors.decisions_visible_to(other).values_list("pk", flat=True)) == issued_ids
    assert set(selectors.decisions_visible_to(own).values_list("pk", flat=True)) == issued_ids | {draft.pk}
    listed: list[Any] = list(selectors.decision_list(user=own))
    assert listed[0] == draft  # drafts first
    assert listed[0].proposal_count == 1
    by_pk = {d.pk: d for d in listed}
    assert by_pk[issued["dept"].pk].award_count == 4
    assert by_pk[issued["dept"].pk].award_amount == 1_880_000 * 2 + 1_410_000 + 710_000
    assert [d.pk for d in selectors.decision_list(user=own, status="issued", year=2025)] == [issued["gov"].pk]
    assert [d.pk for d in selectors.decision_list(user=own, decider="government")] == [issued["gov"].pk]
    assert selectors.decision_years(own) == [2026, 2025]


def test_accepted_proposals_for(tree: dict[str, Any], make_user: Any) -> None:
    decision = new_decision(tree, "dept", "department_head", [make(tree, "centre_a", award_code="ttldtt")])
    waiting = make(tree, "centre_b", award_code="giay_khen")
    make(tree, "centre_b", award_code="co_tinh")  # decided by the chairman
    make(tree, "board", award_code="ttldtt", status=ProposalStatus.AT_COUNCIL)
    hidden = make(tree, "centre_c", award_code="ttldtt")  # under another department
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    assert list(selectors.accepted_proposals_for(decision, user=officer)) == [waiting]
    admin_view = list(selectors.accepted_proposals_for(decision, user=system_actor()))
    assert {p.pk for p in admin_view} == {waiting.pk, hidden.pk}
