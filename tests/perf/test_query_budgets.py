"""Query budgets of whole requests (session, user, roles, 2FA device and the bell included):
every list page and API list ≤ 10 queries, every detail page ≤ 16, the same for N and for 3N cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from proposals import services
from tests.factories import CaseBuilder

try:
    from tests.auth_helpers import login
except ImportError:  # before security part B: a plain session login

    def login(client, user):
        client.force_login(user)


pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
LIST_BUDGET, DETAIL_BUDGET = 10, 16
# Every list page, the workbenches included, keeps to the list budget.
WORKBENCH_BUDGET: dict[str, int] = {}
N = 2


def make_cases(world, n):
    with clock.frozen(DAY):
        for i in range(n):
            CaseBuilder(world, title=f"关于城区供暖设施改造的提案{i}").closed()
            CaseBuilder(world, title=f"关于职业教育人才培养的提案{i}").handling()
            CaseBuilder(world, title=f"关于养老服务的提案{i}").replied()
            CaseBuilder(world, title=f"关于污水处理的提案{i}").submitted()
            services.create_draft(world.member, title=f"草稿{i}", cosigners=[world.member2.pk])


LISTS = [
    ("staff", "proposals:case_list", ""),
    ("staff", "proposals:case_list", "q=供暖"),
    ("staff", "proposals:case_list", "status=handling&sort=submitted"),
    ("reviewer", "proposals:case_list", ""),
    ("unit", "proposals:case_list", ""),
    ("member", "proposals:case_list", ""),
    ("member", "proposals:member_workbench", ""),
    ("staff", "proposals:staff_workbench", ""),
    ("reviewer", "proposals:reviewer_workbench", ""),
    ("unit", "proposals:unit_workbench", ""),
    ("leader", "proposals:leader_workbench", ""),
    ("staff", "proposals:overdue_board", ""),
    (None, "proposals:public_list", ""),
    (None, "proposals:public_list", "q=供暖"),
    ("staff", "api:cases", ""),
    ("staff", "api:cases", "q=供暖"),
    ("unit", "api:cases", ""),
    ("member", "api:cases", ""),
    ("staff", "api:members", ""),
    ("staff", "api:units", ""),
]
DETAILS = [
    ("staff", "proposals:case_detail"),
    ("member", "proposals:case_detail"),
    ("unit", "proposals:case_detail"),
    ("reviewer", "proposals:case_detail"),
    ("staff", "api:case"),
    ("member", "api:case"),
    ("unit", "api:case"),
    ("staff", "api:case-events"),
    ("staff", "api:case-assignments"),
    ("staff", "api:case-replies"),
    ("staff", "api:case-ratings"),
    ("staff", "api:case-contacts"),
]


def measure(client, url: str) -> int:
    with clock.frozen(DAY), CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def _client_for(client, world, who):
    if who:
        login(client, world.users()[who])
    return client


@pytest.mark.parametrize("who,url_name,query", LISTS)
def test_a_list_stays_within_its_query_budget_whatever_the_number_of_cases(client, world, who, url_name, query):
    _client_for(client, world, who)
    url = reverse(url_name) + (f"?{query}" if query else "")
    make_cases(world, N)
    few = measure(client, url)
    make_cases(world, 2 * N)
    many = measure(client, url)
    print(f"\n{url_name}?{query} as {who}: {few} → {many} queries")
    assert many <= WORKBENCH_BUDGET.get(url_name, LIST_BUDGET)
    assert many <= few


@pytest.mark.parametrize("who,url_name", DETAILS)
def test_a_detail_page_stays_within_its_query_budget(client, world, who, url_name):
    _client_for(client, world, who)
    make_cases(world, N)
    with clock.frozen(DAY):
        case = CaseBuilder(world, title="关于供暖的提案").closed().refresh()
    few = measure(client, reverse(url_name, args=[case.pk]))
    make_cases(world, 2 * N)
    many = measure(client, reverse(url_name, args=[case.pk]))
    print(f"\n{url_name} as {who}: {few} → {many} queries")
    assert many <= DETAIL_BUDGET
    assert many <= few


def test_the_staff_case_list_pages_with_a_cursor_and_no_count(client, world):
    make_cases(world, 7)  # 28 cases staff see (the 7 drafts are not theirs), 25 a page
    login(client, world.staff)
    with clock.frozen(DAY), CaptureQueriesContext(connection) as captured:
        first = client.get(reverse("proposals:case_list"))
    assert not any("COUNT(" in q["sql"].upper() and "proposals_case" in q["sql"] for q in captured.captured_queries)
    page = first.context["page"]
    assert page.has_next and len(page.items) == 25
    second = client.get(reverse("proposals:case_list"), {"after": page.next_cursor}).context["page"]
    assert second.number == 2 and not second.has_next
    seen = [c.pk for c in page.items] + [c.pk for c in second.items]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen) == 28


@pytest.mark.parametrize("sort", ["old", "number", "submitted", "title"])
def test_every_sort_of_the_case_list_pages_through_all_cases_once(client, world, sort):
    make_cases(world, 7)
    login(client, world.staff)
    seen, cursor = [], None
    for _ in range(5):
        params = {"sort": sort, **({"after": cursor} if cursor else {})}
        page = client.get(reverse("proposals:case_list"), params).context["page"]
        seen += [c.pk for c in page.items]
        if not page.has_next:
            break
        cursor = page.next_cursor
    everything = client.get(reverse("proposals:case_list"), {"sort": sort}).context["page"]
    assert len(seen) == len(set(seen)) == 28 and len(everything.items) == 25  # the 7 drafts are not staff's


def test_a_garbled_cursor_shows_the_first_page(client, world):
    make_cases(world, 1)
    login(client, world.staff)
    page = client.get(reverse("proposals:case_list"), {"after": "!!not-a-cursor"}).context["page"]
    assert page.number == 1 and len(page.items) == 4  # the draft is not staff's
