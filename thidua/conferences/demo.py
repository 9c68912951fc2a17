"""Demo conferences of a block-year, built through the services (idempotent: a second run writes nothing).

* the mid-year review conference (sơ kết 6 tháng), held and closed: every member unit's delegate checked in
  with their card and approved, by secret ballot, the list of units commended for the first half-year; its
  bulletin, receipts and minutes can be looked at;
* the year-end conference (tổng kết), planned: the usual agenda, the roll filled from the member units, and
  the three polls prepared from the ranking and the rotation rule (the leading unit, the certificates of merit,
  next year's head and deputies), ready for a demo session: open it, check delegates in, vote on a phone.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from thidua.conferences.models import CandidateGroup, Conference, PollKind
from thidua.conferences.selectors import candidates_from_ranking, candidates_from_rotation
from thidua.conferences.services import conference as conference_services
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.organizations.models import BlockYear

MIDYEAR_TITLE = "Hội nghị sơ kết công tác thi đua 6 tháng đầu năm {year}"
YEAR_END_TITLE = "Hội nghị tổng kết công tác thi đua năm {year}"
PLACE = "Hội trường Sở Nội vụ tỉnh Quảng Trị, Đông Hà"


@dataclass
class ConferenceDemoReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + count


def _when(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 8, 0))


def _key(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _midyear(block_year: BlockYear, actor: Any, report: ConferenceDemoReport) -> None:
    conference = conference_services.conference_create(
        actor=actor,
        block_year=block_year,
        title=MIDYEAR_TITLE.format(year=block_year.year),
        starts_at=_when(block_year.year, 7, 15),
        place=PLACE,
        chair="Khối trưởng",
        default_agenda=False,
    )
    item = conference_services.agenda_item_add(
        actor=actor,
        conference=conference,
        title="Biểu dương các đơn vị có thành tích nổi bật 6 tháng đầu năm",
        kind="other",
        presenter="Khối trưởng",
    )
    delegates = delegate_services.delegates_fill_from_members(actor=actor, conference=conference)
    conference = conference_services.conference_open(actor=actor, conference=conference)
    for delegate in delegates:
        delegate_services.delegate_check_in_by_card(token=delegate_services.delegate_card_token(delegate))
    units = candidates_from_ranking(block_year)[:3]
    poll = poll_services.poll_create(
        actor=actor,
        conference=conference,
        title="Thông qua danh sách đơn vị được biểu dương 6 tháng đầu năm",
        kind=PollKind.APPROVAL,
        candidates=[CandidateInput(unit=unit) for unit in units],
        agenda_item=item,
        min_choices=0,
    )
    poll = poll_services.poll_open(actor=actor, poll=poll)
    candidates = list(poll.candidates.order_by("position"))
    rng = random.Random(f"midyear-{block_year.pk}")
    for index, delegate in enumerate(delegates):
        if index == len(delegates) - 1:
            content: dict[str, Any] = {"blank": True}
        else:
            answers = ["yes", "yes", "yes", "yes", "no", "abstain"]
            content = {"answers": {str(c.pk): rng.choice(answers) for c in candidates}}
        poll_services.poll_cast(actor=None, poll=poll, delegate=delegate, content=content, idempotency_key=_key(rng))
    poll_services.poll_close(actor=actor, poll=poll)
    conference_services.conference_close(
        actor=actor, conference=conference, conclusions="Hội nghị thống nhất biểu dương các đơn vị được thông qua."
    )
    report.add("conferences")
    report.add("ballots", len(delegates))


def _year_end(block_year: BlockYear, actor: Any, report: ConferenceDemoReport) -> None:
    conference = conference_services.conference_create(
        actor=actor,
        block_year=block_year,
        title=YEAR_END_TITLE.format(year=block_year.year),
        starts_at=_when(block_year.year + 1, 1, 15),
        place=PLACE,
        chair="Khối trưởng",
    )
    delegate_services.delegates_fill_from_members(actor=actor, conference=conference)
    delegate_services.delegate_add(
        actor=actor,
        conference=conference,
        full_name="Đại diện Ban Thi đua - Khen thưởng tỉnh",
        organisation="Sở Nội vụ tỉnh Quảng Trị",
        is_guest=True,
    )
    items = {item.kind: item for item in conference.agenda.all()}
    ranking = candidates_from_ranking(block_year)
    poll_services.poll_create(
        actor=actor,
        conference=conference,
        title=f"Suy tôn đơn vị dẫn đầu khối năm {block_year.year}",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=unit) for unit in ranking[:3]],
        agenda_item=items.get("leading_unit"),
        min_choices=1,
        max_choices=1,
        seats=1,
    )
    poll_services.poll_create(
        actor=actor,
        conference=conference,
        title="Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen",
        kind=PollKind.APPROVAL,
        candidates=[CandidateInput(unit=unit) for unit in ranking[1:4]],
        agenda_item=items.get("commendation"),
        min_choices=0,
        threshold=(2, 3),
        threshold_strict=False,
    )
    proposal = candidates_from_rotation(block_year)
    deputies = sum(1 for _unit, group in proposal if group == CandidateGroup.DEPUTY)
    poll_services.poll_create(
        actor=actor,
        conference=conference,
        title=f"Bầu khối trưởng, khối phó năm {block_year.year + 1}",
        kind=PollKind.ELECTION,
        candidates=[CandidateInput(unit=unit, group=group) for unit, group in proposal],
        agenda_item=items.get("leadership"),
        min_choices=0,
        seats=max(deputies, 1) if deputies <= block_year.block.deputy_count else block_year.block.deputy_count,
    )
    report.add("conferences")
    report.add("polls prepared", 3)


def build_conference_demo(*, block_year: BlockYear, actor: Any) -> ConferenceDemoReport:
    """The block-year's two demo conferences (nothing when they exist already)."""
    report = ConferenceDemoReport()
    titles = set(Conference.objects.filter(block_year=block_year).values_list("title", flat=True))
    if MIDYEAR_TITLE.format(year=block_year.year) not in titles:
        _midyear(block_year, actor, report)
    if YEAR_END_TITLE.format(year=block_year.year) not in titles:
        _year_end(block_year, actor, report)
    return report
