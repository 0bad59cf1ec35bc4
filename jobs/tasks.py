"""The one task of the queue: run the job of this id (jobs.runner does the work)."""

from __future__ import annotations

from django_tasks import task

from jobs import runner


@task()
def run_job(job_id: int) -> str:
    return runner.run(job_id)
