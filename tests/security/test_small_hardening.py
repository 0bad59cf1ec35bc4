"""Issue 20 item 5: CSV injection in the audit export, unauthenticated refusals cannot grow the audit
trail without bound, phones masked in the admin's user list."""

import csv
import io

import pytest
from django.test import Client

from audit import trail as audit
from audit.models import AuditEvent
from members.models import role_group
from tests.auth_helpers import login
from tests.factories import UserFactory
from tests.security.world import administrator

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "|calc"]


def test_formula_values_are_neutralised_in_the_audit_csv(client):
    for value in HOSTILE:
        audit.record("login_failed", actor_label=value, object_id=value[:50], outcome="refused")
    login(client, administrator("auditor"))
    response = client.get("/audit/", {"action": "login_failed", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    labels = [row[2] for row in rows[1:]]
    assert sorted(labels) == sorted("'" + value for value in HOSTILE)
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r", "|")) for cell in row), row


def test_csrf_failures_on_the_login_page_are_recorded_at_a_bounded_rate(settings):
    settings.AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE = 5
    client = Client(enforce_csrf_checks=True)
    before = AuditEvent.objects.count()
    for _ in range(100):
        assert client.post("/login/", {"username": "x", "password": "y"}).status_code == 403
    written = AuditEvent.objects.count() - before
    assert written == 5
    assert AuditEvent.objects.filter(action="permission_denied", actor_label="anonymous").count() == 5


def test_the_left_out_refusals_are_counted_in_the_next_recorded_one(settings, monkeypatch):
    import time

    settings.AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE = 2
    client = Client(enforce_csrf_checks=True)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)
    for _ in range(7):
        client.post("/login/", {"username": "x", "password": "y"})
    monkeypatch.setattr(time, "time", lambda: now + 60)  # the next minute
    client.post("/login/", {"username": "x", "password": "y"})
    events = list(AuditEvent.objects.filter(action="permission_denied").order_by("seq"))
    assert len(events) == 3 and events[-1].data["left_out"] == 5


def test_signed_in_refusals_are_all_recorded(client, world):
    login(client, world.member)
    before = AuditEvent.objects.filter(action="permission_denied").count()
    for _ in range(20):
        assert client.get("/stats/").status_code == 403
    assert AuditEvent.objects.filter(action="permission_denied").count() == before + 20


@pytest.mark.parametrize("role", ["sysadmin", "secadmin"])
def test_phones_are_masked_in_the_admins_user_list(client, role):
    UserFactory(username="m9", phone="13917000001", roles=["member"])
    admin_user = UserFactory(username=role, is_staff=True)
    admin_user.groups.add(role_group(role))
    login(client, admin_user)
    page = client.get("/admin/members/user/").content.decode()
    assert "139****0001" in page and "13917000001" not in page
