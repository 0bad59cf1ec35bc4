"""Public pages (公开): published cases with their accepted replies; no login, no contact details."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core.pagination import Key, KeysetPage
from proposals import search
from proposals.models import Case, Proposer, Reply


def _published():
    return (
        Case.objects.filter(published_at__isnull=False)
        .select_related("session", "category")
        .prefetch_related(
            Prefetch(
                "proposers", queryset=Proposer.objects.select_related("user", "organisation").order_by("order", "id")
            )
        )
    )


def public_list(request: HttpRequest) -> HttpResponse:
    qs = _published()
    q = (request.GET.get("q") or "").strip()
    qs = search.filter_cases(qs, q)
    # Keyset pages (index case_published_id): page 400 of the public record costs what page 1 does.
    page = KeysetPage(qs, request, [Key("published_at", "published_at", True), Key("id", "id", True)])
    # A search says how many it found (one COUNT, only when searching); the plain list pages without one.
    found = qs.count() if q else None
    return render(request, "public/list.html", {"page": page, "q": q, "found": found})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_published(), pk=pk)
    replies = (
        Reply.objects.filter(case=case, state=Reply.State.ACCEPTED)
        .select_related("assignment__unit")
        .order_by("assignment_id", "round")
    )
    return render(request, "public/detail.html", {"case": case, "replies": replies})
