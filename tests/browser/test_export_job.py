"""A large export in headless Chromium: the job's progress bar fills (htmx polling) while a real worker
runs it from the database queue, the download link appears, and the file downloads. Screenshots in
test-artifacts/screenshots/ (export-job-queued.png, export-job-done.png, my-exports-375.png)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from jobs.models import Job
from tests.auth_helpers import browser_login
from tests.browser.test_whole_case import PASSWORD, SHOTS, browser  # noqa: F401  (fixture)
from tests.jobs.test_workers import start_worker  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_large_export_shows_its_progress_bar_finishing_and_downloads_the_file(
    transactional_db,
    world,
    browser,  # noqa: F811
    live_server,
    settings,
    start_worker,  # noqa: F811
):
    from tests.factories import CaseBuilder

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXPORT_JOB_THRESHOLD = 0
    for _ in range(4):
        CaseBuilder(world).filed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", accept_downloads=True)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.set_default_timeout(30000)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    browser_login(page, live_server.url, world.staff.username, PASSWORD)

    # No dashboard snapshot yet: the page queues the refresh and waits (htmx) until a worker made it.
    page.goto(f"{live_server.url}/stats/")
    assert "统计数据正在生成" in page.locator("#stats-waiting").inner_text()
    first = start_worker("w-dashboard")
    page.wait_for_selector("#export-catalogue")
    assert "数据更新于" in page.locator(".stats-freshness").inner_text()
    first.terminate()  # SIGTERM: an idle worker stops at once
    first.wait(timeout=20)

    page.click("#export-catalogue")
    page.wait_for_url(lambda url: "/jobs/" in url)
    # No worker now: the job waits in the queue, and the page says so with an empty bar.
    assert page.locator(".job-progress progress").get_attribute("value") == "0"
    assert "排队中" in page.locator(".job-state").inner_text()
    page.screenshot(path=str(SHOTS / "export-job-queued.png"), full_page=True)

    start_worker("w-export")
    # htmx polls the progress block every second until the job is finished.
    page.wait_for_selector("a.job-download")
    assert page.locator(".job-progress progress").get_attribute("value") == "100"
    assert "已完成" in page.locator(".job-state").inner_text()
    page.screenshot(path=str(SHOTS / "export-job-done.png"), full_page=True)

    with page.expect_download() as info:
        page.click("a.job-download")
    download = info.value
    assert download.suggested_filename.startswith("提案目录_") and download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    assert sheet.max_row == 1 + 4

    page.goto(f"{live_server.url}/jobs/")
    assert "提案目录导出" in page.locator("table.job-table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(SHOTS / "my-exports-375.png"), full_page=True)
    job = Job.objects.get(kind="export_catalogue")
    assert (job.state, job.attempts) == ("succeeded", 1)
    assert problems == []
