"""The dashboard runs a bounded number of queries, whatever the number of cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from tests.factories import CaseBuilder
from tests.stats.conftest import T0


def _add(world, n: int) -> None:
    with clock.frozen(T0):
        for i in range(n):
            b = CaseBuilder(world, cosign=bool(i % 2))
            [b.submitted, b.filed, b.assigned, b.handling, b.replied, b.closed][i % 6]()


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["/stats/", "/stats/?sort=satisfaction_rate&order=asc"])
def test_dashboard_queries_do_not_grow_with_the_number_of_cases(world, login, path, django_assert_max_num_queries):
    client = login(world.staff)
    _add(world, 6)
    few = _queries(client, path)
    assert few <= 60
    _add(world, 12)  # now 3N cases
    with django_assert_max_num_queries(few):
        client.get(path)
