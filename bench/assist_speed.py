"""Speed of review assistance on a PostgreSQL database (issue 15): similar cases for one case, as staff and
as a member (the API's code path: scope, bigram narrowing, ranking, the cases' details), and merge
suggestions for the largest session's waiting cases (made 600 when needed, by setting cases of that session back to
submitted inside a transaction that is rolled back).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench_100k \\
        .venv/bin/python bench/assist_speed.py [--samples 200] [--session-cases 600]

The database must be seeded (seed_demo --cases N) and indexed (assist_rebuild; seed_demo does it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chencang_cppcc.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from assist import selectors  # noqa: E402
from assist.models import CaseIndex  # noqa: E402
from members.models import Role, User  # noqa: E402
from proposals.models import Case  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--session-cases", type=int, default=600)
    args = parser.parse_args()
    n_cases = Case.objects.count()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}, {n_cases} cases, {CaseIndex.objects.count()} indexed"
    )
    staff = User.objects.filter(groups__name=Role.STAFF, is_active=True).first()
    member = (
        User.objects.filter(groups__name=Role.MEMBER, is_active=True, proposer_rows__isnull=False).distinct().first()
    )
    rng = random.Random(15)
    max_id = Case.objects.order_by("-id").values_list("id", flat=True).first()
    sample_ids = set()
    while len(sample_ids) < args.samples:
        sample_ids.add(rng.randint(1, max_id))
    cases = list(Case.objects.filter(pk__in=sample_ids).exclude(status="draft"))
    for label, user in (("staff", staff), ("member", member)):
        selectors.similar_cases(user, cases[0])  # warm: segmenter dictionary, synonyms
        times = []
        found = 0
        for case in cases:
            started = time.perf_counter()
            found += bool(selectors.similar_cases(user, case))
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"similar cases as {label}: {len(times)} cases, p50 {statistics.median(times):.1f} ms, "
            f"p90 {pct(times, 90):.1f} ms, p99 {pct(times, 99):.1f} ms, with a result {found}/{len(times)}"
        )
    # The session with the fewest waiting or filed cases among those with enough cases; in a rolled-back
    # transaction, enough of its closed cases are set back to waiting to make a session of the asked size.
    sessions = (
        Case.objects.exclude(session=None)
        .values("session")
        .annotate(n=Count("id"), mergeable=Count("id", filter=Q(status__in=["submitted", "filed"])))
        .filter(n__gte=args.session_cases)
        .order_by("mergeable")
    )
    session = sessions.first()["session"]
    with transaction.atomic():
        have = Case.objects.filter(session_id=session, status__in=["submitted", "filed"]).count()
        if have < args.session_cases:
            extra = list(
                Case.objects.filter(session_id=session, status="closed")
                .order_by("id")
                .values_list("id", flat=True)[: args.session_cases - have]
            )
            Case.objects.filter(pk__in=extra).update(status="submitted")
        waiting = Case.objects.filter(session_id=session, status="submitted").count()
        pool = selectors.merge_pool(staff, session).count()
        times = []
        for _ in range(3):
            started = time.perf_counter()
            groups = selectors.merge_suggestions(staff, session)
            times.append(time.perf_counter() - started)
        print(
            f"merge suggestions for a session: {pool} cases waiting or filed ({waiting} waiting), "
            f"{len(groups)} groups, median of 3 runs {statistics.median(times):.2f} s (max {max(times):.2f} s)"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
