"""Benchmark: recomputing every final score and rank of a national-scale year, against one SQL aggregation.

Run: `.venv/bin/python bench/scoring.py [--blocks N]` (SQLite in a temporary folder, 50 blocks by
default), or with DATABASE_URL=postgres://… to measure PostgreSQL (3,000 blocks y default: 60,000
units, 20 per block; a table of 40 criteria items per block-year; a self sheet and two cross-scoring
reviews per unit, all finalised: 180,000 sheets and 7.2 million score lines).

The data is written with plain SQL (`INSERT … SELECT` over `generate_series` on PostgreSQL, a
recursive CTE on SQLite), bypassing the services, their permission checks and the audit log: the
point is to measure the read side at scale, and the services would take hours to write 7.2 million
lines one sheet at a time. Every row is tagged with codes starting "BSC-"; a later run reuses the
rows when the counts match, and rebuilds them otherwise.

It then times `recompute_final_scores(all block-year ids)` (one SQL aggregation per sheet, streamed
block-year by block-year on PostgreSQL while Python applies the rules to the block-years already
received; the per-group sums of the tied units; the upsert of the changed FinalScore rows) and a
hand-written SQL statement over the same rows (per scored unit: the mean of its review totals and
its self total, in one statement) and prints the median of 3 runs of each after a first run, and
the ratio. Both receive the block-year ids the same way: one array parameter (`= ANY(%s)`) on
PostgreSQL, an IN-list elsewhere. `--reference` times the reference path (`_recompute_reference`:
every rule over every block-year in turn, after the whole aggregation) instead, for comparison.
The first recompute starts from no FinalScore rows and writes them all; the later ones find the
figures unchanged and rewrite nothing, so both are printed.
"""

# ruff: noqa: S608  (the SQL is built from constants of this script only; there is no outside input)

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("THIDUA_VAR_DIR", tempfile.mkdtemp(prefix="thidua-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from thidua.organizations.models import BlockYear  # noqa: E402
from thidua.scoring.models import FinalScore, ScoreLine, ScoringConfig  # noqa: E402
from thidua.scoring.services import recompute  # noqa: E402
from thidua.scoring.services.recompute import recompute_final_scores  # noqa: E402

UNITS_PER_BLOCK = 20
ITEMS_PER_SET = 40
GROUPS = ["I", "II", "III", "IV", "V"]
YEAR = 2025
PREFIX = "BSC-"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def seq(n: int) -> str:
    """A CTE `seq(n)` of the numbers 1..n (to be followed y a SELECT)."""
    if is_postgres():
        return f"WITH seq(n) AS (SELECT generate_series(1, {int(n)}))"
    return f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {int(n)})"


def pad(expr: str, width: int) -> str:
    """`expr` as text, left-padded with zeros to `width` digits."""
    if is_postgres():
        return f"LPAD(CAST({expr} AS TEXT), {width}, '0')"
    return f"printf('%0{width}d', {expr})"


def bench_block_years() -> list[int]:
    return list(
        BlockYear.objects.filter(block__code__startswith=PREFIX, year=YEAR).order_by("pk").values_list("pk", flat=True)
    )


def data_ready(blocks: int) -> bool:
    ids = bench_block_years()
    if len(ids) != blocks:
        return False
    lines = ScoreLine.objects.filter(sheet__block_year_id__in=ids).count()
    return lines == blocks * UNITS_PER_BLOCK * 3 * ITEMS_PER_SET


def drop_data() -> None:
    """Remove an earlier data set of another size (children first; plain SQL, like the inserts)."""
    years = (
        "SELECT y.id FROM organizations_blockyear y JOIN organizations_block b ON b.id = y.block_id "
        f"WHERE b.code LIKE '{PREFIX}%'"
    )
    sheets = f"SELECT id FROM scoring_scoresheet WHERE block_year_id IN ({years})"
    sets = f"SELECT id FROM scoring_criteriaset WHERE block_year_id IN ({years})"
    statements = [
        f"DELETE FROM scoring_finalscore WHERE block_year_id IN ({years})",
        f"DELETE FROM scoring_reconciliation WHERE block_year_id IN ({years})",
        f"DELETE FROM scoring_scoreline WHERE sheet_id IN ({sheets})",
        f"DELETE FROM scoring_scoresheet WHERE block_year_id IN ({years})",
        f"DELETE FROM scoring_scoreband WHERE block_year_id IN ({years})",
        f"DELETE FROM scoring_criteriaitem WHERE criteria_set_id IN ({sets})",
        f"DELETE FROM scoring_criteriagroup WHERE criteria_set_id IN ({sets})",
        f"DELETE FROM scoring_criteriaset WHERE block_year_id IN ({years})",
        f"DELETE FROM scoring_scoringconfig WHERE block_year_id IN ({years})",
        f"DELETE FROM organizations_blockleadership WHERE block_year_id IN ({years})",
        f"DELETE FROM organizations_blockmembership WHERE block_year_id IN ({years})",
        f"DELETE FROM organizations_blockyear WHERE id IN ({years})",
        f"DELETE FROM organizations_block WHERE code LIKE '{PREFIX}%'",
        f"DELETE FROM organizations_unit WHERE code LIKE '{PREFIX}U%'",
        f"DELETE FROM organizations_unit WHERE code = '{PREFIX}ROOT'",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def build_data(blocks: int) -> None:
    """Write the synthetic year with SQL only (see the module docstring)."""
    units = blocks * UNITS_PER_BLOCK
    now = "CURRENT_TIMESTAMP"
    true, false = "TRUE", "FALSE"
    code_no = f"CAST(SUBSTR(u.code, {len(PREFIX) + 2}) AS INTEGER)"  # BSC-U000123 → 123
    root = f"(SELECT id FROM organizations_unit WHERE code = '{PREFIX}ROOT')"
    block_of_unit = f"(({code_no} - 1) / {UNITS_PER_BLOCK} + 1)"
    steps: list[tuple[str, str]] = [
        (
            "root unit",
            f"INSERT INTO organizations_unit (created_at, updated_at, code, name, short_name, kind, path, depth, "
            f"address, phone, email, status, search_key, is_demo) VALUES ({now}, {now}, '{PREFIX}ROOT', "
            f"'Benchmark province', '', 'province', '', 0, '', '', '', 'active', 'benchmark province', {false})",
        ),
        (
            "root path",
            f"UPDATE organizations_unit SET path = '/' || CAST(id AS TEXT) || '/' WHERE code = '{PREFIX}ROOT'",
        ),
        (
            "units",
            f"INSERT INTO organizations_unit (created_at, updated_at, code, name, short_name, kind, path, depth, "
            f"address, phone, email, status, search_key, is_demo, parent_id) {seq(units)} "
            f"SELECT {now}, {now}, '{PREFIX}U' || {pad('n', 6)}, "
            f"'Trung tâm số ' || CAST(n AS TEXT), '', 'centre', '', 1, '', '', '', 'active', "
            f"'trung tam so ' || CAST(n AS TEXT), {false}, {root} FROM seq",
        ),
        (
            "unit paths",
            f"UPDATE organizations_unit SET path = (SELECT path FROM organizations_unit WHERE code = '{PREFIX}ROOT') "
            f"|| CAST(id AS TEXT) || '/' WHERE code LIKE '{PREFIX}U%'",
        ),
        (
            "blocks",
            f"INSERT INTO organizations_block (created_at, updated_at, code, name, kind, description, rotation_rule, "
            f"deputy_count, is_active, search_key, is_demo, owner_id) {seq(blocks)} "
            f"SELECT {now}, {now}, '{PREFIX}K' || {pad('n', 5)}, "
            f"'Khối thi đua số ' || CAST(n AS TEXT), 'block', '', 'fixed_order', 1, {true}, "
            f"'khoi thi dua so ' || CAST(n AS TEXT), {false}, {root} FROM seq",
        ),
        (
            "block-years",
            f"INSERT INTO organizations_blockyear (created_at, updated_at, year, phase, notes, block_id) "
            f"SELECT {now}, {now}, {YEAR}, 'scoring', '', id FROM organizations_block WHERE code LIKE '{PREFIX}K%'",
        ),
        (
            "memberships",
            f"INSERT INTO organizations_blockmembership (created_at, updated_at, year, block_kind, rotation_position, "
            f"block_year_id, unit_id) "
            f"SELECT {now}, {now}, {YEAR}, 'block', ({code_no} - 1) % {UNITS_PER_BLOCK} + 1, y.id, u.id "
            f"FROM organizations_unit u "
            f"JOIN organizations_block b ON b.code = '{PREFIX}K' || {pad(block_of_unit, 5)} "
            f"JOIN organizations_blockyear y ON y.block_id = b.id AND y.year = {YEAR} "
            f"WHERE u.code LIKE '{PREFIX}U%'",
        ),
        (
            "leadership",
            f"INSERT INTO organizations_blockleadership (created_at, updated_at, role, position, representative_title, "
            f"block_year_id, unit_id) "
            f"SELECT {now}, {now}, CASE WHEN m.rotation_position = 1 THEN 'head' ELSE 'deputy' END, "
            f"m.rotation_position - 1, '', m.block_year_id, m.unit_id "
            f"FROM organizations_blockmembership m JOIN organizations_blockyear y ON y.id = m.block_year_id "
            f"JOIN organizations_block b ON b.id = y.block_id "
            f"WHERE b.code LIKE '{PREFIX}K%' AND m.rotation_position <= 2",
        ),
        (
            "scoring settings",
            f"INSERT INTO scoring_scoringconfig (created_at, updated_at, review_mode, reviewers_per_unit, final_rule, "
            f"normalisation, use_normalised, item_difference_threshold, total_difference_threshold, tie_breaks, "
            f"self_approval_required, assignment_seed, block_year_id) "
            f"SELECT {now}, {now}, 'cross', 2, 'mean', 'none', {false}, 2, 5, "
            f'\'[{{"kind": "group", "group": "I"}}, {{"kind": "fewer_deductions"}}]\', {true}, 0, y.id '
            f"FROM organizations_blockyear y JOIN organizations_block b ON b.id = y.block_id "
            f"WHERE b.code LIKE '{PREFIX}K%'",
        ),
        (
            "point bands",
            f"INSERT INTO scoring_scoreband (block_year_id, minimum, maximum, title, source) "
            f"SELECT y.id, 70, 90.99, 'Tập thể lao động tiên tiến', '' FROM organizations_blockyear y "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%' "
            f"UNION ALL SELECT y.id, 91, NULL, 'Tập thể lao động xuất sắc', '' FROM organizations_blockyear y "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%'",
        ),
        (
            "criteria sets",
            f"INSERT INTO scoring_criteriaset (created_at, updated_at, title, legal_basis, status, block_year_id) "
            f"SELECT {now}, {now}, 'Bảng điểm ' || b.code, '', 'locked', y.id FROM organizations_blockyear y "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%'",
        ),
        (
            "criteria groups",
            f"INSERT INTO scoring_criteriagroup (code, title, position, criteria_set_id) {seq(len(GROUPS))} "
            f"SELECT CASE n {' '.join(f'WHEN {i + 1} THEN {g!r}' for i, g in enumerate(GROUPS))} END, "
            f"'Nhóm ' || CAST(n AS TEXT), n - 1, cs.id FROM seq, scoring_criteriaset cs "
            f"JOIN organizations_blockyear y ON y.id = cs.block_year_id "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%'",
        ),
        (
            # Item k (0..39) lies in group k / 8; the 8th of each group is yes/no, the last two are a bonus
            # (5 per occurrence, cap 10) and a deduction (2 per occurrence, cap 10); the rest are points up to 3.
            "criteria items",
            f"INSERT INTO scoring_criteriaitem (code, title, guidance, position, item_type, max_points, "
            f"per_occurrence, cap, evidence_required, group_id, criteria_set_id) {seq(ITEMS_PER_SET)} "
            f"SELECT 'T' || CAST(n AS TEXT), 'Tiêu chí ' || CAST(n AS TEXT), '', n - 1, "
            f"CASE WHEN n = {ITEMS_PER_SET - 1} THEN 'bonus' WHEN n = {ITEMS_PER_SET} THEN 'deduction' "
            f"WHEN n % 8 = 0 THEN 'yes_no' ELSE 'points' END, "
            f"CASE WHEN n >= {ITEMS_PER_SET - 1} THEN 0 WHEN n % 8 = 0 THEN 2 ELSE 3 END, "
            f"CASE WHEN n = {ITEMS_PER_SET - 1} THEN 5 WHEN n = {ITEMS_PER_SET} THEN 2 ELSE 0 END, "
            f"CASE WHEN n >= {ITEMS_PER_SET - 1} THEN 10 ELSE NULL END, {false}, g.id, g.criteria_set_id "
            f"FROM seq JOIN scoring_criteriagroup g ON g.position = (n - 1) / 8 "
            f"JOIN scoring_criteriaset cs ON cs.id = g.criteria_set_id "
            f"JOIN organizations_blockyear y ON y.id = cs.block_year_id "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%'",
        ),
        (
            "self sheets",
            f"INSERT INTO scoring_scoresheet (created_at, updated_at, kind, is_head_review, status, revision, "
            f"is_current, correction_reason, version, comment, base_total, bonus_total, deduction_total, total, "
            f"block_year_id, unit_id) "
            f"SELECT {now}, {now}, 'self', {false}, 'finalised', 1, {true}, '', 1, '', 0, 0, 0, 0, "
            f"m.block_year_id, m.unit_id FROM organizations_blockmembership m "
            f"JOIN organizations_blockyear y ON y.id = m.block_year_id "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%'",
        ),
        (
            # Cross-scoring: the next two units in rotation order review each unit.
            "review sheets",
            f"INSERT INTO scoring_scoresheet (created_at, updated_at, kind, is_head_review, status, revision, "
            f"is_current, correction_reason, version, comment, base_total, bonus_total, deduction_total, total, "
            f"block_year_id, unit_id, reviewer_unit_id) {seq(2)} "
            f"SELECT {now}, {now}, 'review', r.rotation_position = 1, 'finalised', 1, {true}, '', 1, '', 0, 0, 0, 0, "
            f"m.block_year_id, m.unit_id, r.unit_id FROM organizations_blockmembership m CROSS JOIN seq "
            f"JOIN organizations_blockyear y ON y.id = m.block_year_id "
            f"JOIN organizations_block b ON b.id = y.block_id "
            f"JOIN organizations_blockmembership r ON r.block_year_id = m.block_year_id "
            f"AND r.rotation_position = (m.rotation_position + n - 1) % {UNITS_PER_BLOCK} + 1 "
            f"WHERE b.code LIKE '{PREFIX}K%'",
        ),
        (
            # Entries spread deterministically from the sheet and item ids.
            "score lines",
            "INSERT INTO scoring_scoreline (value, count, points, comment, evidence_note, item_id, sheet_id) "
            "SELECT v.value, v.count, "
            "CASE WHEN v.item_type = 'deduction' THEN -2 * v.count WHEN v.item_type = 'bonus' THEN 5 * v.count "
            "ELSE v.value END, '', '', v.item_id, v.sheet_id FROM ("
            "SELECT i.id AS item_id, s.id AS sheet_id, i.item_type, "
            "CASE WHEN i.item_type = 'points' THEN ROUND((s.id * 7 + i.position * 13) % 301 / 100.0, 2) "
            "WHEN i.item_type = 'yes_no' THEN CASE WHEN (s.id + i.position) % 5 = 0 THEN 0 ELSE 2 END "
            "ELSE NULL END AS value, "
            "CASE WHEN i.item_type = 'bonus' THEN (s.id % 3) WHEN i.item_type = 'deduction' THEN (s.id % 4) "
            "ELSE NULL END AS count "
            "FROM scoring_scoresheet s JOIN scoring_criteriaset cs ON cs.block_year_id = s.block_year_id "
            "JOIN scoring_criteriaitem i ON i.criteria_set_id = cs.id "
            f"JOIN organizations_blockyear y ON y.id = s.block_year_id "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%') v",
        ),
        (
            "sheet totals",
            "UPDATE scoring_scoresheet SET "
            "base_total = t.base, bonus_total = t.bonus, deduction_total = -t.deduction, "
            "total = t.base + t.bonus + t.deduction FROM ("
            "SELECT l.sheet_id, "
            "SUM(CASE WHEN i.item_type IN ('points', 'yes_no') THEN l.points ELSE 0 END) AS base, "
            "SUM(CASE WHEN i.item_type = 'bonus' THEN l.points ELSE 0 END) AS bonus, "
            "SUM(CASE WHEN i.item_type = 'deduction' THEN l.points ELSE 0 END) AS deduction "
            "FROM scoring_scoreline l JOIN scoring_criteriaitem i ON i.id = l.item_id "
            "JOIN scoring_scoresheet s ON s.id = l.sheet_id "
            f"WHERE s.block_year_id IN (SELECT y.id FROM organizations_blockyear y "
            f"JOIN organizations_block b ON b.id = y.block_id WHERE b.code LIKE '{PREFIX}K%') "
            "GROUP BY l.sheet_id) t WHERE scoring_scoresheet.id = t.sheet_id",
        ),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for label, sql in steps:
            started = time.perf_counter()
            cursor.execute(sql)
            print(f"  {label}: {cursor.rowcount} rows, {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


BASELINE = """
SELECT t.block_year_id, t.unit_id,
       AVG(CASE WHEN t.kind = 'review' THEN t.total END) AS review_mean,
       MAX(CASE WHEN t.kind = 'self' THEN t.total END) AS self_total,
       SUM(CASE WHEN t.kind = 'review' THEN 1 ELSE 0 END) AS review_count
FROM (
    SELECT s.id, s.block_year_id, s.unit_id, s.kind, SUM(l.points) AS total
    FROM scoring_scoreline l JOIN scoring_scoresheet s ON s.id = l.sheet_id
    WHERE s.is_current AND s.status = 'finalised' AND {ids_filter}
    GROUP BY s.id, s.block_year_id, s.unit_id, s.kind
) t
GROUP BY t.block_year_id, t.unit_id
"""


def baseline(ids: list[int]) -> int:
    with connection.cursor() as cursor:
        if is_postgres():  # the ids as the recompute passes them: one array parameter
            cursor.execute(BASELINE.format(ids_filter="s.block_year_id = ANY(%s)"), [ids])
        else:
            cursor.execute(BASELINE.format(ids_filter=f"s.block_year_id IN ({', '.join(str(int(pk)) for pk in ids)})"))
        return len(cursor.fetchall())


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """(the first run, the median of the `repeat` runs after it)."""
    started = time.perf_counter()
    fn()
    first = time.perf_counter() - started
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return first, statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--blocks", type=int, default=None, help="blocks of 20 units (3000 on PostgreSQL, 50 else)")
    parser.add_argument(
        "--normalisation",
        choices=["none", "mean_shift", "z_score"],
        default="none",
        help="the blocks' normalisation setting for this run (default: none, the default setting)",
    )
    parser.add_argument(
        "--reference", action="store_true", help="time the reference path (`_recompute_reference`) instead"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    blocks = args.blocks or (3000 if is_postgres() else 50)
    if not data_ready(blocks):
        print(f"building {blocks} blocks ({blocks * UNITS_PER_BLOCK} units) on {connection.vendor} …", flush=True)
        started = time.perf_counter()
        drop_data()
        build_data(blocks)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    ids = bench_block_years()
    ScoringConfig.objects.filter(block_year_id__in=ids).update(normalisation=args.normalisation)
    lines = blocks * UNITS_PER_BLOCK * 3 * ITEMS_PER_SET
    FinalScore.objects.filter(block_year_id__in=ids).delete()  # the first run writes every row
    if args.reference:

        def run() -> None:
            with transaction.atomic():
                recompute._recompute_reference(ids, timezone.now())

    else:

        def run() -> None:
            recompute_final_scores(ids)

    first, recomputed = timed(run)
    _, sql = timed(lambda: baseline(ids))
    ranked = FinalScore.objects.filter(block_year_id__in=ids, rank__isnull=False).count()
    print(
        f"scoring recompute over {blocks} blocks, {blocks * UNITS_PER_BLOCK} units, {lines:,} score lines "
        f"on {connection.vendor}, normalisation {args.normalisation}"
        f"{' (reference path)' if args.reference else ''}: {recomputed:.2f} s "
        f"(first run, writing all {ranked} ranked rows: {first:.2f} s; "
        f"baseline SQL aggregation {sql:.2f} s; ratio {recomputed / sql:.2f}x, first run {first / sql:.2f}x)"
    )


if __name__ == "__main__":
    main()
