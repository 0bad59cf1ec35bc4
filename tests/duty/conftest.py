"""A small duty world on top of the case world (tests/factories.World), all in 2025 unless said otherwise.

The member (张委员) leads a filed proposal that is a key proposal, attended the 2025 plenary and a 调研 where
they raised two opinions and wrote the report, and missed a 专委会会议 without excuse; member2 (李委员)
co-signed the proposal, attended the plenary and was on leave for the 调研."""

from __future__ import annotations

import datetime as dt

import pytest

from core import clock
from duty import services
from duty.models import Activity
from proposals.models import Case
from tests.factories import CaseBuilder


def activity(w, kind: str, title: str, day: dt.date, invited) -> Activity:
    return services.record_activity(w.staff, Activity(kind=kind, title=title, date=day), [u.pk for u in invited])


def attend(w, a: Activity, **statuses) -> None:
    """statuses: username → status or (status, reason)."""
    rows = {p.user.username: p.pk for p in a.participants.select_related("user")}
    services.set_attendance(
        w.staff,
        a,
        {rows[name]: (s if isinstance(s, tuple) else (s, "")) for name, s in statuses.items()},
    )


@pytest.fixture
def duty_world(world):
    w = world
    with clock.frozen(dt.datetime(2025, 3, 10, 10, tzinfo=clock.LOCAL)):
        case = CaseBuilder(w).filed().case
    Case.objects.filter(pk=case.pk).update(is_key=True)
    plenary = activity(w, "plenary", "四届四次会议", dt.date(2025, 1, 8), [w.member, w.member2, w.outsider])
    attend(w, plenary, m1="present", m2="present", m3=("leave", "出差在外"))
    study = activity(w, "research", "城镇生活污水处理专题调研", dt.date(2025, 5, 20), [w.member, w.member2])
    attend(w, study, m1="present", m2=("leave", "单位有紧急任务"))
    services.add_opinion(w.staff, study, "建议对虢镇街道老旧管网分片区实施雨污分流改造。", w.member.pk)
    services.add_opinion(w.staff, study, "建议建立污水处理厂运行情况月报制度。", w.member.pk)
    services.set_attendance(
        w.staff, study, {}, report_title="关于城镇生活污水处理情况的调研报告", report_author=w.member.pk
    )
    meeting = activity(w, "committee", "教科卫体委员会季度会议", dt.date(2025, 9, 3), [w.member])
    attend(w, meeting, m1="absent")
    w.case, w.plenary, w.study, w.meeting = case, plenary, study, meeting
    return w
