"""The State Council's holiday notice, read into the calendar: fixtures in the official phrasing for
2017 (星期日 style), 2025 and 2026, checked against chinese-calendar's data for those years."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from chinese_calendar import constants
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import AuditEvent
from members.models import AdminRole
from proposals import holiday_notice, workdays
from proposals.models import CalendarDay
from tests.auth_helpers import login
from tests.factories import UserFactory, role_group

FIXTURES = Path(__file__).parent / "fixtures" / "holiday_notices"


def text(year: int) -> str:
    return (FIXTURES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2017, 2025, 2026])
def test_every_holiday_and_makeup_workday_matches_chinese_calendar(year):
    notice = holiday_notice.parse(text(year), year)
    assert set(notice.days_off) == {d for d in constants.holidays if d.year == year}
    assert set(notice.workdays) == {d for d in constants.workdays if d.year == year}
    # What CalendarDay keeps: exceptions to Mon–Fri only, as the reference-data migration does.
    exceptions = notice.exceptions()
    assert all((d.weekday() >= 5) == is_workday for d, (is_workday, _) in exceptions.items())


def test_the_clauses_read_as_the_notice_states_them():
    n = holiday_notice.parse(text(2025))  # the year from the title
    assert n.year == 2025 and [c.name for c in n.clauses] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "国庆节、中秋节",
    ]
    spring = n.clauses[1]
    assert (spring.days_off[0], spring.days_off[-1], len(spring.days_off)) == (
        dt.date(2025, 1, 28),
        dt.date(2025, 2, 4),
        8,
    )
    assert spring.workdays == [dt.date(2025, 1, 26), dt.date(2025, 2, 8)]
    old = holiday_notice.parse(text(2017), 2017)
    assert old.clauses[0].days_off == [dt.date(2017, 1, 1), dt.date(2017, 1, 2)]  # 1月2日（星期一）补休
    assert old.clauses[3].days_off == [dt.date(2017, 5, 1)]  # 与周末连休: the listed day only


@pytest.mark.parametrize(
    "bad, message",
    [
        ("", "请填写年份"),
        ("国务院办公厅关于2027年部分节假日安排的通知\n春节放假七天。", "没有找到节假日条目"),
        ("一、元旦：1月1日（周三）放假1天，不调休。", "是星期五"),  # 2027-01-01 is a Friday
        ("一、春节：2月6日至2月12日放假调休，共8天。", "共8天，但所列日期共7天"),
        ("一、春节：2月12日至2月6日放假调休。", "起止颠倒"),
        ("一、春节：2月30日放假。", "不存在"),
        ("一、春节：2月6日至12日放假调休。2月8日（周一）上班。", "不是周末"),
        ("一、春节：上班安排另行通知。", "没有读出放假日期"),
    ],
)
def test_bad_notice_text_is_a_clear_chinese_message(bad, message):
    with pytest.raises(holiday_notice.HolidayNoticeError, match=message):
        holiday_notice.parse(bad, None if bad.startswith("国务院") or not bad else 2027)


def test_the_title_year_must_agree_with_the_year_given():
    with pytest.raises(holiday_notice.HolidayNoticeError, match="通知标题是 2026 年"):
        holiday_notice.parse(text(2026), 2027)


NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至2月12日（农历正月初七、周五）放假调休，共8天。2月14日（周日）上班。
"""


@pytest.mark.django_db
def test_the_command_previews_writes_the_years_rows_and_audits(tmp_path):
    stale = CalendarDay.objects.create(date=dt.date(2027, 3, 1), is_workday=False, name="误录")
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    out = io.StringIO()
    call_command("import_holiday_notice", str(path), "--year", "2027", "--yes", stdout=out)
    assert "二、春节：02月05日至02月12日 放假，共8天；02月14日 上班" in out.getvalue()
    rows = {r.date: (r.is_workday, r.name) for r in CalendarDay.objects.filter(date__year=2027)}
    assert rows == {
        dt.date(2027, 1, 1): (False, "元旦"),
        **{dt.date(2027, 2, d): (False, "春节") for d in (5, 8, 9, 10, 11, 12)},
        dt.date(2027, 2, 14): (True, "春节调休上班"),
    }
    assert not CalendarDay.objects.filter(pk=stale.pk).exists()
    event = AuditEvent.objects.get(action="import_holiday_notice")
    assert event.actor_label == "system" and event.data["year"] == 2027 and "2027-03-01" in event.data["removed"]
    workdays.invalidate()
    assert workdays.add_workdays(dt.date(2027, 2, 4), 1) == dt.date(2027, 2, 14)


@pytest.mark.django_db
def test_the_command_writes_nothing_for_a_bad_notice(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("一、元旦：1月1日（周三）放假1天。", encoding="utf-8")
    before = CalendarDay.objects.count()
    with pytest.raises(CommandError, match=r"未写入任何数据.*是星期五"):
        call_command("import_holiday_notice", str(path), "--year", "2027", "--yes", stdout=io.StringIO())
    assert (
        CalendarDay.objects.count() == before and not AuditEvent.objects.filter(action="import_holiday_notice").exists()
    )


@pytest.fixture
def sysadmin(db):
    user = UserFactory(username="sysadmin", is_staff=True)
    user.groups.add(role_group(AdminRole.SYSADMIN.value))
    return user


def test_the_admin_page_previews_then_confirms(client, sysadmin):
    login(client, sysadmin)
    url = reverse("admin:proposals_calendarday_import_notice")
    assert url in client.get(reverse("admin:proposals_calendarday_changelist")).content.decode()
    preview = client.post(url, {"year": "2027", "text": NOTICE_2027, "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200 and "解析结果（尚未写入）" in html and "2月14日" in html
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    done = client.post(url, {"year": "2027", "text": NOTICE_2027, "confirm": "1"})
    assert done.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027).count() == 8
    assert AuditEvent.objects.get(action="import_holiday_notice").actor == sysadmin
    bad = client.post(url, {"year": "2027", "text": "一、元旦：1月1日（周三）放假。", "confirm": "1"})
    assert bad.status_code == 400 and "未写入任何数据" in bad.content.decode()
    assert CalendarDay.objects.filter(date__year=2027).count() == 8


def test_other_administrators_cannot_import(client, db):
    auditor = UserFactory(username="auditor", is_staff=True)
    auditor.groups.add(role_group(AdminRole.AUDITOR.value))
    login(client, auditor)
    response = client.post(
        reverse("admin:proposals_calendarday_import_notice"), {"year": "2027", "text": NOTICE_2027, "confirm": "1"}
    )
    assert response.status_code in (302, 403)
    assert not CalendarDay.objects.filter(date__year=2027).exists()
