"""Deployment checks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEMO_USERNAMES = (
    "admin",
    "staff",
    "reviewer",
    "member",
    "member2",
    "unit",
    "unit2",
    "leader",
    "sysadmin",
    "secadmin",
    "auditor",
)


def _active_usernames(**filters) -> list[str]:
    """Usernames of active accounts matching ``filters``; none when DEBUG is on or the database is not ready."""
    if settings.DEBUG:
        return []
    from django.db import DatabaseError

    from members.models import User

    try:
        return list(User.objects.filter(is_active=True, **filters).values_list("username", flat=True))
    except DatabaseError:
        return []


@register(Tags.security, deploy=True)
def demo_logins_in_production(app_configs, **kwargs):
    found = _active_usernames(username__in=DEMO_USERNAMES)
    if not found:
        return []
    return [
        Warning(
            f"DEBUG 已关闭，但存在演示账号：{', '.join(found)}。生产环境请停用或删除这些账号。",
            hint='python manage.py shell -c "from members.models import User; User.objects.filter(username__in=[...]).update(is_active=False); from django.core.cache import cache; cache.clear()"',
            id="proposals.W001",
        )
    ]


@register(Tags.security, deploy=True)
def no_superuser_in_production(app_configs, **kwargs):
    """三员分立: in production nobody holds every permission; the three administrators split them."""
    found = _active_usernames(is_superuser=True)
    if not found:
        return []
    return [
        Warning(
            f"DEBUG 已关闭，但存在超级用户：{', '.join(found)}。生产环境不设超级用户（三员分立），"
            "请改由系统管理员、安全管理员、审计管理员分别授权。",
            hint='python manage.py shell -c "from members.models import User; User.objects.filter(is_superuser=True).update(is_superuser=False); from django.core.cache import cache; cache.clear()"',
            id="proposals.W002",
        )
    ]
