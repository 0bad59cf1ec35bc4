"""The benchmark: one command, see bench/README.md.

    .venv/bin/python bench/run.py                 # builds 1k and 100k data sets, serves, loads, prints the table
    .venv/bin/python bench/run.py --large 20000   # a smaller "large" set when time is short
    .venv/bin/python bench/run.py --reuse         # keep data sets built by an earlier run

Steps: (1) for each size N, a PostgreSQL database cppcc_bench_<N>, migrated, ``seed_demo --cases N
--demo-logins``, ``VACUUM ANALYZE``; (2) one gunicorn per data set (sync workers, --workers, DEBUG off,
chencang_cppcc.settings_bench); (3) logs in through the login page (and the TOTP step when the site
asks for it, code computed from the demo secret) as staff, admin, member and unit; (4) drives wrk on
loopback, small set and large set alternated page by page, for several rounds, so the machine's
drift falls on both; (5) prints rps, p50, p99, the rps ratio to the bare view and the p50 ratio
large/small, the peak memory of a gunicorn worker and of the Excel export, and PASS/FAIL per target.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The checkout's .venv, else the interpreter running this (a git worktree sharing another checkout's venv).
_BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "python").exists() else Path(sys.executable).parent
PY = str(_BIN / "python")
GUNICORN = str(_BIN / "gunicorn")
PLAIN_SETTINGS = "chencang_cppcc.settings_plain"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "Chencang@2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the demo accounts' TOTP secret (README, security part B)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def env_for(db: str, cache_url: str = "", settings: str = "chencang_cppcc.settings_bench") -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{db}",
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


def shared_cache(index: int) -> str:
    """A Redis database of its own for one data set, emptied, when Redis answers on 127.0.0.1:6379:
    the workers then share one cache, as several servers must in production (docs/deploy.md).
    Without Redis each worker keeps its own cache, and the output says so."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return ""
    import redis

    url = f"redis://127.0.0.1:6379/{index}"
    redis.Redis.from_url(url).flushdb()
    return url


def psql(db: str, sql: str) -> str:
    url = f"{PG}/{db}"
    return subprocess.run(["psql", url, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


def build(n: int, reuse: bool) -> str:
    db = f"cppcc_bench_{n // 1000}k" if n % 1000 == 0 else f"cppcc_bench_{n}"
    if reuse:
        try:
            if int(psql(db, "SELECT count(*) FROM proposals_case") or 0) >= n:
                log(f"reusing {db} (migrating it to this checkout's schema)")
                subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env_for(db), check=True)
                psql(db, "ANALYZE")
                return db
        except subprocess.CalledProcessError:
            pass
    log(f"building {db} with {n} cases …")
    psql("postgres", f"DROP DATABASE IF EXISTS {db}")
    psql("postgres", f"CREATE DATABASE {db}")
    env = env_for(db)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "seed_demo", "--cases", str(n), "--demo-logins"], cwd=ROOT, env=env, check=True)
    psql(db, "VACUUM ANALYZE")
    return db


class Server:
    def __init__(self, db: str, port: int, workers: int, cache_url: str = "", settings: str = ""):
        self.db, self.port = db, port
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                "chencang_cppcc.wsgi",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env_for(db, cache_url, settings) if settings else env_for(db, cache_url),
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2)
                return
            except Exception:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {port} did not start")

    def worker_peak_rss_mb(self) -> float:
        children = subprocess.run(
            ["ps", "--ppid", str(self.proc.pid), "-o", "pid="], capture_output=True, text=True
        ).stdout
        peaks = []
        for pid in children.split():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                peaks.append(int(match.group(1)) / 1024)
        return max(peaks) if peaks else 0.0

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def totp_now() -> str:
    import base64

    from django_otp.oath import totp

    key = base64.b32decode(TOTP_SECRET)
    return f"{totp(key):06d}"


def login(base: str, username: str) -> str:
    """Session cookie of ``username``, through the login page (and its TOTP step when asked)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def csrf_of(html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else ""

    page = opener.open(f"{base}/login/").read().decode()
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_of(page)})
    response = opener.open(
        urllib.request.Request(f"{base}/login/", data=body.encode(), headers={"Referer": f"{base}/login/"})
    )
    html = response.read().decode()
    field = re.search(r'<input[^>]+name="(otp_token|token|code|otp)"', html)
    if field:  # the two-factor step
        body = urllib.parse.urlencode({field.group(1): totp_now(), "csrfmiddlewaretoken": csrf_of(html)})
        url = response.geturl()
        opener.open(urllib.request.Request(url, data=body.encode(), headers={"Referer": url})).read()
    cookie = next((c.value for c in jar if c.name == "sessionid"), "")
    if not cookie:
        raise RuntimeError(f"could not log in as {username}")
    return cookie


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            *(["-H", f"Cookie: sessionid={cookie}"] if cookie else []),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


SLOW_SECONDS = 3.0


def fetch(url: str, cookie: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {}), timeout=600
    ) as r:
        r.read()
    return time.perf_counter() - started


def sequential(url: str, cookie: str, n: int = 2) -> dict:
    """For pages too slow for wrk: n requests one after the other (1 connection), marked as such."""
    times = sorted(fetch(url, cookie) * 1000 for _ in range(n))
    return {
        "rps": 1000 / statistics.mean(times),
        "p50": statistics.median(times),
        "p99": times[-1],
        "errors": 0,
        "sequential": True,
    }


def export_memory(db: str, n: int) -> dict:
    out = subprocess.run(
        [PY, "bench/export_memory.py", "--real", "1000", str(n)],
        cwd=ROOT,
        env=env_for(db),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    row = out.strip().splitlines()[-1].split()
    return {"rows": int(row[0]), "peak_py_mb": float(row[1]), "rss_growth_mb": float(row[2]), "seconds": float(row[4])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 3)))
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration of one measurement")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the median is reported")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep data sets that already hold enough cases")
    parser.add_argument(
        "--pages-only", action="store_true", help="the page table and its checks only (no export, jobs, dashboard)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    dbs = {"small": build(args.small, args.reuse), "large": build(args.large, args.reuse)}
    dashboard_seconds = (
        {"small": 0.0, "large": 0.0} if args.pages_only else {size: dashboard_compute(db) for size, db in dbs.items()}
    )
    caches = {"small": shared_cache(8), "large": shared_cache(9)}
    servers = {
        size: Server(dbs[size], port, args.workers, caches[size]) for size, port in (("small", 8701), ("large", 8702))
    }
    # The floor: Django alone (chencang_cppcc.settings_plain), same gunicorn, measured in the same rounds.
    plain = Server(dbs["small"], 8700, args.workers, settings=PLAIN_SETTINGS)
    try:
        cookies = {
            size: {"anon": "", **{who: login(s.base, who) for who in ("staff", "admin", "member", "unit")}}
            for size, s in servers.items()
        }
        detail = {
            size: psql(db, "SELECT id FROM proposals_case WHERE status='closed' ORDER BY id DESC LIMIT 1")
            for size, db in dbs.items()
        }
        pages = [
            ("plain view", "anon", "/bench/plain/"),
            ("bare view, anonymous", "anon", "/bench/bare/"),
            ("bare view", "staff", "/bench/bare/"),
            ("staff case list", "staff", "/cases/"),
            ("admin changelist", "admin", "/admin/proposals/case/"),
            ("API case list", "staff", "/api/cases/"),
            ("case detail", "staff", "/cases/{detail}/"),
            ("search 供暖", "staff", "/cases/?q=" + urllib.parse.quote("供暖")),
            ("member workbench", "member", "/workbench/member/"),
            ("unit workbench", "unit", "/workbench/unit/"),
            ("staff workbench", "staff", "/workbench/staff/"),
            ("dashboard", "staff", "/stats/"),
        ]

        def base(size: str, name: str) -> str:
            return plain.base if name == "plain view" else servers[size].base

        # Warm-up: one request per page and worker. A page slower than SLOW_SECONDS is timed with
        # sequential requests instead of wrk: sync workers would go on serving wrk's abandoned
        # requests for minutes and spoil every later measurement.
        slow: set[str] = set()
        for size in servers:
            for name, who, path in pages:
                url = base(size, name) + path.format(detail=detail[size])
                fetch(url, cookies[size][who])  # fills the shared cache
                for _ in range(args.workers if name not in slow else 0):
                    took = fetch(url, cookies[size][who])
                    if took > SLOW_SECONDS:
                        slow.add(name)
                        break
        results: dict[tuple[str, str], list[dict]] = {}
        for r in range(args.rounds):
            for name, who, path in pages:
                order = ("small", "large") if r % 2 == 0 else ("large", "small")
                for size in order:
                    url = base(size, name) + path.format(detail=detail[size])
                    run = (
                        sequential(url, cookies[size][who])
                        if name in slow
                        else wrk(url, cookies[size][who], args.seconds, args.connections)
                    )
                    results.setdefault((name, size), []).append(run)
                    log(f"round {r + 1} {name} {size}: {results[(name, size)][-1]}")
        worker_mb = max(s.worker_peak_rss_mb() for s in servers.values())
    finally:
        for server in (*servers.values(), plain):
            server.stop()
    load = os.getloadavg()
    log(f"load average after the rounds: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    own = {size: own_rows(db) for size, db in dbs.items()}
    if args.pages_only:
        print(report(results, pages, args, worker_mb, None, dashboard_seconds, bool(caches["large"]), own))
        return 0
    export = export_memory(dbs["large"], args.large)
    print(report(results, pages, args, worker_mb, export, dashboard_seconds, bool(caches["large"]), own))
    # Issue 14: the export as a job (job time, worker CPU, memory) and the dashboard computed afresh, per data set.
    from bench import jobs as job_bench

    small, large = f"{args.small // 1000}k", f"{args.large // 1000}k"
    print()
    print("\n".join(job_bench.lines(small, job_bench.measure(dbs["small"]), checks=False)))
    print("\n".join(job_bench.lines(large, job_bench.measure(dbs["large"]))))
    return 0


def own_rows(db: str) -> tuple[int, int]:
    """How much of the record is the bench users' own: the member's cases, the unit's assignments.
    Their workbenches list and count these, so they grow with them, not with the record."""
    member = psql(
        db,
        "SELECT count(DISTINCT p.case_id) FROM proposals_proposer p JOIN members_user u ON u.id = p.user_id "
        "WHERE u.username = 'member'",
    )
    unit = psql(
        db,
        "SELECT count(*) FROM proposals_assignment a JOIN members_unit_contacts c ON c.unit_id = a.unit_id "
        "JOIN members_user u ON u.id = c.user_id WHERE u.username = 'unit'",
    )
    return int(member), int(unit)


def dashboard_compute(db: str) -> float:
    """Seconds to compute the statistics dashboard afresh (what the first viewer after a change waits)."""
    code = (
        "import time, django; django.setup(); from reporting import stats; from members.models import Term; "
        "term = Term.objects.filter(cases__isnull=False).order_by('-number').first(); stats.dashboard(term); "
        "t = time.perf_counter(); stats.dashboard(term); print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [PY, "-W", "ignore", "-c", code], cwd=ROOT, env=env_for(db), capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def med(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def report(
    results, pages, args, worker_mb: float, export: dict | None, dashboard_seconds: dict, shared: bool, own: dict
) -> str:
    small, large = f"{args.small // 1000}k", f"{args.large // 1000}k"
    bare = {size: med(results[("bare view", size)], "rps") for size in ("small", "large")}
    floor = {size: med(results[("plain view", size)], "rps") for size in ("small", "large")}
    load = os.getloadavg()
    cache = "one Redis cache shared by the workers" if shared else "each worker's own cache (no Redis)"
    lines = [
        f"Machine: {os.cpu_count()} cores, {machine()}; gunicorn {args.workers} sync workers, {cache}; wrk "
        f"{args.connections} connections × {args.seconds}s, {args.rounds} alternating rounds (median); "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} when the rounds ended.",
        "'plain view': Django alone (chencang_cppcc.settings_plain: no app, no middleware), the floor; "
        "'bare view': the same empty view behind the project's middleware, signed in as staff.",
        "",
        f"| page | rps {small} | p50 ms {small} | p99 ms {small} | rps {large} | p50 ms {large} | p99 ms {large} "
        f"| rps/plain {large} | rps/bare {large} | p50 {large}/{small} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _, _ in pages:
        s, big = results[(name, "small")], results[(name, "large")]
        mark = " (sequential: too slow for wrk)" if any(run.get("sequential") for run in s + big) else ""
        lines.append(
            f"| {name}{mark} | {med(s, 'rps'):.0f} | {med(s, 'p50'):.1f} | {med(s, 'p99'):.1f} | {med(big, 'rps'):.0f} | "
            f"{med(big, 'p50'):.1f} | {med(big, 'p99'):.1f} | {med(big, 'rps') / floor['large']:.1%} | "
            f"{med(big, 'rps') / bare['large']:.0%} | "
            f"{med(big, 'p50') / med(s, 'p50'):.2f} |"
        )
    errors = sum(run["errors"] for runs in results.values() for run in runs)
    lines += [
        "",
        f"Non-2xx responses during the runs: {errors}",
        f"Peak RSS of a gunicorn worker under load: {worker_mb:.0f} MB",
        *(
            [
                f"Excel export of {export['rows']} real cases: peak Python allocation {export['peak_py_mb']:.1f} MB, "
                f"peak RSS growth {export['rss_growth_mb']:.1f} MB, {export['seconds']:.0f} s",
                f"Statistics dashboard computed afresh (the first view after a change; later views read the cache): "
                f"{small} {dashboard_seconds['small']:.2f} s, {large} {dashboard_seconds['large']:.2f} s",
            ]
            if export
            else []
        ),
        f"The bench users' own rows (what their workbenches count and list): member {own['small'][0]} → "
        f"{own['large'][0]:,} cases, unit {own['small'][1]} → {own['large'][1]:,} assignments",
        "",
    ]
    L = lambda name, key: med(results[(name, "large")], key)  # noqa: E731
    S = lambda name, key: med(results[(name, "small")], key)  # noqa: E731
    share = lambda name: L(name, "rps") / floor["large"]  # noqa: E731
    checks = [
        (
            f"bare view signed in ({large}) ≥ 25% of the plain view's rps",
            share("bare view") >= 0.25,
            f"{share('bare view'):.1%}",
        ),
        *(
            (f"{name} {large} ≥ 3% of the plain view's rps", share(name) >= 0.03, f"{share(name):.1%}")
            for name in ("staff case list", "case detail", "member workbench", "unit workbench", "staff workbench")
        ),
        *(
            (
                f"{name}: p50 {large} ≤ 1.3× p50 {small}",
                L(name, "p50") <= 1.3 * S(name, "p50"),
                f"{L(name, 'p50') / S(name, 'p50'):.2f}×",
            )
            for name in ("member workbench", "unit workbench")
        ),
        (
            f"staff list {large} ≥ 15% of bare rps (issue 8's target, set when the signed-in bare view cost ~15 ms)",
            L("staff case list", "rps") >= 0.15 * bare["large"],
            f"{L('staff case list', 'rps') / bare['large']:.0%}",
        ),
        (
            f"staff list {large} ≥ 2× admin changelist rps",
            L("staff case list", "rps") >= 2 * L("admin changelist", "rps"),
            f"{L('staff case list', 'rps') / L('admin changelist', 'rps'):.2f}×",
        ),
        (
            f"staff list p50 {large} ≤ 1.3× p50 {small}",
            L("staff case list", "p50") <= 1.3 * S("staff case list", "p50"),
            f"{L('staff case list', 'p50') / S('staff case list', 'p50'):.2f}×",
        ),
        (
            f"staff list p99 ≤ 3× p50 ({large}, {args.connections} connections)",
            L("staff case list", "p99") <= 3 * L("staff case list", "p50"),
            f"{L('staff case list', 'p99') / L('staff case list', 'p50'):.2f}×",
        ),
        (
            f"search 供暖 p50 ≤ 2× list p50 ({large})",
            L("search 供暖", "p50") <= 2 * L("staff case list", "p50"),
            f"{L('search 供暖', 'p50') / L('staff case list', 'p50'):.2f}×",
        ),
    ]
    if export:
        checks.append(
            ("export peak memory growth ≤ 50 MB", export["rss_growth_mb"] <= 50, f"{export['rss_growth_mb']:.1f} MB")
        )
    for name, _, _ in pages[3:]:
        if name in ("member workbench", "unit workbench"):
            continue  # targets above; their users' own rows are printed above the checks
        checks.append(
            (
                f"{name}: p50 {large} ≤ 1.3× p50 {small} (informative)",
                L(name, "p50") <= 1.3 * S(name, "p50"),
                f"{L(name, 'p50') / S(name, 'p50'):.2f}×",
            )
        )
    lines += [f"{'PASS' if ok else 'FAIL'}  {name}: {value}" for name, ok, value in checks]
    return "\n".join(lines)


def machine() -> str:
    try:
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        model = "unknown CPU"
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)
    return f"{model}, {int(mem) // 1024 // 1024} GB RAM"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
