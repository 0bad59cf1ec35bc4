"""The documents in headless Chromium at 375 px: the case page's 文书下载 card (Word and PDF links) and the
交办会 card on 批量交办, whose Word batch runs as a job and downloads from 我的导出. Screenshots in
test-artifacts/screenshots/ (case-documents-375.png, session-batch-375.png, session-batch-job-375.png)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.auth_helpers import browser_login
from tests.browser.test_whole_case import PASSWORD, SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser]


def test_staff_see_the_documents_of_a_case_and_print_a_sessions_notices(transactional_db, world, browser, live_server):  # noqa: F811
    from tests.factories import CaseBuilder

    case = CaseBuilder(world).replied("A").refresh()
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", accept_downloads=True)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.set_default_timeout(30000)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    browser_login(page, live_server.url, world.staff.username, PASSWORD)

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    card = page.locator("section.documents")
    assert "交办通知书（区住建局）" in card.inner_text() and "答复函（区住建局）" in card.inner_text()
    card.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card.screenshot(path=str(SHOTS / "case-documents-375.png"))
    with page.expect_download() as info:
        page.click("li[data-document='reply_letter'] >> text=Word")
    assert info.value.suggested_filename.endswith("区住建局.docx")

    page.goto(f"{live_server.url}/cases/assign/")
    batch = page.locator("#session-batch")
    assert "交办会材料" in batch.inner_text() and "2 份" in batch.inner_text()
    batch.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "session-batch-375.png"), full_page=True)
    page.click("#session-batch button:has-text('Word 压缩包')")
    page.wait_for_selector("a.job-download")
    page.screenshot(path=str(SHOTS / "session-batch-job-375.png"), full_page=True)
    with page.expect_download() as info:
        page.click("a.job-download")
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    assert len(archive.namelist()) == 2
    assert problems == []
