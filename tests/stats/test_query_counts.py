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


def _compute_queries(world) -> int:
    from members.models import Term
    from reporting.jobs import compute_snapshot

    with CaptureQueriesContext(connection) as ctx:
        compute_snapshot(Term.current(), None)
    return len(ctx.captured_queries)


def test_the_dashboard_refresh_runs_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    _add(world, 6)
    few = _compute_queries(world)
    assert few <= 60
    _add(world, 12)  # now 3N cases
    assert _compute_queries(world) <= few


@pytest.mark.parametrize(
    "path", ["/stats/", "/stats/?sort=satisfaction_rate&order=asc", "/stats/?year=2026", "/stats/annual/?year=2026"]
)
def test_the_dashboard_page_reads_its_snapshot_in_a_few_queries_whatever_the_number_of_cases(world, login, path):
    client = login(world.staff)
    _add(world, 6)
    client.get(path)  # no snapshot yet: the refresh job runs (in process under the test backend)
    few = _queries(client, path)
    assert few <= 15
    _add(world, 12)  # now 3N cases
    from reporting.jobs import request_refresh

    request_refresh(delay=0)
    assert _queries(client, path) <= few
