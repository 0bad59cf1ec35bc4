"""Import next year's holidays from the State Council's notice: ``manage.py import_holiday_notice --year 2027 FILE``.

Prints the days parsed and what would change; writes only with ``--yes`` (or after answering 是/y).
``FILE`` may be ``-`` for standard input. Bad notice text: a Chinese message, nothing written.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from proposals import holiday_notice


def describe(p: holiday_notice.Plan) -> list[str]:
    lines = [f"{p.notice.year} 年节假日安排（解析结果）："]
    for c in p.notice.clauses:
        off = f"{c.days_off[0]:%m月%d日}" + (f"至{c.days_off[-1]:%m月%d日}" if len(c.days_off) > 1 else "")
        work = "、".join(f"{d:%m月%d日}" for d in c.workdays)
        lines.append(f"  {c.ordinal}、{c.name}：{off} 放假，共{len(c.days_off)}天" + (f"；{work} 上班" if work else ""))
    lines.append(
        f"工作日历将新增 {len(p.add)} 条、修改 {len(p.change)} 条、删除 {len(p.remove)} 条、不变 {p.unchanged} 条。"
    )
    for label, rows in (("删除", p.remove), ("修改", p.change)):
        for day, is_workday, name in rows:
            lines.append(f"  {label}：{day} {'上班' if is_workday else '放假'} {name}")
    return lines


class Command(BaseCommand):
    help = "导入国务院办公厅节假日安排通知（预览后确认写入工作日历，并记审计事件）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="通知全文的文本文件（UTF-8），- 表示标准输入")
        parser.add_argument("--year", type=int, help="年份；不填则取通知标题中的年份")
        parser.add_argument("--yes", action="store_true", help="不询问，直接写入")

    def handle(self, *args, **options) -> None:
        try:
            if options["file"] == "-":
                text = sys.stdin.read()
            else:
                with open(options["file"], encoding="utf-8") as f:
                    text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取通知文件：{exc}") from None
        try:
            notice = holiday_notice.parse(text, options["year"])
        except holiday_notice.HolidayNoticeError as exc:
            raise CommandError(f"通知无法解析，未写入任何数据：{exc}") from None
        preview = holiday_notice.plan(notice)
        self.stdout.write("\n".join(describe(preview)))
        if not options["yes"]:
            answer = input("确认写入？[是/y，其他键取消] ").strip().lower()
            if answer not in ("是", "y", "yes"):
                self.stdout.write("已取消，未写入。")
                return
        done = holiday_notice.apply(notice, None, source="command")
        self.stdout.write(
            self.style.SUCCESS(
                f"已写入 {notice.year} 年工作日历：新增 {len(done.add)} 条、修改 {len(done.change)} 条、删除 {len(done.remove)} 条。"
            )
        )
