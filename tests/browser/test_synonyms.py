"""Staff keep the synonym list in headless Chromium: reached from the merge page, a mistake answered in
Chinese with the typed words kept, a group added and changed — at 1280 and 375 px, nothing wider than the
screen, no console errors. Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from assist.models import SynonymGroup
from tests.browser.test_assist import _page
from tests.browser.test_whole_case import SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_staff_add_and_change_a_synonym_group_at_desktop_and_phone_width(transactional_db, world, browser, live_server):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page, problems = _page(browser, base, world.staff.username, 375)
    page.goto(f"{base}/assist/merge/")
    page.click("text=维护同义词表")
    page.wait_for_url("**/assist/synonyms/")

    page.fill("#id_words", "停车位 泊车位")  # 停车位 is in the seeded 停车难 group
    page.click("main button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "已在另一组" in page.locator(".field-error").inner_text()
    assert page.input_value("#id_words") == "停车位 泊车位"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(SHOTS / "assist-synonyms-error-375.png"), full_page=True)
    # The refused form is answered 400 on purpose (Chromium logs any 4xx); nothing else may go wrong.
    assert problems == [
        "console error: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    problems.clear()

    page.fill("#id_words", "烧烤摊点 露天烧烤")
    page.fill("#id_note", "夏季油烟")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已添加同义词组")
    group = SynonymGroup.objects.get(note="夏季油烟")
    page.click(f"a[href='/assist/synonyms/{group.pk}/edit/']")
    page.fill("#id_words", "烧烤摊点 露天烧烤 路边烧烤")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已保存同义词组")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(SHOTS / "assist-synonyms-375.png"), full_page=True)
    group.refresh_from_db()
    assert group.word_list() == ["烧烤摊点", "露天烧烤", "路边烧烤"]
    assert problems == []

    wide, problems = _page(browser, base, world.staff.username, 1280)
    wide.goto(f"{base}/assist/synonyms/")
    assert "路边烧烤" in wide.locator("table.synonym-table").inner_text()
    wide.screenshot(path=str(SHOTS / "assist-synonyms-1280.png"), full_page=True)
    assert problems == []
