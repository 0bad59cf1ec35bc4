"""Logging a test client in as a user, two-factor verified.

Decision: ``tests/conftest.py`` patches ``django.test.Client._login`` (autouse) — the step both
``client.force_login(user)`` and ``client.login(username=, password=)`` end in — so that it also
marks the session OTP-verified: the existing logins across the suite keep working now that staff, reviewers, leaders and the administrators need 2FA.
``login(client, user)`` is the explicit name for the same thing; security tests that need an
UNverified session call ``plain_force_login``. ``totp_now(user)`` gives the API token endpoint its
``otp`` (a code is accepted once: ask again after ``next_code_window`` or use another user).
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

_original_login = Client._login


def device_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


def mark_verified(client, user) -> None:
    from members.twofactor import requires_2fa

    if not requires_2fa(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
    session.save()


def login_verified(self, user, backend=None) -> None:
    """Replaces Client._login in tests (tests/conftest.py)."""
    _original_login(self, user, backend)
    mark_verified(self, user)


def plain_force_login(client, user) -> None:
    """Password step only: the session is not two-factor verified."""
    from django.conf import settings

    _original_login(client, user, settings.AUTHENTICATION_BACKENDS[-1])


def login(client, user) -> None:
    client.force_login(user)
    mark_verified(client, user)


def totp_now(user) -> str:
    """The current code of the user's (created on demand) TOTP device, with its drift."""
    device = device_for(user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def browser_login(page, base_url: str, username: str, password: str) -> None:
    """Through the real login page (Playwright); types the TOTP code when the second page asks.

    Keep one logged-in browser context per role: a code is accepted once. A test that logs the same
    person in twice resets the device's last used step first (test-only; production never does).
    """
    from members.models import User
    from members.twofactor import requires_2fa

    user = User.objects.get(username=username)
    if requires_2fa(user):
        device_for(user)  # enrolled beforehand, as the demo accounts are
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    # Away from the password page: to the second factor or straight in.
    page.wait_for_url(lambda url: "/login/otp/" in url or "/login/" not in url)
    if "/login/otp/" in page.url or "/account/2fa/" in page.url:
        TOTPDevice.objects.filter(user=user, confirmed=True).update(last_t=-1)
        page.fill("input[name=otp]", totp_now(user))
        page.click("main button[type=submit]")  # not the header's 退出 button
    page.wait_for_url(lambda url: "/login/" not in url and "/account/2fa/" not in url)
