"""``manage.py jobs_worker``: the backport's ``db_worker`` (same options) plus the re-claiming of jobs
whose worker died.

The backport's worker claims a queued task row with ``SELECT … FOR UPDATE SKIP LOCKED`` but never looks
at a task whose worker vanished mid-run. A reaper thread here calls ``jobs.services.reclaim_stale`` every
half lease: a job whose heartbeat is older than JOBS_LEASE_SECONDS is queued again (one conditional
update per job, so several workers on several servers re-queue it exactly once) and the next free
worker runs it from the start. Run several at once, on several servers (docs/deploy.md).
"""

from __future__ import annotations

import logging
import threading

from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jobs import services

logger = logging.getLogger("jobs")


def _reap_forever(stop: threading.Event) -> None:
    interval = max(0.2, services.lease_seconds() / 2)
    while not stop.wait(interval):
        try:
            services.reclaim_stale()
        except Exception:  # a dropped connection or a locked SQLite file: next round
            logger.exception("reclaiming stale jobs failed")
            connections.close_all()


class Command(DbWorkerCommand):
    help = "运行后台任务执行进程（db_worker，并重新领取执行进程中断的任务）"

    def handle(self, *args, **options):
        stop = threading.Event()
        reaper = threading.Thread(target=_reap_forever, args=(stop,), daemon=True, name="jobs-reaper")
        reaper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
