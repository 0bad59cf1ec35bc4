"""Issue 22 in headless Chromium: the assignment form with its suggested units (none selected) and the
drafting page with its 预审 advice, desktop and 375 px — screenshots, no console errors, nothing wider
than the screen."""

from __future__ import annotations

import pytest

from proposals import services
from tests.assist.conftest import submitted
from tests.browser.test_assist import _page
from tests.browser.test_whole_case import SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PARKING = [
    ("关于缓解老旧小区停车难的提案", "老旧小区没有规划车位，车辆乱停占用消防通道，居民意见很大。"),
    ("关于破解城区居民小区停车位不足问题的提案", "小区车位缺口大，乱停乱放堵塞消防通道，居民意见很大。"),
    ("关于多渠道增加老旧小区周边停车场供给的提案", "老城片区停车场少，车辆乱停乱放，消防通道被占。"),
]


def test_the_assignment_form_suggests_units_and_the_draft_page_advises(transactional_db, world, browser, live_server):  # noqa: F811
    w = world
    for title, facts in PARKING:
        case = submitted(w.member, title, w, facts=facts)
        services.perform("file", w.reviewer, case.pk, {})
        services.perform(
            "assign",
            w.staff,
            case.pk,
            {"units": [{"unit": w.unit.pk, "role": "lead"}, {"unit": w.unit3.pk, "role": "co"}]},
        )
    new = submitted(w.outsider, "关于解决居民区停车难的提案", w, facts="小区车位不足，车辆乱停，消防通道被堵。")
    services.perform("file", w.reviewer, new.pk, {})
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    for width in (1280, 375):
        page, problems = _page(browser, base, w.staff.username, width)
        page.goto(f"{base}/cases/{new.pk}/act/assign/")
        page.wait_for_selector(".unit-suggestions .suggest-list li")
        text = page.locator(".unit-suggestions").inner_text()
        assert "区住建局" in text and "近3年类似提案 3 件由区住建局主办" in text
        # Shown, never chosen: every unit select still reads ——不选——.
        assert all(v == "" for v in page.locator("select[name=unit_pick]").evaluate_all("els => els.map(e => e.value)"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"assist-assign-suggested-units-{width}.png"), full_page=True)
        page.goto(f"{base}/cases/assign/")
        page.wait_for_selector(".unit-suggest-cell .suggest-compact li")
        assert "区住建局" in page.locator(".unit-suggest-cell").first.inner_text()
        page.screenshot(path=str(SHOTS / f"assist-bulk-assign-suggested-units-{width}.png"), full_page=True)
        assert problems == []

        page, problems = _page(browser, base, w.member2.username, width)
        page.goto(f"{base}/cases/new/")
        page.fill("#id_title", "小区停车难问题")
        page.fill("#id_facts", "我家小区停车难。")
        page.fill("#id_suggestions", "希望有关部门高度重视，加大力度解决。")
        page.locator("#id_title").dispatch_event("input")
        page.locator("#id_suggestions").dispatch_event("change")
        page.wait_for_selector("#draft-precheck .precheck-item[data-rule=suggestion]")
        rules = page.locator("#draft-precheck .precheck-item").evaluate_all("els => els.map(e => e.dataset.rule)")
        assert {"title", "parts", "suggestion", "length"} <= set(rules)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"assist-drafting-precheck-{width}.png"), full_page=True)
        assert problems == [], problems

    # At review, the reviewer sees what the member was shown when submitting.
    case = submitted(
        w.member,
        "关于解决我家宅基地纠纷的提案",
        w,
        facts="我家与邻居因宅基地界线多年存在争议，村里调解多次没有结果，邻居加盖房屋，严重影响我家通行。",
        suggestions="建议镇政府和自然资源部门到现场重新勘界，责令邻居拆除违建，恢复我家原有通道。",
    )
    page, problems = _page(browser, base, w.reviewer.username)
    page.goto(f"{base}/cases/{case.pk}/")
    page.wait_for_selector("#case-precheck .precheck-recorded .precheck-item[data-rule=personal]")
    assert "提交时的预审提示" in page.locator("#case-precheck").inner_text()
    page.screenshot(path=str(SHOTS / "assist-review-recorded-precheck.png"), full_page=True)
    assert problems == []
