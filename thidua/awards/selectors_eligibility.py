"""The eligibility report of one unit or person for one title or form, from the data Thidua really holds.

The engine (`thidua.awards.eligibility`) is pure: it reads a history, the year's facts and the parameters. This
module fetches them (issue #5 item 2, wiring):

- the history from the registry (`history_for`, revoked and thematic awards flagged, the engine drops them);
- the parameters in force on 31 December of the achievement year (`parameters_on`);
- the facts the data holds, and only those: for a unit, `led_block` from the closed "leading unit" polls of the
  year-end conferences of its blocks that year, and for the Government flag the number of block leaders in the
  province when every block of the province has such a result and the province's other live Government-flag
  proposals of the year; for both units and people, `disciplinary_hold` from the DisciplinaryHold table (holds are
  recorded data, so no hold in force means False) and `proposals`, the recipient's other live proposals.
  Everything else (task ratings, initiatives, member counts) is not modelled yet and stays None, so the rules that
  need it answer UNKNOWN rather than guess.

A report costs a fixed number of queries, whatever the length of the history or the number of polls.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.awards.eligibility import Candidate, EligibilityReport, ProposalRef, RecipientKind, YearFacts, evaluate
from thidua.awards.models import DisciplinaryHold, Proposal, Recipient
from thidua.awards.selectors import award_type_by_code, parameters_on
from thidua.awards.selectors_registry import history_for
from thidua.awards.workflow import LIVE_STATUSES
from thidua.conferences.models import AgendaKind, Poll, PollStatus
from thidua.core.exceptions import ValidationFailed
from thidua.organizations.models import BlockYear, Person, Unit

GOVERNMENT_FLAG = "co_chinh_phu"


def _elected(outcome: Any) -> set[int]:
    """Every unit id the stored outcome elects, whatever the group."""
    if not isinstance(outcome, dict):
        return set()
    return {int(pk) for ids in (outcome.get("elected_by_group") or {}).values() for pk in ids}


def _pending_runoff(outcome: Any) -> bool:
    return isinstance(outcome, dict) and bool(outcome.get("runoffs"))


def _leading_unit_polls(year: int) -> Any:
    return Poll.objects.filter(
        status=PollStatus.CLOSED,
        agenda_item__kind=AgendaKind.LEADING_UNIT,
        conference__block_year__year=year,
    )


def led_block(*, unit: Unit, year: int) -> bool | None:
    """Whether the conference voted `unit` the leading unit of its block for `year`.

    True when a closed leading-unit poll of a block-year the unit belongs to elects it; False when the unit stood in
    such a poll and was not elected (and no run-off is pending); None when there is no such poll (not known yet).
    One query.
    """
    polls = (
        _leading_unit_polls(year)
        .filter(conference__block_year__memberships__unit=unit, candidates__unit=unit)
        .order_by("pk")
        .values_list("pk", "outcome")
        .distinct()
    )
    stood = False
    for _pk, outcome in polls:
        if unit.pk in _elected(outcome):
            return True
        if not _pending_runoff(outcome):
            stood = True
    return False if stood else None


def _province_path(unit: Unit) -> str:
    root = unit.path.strip("/").split("/")[0] if unit.path else str(unit.pk)
    return f"/{root}/"


def block_leaders_in_province(*, unit: Unit, year: int) -> int | None:
    """The number of units voted leading unit of their block for `year` across the province (the unit's tree root).

    Known only when every block-year of the province that year has a closed leading-unit poll with a result (no
    run-off pending); otherwise None, since a partial count would understate the Government-flag cap. Two queries.
    """
    province = _province_path(unit)
    block_years = set(
        BlockYear.objects.filter(year=year, block__owner__path__startswith=province).values_list("pk", flat=True)
    )
    if not block_years:
        return None
    decided: set[int] = set()
    leaders: set[int] = set()
    rows = (
        _leading_unit_polls(year)
        .filter(conference__block_year_id__in=block_years)
        .order_by("pk")
        .values_list("conference__block_year_id", "outcome")
    )
    for block_year_id, outcome in rows:
        elected = _elected(outcome)
        if elected and not _pending_runoff(outcome):
            decided.add(block_year_id)
        leaders |= elected
    return len(leaders) if decided == block_years else None


def hold_in_force(*, unit: Unit | None = None, person: Person | None = None, year: int) -> bool:
    """Whether a disciplinary hold on the unit (or the person) is in force on 31 December of `year` or today.

    Holds are recorded data: no hold row in force means there is none (False), never "not known". One query.
    """
    days = sorted({dt.date(year, 12, 31), timezone.localdate()})
    covers = Q()
    for day in days:
        covers |= Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    subject = Q(person=person) if person is not None else Q(unit=unit)
    return bool(DisciplinaryHold.objects.filter(subject, covers).exists())


def live_proposals(
    *, unit: Unit | None = None, person: Person | None = None, exclude_proposal: int | None = None
) -> tuple[ProposalRef, ...]:
    """The recipient's live proposals (not returned, withdrawn or rejected), but `exclude_proposal`. One query."""
    if person is not None:
        qs = Proposal.objects.filter(recipient_kind=Recipient.INDIVIDUAL, person=person)
    else:
        qs = Proposal.objects.filter(recipient_kind=Recipient.COLLECTIVE, unit=unit)
    if exclude_proposal is not None:
        qs = qs.exclude(pk=exclude_proposal)
    rows = qs.filter(status__in=LIVE_STATUSES).order_by("year", "pk").values_list("award_type__code", "year", "pk")
    return tuple(ProposalRef(award_code=code, year=year, reference=pk) for code, year, pk in rows)


def government_flag_proposals(*, unit: Unit, year: int) -> int:
    """Live Government-flag proposals of `year` in the unit's province, other than the unit's own. One query."""
    return int(
        Proposal.objects.filter(
            award_type__code=GOVERNMENT_FLAG,
            year=year,
            recipient_kind=Recipient.COLLECTIVE,
            status__in=LIVE_STATUSES,
            unit__path__startswith=_province_path(unit),
        )
        .exclude(unit=unit)
        .count()
    )


def unit_facts(*, unit: Unit, year: int, award_code: str, exclude_proposal: int | None = None) -> YearFacts:
    """The facts of a unit's year the data holds; the Government-flag counts only for that award."""
    government_flag = award_code == GOVERNMENT_FLAG
    leaders = block_leaders_in_province(unit=unit, year=year) if government_flag else None
    return YearFacts(
        led_block=led_block(unit=unit, year=year),
        block_leaders_in_province=leaders,
        government_flag_proposals=government_flag_proposals(unit=unit, year=year) if government_flag else None,
        disciplinary_hold=hold_in_force(unit=unit, year=year),
        proposals=live_proposals(unit=unit, exclude_proposal=exclude_proposal),
    )


def person_facts(*, person: Person, year: int, exclude_proposal: int | None = None) -> YearFacts:
    """The facts of a person's year the data holds: a disciplinary hold, the other live proposals."""
    return YearFacts(
        disciplinary_hold=hold_in_force(person=person, year=year),
        proposals=live_proposals(person=person, exclude_proposal=exclude_proposal),
    )


def eligibility_for(
    *,
    unit: Unit | None = None,
    person: Person | None = None,
    award_code: str,
    year: int,
    exclude_proposal: int | None = None,
) -> EligibilityReport:
    """Evaluate the unit (collective) or the person (individual) for `award_code` for the achievement of `year`.

    `exclude_proposal`: the primary key of the proposal being evaluated, which must not count against itself.

    Raises ValidationFailed: "recipient_required" (neither or both given), "unknown_award_type" (not in the
    catalogue), and the engine's RuleViolation codes ("unknown_award", "no_rule_set", …).
    """
    if (unit is None) == (person is None):
        raise ValidationFailed(_("Choose the unit or the person to evaluate."), code="recipient_required", field="unit")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValidationFailed(_("Enter a valid year."), code="invalid_year", field="year")
    award_type = award_type_by_code(award_code)
    recipient: Unit | Person = person if person is not None else unit  # type: ignore[assignment]
    kind = RecipientKind.INDIVIDUAL if person is not None else RecipientKind.COLLECTIVE
    if person is not None:
        facts = person_facts(person=person, year=year, exclude_proposal=exclude_proposal)
    else:
        facts = unit_facts(unit=recipient, year=year, award_code=award_type.code, exclude_proposal=exclude_proposal)  # type: ignore[arg-type]
    return evaluate(
        Candidate(key=recipient.pk, kind=kind, year=year),
        award_type.code,
        history=history_for(recipient, up_to_year=year),
        facts=facts,
        parameters=parameters_on(dt.date(year, 12, 31)),
    )


def records_evidence(records: Iterable[Any]) -> list[dict[str, Any]]:
    """The registry records a check used, as JSON-safe values (API, page)."""
    return [
        {
            "award_code": record.award_code,
            "year": record.year,
            "decision_date": record.decision_date.isoformat() if record.decision_date else None,
            "counts_as_history": record.counts_as_history,
            "revoked": record.revoked,
        }
        for record in records
    ]


def json_safe(value: Any) -> Any:
    """Evidence as JSON values: enums by value, dates in ISO form, Decimals and fractions as strings, dataclasses as
    objects, sequences as lists."""
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | Fraction):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [json_safe(item) for item in value]
    return str(value)
