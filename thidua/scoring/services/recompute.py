"""Final scores and the ranking: rebuilt from the finalised sheets of one or many block-years.

`recompute_final_scores` is the engine (no permission, no audit): it is called by the services that
finalise or correct sheets, by `scoring_recompute` and by the benchmark (`bench/scoring.py`), which
runs it over every block-year of a national-scale data set. It reads the sheets with ONE SQL
aggregation over the current, finalised score lines grouped per sheet (the sum of the points, of the
bonus and of the deductions, in whole hundredths); everything else is the pure rules engine in
Python: `sheet_totals_cents` (with the table's caps), `normalise`, `final_scores_cents` with the
block-year's rule (the total, the bonus and the deductions at once), `rank_cents` with its tie-breaks
and tracks, and `suggest_titles` with its bands. The `_cents` rules are `sheet_totals`, `final_score`
and `rank` on integers (hundredths) for this hot path: their property tests check that they give
exactly what the Decimal rules give, so the rules still decide every figure; Decimals are made only
for the rows written. Rows whose figures did not change are not rewritten (compared in Python before
anything is sent), the others are upserted (COPY + one INSERT … ON CONFLICT on PostgreSQL for large
batches), and units no longer members lose theirs.

Why two paths. `_recompute_reference` is the plain one: the whole aggregation, then each rule over
every block-year, then one upsert. `_recompute_fast` (what `recompute_final_scores` runs) gives the
same rows field by field (a hypothesis test writes random block-years to the test database and
compares them, test_recompute_fast.py), but finishes each block-year as soon as its last sheet has
arrived: on PostgreSQL the aggregation is streamed (`cursor.stream`) in block-year order, together
with the block-year's stored FinalScore rows and members, so the Python side (rules, comparison with
the stored rows) runs on the second core while the server aggregates the next block-years. On the
benchmark (60,000 units, 7.2 million lines) that took a national recompute from 3.2× to about 1.8× the
hand-written SQL aggregation; docs/benchmarks.md has the figures and what is left (the aggregation
itself and the tied units' group sums, both SQL). Other databases read the same rows without
streaming.

Only finalised sheets count: a final score never rests on a draft, and a sheet under correction
(its new revision not finalised yet) drops out until the correction is finalised.

Per-group scores (for a tie-break "higher score in criteria group II") come from a second grouped
query, made only for the units still tied on the total in block-years whose tie-breaks name a
group, and stored in `group_scores` for those units only; on the fast path those block-years wait
for that one query after the stream. Measured on the benchmark (3,000 blocks, 7.2 million lines),
per-group sums for every unit cost a second pass over all the lines, as long as the main aggregation
itself; the dashboards read a unit's group profile from its sheets instead.
"""

import json
from collections import defaultdict
from collections.abc import Hashable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import BlockMembership, BlockYear
from thidua.scoring.models import (
    CriteriaSet,
    FinalScore,
    ScoreBand,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    ScoringTrack,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.rules import (
    Band,
    CentsEntry,
    FinalRule,
    NormaliseMethod,
    RankInput,
    Review,
    TieBreak,
    TieBreakStep,
    final_score,
    final_scores_cents,
    from_cents,
    normalise,
    rank,
    rank_cents,
    sheet_totals_cents,
    suggest_titles,
    to_cents,
)

UPSERT_BATCH = 2000
STREAM_CHUNK = 500  # rows per network round of the streamed aggregation (PostgreSQL)
COPY_THRESHOLD = 1000  # rows; below it a plain bulk upsert is as fast
UPDATE_COLUMNS = [
    "track",
    "self_total",
    "review_count",
    "raw_total",
    "normalised_total",
    "ranking_total",
    "bonus",
    "deductions",
    "group_scores",
    "rank",
    "tied",
    "decided_by",
    "suggested_title",
    "computed_at",
]
COLUMNS = ["block_year_id", "unit_id", *UPDATE_COLUMNS]
VALUE_COLUMNS = COLUMNS[:-1]  # all but computed_at, which changes only with the values
ZERO = Decimal(0)


type _Figures = tuple[int, int, int]  # a review's total, bonus and deductions, in hundredths
type _CentsReview = tuple[int, bool, _Figures]  # (reviewer unit, is the head's, figures): `final_scores_cents`


@dataclass(slots=True)
class _Unit:
    """What the aggregation says about one unit: its self total and its reviews, in hundredths."""

    self_total: int | None = None
    reviews: list[_CentsReview] = field(default_factory=list)
    review_sheets: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Result:
    unit_id: int
    track: str
    self_total: Decimal | None
    review_count: int
    raw: Decimal | None
    normalised: Decimal | None
    ranking: Decimal | None
    bonus: Decimal
    deductions: Decimal
    groups: dict[str, Decimal] = field(default_factory=dict)
    rank: int | None = None
    tied: bool = False
    decided_by: str = ""


def tie_break_steps(config: ScoringConfig) -> list[TieBreakStep]:
    """The block-year's tie-break steps (after the total), from its settings."""
    steps = []
    for entry in config.tie_breaks or []:
        try:
            steps.append(TieBreakStep(TieBreak(entry["kind"]), entry.get("group") or None))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationFailed(
                _("The tie-break order of the scoring settings is not valid."), code="invalid_tie_break"
            ) from exc
    return steps


def _cents_sum(**filter_q: Any) -> Cast:
    """SUM(points) of the sheet's lines (those matching `filter_q`) in whole hundredths, as an integer."""
    total = Sum("lines__points", default=ZERO, **filter_q)
    return Cast(Round(ExpressionWrapper(total * Value(100), output_field=DecimalField())), BigIntegerField())


# PostgreSQL: the same aggregation as `_sheet_sums`'s ORM query, written with a LATERAL subquery per
# sheet (one index scan of its ~40 lines, aggregated at once) instead of a join of every line grouped
# afterwards, and without JIT compilation (its estimate for 7.2 million lines triggered ~0.12 s of it).
# On the benchmark: 2.0 s instead of 2.8 s, the baseline's own figure.
_PG_SHEET_SUMS = f"""
SELECT s.id, s.block_year_id, s.unit_id, s.kind, s.reviewer_unit_id, s.is_head_review,
       a.sum_all, a.sum_bonus, a.sum_deduction
FROM scoring_scoresheet s CROSS JOIN LATERAL (
    SELECT CAST(COALESCE(SUM(l.points), 0) * 100 AS BIGINT) AS sum_all,
           CAST(COALESCE(SUM(l.points) FILTER (WHERE l.count IS NOT NULL AND l.points > 0), 0) * 100 AS BIGINT)
               AS sum_bonus,
           CAST(COALESCE(SUM(l.points) FILTER (WHERE l.points < 0), 0) * 100 AS BIGINT) AS sum_deduction
    FROM scoring_scoreline l WHERE l.sheet_id = s.id
) a
WHERE s.is_current AND s.status = '{SheetStatus.FINALISED.value}' AND s.block_year_id = ANY(%s)
"""  # noqa: S608  (module constants only)


def _sheet_sums(block_year_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """THE aggregation: per current finalised sheet, the sums of its lines' points, bonus and deductions.

    The split reads the lines themselves, which the sheet services keep consistent: points and yes/no
    lines carry a `value` and no `count`, bonus and deduction lines a `count`; deductions are negative.
    So bonus = positive points of counted lines, deductions = negative points, base = the rest. Joining
    the 7.2 million lines of the benchmark to their items for the type doubled the query's time.

    The sums come back as integers, in hundredths (points have two decimals, so they are exact on
    PostgreSQL; SQLite's floating sums are rounded half up to the hundredth): the rules then work on
    ints (`sheet_totals_cents`, `final_scores_cents`), and the driver parses no Decimal per row.
    """
    query = (
        ScoreSheet.objects.filter(block_year_id__in=block_year_ids, is_current=True, status=SheetStatus.FINALISED)
        .annotate(
            sum_all=_cents_sum(),
            sum_bonus=_cents_sum(filter=Q(lines__count__isnull=False, lines__points__gt=0)),
            sum_deduction=_cents_sum(filter=Q(lines__points__lt=0)),
        )
        .values_list(
            "pk",
            "block_year_id",
            "unit_id",
            "kind",
            "reviewer_unit_id",
            "is_head_review",
            "sum_all",
            "sum_bonus",
            "sum_deduction",
        )
        .order_by()
    )
    # The ORM writes the SQL; the rows are read straight from the cursor, without a Python converter per
    # value (PostgreSQL returns ints already; SQLite may return floats for the rounded sums).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit')")
            (previous_jit,) = cursor.fetchone()
            cursor.execute("SELECT set_config('jit', 'off', true)")  # for this transaction; restored below
            cursor.execute(_PG_SHEET_SUMS, [list(block_year_ids)])
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('jit', %s, true)", [previous_jit])
        return rows
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(*row[:6], *(int(v) for v in row[6:])) for row in rows]


def _group_sums(sheet_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
    """Per sheet and criteria group, the signed sum of its lines (for the units tied on the total)."""
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for sheet_id, code, points in (
        ScoreLine.objects.filter(sheet_id__in=sheet_ids)
        .values_list("sheet_id", "item__group__code")
        .annotate(points=Sum("points", default=ZERO))
        .order_by()
    ):
        sums[sheet_id][code] = points
    return sums


def _load_units(
    block_year_ids: Sequence[int], caps: dict[int, tuple[int | None, int | None]]
) -> dict[int, dict[int, _Unit]]:
    """Each block-year's units with their sheet totals (`rules.sheet_totals_cents`, with the table's caps)."""
    years: dict[int, dict[int, _Unit]] = defaultdict(dict)
    no_caps: tuple[int | None, int | None] = (None, None)
    self_kind = SheetKind.SELF.value
    for sheet_id, by, unit_id, kind, reviewer, is_head, total, bonus, deduction in _sheet_sums(block_year_ids):
        total_cap, bonus_cap = caps.get(by, no_caps)
        _base, bonus, deduction, total = sheet_totals_cents(
            total - bonus - deduction, bonus, deduction, total_cap=total_cap, bonus_cap=bonus_cap
        )
        units = years[by]
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = _Unit()
        if kind == self_kind:
            unit.self_total = total
        else:
            unit.reviews.append((reviewer, bool(is_head), (total, bonus, deduction)))
            unit.review_sheets.append(sheet_id)
    return years


def _decimal(cents: int | None) -> Decimal | None:
    return None if cents is None else from_cents(cents)


def _year_results(
    config: ScoringConfig, units: dict[int, _Unit], member_ids: Sequence[int], tracks: dict[int, str]
) -> list[_Result]:
    """Final scores of one block-year's members (`rules.final_scores_cents` with its rule, `rules.normalise`)."""
    rule = FinalRule(config.final_rule)
    method = NormaliseMethod(config.normalisation)
    normalised: dict[tuple[Hashable, Hashable], Decimal] | None = None
    if method != NormaliseMethod.NONE:
        normalised = normalise(
            {(r[0], unit_id): from_cents(r[2][0]) for unit_id, u in units.items() for r in u.reviews}, method=method
        )
    use_normalised = bool(config.use_normalised) and normalised is not None
    results = []
    empty = _Unit()
    for unit_id in member_ids:
        data = units.get(unit_id, empty)
        raw_c, bonus_c, deductions_c = final_scores_cents(data.reviews, rule=rule, width=3)
        raw = _decimal(raw_c)
        norm = None
        if normalised is not None:
            (norm_c,) = final_scores_cents(
                [(r[0], r[1], (to_cents(normalised[(r[0], unit_id)]),)) for r in data.reviews], rule=rule, width=1
            )
            norm = _decimal(norm_c)
        results.append(
            _Result(
                unit_id=unit_id,
                track=tracks.get(unit_id, ""),
                self_total=_decimal(data.self_total),
                review_count=len(data.reviews),
                raw=raw,
                normalised=norm,
                ranking=norm if use_normalised else raw,
                bonus=from_cents(bonus_c) if bonus_c is not None else ZERO,
                deductions=from_cents(deductions_c) if deductions_c is not None else ZERO,
            )
        )
    return results


def _tied_on_total(results: Sequence[_Result]) -> list[_Result]:
    seen: dict[tuple[str, Decimal], list[_Result]] = defaultdict(list)
    for result in results:
        if result.ranking is not None:
            seen[(result.track, result.ranking)].append(result)
    return [result for group in seen.values() if len(group) > 1 for result in group]


def _add_group_scores(
    configs: dict[int, ScoringConfig],
    years: dict[int, dict[int, _Unit]],
    results: dict[int, list[_Result]],
    steps: dict[int, list[TieBreakStep]],
) -> None:
    """Per-group final scores of the units tied on the total, where a tie-break looks at a group.

    One grouped query over the lines of those units' reviews only: the tie-break never needs the
    others, and the dashboards read a unit's group profile from its sheets when they show it.
    """
    wanted = {
        by: _tied_on_total(results[by]) for by in results if any(step.kind == TieBreak.GROUP for step in steps[by])
    }
    sheet_ids = [
        sheet_id
        for by, tied in wanted.items()
        for result in tied
        for sheet_id in years[by][result.unit_id].review_sheets
    ]
    if not sheet_ids:
        return
    sums = _group_sums(sheet_ids)
    for by, tied in wanted.items():
        rule = FinalRule(configs[by].final_rule)
        for result in tied:
            data = years[by][result.unit_id]
            codes = sorted({code for sheet_id in data.review_sheets for code in sums.get(sheet_id, {})})
            for code in codes:
                value = final_score(
                    [
                        Review(r[0], sums.get(sheet_id, {}).get(code, ZERO), r[1])
                        for r, sheet_id in zip(data.reviews, data.review_sheets, strict=True)
                    ],
                    rule=rule,
                )
                if value is not None:
                    result.groups[code] = value


def _rank(results: Sequence[_Result], steps: Sequence[TieBreakStep]) -> None:
    entries = [
        RankInput(
            key=r.unit_id,
            total=r.ranking,
            track=r.track,
            group_scores=r.groups,
            deductions=r.deductions,
            self_score=r.self_total,
            bonus=r.bonus,
        )
        for r in results
        if r.ranking is not None
    ]
    by_unit = {r.unit_id: r for r in results}
    for ranked in rank(entries, tie_breaks=steps):
        result = by_unit[ranked.key]  # type: ignore[index]
        result.rank, result.tied, result.decided_by = ranked.rank, ranked.tied, ranked.decided_by or ""


def _changed(rows: list[tuple[Any, ...]], block_year_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The rows that are new or differ from the stored ones (computed_at aside)."""
    width = len(VALUE_COLUMNS)
    stored = {
        (row[0], row[1]): row
        for row in FinalScore.objects.filter(block_year_id__in=block_year_ids).values_list(*VALUE_COLUMNS)
    }
    return [row for row in rows if stored.get((row[0], row[1])) != row[:width]]


def _upsert(rows: list[tuple[Any, ...]], block_year_ids: Sequence[int], *, compared: bool = False) -> None:
    """Write the new and changed FinalScore rows (COLUMNS order); unchanged rows are left alone.

    On PostgreSQL large batches go through COPY into a temporary table and one INSERT … ON CONFLICT
    DO UPDATE … WHERE the values differ; otherwise the changed rows are found in Python and written
    with `bulk_create(update_conflicts=True)`.
    """
    if connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD:
        names = ", ".join(COLUMNS)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in UPDATE_COLUMNS)
        old = ", ".join(f"scoring_finalscore.{name}" for name in VALUE_COLUMNS[2:])
        new = ", ".join(f"EXCLUDED.{name}" for name in VALUE_COLUMNS[2:])
        with connection.cursor() as cursor:  # the names are this module's constants
            cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_finalscore_new")
            cursor.execute(
                f"CREATE TEMP TABLE scoring_finalscore_new ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {names} FROM scoring_finalscore WITH NO DATA"
            )
            groups = COLUMNS.index("group_scores")
            with cursor.cursor.copy(f"COPY scoring_finalscore_new ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row[:groups], json.dumps(row[groups]), *row[groups + 1 :]))
            cursor.execute(
                f"INSERT INTO scoring_finalscore ({names}) SELECT {names} FROM scoring_finalscore_new "  # noqa: S608
                f"ON CONFLICT (block_year_id, unit_id) DO UPDATE SET {updates} WHERE ({old}) IS DISTINCT FROM ({new})"
            )
        return
    FinalScore.objects.bulk_create(
        [
            FinalScore(**dict(zip(COLUMNS, row, strict=True)))
            for row in (rows if compared else _changed(rows, block_year_ids))
        ],
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["block_year", "unit"],
        update_fields=[name.removesuffix("_id") for name in UPDATE_COLUMNS],
    )


@dataclass(slots=True)
class _Context:
    """The block-years' settings, caps, members, tracks and bands: what both paths read first."""

    configs: dict[int, ScoringConfig]
    steps: dict[int, list[TieBreakStep]]
    caps: dict[int, tuple[int | None, int | None]]
    members: dict[int, list[int]]
    tracks: dict[int, dict[int, str]]
    bands: dict[int, list[Band]]


def _by_ids(column: str, ids: Sequence[int], field: str = "block_year_id") -> Q | RawSQL:
    """A filter `field IN ids`: on PostgreSQL one array parameter (`column = ANY(%s)`), not a list of 3,000.

    Django's psycopg cursor binds parameters on the client: an IN-list of 3,000 ids is quoted, sent and
    parsed id by id, one array literal at once. `column` is this module's constant ("table"."column").
    """
    if connection.vendor == "postgresql":
        return RawSQL(f"{column} = ANY(%s)", (list(ids),), output_field=BooleanField())  # noqa: S611
    return Q(**{f"{field}__in": ids})


def _context(ids: Sequence[int], *, with_members: bool = True) -> _Context:
    configs = {
        c.block_year_id: c
        for c in ScoringConfig.objects.filter(_by_ids('"scoring_scoringconfig"."block_year_id"', ids))
    }
    for by in ids:
        if by not in configs:  # defaults (not `setdefault`: that would build 3,000 model instances for nothing)
            configs[by] = ScoringConfig(block_year_id=by)
    steps = {by: tie_break_steps(configs[by]) for by in ids}
    caps = {
        by: (None if total_cap is None else to_cents(total_cap), None if bonus_cap is None else to_cents(bonus_cap))
        for by, total_cap, bonus_cap in CriteriaSet.objects.filter(
            _by_ids('"scoring_criteriaset"."block_year_id"', ids)
        ).values_list("block_year_id", "total_cap", "bonus_cap")
    }
    members: dict[int, list[int]] = defaultdict(list)
    for by, unit_id in (
        BlockMembership.objects.filter(_by_ids('"organizations_blockmembership"."block_year_id"', ids))
        .order_by("block_year_id", "unit_id")
        .values_list("block_year_id", "unit_id")
        if with_members
        else ()
    ):
        members[by].append(unit_id)
    tracks: dict[int, dict[int, str]] = defaultdict(dict)
    for by, unit_id, name in (
        ScoringTrack.units.through.objects.filter(
            _by_ids('"scoring_scoringtrack"."block_year_id"', ids, "scoringtrack__block_year_id")
        )
        .order_by("scoringtrack__position", "scoringtrack_id")
        .values_list("scoringtrack__block_year_id", "unit_id", "scoringtrack__name")
    ):
        tracks[by].setdefault(unit_id, name)
    bands: dict[int, list[Band]] = defaultdict(list)
    for by, minimum, maximum, band_title in (
        ScoreBand.objects.filter(_by_ids('"scoring_scoreband"."block_year_id"', ids))
        .order_by("block_year_id", "minimum", "id")
        .values_list("block_year_id", "minimum", "maximum", "title")
    ):
        bands[by].append(Band(minimum=minimum, maximum=maximum, title=band_title))
    return _Context(configs, steps, caps, members, tracks, bands)


def _recompute_reference(ids: Sequence[int], now: Any) -> int:
    """The reference path: every block-year's figures first, then group scores, ranks, and one upsert.

    Kept as the definition the fast path is tested against (test_recompute_fast.py) and for reading:
    each step is one rule applied to all block-years, with `rules.rank` on `RankInput`s.
    """
    ctx = _context(ids)
    years = _load_units(ids, ctx.caps)
    results = {by: _year_results(ctx.configs[by], years[by], ctx.members[by], ctx.tracks[by]) for by in ids}
    _add_group_scores(ctx.configs, years, results, ctx.steps)
    rows: list[tuple[Any, ...]] = []
    for by in ids:
        _rank(results[by], ctx.steps[by])
        titles = suggest_titles([r.ranking for r in results[by]], ctx.bands[by])
        for r, title in zip(results[by], titles, strict=True):
            rows.append(
                (
                    by,
                    r.unit_id,
                    r.track,
                    r.self_total,
                    r.review_count,
                    r.raw,
                    r.normalised,
                    r.ranking,
                    r.bonus,
                    r.deductions,
                    {code: str(value) for code, value in r.groups.items()},
                    r.rank,
                    r.tied,
                    r.decided_by,
                    title or "",
                    now,
                )
            )
    _upsert(rows, ids)
    FinalScore.objects.filter(block_year_id__in=ids).exclude(
        Exists(BlockMembership.objects.filter(block_year_id=OuterRef("block_year_id"), unit_id=OuterRef("unit_id")))
    ).delete()
    return len(rows)


# ---------------------------------------------------------------- the fast path

# A unit's figures in whole hundredths: unit, track, self total, review count, raw, normalised, ranking,
# bonus, deductions (the FinalScore columns in order, before group_scores).
type _Figures9 = tuple[int, str, int | None, int, int | None, int | None, int | None, int, int]
# What is compared with the stored row: the FinalScore value columns, numbers in hundredths.
type _Key = tuple[int, int]


@dataclass(slots=True)
class _Year:
    """One block-year on the fast path, computed as soon as its last sheet has arrived."""

    by: int
    units: dict[int, _Unit]
    figures: list[_Figures9]
    titles: list[str]
    tied: list[int]  # units sharing their track and ranking total with another one


# PostgreSQL, the fast path's one streamed statement: per block-year (in id order, through the primary key,
# so the plan needs no sort before the first row), its current finalised sheets with the sums of their
# lines (part 0, the LATERAL aggregation of `_PG_SHEET_SUMS`), its stored FinalScore rows (part 1, figures
# in hundredths) and its members (part 2). Columns: sheet id, block-year, unit, kind, reviewer, head's
# review, the three sums, part, then the stored row's id and value columns (VALUE_COLUMNS[2:]).
_PG_STREAM = f"""
SELECT x.* FROM organizations_blockyear y CROSS JOIN LATERAL (
    SELECT s.id, s.block_year_id, s.unit_id, CAST(s.kind AS TEXT), s.reviewer_unit_id, s.is_head_review,
           a.sum_all, a.sum_bonus, a.sum_deduction, 0 AS part,
           NULL::bigint, NULL::text, NULL::bigint, NULL::integer, NULL::bigint, NULL::bigint, NULL::bigint,
           NULL::bigint, NULL::bigint, NULL::text, NULL::bigint, NULL::boolean, NULL::text, NULL::text
    FROM scoring_scoresheet s CROSS JOIN LATERAL (
        SELECT CAST(COALESCE(SUM(l.points), 0) * 100 AS BIGINT) AS sum_all,
               CAST(COALESCE(SUM(l.points) FILTER (WHERE l.count IS NOT NULL AND l.points > 0), 0) * 100 AS BIGINT)
                   AS sum_bonus,
               CAST(COALESCE(SUM(l.points) FILTER (WHERE l.points < 0), 0) * 100 AS BIGINT) AS sum_deduction
        FROM scoring_scoreline l WHERE l.sheet_id = s.id
    ) a
    WHERE s.block_year_id = y.id AND s.is_current AND s.status = '{SheetStatus.FINALISED.value}'
    UNION ALL
    SELECT NULL::bigint, f.block_year_id, f.unit_id, NULL::text, NULL::bigint, NULL::boolean,
           NULL::bigint, NULL::bigint, NULL::bigint, 1,
           f.id, CAST(f.track AS TEXT), CAST(f.self_total * 100 AS BIGINT), CAST(f.review_count AS INTEGER),
           CAST(f.raw_total * 100 AS BIGINT), CAST(f.normalised_total * 100 AS BIGINT),
           CAST(f.ranking_total * 100 AS BIGINT), CAST(f.bonus * 100 AS BIGINT), CAST(f.deductions * 100 AS BIGINT),
           CAST(f.group_scores AS TEXT), CAST(f.rank AS BIGINT), f.tied, CAST(f.decided_by AS TEXT),
           CAST(f.suggested_title AS TEXT)
    FROM scoring_finalscore f WHERE f.block_year_id = y.id
    UNION ALL
    SELECT NULL::bigint, m.block_year_id, m.unit_id, NULL::text, NULL::bigint, NULL::boolean,
           NULL::bigint, NULL::bigint, NULL::bigint, 2,
           NULL::bigint, NULL::text, NULL::bigint, NULL::integer, NULL::bigint, NULL::bigint, NULL::bigint,
           NULL::bigint, NULL::bigint, NULL::text, NULL::bigint, NULL::boolean, NULL::text, NULL::text
    FROM organizations_blockmembership m WHERE m.block_year_id = y.id
) x
WHERE y.id = ANY(%s)
ORDER BY y.id
"""  # noqa: S608  (module constants only)


def _stream_years(
    ids: Sequence[int], ctx: _Context, stored: dict[_Key, tuple[int, tuple[Any, ...]]]
) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    """Each block-year's sheet sums (rows as `_sheet_sums`'s, plus columns), in block-year order.

    On PostgreSQL one statement (`_PG_STREAM`) is streamed (`cursor.stream`, in chunks): the server
    computes the next block-years while Python finishes the ones received, on the other core. Its
    stored FinalScore rows and members come in the same stream, ahead of the block-year's end, and are
    put in `stored` and `ctx.members` as they arrive (so reading them is hidden behind the aggregation
    too). No other query may run on the connection until the iterator is exhausted or closed.
    Elsewhere the sums are read with `_sheet_sums`, the members by `_context` and the rows by `_stored`.
    """
    if connection.vendor != "postgresql":
        stored.update(_stored(ids))
        by_year: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in _sheet_sums(ids):
            by_year[row[1]].append(row)
        for by in ids:
            yield by, by_year.get(by, [])
        return
    with connection.cursor() as wrapper:
        wrapper.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")  # for this statement
        (previous_jit, _off) = wrapper.fetchone()
        cursor = wrapper.cursor  # psycopg's own cursor: Django's wrapper has no `stream`
        stream = cursor.stream(_PG_STREAM, [list(ids)], size=STREAM_CHUNK)
        with closing(stream):
            current: int | None = None
            sheets: list[tuple[Any, ...]] = []
            members: list[int] = []
            for row in stream:
                by = row[1]
                if by != current:
                    if current is not None:
                        ctx.members[current] = sorted(members)
                        yield current, sheets
                    current, sheets, members = by, [], []
                part = row[9]
                if part == 0:
                    sheets.append(row)
                elif part == 1:
                    groups = row[19]  # jsonb as text: "{}" for most rows, compared as such (`_finish_year`)
                    stored[(by, row[2])] = (
                        row[10],
                        (by, row[2], *row[11:19], groups if groups == "{}" else json.loads(groups), *row[20:]),
                    )
                else:
                    members.append(row[2])
            if current is not None:
                ctx.members[current] = sorted(members)
                yield current, sheets
        wrapper.execute("SELECT set_config('jit', %s, true)", [previous_jit])


def _fast_year(by: int, sheets: Sequence[tuple[Any, ...]], ctx: _Context) -> _Year:
    """Sheet totals (`sheet_totals_cents`), final scores (`final_scores_cents`, `normalise`) and titles."""
    total_cap, bonus_cap = ctx.caps.get(by, (None, None))
    units: dict[int, _Unit] = {}
    self_kind = SheetKind.SELF.value
    for row in sheets:
        sheet_id, unit_id, kind, reviewer, is_head, total, bonus, deduction = row[0], *row[2:9]
        _base, bonus, deduction, total = sheet_totals_cents(
            total - bonus - deduction, bonus, deduction, total_cap=total_cap, bonus_cap=bonus_cap
        )
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = _Unit()
        if kind == self_kind:
            unit.self_total = total
        else:
            unit.reviews.append((reviewer, bool(is_head), (total, bonus, deduction)))
            unit.review_sheets.append(sheet_id)

    config = ctx.configs[by]
    rule = FinalRule(config.final_rule)
    method = NormaliseMethod(config.normalisation)
    normalised: dict[tuple[Hashable, Hashable], Decimal] | None = None
    if method != NormaliseMethod.NONE:
        normalised = normalise(
            {(r[0], unit_id): from_cents(r[2][0]) for unit_id, u in units.items() for r in u.reviews}, method=method
        )
    use_normalised = bool(config.use_normalised) and normalised is not None
    tracks = ctx.tracks.get(by, {})
    figures: list[_Figures9] = []
    empty = _Unit()
    seen: dict[tuple[str, int], list[int]] = defaultdict(list)
    for unit_id in ctx.members.get(by, ()):
        data = units.get(unit_id, empty)
        raw, bonus_c, deductions_c = final_scores_cents(data.reviews, rule=rule, width=3)
        norm = None
        if normalised is not None:
            (norm,) = final_scores_cents(
                [(r[0], r[1], (to_cents(normalised[(r[0], unit_id)]),)) for r in data.reviews], rule=rule, width=1
            )
        ranking = norm if use_normalised else raw
        track = tracks.get(unit_id, "")
        figures.append(
            (
                unit_id,
                track,
                data.self_total,
                len(data.reviews),
                raw,
                norm,
                ranking,
                bonus_c if bonus_c is not None else 0,
                deductions_c if deductions_c is not None else 0,
            )
        )
        if ranking is not None:
            seen[(track, ranking)].append(unit_id)
    titles = suggest_titles([_decimal(f[6]) for f in figures], ctx.bands.get(by, []))
    tied = [unit_id for group in seen.values() if len(group) > 1 for unit_id in group]
    return _Year(by, units, figures, [t or "" for t in titles], tied)


def _needs_groups(year: _Year, ctx: _Context) -> bool:
    return bool(year.tied) and any(step.kind == TieBreak.GROUP for step in ctx.steps[year.by])


# Summed per (sheet, group id) first, then named: grouping 250,000 lines by an integer is cheaper than by
# the code; work_mem is raised for this statement so that the hash aggregate does not spill to disk.
_PG_GROUP_SUMS = """
SELECT x.sheet_id, g.code, CAST(SUM(x.points) AS BIGINT)
FROM (
    SELECT l.sheet_id, i.group_id, CAST(SUM(l.points) * 100 AS BIGINT) AS points
    FROM scoring_scoreline l JOIN scoring_criteriaitem i ON i.id = l.item_id
    WHERE l.sheet_id = ANY(%s) GROUP BY l.sheet_id, i.group_id
) x JOIN scoring_criteriagroup g ON g.id = x.group_id
GROUP BY x.sheet_id, g.code
"""


def _group_sums_cents(sheet_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """`_group_sums` in whole hundredths, the sheet ids as one array parameter on PostgreSQL."""
    if connection.vendor != "postgresql":
        return {
            sheet_id: {code: to_cents(value) for code, value in sums.items()}
            for sheet_id, sums in _group_sums(sheet_ids).items()
        }
    sums: dict[int, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', '64MB', true)")
        (previous_work_mem, _set) = cursor.fetchone()
        cursor.execute(_PG_GROUP_SUMS, [list(sheet_ids)])
        for sheet_id, code, points in cursor.fetchall():
            sums[sheet_id][code] = points
        cursor.execute("SELECT set_config('work_mem', %s, true)", [previous_work_mem])
    return sums


def _fast_group_scores(
    year: _Year, rule: FinalRule, sums: dict[int, dict[str, int]]
) -> dict[int, tuple[dict[str, int], dict[str, str]]]:
    """Per tied unit, its per-group final scores (`final_scores_cents`, all groups in one call): cents and text.

    The text is what the reference path stores (`str` of `final_score`); a score that rounds to zero is
    taken from `final_score` itself, which can say "-0.00" (a small negative mean) where cents cannot.
    """
    out: dict[int, tuple[dict[str, int], dict[str, str]]] = {}
    for unit_id in year.tied:
        data = year.units[unit_id]
        codes = sorted({code for sheet_id in data.review_sheets for code in sums.get(sheet_id, {})})
        if not codes:
            continue
        reviews = [
            (r[0], r[1], tuple(sums.get(sheet_id, {}).get(code, 0) for code in codes))
            for r, sheet_id in zip(data.reviews, data.review_sheets, strict=True)
        ]
        cents: dict[str, int] = {}
        text: dict[str, str] = {}
        for index, (code, value) in enumerate(
            zip(codes, final_scores_cents(reviews, rule=rule, width=len(codes)), strict=True)
        ):
            if value is None:
                continue
            cents[code] = value
            if value:
                text[code] = str(from_cents(value))
            else:
                text[code] = str(final_score([Review(r[0], from_cents(r[2][index]), r[1]) for r in reviews], rule=rule))
        out[unit_id] = (cents, text)
    return out


def _finish_year(
    year: _Year,
    ctx: _Context,
    groups: dict[int, tuple[dict[str, int], dict[str, str]]],
    stored: dict[_Key, tuple[int, tuple[Any, ...]]],
    changed: list[tuple[Any, ...]],
    now: Any,
) -> None:
    """Rank the block-year (`rank_cents`) and keep the rows that differ from the stored ones, as Decimals."""
    no_groups: tuple[dict[str, int], dict[str, str]] = ({}, {})
    entries: list[CentsEntry] = [
        (f[0], f[1], f[6], groups.get(f[0], no_groups)[0], f[8], f[2], f[7]) for f in year.figures if f[6] is not None
    ]
    ranked = rank_cents(entries, tie_breaks=ctx.steps[year.by])
    by = year.by
    for f, title in zip(year.figures, year.titles, strict=True):
        unit_id = f[0]
        position, tied, decided_by = ranked.get(unit_id, (None, False, None))
        text = groups.get(unit_id, no_groups)[1]
        values = (by, *f, text or _NO_GROUPS, position, tied, decided_by or "", title)
        old = stored.get((by, unit_id))
        if old is not None and old[1] == values:
            continue
        changed.append(
            (
                by,
                unit_id,
                f[1],
                _decimal(f[2]),
                f[3],
                _decimal(f[4]),
                _decimal(f[5]),
                _decimal(f[6]),
                from_cents(f[7]),
                from_cents(f[8]),
                text,
                position,
                tied,
                decided_by or "",
                title,
                now,
            )
        )


_NO_GROUPS: Any = "{}"  # empty group scores as the stored rows keep them, to compare without parsing 60,000 "{}"


def _stored(ids: Sequence[int]) -> dict[_Key, tuple[int, tuple[Any, ...]]]:
    """The stored FinalScore rows (other databases; PostgreSQL reads them in `_PG_STREAM`).

    (block-year, unit) → (pk, value columns with the figures in hundredths and "{}" for no group scores).
    """
    stored: dict[_Key, tuple[int, tuple[Any, ...]]] = {}
    numbers = {3, 5, 6, 7, 8, 9}  # self_total … deductions, in VALUE_COLUMNS
    for pk, *values in FinalScore.objects.filter(block_year_id__in=ids).values_list("pk", *VALUE_COLUMNS):
        row = tuple(
            to_cents(value) if index in numbers and value is not None else value for index, value in enumerate(values)
        )
        if not row[10]:
            row = (*row[:10], _NO_GROUPS, *row[11:])
        stored[(row[0], row[1])] = (pk, row)
    return stored


def _recompute_fast(ids: Sequence[int], now: Any) -> int:
    """The same rows as `_recompute_reference`, block-year by block-year as the aggregation streams in.

    Each block-year is finished (final scores, titles, rank) as soon as its last sheet arrives, except
    those whose tie-break names a criteria group and which have units tied on the total: they wait for
    the one grouped query over their tied units' review sheets, after the stream. Rows are compared
    with the stored ones in hundredths; only new or changed rows are converted to Decimals and written.
    """
    ctx = _context(ids, with_members=connection.vendor != "postgresql")  # PostgreSQL: in the stream
    stored: dict[_Key, tuple[int, tuple[Any, ...]]] = {}
    changed: list[tuple[Any, ...]] = []
    waiting: list[_Year] = []
    for by, sheets in _stream_years(ids, ctx, stored):
        year = _fast_year(by, sheets, ctx)
        if _needs_groups(year, ctx):
            waiting.append(year)
        else:
            _finish_year(year, ctx, {}, stored, changed, now)
    if waiting:
        # A tied unit has a ranking total, so reviews: it is in `units`.
        sums = _group_sums_cents(
            [sheet_id for year in waiting for unit_id in year.tied for sheet_id in year.units[unit_id].review_sheets]
        )
        for year in waiting:
            rule = FinalRule(ctx.configs[year.by].final_rule)
            _finish_year(year, ctx, _fast_group_scores(year, rule, sums), stored, changed, now)
    if changed:
        _upsert(changed, ids, compared=True)
    members = {(by, unit_id) for by in ids for unit_id in ctx.members.get(by, ())}
    stale = [pk for key, (pk, _values) in stored.items() if key not in members]
    if stale:
        FinalScore.objects.filter(pk__in=stale).delete()
    return len(members)


def recompute_final_scores(block_year_ids: Sequence[int]) -> int:
    """Rebuild the FinalScore rows of these block-years from their finalised sheets; returns their number.

    A row whose figures did not change is not rewritten, so its `computed_at` says when they last changed.

    No permission check and no audit: callers are services (which check and audit) and the benchmark.
    """
    ids = sorted(set(block_year_ids))
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        return _recompute_fast(ids, now)


@transaction.atomic
def scoring_recompute(*, actor: Any, block_year: BlockYear) -> list[FinalScore]:
    """Recompute the block-year's final scores and ranking now; returns the ranking table."""
    from thidua.scoring.selectors.ranking import ranking_table

    require_perm(actor, "scoring.manage_reviews", block_year)
    count = recompute_final_scores([block_year.pk])
    table = ranking_table(block_year=block_year)
    audit_record(
        actor=actor,
        action="scoring.recompute",
        obj=block_year,
        changes={"final_scores": count, "ranked": sum(1 for row in table if row.rank is not None)},
    )
    return table


@transaction.atomic
def ranking_publish(*, actor: Any, block_year: BlockYear) -> ScoringConfig:
    """Show the ranking to the member units' staff (sets `ranking_published_at`)."""
    require_perm(actor, "scoring.manage_reviews", block_year)
    if not FinalScore.objects.filter(block_year=block_year, rank__isnull=False).exists():
        raise ValidationFailed(_("There is no ranking to publish yet: finalise the sheets first."), code="no_ranking")
    config, created = ScoringConfig.objects.get_or_create(block_year=block_year)
    before = config.ranking_published_at
    config.ranking_published_at = timezone.now()
    config.save(update_fields=["ranking_published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="scoring.publish_ranking",
        obj=block_year,
        changes={"ranking_published_at": [before, config.ranking_published_at], "config_created": created},
    )
    return config
