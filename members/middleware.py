"""Login-state middleware (issue 7): session time limits, two-factor verification, forced password
change, and the audit of refusals. Listed in settings.MIDDLEWARE after django-otp's OTPMiddleware.
"""

from __future__ import annotations

import contextvars
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as _OTPMiddleware

from audit.models import AuditEvent

from . import passwords, twofactor

LOGIN_AT = "security_login_at"
LAST_SEEN = "security_last_seen"
LOGIN_NOTICE = "security_login_notice"
# Writing the session on every click costs a query; a minute of slack on a 15-minute timer does not matter.
LAST_SEEN_GRANULARITY = dt.timedelta(seconds=60)

# Reachable while the second factor or a password change is still owed.
ALWAYS_ALLOWED = frozenset(
    {
        "members:login",
        "members:logout",
        "ops:healthz",
        "admin:logout",
        "members:otp_verify",
        "members:otp_enrol",
    }
)
PASSWORD_PAGES = ALWAYS_ALLOWED | {"members:password_change"}


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _session_user(request):
    """The user when authenticated by the session (token-authenticated API calls are DRF's business)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and "_auth_user_id" in request.session:
        return user
    return None


def _stamp(value: dt.datetime) -> str:
    return value.isoformat()


def _read(request, key: str) -> dt.datetime | None:
    raw = request.session.get(key)
    try:
        return dt.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def start_session_clock(session, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    session[LOGIN_AT] = session[LAST_SEEN] = _stamp(now)


def _is_passive(request, view_func=None) -> bool:
    return bool(
        getattr(request, "passive_request", False)
        or getattr(view_func or getattr(request, "_security_view", None), "passive", False)
        or _view_name(request) == "notifications:bell"
    )


class OTPMiddleware(_OTPMiddleware):
    """django-otp's middleware, taking the session's device from the devices loaded with the user
    (members.backends, kept by members.authcache) instead of a query on every request. The same
    checks follow: the device must be the user's and confirmed, else the session forgets it."""

    def _verify_user_sync(self, request, user):
        devices = getattr(user, "_otp_devices", None)
        if devices is None or not user.is_authenticated:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device = devices.get(self._normalize_persistent_id(persistent_id)) if persistent_id else None
        user.otp_device = self._finalize_device(request, user, device)
        return user


class SessionTimeoutMiddleware:
    """Idle logout after SESSION_IDLE_TIMEOUT_MINUTES and an absolute limit of
    SESSION_ABSOLUTE_TIMEOUT_HOURS. Background polling (the bell) does not count as activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _session_user(request) is not None and not _is_passive(request):
            now = timezone.now()
            last = _read(request, LAST_SEEN)
            if last is None or now - last >= LAST_SEEN_GRANULARITY:
                request.session[LAST_SEEN] = _stamp(now)
                request.session.setdefault(LOGIN_AT, _stamp(now))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request._security_view = view_func
        if _session_user(request) is None:
            return None
        now = timezone.now()
        login_at, last_seen = _read(request, LOGIN_AT), _read(request, LAST_SEEN)
        if login_at is None or last_seen is None:
            # A session from before this middleware: start its clock now.
            start_session_clock(request.session, now)
            return None
        idle = dt.timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES)
        absolute = dt.timedelta(hours=settings.SESSION_ABSOLUTE_TIMEOUT_HOURS)
        if now - last_seen > idle:
            reason, text = (
                "idle_timeout",
                f"您已超过 {settings.SESSION_IDLE_TIMEOUT_MINUTES} 分钟未操作，已自动退出，请重新登录。",
            )
        elif now - login_at > absolute:
            reason, text = (
                "absolute_timeout",
                f"本次登录已超过 {settings.SESSION_ABSOLUTE_TIMEOUT_HOURS} 小时，请重新登录。",
            )
        else:
            return None
        request.logout_reason = reason
        logout(request)
        if _is_api(request):
            return JsonResponse({"code": "session_expired", "detail": text}, status=401)
        messages.info(request, text)
        return HttpResponseRedirect(f"{reverse('members:login')}?next={request.path}")


class _ViewGate:
    """A middleware that only acts in process_view, once the URL is resolved and the view is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class TwoFactorMiddleware(_ViewGate):
    """Until the second factor is verified, a user who needs it reaches only the 2FA pages and logout."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = _session_user(request)
        if user is None:
            return None
        if twofactor.is_verified(request) or not twofactor.requires_2fa(user):
            notice = request.session.pop(LOGIN_NOTICE, None)
            if notice and not _is_api(request):
                messages.info(request, notice)
            return None
        if _view_name(request) in ALWAYS_ALLOWED:
            return None
        if _is_api(request):
            return JsonResponse({"code": "otp_required", "detail": "请先完成双因素身份验证。"}, status=403)
        target = "members:otp_verify" if twofactor.confirmed_device(user) else "members:otp_enrol"
        return HttpResponseRedirect(f"{reverse(target)}?next={request.get_full_path()}")


class PasswordChangeMiddleware(_ViewGate):
    """An administrator-issued or expired password must be changed before anything else."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = _session_user(request)
        if user is None or _view_name(request) in PASSWORD_PAGES:
            return None
        reason = passwords.change_required_reason(user)
        if not reason:
            return None
        if _is_api(request):
            return JsonResponse({"code": "password_change_required", "detail": reason}, status=403)
        messages.warning(request, reason)
        return HttpResponseRedirect(reverse("members:password_change"))


# --- Refusals into the audit trail ----------------------------------------------------------------

_refusal_seen: contextvars.ContextVar[list | None] = contextvars.ContextVar("refusal_seen", default=None)


@receiver(post_save, sender=AuditEvent)
def _note_refusal(sender, instance, created, **kwargs) -> None:
    seen = _refusal_seen.get()
    if seen is not None and created and instance.outcome != AuditEvent.Outcome.SUCCESS:
        seen.append(instance.pk)


class PermissionAuditMiddleware:
    """Every 403 answer (pages and API) leaves one `permission_denied` event, unless the request
    already recorded its own refusal (the services write one `refused` event per refused action)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seen: list = []
        token = _refusal_seen.set(seen)
        try:
            response = self.get_response(request)
        finally:
            _refusal_seen.reset(token)
        if response.status_code == 403 and not seen:
            from audit import trail as audit

            user = getattr(request, "user", None)
            drf_user = (
                getattr(response, "renderer_context", {}).get("request")
                if hasattr(response, "renderer_context")
                else None
            )
            actor = getattr(drf_user, "user", None) or user
            signed_in = getattr(actor, "is_authenticated", False)
            data = {"path": request.path[:300], "method": request.method, "view": _view_name(request)}
            if not signed_in:
                left_out = anonymous_refusal_budget(request)
                if left_out is None:
                    return response  # counted, not written: see anonymous_refusal_budget
                if left_out:
                    data["left_out"] = left_out
            audit.record(
                "permission_denied",
                actor=actor if signed_in else None,
                actor_label=None if signed_in else "anonymous",
                outcome=AuditEvent.Outcome.REFUSED,
                data=data,
            )
        return response


ANONYMOUS_BUDGET_KEY = "audit:anonymous-refusals"


def anonymous_refusal_budget(request) -> int | None:
    """Whether an anonymous refusal (a CSRF failure on the login page, a probe of a protected URL) is
    written to the audit trail: at most AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE per client address and ten
    times that in all, per minute — each row takes the chain's lock, so unauthenticated requests must
    not grow it without bound. Returns None to leave this one out (it is counted), else how many were
    left out before it (recorded with it, so the trail still says that they happened)."""
    import time

    from django.core.cache import cache

    from core.http import client_ip_of

    minute = int(time.time() // 60)
    per_ip = settings.AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE
    keys = (f"{ANONYMOUS_BUDGET_KEY}:{client_ip_of(request)}:{minute}", f"{ANONYMOUS_BUDGET_KEY}:all:{minute}")
    counts = []
    for key in keys:
        cache.add(key, 0, 120)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 120)
            counts.append(1)
    left_out_key = f"{ANONYMOUS_BUDGET_KEY}:left-out"
    if counts[0] > per_ip or counts[1] > per_ip * 10:
        cache.add(left_out_key, 0, None)
        try:
            cache.incr(left_out_key)
        except ValueError:
            cache.set(left_out_key, 1, None)
        return None
    left_out = int(cache.get(left_out_key) or 0)
    if left_out:
        cache.delete(left_out_key)
    return left_out
