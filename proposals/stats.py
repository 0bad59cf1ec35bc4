"""The statistics of proposal work, defined once (DOMAIN.md "Counting").

``summary(term)`` is what GET /api/stats/summary/ answers and what the dashboard reuses. Rates
are fractions between 0 and 1, rounded to four places, or None when nothing is counted yet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from members.models import Membership, Term

from . import clock
from .models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    ContactRecord,
    Extension,
    KeyProposal,
    Kind,
    Proposer,
    Rating,
    Reply,
    Satisfaction,
    Status,
)

REPLYING = (AssignmentRole.LEAD, AssignmentRole.SEPARATE)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def numbered(term: Term):
    """Cases that reached filed (took a number) in ``term``: merged-away ones stay, once each."""
    return Case.objects.filter(term=term, number__isnull=False)


def _first_round_due(assignment: Assignment, extensions: dict[int, dt.date]) -> dt.date:
    # Re-handling moves due_date; the first round's due date is the original one, moved only by
    # an extension approved before that first reply was accepted.
    if assignment.round == 1:
        return assignment.due_date
    return extensions.get(assignment.pk, assignment.original_due_date)


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def on_time(term: Term, today: dt.date) -> tuple[int, int]:
    """(accepted by their due date, fell due) over the first round's replies of ``term``."""
    replying = list(
        Assignment.objects.filter(case__term=term, role__in=REPLYING)
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .only("id", "round", "due_date", "original_due_date", "first_accepted_at")
    )
    extensions: dict[int, dt.date] = {}
    for ext in Extension.objects.filter(case__term=term, state=Extension.State.APPROVED).order_by("decided_at"):
        extensions[ext.assignment_id] = max(ext.requested_due, extensions.get(ext.assignment_id, ext.requested_due))
    fell_due = in_time = 0
    for a in replying:
        due = _first_round_due(a, extensions)
        if a.first_accepted_at is None and due >= today:
            continue  # not due yet
        fell_due += 1
        if a.first_accepted_at is not None and _local_date(a.first_accepted_at) <= due:
            in_time += 1
    return in_time, fell_due


def satisfaction(term: Term, today: dt.date) -> dict:
    """Ratings on the reply dimension in each case's latest round; unrated pairs past the window apart."""
    latest = Rating.objects.filter(case__term=term, round=F("case__round"))
    counts = Counter(latest.values_list("reply_rating", flat=True))
    given = sum(counts.values())
    satisfied = counts[Satisfaction.SATISFIED] + counts[Satisfaction.BASIC]
    return {
        "given": given,
        "satisfied": counts[Satisfaction.SATISFIED],
        "basic": counts[Satisfaction.BASIC],
        "unsatisfied": counts[Satisfaction.UNSATISFIED],
        "unrated_after_window": _unrated_after_window(term, today),
        "rate": _rate(satisfied, given),
    }


def _unrated_after_window(term: Term, today: dt.date) -> int:
    from .workflow import ratings_outstanding

    cases = Case.objects.filter(term=term, rating_deadline__lt=today, status__in=[Status.REPLIED, Status.CLOSED])
    return sum(len(ratings_outstanding(c)) for c in cases.prefetch_related("proposers", "assignments"))


def reply_classes(term: Term) -> dict[str, int]:
    """A/B/C of the last accepted reply of each replying assignment."""
    last: dict[int, str] = {}
    for assignment_id, reply_class in (
        Reply.objects.filter(case__term=term, state=Reply.State.ACCEPTED)
        .order_by("decided_at", "id").values_list("assignment_id", "reply_class")
    ):
        last[assignment_id] = reply_class
    counts = Counter(c for c in last.values() if c)
    return {c: counts.get(c, 0) for c in ("A", "B", "C")}


def _by_proposer_field(cases, field: str) -> dict[str, int]:
    """A case counts once for every sector/committee among its proposers (joint cases in each)."""
    rows = (
        Proposer.objects.filter(case__in=cases, **{f"{field}__isnull": False})
        .filter(~Q(role=Proposer.Role.COSIGNER) | Q(confirmation=Proposer.Confirmation.CONFIRMED))
        .values_list(f"{field}__name", "case_id").distinct()
    )
    return dict(Counter(name for name, _case in rows))


def summary(term: Term, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    cases = Case.objects.filter(term=term)
    filed = numbered(term)
    proposals_filed = filed.filter(kind=Kind.PROPOSAL).count()
    suggestions = filed.filter(kind=Kind.SUGGESTION).count()
    # 立案率: filed proposals over what was submitted as a proposal (converted ones included).
    submitted = cases.filter(submitted_at__isnull=False).filter(
        Q(kind=Kind.PROPOSAL) | ~Q(conversion_consent="")).count()
    replied_assignments = Assignment.objects.filter(
        case__term=term, role__in=REPLYING, first_accepted_at__isnull=False
    ).exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
    replied_cases = cases.filter(Exists(replied_assignments.filter(case=OuterRef("pk"))))
    face_to_face = replied_cases.filter(
        Exists(ContactRecord.objects.filter(case=OuterRef("pk"), face_to_face=True))).count()
    replied_case_count = replied_cases.count()
    in_time, fell_due = on_time(term, today)
    sat = satisfaction(term, today)
    memberships = Membership.objects.filter(term=term)
    by_status = dict(cases.exclude(status=Status.DRAFT).values_list("status").annotate(n=Count("id")).order_by())
    by_category = {
        (name or "未分类"): n
        for name, n in filed.values_list("category__name").annotate(n=Count("id")).order_by()
    }
    return {
        "term": {"id": term.pk, "number": term.number, "name": term.name},
        "proposals_filed": proposals_filed,
        "suggestions": suggestions,
        "key_proposals": KeyProposal.objects.filter(case__term=term, state=KeyProposal.State.DESIGNATED).count(),
        "members": memberships.values("user").distinct().count(),
        "special_committees": memberships.values("committee").distinct().count(),
        "handling_units": Assignment.objects.filter(case__term=term)
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT).values("unit").distinct().count(),
        "submitted": submitted,
        "replied": replied_assignments.count(),
        "replies_due": fell_due,
        "replies_on_time": in_time,
        "on_time_reply_rate": _rate(in_time, fell_due),
        "satisfaction": sat,
        "satisfaction_rate": sat["rate"],
        "filing_rate": _rate(proposals_filed, submitted),
        "cases_replied": replied_case_count,
        "cases_face_to_face": face_to_face,
        "face_to_face_rate": _rate(face_to_face, replied_case_count),
        "by_status": {s: by_status.get(s, 0) for s in Status.values if s != Status.DRAFT},
        "by_category": by_category,
        "by_sector": _by_proposer_field(filed, "sector"),
        "by_committee": _by_proposer_field(filed, "committee"),
        "reply_classes": reply_classes(term),
    }
