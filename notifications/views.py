"""Notification centre: list, mark read, the polled bell, channel preferences, the staff outbox page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core.http import safe_next
from notifications.models import Notification, NotificationPreference, OutboxMessage
from notifications.rules import EVENT_KINDS, channels, forget_unread, passive, sms_available
from proposals.access import is_staff


def _next_or_list(request: HttpRequest, target: str = "") -> HttpResponse:
    return redirect(safe_next(request, reverse("notifications:list"), target or request.POST.get("next", "")))


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        mine = mine.filter(read_at__isnull=True)
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_GET
@passive
def bell(request: HttpRequest) -> HttpResponse:
    # The poll counts afresh (and refreshes the cached count the pages show).
    return render(request, "notifications/_bell.html", {"bell_fresh": True})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    if notice.read_at is None:
        notice.read_at = clock.now()
        notice.save(update_fields=["read_at"])
        forget_unread([request.user.pk])
    # "查看" opens the case after marking; "标为已读" stays on the list.
    return _next_or_list(request, notice.link if request.POST.get("open") else "")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=clock.now())
    forget_unread([request.user.pk])
    return _next_or_list(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        for kind in EVENT_KINDS:
            NotificationPreference.objects.update_or_create(
                user=user,
                event=kind,
                defaults={"email": f"{kind}:email" in request.POST, "sms": f"{kind}:sms" in request.POST},
            )
        messages.success(request, "通知方式已保存。")
        return redirect("notifications:preferences")
    chosen = {kind: channels([user], kind)[user.pk] for kind in EVENT_KINDS}
    rows = [(kind, *chosen[kind.key], sms_available(kind.key)) for kind in EVENT_KINDS.values()]
    return render(request, "notifications/preferences.html", {"rows": rows, **channel_status(user)})


def channel_status(user) -> dict:
    """What the preferences page says about each channel: whether it can reach this user, and why not."""
    from members.validators import is_mobile

    from . import sms

    backend = sms.backend_class()
    if not user.email:
        email = (False, "未登记邮箱，邮件不会发送；请联系系统管理员登记邮箱。")
    else:
        email = (True, f"可用，发往 {user.email}。")
    if not user.phone:
        text = (False, "未登记手机号码，短信不会发送；请联系系统管理员登记手机号码。")
    elif not is_mobile(user.phone):
        text = (False, f"登记的号码 {user.phone} 不是有效的手机号码，短信不会发送。")
    elif not any(sms_available(kind) for kind in EVENT_KINDS):
        text = (False, f"本系统的短信网关（{backend.label}）尚未开通任何短信模板，短信不会发送。")
    elif not backend.provider:
        text = (True, f"发往 {user.phone}。当前短信通道为{backend.label}。")
    else:
        text = (True, f"经{backend.label}发往 {user.phone}；标“未开通”的事件尚未备案短信模板。")
    return {"email_ok": email[0], "email_status": email[1], "sms_ok": text[0], "sms_status": text[1]}


OUTBOX_FILTERS = {
    "sent": ("已发送", {"state": OutboxMessage.State.SENT}),
    "failed": ("发送失败", {"state": OutboxMessage.State.FAILED}),
    "retrying": ("重试中", {"state": OutboxMessage.State.PENDING, "attempts__gt": 0}),
    "pending": ("待发送", {"state__in": [OutboxMessage.State.PENDING, OutboxMessage.State.SENDING]}),
}


@login_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    if not is_staff(request.user):
        raise PermissionDenied("只有提案委工作人员可以查看发送记录。")
    chosen = request.GET.get("state", "")
    rows = OutboxMessage.objects.select_related("recipient")
    if chosen in OUTBOX_FILTERS:
        rows = rows.filter(**OUTBOX_FILTERS[chosen][1])
    counts = {key: OutboxMessage.objects.filter(**flt).count() for key, (_, flt) in OUTBOX_FILTERS.items()}
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    filters = [(key, label, counts[key]) for key, (label, _) in OUTBOX_FILTERS.items()]
    return render(request, "notifications/outbox.html", {"page": page, "filters": filters, "chosen": chosen})
