"""A bounded load test on loopback (NOT part of the test suite): 50 simulated users for 60 seconds.

It expects a running server on PostgreSQL seeded with the demo logins, for example::

    createdb -h 127.0.0.1 -U postgres cppcc_load
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_load DEBUG=1 API_THROTTLE_USER=100000/min
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo --demo-logins
    .venv/bin/gunicorn chencang_cppcc.wsgi -b 127.0.0.1:8765 -w 4 --threads 4 &
    DATABASE_URL=... .venv/bin/python bench/load_test.py --url http://127.0.0.1:8765 --users 50 --seconds 60

Members, units and staff (threads with their own ``requests`` sessions; staff share one 2FA-verified
session, because a TOTP code is accepted once) open their workbenches, list and open cases, and
act through the API: units sign and log contacts, members set publication, staff record review
opinions. At the end it reports requests, errors and latency, and checks consistency: no 5xx, no
deadlock in any answer, the audit events written during the run equal the successful actions (no
lost update), and the audit hash chain verifies. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime as dt
import hashlib
import hmac
import os
import random
import struct
import sys
import threading
import time
from pathlib import Path

import requests

PASSWORD = "Chencang@2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
# (role, username, threads): 50 simulated users by default.
CAST = [
    ("member", "member", 12),
    ("member", "member2", 12),
    ("unit", "unit", 10),
    ("unit", "unit2", 10),
    ("staff", "staff", 6),
]


def totp(secret: str = DEMO_TOTP_SECRET, at: float | None = None) -> str:
    key = base64.b32decode(secret)
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.by_status = collections.Counter()
        self.server_errors: list[str] = []
        self.deadlocks = 0
        self.actions_ok = collections.Counter()
        self.actions_refused = collections.Counter()
        self.latencies: list[float] = []

    def note(self, response, elapsed: float, label: str) -> None:
        with self.lock:
            self.requests += 1
            self.by_status[response.status_code] += 1
            self.latencies.append(elapsed)
            if response.status_code >= 500:
                self.server_errors.append(f"{response.status_code} {label}")
            if "deadlock" in response.text.lower():
                self.deadlocks += 1


def login(base: str, username: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/login/", timeout=30)
    r = s.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
        timeout=30,
    )
    if "/login/otp/" in r.url:
        for _ in range(3):  # a code is accepted once: wait for the next window if it was just used
            r = s.post(r.url, data={"otp": totp(), "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")}, timeout=30)
            if "/login/otp/" not in r.url:
                break
            time.sleep(31 - time.time() % 30)
    if "sessionid" not in s.cookies or "/login/" in r.url:
        raise SystemExit(f"login failed for {username}: {r.status_code} {r.url}")
    s.headers["X-CSRFToken"] = s.cookies.get("csrftoken", "")
    s.headers["Referer"] = f"{base}/"
    return s


class User(threading.Thread):
    def __init__(self, base, role, session, stats, deadline, seed):
        super().__init__(daemon=True)
        self.base, self.role, self.s, self.stats, self.deadline = base, role, session, stats, deadline
        self.rng = random.Random(seed)

    def get(self, path):
        t = time.perf_counter()
        r = self.s.get(self.base + path, timeout=60)
        self.stats.note(r, time.perf_counter() - t, f"GET {path}")
        return r

    def act(self, case_id, name, body):
        t = time.perf_counter()
        r = self.s.post(f"{self.base}/api/cases/{case_id}/actions/{name}/", json=body, timeout=60)
        self.stats.note(r, time.perf_counter() - t, f"POST {name}")
        with self.stats.lock:
            (self.stats.actions_ok if r.status_code == 200 else self.stats.actions_refused)[name] += 1
        return r

    def run(self):
        bench = {"member": "/workbench/member/", "unit": "/workbench/unit/", "staff": "/workbench/staff/"}[self.role]
        while time.time() < self.deadline:
            self.get(bench)
            listing = self.get("/api/cases/?page_size=50")
            ids = [c["id"] for c in listing.json().get("results", [])] if listing.status_code == 200 else []
            if not ids:
                continue
            case_id = self.rng.choice(ids)
            self.get(f"/cases/{case_id}/")
            available = self.get(f"/api/cases/{case_id}/actions/")
            if available.status_code != 200:
                continue
            for item in available.json():
                body = self.body_for(item)
                if body is not None:
                    if item.get("assignment"):
                        body["assignment"] = item["assignment"]
                    self.act(case_id, item["name"], body)
                    break

    def body_for(self, item) -> dict | None:
        name, today = item["name"], dt.date.today().isoformat()
        if self.role == "unit" and name == "sign":
            return {}
        if self.role == "unit" and name == "log_contact":
            return {
                "way": "phone",
                "point": "handling",
                "date": today,
                "people": "压测联系人",
                "summary": "压力测试：电话沟通办理进展。",
            }
        if self.role == "member" and name == "set_public":
            return {"public": True}
        if self.role == "staff" and name == "recommend":
            return {"outcome": "file", "reason": "压力测试：建议立案。"}
        return None


def django_checks(started: dt.datetime, stats: Stats) -> list[str]:
    """Compare the audit trail written during the run with the successful actions (the same database)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chencang_cppcc.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from audit.models import AuditEvent

    problems = []
    events = collections.Counter(
        AuditEvent.objects.filter(at__gte=started, outcome="success", action__in=list(stats.actions_ok)).values_list(
            "action", flat=True
        )
    )
    for action, n in stats.actions_ok.items():
        if events[action] != n:
            problems.append(f"lost update? {action}: {n} successful answers, {events[action]} audit events")
    try:
        call_command("verify_audit")
    except BaseException as error:  # the command exits non-zero on a break
        problems.append(f"verify_audit failed: {error}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--no-db-check", action="store_true", help="skip the audit comparison (no DATABASE_URL)")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    stats = Stats()
    shared_staff = login(base, "staff")
    cast = [(role, name) for role, name, n in CAST for _ in range(n)]
    cast = (cast * (args.users // len(cast) + 1))[: args.users]
    started = dt.datetime.now(dt.UTC)
    deadline = time.time() + args.seconds
    threads = [
        User(base, role, shared_staff if role == "staff" else login(base, name), stats, deadline, i)
        for i, (role, name) in enumerate(cast)
    ]
    deadline = time.time() + args.seconds
    for t in threads:
        t.deadline = deadline
        t.start()
    for t in threads:
        t.join()
    elapsed = args.seconds
    lat = sorted(stats.latencies) or [0.0]
    print(f"users={len(threads)} seconds={elapsed} requests={stats.requests} ({stats.requests / elapsed:.1f}/s)")
    print(f"status={dict(sorted(stats.by_status.items()))}")
    print(
        f"latency p50={lat[len(lat) // 2] * 1000:.0f}ms p95={lat[int(len(lat) * 0.95)] * 1000:.0f}ms "
        f"max={lat[-1] * 1000:.0f}ms"
    )
    print(f"actions ok={dict(stats.actions_ok)} refused={dict(stats.actions_refused)}")
    problems = []
    if stats.server_errors:
        problems.append(f"{len(stats.server_errors)} server errors, e.g. {stats.server_errors[:5]}")
    if stats.deadlocks:
        problems.append(f"{stats.deadlocks} answers mention a deadlock")
    if not args.no_db_check:
        problems += django_checks(started, stats)
    for p in problems:
        print("FAIL:", p)
    print("OK: no 5xx, no deadlock, audit events = successful actions, audit chain verified" if not problems else "")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
