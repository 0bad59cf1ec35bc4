"""Delivering OutboxMessage rows: claim with a conditional UPDATE, send, mark sent or retry.

Several servers may run ``manage.py deliver_outbox`` at once: a row is claimed by the one
UPDATE … WHERE state='pending' AND next_attempt_at <= now that changes it, so each message is
sent by one worker. A worker that dies mid-send leaves its rows in ``sending``; after
STUCK_AFTER they are put back to ``pending`` (an at-least-once guarantee, as mail always is).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F

from core import clock
from notifications import sms
from notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

STUCK_AFTER = dt.timedelta(minutes=10)
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
State = OutboxMessage.State


@dataclass
class Report:
    reclaimed: int = 0
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"已发送 {len(self.sent)} 条，稍后重试 {len(self.retrying)} 条，"
            f"最终失败 {len(self.failed)} 条，收回超时 {self.reclaimed} 条。"
        )


def worker_name() -> str:
    # host:pid identifies the process; the suffix tells this batch from its earlier ones.
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def reclaim_stuck() -> int:
    now = clock.now()
    return OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        state=State.PENDING, claimed_by="", next_attempt_at=now, last_error="领取后超时未完成，已收回重发。"
    )


def claim(limit: int = 100, ids: list[int] | None = None) -> tuple[str, list[OutboxMessage]]:
    now = clock.now()
    due = OutboxMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    candidates = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    if not candidates:
        return "", []
    worker = worker_name()
    # The conditional UPDATE is the claim: a row another worker took meanwhile no longer matches.
    OutboxMessage.objects.filter(pk__in=candidates, state=State.PENDING, next_attempt_at__lte=now).update(
        state=State.SENDING,
        claimed_by=worker,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    return worker, list(OutboxMessage.objects.filter(claimed_by=worker, state=State.SENDING).order_by("id"))


def send_one(message: OutboxMessage) -> None:
    if message.channel == OutboxMessage.Channel.EMAIL:
        EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.address]).send()
    elif message.template:
        sms.get_backend().send_template(
            message.address, message.template, message.params or {}, message.body, ref=str(message.pk)
        )
    else:
        sms.get_backend().send(message.address, message.body)


def _finish(message: OutboxMessage, worker: str, report: Report, error: Exception | None) -> None:
    now = clock.now()
    mine = OutboxMessage.objects.filter(pk=message.pk, state=State.SENDING, claimed_by=worker)
    if error is None:
        mine.update(state=State.SENT, sent_at=now, last_error="")
        report.sent.append(message.pk)
        return
    text = f"{type(error).__name__}: {error}"[:2000]
    # A gateway's "no retry can mend this" (invalid number, template not approved) gives up at once.
    if isinstance(error, sms.SMSGiveUp) or message.attempts >= getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8):
        mine.update(state=State.FAILED, last_error=text)
        report.failed.append(message.pk)
    else:
        mine.update(state=State.PENDING, last_error=text, next_attempt_at=now + backoff(message.attempts))
        report.retrying.append(message.pk)
    logger.warning("消息 %s 发送失败（第 %s 次）：%s", message.pk, message.attempts, text)


def deliver(limit: int = 100, ids: list[int] | None = None) -> Report:
    """Send what is due (or, with ``ids``, only those of them that are due)."""
    report = Report(reclaimed=reclaim_stuck() if ids is None else 0)
    worker, messages = claim(limit, ids)
    for message in messages:
        try:
            send_one(message)
        except Exception as error:  # any mail or SMS failure is retried, never raised to the caller
            _finish(message, worker, report, error)
        else:
            _finish(message, worker, report, None)
    return report


def deliver_after_commit(ids: list[int], limit: int = 20) -> None:
    """Schedule a small delivery of the just-written messages once the action has committed."""
    if not ids or not getattr(settings, "OUTBOX_DELIVER_ON_COMMIT", False):
        return

    def run() -> None:
        try:
            deliver(limit=limit, ids=ids[:limit])
        except Exception:  # the action is committed; deliver_outbox will pick the messages up
            logger.exception("提交后即时发送失败，留待 deliver_outbox 处理。")

    transaction.on_commit(run)
