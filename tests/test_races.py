"""Races on PostgreSQL: the case row lock decides, one writer at a time, 50 times over."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from audit.models import AuditEvent
from core import clock
from members.models import Role
from proposals import services
from proposals.errors import WorkflowError
from proposals.models import Case, NumberSequence
from tests.factories import CaseBuilder, UserFactory, ensure_reference_data

T0 = dt.date(2026, 3, 2)
ROUNDS = 50

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(transactional_db):
    ensure_reference_data()


def _race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at the same instant, each in its own thread and connection; results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            with clock.frozen(T0):
                barrier.wait(timeout=30)
                results[i] = calls[i]()
        except BaseException as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_reviewers_filing_the_same_case_one_wins_and_one_number_is_taken(postgres_only, reference_data, world):
    second = UserFactory(username="r2", name="审查组二", roles=[Role.REVIEWER])
    with clock.frozen(T0):
        ids = [CaseBuilder(world, cosign=False).submitted().case.pk for _ in range(ROUNDS)]
    for case_id in ids:
        results = _race(
            lambda: services.perform("file", world.reviewer, case_id), lambda: services.perform("file", second, case_id)
        )
        won = [r for r in results if isinstance(r, Case)]
        lost = [r for r in results if isinstance(r, WorkflowError)]
        assert (len(won), len(lost)) == (1, 1), results
        assert (lost[0].kind, lost[0].code) == ("conflict", "wrong_state")
        assert AuditEvent.objects.filter(case_id=case_id, action="file", outcome="success").count() == 1
        assert AuditEvent.objects.filter(case_id=case_id, action="file", outcome="refused").count() == 1
    numbers = sorted(Case.objects.filter(pk__in=ids).values_list("number", flat=True))
    assert numbers == list(range(1, ROUNDS + 1))
    assert NumberSequence.objects.get(kind="proposal").last == ROUNDS


def test_two_units_signing_the_last_two_assignments_move_the_case_to_handling_once(
    postgres_only, reference_data, world
):
    with clock.frozen(T0):
        builders = [CaseBuilder(world, cosign=False).assigned() for _ in range(ROUNDS)]
    for b in builders:
        lead, co = b.assignment(world.unit), b.assignment(world.unit2)
        results = _race(
            lambda: services.perform("sign", world.unit_user, b.case.pk, assignment_id=lead.pk),
            lambda: services.perform("sign", world.unit2_user, b.case.pk, assignment_id=co.pk),
        )
        assert all(isinstance(r, Case) for r in results), results
        assert b.refresh().status == "handling"
        moves = [e.data.get("case_status") for e in AuditEvent.objects.filter(case=b.case, action="sign")]
        assert sorted(moves, key=str) == sorted([None, ["assigned", "handling"]], key=str)
