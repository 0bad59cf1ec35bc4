"""List endpoints run a fixed number of queries, however many rows the page holds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from tests.factories import CaseBuilder


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/api/cases/?page_size=200",
        "/api/cases/?page_size=200&count=1&ordering=-due_date",
        "/api/members/",
        "/api/units/",
    ],
)
def test_list_queries_do_not_grow_with_rows(world, as_, path, django_assert_max_num_queries):
    client = as_("staff")
    with clock.frozen(dt.date(2026, 3, 2)):
        for _ in range(5):
            CaseBuilder(world, cosign=True).assigned()
    few = _count(client, path)
    with clock.frozen(dt.date(2026, 3, 2)):
        for _ in range(45):
            CaseBuilder(world, cosign=True).assigned()
    with django_assert_max_num_queries(few):
        client.get(path)
