"""One whole case played through the pages in headless Chromium, as the people would.

Runs once, on PostgreSQL (CI); on SQLite it skips. Screenshots of every role's workbench at
desktop and phone width go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core import clock
from proposals.models import Case
from tests.auth_helpers import browser_login
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "Chencang@2026"

PROPOSER_STEPS = [
    "起草",
    "附议确认",
    "提交",
    "立案",
    "交办",
    "签收",
    "沟通记录",
    "答复",
    "评价",
    "重新办理",
    "办结",
    "公开",
]
INTERNAL_STEPS = ["初审意见", "会办意见", "审核通过答复", "退回答复", "申请退回", "内部"]


@pytest.fixture
def browser():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("浏览器测试只在 PostgreSQL 上运行一次（CI）")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright 未安装：pip install -r requirements.txt")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        skip_or_fail("未找到 /usr/bin/chromium：apt-get install -y chromium")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


class People:
    """One browser context (own cookies) per person, logged in through the login page."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base, self.pages = browser, base_url, {}

    def as_(self, username: str):
        if username not in self.pages:
            context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(15000)
            browser_login(page, self.base, username, PASSWORD)  # with the TOTP code for staff/reviewer/leader
            self.pages[username] = page
        return self.pages[username]


def open_case(page, base, case_id):
    page.goto(f"{base}/cases/{case_id}/")


def act(page, base, case_id, action, unit_name=None, fill=None):
    """Click the action's button on the case page, fill its form (loaded in place by htmx), confirm."""
    open_case(page, base, case_id)
    buttons = page.locator(f'a[data-action="{action}"]')
    if unit_name:
        buttons = buttons.filter(has_text=unit_name)
    buttons.first.click()
    form = page.locator(f"#action-form-{action} form")
    form.wait_for()
    if fill:
        fill(form)
    form.locator("button.btn-primary").click()
    page.wait_for_load_state()
    message = page.locator(".msg").first.inner_text()
    assert "已完成" in message, f"{action}: {message}"


def test_a_whole_case_through_the_pages(transactional_db, world, browser, live_server):
    base = live_server.url
    people = People(browser, base)
    member, member2 = world.member.username, world.member2.username
    staff, reviewer, lead, co = (
        world.staff.username,
        world.reviewer.username,
        world.unit_user.username,
        world.unit2_user.username,
    )
    today = clock.today().isoformat()

    # The member drafts a joint proposal and invites a co-signer found by name.
    page = people.as_(member)
    page.goto(f"{base}/cases/new/")
    page.fill("input[name=title]", "关于加快车站棚户区改造的提案")
    page.select_option("select[name=category]", str(world.category.pk))
    page.fill("textarea[name=facts]", "车站片区棚户区房屋老旧，基础设施薄弱，群众改造愿望迫切。")
    page.fill("textarea[name=suggestions]", "一是统筹改造资金；二是分期分片实施；三是做好安置保障。")
    page.fill("#cosigner-search", "李委员")
    page.locator("#cosigner-results input[name=cosigners]").first.check()
    page.click("button:has-text('保存草稿')")
    page.wait_for_url(lambda url: "/cases/new/" not in url)
    case_id = Case.objects.get(title="关于加快车站棚户区改造的提案").pk

    # The co-signer sees the invitation on the workbench and confirms.
    page2 = people.as_(member2)
    page2.goto(f"{base}/workbench/member/")
    assert "待我确认的附议邀请" in page2.content()
    act(page2, base, case_id, "cosign")

    act(page, base, case_id, "submit")
    act(
        people.as_(staff),
        base,
        case_id,
        "recommend",
        fill=lambda f: (
            f.locator("select[name=outcome]").select_option("file"),
            f.locator("textarea[name=reason]").fill("内容具体，建议立案。"),
        ),
    )
    act(people.as_(reviewer), base, case_id, "file")

    def assign(f):
        f.locator("select[name=unit_pick]").nth(0).select_option(str(world.unit.pk))
        f.locator("select[name=role_pick]").nth(0).select_option("lead")
        f.locator("select[name=unit_pick]").nth(1).select_option(str(world.unit2.pk))
        f.locator("select[name=role_pick]").nth(1).select_option("co")

    act(people.as_(staff), base, case_id, "assign", fill=assign)

    act(people.as_(lead), base, case_id, "sign")
    act(people.as_(co), base, case_id, "sign")
    act(
        people.as_(co),
        base,
        case_id,
        "send_views",
        fill=lambda f: f.locator("textarea[name=text]").fill("我局将配合做好安置房源筹集。"),
    )

    def contact(f):
        f.locator("select[name=way]").select_option("visit")
        f.locator("select[name=point]").select_option("handling")
        f.locator("input[name=date]").fill(today)
        f.locator("input[name=people]").fill("赵局长、张委员")
        f.locator("textarea[name=summary]").fill("上门与提案人面对面协商改造方案。")
        f.locator("input[name=face_to_face]").check()

    act(people.as_(lead), base, case_id, "log_contact", fill=contact)

    def reply(letter):
        def fill(f):
            f.locator("input[name=reply_class][value=B]").check()  # radios that say what A, B and C mean (issue 17)
            f.locator("textarea[name=letter]").fill(letter)
            f.locator("input[name=signer]").fill("赵局长")
            f.locator("input[name=contact_person]").fill("钱科长")
            f.locator("input[name=contact_phone]").fill("0917-6212345")
            # The stamped letter is uploaded in the reply form itself (issue 13).
            f.locator("input[name=letter_upload]").set_input_files(
                files=[{"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%stamped\n"}]
            )

        return fill

    act(people.as_(lead), base, case_id, "reply", fill=reply("车站片区改造已列入明年计划，分两期实施。"))
    act(people.as_(staff), base, case_id, "accept_reply", unit_name=world.unit.name)

    def rate(value):
        def fill(f):
            f.locator(f"input[name=reply_rating][value={value}]").check()
            f.locator(f"input[name=contact_rating][value={value}]").check()
            f.locator("textarea[name=comment]").fill("意见：" + value)

        return fill

    act(page, base, case_id, "rate", fill=rate("satisfied"))
    act(page2, base, case_id, "rate", fill=rate("unsatisfied"))
    act(
        people.as_(staff),
        base,
        case_id,
        "rehandle",
        fill=lambda f: f.locator("textarea[name=reason]").fill("附议人不满意，请重新办理。"),
    )
    act(people.as_(lead), base, case_id, "reply", fill=reply("经再次研究，一期工程今年开工，二期明年实施。"))
    act(people.as_(staff), base, case_id, "accept_reply", unit_name=world.unit.name)
    act(page, base, case_id, "rate", fill=rate("satisfied"))
    act(page2, base, case_id, "rate", fill=rate("satisfied"))
    act(people.as_(staff), base, case_id, "close")
    act(people.as_(staff), base, case_id, "publish")
    assert Case.objects.get(pk=case_id).status == "closed"

    # The member's timeline: every step meant for proposers, none of the internal ones.
    open_case(page, base, case_id)
    timeline = page.locator("#timeline").inner_text()
    labels = page.locator("#timeline .tl-label").all_inner_texts()
    for step in PROPOSER_STEPS:
        assert step in labels, f"missing {step}: {labels}"
    for step in INTERNAL_STEPS:
        assert step not in labels, f"internal step {step} shown: {labels}"
    assert "一期工程今年开工" in timeline and "B类" in timeline
    assert "意见：unsatisfied" not in timeline  # member2's rating is not member's to see
    assert page.locator("#timeline").get_by_text("沟通记录").count() >= 1

    # An anonymous visitor finds it on the public pages, without contact details.
    anonymous = browser.new_context().new_page()
    anonymous.goto(f"{base}/public/")
    anonymous.fill("input[name=q]", "棚户区")
    anonymous.click("button:has-text('搜索')")
    anonymous.click("text=关于加快车站棚户区改造的提案")
    body = anonymous.content()
    assert "一期工程今年开工" in body
    assert world.member.phone not in body and "0917-6212345" not in body

    # Screenshots of each role's workbench, desktop and phone.
    SHOTS.mkdir(parents=True, exist_ok=True)
    benches = [
        (member, "member"),
        (staff, "staff"),
        (reviewer, "reviewer"),
        (lead, "unit"),
        (world.leader.username, "leader"),
    ]
    for username, role in benches:
        p = people.as_(username)
        for width, height in ((1280, 900), (375, 812)):
            p.set_viewport_size({"width": width, "height": height})
            p.goto(f"{base}/workbench/{role}/")
            assert "工作台" in p.locator("h1").inner_text()  # the unit's also names its unit
            assert p.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{role} overflows at {width}px"
            p.screenshot(path=str(SHOTS / f"{role}-{width}.png"), full_page=True)
    anonymous.set_viewport_size({"width": 375, "height": 812})
    anonymous.screenshot(path=str(SHOTS / "public-375.png"), full_page=True)
