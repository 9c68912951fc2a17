"""Benchmark: 1,000 delegates casting a secret ballot over HTTP against gunicorn + PostgreSQL, and the INSERT ceiling.

Run: `DATABASE_URL=postgres://… .venv/bin/python bench/voting.py` on a scratch database, or without
DATABASE_URL to start a throwaway PostgreSQL with scripts/pg_start.sh (stopped and removed at the end).

Setup (not timed, bypassing the services where they would be slow: plain ORM bulk inserts): a block-year
with 1,000 member units, its conference in session with 1,000 delegates, all checked in, and one open
poll "choose 1 of 5" created and opened through the services. Rows are tagged "BVT-<run>", so runs on
the same database do not collide.

Then gunicorn (`config.wsgi`, 4 sync workers by default, or gthread workers with --worker-threads N; DEBUG
off) is started on a free loopback port and every delegate casts through `POST /api/polls/{id}/ballots` with
its card token in X-Delegate-Card and a fresh uuid4 key, from a pool of client threads (32 by default; plain
http.client, a new connection per request). Some voters retry (the same request and key again: must get the
same receipt, 200) and some try a second ballot (a new key: must get 409 already_voted). Measured: ballots
per second (new ballots over the wall time of the whole run, retries and refusals included in the load), p50
and p99 latency of all requests, and from the database afterwards: lost ballots (a receipt the API accepted
with no ballot holding its hash) and duplicates (more ballots or voter-roll rows than delegates who voted).

Finally the ceiling, on the same database in the same run: the same number of threads, each with its
own psycopg connection in autocommit, inserting single rows into a scratch table; printed as
inserts per second, with the ratio ballots/s ÷ inserts/s.
"""

# ruff: noqa: S603, S607, S608  (fixed commands of this repository; the SQL names a table this script made up)

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("THIDUA_VAR_DIR", tempfile.mkdtemp(prefix="thidua-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("SECRET_KEY", "thidua-bench-voting-" + uuid.uuid4().hex)  # shared with gunicorn below


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_own_postgres() -> tuple[str, dict[str, str]]:
    """A throwaway PostgreSQL (scripts/pg_start.sh); returns its URL and the env to stop it with."""
    env = {**os.environ, "PGDATA": tempfile.mkdtemp(prefix="thidua-bench-pg-"), "PGPORT": str(free_port())}
    url = subprocess.run(
        ["bash", str(ROOT / "scripts/pg_start.sh")], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return url, env


# ---------------------------------------------------------------- setup (not timed)


def build(run: str, delegates: int) -> tuple[int, list[str]]:
    """The conference, its roll (all checked in) and one open poll; returns the poll id and the card tokens."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from thidua.conferences.models import CheckInMethod, Delegate
    from thidua.conferences.services import conference as conference_services
    from thidua.conferences.services import delegates as delegate_services
    from thidua.conferences.services import polls as poll_services
    from thidua.core.vi_text import search_key
    from thidua.organizations import services as org_services
    from thidua.organizations.models import BlockMembership, Unit

    actor, _ = get_user_model().objects.get_or_create(username="bench-voting", defaults={"is_superuser": True})
    root = org_services.unit_create(actor=actor, code=f"{run}-ROOT", name=f"Benchmark {run}", kind="province")
    block = org_services.block_create(actor=actor, code=f"{run}-K", name=f"Khối benchmark {run}", owner=root)
    block_year = org_services.block_year_create(actor=actor, block=block, year=2025)
    names = [f"Trung tâm số {n} ({run})" for n in range(delegates)]
    units = Unit.objects.bulk_create(
        Unit(
            code=f"{run}-{n:05d}",
            name=name,
            kind="centre",
            parent=root,
            depth=1,
            path=f"{root.path}{n}/",  # fixed below, once the ids are known
            search_key=search_key(name),
        )
        for n, name in enumerate(names)
    )
    for unit in units:
        unit.path = f"{root.path}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"], batch_size=1000)
    BlockMembership.objects.bulk_create(
        BlockMembership(
            block_year=block_year, unit=unit, year=block_year.year, block_kind=block.kind, rotation_position=n
        )
        for n, unit in enumerate(units)
    )
    conference = conference_services.conference_create(
        actor=actor,
        block_year=block_year,
        title="Hội nghị tổng kết (benchmark)",
        starts_at=timezone.now(),
        place="Hội trường",
        default_agenda=False,
    )
    conference_services.conference_open(actor=actor, conference=conference)
    now = timezone.now()
    rows = Delegate.objects.bulk_create(
        Delegate(
            conference=conference,
            unit=unit,
            full_name=f"Đại biểu {n}",
            weight=1,
            checked_in_at=now,
            check_in_method=CheckInMethod.SECRETARY,
        )
        for n, unit in enumerate(units)
    )
    poll = poll_services.poll_create(
        actor=actor,
        conference=conference,
        title="Suy tôn đơn vị dẫn đầu",
        kind="selection",
        candidates=[poll_services.CandidateInput(unit=unit) for unit in units[:5]],
        min_choices=1,
        max_choices=1,
        seats=1,
    )
    poll_services.poll_open(actor=actor, poll=poll)
    return poll.pk, [delegate_services.delegate_card_token(row) for row in rows]


# ---------------------------------------------------------------- gunicorn


def start_gunicorn(port: int, workers: int, database_url: str, worker_threads: int = 0) -> subprocess.Popen[bytes]:
    """gunicorn with `workers` sync workers, or gthread workers of `worker_threads` threads each (when > 0)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            *(["--worker-class", "gthread", "--threads", str(worker_threads)] if worker_threads else []),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, so the whole group is stopped at the end
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            status, _body, _ms = request(port, "GET", "/api/conferences")
            if status == 401:  # up, and refusing anonymous callers as it should
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start in 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request(port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    """One request on a fresh connection: (status, JSON body or None, milliseconds)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = None
    return response.status, data, elapsed


def warm_up(port: int, poll_id: int, token: str, workers: int) -> None:
    """Concurrent reads until every worker has loaded the URLs and the API and opened its database connection."""
    headers = {"X-Delegate-Card": token}
    pool = [
        threading.Thread(
            target=lambda: [request(port, "GET", f"/api/polls/{poll_id}", headers=headers) for _ in range(5)]
        )
        for _ in range(workers * 2)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


# ---------------------------------------------------------------- the vote


def plan(tokens: list[str], candidates: list[int], retries: float, doubles: float, seed: int) -> list[dict[str, Any]]:
    """One ballot per delegate; a share of them sent twice (a retry) and a share followed by a second ballot."""
    rng = random.Random(seed)
    jobs = []
    for index, token in enumerate(tokens):
        key = str(uuid.uuid4())
        first = {"voter": index, "token": token, "key": key, "choice": rng.choice(candidates), "kind": "first"}
        jobs.append(first)
        if rng.random() < retries:
            jobs.append({**first, "kind": "retry"})
        if rng.random() < doubles:
            jobs.append({**first, "key": str(uuid.uuid4()), "choice": rng.choice(candidates), "kind": "double"})
    # Keep each voter's first request ahead of its retry and second ballot only loosely: shuffle in windows, so
    # duplicates arrive while the first request may still be in flight (the race this is about).
    window = 64
    for start in range(0, len(jobs), window):
        chunk = jobs[start : start + window]
        rng.shuffle(chunk)
        jobs[start : start + window] = chunk
    return jobs


def vote(port: int, poll_id: int, jobs: list[dict[str, Any]], threads: int) -> tuple[list[dict[str, Any]], float]:
    queue = list(reversed(jobs))
    lock = threading.Lock()
    results: list[dict[str, Any]] = []
    barrier = threading.Barrier(threads + 1)

    def worker() -> None:
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            try:
                status, data, ms = request(
                    port,
                    "POST",
                    f"/api/polls/{poll_id}/ballots",
                    {"content": {"choices": [job["choice"]]}, "idempotency_key": job["key"]},
                    {"X-Delegate-Card": job["token"]},
                )
            except OSError as exc:
                status, data, ms = 0, {"code": f"connection: {exc}"}, 0.0
            with lock:
                results.append({**job, "status": status, "data": data or {}, "ms": ms})

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    return results, time.perf_counter() - started


def check(poll_id: int, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Lost and duplicate ballots, from the database, against what the API answered."""
    from collections import Counter

    from thidua.conferences import rules
    from thidua.conferences.models import Ballot, VoterRoll

    accepted = [r for r in results if r["status"] in (200, 201)]
    receipts_by_voter: dict[int, set[str]] = {}
    for r in accepted:
        receipts_by_voter.setdefault(r["voter"], set()).add(r["data"]["receipt"])
    stored = set(Ballot.objects.filter(poll_id=poll_id).values_list("receipt_hash", flat=True))
    ballots = Ballot.objects.filter(poll_id=poll_id).count()
    roll = Counter(VoterRoll.objects.filter(poll_id=poll_id).values_list("delegate_id", flat=True))
    accepted_receipts = {receipt for receipts in receipts_by_voter.values() for receipt in receipts}
    lost = sum(1 for receipt in accepted_receipts if rules.receipt_hash(receipt) not in stored)
    return {
        "accepted_requests": len(accepted),
        "new_ballots": sum(1 for r in results if r["status"] == 201),
        "replayed": sum(1 for r in results if r["status"] == 200),
        "refused": Counter(str(r["data"].get("code")) for r in results if r["status"] not in (200, 201)),
        "voters_with_two_receipts": sum(1 for receipts in receipts_by_voter.values() if len(receipts) > 1),
        "lost": lost,
        "duplicates": max(ballots - len(receipts_by_voter), 0) + sum(n - 1 for n in roll.values() if n > 1),
        "ballots": ballots,
        "roll": sum(roll.values()),
        "voters": len(receipts_by_voter),
    }


# ---------------------------------------------------------------- the ceiling


def insert_ceiling(database_url: str, threads: int, per_thread: int) -> float:
    """Single-row INSERT transactions per second (autocommit), one psycopg connection per thread."""
    import psycopg

    table = f"bench_voting_ceiling_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, content text NOT NULL, receipt_hash text)")
    barrier = threading.Barrier(threads + 1)
    sql = f"INSERT INTO {table} (content, receipt_hash) VALUES (%s, %s)"

    def worker() -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            barrier.wait()
            for _ in range(per_thread):
                conn.execute(sql, ('{"choices":[1]}', uuid.uuid4().hex))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    with psycopg.connect(database_url, autocommit=True) as conn:
        count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        conn.execute(f"DROP TABLE {table}")
    return float(count) / elapsed


# ---------------------------------------------------------------- main


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--delegates", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (at least 4 for the aim)")
    parser.add_argument(
        "--worker-threads",
        type=int,
        default=0,
        help="gunicorn gthread workers with this many threads each (0: sync workers, the default)",
    )
    parser.add_argument("--threads", type=int, default=32, help="client threads (the same for the ceiling)")
    parser.add_argument("--retries", type=float, default=0.10, help="share of voters who send their ballot twice")
    parser.add_argument("--doubles", type=float, default=0.05, help="share of voters who try a second ballot")
    parser.add_argument("--inserts", type=int, default=20000, help="rows the ceiling inserts in all")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()

    own_pg: dict[str, str] | None = None
    if not os.environ.get("DATABASE_URL"):
        if not shutil.which("bash"):
            sys.exit("set DATABASE_URL=postgres://… (no bash to start a throwaway PostgreSQL)")
        print("no DATABASE_URL: starting a throwaway PostgreSQL (scripts/pg_start.sh) …", flush=True)
        os.environ["DATABASE_URL"], own_pg = start_own_postgres()
    database_url = os.environ["DATABASE_URL"]
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://…)")
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        run = f"BVT-{uuid.uuid4().hex[:6].upper()}"
        started = time.perf_counter()
        poll_id, tokens = build(run, args.delegates)
        from thidua.conferences.models import Candidate

        candidates = list(Candidate.objects.filter(poll_id=poll_id).values_list("pk", flat=True))
        print(
            f"setup {run}: {args.delegates} delegates checked in, poll {poll_id} open "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        connection.close()

        port = free_port()
        gunicorn = start_gunicorn(port, args.workers, database_url, args.worker_threads)
        jobs = plan(tokens, candidates, args.retries, args.doubles, args.seed)
        warm_up(port, poll_id, tokens[0], args.workers)
        results, elapsed = vote(port, poll_id, jobs, args.threads)
        stop(gunicorn)
        gunicorn = None

        figures = check(poll_id, results)
        latencies = [r["ms"] for r in results if r["status"]]
        ballots_per_s = figures["new_ballots"] / elapsed
        print(
            f"voting: {len(results)} requests ({figures['new_ballots']} ballots, {figures['replayed']} retries "
            f"answered with the same receipt, refused {dict(figures['refused'])}) in {elapsed:.2f} s "
            f"with {args.threads} client threads against gunicorn -w {args.workers}"
            + (f" -k gthread --threads {args.worker_threads}" if args.worker_threads else " (sync)"),
            flush=True,
        )
        print(
            f"  {ballots_per_s:.0f} ballots/s, {len(results) / elapsed:.0f} requests/s; latency p50 "
            f"{statistics.median(latencies):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, max "
            f"{max(latencies):.0f} ms",
            flush=True,
        )
        print(
            f"  stored: {figures['ballots']} ballots, {figures['roll']} voter-roll rows for {figures['voters']} "
            f"voters; lost {figures['lost']}, duplicate {figures['duplicates']}, voters with two receipts "
            f"{figures['voters_with_two_receipts']}",
            flush=True,
        )
        ceiling = insert_ceiling(database_url, args.threads, max(1, args.inserts // args.threads))
        print(
            f"ceiling: {ceiling:.0f} single-row INSERT transactions/s ({args.threads} threads, autocommit); "
            f"ratio ballots/s ÷ inserts/s = {ballots_per_s / ceiling:.1%} (PostgreSQL {version})",
            flush=True,
        )
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        if own_pg is not None:
            from django.db import connections

            connections.close_all()
            subprocess.run(["bash", str(ROOT / "scripts/pg_stop.sh")], env=own_pg, check=False)


if __name__ == "__main__":
    main()
