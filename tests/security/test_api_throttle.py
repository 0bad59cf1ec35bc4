"""The API answers 429 past the configured anonymous and per-user rates."""

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_counts():
    cache.clear()
    yield
    cache.clear()


def test_the_default_rates_come_from_settings():
    rest = settings.REST_FRAMEWORK
    assert "rest_framework.throttling.AnonRateThrottle" in rest["DEFAULT_THROTTLE_CLASSES"]
    assert "rest_framework.throttling.UserRateThrottle" in rest["DEFAULT_THROTTLE_CLASSES"]
    assert {"anon", "user"} <= set(rest["DEFAULT_THROTTLE_RATES"])


def test_anonymous_callers_get_429_past_the_anon_rate(monkeypatch):
    # The throttle classes hold the settings dict read at import; the test lowers the rate in it.
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/min")
    client = APIClient()
    statuses = [client.get("/api/schema/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = APIClient(REMOTE_ADDR="10.9.9.9")
    assert other.get("/api/schema/").status_code == 200  # counted per client address


def test_a_user_gets_429_past_the_user_rate(monkeypatch, world):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "2/min")
    client = APIClient()
    client.force_authenticate(world.staff)
    statuses = [client.get("/api/cases/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    body = client.get("/api/cases/").json()
    assert body  # the project's error shape, in Chinese
