"""The annual report's draft page in headless Chromium: the text and tables at 1280 and 375 px, and the
Word draft made by a job and downloaded (issue 23). Runs on PostgreSQL (CI); on SQLite it skips."""

from __future__ import annotations

import pytest

from tests.auth_helpers import browser_login
from tests.browser.test_whole_case import PASSWORD, SHOTS, browser  # noqa: F401  (fixture)
from tests.stats.conftest import build_mix

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _open(browser, base: str, username: str, width: int, height: int):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.set_default_timeout(20000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    browser_login(page, base, username, PASSWORD)
    page.goto(f"{base}/stats/annual/")
    page.wait_for_selector("article.report-draft")
    return page, problems


def test_the_draft_report_reads_on_a_phone_and_its_word_draft_downloads(transactional_db, world, browser, live_server):  # noqa: F811
    build_mix(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, problems = _open(browser, live_server.url, world.staff.username, 1280, 900)
    assert "共立案提案" in page.locator("p.report-paragraph").nth(1).inner_text()
    assert page.locator("article.report-draft table.stats-table").count() >= 10
    page.screenshot(path=str(SHOTS / "annual-report.png"), full_page=True)

    phone, phone_problems = _open(browser, live_server.url, world.staff.username, 375, 812)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=str(SHOTS / "annual-report-375.png"), full_page=True)

    page.click("button[value=docx]")
    page.wait_for_url(lambda url: "/jobs/" in url)
    page.wait_for_selector("a.job-download")
    with page.expect_download() as info:
        page.click("a.job-download")
    assert info.value.suggested_filename.endswith("提案工作情况报告（草稿）.docx")
    assert problems + phone_problems == []
