"""Review assistance in headless Chromium: the drafting panel, the review (case) page with similar cases,
and the merge-suggestion page acted on — with screenshots, no console errors, nothing wider than 375 px."""

from __future__ import annotations

import pytest

from tests.assist.conftest import submitted
from tests.auth_helpers import browser_login
from tests.browser.test_whole_case import PASSWORD, SHOTS, browser  # noqa: F401  (fixture)
from tests.factories import CaseBuilder

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _page(browser, base: str, username: str, width: int = 1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 500 else None)
    browser_login(page, base, username, PASSWORD)
    return page, problems


def test_the_panels_and_the_merge_page_work_in_the_browser(transactional_db, world, browser, live_server):  # noqa: F811
    w = world
    published = CaseBuilder(w, title="多渠道增加老旧小区周边停车场供给").closed().act("publish", w.staff).case
    a = submitted(
        w.member, "关于缓解老旧小区停车难的建议", w, facts="老旧小区没有规划车位，车辆乱停占用消防通道，居民意见很大。"
    )
    b = submitted(
        w.outsider,
        "破解城区居民小区停车位不足问题",
        w,
        facts="老旧小区车位缺口大，乱停乱放堵塞消防通道，居民意见很大。",
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    # A member drafting: the panel fills in as the title is typed, and never holds up saving.
    for width in (1280, 375):
        page, problems = _page(browser, base, w.member2.username, width)
        page.goto(f"{base}/cases/new/")
        page.fill("#id_title", "小区停车位太少，停车难")
        page.locator("#id_title").dispatch_event("input")
        page.wait_for_selector("#draft-similar .similar-item")
        items = page.locator("#draft-similar .similar-item").all_inner_texts()
        assert any(published.title in t for t in items) and not any(b.title in t for t in items)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"assist-drafting-panel-{width}.png"), full_page=True)
        assert problems == []

    # The reviewer's review (case) page shows the similar cases, waiting and earlier ones.
    page, problems = _page(browser, base, w.reviewer.username)
    page.goto(f"{base}/cases/{a.pk}/")
    page.wait_for_selector("#similar-cases .similar-item")
    text = page.locator("#similar-cases").inner_text()
    assert b.title in text and published.title in text
    page.screenshot(path=str(SHOTS / "assist-review-page-similar.png"), full_page=True)

    # The merge-suggestion page: the group, its host, and the reviewer's merge through the services.
    page.goto(f"{base}/assist/merge/")
    group = page.locator("form.merge-group").first
    assert a.title in group.inner_text() and b.title in group.inner_text()
    page.screenshot(path=str(SHOTS / "assist-merge-suggestions.png"), full_page=True)
    group.locator("button[type=submit]").click()
    page.wait_for_selector("text=处理结果")
    assert page.locator("table tr.ok").count() == 2  # the host filed, the other merged into it
    page.screenshot(path=str(SHOTS / "assist-merge-done.png"), full_page=True)
    assert problems == []
    b.refresh_from_db()
    a.refresh_from_db()
    assert {a.status, b.status} == {"filed", "merged"}
