"""Two-factor login (TOTP, django-otp): who must use it, and the device of a user.

Required for staff, reviewers, leaders, the three administrators and superusers; optional for
members and unit contacts, who may enrol on their own (members.views.otp_enrol).
"""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AdminRole, Role

REQUIRED_ROLES = frozenset({Role.STAFF, Role.REVIEWER, Role.LEADER, *AdminRole.values})
DEVICE_NAME = "身份验证器"


def requires_2fa(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or REQUIRED_ROLES & set(user.role_set()))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device an enrolment shows (one per user, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def base32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii")


def is_verified(request) -> bool:
    user = getattr(request, "user", None)
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def reset(user) -> int:
    """Remove every TOTP device of the user (a lost phone): they enrol again at the next login."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    return count
