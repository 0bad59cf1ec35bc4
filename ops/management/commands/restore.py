"""Restore an archive written by `manage.py backup` into an empty database, then verify it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份归档恢复数据库和上传文件，并校验审计链和各表行数。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--decrypt", action="store_true", help="归档已用 BACKUP_KEY 加密")
        parser.add_argument("--force", action="store_true", help="目标数据库不为空时仍然覆盖")

    def handle(self, *args, **options) -> None:
        try:
            report = restore_backup(
                options["archive"], decrypt=options["decrypt"], key=settings.BACKUP_KEY, force=options["force"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines:
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("恢复后校验未通过：\n" + "\n".join(report.problems))
        self.stdout.write(self.style.SUCCESS("恢复完成，校验通过。"))
