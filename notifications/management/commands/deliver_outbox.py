"""Send the due outbox messages (email, SMS); run every minute by cron or a systemd timer.

Safe on several servers at once: rows are claimed with a conditional UPDATE (see
notifications.outbox). Failures are retried with exponential backoff, then marked failed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from notifications import outbox


class Command(BaseCommand):
    help = "发送待发的邮件和短信通知（失败按指数退避重试；可在多台服务器上同时运行）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="本次最多发送的条数（默认 500）")

    def handle(self, *args, limit: int, **options) -> None:
        report = outbox.deliver(limit=limit)
        for pk in report.sent:
            self.stdout.write(f"已发送：消息 {pk}")
        for pk in report.retrying:
            self.stdout.write(f"发送失败，稍后重试：消息 {pk}")
        for pk in report.failed:
            self.stdout.write(f"多次失败，已放弃：消息 {pk}")
        self.stdout.write(str(report))
