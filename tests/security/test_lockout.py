"""Lockout (django-axes): 5 failures lock the login for 30 minutes, per username+IP and per
username, on the login page and on the API token endpoint. Time is controlled by patching
django.utils.timezone.now, which axes reads."""

import contextlib
import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # the token endpoint's throttle counts in the cache
    yield
    cache.clear()


def page_login(client, password, ip="10.1.1.1"):
    return client.post(reverse("members:login"), {"username": "m1", "password": password}, REMOTE_ADDR=ip)


def api_login(password, ip="10.1.1.1", username="m1"):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=ip
    )


@contextlib.contextmanager
def later(minutes):
    moment = timezone.now() + dt.timedelta(minutes=minutes)
    # axes imported `now` by name in two modules: patch it there as well.
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch("axes.attempts.now", return_value=moment),
        mock.patch("axes.handlers.proxy.now", return_value=moment),
    ):
        yield


def test_the_sixth_attempt_with_the_right_password_is_refused_and_logged(client, world):
    assert [page_login(client, "wrong").status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    response = page_login(client, PASSWORD)
    assert response.status_code == 429
    assert "已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="lockout", actor_label="m1", ip="10.1.1.1").exists()
    assert AuditEvent.objects.filter(action="login_failed", actor_label="m1").count() >= 5
    assert not AuditEvent.objects.filter(action="login", actor=world.member).exists()


def test_the_lock_also_holds_from_another_address(client, world):
    for _ in range(5):
        page_login(client, "wrong", ip="10.1.1.1")
    assert page_login(client, PASSWORD, ip="10.9.9.9").status_code == 429


def test_it_works_again_after_the_cool_off(client, world):
    for _ in range(5):
        page_login(client, "wrong")
    with later(29):
        assert page_login(client, PASSWORD).status_code == 429
    with later(61):  # the refused attempt at 29 minutes restarted the cool-off
        response = page_login(client, PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=world.member).exists()


def test_the_api_token_endpoint_locks_too_with_a_chinese_message(world):
    assert [api_login("wrong").status_code for _ in range(5)] == [400, 400, 400, 400, 429]
    response = api_login(PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out" and "已锁定" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="lockout", actor_label="m1").exists()
    with later(31):
        assert api_login(PASSWORD).status_code == 200


def test_failures_on_the_page_and_the_api_add_up(client, world):
    for _ in range(3):
        page_login(client, "wrong")
    for _ in range(2):
        api_login("wrong")
    assert api_login(PASSWORD).status_code == 429


def test_another_user_is_not_locked(client, world):
    for _ in range(5):
        page_login(client, "wrong")
    response = client.post(reverse("members:login"), {"username": "m2", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
