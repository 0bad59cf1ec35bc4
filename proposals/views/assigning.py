"""交办: assign several filed cases at once to the same units (单办, 主办+会办 or 分办).

Each case goes through services.perform("assign", …) on its own, in its own transaction: one
refused case (another staffer assigned it a minute ago) does not hold back the others, and the
page says which were refused and why.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.params import id_list
from members.models import Role
from proposals import access, services
from proposals.errors import WorkflowError
from proposals.models import Proposer, Status

from .common import role_required
from .forms import ROLE_CHOICES, _unit_choices, unit_groups, unit_rows

MAX_CASES = 200


@role_required(Role.STAFF)
def bulk_assign(request: HttpRequest) -> HttpResponse:
    filed = (
        access.visible_cases(request.user)
        .filter(status=Status.FILED)
        .select_related("session", "category")
        .order_by("filed_at", "id")
    )
    chosen = id_list(request.POST.getlist("case"), "case", "提案", limit=500)
    failures: list[tuple[str, str]] = []
    if request.method == "POST":
        units = [{"unit": r["unit"], "role": r["role"] or "lead"} for r in unit_rows(request.POST) if r["unit"]]
        if not chosen:
            messages.error(request, "请勾选要交办的提案。")
        elif not units:
            messages.error(request, "请选择承办单位。")
        else:
            titles = dict(filed.filter(pk__in=chosen).values_list("pk", "title"))
            done = 0
            for case_id in chosen[:MAX_CASES]:
                try:
                    services.perform("assign", request.user, case_id, {"units": json.dumps(units)})
                    done += 1
                except WorkflowError as error:
                    failures.append((titles.get(case_id, f"#{case_id}"), error.message))
            if done:
                messages.success(request, f"已交办 {done} 件。")
            if not failures:
                return redirect("proposals:bulk_assign")
    rows = list(filed[:MAX_CASES].prefetch_related("proposers__user"))
    return render(
        request,
        "proposals/bulk_assign.html",
        {
            "rows": rows,
            "chosen": set(chosen),
            "failures": failures,
            "unit_rows": unit_rows(request.POST if request.method == "POST" else None),
            "unit_choices": _unit_choices(),
            "unit_groups": unit_groups(),
            "role_choices": ROLE_CHOICES,
            "proposer_initiator": Proposer.Role.INITIATOR,
        },
        status=400 if failures else 200,
    )
