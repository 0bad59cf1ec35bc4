"""Template hooks of the documents: the case page and the 交办 page include reporting's partials, which
ask here (proposals' templates name the partials; proposals' code never imports reporting)."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q

from members.models import Session, Term
from proposals.access import is_staff
from proposals.models import AssignmentStatus, Status
from reporting.documents import offers, pdf

register = template.Library()


@register.simple_tag(takes_context=True)
def case_documents(context, case) -> list[offers.Offer]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return offers.case_documents(request.user, case)


@register.simple_tag
def pdf_available() -> bool:
    return pdf.available()


@register.simple_tag(takes_context=True)
def batch_sessions(context) -> list[Session]:
    """Sessions of the current term with assigned cases (the newest first), for the 交办会 batch."""
    request = context.get("request")
    if request is None or not is_staff(request.user):
        return []
    term = Term.current() or Term.objects.order_by("-number").first()
    if term is None:
        return []
    live = ~Q(cases__assignments__status=AssignmentStatus.WITHDRAWN_FROM_UNIT) & ~Q(
        cases__status__in=[Status.MERGED, Status.WITHDRAWN, Status.REJECTED]
    )
    return list(
        Session.objects.filter(term=term)
        .annotate(notices=Count("cases__assignments", filter=live & Q(cases__number__isnull=False)))
        .filter(notices__gt=0)
        .order_by("-number")
    )
