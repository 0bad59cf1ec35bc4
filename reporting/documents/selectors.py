"""Reads of the catalogue documents, within the cases the caller already scoped (visible_cases)."""

from __future__ import annotations

from proposals.models import Assignment, AssignmentStatus, KeyProposal, Status


def key_proposals_of_year(cases, year: int):
    """Designated key proposals among the (already scoped) cases, filed in the given year."""
    return (
        KeyProposal.objects.filter(state=KeyProposal.State.DESIGNATED, case__in=cases, case__filed_at__year=year)
        .select_related("case__session")
        .prefetch_related(
            "leaders", "case__proposers__user", "case__proposers__organisation", "case__assignments__unit"
        )
        .order_by("case__session__opens", "case__number")
    )


def session_catalogue(cases, session):
    """The numbered cases of a session among the (already scoped) cases, in number order."""
    return (
        cases.filter(session=session, number__isnull=False)
        .exclude(status=Status.MERGED)
        .select_related("session", "category")
        .prefetch_related(
            "proposers__user",
            "proposers__organisation",
            "proposers__sector",
            "proposers__group",
            "proposers__committee",
            "assignments__unit",
        )
        .order_by("kind", "number")
    )


def session_notices(session):
    """Every live assignment of a session's numbered cases: one 交办通知书 each, in case-number order."""
    return (
        Assignment.objects.filter(case__session=session, case__number__isnull=False)
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .exclude(case__status__in=[Status.MERGED, Status.WITHDRAWN, Status.REJECTED])
        .select_related("case__session", "unit")
        .order_by("case__kind", "case__number", "id")
    )
