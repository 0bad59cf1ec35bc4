"""Who may see what: the one scoping function every page and API endpoint reads through.

Another user's object is answered with 404, never 403, so ids cannot be probed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from members.models import Role, User

from .models import Assignment, AssignmentStatus, Attachment, Case, KeyProposal, Proposer
from .models.handling import HANDLING_CASE_STATES
from .relations import (
    CREATOR,
    INITIATOR,
    LEADER,
    PROPOSER,
    REVIEWER,
    STAFF,
    UNIT,
    is_reviewer,
    is_staff,
    relations,
    unit_ids,
    unit_names,
)
from .workflow import PRE_SUBMIT, proposer_visible_actions

__all__ = ["is_reviewer", "is_staff", "unit_ids", "unit_names"]  # re-exported: pages ask access who is who


def visible_cases(user) -> QuerySet[Case]:
    """Cases this user may open.

    - everyone: published cases;
    - proposers (initiator, co-signers invited or confirmed, merged-in) and whoever created
      the case (staff entering a paper proposal on a member's behalf see that draft);
    - staff and reviewers: every case once submitted — never members' unsubmitted drafts; staff also
      every draft a staff member entered on a proposer's behalf (any staff member may submit it);
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
    if Role.STAFF in roles:
        # Drafts entered on a proposer's behalf (代录) by any staff member: any staff member may submit them.
        q |= Q(created_by__in=User.objects.filter(groups__name=Role.STAFF).values("pk"))
    if Role.UNIT in roles:
        live = Assignment.objects.filter(unit__in=unit_ids(user)).exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        q |= Q(id__in=live.values("case_id"))
    if Role.LEADER in roles:
        q |= Q(id__in=KeyProposal.objects.filter(leaders=user).values("case_id"))
    return Case.objects.filter(q)


def own_cases(user) -> QuerySet[Case]:
    """The cases ``user`` proposes (initiator, merged-in, confirmed co-signer) or entered — always
    within visible_cases(user). Picked by index from the user's own rows: filtering visible_cases
    instead would test every published case of the record (the member workbench at 100k cases)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    proposed = Proposer.objects.filter(user=user).filter(
        Q(role__in=[Proposer.Role.INITIATOR, Proposer.Role.MERGED]) | Q(confirmation=Proposer.Confirmation.CONFIRMED)
    )
    entered = Case.objects.filter(created_by=user).order_by().values("id")
    return Case.objects.filter(id__in=proposed.order_by().values("case_id").union(entered, all=True))


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


def _has_live_assignment(case: Case, units: frozenset[int]) -> bool:
    """Whether one of ``units`` holds a live assignment of the case; reads the case's prefetched
    assignments when the page fetched them (the case page does), so the check costs no query there."""
    return bool(units) and any(a.unit_id in units and a.is_live for a in case.assignments.all())


def visible_attachments(user, case: Case) -> QuerySet[Attachment]:
    """Attachments of a visible case; a stamped reply letter reaches proposers only once accepted."""
    qs = case.attachments.all()
    if is_staff(user) or is_reviewer(user):
        return qs
    mine = unit_ids(user)
    if _has_live_assignment(case, mine):
        return qs
    accepted_letters = case.replies.filter(state="accepted").values("letter_file_id")
    return qs.filter(~Q(purpose=Attachment.Purpose.REPLY_LETTER) | Q(id__in=accepted_letters))


def upload_purposes(user, case: Case) -> frozenset[str]:
    """Which kinds of file ``user`` may attach to a visible ``case`` in its present state (web pages and
    API alike): each purpose only while the step it serves can still happen (issue 17 item 4)."""

    rel = relations(user, case)
    P = Attachment.Purpose
    status = case.status
    handling = status in HANDLING_CASE_STATES
    supervised = case.is_key and status in ("assigned", "handling", "rehandling", "replied")
    allowed: set[str] = set()
    if STAFF in rel:
        if status in PRE_SUBMIT or status == "submitted":
            allowed |= {P.ATTACHMENT, P.PAPER_SCAN, P.SEALED_SCAN, P.COSIGN_SCAN}
        if handling:
            allowed |= {P.REPLY_LETTER}
        if status == "replied":
            allowed |= {P.RATING_FORM}
        if supervised:
            allowed |= {P.EVIDENCE}
    if {INITIATOR, CREATOR} & rel and status in PRE_SUBMIT:
        allowed |= {P.ATTACHMENT, P.SEALED_SCAN}
    if UNIT in rel and handling:
        mine = unit_ids(user)
        if any(a.unit_id in mine and a.status == "signed" for a in case.assignments.all()):
            allowed |= {P.REPLY_LETTER}
    if LEADER in rel and supervised:
        allowed |= {P.EVIDENCE}
    return frozenset(allowed)


def sees_full_trail(user) -> bool:
    """Staff and reviewers read the whole audit trail of a case (internal steps, refusals, IPs);
    everyone else gets the proposer view."""
    return is_staff(user) or is_reviewer(user)


def can_view_statistics(user) -> bool:
    from members.models import Role

    return user.is_authenticated and bool({Role.STAFF, Role.REVIEWER, Role.LEADER} & user.role_set())


def can_export(user) -> bool:
    """Excel catalogues and lists, and the key-proposal catalogue: staff, reviewers and leaders."""
    return user.is_authenticated and user.is_active and bool({Role.STAFF, Role.REVIEWER, Role.LEADER} & user.role_set())


def visible_events(user, case: Case):
    """The case's history: the full trail for staff and reviewers; for everyone else the proposer
    view — successful steps meant for proposers only, and of the ratings only their own."""
    from audit.models import AuditEvent

    qs = AuditEvent.objects.filter(case=case).select_related("actor", "on_behalf_of").order_by("seq")
    if sees_full_trail(user):
        return qs
    qs = qs.filter(outcome=AuditEvent.Outcome.SUCCESS, action__in=proposer_visible_actions())
    return qs.exclude(Q(action="rate") & ~Q(actor=user) & ~Q(on_behalf_of=user))


def visible_replies(user, case: Case):
    """Staff, reviewers and the case's units see every sent reply (a unit also its own drafts);
    proposers and others only accepted ones."""
    from .models import Reply

    qs = case.replies.select_related("assignment__unit").order_by("assignment_id", "round", "id")
    mine = unit_ids(user)
    live_mine = _has_live_assignment(case, mine)
    if live_mine:
        return qs.filter(~Q(state=Reply.State.DRAFT) | Q(assignment__unit__in=mine))
    if is_staff(user) or is_reviewer(user):
        return qs.exclude(state=Reply.State.DRAFT)
    return qs.filter(state=Reply.State.ACCEPTED)


# Who reads a case's working records (contact logs, all its ratings): the case page and the API ask here.
CONTACT_READERS = frozenset({STAFF, UNIT, INITIATOR, PROPOSER})
RATING_READERS = frozenset({STAFF, REVIEWER, UNIT})


def visible_contacts(user, case: Case, rel: frozenset[str] | None = None):
    """Contact logs (people, summary): staff, the units the case is assigned to, and its proposers
    (initiator, confirmed co-signers, merged-in) — nobody else, published case or not."""
    rel = relations(user, case) if rel is None else rel
    if not CONTACT_READERS & rel:
        return case.contacts.none()
    return case.contacts.select_related("assignment__unit").order_by("date", "id")


def visible_ratings(user, case: Case, rel: frozenset[str] | None = None):
    """Staff, reviewers and the case's own units see all of the case's ratings; everyone else (the
    proposers) only their own — a unit contact or leader of another case sees none."""
    qs = case.ratings.select_related(
        "proposer__user",
        "proposer__organisation",
        "proposer__sector",
        "proposer__group",
        "proposer__committee",
        "assignment__unit",
    )
    rel = relations(user, case) if rel is None else rel
    if RATING_READERS & rel:
        return qs
    return qs.filter(proposer__user=user)


def upload_assignment_allowed(user, case: Case, purpose: str, assignment) -> bool:
    """An upload that names an assignment (a unit's reply letter): a unit only its own live assignment,
    staff any assignment of the case. ``upload_purposes`` has already said the file may be attached."""
    if assignment is None:
        return True
    if assignment.case_id != case.pk:
        return False
    return is_staff(user) or (assignment.unit_id in unit_ids(user) and assignment.is_live)
