"""The case's print view (HTML, print.css): what the office prints without Word."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from audit import trail as audit
from proposals import settings_registry
from proposals.models import Case, Reply
from reporting.models import DocumentSettings

from .proposal_documents import live_assignments, proposer_names


def print_context(case: Case) -> dict:
    replies = (
        case.replies.filter(state=Reply.State.ACCEPTED)
        .select_related("assignment__unit")
        .order_by("round", "assignment_id", "id")
    )
    return {
        "case": case,
        "organisation": DocumentSettings.current().committee,
        "proposers": proposer_names(case),
        "assignments": live_assignments(case),
        "replies": [
            {"reply": r, "show_class": settings_registry.needs_class(case.kind) and bool(r.reply_class)}
            for r in replies
        ],
        "printed_at": timezone.localtime(),
    }


def print_html(user, case: Case) -> HttpResponse:
    audit.record(
        "download",
        actor=user,
        object_type="document",
        object_id=case.pk,
        case=case,
        data={"kind": "print", "format": "html"},
    )
    return HttpResponse(render_to_string("print/case.html", print_context(case)))
