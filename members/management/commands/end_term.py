"""End a term: its memberships end and members not re-appointed lose their login."""

from django.core.management.base import BaseCommand, CommandError

from members import services
from members.models import Term


class Command(BaseCommand):
    help = "届满：结束该届次的委员身份，停用未连任且无其他角色的委员账号。"

    def add_arguments(self, parser):
        parser.add_argument("term", type=int, help="结束的届次序号")
        parser.add_argument("--new-term", type=int, default=None, help="新一届的届次序号（设为当前届次）")

    def handle(self, *args, term, new_term=None, **options):
        old = Term.objects.filter(number=term).first()
        new = Term.objects.filter(number=new_term).first() if new_term else None
        if old is None or (new_term and new is None):
            raise CommandError("届次不存在。")
        users = services.end_term(old, new)
        for user in users:
            self.stdout.write(f"已停用 {user.username}（{user.display_name}）")
        self.stdout.write(f"{old.name}已结束；停用 {len(users)} 个账号。")
