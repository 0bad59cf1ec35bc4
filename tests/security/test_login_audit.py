"""Logins, logouts, failed logins, lockouts and refusals go into the audit trail with time and IP;
verify_audit alerts the staff on a break."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from audit.db_triggers import create_audit_triggers, drop_audit_triggers
from audit.models import AuditEvent
from notifications.models import Notification
from tests.auth_helpers import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_and_logout_are_recorded_with_the_ip(client, world):
    client.post(reverse("members:login"), {"username": "m1", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3")
    client.post(reverse("members:logout"), REMOTE_ADDR="10.3.3.3")
    login_event = AuditEvent.objects.get(action="login", actor=world.member)
    logout_event = AuditEvent.objects.get(action="logout", actor=world.member)
    assert login_event.ip == logout_event.ip == "10.3.3.3"
    assert login_event.outcome == "success" and login_event.at is not None


def test_a_failed_login_is_recorded_as_refused(client, world):
    client.post(reverse("members:login"), {"username": "m1", "password": "wrong"}, REMOTE_ADDR="10.4.4.4")
    event = AuditEvent.objects.get(action="login_failed")
    assert event.actor_label == "m1" and event.outcome == "refused" and event.ip == "10.4.4.4"
    assert "wrong" not in str(event.data)


def test_a_refused_page_leaves_one_permission_denied_event(client, world):
    login(client, world.member)
    assert client.get(reverse("proposals:staff_workbench"), REMOTE_ADDR="10.5.5.5").status_code == 403
    events = AuditEvent.objects.filter(action="permission_denied", actor=world.member)
    assert events.count() == 1 and events.get().ip == "10.5.5.5"


def test_an_api_refusal_leaves_a_permission_denied_event(client, world):
    login(client, world.member)
    world.member.must_change_password = True
    world.member.save()
    response = client.get("/api/cases/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="permission_denied", actor=world.member).count() == 1


def test_verify_audit_alerts_the_staff_on_a_break(world):
    from tests.factories import CaseBuilder

    CaseBuilder(world).submitted()
    victim = AuditEvent.objects.order_by("seq")[1]
    drop_audit_triggers(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [victim.pk])
    finally:
        create_audit_triggers(connection)
    with pytest.raises(CommandError, match="断开"):
        call_command("verify_audit")
    notice = Notification.objects.get(user=world.staff, event="audit_break")
    assert "审计" in notice.title
