"""Memory of the Excel catalogue export for N cases (issue 5: "100k cases need no more memory than 1k").

Runs the same code path as the test suite (``reporting.exports.write_sheet`` with the catalogue's
columns, XlsxWriter in constant-memory mode) over N fake cases: plain objects shaped like a
prefetched Case, produced lazily like ``Case.objects…iterator(chunk_size=2000)`` does, so the
numbers measure the writer and the row code, not the database. It prints, for each N, the peak
Python allocation during the export (tracemalloc) and the growth of the process's peak RSS
(resource.getrusage), plus the file size. Constant memory shows as a flat peak across N.

    DEBUG=1 .venv/bin/python bench/export_memory.py            # N = 1000, 10000, 100000
    DEBUG=1 .venv/bin/python bench/export_memory.py 1000 200000

With ``--real`` the rows are the database's own cases (DATABASE_URL, e.g. the bench's 100k data
set), read exactly as the export view reads them (``exports.iter_cases``: chunks of primary keys
fetched with their prefetches) — this is what bench/run.py measures:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench_100k .venv/bin/python bench/export_memory.py --real 100000

Not part of the test suite (it takes a while at 100k).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chencang_cppcc.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()

from proposals.models import AssignmentRole, AssignmentStatus  # noqa: E402
from reporting import exports  # noqa: E402


class _Rel(list):
    def all(self):
        return self


def fake_cases(n: int):
    """Lazily built case-like objects: one at a time, as a chunked iterator hands them out."""
    unit_a, unit_b = SimpleNamespace(name="区住建局"), SimpleNamespace(name="区教育局")
    for i in range(1, n + 1):
        proposers = _Rel(
            [
                SimpleNamespace(
                    display_name=f"委员{i % 238}",
                    counts=True,
                    is_initiator=True,
                    user=SimpleNamespace(phone="13917001234"),
                ),
                SimpleNamespace(
                    display_name=f"委员{(i + 7) % 238}", counts=True, is_initiator=False, user=SimpleNamespace(phone="")
                ),
            ]
        )
        assignments = _Rel(
            [
                SimpleNamespace(role=AssignmentRole.LEAD, unit=unit_a, status=AssignmentStatus.ACCEPTED, due_date=None),
                SimpleNamespace(role=AssignmentRole.CO, unit=unit_b, status=AssignmentStatus.VIEWS_SENT, due_date=None),
            ]
        )
        replies = _Rel(
            [
                SimpleNamespace(
                    state="accepted", reply_class="ABC"[i % 3], round=1, decided_at=None, updated_at=None, pk=i
                )
            ]
        )
        ratings = _Rel([SimpleNamespace(round=1, reply_rating="satisfied")])
        yield SimpleNamespace(
            display_number=f"四届三次会议 第{i:03d}号",
            title=f"关于第{i}件民生实事的提案（用于测量导出内存）",
            category_id=1,
            category=SimpleNamespace(name="社会"),
            status_label="已办结",
            proposers=proposers,
            assignments=assignments,
            replies=replies,
            ratings=ratings,
        )


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def real_cases(n: int):
    """The first ``n`` numbered cases in catalogue order, fetched as the export view fetches them."""
    from proposals.models import Case

    numbered = Case.objects.order_by("session__opens", "kind", "number", "id")
    return exports.iter_cases(numbered[:n])


def measure(n: int, real: bool = False) -> dict:
    if real:
        from django.db import connection

        connection.ensure_connection()  # the connection's own memory is not the export's
    rss_before = peak_rss_kb()
    tracemalloc.start()
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        rows = exports.write_sheet(tmp, "提案目录", exports.CATALOGUE_COLUMNS, real_cases(n) if real else fake_cases(n))
        tmp.flush()
        size = os.path.getsize(tmp.name)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "n": n,
        "rows": rows,
        "peak_py_mb": peak / 2**20,
        "rss_growth_mb": (peak_rss_kb() - rss_before) / 1024,
        "file_mb": size / 2**20,
        "seconds": elapsed,
    }


def main(argv: list[str]) -> None:
    real = "--real" in argv
    sizes = [int(a) for a in argv if a != "--real"] or [1000, 10000, 100000]
    print(f"{'N':>8} {'峰值Python分配MB':>16} {'峰值RSS增长MB':>14} {'文件MB':>8} {'秒':>7}")
    for n in sizes:
        r = measure(n, real)
        print(
            f"{r['n']:>8} {r['peak_py_mb']:>16.2f} {r['rss_growth_mb']:>14.2f} {r['file_mb']:>8.2f} {r['seconds']:>7.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
