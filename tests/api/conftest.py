import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every test logs in several people; the production hasher would make that the slowest part.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The login throttle counts in the cache; each test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


def token_for(username: str, password: str = PASSWORD) -> str:
    from members.models import User
    from members.twofactor import requires_2fa
    from tests.auth_helpers import totp_now

    body = {"username": username, "password": password}
    user = User.objects.get(username=username)
    if requires_2fa(user):
        body["otp"] = totp_now(user)
        # A code is accepted once: several tokens of one user in one test need a fresh window.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=user).update(last_t=-1)
    response = APIClient().post("/api/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user.username)}")
    return client


@pytest.fixture
def as_(world):
    """as_("staff") → an APIClient authenticated with a token of that World user."""
    cache_: dict[str, APIClient] = {}

    def get(role: str) -> APIClient:
        if role not in cache_:
            cache_[role] = client_for(world.users()[role])
        return cache_[role]

    return get
