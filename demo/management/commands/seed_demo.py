"""manage.py seed_demo: the demo data set of DOMAIN.md (4th-term Chencang CPPCC), deterministically."""

from __future__ import annotations

import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assist import index
from demo import assist_demo, duty_demo
from demo.seeder import PASSWORD, Seeder, history_is_silent

DEMO_LOGINS = [
    ("admin", "超级管理员（仅开发环境）"),
    ("staff", "提案委工作人员"),
    ("reviewer", "审查"),
    ("member", "委员（有多种状态的提案和待确认的附议邀请）"),
    ("member2", "委员"),
    ("unit", "区住建局联系人（待签收、办理中、已答复）"),
    ("unit2", "区教育局联系人"),
    ("leader", "督办领导（督办重点提案）"),
    ("sysadmin", "系统管理员（用户、单位、设置）"),
    ("secadmin", "安全管理员（角色、锁定、双因素重置）"),
    ("auditor", "审计管理员（只读审计日志）"),
]


class Command(BaseCommand):
    help = (
        "生成四届陈仓区政协的演示数据（238 名委员、5 个专委会、承办单位，393 件立案提案、196 件建议、12 件重点提案），"
        "全部经由业务服务办理，审计链真实。再次运行时检测到数据即不做任何更改。"
        " 加 --cases N（1千至10万件）时走批量路径：按需建立同一套委员和承办单位，再经原型案件复制写入 N 件（用于性能基准）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2022, help="随机种子（默认 2022），同一种子同一天生成相同数据")
        parser.add_argument(
            "--demo-logins", action="store_true", help=f"创建演示账号（密码 {PASSWORD}）；DEBUG 开启时默认创建"
        )
        parser.add_argument(
            "--cases", type=int, default=0, help="批量生成 N 件提案/建议（1000–100000，性能基准用；demo.bulk）"
        )

    def handle(self, *args, seed: int, demo_logins: bool, cases: int = 0, **options):
        if cases:
            return self.bulk(cases, seed, demo_logins or settings.DEBUG)
        reason = Seeder.existing_reason()
        demo = demo_logins or settings.DEBUG
        if reason:
            self.stdout.write(f"{reason}，未做任何更改。")
            if demo:
                self.print_logins()
            return
        started = time.monotonic()
        self.stdout.write(f"正在生成演示数据（seed={seed}）……")
        seeder = Seeder(seed=seed, demo_logins=demo, out=self.progress(started))
        with index.paused():  # the history is indexed once at the end (proposals.workdays warns once per year itself)
            seeder.run()
        with transaction.atomic(), history_is_silent():
            assist_demo.add_same_matter_cases(seeder.member, out=self.stdout.write)
        assist_demo.build_index(out=self.stdout.write)
        duty_demo.build(seeder, out=self.stdout.write)  # 委员履职 (issue 24): activities, attendance, assessment
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成，用时 {time.monotonic() - started:.1f} 秒。"))
        self.print_summary()
        if demo:
            self.print_logins()

    def print_logins(self) -> None:
        """The one place the demo logins are listed (make demo prints nothing of its own)."""
        self.stdout.write(f"演示账号（密码均为 {PASSWORD}）：")
        for username, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<9} {label}")

    def progress(self, started: float):
        """Progress lines with the seconds elapsed, flushed at once (no minutes of silence)."""

        def write(message: str) -> None:
            self.stdout.write(f"{message}（{time.monotonic() - started:.0f} 秒）")
            self.stdout.flush()

        return write

    def bulk(self, cases: int, seed: int, demo: bool) -> None:
        from demo.bulk import BulkSeeder, analyze

        if not 1 <= cases <= 1_000_000:
            raise CommandError("--cases 须在 1 至 1000000 之间。")
        started = time.monotonic()
        self.stdout.write(f"正在批量生成 {cases} 件（seed={seed}）……")
        BulkSeeder(cases, seed=seed, demo_logins=demo, out=self.stdout.write).run()
        assist_demo.build_index(out=self.stdout.write)  # bulk_create sends no signals: index them all
        analyze()
        self.stdout.write(self.style.SUCCESS(f"批量数据已生成，用时 {time.monotonic() - started:.1f} 秒。"))
        self.print_summary()

    def print_summary(self) -> None:
        from members.models import Membership, Term, Unit
        from proposals.models import Case, KeyProposal, Kind, Status

        term = Term.objects.get(number=4)
        cases = Case.objects.filter(term=term)
        rows = [
            ("委员", Membership.objects.filter(term=term, active=True).count()),
            ("中共党员委员", Membership.objects.filter(term=term, active=True, affiliation="cpc").count()),
            ("承办单位", Unit.objects.filter(active=True).count()),
            ("立案提案", cases.filter(kind=Kind.PROPOSAL, number__isnull=False).count()),
            ("建议", cases.filter(kind=Kind.SUGGESTION, number__isnull=False).count()),
            ("重点提案", KeyProposal.objects.filter(case__term=term, state="designated").count()),
            ("全部案件", cases.count()),
        ]
        for label, value in rows:
            self.stdout.write(f"  {label}：{value}")
        by_status = {s: cases.filter(status=s).count() for s in Status.values}
        self.stdout.write("  按状态：" + "，".join(f"{Status(s).label} {n}" for s, n in by_status.items()))
        audit = apps.get_model("audit", "AuditEvent").objects.count()
        self.stdout.write(f"  审计事件：{audit}")
