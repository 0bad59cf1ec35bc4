"""Case numbers: one sequence per kind and session, consecutive, never reused, no duplicates under load."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from core import clock
from members.models import Session
from proposals import services
from proposals.errors import WorkflowError
from proposals.models import Case, NumberSequence
from tests.factories import CaseBuilder, ensure_reference_data

T0 = dt.date(2026, 3, 2)  # after 四届五次会议 (Jan 2026): regular cases take its sequence


@pytest.fixture
def reference_data(transactional_db):
    ensure_reference_data()


def _file(world, **kwargs) -> Case:
    return CaseBuilder(world, **kwargs).filed().refresh()


def test_numbers_are_consecutive_per_kind_within_a_session(world):
    with clock.frozen(T0):
        proposals = [_file(world) for _ in range(3)]
        suggestions = [CaseBuilder(world).converted().refresh() for _ in range(2)]
        proposals.append(_file(world))
    assert [c.number for c in proposals] == [1, 2, 3, 4]
    assert [c.number for c in suggestions] == [1, 2]
    session = Session.objects.get(name="四届五次会议")
    assert {c.session for c in proposals + suggestions} == {session}
    assert proposals[0].display_number == "四届五次会议 第001号"
    assert suggestions[1].display_number == "四届五次会议 建议第002号"


def test_each_session_has_its_own_sequence(world):
    with clock.frozen(dt.date(2025, 6, 2)):
        earlier = [_file(world) for _ in range(2)]
    with clock.frozen(T0):
        later = _file(world)
    assert [(c.session.name, c.number) for c in earlier] == [("四届四次会议", 1), ("四届四次会议", 2)]
    assert (later.session.name, later.number) == ("四届五次会议", 1)


def test_a_merged_or_withdrawn_case_does_not_free_its_number(world):
    with clock.frozen(T0):
        host = _file(world)
        merged = _file(world)
        services.perform("merge", world.reviewer, merged.pk, {"host": host.pk})
        CaseBuilder(world).withdrawn()  # withdrawn before filing: never took a number
        after = _file(world)
    merged.refresh_from_db()
    assert (merged.status, merged.number) == ("merged", 2)
    assert after.number == 3
    assert NumberSequence.objects.get(kind="proposal").last == 3


def test_a_refused_filing_takes_no_number(world):
    with clock.frozen(T0):
        case = CaseBuilder(world).submitted().case
        with pytest.raises(WorkflowError):
            services.perform("file", world.staff, case.pk)  # staff prepare, the reviewer decides
        services.perform("file", world.reviewer, case.pk)
    case.refresh_from_db()
    assert case.number == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_cases_filed_at_once_get_twenty_consecutive_numbers(postgres_only, reference_data, world):
    with clock.frozen(T0):
        ids = [CaseBuilder(world, cosign=False).submitted().case.pk for _ in range(20)]
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def file(case_id: int) -> None:
        try:
            with clock.frozen(T0):
                barrier.wait(timeout=30)
                services.perform("file", world.reviewer, case_id)
        except BaseException as error:  # reported below; a thread must not die silently
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(pk,)) for pk in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Case.objects.filter(pk__in=ids).values_list("number", flat=True))
    assert numbers == list(range(1, 21))
    assert NumberSequence.objects.get(kind="proposal").last == 20
