"""发文字号: each document numbered once, in its series and year, never the same number twice — also
when many are made at the same moment (PostgreSQL: the series row is locked while a number is taken)."""

import threading

import pytest
from django.db import connection

from audit.models import AuditEvent
from reporting.documents import numbers
from reporting.models import DocumentNumberSeries, IssuedDocumentNumber

PATTERN = "陈政协提〔{year}〕{number}号"


def test_a_document_keeps_its_number_and_the_next_one_takes_the_next(db):
    first = numbers.issue("assignment_notice", "assignment:1", series="notice", pattern=PATTERN, year=2026)
    again = numbers.issue("assignment_notice", "assignment:1", series="notice", pattern=PATTERN, year=2026)
    second = numbers.issue("reminder_notice", "reminder:1", series="notice", pattern=PATTERN, year=2026)
    other_year = numbers.issue("assignment_notice", "assignment:2", series="notice", pattern=PATTERN, year=2027)
    assert (first, again, second, other_year) == (
        "陈政协提〔2026〕1号",
        "陈政协提〔2026〕1号",
        "陈政协提〔2026〕2号",
        "陈政协提〔2027〕1号",
    )
    assert AuditEvent.objects.filter(action="document_number").count() == 3


def test_each_unit_numbers_its_letters_in_its_own_series(db):
    a = numbers.issue(
        "reply_letter", "reply:1", series="unit:1", pattern="{unit}函〔{year}〕{number}号", year=2026, unit="区住建局"
    )
    b = numbers.issue(
        "reply_letter", "reply:2", series="unit:2", pattern="{unit}函〔{year}〕{number}号", year=2026, unit="区教育局"
    )
    assert (a, b) == ("区住建局函〔2026〕1号", "区教育局函〔2026〕1号")


def test_a_mistyped_pattern_still_numbers(db):
    assert numbers.issue("x", "1", series="s", pattern="〔{year}〕{nummer}号", year=2026) == "〔2026〕1号"


@pytest.mark.django_db(transaction=True)
def test_numbers_taken_at_the_same_moment_never_repeat(postgres_only):
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def take(i: int) -> None:
        try:
            barrier.wait()
            results.append(
                numbers.issue("assignment_notice", f"assignment:{i}", series="notice", pattern=PATTERN, year=2026)
            )
            # the same document asked twice at once gets one number
            results.append(
                numbers.issue("assignment_notice", "assignment:shared", series="notice", pattern=PATTERN, year=2026)
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    issued = list(IssuedDocumentNumber.objects.filter(series="notice", year=2026).values_list("number", flat=True))
    assert sorted(issued) == list(range(1, 10))  # 8 documents + the shared one, no gap, no repeat
    assert DocumentNumberSeries.objects.get(series="notice", year=2026).last == 9
    assert len(set(results)) == 9
