"""Account pages: second factor (verify, enrol), password change, the lockout answer, the audit log."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from proposals import audit
from proposals.models import AuditEvent

from . import signals, twofactor
from .models import AdminRole

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
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


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
    return render(request, "members/otp_enrol.html", {
        "secret": twofactor.base32_secret(device), "otpauth_url": device.config_url, "error": error,
        "next": _next(request), "required": twofactor.requires_2fa(request.user),
    })


def _verify_url() -> str:
    from django.urls import reverse

    return reverse("members:otp_verify")


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


# --- The audit log for the audit administrator ------------------------------------------------------

AUDIT_FILTERS = ("action", "outcome", "actor_label", "ip")


def _may_read_audit(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(AdminRole.AUDITOR))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """审计日志: list, filters, CSV export (itself audited as `export`). Read-only."""
    if not _may_read_audit(request.user):
        raise PermissionDenied("审计日志仅供审计管理员查看。")
    events = AuditEvent.objects.order_by("-seq")
    chosen = {name: request.GET.get(name, "").strip() for name in AUDIT_FILTERS + ("since", "until")}
    for name in AUDIT_FILTERS:
        if chosen[name]:
            events = events.filter(**{name: chosen[name]})
    if chosen["since"]:
        events = events.filter(at__date__gte=chosen["since"])
    if chosen["until"]:
        events = events.filter(at__date__lte=chosen["until"])
    if request.GET.get("format") == "csv":
        return _audit_csv(request, events, chosen)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    return render(request, "members/audit_log.html", {"page": page, "chosen": chosen, "query": query,
                                                      "outcomes": AuditEvent.Outcome.choices})


def _audit_csv(request, events, chosen) -> HttpResponse:
    with transaction.atomic():
        audit.record("export", actor=request.user, object_type="auditevent",
                     data={"format": "csv", "filters": {k: v for k, v in chosen.items() if v}})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(["序号", "时间", "操作人", "事件", "结果", "对象类型", "对象ID", "提案", "IP", "数据", "哈希"])
    for e in events.iterator(chunk_size=2000):
        writer.writerow([e.seq, e.at.isoformat(), e.actor_label, e.action, e.outcome, e.object_type, e.object_id,
                         e.case_id or "", e.ip or "", e.data, e.hash])
    return response
