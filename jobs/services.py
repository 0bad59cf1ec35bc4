"""Starting jobs, and re-claiming those whose worker died.

``start`` writes the Job row and one ``job_start`` audit event (who, from which IP, what), and enqueues
the task after the transaction commits, so a worker never looks for a row it cannot see yet.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit import trail as audit
from jobs import registry
from jobs.models import Job
from proposals.access import is_staff

logger = logging.getLogger(__name__)


def lease_seconds() -> float:
    return float(getattr(settings, "JOBS_LEASE_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "JOBS_MAX_ATTEMPTS", 3))


def _enqueue(job_id: int, *, delay: float = 0) -> None:
    from jobs.tasks import run_job

    task = run_job
    if delay and run_job.get_backend().supports_defer:
        task = run_job.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    result = task.enqueue(job_id)
    # The immediate backend has already run the job (and saved the row); only the task id is new.
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


def start(
    kind: str, *, user=None, params: dict | None = None, dedupe_key: str | None = None, delay: float = 0
) -> Job | None:
    """Create and enqueue a job of a registered kind. With ``dedupe_key``, nothing happens (None) when a
    job of that key is still queued: it will see the latest data when it runs (the debounce)."""
    if registry.get(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                owner=user,
                staff_job=bool(user is not None and is_staff(user)),
                params=params or {},
                ip=audit.current_ip(),
                dedupe_key=dedupe_key,
            )
            if user is not None:
                # A job a person started is audited like the request that started it (who, from where,
                # what); its own events (the export, the import) follow with the same actor and IP.
                # System jobs (the dashboard refresh after every change) are not: they change nothing.
                audit.record(
                    "job_start", actor=user, obj=job, object_type="job", data={"kind": kind, "params": params or {}}
                )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    if runs_in_process():
        # The immediate backend (tests) runs the job on this connection, which sees the row already.
        _enqueue(job.pk, delay=delay)
        job.refresh_from_db()
    else:
        # A worker must find the row: enqueue once it is committed.
        transaction.on_commit(lambda: _enqueue(job.pk, delay=delay))
    return job


def runs_in_process() -> bool:
    from django_tasks.backends.immediate import ImmediateBackend

    from jobs.tasks import run_job

    return isinstance(run_job.get_backend(), ImmediateBackend)


def visible_jobs(user):
    """The jobs a person may see: their own, and staff see staff jobs too."""
    if not user.is_authenticated:
        return Job.objects.none()
    mine = Q(owner=user)
    if is_staff(user):
        mine |= Q(staff_job=True)
    return Job.objects.filter(mine)


def reclaim_stale(now: dt.datetime | None = None) -> list[int]:
    """Queue again every running job whose heartbeat is older than the lease (its worker died), or fail it
    after JOBS_MAX_ATTEMPTS. Each move is one conditional update on (id, token): when several workers
    reap at once, exactly one wins per job and only it enqueues. Returns the ids re-queued."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=lease_seconds())
    requeued = []
    stale = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=cutoff).values(
        "id", "token", "attempts", "task_id"
    )
    for row in stale:
        same = Job.objects.filter(pk=row["id"], state=Job.State.RUNNING, token=row["token"], heartbeat_at__lt=cutoff)
        if row["attempts"] >= max_attempts():
            if same.update(state=Job.State.FAILED, token="", finished_at=now, message="执行进程多次中断，任务已停止。"):
                _mark_task_lost(row["task_id"])
                logger.warning("job %s failed: worker lost %s times", row["id"], row["attempts"])
            continue
        try:
            with transaction.atomic():
                moved = same.update(state=Job.State.QUEUED, token="", worker="", message="执行进程中断，已重新排队。")
        except IntegrityError:
            # Another job of the same dedupe key is already queued: it does the same work.
            moved = 0
            same.update(state=Job.State.FAILED, token="", finished_at=now, message="执行进程中断；同类任务已在排队。")
        if moved:
            _mark_task_lost(row["task_id"])
            logger.warning("job %s re-queued: its worker stopped sending heartbeats", row["id"])
            _enqueue(row["id"])
            requeued.append(row["id"])
    requeued += _enqueue_orphans(cutoff)
    return requeued


def _enqueue_orphans(cutoff: dt.datetime) -> list[int]:
    """A job left queued with no live task (its worker died between re-queuing it and enqueuing, or the
    enqueue after commit failed) gets a new task. Two reapers may both enqueue one: the claim lets one run."""
    from django_tasks.exceptions import TaskResultDoesNotExist

    from jobs.tasks import run_job

    if not run_job.get_backend().supports_get_result:
        return []
    orphans = []
    for row in Job.objects.filter(state=Job.State.QUEUED, created_at__lt=cutoff).values("id", "task_id"):
        try:
            alive = bool(row["task_id"]) and not run_job.get_result(row["task_id"]).is_finished
        except (TaskResultDoesNotExist, ValueError):
            alive = False
        if not alive:
            logger.warning("job %s was queued without a live task: enqueued again", row["id"])
            _enqueue(row["id"])
            orphans.append(row["id"])
    return orphans


def _mark_task_lost(task_id: str) -> None:
    """The database backend leaves the dead worker's task row RUNNING forever; say it failed."""
    from django.apps import apps

    if not task_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="jobs.runner.WorkerLost",
        traceback="worker lost (no heartbeat)",
    )
