"""催办 on the 逾期督办 board (issue 17 item 6): most urgent first, one audited reminder to the unit's
contacts, the date of the last one shown; refused for anyone but staff and for a step already done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core import clock
from notifications.models import Notification
from proposals import services
from proposals.errors import WorkflowError
from proposals.models import Assignment
from tests.factories import CaseBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(world):
    builder = CaseBuilder(world, title="关于城区供暖设施改造的提案").handling(co=False)
    Assignment.objects.filter(case=builder.case).update(due_date=clock.today() - dt.timedelta(days=40))
    return builder.assignment(world.unit)


def test_the_board_lists_the_most_overdue_first(client, world, late):
    near = CaseBuilder(world, title="关于城镇生活污水处理的提案").handling(co=False)
    Assignment.objects.filter(case=near.case).update(due_date=clock.today() + dt.timedelta(days=6))
    client.force_login(world.staff)
    html = client.get(reverse("proposals:overdue_board")).content.decode()
    assert html.index("城区供暖设施") < html.index("城镇生活污水处理")
    assert "已逾期 40 天" in html and "还有 6 天" in html and "未催办过" in html


def test_staff_urge_a_unit_once_audited_and_its_contacts_are_told(client, world, late):
    client.force_login(world.staff)
    response = client.post(reverse("proposals:urge_assignment", args=[late.case_id, late.pk]), follow=True)
    assert "已催办" in response.content.decode()
    event = AuditEvent.objects.get(action="urge")
    assert event.actor == world.staff and event.case_id == late.case_id
    assert event.data["unit"] == world.unit.name and event.data["assignment"] == late.pk
    notice = Notification.objects.get(user=world.unit_user, event="reminder")
    assert "催办" in notice.title
    assert f"上次催办 {clock.today():%Y-%m-%d}" in response.content.decode()


def test_only_staff_may_urge_and_a_refusal_is_recorded(client, world, late):
    with pytest.raises(WorkflowError) as refused:
        services.urge(world.member, late.case_id, late.pk)
    assert refused.value.kind == WorkflowError.FORBIDDEN  # the proposer sees the case, but may not urge
    with pytest.raises(WorkflowError) as hidden:
        services.urge(world.outsider, late.case_id, late.pk)
    assert hidden.value.kind == WorkflowError.NOT_FOUND
    client.force_login(world.unit_user)
    assert client.post(reverse("proposals:urge_assignment", args=[late.case_id, late.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="urge", outcome="success").exists()
    assert AuditEvent.objects.filter(action="urge", outcome="refused").exists()


def test_a_unit_that_already_replied_is_not_urged(client, world):
    builder = CaseBuilder(world).reply_sent(co=False)
    assignment = builder.assignment(world.unit)
    client.force_login(world.staff)
    response = client.post(reverse("proposals:urge_assignment", args=[assignment.case_id, assignment.pk]), follow=True)
    assert "无需催办" in response.content.decode()
    assert not Notification.objects.filter(event="reminder").exists()
