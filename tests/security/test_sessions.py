"""Sessions: idle logout, absolute limit, the passive bell, a new key at login, the end of
sessions and tokens when an account is disabled or its password changes, the last login shown."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from audit.models import AuditEvent
from tests.api.conftest import token_for
from tests.auth_helpers import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


START = timezone.now()


def at(minutes):
    # From one fixed start: many requests must not add up real seconds on top of the minutes.
    return mock.patch("django.utils.timezone.now", return_value=START + dt.timedelta(minutes=minutes))


@pytest.fixture(autouse=True)
def _start_now():
    global START
    START = timezone.now()


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_logs_out_after_fifteen_idle_minutes(client, world):
    with at(0):
        login(client, world.member)
    with at(14):
        assert client.get(reverse("proposals:member_workbench")).status_code == 200
    with at(14 + 16):
        response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and response.url.startswith(reverse("members:login"))
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action="logout", actor=world.member, data__reason="idle_timeout").exists()


def test_activity_keeps_the_session_alive(client, world):
    login(client, world.member)
    for minutes in (10, 20, 30, 40):
        with at(minutes):
            assert client.get(reverse("proposals:member_workbench")).status_code == 200


def test_the_passive_bell_does_not_refresh_the_idle_timer(client, world):
    login(client, world.member)
    for minutes in (5, 10, 14):
        with at(minutes):
            assert client.get(reverse("notifications:bell")).status_code == 200
    with at(16):
        response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and not logged_in(client)


def test_the_absolute_limit_is_eight_hours(client, world):
    with at(0):
        login(client, world.member)
    for minutes in range(10, 8 * 60, 10):
        with at(minutes):
            assert client.get(reverse("proposals:member_workbench")).status_code == 200
    with at(8 * 60 + 5):
        response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and not logged_in(client)
    assert AuditEvent.objects.filter(action="logout", data__reason="absolute_timeout").exists()


def test_login_starts_a_new_session(client, world):
    client.get(reverse("members:login"))
    session = client.session
    session["before"] = "x"
    session.save()
    before = session.session_key
    response = client.post(reverse("members:login"), {"username": "m1", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before


def test_the_previous_login_is_shown_after_the_next_login(client, world):
    client.post(reverse("members:login"), {"username": "m1", "password": PASSWORD}, REMOTE_ADDR="10.2.3.4")
    client.post(reverse("members:logout"))
    client.post(reverse("members:login"), {"username": "m1", "password": PASSWORD}, REMOTE_ADDR="10.5.6.7")
    page = client.get(reverse("proposals:member_workbench")).content.decode()
    assert "上次登录：" in page and "IP 10.2.3.4" in page
    world.member.refresh_from_db()
    assert world.member.previous_login_ip == "10.2.3.4" and world.member.last_login_ip == "10.5.6.7"


def test_disabling_the_account_ends_its_sessions_and_tokens(client, world):
    login(client, world.member)
    token_for("m1")
    world.member.is_active = False
    world.member.save()
    response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and not response.wsgi_request.user.is_authenticated
    assert not AuthToken.objects.filter(user=world.member).exists()


def test_a_password_change_ends_the_other_sessions_and_the_tokens(client, world):
    from django.test import Client

    other = Client()
    login(client, world.member)
    login(other, world.member)
    token_for("m1")
    new = "Xinmima#Qk7vHz"
    assert (
        client.post(
            reverse("members:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        ).status_code
        == 302
    )
    assert client.get(reverse("proposals:member_workbench")).status_code == 200  # this session stays
    assert other.get(reverse("proposals:member_workbench")).status_code == 302  # the other one ended
    assert not AuthToken.objects.filter(user=world.member).exists()
