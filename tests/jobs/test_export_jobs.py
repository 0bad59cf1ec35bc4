"""Large exports become jobs: progress page, 我的导出, access-checked download, audit (ImmediateBackend)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from audit.models import AuditEvent
from jobs.models import Job
from proposals.models import Case


@pytest.fixture
def big_threshold_zero(settings):
    settings.EXPORT_JOB_THRESHOLD = 0  # every export is "large"


def _numbered(world):
    from tests.factories import CaseBuilder

    for _ in range(3):
        CaseBuilder(world).filed()
    return Case.objects.filter(number__isnull=False).count()


def test_an_export_over_the_threshold_runs_as_a_job_and_its_file_is_listed_and_downloadable(
    world, login, big_threshold_zero
):
    n = _numbered(world)
    client = login(world.staff)
    response = client.get("/exports/catalogue.xlsx", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job = Job.objects.get()
    assert (job.owner, job.kind, job.state, job.staff_job) == (world.staff, "export_catalogue", "succeeded", True)
    assert (job.done, job.total) == (n, n)

    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and f"/jobs/{job.pk}/download/" in page
    listing = client.get("/jobs/").content.decode()
    assert "我的导出" in listing and "提案目录导出" in listing

    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == n + 1  # header + one row per numbered case


def test_the_job_is_audited_like_the_request_that_started_it(world, login, big_threshold_zero):
    _numbered(world)
    login(world.staff).get("/exports/catalogue.xlsx", REMOTE_ADDR="10.1.2.3")
    job = Job.objects.get()
    start = AuditEvent.objects.get(action="job_start")
    export = AuditEvent.objects.get(action="export")
    assert (start.actor, start.object_id, start.data["kind"]) == (world.staff, str(job.pk), "export_catalogue")
    # The export event of the job names the person and the address of the request, as a direct download does.
    assert (export.actor, export.ip) == (world.staff, start.ip)
    assert export.data["kind"] == "catalogue"


def test_only_the_owner_and_for_a_staff_job_other_staff_can_see_and_download_it(world, login, big_threshold_zero):
    from members.models import Role
    from tests.factories import UserFactory

    _numbered(world)
    login(world.reviewer).get("/exports/catalogue.xlsx")
    reviewer_job = Job.objects.get()
    assert reviewer_job.staff_job is False
    # A reviewer's job: the staff do not see it, nor does anyone else.
    for other in (world.staff, world.member, world.unit_user):
        client = login(other)
        assert client.get(f"/jobs/{reviewer_job.pk}/").status_code == 404
        assert client.get(f"/jobs/{reviewer_job.pk}/download/").status_code == 404
    assert login(world.reviewer).get(f"/jobs/{reviewer_job.pk}/download/").status_code == 200

    login(world.staff).get("/exports/cases.xlsx")
    staff_job = Job.objects.exclude(pk=reviewer_job.pk).get()
    colleague = UserFactory(username="s2", name="提案委小王", roles=[Role.STAFF])
    assert login(colleague).get(f"/jobs/{staff_job.pk}/download/").status_code == 200
    assert login(world.reviewer).get(f"/jobs/{staff_job.pk}/download/").status_code == 404
    assert login(world.member).get(f"/jobs/{staff_job.pk}/").status_code == 404


def test_an_export_under_the_threshold_still_downloads_at_once(world, login, settings):
    settings.EXPORT_JOB_THRESHOLD = 1000
    _numbered(world)
    response = login(world.staff).get("/exports/catalogue.xlsx")
    assert response.status_code == 200 and Job.objects.count() == 0


def test_the_progress_block_polls_until_the_job_is_finished(world, login):
    from jobs.services import visible_jobs

    job = Job.objects.create(kind="export_cases", owner=world.staff, staff_job=True, state="running", done=3, total=10)
    client = login(world.staff)
    html = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="30"' in html and "3 / 10" in html
    Job.objects.filter(pk=job.pk).update(state="succeeded", done=10, result_file="missing.xlsx", result_name="x.xlsx")
    html = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and 'value="100"' in html
    # A row pointing at no file is a 404, not a server error.
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert list(visible_jobs(world.staff)) == [job]


def test_my_exports_page_reads_a_bounded_number_of_queries(world, login, django_assert_max_num_queries):
    for _ in range(30):
        Job.objects.create(kind="export_cases", owner=world.staff, staff_job=True, state="succeeded")
    client = login(world.staff)
    client.get("/jobs/")
    with django_assert_max_num_queries(12):
        assert client.get("/jobs/").status_code == 200
