"""The statistics dashboard in headless Chromium: charts drawn, no console errors, screenshots.

Runs on PostgreSQL (CI); on SQLite it skips, like the other browser tests.
"""

from __future__ import annotations

import pytest

from tests.auth_helpers import browser_login
from tests.browser.test_whole_case import PASSWORD, SHOTS, browser  # noqa: F401  (fixture)
from tests.stats.conftest import build_mix

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _open_dashboard(browser, base: str, username: str, width: int, height: int):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    # The site has no favicon yet; the browser's automatic request for it is not the dashboard's error.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    browser_login(page, base, username, PASSWORD)  # with the TOTP code: the dashboard's users need 2FA
    page.goto(f"{base}/stats/")
    page.wait_for_selector("[data-chart] canvas")
    return page, problems


def test_the_dashboard_draws_its_charts_without_console_errors(transactional_db, world, browser, live_server):  # noqa: F811
    build_mix(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, problems = _open_dashboard(browser, live_server.url, world.staff.username, 1280, 900)
    charts = page.locator("[data-chart]").count()
    assert charts >= 9
    assert page.locator("[data-chart] canvas").count() >= charts
    assert page.locator("table.stats-table caption").count() >= 9
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    # Sorting the league by a header link works without any script.
    page.click("table.league thead a:has-text('逾期未复')")
    page.wait_for_url(lambda url: "sort=overdue" in url)
    assert page.locator("table.league th[aria-sort='descending']").count() == 1

    phone, phone_problems = _open_dashboard(browser, live_server.url, world.staff.username, 375, 812)
    assert phone.locator("[data-chart] canvas").count() >= charts
    # Nothing pushes the page sideways on a phone (wide tables scroll inside their own box).
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=str(SHOTS / "dashboard-375.png"), full_page=True)
    assert problems + phone_problems == []
