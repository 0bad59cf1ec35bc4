"""Verify the audit trail's hash chain; exit non-zero at the first broken row (for monitoring)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from proposals import audit


class Command(BaseCommand):
    help = "校验审计事件哈希链；发现断链时以非零状态退出。"

    def handle(self, *args, **options) -> None:
        report = audit.verify_chain()
        if not report.ok:
            raise CommandError(f"审计链在第 {report.first_break} 条断开：{report.reason}（此前已校验 {report.checked} 条）")
        self.stdout.write(f"审计链完好：共校验 {report.checked} 条。")
