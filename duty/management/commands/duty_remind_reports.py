"""manage.py duty_remind_reports: remind 常委 to submit the yearly duty report (run daily; each once a year)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from duty import reminders, selectors


class Command(BaseCommand):
    help = "提醒尚未提交年度履职工作报告的常委（每人每年度只提醒一次）。默认年度：3 月底前为上一年，之后为当年。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年度（默认见上）")

    def handle(self, *args, year: int | None = None, **options):
        year = year or selectors.default_year()
        reminded = reminders.remind_self_reports(year)
        self.stdout.write(f"{year}年度：已提醒 {len(reminded)} 名常委。")
