"""The yearly reminder to 常委 who have not submitted their duty report (``manage.py duty_remind_reports``).

Each (year, member) is reminded once: the notifications app's Reminder row with that key is inserted in the
same transaction as the notice, so a second run (or a second server) sends nothing."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse

from core import clock
from notifications import rules as notifications
from notifications.models import Reminder

from . import selectors


def remind_self_reports(year: int) -> list[int]:
    """Remind every standing member without a report for ``year``; returns the ids of those reminded."""
    reminded = []
    due = dt.date(year + 1, 1, 31)
    for user in selectors.standing_without_report(year):
        key = f"duty_self_report:{year}:{user.pk}"
        try:
            with transaction.atomic():
                Reminder.objects.create(key=key, kind="duty_self_report", due=due, created_at=clock.now())
                notifications.write(
                    [user],
                    kind="reminder",
                    case=None,
                    title=f"请提交{year}年度履职工作报告",
                    body=f"按《委员履职工作规则》，常委须提交年度履职工作报告，请于{due:%Y年%-m月%-d日}前提交。",
                    link=reverse("duty:self_report", args=[year]),
                    key=key,
                )
        except IntegrityError:
            continue  # reminded before
        reminded.append(user.pk)
    return reminded
