"""Demo history in the registry of awards, built through the services (idempotent: a second run writes nothing).

The demo block's member units and some of their staff get four years of past awards before the block-year, so the
eligibility engine has something to read and the profiles have a timeline:

* every member unit: Advanced labour collective each year; the first member Excellent labour collective in the
  last two years and the provincial flag in the last one;
* up to three staff per unit: Advanced labourer each year; the first of them Grassroots emulation fighter three
  years running (a candidate for Provincial emulation fighter), the second with a gap (not a candidate);
* one thematic Certificate of Commendation (to the first of the staff) that does not count as history, and one
  revoked award (the last member's oldest) with money to recover.

Prize money is the catalogue's (prize_for on the decision date); none when the catalogue has no value for it.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from thidua.awards.models import Award, Recipient
from thidua.awards.selectors import prize_for
from thidua.awards.services.registry import award_record, award_revoke
from thidua.core.exceptions import ValidationFailed
from thidua.organizations.models import BlockYear, Person, PersonMembership, Unit

DEPARTMENT = ("Sở Nội vụ tỉnh Quảng Trị", "Giám đốc Sở Nội vụ")
PROVINCE = ("Ủy ban nhân dân tỉnh Quảng Trị", "Chủ tịch Ủy ban nhân dân tỉnh")
PROVINCIAL_CODES = {"ttldxs", "co_tinh", "cstd_tinh", "bang_khen_tinh"}
YEARS_BACK = 4
STAFF_PER_UNIT = 3


@dataclass
class AwardsDemoReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + count


class _Recorder:
    def __init__(self, actor: Any, report: AwardsDemoReport) -> None:
        self.actor = actor
        self.report = report
        self.numbers: dict[tuple[int, bool], int] = {}

    def _decision(self, code: str, year: int) -> tuple[str, dt.date, str, str]:
        provincial = code in PROVINCIAL_CODES
        serial = self.numbers.get((year, provincial), 100 if provincial else 20) + 1
        self.numbers[(year, provincial)] = serial
        body, signer = PROVINCE if provincial else DEPARTMENT
        number = f"{serial}/QĐ-{'UBND' if provincial else 'SNV'}"
        return number, dt.date(year + 1, 1, 20 if provincial else 15), body, signer

    def record(
        self, code: str, year: int, *, unit: Unit, person: Person | None = None, counts_as_history: bool | None = None
    ) -> Award | None:
        exists = Award.objects.filter(award_type__code=code, year=year)
        exists = exists.filter(person=person) if person is not None else exists.filter(unit=unit, person__isnull=True)
        if exists.exists():
            return None
        number, date, body, signer = self._decision(code, year)
        kind = Recipient.INDIVIDUAL if person is not None else Recipient.COLLECTIVE
        try:
            amount: int | None = prize_for(code, kind, date).amount
        except ValidationFailed:
            amount = None
        award = award_record(
            actor=self.actor,
            award_type=code,
            year=year,
            unit=unit,
            person=person,
            decision_number=number,
            decision_date=date,
            decision_signer=signer,
            issuing_body=body,
            amount=amount,
            counts_as_history=counts_as_history,
            is_demo=True,
        )
        self.report.add("awards")
        return award


def _staff(unit: Unit) -> list[Person]:
    memberships = (
        PersonMembership.objects.filter(unit=unit, end_date__isnull=True)
        .select_related("person")
        .order_by("person__full_name", "person_id")
    )
    people: list[Person] = []
    for membership in memberships:
        if membership.person not in people:
            people.append(membership.person)
    return people[:STAFF_PER_UNIT]


def build_awards_demo(*, block_year: BlockYear, actor: Any) -> AwardsDemoReport:
    """Past awards of the block-year's members and staff (the years before `block_year.year`)."""
    report = AwardsDemoReport()
    recorder = _Recorder(actor, report)
    units = [m.unit for m in block_year.memberships.select_related("unit").order_by("unit__code", "unit_id")]
    last = block_year.year - 1
    years = range(last - YEARS_BACK + 1, last + 1)
    thematic_given = False
    for index, unit in enumerate(units):
        for year in years:
            excellent = index == 0 and year >= last - 1
            recorder.record("ttldxs" if excellent else "ttldtt", year, unit=unit)
        if index == 0:
            recorder.record("co_tinh", last, unit=unit)
        for rank, person in enumerate(_staff(unit)):
            for year in years:
                recorder.record("ldtt", year, unit=unit, person=person)
            fighter_years = {0: years[-3:], 1: [years[-3], years[-1]]}.get(rank, [])
            for year in fighter_years:
                recorder.record("cstd_co_so", year, unit=unit, person=person)
            if rank == 0 and not thematic_given:
                # A thematic certificate (a movement's prize): it never counts towards merit awards.
                recorder.record("giay_khen", last, unit=unit, person=person, counts_as_history=False)
                thematic_given = True
    if len(units) > 1:
        first = Award.objects.filter(unit=units[-1], award_type__code="ttldtt", year=years[0], is_demo=True).first()
        if first is not None and first.revoked_on is None:
            award_revoke(
                actor=actor,
                award=first,
                revoked_on=dt.date(years[0] + 2, 3, 1),
                reason="Kê khai thành tích không đúng sự thật (phát hiện qua thanh tra).",
                decision_number=f"5/QĐ-SNV ({years[0] + 2})",
                recovery_amount=first.amount,
            )
            report.add("revoked")
    return report
