"""Reads of the registry of awards: search without tone marks, the award timeline of a unit or a person, and the
history records the eligibility engine takes.

The registry is public data for every signed-in user (names, titles, years, decisions), so these reads do not filter
by role. Search follows thidua.organizations.search: `search_key` is folded by vi_fold, SQLite answers from an FTS5
table (prefix match per word, migration 0004), PostgreSQL from a trigram GIN index (newest first on both). Every
queryset joins the award type, the unit, the person and the batch, so a page of results costs one query.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from thidua.awards.eligibility import AwardRecord
from thidua.awards.models import Award, ImportBatch, Recipient
from thidua.core.vi_text import search_tokens
from thidua.organizations.models import Person, Unit

FTS_TABLE = "awards_award_fts"
ORDERING = ["-year", "award_type__position", "recipient_name", "id"]
# Search results: newest year first, then the latest recorded. The index award_year_id serves it, so a page of a
# common word stops after 25 matches instead of sorting all of them (bench/awards_registry.py).
SEARCH_ORDERING = ["-year", "-id"]
# The search page counts no further than this (web.CappedPaginator).
SEARCH_COUNT_CAP = 1000
FIRST_YEAR, LAST_YEAR = 1945, 2200  # the range of Award.year (award_year_range)


def _year_token(query: str, tokens: list[str]) -> int | None:
    """A query that is a year alone ("2023") or a year with words ("hai lang 2023") filters on the year column, which
    is indexed; a token with a slash nearby ("2023/qd") is part of a decision number and stays text."""
    if "/" in query:
        return None
    years = [t for t in tokens if len(t) == 4 and t.isdigit() and FIRST_YEAR <= int(t) <= LAST_YEAR]
    return int(years[0]) if len(years) == 1 else None


def _search(queryset: QuerySet[Award], query: str | None) -> QuerySet[Award]:
    """Rows whose search_key holds every word of `query` (as a prefix on SQLite, a substring elsewhere).

    Without words the queryset keeps its order (SEARCH_ORDERING: newest year first). With words, the latest recorded
    come first (`-id`): that order is the one the text index can hand over as it reads, so a page of a common word
    ("chien si", 1.4 million matches in bench/awards_registry.py) stops after 25 rows instead of sorting every match.
    A year in the query filters the indexed year column instead (`_year_token`).

    PostgreSQL used to rank by trigram word similarity: that computes the similarity of every matching row before the
    first page (about 50 µs a row), and every row already holds every word, so the ranking added little.
    """
    tokens = search_tokens(query)
    if not tokens:
        return queryset
    year = _year_token(query or "", tokens)
    if year is not None:
        queryset = queryset.filter(year=year)
        tokens = [t for t in tokens if t != str(year)]
        if not tokens:
            return queryset
    if connection.vendor == "sqlite":
        match = " ".join(f'"{token}"*' for token in tokens)
        # A join with the FTS5 table (not `id IN (…)`, which SQLite materialises whole): FTS5 streams its matches in
        # rowid order, newest first here, and the LIMIT of a page or of the capped count stops it early. The MATCH
        # string is a bound parameter (tokens are \w+ only); the table and column names are ours.
        return queryset.extra(  # noqa: S610
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = awards_award.id", f"{FTS_TABLE} MATCH %s"],
            params=[match],
            order_by=[f"-{FTS_TABLE}.rowid"],
        )
    # PostgreSQL: every token as a substring, answered by the trigram GIN index (migration 0004), or while reading the
    # primary key backwards when the words are common; other databases scan.
    for token in tokens:
        queryset = queryset.filter(search_key__contains=token)
    return queryset.order_by("-id")


def awards_joined() -> QuerySet[Award]:
    return Award.objects.select_related("award_type", "unit", "person", "batch")


def award_search(
    *,
    query: str | None = None,
    award_type: str | None = None,
    year: int | None = None,
    recipient_kind: str | None = None,
    unit: Unit | None = None,
    include_revoked: bool = True,
    batch: int | None = None,
) -> QuerySet[Award]:
    """Awards matching `query` (name, unit, title, year or decision number, without tone marks) and the filters.

    `award_type` is a catalogue code; `unit` keeps the awards of that unit and of the units under it (collective
    awards and its staff's individual awards); `batch` the awards of one import. Newest first
    (SEARCH_ORDERING). A year in `query` filters the year column.
    """
    qs = awards_joined().order_by(*SEARCH_ORDERING)
    if award_type:
        qs = qs.filter(award_type__code=award_type)
    if year is not None:
        qs = qs.filter(year=year)
    if recipient_kind:
        qs = qs.filter(recipient_kind=recipient_kind)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if not include_revoked:
        qs = qs.filter(revoked_on__isnull=True)
    if batch is not None:
        qs = qs.filter(batch_id=batch)
    return _search(qs, query)


def award_get(pk: int) -> Award:
    """One award with its joins (Award.DoesNotExist when missing)."""
    return awards_joined().get(pk=pk)


@dataclass(frozen=True)
class TimelineYear:
    """The awards of one achievement year on a profile page."""

    year: int
    awards: list[Award]


def _timeline(qs: QuerySet[Award]) -> list[TimelineYear]:
    years: dict[int, list[Award]] = {}
    for award in qs.order_by(*ORDERING):
        years.setdefault(award.year, []).append(award)
    return [TimelineYear(year, awards) for year, awards in years.items()]


def unit_awards(*, unit: Unit) -> QuerySet[Award]:
    """The unit's own (collective) awards."""
    return awards_joined().filter(unit=unit, recipient_kind=Recipient.COLLECTIVE).order_by(*ORDERING)


def unit_staff_awards(*, unit: Unit) -> QuerySet[Award]:
    """Individual awards given while the person worked in the unit."""
    return awards_joined().filter(unit=unit, recipient_kind=Recipient.INDIVIDUAL).order_by(*ORDERING)


def person_awards(*, person: Person) -> QuerySet[Award]:
    return awards_joined().filter(person=person).order_by(*ORDERING)


def unit_timeline(*, unit: Unit) -> list[TimelineYear]:
    """The unit's collective awards by year, newest first."""
    return _timeline(unit_awards(unit=unit))


def person_timeline(*, person: Person) -> list[TimelineYear]:
    """The person's awards by year, newest first."""
    return _timeline(person_awards(person=person))


def _record(award: Any, key: Any) -> AwardRecord:
    return AwardRecord(
        recipient=key,
        award_code=award["award_type__code"],
        year=award["year"],
        decision_date=award["decision_date"],
        counts_as_history=award["counts_as_history"],
        revoked=award["revoked_on"] is not None,
    )


_RECORD_FIELDS = ("award_type__code", "year", "decision_date", "counts_as_history", "revoked_on")


def history_for(recipient: Unit | Person, *, up_to_year: int | None = None) -> list[AwardRecord]:
    """The recipient's awards as the eligibility engine reads them (recipient key = the unit's or person's pk).

    A unit's history is its collective awards, a person's their individual awards. Revoked awards and awards that
    do not count as history are included with their flags: the engine drops them itself, and a report can say so.
    """
    qs = Award.objects.filter(
        **(
            {"person": recipient}
            if isinstance(recipient, Person)
            else {"unit": recipient, "recipient_kind": "collective"}
        )
    )
    if up_to_year is not None:
        qs = qs.filter(year__lte=up_to_year)
    rows = qs.order_by("year", "award_type__code", "id").values(*_RECORD_FIELDS)
    return [_record(row, recipient.pk) for row in rows]


def histories_for(
    *, units: Iterable[Unit] = (), people: Iterable[Person] = (), up_to_year: int | None = None
) -> dict[tuple[str, int], list[AwardRecord]]:
    """The histories of many candidates in two queries, keyed by ("collective", unit pk) / ("individual", person pk);
    each record's recipient is the pk (as `history_for`)."""
    out: dict[tuple[str, int], list[AwardRecord]] = {}
    unit_ids = [unit.pk for unit in units]
    person_ids = [person.pk for person in people]
    for pk in unit_ids:
        out[(Recipient.COLLECTIVE.value, pk)] = []
    for pk in person_ids:
        out[(Recipient.INDIVIDUAL.value, pk)] = []
    filters: list[tuple[str, dict[str, Any], str]] = []
    if unit_ids:
        filters.append(
            (Recipient.COLLECTIVE.value, {"unit_id__in": unit_ids, "recipient_kind": "collective"}, "unit_id")
        )
    if person_ids:
        filters.append((Recipient.INDIVIDUAL.value, {"person_id__in": person_ids}, "person_id"))
    for kind, lookup, key_field in filters:
        qs = Award.objects.filter(**lookup)
        if up_to_year is not None:
            qs = qs.filter(year__lte=up_to_year)
        for row in qs.order_by("year", "award_type__code", "id").values(key_field, *_RECORD_FIELDS):
            out[(kind, row[key_field])].append(_record(row, row[key_field]))
    return out


def import_batches() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("created_by").order_by("-created_at", "-id")
