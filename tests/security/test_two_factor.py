"""Two-factor login (TOTP): required for staff, reviewers, leaders and the administrators,
optional for members and unit contacts; the API token endpoint takes `otp`; a code works once."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from audit.models import AuditEvent
from members.models import AdminRole, role_group
from tests.auth_helpers import device_for, totp_now
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def password_step(client, user):
    response = client.post(reverse("members:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def code_of(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.parametrize("who", ["staff", "reviewer", "leader"])
def test_the_working_roles_must_give_a_code_before_any_page(client, world, who):
    user = world.users()[who]
    device_for(user)
    password_step(client, user)
    response = client.get(reverse("proposals:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("members:otp_verify"))
    assert client.get("/api/cases/").json()["code"] == "otp_required"


@pytest.mark.parametrize("role", AdminRole.values)
def test_the_administrators_must_enrol_when_they_have_no_device(client, world, role):
    admin = UserFactory(is_staff=True)
    admin.groups.add(role_group(role))
    password_step(client, admin)
    response = client.get(reverse("proposals:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("members:otp_enrol"))
    page = client.get(reverse("members:otp_enrol")).content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert "otpauth://totp/" in page and device.config_url.split("secret=")[1].split("&")[0] in page
    response = client.post(reverse("members:otp_enrol"), {"otp": code_of(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


@pytest.fixture
def no_throttle(settings):
    # django-otp makes the device wait 2^n seconds after n wrong codes; these tests retry at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_the_right_code_lets_the_user_in_and_a_wrong_one_is_audited(client, world, no_throttle):
    device = device_for(world.staff)
    password_step(client, world.staff)
    wrong = client.post(reverse("members:otp_verify"), {"otp": "000000"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="otp_failed", actor=world.staff).exists()
    assert (
        client.post(reverse("members:otp_verify"), {"otp": code_of(device), "next": "/workbench/staff/"}).url
        == "/workbench/staff/"
    )
    assert client.get(reverse("proposals:staff_workbench")).status_code == 200


def test_a_code_is_accepted_only_once(client, world):
    from django.test import Client

    device = device_for(world.staff)
    code = code_of(device)
    password_step(client, world.staff)
    assert client.post(reverse("members:otp_verify"), {"otp": code}).status_code == 302
    other = Client()
    password_step(other, world.staff)
    assert other.post(reverse("members:otp_verify"), {"otp": code}).status_code == 200


@pytest.mark.parametrize("who", ["member", "unit"])
def test_members_and_units_need_no_code_but_may_enrol(client, world, who):
    user = world.users()[who]
    password_step(client, user)
    assert client.get(reverse("proposals:home")).status_code in (200, 302)
    assert not client.get(reverse("proposals:home")).get("Location", "").startswith(reverse("members:otp_enrol"))
    page = client.get(reverse("members:otp_enrol"))
    assert page.status_code == 200 and "启用双因素登录" in page.content.decode()


def test_the_api_token_needs_the_code_for_staff(world, no_throttle):
    api = APIClient()
    body = {"username": "s1", "password": PASSWORD}
    missing = api.post("/api/auth/token/", body, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "otp_required"
    wrong = api.post(
        "/api/auth/token/", {**body, "otp": "123456" if totp_now(world.staff) != "123456" else "654321"}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_invalid"
    code = totp_now(world.staff)
    assert api.post("/api/auth/token/", {**body, "otp": code}, format="json").status_code == 200
    replay = api.post("/api/auth/token/", {**body, "otp": code}, format="json")
    assert replay.status_code == 400 and replay.json()["code"] == "otp_invalid"


def test_the_api_token_needs_no_code_for_a_member(world):
    response = APIClient().post("/api/auth/token/", {"username": "m1", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_reset_2fa_removes_the_device_and_is_audited(world):
    from django.core.management import call_command

    device_for(world.staff)
    call_command("reset_2fa", "s1")
    assert not TOTPDevice.objects.filter(user=world.staff).exists()
    assert AuditEvent.objects.filter(action="otp_reset", object_id=str(world.staff.pk)).exists()
