"""An expired or administrator-issued password must be changed before anything else."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.auth_helpers import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "Xinmima#Qk7vHz"


def test_an_administrator_issued_password_sends_every_page_to_the_change_page(client, world):
    world.member.must_change_password = True
    world.member.save()
    login(client, world.member)
    response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and response.url == reverse("members:password_change")
    page = client.get(response.url)
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    assert client.get("/healthz").status_code == 200


def test_the_api_answers_403_password_change_required(client, world):
    world.member.must_change_password = True
    world.member.save()
    login(client, world.member)
    response = client.get("/api/cases/")
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    token = APIClient().post("/api/auth/token/", {"username": "m1", "password": PASSWORD}, format="json")
    assert token.status_code == 403 and token.json()["code"] == "password_change_required"


def test_changing_the_password_lifts_the_requirement(client, world):
    world.member.must_change_password = True
    world.member.save()
    login(client, world.member)
    response = client.post(
        reverse("members:password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert not world.member.must_change_password and world.member.check_password(NEW)
    assert client.get(reverse("proposals:member_workbench")).status_code == 200


def test_the_change_page_shows_policy_errors_in_chinese(client, world):
    login(client, world.member)
    response = client.post(
        reverse("members:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200 and "最近 5 次" in response.content.decode()


def test_a_password_older_than_ninety_days_must_be_changed(client, world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    world.member.password_changed_at = timezone.now() - dt.timedelta(days=91)
    world.member.save()
    login(client, world.member)
    response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and response.url == reverse("members:password_change")


def test_a_password_younger_than_ninety_days_is_fine(client, world):
    world.member.password_changed_at = timezone.now() - dt.timedelta(days=89)
    world.member.save()
    login(client, world.member)
    assert client.get(reverse("proposals:member_workbench")).status_code == 200


def test_a_password_set_in_the_admin_is_administrator_issued(client, world):
    from members.models import AdminRole, role_group
    from tests.factories import UserFactory

    sysadmin = UserFactory(username="sys1", is_staff=True)
    sysadmin.groups.add(role_group(AdminRole.SYSADMIN))
    login(client, sysadmin)
    url = reverse("admin:auth_user_password_change", args=[world.member.pk])
    response = client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    world.member.refresh_from_db()
    assert world.member.must_change_password and world.member.check_password(NEW)
