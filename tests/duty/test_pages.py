"""The duty pages and API: scoping (own record in full, others' totals only, units nothing), the staff's
recording, bad input, and bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from duty.models import Activity, Participation, SelfReport

DOSSIER = "duty:dossier"


def dossier_url(user, year=2025):
    return reverse(DOSSIER, args=[year, user.pk])


def test_a_member_sees_their_2025_dossier_with_every_point_linked_to_its_record(client, duty_world):
    w = duty_world
    client.force_login(w.member)
    html = client.get(dossier_url(w.member)).content.decode()
    assert "21.0" in html
    assert reverse("proposals:case_detail", args=[w.case.pk]) in html
    assert reverse("duty:activity_detail", args=[w.study.pk]) + "#report" in html
    assert "经济界界别排名" in html and "提案委员会排名" in html


def test_a_member_sees_others_totals_but_not_their_record(client, duty_world):
    w = duty_world
    client.force_login(w.member2)
    assert client.get(dossier_url(w.member)).status_code == 404
    assert client.get(reverse("api:duty-points", args=[2025, w.member.pk])).status_code == 404
    totals = client.get(reverse("api:duty-totals", args=[2025])).json()
    assert {r["name"]: r["total"] for r in totals} == {"张委员": 21.0, "李委员": 5.0, "王委员": 0.0}
    assert "rules" not in totals[0]
    html = client.get(reverse("duty:totals", args=[2025])).content.decode()
    assert "张委员" in html and dossier_url(w.member) not in html


def test_a_unit_sees_nothing_of_it(client, duty_world):
    w = duty_world
    client.force_login(w.unit_user)
    for url in (
        reverse("duty:home"),
        reverse("duty:totals", args=[2025]),
        dossier_url(w.member),
        reverse("duty:activity_detail", args=[w.study.pk]),
        reverse("api:duty-activities"),
        reverse("api:duty-totals", args=[2025]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_member_lists_only_their_own_activities_and_confirms_their_attendance(client, duty_world):
    w = duty_world
    client.force_login(w.member2)
    listed = {a["title"]: a["my_status"] for a in client.get(reverse("api:duty-activities")).json()}
    assert listed == {"四届四次会议": "present", "城镇生活污水处理专题调研": "leave"}
    assert client.get(reverse("duty:activity_detail", args=[w.meeting.pk])).status_code == 404
    client.post(reverse("duty:activity_confirm", args=[w.study.pk]))
    assert Participation.objects.get(activity=w.study, user=w.member2).confirmed_at is not None
    assert AuditEvent.objects.filter(action="duty_confirm", actor=w.member2).count() == 1


def test_staff_record_an_activity_and_leave_without_a_reason_is_refused_and_changes_nothing(client, duty_world):
    w = duty_world
    client.force_login(w.staff)
    response = client.post(
        reverse("duty:activity_new"),
        {
            "kind": "sector",
            "title": "经济界界别“助企纾困”座谈会",
            "date": "2025-06-12",
            "scope": "organiser",
            "sector": w.member.memberships.get().sector_id,
        },
    )
    activity = Activity.objects.get(title="经济界界别“助企纾困”座谈会")
    assert response.status_code == 302 and activity.participants.count() == 3
    row = activity.participants.get(user=w.member)
    response = client.post(
        reverse("duty:activity_attendance", args=[activity.pk]), {f"status_{row.pk}": "leave", f"reason_{row.pk}": ""}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "invited"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("请假须填写事由" in m for m in messages)


def test_staff_invite_more_members_and_the_invitation_is_audited(client, duty_world):
    w = duty_world
    client.force_login(w.staff)
    url = reverse("duty:activity_invite", args=[w.meeting.pk])
    client.post(url, {"members": [w.member2.pk, w.member.pk, "abc"]})
    assert set(w.meeting.participants.values_list("user__username", flat=True)) == {"m1", "m2"}
    assert AuditEvent.objects.filter(action="duty_invite").latest("seq").data == {"added": [w.member2.pk]}
    response = client.post(url, {"members": [w.member2.pk]})  # already invited: a message, nothing changes
    assert any("尚未邀请" in str(m) for m in response.wsgi_request._messages)
    assert w.meeting.participants.count() == 2


def test_bad_input_gets_a_chinese_message_and_no_server_error(client, duty_world):
    w = duty_world
    client.force_login(w.staff)
    assert client.get(reverse("duty:activity_list") + "?year=99999999&kind=nope").status_code == 200
    assert client.get(reverse("duty:totals", args=[1900])).status_code == 404
    response = client.post(reverse("duty:activity_new"), {"kind": "sector", "title": "", "date": "昨天"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    client.force_login(w.member)
    response = client.post(reverse("duty:self_report", args=[2025]), {"text": "太短"})
    assert "至少 50 字" in response.content.decode() and not SelfReport.objects.exists()


def test_a_member_submits_the_yearly_self_report(client, duty_world):
    w = duty_world
    client.force_login(w.member)
    text = "一年来，本人认真参加全体会议和专委会活动，围绕城镇生活污水处理开展专题调研，执笔调研报告一篇，提出意见建议两条，领衔提交提案一件并被确定为重点提案。"
    client.post(reverse("duty:self_report", args=[2025]), {"text": text})
    assert SelfReport.objects.get(user=w.member, year=2025).text == text
    assert AuditEvent.objects.filter(action="duty_self_report", actor=w.member).count() == 1


@pytest.mark.parametrize(
    "name, who, limit",
    [
        ("dossier", "member", 16),
        ("dossier_print", "staff", 16),
        ("totals", "member", 10),
        ("activity_list", "member", 10),
        ("activity_detail", "staff", 12),
        ("assessment", "staff", 16),
        ("home", "member", 10),
    ],
)
def test_each_page_reads_a_bounded_number_of_queries(
    client, duty_world, django_assert_max_num_queries, name, who, limit
):
    w = duty_world
    from duty import services

    services.run_assessment(w.staff, 2025)
    client.force_login(getattr(w, who))
    args = {
        "dossier": [2025, w.member.pk],
        "dossier_print": [2025, w.member.pk],
        "totals": [2025],
        "activity_detail": [w.study.pk],
        "assessment": [2025],
    }.get(name, [])
    url = reverse(f"duty:{name}", args=args)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_the_reminder_reaches_standing_members_without_a_report_once(duty_world):
    from duty import reminders
    from members.models import Membership
    from notifications.models import Notification

    w = duty_world
    Membership.objects.filter(user__in=[w.member, w.member2]).update(is_standing=True)
    SelfReport.objects.create(user=w.member2, year=2025, text="已提交" * 20, submitted_at="2026-01-05T10:00+08:00")
    assert reminders.remind_self_reports(2025) == [w.member.pk]
    assert reminders.remind_self_reports(2025) == []
    assert Notification.objects.filter(user=w.member, title="请提交2025年度履职工作报告").count() == 1


def test_a_member_finds_the_notice_of_every_assessed_year_on_the_duty_home(client, duty_world):
    from duty import services

    w = duty_world
    client.force_login(w.member)
    notice = reverse("duty:notice_print", args=[2025])
    assert notice not in client.get(reverse("duty:home")).content.decode()
    services.run_assessment(w.staff, 2025)
    assert notice in client.get(reverse("duty:home")).content.decode()
    assert client.get(notice).status_code == 200
