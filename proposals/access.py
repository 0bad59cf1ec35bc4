"""Who may see what: the one scoping function every page and API endpoint reads through.

Another user's object is answered with 404, never 403, so ids cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from members.models import Role

from .models import Assignment, AssignmentStatus, Attachment, Case, KeyProposal, Proposer


def unit_ids(user) -> frozenset[int]:
    cached = getattr(user, "_unit_ids", None)
    if cached is None:
        cached = frozenset(user.units.values_list("id", flat=True)) if user.is_authenticated else frozenset()
        user._unit_ids = cached
    return cached


def is_staff(user) -> bool:
    return user.is_authenticated and user.has_role(Role.STAFF)


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.REVIEWER)


def visible_cases(user) -> QuerySet[Case]:
    """Cases this user may open.

    - everyone: published cases;
    - proposers (initiator, co-signers invited or confirmed, merged-in) and whoever created
      the case (staff entering a paper proposal on a member's behalf see that draft);
    - staff and reviewers: every case once submitted — never members' unsubmitted drafts;
    - unit contacts: cases assigned to their unit, until reassigned away from it;
    - leaders: the key proposals they supervise.
    """
    published = Q(published_at__isnull=False)
    if not user.is_authenticated or not user.is_active:
        return Case.objects.filter(published)
    roles = user.role_set()
    q = published | Q(created_by=user) | Q(id__in=Proposer.objects.filter(user=user).values("case_id"))
    if Role.STAFF in roles or Role.REVIEWER in roles:
        q |= Q(submitted_at__isnull=False)
    if Role.UNIT in roles:
        live = Assignment.objects.filter(unit__in=unit_ids(user)).exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        q |= Q(id__in=live.values("case_id"))
    if Role.LEADER in roles:
        q |= Q(id__in=KeyProposal.objects.filter(leaders=user).values("case_id"))
    return Case.objects.filter(q)


def get_case_or_404(user, pk) -> Case:
    try:
        return visible_cases(user).select_related("session", "category", "term").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该提案，或您无权查看。")


def can_see_contact_details(user, case: Case) -> bool:
    """Proposers' phone numbers and addresses: staff, and the units the case is assigned to."""
    if is_staff(user):
        return True
    mine = unit_ids(user)
    return bool(mine) and any(a.unit_id in mine and a.is_live for a in case.assignments.all())


def visible_attachments(user, case: Case) -> QuerySet[Attachment]:
    """Attachments of a visible case; a stamped reply letter reaches proposers only once accepted."""
    qs = case.attachments.all()
    if is_staff(user) or is_reviewer(user):
        return qs
    mine = unit_ids(user)
    if mine and case.assignments.filter(unit__in=mine).exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT).exists():
        return qs
    accepted_letters = case.replies.filter(state="accepted").values("letter_file_id")
    return qs.filter(~Q(purpose=Attachment.Purpose.REPLY_LETTER) | Q(id__in=accepted_letters))
