"""三员分立: each administrator does their own work in the admin and nothing of the other two;
no account holds two of the roles; their own actions are audited."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEvent
from members.models import AdminRole, Unit, role_group
from tests.auth_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(db):
    people = {}
    for role in AdminRole.values:
        user = UserFactory(username=role, is_staff=True)
        user.groups.add(role_group(role))
        people[role] = user
    return people


def as_(client, admins, role):
    login(client, admins[role])
    return client


# Each admin URL → the one role that may open it (GET).
OWN_PAGES = {
    "sysadmin": [
        "admin:members_unit_changelist",
        "admin:members_unit_add",
        "admin:proposals_workflowsetting_changelist",
        "admin:proposals_calendarday_changelist",
        "admin:members_term_changelist",
    ],
    "secadmin": ["admin:auth_group_changelist", "admin:otp_totp_totpdevice_changelist"],
    "auditor": ["admin:audit_auditevent_changelist", "admin:axes_accesslog_changelist"],
}


@pytest.mark.parametrize("role", AdminRole.values)
def test_each_administrator_opens_their_own_pages_and_none_of_the_others(client, admins, role):
    as_(client, admins, role)
    assert client.get(reverse("admin:index")).status_code == 200
    for owner, names in OWN_PAGES.items():
        for name in names:
            status = client.get(reverse(name)).status_code
            if owner == role:
                assert status == 200, (role, name)
            elif not (role == "secadmin" and name == "admin:axes_accesslog_changelist"):  # the login log: both read it
                assert status == 403, (role, name, status)


def test_the_sysadmin_adds_a_unit_and_the_change_is_audited(client, admins):
    as_(client, admins, "sysadmin")
    response = client.post(reverse("admin:members_unit_add"), {"name": "区审计局", "kind": "bureau", "active": "on"})
    assert response.status_code == 302
    unit = Unit.objects.get(name="区审计局")
    event = AuditEvent.objects.get(action="admin_change", object_id=str(unit.pk))
    assert event.actor == admins["sysadmin"] and event.data["op"] == "add"


def test_the_sysadmin_cannot_change_roles_and_the_secadmin_cannot_change_profiles(client, admins, world):
    url = reverse("admin:members_user_change", args=[world.member.pk])
    as_(client, admins, "sysadmin")
    page = client.get(url).content.decode()
    assert 'name="phone"' in page and 'name="groups"' not in page
    client.logout()
    as_(client, admins, "secadmin")
    page = client.get(url).content.decode()
    assert 'name="groups"' in page and 'name="phone"' not in page


def test_the_secadmin_clears_a_lockout_that_the_auditor_only_reads(client, admins):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="m1",
        ip_address="10.0.0.1",
        user_agent="x",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    as_(client, admins, "auditor")
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.logout()
    as_(client, admins, "secadmin")
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_the_secadmin_cannot_set_passwords(client, admins, world):
    as_(client, admins, "secadmin")
    assert client.get(reverse("admin:auth_user_password_change", args=[world.member.pk])).status_code == 403


def test_the_auditor_changes_nothing(client, admins, world):
    as_(client, admins, "auditor")
    event = AuditEvent.objects.order_by("seq").first()
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:members_user_change", args=[world.member.pk])).status_code == 403
    assert client.post(reverse("admin:members_unit_add"), {"name": "x", "kind": "bureau"}).status_code == 403


def test_the_auditor_reads_and_exports_the_audit_log(client, admins, world):
    as_(client, admins, "auditor")
    assert "审计日志" in client.get(reverse("audit:audit_log")).content.decode()
    csv = client.get(reverse("audit:audit_log"), {"action": "login", "format": "csv"})
    assert csv.status_code == 200 and "login" in csv.content.decode("utf-8-sig")
    assert AuditEvent.objects.filter(action="export", actor=admins["auditor"]).exists()
    client.logout()
    login(client, world.staff)
    assert client.get(reverse("audit:audit_log")).status_code == 403


def test_working_roles_have_no_admin_site(client, world):
    world.staff.is_staff = True
    world.staff.save()
    login(client, world.staff)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login


def test_no_account_holds_two_of_the_three(admins):
    with pytest.raises(ValidationError), transaction.atomic():
        admins["sysadmin"].groups.add(role_group(AdminRole.AUDITOR))
    with pytest.raises(ValidationError), transaction.atomic():
        role_group(AdminRole.SECADMIN).user_set.add(admins["auditor"])
    assert set(admins["sysadmin"].groups.values_list("name", flat=True)) == {"sysadmin"}


def test_the_admin_form_refuses_two_roles_in_chinese(client, admins, world):
    as_(client, admins, "secadmin")
    url = reverse("admin:members_user_change", args=[world.member.pk])
    groups = [role_group(AdminRole.SYSADMIN).pk, role_group(AdminRole.AUDITOR).pk]
    response = client.post(url, {"groups": groups, "is_staff": "on"})
    assert response.status_code == 200 and "三员分立" in response.content.decode()
