"""Write one archive with the database dump, the uploads and a manifest (docs/deploy.md, "备份与恢复")."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个带校验和的归档（可选加密，密钥取自环境变量 BACKUP_KEY）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, default=None, help="输出目录（默认 BACKUP_DIR）")
        parser.add_argument("--encrypt", action="store_true", help="用 BACKUP_KEY（Fernet）加密整个归档")

    def handle(self, *args, **options) -> None:
        try:
            archive = create_backup(
                options["output"] or Path(settings.BACKUP_DIR), encrypt=options["encrypt"], key=settings.BACKUP_KEY
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(archive))
