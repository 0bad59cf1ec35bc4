"""The outbox: written with the action, delivered after commit, retried when mail fails."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from core import clock
from notifications import outbox
from notifications.models import Notification, OutboxMessage
from proposals.errors import WorkflowError
from tests.factories import CaseBuilder

FAILING = "tests.notifications.test_delivery.FailingEmailBackend"


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP 服务器拒绝连接")


def deliver() -> str:
    out = io.StringIO()
    call_command("deliver_outbox", stdout=out)
    return out.getvalue()


def test_an_action_that_fails_leaves_no_notification(w):
    b = CaseBuilder(w).submitted()
    before = (Notification.objects.count(), OutboxMessage.objects.count())
    with pytest.raises(WorkflowError):
        b.act("return_for_revision", w.reviewer, {"reason": ""})  # reason required: 400
    with pytest.raises(WorkflowError):
        b.act("file", w.member)  # a member may not file: 403
    assert (Notification.objects.count(), OutboxMessage.objects.count()) == before


def test_smtp_failure_leaves_the_action_done_and_a_later_run_sends(w, settings, django_capture_on_commit_callbacks):
    b = CaseBuilder(w).submitted()
    deliver()
    mail.outbox.clear()
    settings.OUTBOX_DELIVER_ON_COMMIT = True
    settings.EMAIL_BACKEND = FAILING
    with (
        clock.frozen(dt.datetime(2026, 3, 2, 10, 0, tzinfo=clock.LOCAL)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        b.act("file", w.reviewer)  # the after-commit delivery fails; the action must not
    assert b.refresh().status == "filed"
    queued = OutboxMessage.objects.filter(subject__contains="已立案", channel="email")
    assert {m.state for m in queued} == {"pending"}
    assert all(m.attempts == 1 and "SMTP" in m.last_error for m in queued)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with clock.frozen(dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=clock.LOCAL)):
        assert "已发送 0 条" in deliver()  # backing off: not due yet
    with clock.frozen(dt.datetime(2026, 3, 2, 10, 5, tzinfo=clock.LOCAL)):
        output = deliver()
    assert "已发送 2 条" in output
    assert {m.to[0] for m in mail.outbox} == {w.member.email, w.member2.email}
    assert {m.state for m in queued.all()} == {"sent"}


def test_delivery_on_commit_sends_right_away_when_turned_on(w, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_DELIVER_ON_COMMIT = True
    b = CaseBuilder(w).submitted()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        b.act("file", w.reviewer)
    assert {m.to[0] for m in mail.outbox} == {w.member.email, w.member2.email}


def test_backoff_grows_and_gives_up_after_max_attempts(w, settings):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 3
    CaseBuilder(w, cosign=False).submitted().act("file", w.reviewer)
    message = OutboxMessage.objects.get(channel="email", recipient=w.member, subject__contains="已立案")
    start = clock.now()
    for attempt, wait in [(1, dt.timedelta(minutes=1)), (2, dt.timedelta(minutes=2))]:
        with clock.frozen(start + dt.timedelta(hours=attempt)):
            deliver()
            message.refresh_from_db()
            assert (message.state, message.attempts) == ("pending", attempt)
            assert message.next_attempt_at == clock.now() + wait
    with clock.frozen(start + dt.timedelta(hours=5)):
        assert "最终失败 1 条" in deliver()
    message.refresh_from_db()
    assert message.state == "failed"


def test_a_claimed_row_is_not_claimed_again_and_stuck_rows_come_back(w):
    CaseBuilder(w, cosign=False).submitted().act("file", w.reviewer)
    worker, claimed = outbox.claim()
    assert claimed and all(m.claimed_by == worker for m in claimed)
    assert outbox.claim() == ("", [])  # a second server finds nothing to take
    with clock.frozen(clock.now() + dt.timedelta(minutes=11)):
        assert outbox.reclaim_stuck() == len(claimed)
        report = outbox.deliver()
    assert len(report.sent) == len(claimed)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the reference data (categories, calendar)
def test_two_workers_at_once_send_each_message_once(postgres_only, w):
    import threading

    from django.db import connection

    CaseBuilder(w).submitted().act("file", w.reviewer)
    OutboxMessage.objects.update(state="pending", next_attempt_at=clock.now())
    total = OutboxMessage.objects.count()
    mail.outbox.clear()
    reports, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            reports.append(outbox.deliver())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(len(r.sent) for r in reports) == total
    assert len([m for m in mail.outbox]) == OutboxMessage.objects.filter(channel="email").count()
    assert OutboxMessage.objects.exclude(state="sent").count() == 0
