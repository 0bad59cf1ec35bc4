"""The audit log for the audit administrator: list, filters, CSV export (itself audited). Read-only."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import trail as audit
from .models import AuditEvent

# The audit administrator's role group (members.models.AdminRole.AUDITOR). Named here, not imported:
# members sits above audit in the layering, and the group name is fixed (ops checks it).
AUDITOR_ROLE = "auditor"

AUDIT_FILTERS = ("action", "outcome", "actor_label", "ip")


def _may_read_audit(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(AUDITOR_ROLE))


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
    return render(
        request,
        "audit/audit_log.html",
        {"page": page, "chosen": chosen, "query": query, "outcomes": AuditEvent.Outcome.choices},
    )


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
    writer = csv.writer(response)
    writer.writerow(["序号", "时间", "操作人", "事件", "结果", "对象类型", "对象ID", "提案", "IP", "数据", "哈希"])
    for e in events.iterator(chunk_size=2000):
        writer.writerow(
            [
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
