"""Real workers on the database queue (PostgreSQL pass): `manage.py jobs_worker` processes run the jobs;
one is killed in the middle of a job, and another worker re-claims the job and finishes it from the start.
JOBS_WORKER_LOG=/path appends the workers' output there (for debugging a failure)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from jobs import services, storage
from jobs.models import Job
from tests.jobs.slow import handlers  # noqa: F401  registers the slow job in this process too

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_queue(settings, postgres_only):
    """The database backend (as in production) instead of the test suite's in-process one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_LEASE_SECONDS = 2
    settings.JOBS_HEARTBEAT_SECONDS = 0.3


@pytest.fixture
def start_worker():
    started: list[subprocess.Popen] = []

    def start(name: str) -> subprocess.Popen:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "TASKS_IMMEDIATE": "0",
            "JOBS_LEASE_SECONDS": "2",
            "JOBS_HEARTBEAT_SECONDS": "0.3",
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "PYTHONPATH": str(ROOT),
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "jobs_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
                "--worker-id",
                name,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(os.environ.get("JOBS_WORKER_LOG", os.devnull), "a"),
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:  # only the processes this test started, by their own handle
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_runs_an_export_job_from_the_database_queue(world, db_queue, start_worker, settings):
    from django.test import Client

    from tests.factories import CaseBuilder

    settings.EXPORT_JOB_THRESHOLD = 0
    for _ in range(3):
        CaseBuilder(world).filed()
    client = Client()
    client.force_login(world.staff)
    response = client.get("/exports/catalogue.xlsx")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/" and job.state == "queued"  # nobody ran it in the request
    start_worker("w-export")
    _wait(lambda: Job.objects.filter(pk=job.pk, state="succeeded").exists(), 60, "the export job")
    job.refresh_from_db()
    assert (job.done, job.total, job.attempts) == (3, 3, 1)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 200


def test_a_job_whose_worker_is_killed_is_reclaimed_and_finished_by_another_worker(world, db_queue, start_worker):
    job = services.start("slow_count", user=world.staff, params={"steps": 15, "pause": 0.2})
    first = start_worker("w-first")
    _wait(lambda: Job.objects.filter(pk=job.pk, state="running", done__gte=3).exists(), 60, "the job to be half-way")
    first.send_signal(signal.SIGKILL)  # no graceful shutdown: the worker dies in the middle of the job
    first.wait(timeout=10)
    killed_at = Job.objects.get(pk=job.pk)
    assert killed_at.state == "running" and killed_at.done < 15

    start_worker("w-second")
    _wait(
        lambda: Job.objects.filter(pk=job.pk, state="succeeded").exists(), 90, "the job to finish on the second worker"
    )
    job.refresh_from_db()
    # Run again from the start (attempt 2) by the second worker, one result file.
    assert (job.attempts, job.done, job.total) == (2, 15, 15)
    assert storage.resolve(job.result_file).read_text().startswith("counted 15")
    from django_tasks_db.models import DBTaskResult

    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "SUCCESSFUL"]  # the dead worker's task is marked failed, not left running


def test_two_reapers_requeue_a_stale_job_once(world, db_queue):
    import datetime as dt

    from django.utils import timezone

    job = Job.objects.create(
        kind="slow_count",
        state="running",
        token="dead",
        attempts=1,
        params={"steps": 1},
        heartbeat_at=timezone.now() - dt.timedelta(seconds=30),
    )
    first = services.reclaim_stale()
    second = services.reclaim_stale()
    assert (first, second) == ([job.pk], [])
    job.refresh_from_db()
    assert job.state == "queued" and job.token == ""


def test_a_job_left_queued_without_a_live_task_gets_a_new_one(world, db_queue):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    job = services.start("slow_count", user=world.staff, params={"steps": 1})
    DBTaskResult.objects.all().delete()  # the task row is gone (or finished) while the job still waits
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=30))
    assert services.reclaim_stale() == [job.pk]
    job.refresh_from_db()
    task = DBTaskResult.objects.get()
    assert str(task.id) == job.task_id and task.status == "READY"
    assert services.reclaim_stale() == []  # its task is alive now: nothing to do
