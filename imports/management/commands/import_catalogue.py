"""python manage.py import_catalogue FILE [--dry-run] [--create-missing] [--session 四届三次会议] [--kind proposal|suggestion] [--user staff]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.catalogue import ImportFileError, import_file
from members.models import Role, User
from proposals.models import Kind


class Command(BaseCommand):
    help = "导入历史提案目录（.xlsx 或 .csv）。先用 --dry-run 检查；有任何问题行则整个文件都不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 或 .csv（UTF-8 或 GB18030）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不做任何修改")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="未知的提案人、党派团体和单位以停用状态新建，未知的往届会议（如“三届五次会议”）作为往届新建，而不是拒绝该行",
        )
        parser.add_argument("--session", help="所属会议名称，如：四届三次会议")
        parser.add_argument("--kind", choices=Kind.values, default=Kind.PROPOSAL)
        parser.add_argument("--user", help="导入人（提案委工作人员的用户名）；正式导入时必填")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None or not user.has_role(Role.STAFF):
                raise CommandError(f"“{options['user']}”不是有效的提案委工作人员账号。")
        elif not options["dry_run"]:
            raise CommandError("正式导入须用 --user 指定导入人。")
        try:
            report = import_file(
                path,
                filename=path.name,
                dry_run=options["dry_run"],
                create_missing=options["create_missing"],
                session=options["session"],
                kind=options["kind"],
                user=user,
            )
        except ImportFileError as error:
            raise CommandError(str(error))
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} 行有问题，未导入任何数据。")
