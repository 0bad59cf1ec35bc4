"""The job wrapper: claim by a conditional update, heartbeat, progress, result file, audit context.

Claim: ``UPDATE job SET state=running, token=<new> … WHERE id=? AND state='queued'`` — of two workers
handed the same job only one gets a row back; a task for a job already running or finished does nothing.
While the handler runs, a heartbeat thread stamps ``heartbeat_at`` every JOBS_HEARTBEAT_SECONDS (and so
does every progress report); every write is conditional on the token, so a worker that lost its lease
(it was presumed dead and the job re-queued) stops at its next progress report and its late result is
discarded. The handler runs with the starting request's IP for the audit trail, and its events name the
job's owner. Running a job again from the start must give the same result: handlers are idempotent.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
import traceback
import uuid

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from audit import trail as audit
from jobs import registry, storage
from jobs.models import Job

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """This worker's claim on the job was taken over (it was presumed dead); stop without writing."""


class JobFailed(Exception):
    """A handler's refusal with a message for the person who started the job (Chinese)."""


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 10))


def worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job_id: int) -> tuple[Job, str] | None:
    token = uuid.uuid4().hex
    now = timezone.now()
    queued = Job.objects.filter(pk=job_id, state=Job.State.QUEUED)
    from django.db.models import F

    if not queued.update(
        state=Job.State.RUNNING,
        token=token,
        worker=worker_label()[:200],
        heartbeat_at=now,
        started_at=now,
        attempts=F("attempts") + 1,
        done=0,
        message="",
    ):
        return None
    return Job.objects.select_related("owner").get(pk=job_id), token


class _Heartbeat(threading.Thread):
    """Stamps the lease from its own database connection while the handler is busy in a long query."""

    def __init__(self, job_id: int, token: str):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id, self.token = job_id, token
        self.stop = threading.Event()
        self.lost = False

    def run(self) -> None:
        try:
            while not self.stop.wait(heartbeat_seconds()):
                try:
                    alive = Job.objects.filter(pk=self.job_id, token=self.token, state=Job.State.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a locked SQLite file or a dropped connection: try again next beat
                    logger.exception("heartbeat of job %s failed", self.job_id)
                    continue
                if not alive:
                    self.lost = True
                    return
        finally:
            connections.close_all()


class Progress:
    """``progress(done, total)``: written at most every half second (and at the end), with the heartbeat."""

    def __init__(self, job: Job, token: str, heartbeat: _Heartbeat | None):
        self.job, self.token, self.heartbeat = job, token, heartbeat
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.heartbeat is not None and self.heartbeat.lost:
            raise LeaseLost
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self.last < 0.5:
            return
        self.last = now
        fields = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if not Job.objects.filter(pk=self.job.pk, token=self.token, state=Job.State.RUNNING).update(**fields):
            raise LeaseLost
        self.job.done = done
        if total is not None:
            self.job.total = total


def run(job_id: int) -> str:
    """Run one job if it can be claimed; returns what happened (the task's return value)."""
    claimed = claim(job_id)
    if claimed is None:
        return "not claimed"
    job, token = claimed
    kind = registry.get(job.kind)
    # Under the immediate backend (tests) the job runs inside the caller's transaction, which another
    # connection cannot see: no heartbeat thread there (nobody could re-claim the job anyway).
    heartbeat = None if connection.in_atomic_block else _Heartbeat(job.pk, token)
    if heartbeat is not None:
        heartbeat.start()
    mine = Job.objects.filter(pk=job.pk, token=token, state=Job.State.RUNNING)
    try:
        if kind is None:
            raise JobFailed(f"未知的任务类型 {job.kind}")
        with audit.client_ip(job.ip):
            outcome = kind.handler(job, Progress(job, token, heartbeat))
        fields: dict = {"state": Job.State.SUCCEEDED, "finished_at": timezone.now(), "token": ""}
        placed = None
        if isinstance(outcome, registry.JobFile):
            placed = storage.final_path(job.pk, job.attempts, outcome.path.suffix)
            shutil.move(outcome.path, placed)
            fields.update(result_file=placed.name, result_name=outcome.filename, result_type=outcome.content_type)
        elif isinstance(outcome, dict):
            fields["result"] = outcome
        if job.total and "done" not in fields:
            fields["done"] = max(job.done, job.total)
        if not mine.update(**fields):
            if placed is not None:
                placed.unlink(missing_ok=True)
            raise LeaseLost
        return "succeeded"
    except LeaseLost:
        logger.warning("job %s: lease lost, result discarded", job.pk)
        return "lease lost"
    except Exception as error:
        message = str(error) if isinstance(error, JobFailed) else "任务执行出错，请稍后重试或联系管理员。"
        logger.error("job %s failed: %s", job.pk, traceback.format_exc())
        if mine.update(state=Job.State.FAILED, finished_at=timezone.now(), token="", message=message):
            audit.record(
                "job_failed",
                actor=job.owner,
                obj=job,
                object_type="job",
                ip=job.ip,
                data={"kind": job.kind, "error": type(error).__name__},
            )
        return "failed"
    finally:
        if heartbeat is not None:
            heartbeat.stop.set()
            heartbeat.join()
