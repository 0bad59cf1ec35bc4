"""Disable accounts unused for ACCOUNT_INACTIVE_DAYS days (run daily, docs/scheduling.md)."""

from django.core.management.base import BaseCommand

from members import services


class Command(BaseCommand):
    help = "停用超过 ACCOUNT_INACTIVE_DAYS 天未登录的账号（含管理员账号），并列出所停用的账号。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="覆盖 ACCOUNT_INACTIVE_DAYS")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不停用")

    def handle(self, *args, days=None, dry_run=False, **options):
        users = services.disable_inactive_accounts(days, dry_run=dry_run)
        verb = "将停用" if dry_run else "已停用"
        for user in users:
            last = user.last_login.strftime("%Y-%m-%d") if user.last_login else "从未登录"
            self.stdout.write(f"{verb} {user.username}（{user.display_name}，最近登录：{last}）")
        self.stdout.write(f"{verb} {len(users)} 个账号。")
