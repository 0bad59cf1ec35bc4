"""Verify the audit trail's hash chain; exit non-zero at the first broken row (for monitoring).

Runs daily (docs/scheduling.md). On a break it sends ``audit.trail.chain_broken``: the notifications
app answers it with an in-app notice to the staff plus the e-mail/SMS copies they chose, once per
broken row (audit sits below notifications, so it signals rather than imports).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit import trail


class Command(BaseCommand):
    help = "校验审计事件哈希链；发现断链时以非零状态退出。"

    def handle(self, *args, **options) -> None:
        report = trail.verify_chain()
        if not report.ok:
            message = f"审计链在第 {report.first_break} 条断开：{report.reason}（此前已校验 {report.checked} 条）"
            with transaction.atomic():
                trail.chain_broken.send(sender=trail.ChainReport, report=report, message=message)
            raise CommandError(message)
        self.stdout.write(f"审计链完好：共校验 {report.checked} 条。")
