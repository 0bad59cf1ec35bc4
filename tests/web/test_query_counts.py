"""The workbenches and the case list cost the same number of queries for N and for 3N cases."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from proposals import services
from tests.factories import CaseBuilder

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
N = 2


def make_cases(world, n):
    with clock.frozen(DAY):
        for i in range(n):
            CaseBuilder(world, title=f"关于城区供暖设施改造的提案{i}").replied()
            CaseBuilder(world, title=f"关于职业教育人才培养的提案{i}").handling()
            CaseBuilder(world, title=f"关于污水处理的提案{i}").submitted()
            services.create_draft(world.member, title=f"草稿{i}", cosigners=[world.member2.pk])


PAGES = [
    ("member", "proposals:member_workbench"),
    ("member2", "proposals:member_workbench"),
    ("staff", "proposals:staff_workbench"),
    ("reviewer", "proposals:reviewer_workbench"),
    ("unit", "proposals:unit_workbench"),
    ("leader", "proposals:leader_workbench"),
    ("staff", "proposals:case_list"),
    ("reviewer", "proposals:case_list"),
    ("staff", "proposals:overdue_board"),
]


@pytest.mark.parametrize("who,url_name", PAGES)
def test_the_number_of_queries_does_not_grow_with_the_cases(
    client, world, django_assert_max_num_queries, who, url_name
):
    user = world.users()[who]
    client.force_login(user)
    url = reverse(url_name)
    make_cases(world, N)
    with clock.frozen(DAY), CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_cases(world, 2 * N)
    with clock.frozen(DAY), django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    print(f"\n{url_name} as {who}: {len(few.captured_queries)} queries")


def test_the_member_workbench_counts_a_joint_case_once(client, world):
    with clock.frozen(DAY):
        CaseBuilder(world).submitted()
    client.force_login(world.member2)
    response = client.get(reverse("proposals:member_workbench"))
    assert [c["n"] for c in response.context["counts"]] == [1]
