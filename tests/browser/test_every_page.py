"""Every page of every role in headless Chromium (issue 17): axe-core finds no serious or critical
violation, at 375 px nothing is wider than the screen and every table cell names its column, and the
stumbles of the issue's list stay fixed. Screenshots of each page at 1280 and 375 px go to
test-artifacts/screenshots/ux/.

One live server, one record (tests/site17.py) and one logged-in browser context per role for the whole
module: the walk costs page loads, not set-ups. Runs on PostgreSQL (CI); skips on SQLite.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.auth_helpers import browser_login
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "Chencang@2026"
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"  # axe-core 4.10.2 (vendor/axe-core/README.md)
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "ux"
ROLES = {
    "member": "member",
    "cosigner": "member2",
    "staff": "staff",
    "reviewer": "reviewer",
    "unit": "unit",
    "leader": "leader",
    "auditor": "auditor",
    "sysadmin": "sysadmin",
}
# Pages not followed: downloads (they count as linked: tests/web/test_every_feature_linked.py), Django's
# admin and the API's own UI (not this project's templates), leaving.
NOT_FOLLOWED = ("/logout/", "/admin/", "/static/", "/api/", "/files/", "/exports/", "/documents/", "/download/")
PER_NAME = {"proposals:case_detail": 3, "proposals:case_action": 1}  # visits per URL name (others: 1)
MAX_PAGES = 22
BAD_IMPACT = {"serious", "critical"}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("浏览器测试只在 PostgreSQL 上运行一次（CI）")
    from tests.site17 import build_site

    shutil.rmtree(SHOTS, ignore_errors=True)  # this run's pages only
    with django_db_blocker.unblock():
        built = build_site()
    yield built
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def server(site):
    """The module's own live server: pytest-django's ``live_server`` makes every test that uses it
    transactional (a flush after each), which would empty the shared record after the first test."""
    from pytest_django.live_server_helper import LiveServer

    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()  # ALLOWED_HOSTS += the server's host, as live_server does
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.fixture(autouse=True)
def _database_open_to_the_server(server, django_db_blocker):
    """pytest-django blocks database access outside marked tests, in every thread: the live server's too."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright 未安装：pip install -r requirements.txt")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        skip_or_fail("未找到 /usr/bin/chromium：apt-get install -y chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def people(site, chromium, server, django_db_blocker):
    """One logged-in page per role, made when first asked for."""
    pages: dict[str, object] = {}

    def as_(role: str):
        if role not in pages:
            user = site.users()[ROLES[role]]
            context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            # Loaded into every document before the page's own scripts: the site's CSP (script-src 'self')
            # would refuse an injected <script> tag, and the init script is not the page's.
            context.add_init_script(path=str(AXE))
            page = context.new_page()
            page.set_default_timeout(15000)
            with django_db_blocker.unblock():
                browser_login(page, server.url, user.username, PASSWORD)
            pages[role] = page
        return pages[role]

    yield as_
    for page in pages.values():
        page.context.close()


def _name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def settled(page) -> None:
    """htmx panels that load after the page (类似提案) are dimmed while they load: judge the page once
    they are in."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=10000)


def axe_problems(page) -> list[str]:
    settled(page)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(f"{n['target']}: {n['failureSummary'][:160]}" for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in BAD_IMPACT
    ]


def phone_problems(page) -> list[str]:
    problems = []
    if page.locator("[data-chart]").count():
        page.wait_for_timeout(400)  # the charts follow the new width after their 150 ms resize debounce
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 375:
        problems.append(f"scrollWidth {width} > 375")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('table tbody td, table tbody th')]
             .filter(c => c.offsetParent !== null && !c.hasAttribute('data-label')
                          && !(c.colSpan > 1 && c.parentElement.cells.length === 1))
             .map(c => c.closest('table').tHead ? c.textContent.trim().slice(0, 20) : null).filter(Boolean)"""
    )
    if unlabelled:
        problems.append(f"cells without data-label: {unlabelled[:5]}")
    return problems


def check_page(page, label: str) -> list[str]:
    """axe at desktop width, then the phone checks; a screenshot at each width."""
    problems = [f"axe {p}" for p in axe_problems(page)]
    leaked = re.findall(r"\{[#%{].{0,40}", page.inner_text("body"))
    if leaked:
        problems.append(f"template syntax shown as text: {leaked[:2]}")  # e.g. a multi-line {# #} comment
    page.screenshot(path=str(SHOTS / f"{label}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    try:
        problems += phone_problems(page)
        page.screenshot(path=str(SHOTS / f"{label}-375.png"), full_page=True)
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    return problems


def walk(page, base: str, role: str) -> dict[str, list[str]]:
    """Breadth-first from the workbench over the role's own links; each URL name a few times at most."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    queue, seen, visits, report = [base + "/"], set(), {}, {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        page.wait_for_load_state("load")
        path = urlsplit(page.url).path
        name = _name(path) or path
        visits[name] = visits.get(name, 0) + 1
        label = f"{role}-{re.sub(r'[^a-z0-9]+', '_', name)}-{visits[name]}"
        report[page.url.replace(base, "")] = check_page(page, label)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            parts = urlsplit(urljoin(page.url, href))
            if (
                parts.netloc != urlsplit(base).netloc
                or any(part in parts.path for part in NOT_FOLLOWED)
                or parts.path.endswith((".docx", ".pdf", ".xlsx", ".csv", ".zip"))
                or "after=" in parts.query
            ):
                continue
            target = _name(parts.path)
            if target is None or visits.get(target, 0) + sum(
                _name(urlsplit(q).path) == target for q in queue
            ) >= PER_NAME.get(target, 1):
                continue
            queue.append(f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else ""))
    return report


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_the_role_passes_axe_and_fits_a_phone(people, server, role):
    report = walk(people(role), server.url, role)
    assert len(report) >= 2
    failing = {url: problems for url, problems in report.items() if problems}
    assert not failing, "\n".join(f"{url}: {p}" for url, problems in failing.items() for p in problems)


# --- The stumbles of the list, each asserted where people met them ---------------------------


# The one test of the module with the django_db mark: pytest-django creates the test database only for a
# session holding a marked test, and this one touches no rows itself (the others must not be marked: each
# would run in a transaction the live server cannot see into).
@pytest.mark.django_db
def test_the_two_factor_step_shows_no_navigation_before_the_code(chromium, site, server):
    context = chromium.new_context()
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", site.world.staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(login/otp|account/2fa)/"))
    assert page.locator(".site-nav").count() == 0 and page.locator(".notification-bell").count() == 0
    assert page.get_by_role("button", name="退出").count() == 1
    assert not axe_problems(page)
    page.context.close()


def test_the_leader_reads_past_supervision_records_and_attaches_photos(people, site, server):
    page = people("leader")
    page.goto(f"{server.url}/cases/{site.cases['key']}/")
    record = page.locator("#timeline .tl-item", has=page.locator(".tl-label", has_text="督办记录")).first
    text = record.inner_text()
    assert "带案视察" in text and "章浩建、区住建局赵局长" in text and "年内完成一期征收" in text
    assert record.get_by_role("link", name="视察现场.pdf").count() == 1
    page.goto(f"{server.url}/cases/{site.cases['key']}/act/log_supervision/")
    assert page.locator("input[type=file][name=photo_upload]").count() == 1
    assert page.get_by_label("照片/材料（可多选；JPG、PNG、PDF）").count() == 1


def test_the_rating_page_shows_the_reply_and_no_staff_fields(people, site, server):
    page = people("member")
    page.goto(f"{server.url}/cases/{site.cases['to_rate']}/")
    page.locator('a[data-action="rate"]').first.click()
    form = page.locator("#action-form-rate")
    form.wait_for()
    assert "经研究，答复如下" in form.locator(".rated-reply").inner_text()
    for name in ("proposer", "form_scan"):
        assert form.locator(f"[name={name}]").count() == 0
    assert "代录" not in form.inner_text() and "扫描件" not in form.inner_text()


def test_the_cosigner_sees_no_proxy_fields_and_one_word_on_the_button(people, site, server):
    page = people("cosigner")
    page.goto(f"{server.url}/cases/{site.cases['draft']}/act/cosign/")
    form = page.locator("#action-form-cosign")
    assert form.locator("[name=proposer], [name=scan]").count() == 0
    assert form.locator("button.btn-primary").inner_text().strip() == "附议确认"


def test_uploads_offer_only_the_purposes_of_the_user_in_this_state(people, site, server):
    member = people("member")
    member.goto(f"{server.url}/cases/{site.cases['draft']}/")
    options = member.locator("select[name=purpose] option").all_inner_texts()
    assert options == ["附件", "盖章扫描件"]
    member.goto(f"{server.url}/cases/{site.cases['closed']}/")
    assert member.locator("form.upload-form").count() == 0
    unit = people("unit")
    unit.goto(f"{server.url}/cases/{site.cases['late']}/")
    assert unit.locator("select[name=purpose] option").all_inner_texts() == ["盖章答复函"]


def test_the_overdue_board_is_sorted_by_urgency_and_urges_a_unit(people, site, server):
    page = people("staff")
    page.goto(f"{server.url}/cases/overdue/")
    cards = page.locator("main section.card")
    first = cards.nth(0)
    assert site.world.unit.name in first.locator("h2").inner_text()  # the unit with the longest overdue first
    titles = first.locator("tbody tr td:first-child").all_inner_texts()
    assert titles[0].startswith("关于城区供暖设施改造") and titles[1].startswith("关于城镇生活污水处理")
    # One set of column widths for every unit's card.
    widths = [cards.nth(i).locator("thead th").nth(2).bounding_box()["x"] for i in range(cards.count())]
    assert len(set(round(w) for w in widths)) == 1, widths
    row = first.locator("tbody tr").first
    assert "未催办过" in row.inner_text()
    row.get_by_role("button", name="催办").click()
    page.wait_for_load_state()
    assert "已催办" in page.locator(".msg").first.inner_text()
    assert "上次催办" in page.locator("main section.card").first.locator("tbody tr").first.inner_text()


def test_the_smaller_stumbles(people, site, server):
    base = server.url
    staff = people("staff")
    # The reply class says what A, B and C mean; the assignment pickers are labelled, grouped, searchable.
    unit = people("unit")
    unit.goto(f"{base}/cases/{site.cases['late']}/act/reply/?assignment={site.cases['late_assignment']}")
    assert unit.get_by_label("A类（已解决或采纳）").count() == 1
    staff.goto(f"{base}/cases/assign/")
    picker = staff.locator("select[name=unit_pick]").first
    assert staff.get_by_label("第 1 个单位").count() == 1
    assert picker.locator("optgroup").count() >= 1
    staff.get_by_label("查找单位").fill("教育")
    visible = picker.locator("option:not([hidden])").all_inner_texts()
    assert site.world.unit2.name in visible and site.world.unit.name not in visible
    # No trailing separator after the last proposer that counts.
    staff.goto(f"{base}/cases/")
    assert not [
        t for t in staff.locator("table.cases tbody td:nth-child(3)").all_inner_texts() if t.strip().endswith("、")
    ]
    # The staff tiles share their rows: none stands alone on the last one.
    tops = [round(b["y"]) for b in (t.bounding_box() for t in staff.locator("ul.counts li").all())]
    if len(set(tops)) > 1:
        assert tops.count(tops[-1]) > 1, tops
    # The stats page is not made tall by the monthly table.
    staff.goto(f"{base}/stats/")
    assert staff.locator(".table-scroll.capped").bounding_box()["height"] <= 24 * 16 + 2
    # The unit's 办理中 holds only what it still owes; its ratings say who rated.
    unit.goto(f"{base}/workbench/unit/")
    in_hand = unit.locator("section", has=unit.locator("h2", has_text="办理中")).first.inner_text()
    assert "已答复" not in in_hand
    ratings = unit.locator("section", has=unit.locator("h2", has_text="收到的评价")).inner_text()
    assert site.world.member.display_name in ratings
    # Found on the walk: the reviewer reads the staff's recommendation beside the decision buttons.
    reviewer = people("reviewer")
    reviewer.goto(f"{base}/cases/{site.cases['submitted']}/")
    assert "提案委初审意见：立案" in reviewer.locator("section.actions").inner_text()
    # Public search: a count and the words marked.
    public = people("member")
    public.goto(f"{base}/public/?q=制造业")
    assert "共找到 1 件" in public.locator(".search-count").inner_text()
    assert public.locator(".public-list mark").first.inner_text() == "制造业"
