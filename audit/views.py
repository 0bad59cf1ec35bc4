"""The audit log for the audit administrator: list, filters, CSV export (itself audited). Read-only."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import labels
from . import trail as audit
from .models import AuditEvent

# The audit administrator's role group (members.models.AdminRole.AUDITOR). Named here, not imported:
# members sits above audit in the layering, and the group name is fixed (ops checks it).
AUDITOR_ROLE = "auditor"

AUDIT_FILTERS = ("action", "outcome", "actor_label", "ip")


class AuditFilterForm(forms.Form):
    """The log's query parameters, parsed in one place: a bad date or address is a message, not a 500."""

    action = forms.CharField(required=False, max_length=50)
    outcome = forms.ChoiceField(required=False, choices=[("", "全部"), *AuditEvent.Outcome.choices])
    actor_label = forms.CharField(required=False, max_length=150)
    ip = forms.GenericIPAddressField(required=False, error_messages={"invalid": "IP 地址格式不正确。"})
    since = forms.DateField(required=False, error_messages={"invalid": "起始日期格式不正确（应为 年-月-日）。"})
    until = forms.DateField(required=False, error_messages={"invalid": "截止日期格式不正确（应为 年-月-日）。"})


def _may_read_audit(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(AUDITOR_ROLE))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """审计日志: list, filters, CSV export (itself audited as `export`). Read-only."""
    if not _may_read_audit(request.user):
        raise PermissionDenied("审计日志仅供审计管理员查看。")
    form = AuditFilterForm(request.GET)
    chosen = {name: request.GET.get(name, "").strip() for name in AUDIT_FILTERS + ("since", "until")}
    events = AuditEvent.objects.order_by("-seq")
    if not form.is_valid():
        errors = [str(message) for messages in form.errors.values() for message in messages]
        if request.GET.get("format") == "csv":
            return HttpResponse("；".join(errors), status=400, content_type="text/plain; charset=utf-8")
        return render(
            request,
            "audit/audit_log.html",
            {
                "page": Paginator(events.none(), 50).get_page(1),
                "chosen": chosen,
                "query": "",
                "outcomes": AuditEvent.Outcome.choices,
                "errors": errors,
            },
            status=400,
        )
    values = form.cleaned_data
    for name in AUDIT_FILTERS:
        if not values[name]:
            continue
        if name == "action":
            # 事件 may be typed as its Chinese name (登录) as well as its code (login).
            events = events.filter(action__in=[values[name], *labels.codes_named(values[name])])
        else:
            events = events.filter(**{name: values[name]})
    if values["since"]:
        events = events.filter(at__date__gte=values["since"])
    if values["until"]:
        events = events.filter(at__date__lte=values["until"])
    if request.GET.get("format") == "csv":
        return _audit_csv(request, events, chosen)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v})
    return render(
        request,
        "audit/audit_log.html",
        {"page": page, "chosen": chosen, "query": query, "outcomes": AuditEvent.Outcome.choices},
    )


# OWASP "CSV injection": a cell starting with one of these is a formula to Excel/WPS; a leading
# apostrophe makes it text. Usernames of failed logins, paths and data are attacker-chosen.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "％", "＝", "＋", "－", "＠")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _audit_csv(request, events, chosen) -> HttpResponse:
    with transaction.atomic():
        audit.record(
            "export",
            actor=request.user,
            object_type="auditevent",
            data={"format": "csv", "filters": {k: v for k, v in chosen.items() if v}},
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response, quoting=csv.QUOTE_ALL)
    writer.writerow(["序号", "时间", "操作人", "事件", "结果", "对象类型", "对象ID", "提案", "IP", "数据", "哈希"])
    for e in events.iterator(chunk_size=2000):
        writer.writerow(
            neutralise(value)
            for value in [
                e.seq,
                e.at.isoformat(),
                e.actor_label,
                e.action,
                e.outcome,
                e.object_type,
                e.object_id,
                e.case_id or "",
                e.ip or "",
                e.data,
                e.hash,
            ]
        )
    return response
