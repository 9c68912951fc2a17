"""Benchmark: accent-insensitive unit search on N units, against a plain substring scan baseline.

Run: `.venv/bin/python bench/search.py [N]` (SQLite in a temporary folder), or with
DATABASE_URL=postgres://… to measure PostgreSQL. Prints the median query time of the indexed
search (FTS5 on SQLite, pg_trgm on PostgreSQL) and its ratio to a `search_key LIKE '%…%'` scan
over the same rows, measured in the same run.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("THIDUA_VAR_DIR", tempfile.mkdtemp(prefix="thidua-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from thidua.core.vi_text import search_key  # noqa: E402
from thidua.organizations.models import Unit  # noqa: E402
from thidua.organizations.search import search  # noqa: E402

QUERIES = ["dong ha", "trung tam kiem soat", "ban quan ly rung", "duc tho", "xyz khong co"]
PLACES = ["Đông Hà", "Đồng Hới", "Quảng Trị", "Hướng Hóa", "Gio Linh", "Vĩnh Linh", "Đức Thọ", "Lệ Thủy", "Hải Lăng"]
KINDS = ["Trung tâm Kiểm soát bệnh tật", "Ban Quản lý rừng phòng hộ", "Trung tâm Văn hóa", "Trung tâm Dịch vụ việc làm"]


def timed(fn: object, repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    call_command("migrate", verbosity=0)
    if Unit.objects.filter(code__startswith="BENCH-").count() < n:
        Unit.objects.filter(code__startswith="BENCH-").delete()
        rows = []
        for i in range(n):
            name = f"{KINDS[i % len(KINDS)]} số {i} {PLACES[(i * 7) % len(PLACES)]}"
            rows.append(Unit(code=f"BENCH-{i}", name=name, kind="centre", path=f"/{i}/", search_key=search_key(name)))
        Unit.objects.bulk_create(rows, batch_size=2000)
    base = Unit.objects.filter(code__startswith="BENCH-")
    indexed = scan = 0.0
    for q in QUERIES:
        indexed += timed(lambda q=q: search(base, q).count())
        scan += timed(lambda q=q: base.filter(search_key__contains=q).count())
        # the baseline keeps the phrase contiguous; the indexed search matches words in any order
    print(
        f"search over {n} units on {connection.vendor}: {indexed / len(QUERIES) * 1000:.2f} ms per query "
        f"(baseline substring scan {scan / len(QUERIES) * 1000:.2f} ms; ratio {indexed / scan:.2f}x)"
    )


if __name__ == "__main__":
    main()
