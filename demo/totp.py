"""Demo logins for 2FA and 三员分立 (called by seed_demo's demo-logins step only: DEBUG or --demo-logins).

The demo accounts that need 2FA get a confirmed TOTP device with the PUBLISHED secret
JBSWY3DPEHPK3PXP (README), so `make demo`, the browser tests and the benchmarks can log in:
``oathtool --totp -b JBSWY3DPEHPK3PXP`` gives the current code. Never in production.
"""

from __future__ import annotations

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import AdminRole, User, role_group
from members.twofactor import requires_2fa

DEMO_SECRET = "JBSWY3DPEHPK3PXP"
DEMO_KEY_HEX = base64.b32decode(DEMO_SECRET).hex()
ADMINS = [
    ("sysadmin", "系统管理员（演示）", AdminRole.SYSADMIN),
    ("secadmin", "安全管理员（演示）", AdminRole.SECADMIN),
    ("auditor", "审计管理员（演示）", AdminRole.AUDITOR),
]


def ensure_demo_admins(password: str) -> list[User]:
    users = []
    for username, name, role in ADMINS:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"name": name, "is_staff": True, "email": f"{username}@example.cn"}
        )
        user.set_password(password)
        user.save()
        user.groups.add(role_group(role))
        users.append(user)
    return users


def ensure_demo_totp(users, password: str | None = None) -> None:
    """Give every demo account that needs 2FA the published TOTP secret; with ``password``, also
    create the three demo administrators (sysadmin, secadmin, auditor)."""
    users = list(users) + (ensure_demo_admins(password) if password else [])
    for user in users:
        if not requires_2fa(user):
            continue
        TOTPDevice.objects.filter(user=user).exclude(key=DEMO_KEY_HEX).delete()
        TOTPDevice.objects.update_or_create(
            user=user, key=DEMO_KEY_HEX, defaults={"name": "演示验证器", "confirmed": True}
        )
