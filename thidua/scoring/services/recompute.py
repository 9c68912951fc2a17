"""Final scores and the ranking: rebuilt from the finalised sheets of one or many block-years.

`recompute_final_scores` is the engine (no permission, no audit): it is called by the services that
finalise or correct sheets, by `scoring_recompute` and by the benchmark (`bench/scoring.py`), which
runs it over every block-year of a national-scale data set. It reads the sheets with ONE SQL
aggregation over the current, finalised score lines grouped per sheet (the sum of the points, of the
bonus and of the deductions, in whole hundredths); everything else is the pure rules engine in
Python: `sheet_totals_cents` (with the table's caps), `normalise`, `final_scores_cents` with the
block-year's rule (the total, the bonus and the deductions at once), `rank` with its tie-breaks and
tracks, and `suggest_titles` with its bands. The `_cents` rules are `sheet_totals` and `final_score`
on integers (hundredths) for this hot path: their property tests check that they give exactly what
the Decimal rules give, so the rules still decide every figure; Decimals are made once per result.
The rows are upserted into FinalScore (COPY + one INSERT … ON CONFLICT on PostgreSQL for large
batches); rows whose figures did not change are not rewritten, and units no longer members lose theirs.

Only finalised sheets count: a final score never rests on a draft, and a sheet under correction
(its new revision not finalised yet) drops out until the correction is finalised.

Per-group scores (for a tie-break "higher score in criteria group II") come from a second grouped
query, made only for the units still tied on the total in block-years whose tie-breaks name a
group, and stored in `group_scores` for those units only. Measured on the benchmark (3,000 blocks,
7.2 million lines), per-group sums for every unit cost a second pass over all the lines, as long as
the main aggregation itself; the dashboards read a unit's group profile from its sheets instead.
"""

import json
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, DecimalField, Exists, ExpressionWrapper, OuterRef, Q, Sum, Value
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
    sheet_totals_cents,
    suggest_titles,
    to_cents,
)

UPSERT_BATCH = 2000
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


def _upsert(rows: list[tuple[Any, ...]], block_year_ids: Sequence[int]) -> None:
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
        [FinalScore(**dict(zip(COLUMNS, row, strict=True))) for row in _changed(rows, block_year_ids)],
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["block_year", "unit"],
        update_fields=[name.removesuffix("_id") for name in UPDATE_COLUMNS],
    )


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
        configs = {c.block_year_id: c for c in ScoringConfig.objects.filter(block_year_id__in=ids)}
        for by in ids:
            configs.setdefault(by, ScoringConfig(block_year_id=by))
        steps = {by: tie_break_steps(configs[by]) for by in ids}
        caps = {
            by: (None if total_cap is None else to_cents(total_cap), None if bonus_cap is None else to_cents(bonus_cap))
            for by, total_cap, bonus_cap in CriteriaSet.objects.filter(block_year_id__in=ids).values_list(
                "block_year_id", "total_cap", "bonus_cap"
            )
        }
        members: dict[int, list[int]] = defaultdict(list)
        for by, unit_id in (
            BlockMembership.objects.filter(block_year_id__in=ids)
            .order_by("block_year_id", "unit_id")
            .values_list("block_year_id", "unit_id")
        ):
            members[by].append(unit_id)
        tracks: dict[int, dict[int, str]] = defaultdict(dict)
        for by, unit_id, name in (
            ScoringTrack.units.through.objects.filter(scoringtrack__block_year_id__in=ids)
            .order_by("scoringtrack__position", "scoringtrack_id")
            .values_list("scoringtrack__block_year_id", "unit_id", "scoringtrack__name")
        ):
            tracks[by].setdefault(unit_id, name)
        bands: dict[int, list[Band]] = defaultdict(list)
        for by, minimum, maximum, band_title in (
            ScoreBand.objects.filter(block_year_id__in=ids)
            .order_by("block_year_id", "minimum", "id")
            .values_list("block_year_id", "minimum", "maximum", "title")
        ):
            bands[by].append(Band(minimum=minimum, maximum=maximum, title=band_title))

        years = _load_units(ids, caps)
        results = {by: _year_results(configs[by], years[by], members[by], tracks[by]) for by in ids}
        _add_group_scores(configs, years, results, steps)
        rows: list[tuple[Any, ...]] = []
        for by in ids:
            _rank(results[by], steps[by])
            titles = suggest_titles([r.ranking for r in results[by]], bands[by])
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
