"""Deadlines in Chinese working days.

The calendar's exceptions (statutory holidays on weekdays, make-up workdays on weekends, 调休)
are rows of CalendarDay, filled from the chinese-calendar package by a data migration and
editable by administrators. A year without rows is counted Mon–Fri, with a warning, because
the State Council publishes each year's calendar only in the autumn before.

Conventions (DOMAIN.md): day 1 of an N-working-day period is the first working day after the
start date; a month-based due date that falls on a day off moves to the next working day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import time

logger = logging.getLogger(__name__)

_CACHE_SECONDS = 60.0
_cache: tuple[float, dict[dt.date, bool], frozenset[int]] | None = None


# Years already warned about since the calendar was last read: the seeder and a busy server would
# otherwise repeat the same line for every deadline they count.
_warned: set[int] = set()


def invalidate() -> None:
    global _cache
    _cache = None
    _warned.clear()


def _exceptions() -> tuple[dict[dt.date, bool], frozenset[int]]:
    global _cache
    if _cache is None or time.monotonic() - _cache[0] > _CACHE_SECONDS:
        from .models import CalendarDay

        rows = dict(CalendarDay.objects.values_list("date", "is_workday"))
        _cache = (time.monotonic(), rows, frozenset(d.year for d in rows))
    return _cache[1], _cache[2]


def years_with_data() -> frozenset[int]:
    return _exceptions()[1]


def _warn_if_missing(year: int) -> None:
    if year not in years_with_data() and year not in _warned:
        _warned.add(year)
        logger.warning("工作日历缺少 %s 年的节假日数据，暂按周一至周五计算。", year)


def is_workday(day: dt.date) -> bool:
    exceptions, _ = _exceptions()
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def next_workday(day: dt.date) -> dt.date:
    """The day itself if it is a working day, else the next one."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` (start itself never counts)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    _warn_if_missing(start.year)
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if day.year != start.year and day.month == 1 and day.day == 1:
            _warn_if_missing(day.year)
        if is_workday(day):
            counted += 1
    return day


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day ``months`` later (clamped to the month's end), moved to the next working day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    target = dt.date(year, month, day)
    _warn_if_missing(target.year)
    return next_workday(target)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when end is before start."""
    if end == start:
        return 0
    step = 1 if end > start else -1
    count, day = 0, start
    while day != end:
        day += dt.timedelta(days=step)
        if is_workday(day):
            count += step
    return count


def calendar_warning(today: dt.date | None = None) -> str:
    """The staff pages show this when next year's calendar has not been entered yet."""
    if today is None:
        from core import clock

        today = clock.today()
    missing = [year for year in (today.year, today.year + 1) if year not in years_with_data()]
    if not missing:
        return ""
    years = "、".join(f"{y} 年" for y in missing)
    return f"工作日历缺少 {years}的法定节假日与调休数据，期限暂按周一至周五计算。请系统管理员在“节假日与调休”中补录。"
