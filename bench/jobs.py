"""Job time of the 100k Excel export and the dashboard's fresh computation (issue 14), with PASS/FAIL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench_100k .venv/bin/python bench/jobs.py
    .venv/bin/python bench/jobs.py --db cppcc_bench_1k --db cppcc_bench_100k     # several data sets

For each data set, in a fresh process each (DEBUG off, chencang_cppcc.settings_bench):
1. the catalogue export as the staff user, run as a worker runs it: a Job row, then ``jobs.runner.run``
   (claim, heartbeat thread, progress, the file moved into private storage). Job time = finished_at −
   started_at; peak RSS growth of the process during the job (no tracemalloc: it slows Python several
   times over, which is why bench/export_memory.py's seconds are not job times);
2. the dashboard computed afresh (``reporting.jobs.compute_snapshot``, what the refresh job does), for the
   term and for its latest session; each computed twice and the second time kept (warm caches, like a
   worker that has refreshed before).
bench/run.py prints the same lines in its report.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
EXPORT_SECONDS = 30
EXPORT_MB = 50
DASHBOARD_SECONDS = 1.0


def _one() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chencang_cppcc.settings_bench")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()
    from django.db import connection

    from jobs import runner, storage
    from jobs.models import Job
    from members.models import Term, User
    from proposals.models import Case
    from reporting.jobs import compute_snapshot

    connection.ensure_connection()
    cases = Case.objects.count()
    staff = User.objects.get(username="staff")
    job = Job.objects.create(
        kind="export_catalogue", owner=staff, staff_job=True, params={"export": "catalogue", "query": ""}
    )
    before = resource.getrusage(resource.RUSAGE_SELF)
    outcome = runner.run(job.pk)
    after = resource.getrusage(resource.RUSAGE_SELF)
    growth_mb = (after.ru_maxrss - before.ru_maxrss) / 1024
    # The worker's own CPU seconds (all its threads): what the job costs this process whatever else runs
    # on the machine; the database server's share is not in it.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    job.refresh_from_db()
    path = storage.resolve(job.result_file)
    result = {
        "cases": cases,
        "outcome": outcome,
        "rows": job.done,
        "job_seconds": (job.finished_at - job.started_at).total_seconds(),
        "cpu_seconds": cpu,
        "load": os.getloadavg()[0],
        "rss_growth_mb": growth_mb,
        "file_mb": path.stat().st_size / 2**20 if path else 0,
    }
    if path:
        path.unlink()
    term = Term.objects.filter(cases__isnull=False).order_by("-number").first()
    session = term.sessions.order_by("-number").first() if term else None
    for label, scope in (("term", None), ("session", session)):
        compute_snapshot(term, scope)
        started = time.perf_counter()
        compute_snapshot(term, scope)
        result[f"dashboard_{label}_seconds"] = time.perf_counter() - started
    return result


def measure(db: str | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DEBUG": "0"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "chencang_cppcc.settings_bench")
    env.setdefault("SECRET_KEY", "bench-only-not-secret")
    if db:
        env["DATABASE_URL"] = f"{PG}/{db}"
    out = subprocess.run(
        [sys.executable, "-W", "ignore", __file__, "--one"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def lines(name: str, r: dict, *, checks: bool = True) -> list[str]:
    out = [
        f"{name}: export job ({r['rows']:,} catalogue rows of {r['cases']:,} cases) {r['job_seconds']:.1f} s "
        f"(worker CPU {r['cpu_seconds']:.1f} s; load average {r['load']:.1f} on {os.cpu_count()} cores), "
        f"peak RSS growth {r['rss_growth_mb']:.1f} MB, file {r['file_mb']:.1f} MB; dashboard afresh: term "
        f"{r['dashboard_term_seconds']:.2f} s, session {r['dashboard_session_seconds']:.2f} s"
    ]
    if checks:
        for label, ok, value in (
            (f"export job time ≤ {EXPORT_SECONDS} s", r["job_seconds"] <= EXPORT_SECONDS, f"{r['job_seconds']:.1f} s"),
            (
                f"export job memory growth ≤ {EXPORT_MB} MB",
                r["rss_growth_mb"] <= EXPORT_MB,
                f"{r['rss_growth_mb']:.1f} MB",
            ),
            (
                f"dashboard afresh (term) ≤ {DASHBOARD_SECONDS:g} s",
                r["dashboard_term_seconds"] <= DASHBOARD_SECONDS,
                f"{r['dashboard_term_seconds']:.2f} s",
            ),
            (
                f"dashboard afresh (session) ≤ {DASHBOARD_SECONDS:g} s",
                r["dashboard_session_seconds"] <= DASHBOARD_SECONDS,
                f"{r['dashboard_session_seconds']:.2f} s",
            ),
        ):
            out.append(f"{'PASS' if ok else 'FAIL'}  {name} {label}: {value}")
    return out


def main(argv: list[str]) -> int:
    if "--one" in argv:
        print(json.dumps(_one()))
        return 0
    dbs = [argv[i + 1] for i, a in enumerate(argv) if a == "--db"] or [None]
    for db in dbs:
        result = measure(db)
        print("\n".join(lines(db or os.environ.get("DATABASE_URL", "default"), result)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
