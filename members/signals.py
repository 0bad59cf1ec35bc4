"""Login events into the audit trail, the previous login kept for the next one, and the rule
that no account holds two of the three administrator roles (三员分立). Connected in MembersConfig.ready."""

from __future__ import annotations

from django.contrib.auth.models import Group, update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from audit import trail as audit
from audit.models import AuditEvent

from . import authcache
from .models import ROLE_GROUPS, AdminRole, Role, User


def _ip(request) -> str | None:
    if request is None:
        return audit.current_ip()
    from core.http import client_ip_of

    return client_ip_of(request) if hasattr(request, "META") else audit.current_ip()


def _channel(request) -> str:
    path = getattr(request, "path", "") or ""
    return "api" if path.startswith("/api/") else "web"


def login_notice(user) -> str:
    if user.previous_login_at is None:
        return "欢迎！这是您的首次登录。"
    at = timezone.localtime(user.previous_login_at)
    return f"上次登录：{at:%Y年%m月%d日 %H:%M}，IP {user.previous_login_ip or '未知'}。如非本人操作，请立即修改密码并联系安全管理员。"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    # Replaces django.contrib.auth's update_last_login (disconnected in apps.py) so the previous
    # values are still there to keep.
    ip = _ip(request)
    user.previous_login_at, user.previous_login_ip = user.last_login, user.last_login_ip
    user.last_login, user.last_login_ip = timezone.now(), ip
    User.objects.filter(pk=user.pk).update(
        previous_login_at=user.previous_login_at,
        previous_login_ip=user.previous_login_ip,
        last_login=user.last_login,
        last_login_ip=ip,
    )
    authcache.forget(user.pk)  # the update() above sends no post_save
    session = getattr(request, "session", None)
    if session is not None:
        from .middleware import LOGIN_NOTICE, start_session_clock

        start_session_clock(session, user.last_login)
        session[LOGIN_NOTICE] = login_notice(user)
    with transaction.atomic():
        audit.record("login", actor=user, ip=ip, obj=user, data={"channel": _channel(request)})


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit.record(
            "logout", actor=user, ip=_ip(request), obj=user, data={"reason": getattr(request, "logout_reason", "user")}
        )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    with transaction.atomic():
        audit.record(
            "login_failed",
            actor_label=username or "anonymous",
            ip=_ip(request),
            outcome=AuditEvent.Outcome.REFUSED,
            object_type="user",
            object_id=username[:50],
            data={"channel": _channel(request), "locked_out": locked},
        )


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    with transaction.atomic():
        audit.record(
            "lockout",
            actor_label=str(username or "anonymous")[:150],
            ip=ip_address or _ip(request),
            outcome=AuditEvent.Outcome.REFUSED,
            object_type="user",
            object_id=str(username or "")[:50],
            data={"channel": _channel(request)},
        )


def on_otp_failed(user, request=None) -> None:
    with transaction.atomic():
        audit.record(
            "otp_failed",
            actor=user,
            ip=_ip(request),
            obj=user,
            outcome=AuditEvent.Outcome.REFUSED,
            data={"channel": _channel(request)},
        )


# --- 三员分立 -------------------------------------------------------------------------------------


def check_admin_roles(names) -> None:
    """三员分立: at most one of the three administrator roles, and never one together with a business
    role (member, staff, reviewer, unit, leader) — whoever assigns it and by whatever path."""
    names = set(names)
    held = sorted(names & set(AdminRole.values))
    if len(held) > 1:
        labels = "、".join(AdminRole(name).label for name in held)
        raise ValidationError(f"三员分立：同一账号不能同时担任{labels}。", code="admin_roles_combined")
    business = sorted(names & set(Role.values))
    if held and business:
        labels = "、".join(Role(name).label for name in business)
        raise ValidationError(
            f"三员分立：{AdminRole(held[0]).label}不能同时担任业务角色（{labels}）。", code="admin_business_combined"
        )


@receiver(m2m_changed, sender=User.groups.through)
def guard_admin_roles(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action != "pre_add" or not pk_set:
        return
    if not reverse:  # user.groups.add(...)
        added = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        check_admin_roles(added | set(instance.groups.values_list("name", flat=True)))
    elif instance.name in ROLE_GROUPS:  # group.user_set.add(...)
        for user in User.objects.filter(pk__in=pk_set):
            check_admin_roles({instance.name, *user.groups.values_list("name", flat=True)})


# --- The cached state of signed-in users (members.authcache): stale as soon as it changes -------------


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_user_state(sender, instance, **kwargs) -> None:
    authcache.forget(instance.pk)


@receiver(m2m_changed, sender=User.groups.through)
def forget_role_state(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:  # user.groups.add/remove/set/clear
        if action in ("post_add", "post_remove", "post_clear"):
            authcache.forget(instance.pk)
    elif action in ("post_add", "post_remove") and pk_set:  # group.user_set.add/remove
        authcache.forget(*pk_set)
    elif action == "pre_clear":  # group.user_set.clear(): the users are known only before
        authcache.forget(*instance.user_set.values_list("pk", flat=True))


def forget_device_state(sender, instance, **kwargs) -> None:
    authcache.forget(instance.user_id)


def connect() -> None:
    from django.apps import apps
    from django_otp.models import Device

    for model in apps.get_models():
        if issubclass(model, Device):
            post_save.connect(forget_device_state, sender=model, dispatch_uid=f"authcache_{model._meta.label}")
            post_delete.connect(forget_device_state, sender=model, dispatch_uid=f"authcache_del_{model._meta.label}")
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="members_audit_lockout")
