"""The State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知), read into CalendarDay.

chinese-calendar carries a year's 调休 only once a release follows the notice, so the system
administrator pastes the notice itself (admin page “节假日与调休 › 导入国务院通知”, or
``manage.py import_holiday_notice --year 2027 FILE``), sees the days parsed, and confirms.

The notice has one clause per holiday, in a fixed phrasing, e.g.::

    一、元旦：1月1日（周三）放假1天，不调休。
    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
    四、劳动节：5月1日放假，与周末连休。
    一、元旦：1月1日放假，1月2日（星期一）补休。            (older years write 星期一 for 周一)

Every sentence with 上班 lists make-up workdays; every other sentence with 放假/补休 lists days off,
as single dates or ``A至B`` ranges (a month or year left out is the previous date's). What the
notice states is checked: the weekday in brackets, 共N天, a range that runs forwards, a workday
that falls on a weekend, no day both off and on. Any mismatch is a Chinese message and nothing is
written. CalendarDay keeps only exceptions to Mon–Fri (holidays on weekdays, workdays on weekends),
as the reference-data migration does; ``parse`` returns every day for the preview and the tests.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction

CN_DIGITS = "一二三四五六七八九十"
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY_NAMES = "一二三四五六日"

# A clause starts a line (or follows a full stop): 一、 … 七、, a name (春节; 国庆节、中秋节), then ：.
_CLAUSE = re.compile(
    r"(?:^|(?<=[。\n]))[ \t\u3000]*([一二三四五六七八九十]{1,3})、((?:[\u4e00-\u9fff]{1,8}、)*[\u4e00-\u9fff]{1,8})[：:]",
    re.M,
)
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:（([^（）]*)）)?")
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排")
_TOTAL = re.compile(r"共\s*(\d{1,2})\s*天")


class HolidayNoticeError(ValueError):
    """The notice text cannot be read; the message is for the administrator, in Chinese."""


@dataclass
class Clause:
    ordinal: str
    name: str
    days_off: list[dt.date] = field(default_factory=list)
    workdays: list[dt.date] = field(default_factory=list)


@dataclass
class Notice:
    year: int
    clauses: list[Clause]

    @property
    def days_off(self) -> dict[dt.date, str]:
        return {d: c.name for c in self.clauses for d in c.days_off}

    @property
    def workdays(self) -> dict[dt.date, str]:
        return {d: c.name for c in self.clauses for d in c.workdays}

    def exceptions(self) -> dict[dt.date, tuple[bool, str]]:
        """The CalendarDay rows: date → (is_workday, name), exceptions to Mon–Fri only."""
        rows = {d: (False, name) for d, name in self.days_off.items() if d.weekday() < 5}
        rows.update({d: (True, f"{name}调休上班") for d, name in self.workdays.items() if d.weekday() >= 5})
        return dict(sorted(rows.items()))


def _normalise(text: str) -> str:
    table = str.maketrans("０１２３４５６７８９（）：，", "0123456789（）：，")
    text = text.translate(table).replace("(", "（").replace(")", "）").replace(":", "：").replace(",", "，")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def notice_year(text: str) -> int | None:
    """The year named in the notice's title, if the title was pasted."""
    m = _TITLE_YEAR.search(_normalise(text))
    return int(m.group(1)) if m else None


def _dates(sentence: str, year: int, where: str) -> list[tuple[dt.date, str, int, int]]:
    """(date, bracket text, start, end) of each date in a sentence; month and year carry forward."""
    out, month, y = [], None, year
    for m in _DATE.finditer(sentence):
        y = int(m.group(1)) if m.group(1) else y
        month = int(m.group(2)) if m.group(2) else month
        if month is None:
            raise HolidayNoticeError(f"{where}中的“{m.group(0)}”没有写月份。")
        try:
            day = dt.date(y, month, int(m.group(3)))
        except ValueError:
            raise HolidayNoticeError(f"{where}中的日期“{y}年{month}月{m.group(3)}日”不存在。") from None
        bracket = m.group(4) or ""
        stated = re.search(r"(?:周|星期)([一二三四五六日天])", bracket)
        if stated and WEEKDAYS[stated.group(1)] != day.weekday():
            raise HolidayNoticeError(
                f"{where}中的{day.month}月{day.day}日标注为“{stated.group(0)}”，但{day.year}年{day.month}月{day.day}日"
                f"是星期{WEEKDAY_NAMES[day.weekday()]}；请核对年份与通知原文。"
            )
        out.append((day, bracket, m.start(), m.end()))
    return out


def _days_off(sentence: str, year: int, where: str) -> list[dt.date]:
    found = _dates(sentence, year, where)
    days: list[dt.date] = []
    i = 0
    while i < len(found):
        start, _, _, end_pos = found[i]
        if i + 1 < len(found) and sentence[end_pos : found[i + 1][2]].strip() == "至":
            last = found[i + 1][0]
            if last < start:
                raise HolidayNoticeError(f"{where}的放假区间 {start:%m月%d日} 至 {last:%m月%d日} 起止颠倒。")
            if (last - start).days > 31:
                raise HolidayNoticeError(f"{where}的放假区间超过一个月，请核对通知原文。")
            days.extend(start + dt.timedelta(n) for n in range((last - start).days + 1))
            i += 2
        else:
            days.append(start)
            i += 1
    total = _TOTAL.search(sentence)
    if total and int(total.group(1)) != len(days):
        raise HolidayNoticeError(f"{where}写明共{total.group(1)}天，但所列日期共{len(days)}天；请核对通知原文。")
    return days


def parse(text: str, year: int | None = None) -> Notice:
    """Read a pasted notice. ``year`` defaults to the one in the title; both given must agree."""
    text = _normalise(text or "")
    titled = notice_year(text)
    if year is None:
        year = titled
    if year is None:
        raise HolidayNoticeError("请填写年份，或连同标题“国务院办公厅关于20XX年部分节假日安排的通知”一起粘贴。")
    if titled is not None and titled != year:
        raise HolidayNoticeError(f"通知标题是 {titled} 年，与所填年份 {year} 年不一致。")
    if not 2000 <= year <= 2100:
        raise HolidayNoticeError(f"年份 {year} 不在 2000–2100 之间。")
    starts = list(_CLAUSE.finditer(text))
    if not starts:
        raise HolidayNoticeError("没有找到节假日条目：每条应以“一、元旦：”“二、春节：”这样的序号和节日名开头。")
    clauses: list[Clause] = []
    for n, m in enumerate(starts):
        body = text[m.end() : starts[n + 1].start() if n + 1 < len(starts) else len(text)]
        # The closing paragraph and the signature follow the last clause: no 放假/上班 sentence there.
        clause = Clause(m.group(1), m.group(2))
        where = f"第{clause.ordinal}条“{clause.name}”"
        for sentence in re.split(r"[。\n]", body):
            if "上班" in sentence:
                clause.workdays.extend(d for d, *_ in _dates(sentence, year, where))
            elif re.search("放假|补休|休息", sentence):
                clause.days_off.extend(_days_off(sentence, year, where))
        if not clause.days_off:
            raise HolidayNoticeError(f"{where}没有读出放假日期（应写成“1月1日放假”或“1月28日至2月4日放假调休”）。")
        for day in clause.workdays:
            if day.weekday() < 5:
                raise HolidayNoticeError(
                    f"{where}的调休上班日 {day:%m月%d日} 是星期{WEEKDAY_NAMES[day.weekday()]}，"
                    "不是周末；请核对通知原文。"
                )
        clauses.append(clause)
    notice = Notice(year, clauses)
    both = sorted(set(notice.days_off) & set(notice.workdays))
    if both:
        raise HolidayNoticeError(f"{both[0]:%m月%d日}既被列为放假又被列为上班，请核对通知原文。")
    seen: dict[dt.date, str] = {}
    for clause in clauses:
        for day in clause.days_off + clause.workdays:
            if day in seen and seen[day] != clause.name:
                raise HolidayNoticeError(f"{day:%m月%d日}同时出现在“{seen[day]}”和“{clause.name}”两条中。")
            seen[day] = clause.name
    if not any(d.year == year for d in seen):
        raise HolidayNoticeError(f"通知中没有 {year} 年的日期，请核对年份。")
    return notice


@dataclass
class Plan:
    """What confirming would change in CalendarDay for the notice's year."""

    notice: Notice
    add: list[tuple[dt.date, bool, str]]
    change: list[tuple[dt.date, bool, str]]
    remove: list[tuple[dt.date, bool, str]]
    unchanged: int


def plan(notice: Notice) -> Plan:
    from .models import CalendarDay

    wanted = notice.exceptions()
    years = {notice.year, *(d.year for d in wanted)}
    existing = {
        r.date: (r.is_workday, r.name)
        for r in CalendarDay.objects.filter(date__year__in=years)
        if r.date.year == notice.year or r.date in wanted
    }
    add = [(d, w, n) for d, (w, n) in wanted.items() if d not in existing]
    change = [(d, w, n) for d, (w, n) in wanted.items() if d in existing and existing[d] != (w, n)]
    remove = [(d, w, n) for d, (w, n) in sorted(existing.items()) if d not in wanted]
    return Plan(notice, add, change, remove, len(wanted) - len(add) - len(change))


def apply(notice: Notice, user, *, source: str) -> Plan:
    """Write the year's rows (replacing that year's) in one transaction, with one audit event."""
    from audit import trail as audit

    from . import workdays
    from .models import CalendarDay

    with transaction.atomic():
        p = plan(notice)
        CalendarDay.objects.filter(date__in=[d for d, *_ in p.remove]).delete()
        for day, is_workday, name in p.add + p.change:
            CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "name": name})
        audit.record(
            "import_holiday_notice",
            actor=user,
            object_type="calendarday",
            object_id=notice.year,
            data={
                "year": notice.year,
                "source": source,
                "holidays": [d.isoformat() for d in sorted(notice.days_off)],
                "workdays": [d.isoformat() for d in sorted(notice.workdays)],
                "added": [d.isoformat() for d, *_ in p.add],
                "changed": [d.isoformat() for d, *_ in p.change],
                "removed": [d.isoformat() for d, *_ in p.remove],
            },
        )
    workdays.invalidate()
    return p
