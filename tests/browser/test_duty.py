"""委员履职 in headless Chromium: the member's 2025 履职档案 at desktop width and at 375 px (every point a link
to its record, nothing wider than the screen), following a point to its record, and the staff's assessment
with the printable 通报 — screenshots in test-artifacts/screenshots/duty/."""

from __future__ import annotations

import datetime as dt

import pytest

from duty import services
from tests.browser.test_assist import _page
from tests.browser.test_whole_case import SHOTS, browser  # noqa: F401  (fixture)
from tests.duty.conftest import activity, attend, duty_world  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DUTY_SHOTS = SHOTS / "duty"


def test_a_member_reads_the_2025_dossier_and_staff_print_the_notice(transactional_db, duty_world, browser, live_server):  # noqa: F811
    w = duty_world
    for month, title in ((4, "经济界界别委员“助企纾困”座谈会"), (7, "经济界界别委员赴千河镇开展“科技助农”调研")):
        a = activity(w, "sector", title, dt.date(2025, month, 16), [w.member, w.member2])
        attend(w, a, m1="present", m2="present")
    reading = activity(w, "reading", "“书香政协”委员读书活动：共读《乡土中国》", dt.date(2025, 11, 6), [w.member])
    attend(w, reading, m1="present")
    services.submit_self_report(
        w.member,
        2025,
        "本年度认真参加全体会议和专委会活动，围绕城镇生活污水处理开展专题调研并执笔调研报告，领衔提交的提案被确定为重点提案。"
        * 2,
    )
    DUTY_SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    url = f"{base}/duty/dossier/2025/{w.member.pk}/"
    for width in (1280, 375):
        page, problems = _page(browser, base, w.member.username, width)
        page.goto(url)
        page.wait_for_selector("text=得分明细")
        assert "26.0" in page.locator(".duty-kpis").inner_text()  # 21 + two 界别 activities (2 + 2) + reading (1)
        links = page.locator(".duty-rule li a")
        assert links.count() == 11  # each of the 11 scored records is a link
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(DUTY_SHOTS / f"dossier-2025-{width}.png"), full_page=True)
        assert problems == []
    # A point leads to its record: the report line opens the 调研 with its report.
    page.locator(".duty-rule li a", has_text="调研报告").click()
    page.wait_for_selector("#report")
    assert "城镇生活污水处理专题调研" in page.locator("h1").inner_text()

    page, problems = _page(browser, base, w.staff.username)
    page.goto(f"{base}/duty/assessment/2025/")
    page.locator("button", has_text="进行评定").click()
    page.wait_for_selector("text=打印通报")
    page.screenshot(path=str(DUTY_SHOTS / "assessment-2025.png"), full_page=True)
    page.goto(f"{base}/duty/assessment/2025/notice/")
    assert "关于2025年度政协委员履职考核情况的通报" in page.locator("h1").inner_text()
    page.screenshot(path=str(DUTY_SHOTS / "notice-2025.png"), full_page=True)
    assert problems == []

    # The staff's attendance page of the 调研 on a phone.
    page, problems = _page(browser, base, w.staff.username, 375)
    page.goto(f"{base}/duty/activities/{w.study.pk}/")
    page.wait_for_selector("text=出席情况")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(DUTY_SHOTS / "activity-attendance-375.png"), full_page=True)
    assert problems == []
