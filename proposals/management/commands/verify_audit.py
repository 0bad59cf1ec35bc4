"""Verify the audit trail's hash chain; exit non-zero at the first broken row (for monitoring).

Runs daily (docs/scheduling.md). On a break it also alerts the staff: an in-app notice plus the
email/SMS copies they chose (proposals.notifications.write), once per broken row.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.models import Role, User
from proposals import audit, notifications


class Command(BaseCommand):
    help = "校验审计事件哈希链；发现断链时以非零状态退出。"

    def handle(self, *args, **options) -> None:
        report = audit.verify_chain()
        if not report.ok:
            message = f"审计链在第 {report.first_break} 条断开：{report.reason}（此前已校验 {report.checked} 条）"
            alert_staff(report, message)
            raise CommandError(message)
        self.stdout.write(f"审计链完好：共校验 {report.checked} 条。")


def alert_staff(report: audit.ChainReport, message: str) -> None:
    staff = User.objects.filter(is_active=True, groups__name=Role.STAFF).distinct()
    with transaction.atomic():
        notifications.write(
            staff, kind="audit_break", case=None, title="审计记录校验发现断链，请立即核查",
            body=f"{message}。请联系安全管理员和审计管理员，保留现场并核查数据库操作记录。",
            key=f"audit_break:{report.first_break}:{report.reason}",
        )
