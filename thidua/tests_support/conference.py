"""Test data for the conferences app: a year-end conference of the `tree` block-year, with its roll.

The block-year of `build_tree()` has four members (centres A, B, C and the board); the ranking is
written as the scoring app would leave it (A 95.50 first, B 92.00, C 92.00 tied, board 80.00), and
each member unit sends one voting delegate. Users: the block head (holds block_head), the secretary
(named on the conference) and a second organiser (block_deputy) for paper-count confirmations, plus a
delegate with an account (linked to centre A's delegate's staff record).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.conferences.services import conference as conference_services
from thidua.conferences.services import delegates as delegate_services
from thidua.tests_support.factories import UserFactory, grant, make_person, system_actor

RANKING = [("centre_a", "95.50", 1), ("centre_b", "92.00", 2), ("centre_c", "92.00", 2), ("board", "80.00", 4)]


def write_ranking(tree: dict[str, Any]) -> None:
    from thidua.scoring.models import FinalScore

    now = timezone.now()
    for key, score, rank in RANKING:
        FinalScore.objects.update_or_create(
            block_year=tree["block_year"],
            unit=tree[key],
            defaults={
                "raw_total": Decimal(score),
                "ranking_total": Decimal(score),
                "rank": rank,
                "tied": key in ("centre_b", "centre_c"),
                "review_count": 2,
                "computed_at": now,
            },
        )


def build_conference(tree: dict[str, Any], *, open_session: bool = True, check_in: bool = True) -> dict[str, Any]:
    """The conference with its default agenda and a filled roll; opened and everyone checked in by default."""
    actor = system_actor()
    block_year = tree["block_year"]
    write_ranking(tree)
    head: Any = UserFactory(username="khoitruong", full_name="Khối trưởng")
    grant(head, Role.BLOCK_HEAD, block_year=block_year)
    deputy: Any = UserFactory(username="khoipho", full_name="Khối phó")
    grant(deputy, Role.BLOCK_DEPUTY, block_year=block_year)
    secretary: Any = UserFactory(username="thuky", full_name="Thư ký hội nghị")
    voter_user: Any = UserFactory(username="daibieu", full_name="Đại biểu A")
    conference = conference_services.conference_create(
        actor=actor,
        block_year=block_year,
        title="Hội nghị tổng kết công tác thi đua năm 2025",
        starts_at=timezone.make_aware(dt.datetime(2026, 1, 16, 8, 0)),
        place="Hội trường Sở Nội vụ, Đông Hà",
        chair="Khối trưởng",
        secretary=secretary,
    )
    tree["person_a"].user = voter_user
    tree["person_a"].save(update_fields=["user"])
    delegates = {}
    delegates["centre_a"] = delegate_services.delegate_add(
        actor=actor, conference=conference, unit=tree["centre_a"], person=tree["person_a"], job_title="Giám đốc"
    )
    person_b = make_person(tree["centre_b"], "Lê Văn Bình", position="Giám đốc")
    delegates["centre_b"] = delegate_services.delegate_add(
        actor=actor, conference=conference, unit=tree["centre_b"], person=person_b
    )
    delegates["centre_c"] = delegate_services.delegate_add(
        actor=actor, conference=conference, unit=tree["centre_c"], person=tree["person_c"]
    )
    delegates["board"] = delegate_services.delegate_add(
        actor=actor, conference=conference, unit=tree["board"], full_name="Phạm Văn Dũng", job_title="Trưởng ban"
    )
    guest = delegate_services.delegate_add(
        actor=actor,
        conference=conference,
        full_name="Hoàng Thị Mai",
        organisation="Ban Thi đua - Khen thưởng",
        is_guest=True,
    )
    if open_session:
        conference_services.conference_open(actor=actor, conference=conference)
        if check_in:
            for delegate in [*delegates.values(), guest]:
                delegate_services.delegate_check_in(actor=actor, delegate=delegate)
    conference.refresh_from_db()
    for delegate in [*delegates.values(), guest]:
        delegate.refresh_from_db()
    return {
        **tree,
        "conference": conference,
        "delegates": delegates,
        "guest": guest,
        "head": head,
        "deputy": deputy,
        "secretary": secretary,
        "voter_user": voter_user,
        "actor": actor,
    }
