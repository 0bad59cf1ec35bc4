"""send_reminders: deadlines near (in working days) or past, each reminder sent once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from core import clock
from notifications import reminders
from notifications.models import Notification, OutboxMessage, Reminder
from proposals.models import Assignment
from tests.factories import CaseBuilder

DUE = dt.date(2025, 10, 9)  # the first working day after 国庆节 2025 (10月1日–8日 off)


def reply_due_on(w, day: dt.date) -> Assignment:
    b = CaseBuilder(w).handling(co=False)
    a = b.assignment(w.unit)
    Assignment.objects.filter(pk=a.pk).update(due_date=day)
    return a


def run(day: dt.date) -> str:
    out = io.StringIO()
    with clock.frozen(day):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def reminded(w) -> set[int]:
    return set(Notification.objects.filter(event="reminder").values_list("user_id", flat=True))


@pytest.mark.parametrize(
    "today, near",
    [
        (dt.date(2025, 9, 26), False),  # Fri: 9/28 (调休 Sun), 9/29, 9/30, 10/9 = 4 working days away
        (dt.date(2025, 9, 29), True),  # Mon: 9/30, 10/9 = 2 working days, though 10 calendar days
        (dt.date(2025, 10, 3), True),  # in the holiday: 1 working day away
    ],
)
def test_reminder_windows_count_working_days_across_the_national_day_holiday(w, today, near):
    reply_due_on(w, DUE)
    assert (reminders.phase(today, DUE, 3) == reminders.NEAR) is near
    run(today)
    assert reminded(w) == ({w.unit_user.pk} if near else set())


def test_a_past_reply_due_date_reminds_the_unit_and_staff(w):
    reply_due_on(w, DUE)
    output = run(dt.date(2025, 10, 10))
    assert reminded(w) == {w.unit_user.pk, w.staff.pk}
    assert "答复已逾期" in output


def test_running_send_reminders_twice_sends_once(w):
    reply_due_on(w, DUE)
    first = run(dt.date(2025, 9, 30))
    counts = (Notification.objects.count(), OutboxMessage.objects.count(), Reminder.objects.count())
    second = run(dt.date(2025, 9, 30))
    assert "共发送 1 条" in first and "共发送 0 条" in second
    assert (Notification.objects.count(), OutboxMessage.objects.count(), Reminder.objects.count()) == counts
    # Near and past are separate reminders of the same deadline.
    run(dt.date(2025, 10, 10))
    assert Reminder.objects.count() == 2


def test_an_extended_due_date_is_reminded_again(w):
    a = reply_due_on(w, DUE)
    run(dt.date(2025, 9, 30))
    Assignment.objects.filter(pk=a.pk).update(due_date=dt.date(2025, 10, 20))
    assert "共发送 1 条" in run(dt.date(2025, 10, 16))


def test_rating_window_reminds_only_proposers_who_have_not_rated(w):
    b = CaseBuilder(w).replied()
    b.act(
        "rate", w.member, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, assignment=b.assignment(w.unit)
    )
    deadline = b.refresh().rating_deadline
    run(deadline)
    assert reminded(w) == {w.member2.pk}


def test_sign_window_reminds_the_unit_before_it_closes(w):
    b = CaseBuilder(w).assigned(co=False)
    deadline = b.assignment(w.unit).return_deadline
    run(deadline - dt.timedelta(days=1))
    assert reminded(w) == {w.unit_user.pk}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the reference data (categories, calendar)
def test_two_servers_running_at_once_send_each_reminder_once(postgres_only, w):
    import threading

    from django.db import connection

    reply_due_on(w, DUE)
    results, barrier = [], threading.Barrier(2)

    def server():
        barrier.wait()
        try:
            results.append(reminders.send(dt.date(2025, 9, 30)))
        finally:
            connection.close()

    threads = [threading.Thread(target=server) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results) == [0, 1]
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(event="reminder").count() == 1
