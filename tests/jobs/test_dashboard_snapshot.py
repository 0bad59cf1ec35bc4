"""The dashboard nobody waits for: the page reads a snapshot; a change queues one (debounced) refresh job."""

from __future__ import annotations

import pytest

from jobs.models import Job
from reporting.models import DashboardSnapshot


@pytest.fixture
def db_queue(settings):
    """The database queue without a worker: jobs are queued, not run (as in production between polls)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_page_shows_the_snapshot_and_its_time_without_computing(world, login, monkeypatch):
    from reporting import stats

    client = login(world.staff)
    assert client.get("/stats/").status_code == 200  # the first view makes the snapshot (test backend: at once)
    snapshot = DashboardSnapshot.objects.get()

    def refuse(*args, **kwargs):
        raise AssertionError("the page computed the statistics")

    monkeypatch.setattr(stats, "dashboard", refuse)
    html = client.get("/stats/?sort=unit&order=asc").content.decode()
    local = snapshot.computed_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"数据更新于 {local:%H:%M}" in html


def test_without_a_snapshot_the_page_queues_a_refresh_and_waits(
    world, login, db_queue, django_capture_on_commit_callbacks
):
    client = login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.get("/stats/").content.decode()
        again = client.get("/stats/").content.decode()
    assert "统计数据正在生成" in html and 'hx-trigger="every 2s"' in html and "统计数据正在生成" in again
    # Two views, one queued refresh: the second found it waiting.
    assert list(Job.objects.values_list("kind", "state")) == [("dashboard_refresh", "queued")]
    assert not DashboardSnapshot.objects.exists()


def test_changes_to_cases_queue_one_refresh_after_they_commit(
    world, login, db_queue, django_capture_on_commit_callbacks
):
    from reporting.jobs import compute_snapshot
    from tests.factories import CaseBuilder

    compute_snapshot(world.term, None)
    with django_capture_on_commit_callbacks(execute=True):
        CaseBuilder(world).filed()  # several actions, each with its audit event
        CaseBuilder(world).submitted()
    refreshes = Job.objects.filter(kind="dashboard_refresh")
    assert [(j.state, j.dedupe_key, j.owner_id) for j in refreshes] == [("queued", "dashboard:all", None)]
    # The queued task waits DASHBOARD_REFRESH_DELAY seconds before a worker may take it (the debounce).
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get(id=refreshes.get().task_id)
    assert task.run_after > refreshes.get().created_at


def test_the_refresh_job_rewrites_every_snapshot_someone_looked_at(world):
    from jobs import services
    from reporting.jobs import compute_snapshot
    from tests.factories import CaseBuilder

    compute_snapshot(world.term, None)
    before = DashboardSnapshot.objects.get().data["headline"]["proposals_filed"]
    CaseBuilder(world).filed()
    job = services.start("dashboard_refresh")  # the test backend runs it at once
    assert job.state == "succeeded"
    assert DashboardSnapshot.objects.get().data["headline"]["proposals_filed"] == before + 1
