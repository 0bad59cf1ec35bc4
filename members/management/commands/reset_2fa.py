"""Reset a user's two-factor login (lost phone): the security administrator's procedure, audited."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit import trail as audit
from members import twofactor
from members.models import User


class Command(BaseCommand):
    help = "重置指定用户的双因素登录（删除其身份验证器绑定，下次登录时重新绑定）；记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", default="", help="执行重置的安全管理员用户名（记入审计）")

    def handle(self, *args, username, by="", **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。")
        operator = User.objects.filter(username=by).first() if by else None
        with transaction.atomic():
            removed = twofactor.reset(user)
            audit.record(
                "otp_reset",
                actor=operator,
                actor_label=None if operator else "manage.py reset_2fa",
                obj=user,
                data={"devices_removed": removed},
            )
        self.stdout.write(f"已重置 {username} 的双因素登录（删除 {removed} 个验证器）；该用户下次登录时需重新绑定。")
