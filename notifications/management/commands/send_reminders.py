"""Daily deadline reminders (sign-for window, co-handler views, reply due date, rating window).

Idempotent: running it twice, or on two servers at once, sends each reminder once
(notifications.reminders claims a unique key per reminder).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from notifications import reminders


class Command(BaseCommand):
    help = "发送到期提醒（签收、会办意见、答复、评价期限临近或已过）；重复运行不会重复发送。"

    def handle(self, *args, **options) -> None:
        lines = reminders.send()
        for line in lines:
            self.stdout.write(f"已提醒：{line}")
        self.stdout.write(f"共发送 {len(lines)} 条到期提醒。")
