"""Account pages: second factor (verify, enrol), password change, the lockout answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from audit import trail as audit
from core.http import safe_next

from . import signals, twofactor
from .validators import UsernameLengthMixin

LOCKED_MESSAGE = "登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试或联系安全管理员解锁。"


def lockout_message() -> str:
    from axes.helpers import get_cool_off

    cool_off = get_cool_off()
    return LOCKED_MESSAGE.format(minutes=int(cool_off.total_seconds() // 60) if cool_off else 30)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a Chinese answer, JSON on the API."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": lockout_message()}, status=429)
    return render(request, "members/locked.html", {"message": lockout_message()}, status=429)


def _next(request: HttpRequest) -> str:
    return safe_next(request, "/")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = twofactor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{_enrol_url()}?next={_next(request)}")
    error = ""
    if request.method == "POST":
        if device.verify_token((request.POST.get("otp") or "").strip()):
            otp_login(request, device)
            return redirect(_next(request))
        signals.on_otp_failed(request.user, request)
        error = "验证码不正确或已使用，请输入身份验证器上的最新 6 位数字。"
    return render(request, "members/otp_verify.html", {"error": error, "next": _next(request)})


def _enrol_url() -> str:
    from django.urls import reverse

    return reverse("members:otp_enrol")


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Shows a new secret and asks a code to confirm it. Required roles come here at login;
    members and unit contacts may come here on their own (optional 2FA)."""
    if twofactor.confirmed_device(request.user) is not None and not twofactor.is_verified(request):
        return redirect(f"{_verify_url()}?next={_next(request)}")
    if twofactor.confirmed_device(request.user) is not None:
        messages.info(request, "您已启用双因素登录。如需更换手机，请联系安全管理员重置。")
        return redirect("/")
    device = twofactor.pending_device(request.user)
    error = ""
    if request.method == "POST":
        if device.verify_token((request.POST.get("otp") or "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            with transaction.atomic():
                audit.record("otp_enrolled", actor=request.user, obj=request.user)
            messages.success(request, "双因素登录已启用。")
            return redirect(_next(request))
        signals.on_otp_failed(request.user, request)
        error = "验证码不正确，请核对手机时间后重新输入。"
    return render(
        request,
        "members/otp_enrol.html",
        {
            "secret": twofactor.base32_secret(device),
            "otpauth_url": device.config_url,
            "error": error,
            "next": _next(request),
            "required": twofactor.requires_2fa(request.user),
        },
    )


def _verify_url() -> str:
    from django.urls import reverse

    return reverse("members:otp_verify")


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    pass


class ChinesePasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def save(self, commit: bool = True):
        self.user.must_change_password = False
        return super().save(commit)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChinesePasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Keep this session (others of the user end: their stored hash no longer matches).
        update_session_auth_hash(request, user)
        with transaction.atomic():
            audit.record("password_changed", actor=user, obj=user)
        messages.success(request, "密码已修改。")
        return redirect("/")
    return render(request, "members/password_change.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """我的账户: where every account page is linked from (password, 2FA, notification settings)."""
    user = request.user
    return render(
        request,
        "members/account.html",
        {
            "has_2fa": twofactor.confirmed_device(user) is not None,
            "requires_2fa": twofactor.requires_2fa(user),
            "roles": sorted(user.role_set()),
        },
    )
