"""Each role's workbench (工作台), the staff case list and the overdue board.

Every list reads through access.visible_cases(user); counts are one GROUP BY each, and rows are
fetched with their relations up front so the number of queries does not grow with the cases.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case as SqlCase,
)
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit import trail as audit
from core import clock
from core.pagination import Key, KeysetPage
from members.models import Role
from proposals import access, selectors, services, workdays, workflow
from proposals.errors import WorkflowError
from proposals.models import (
    Assignment,
    AssignmentStatus,
    Extension,
    KeyProposal,
    Kind,
    Proposer,
    Rating,
    Reply,
    Status,
    overdue_q,
)

from ..filters import CaseFilterSet
from .common import role_required, workbenches_of

LIST_LIMIT = 10
# Rows of a workbench's main lists: the most urgent first, the rest one click away (the case list).
WORKBENCH_PAGE = 10
OPEN_ASSIGNMENT = [AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.VIEWS_SENT]
NEAR_DUE_DAYS = 10
# A change that writes no audit event (none should) shows in a workbench's cached counts within this time.
OWN_COUNTS_SECONDS = 60


def _rows(qs):
    return qs.select_related("session", "category").prefetch_related(
        Prefetch("proposers", queryset=Proposer.objects.select_related("user").order_by("order", "id"))
    )


def _state_counts(qs) -> list[dict]:
    return _counts_list(dict(qs.order_by().values_list("status").annotate(n=Count("id"))))


def _cached_state_counts(user, qs, name: str) -> list[dict]:
    """``_state_counts(qs)`` for this user's workbench, counted again only after something happened:
    every change of a case writes an audit event (one per action, services.perform), so the newest
    event's number keys the count. (A member's thousand cases cost a few ms to count, the staff's
    100,000 a fifth of a second; the key is one index probe.)"""
    head = audit.head_seq()
    key = f"workbench:{name}-counts:{user.pk}:{head}"
    counts = cache.get(key)
    if counts is None:
        counts = _state_counts(qs)
        cache.set(key, counts, OWN_COUNTS_SECONDS)
    return counts


def _counts_list(counts: dict[str, int]) -> list[dict]:
    return [
        {"status": value, "label": label, "n": counts[value]} for value, label in Status.choices if counts.get(value)
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    benches = workbenches_of(request.user)
    if not benches:
        # The administrators have no workbench: their own page is their start (issue 17 item 1).
        roles = request.user.role_set()
        if "auditor" in roles:
            return redirect("audit:audit_log")
        if {"sysadmin", "secadmin"} & roles:
            return redirect("members:account")
        return redirect("proposals:public_list")
    return redirect(benches[0][0])


@role_required(Role.MEMBER)
def member_workbench(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The member's own cases (a few hundred; thousands for a prolific member at 100k cases) stay in the
    # database: it counts them by state and hands back only the page's ten, so the page does not grow
    # with them (issue 21: reading their ids into Python and back as an IN list did).
    own = access.own_cases(user)
    status = request.GET.get("status") or ""
    listed = own.filter(status=status) if status in Status.values else own
    cosign_requests = _rows(
        access.visible_cases(user).filter(
            status__in=[Status.DRAFT, Status.RETURNED],
            proposers__user=user,
            proposers__role="cosigner",
            proposers__confirmation="pending",
        )
    )
    rated = Rating.objects.filter(assignment=OuterRef("pk"), round=OuterRef("case__round"), proposer__user=user)
    to_rate = (
        Assignment.objects.filter(
            case__in=own.filter(status=Status.REPLIED).values("id"),
            round=F("case__round"),
            status=AssignmentStatus.ACCEPTED,
            role__in=["lead", "separate"],
        )
        .exclude(Exists(rated))
        .select_related("case", "unit")[:LIST_LIMIT]
    )
    return render(
        request,
        "proposals/wb_member.html",
        {
            "counts": _cached_state_counts(user, own, "member"),
            "status": status,
            "page": KeysetPage(_rows(listed), request, KEYSETS["new"], page_size=WORKBENCH_PAGE),
            "cosign_requests": cosign_requests[:LIST_LIMIT],
            "to_rate": to_rate,
        },
    )


def queue_heads(qs, queues: dict[str, tuple[Q, str]], limit: int = LIST_LIMIT) -> dict[str, list]:
    """The first ``limit`` rows of several disjoint queues of ``qs``, in one query.

    ``queues`` maps a name to (condition, ordering field). Each queue's head is an index-ordered
    ``LIMIT`` subquery; their union picks the rows, which come back labelled with their queue.
    (Each head is wrapped in ``pk IN (…)`` because SQLite allows no LIMIT in a UNION's branches.)
    """
    model = qs.model
    heads = [
        model._base_manager.filter(pk__in=qs.filter(cond).order_by(field, "pk").values("pk")[:limit])
        .order_by()
        .values("pk")
        for cond, field in queues.values()
    ]
    label = SqlCase(*(When(cond, then=Value(name)) for name, (cond, _) in queues.items()), output_field=CharField())
    grouped: dict[str, list] = {name: [] for name in queues}
    for row in qs.filter(pk__in=heads[0].union(*heads[1:], all=True)).annotate(queue=label):
        grouped[row.queue].append(row)
    for name, (_, field) in queues.items():
        grouped[name].sort(key=lambda row: (getattr(row, field), row.pk))
    return grouped


@role_required(Role.STAFF)
def staff_workbench(request: HttpRequest) -> HttpResponse:
    cases = access.visible_cases(request.user).exclude(status=Status.DRAFT)
    # The step queues, one query for all of them; a closed case can be both unpublished and owed a
    # follow-up, so the follow-ups are a second list.
    lists = queue_heads(
        cases.select_related("session", "category"),
        {
            "to_recommend": (Q(status=Status.SUBMITTED, recommendation=""), "submitted_at"),
            "to_assign": (Q(status=Status.FILED), "filed_at"),
            "to_close": (Q(status=Status.REPLIED), "replied_at"),
            "to_publish": (Q(status=Status.CLOSED, published_at__isnull=True, is_public=True), "closed_at"),
        },
    )
    lists["follow_ups"] = list(
        cases.filter(status=Status.CLOSED, follow_up_done=False)
        .filter(Exists(Reply.objects.filter(case=OuterRef("pk"), **workflow.FOLLOW_UP_OWED)))
        .select_related("session", "category")[:LIST_LIMIT]
    )
    prefetch_related_objects(
        [c for rows in lists.values() for c in rows],
        Prefetch("proposers", queryset=Proposer.objects.select_related("user").order_by("order", "id")),
    )
    assignments = queue_heads(
        Assignment.objects.filter(case__in=cases.values("id")).select_related("case", "unit", "return_suggested_unit"),
        {
            "return_requests": (Q(status=AssignmentStatus.RETURN_REQUESTED), "assigned_at"),
            "replies": (Q(status=AssignmentStatus.REPLIED), "replied_at"),
        },
    )
    return render(
        request,
        "proposals/wb_staff.html",
        {
            **lists,
            **assignments,
            "counts": _cached_state_counts(request.user, cases, "staff"),
            "extensions": Extension.objects.filter(
                state=Extension.State.PENDING, case__in=cases.values("id")
            ).select_related("case", "assignment__unit")[:LIST_LIMIT],
            "keys": KeyProposal.objects.filter(case__in=cases.values("id")).select_related("case")[:LIST_LIMIT],
            "calendar_warning": workdays.calendar_warning(clock.today()),
        },
    )


@role_required(Role.REVIEWER)
def reviewer_workbench(request: HttpRequest) -> HttpResponse:
    cases = access.visible_cases(request.user).exclude(status=Status.DRAFT)
    queue = (
        cases.filter(status=Status.SUBMITTED)
        .select_related("session", "category", "recommended_by")
        .prefetch_related(
            Prefetch("proposers", queryset=Proposer.objects.select_related("user").order_by("order", "id"))
        )
    )
    return render(
        request,
        "proposals/wb_reviewer.html",
        {
            "counts": _state_counts(cases),
            "page": KeysetPage(queue, request, [Key("submitted_at", "submitted_at"), Key("id", "id")]),
            "keys": KeyProposal.objects.filter(state=KeyProposal.State.RECOMMENDED, case__in=cases.values("id"))
            .select_related("case")
            .prefetch_related("leaders")[:LIST_LIMIT],
        },
    )


@role_required(Role.UNIT)
def unit_workbench(request: HttpRequest) -> HttpResponse:
    units = access.unit_ids(request.user)
    mine = (
        Assignment.objects.filter(unit__in=units)
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .select_related("case__session", "unit")
    )
    today = clock.today()
    # The most urgent WORKBENCH_PAGE of each list (one row more tells whether to link to the rest).
    inbox = list(
        mine.filter(status__in=[AssignmentStatus.PENDING, AssignmentStatus.RETURN_REQUESTED]).order_by(
            "return_deadline", "id"
        )[: WORKBENCH_PAGE + 1]
    )
    for a in inbox:
        # Only a window still open needs counting; a past one just says so.
        a.workdays_left = workdays.workdays_between(today, a.return_deadline) if a.return_deadline >= today else -1
    # 办理中 is what the unit still owes; a reply or views already sent waits on others (issue 17 item 7).
    in_hand = list(
        mine.filter(
            status=AssignmentStatus.SIGNED,
            case__status__in=[Status.ASSIGNED, Status.HANDLING, Status.REHANDLING],
        ).order_by(Coalesce("views_due", "due_date"), "id")[: WORKBENCH_PAGE + 1]  # each row's own due date
    )
    sent = list(
        mine.filter(
            status__in=[AssignmentStatus.VIEWS_SENT, AssignmentStatus.REPLIED],
            case__status__in=[Status.ASSIGNED, Status.HANDLING, Status.REHANDLING],
        ).order_by("-id")[:LIST_LIMIT]
    )
    for a in in_hand:
        a.overdue = a.is_overdue(today)
    return render(
        request,
        "proposals/wb_unit.html",
        {
            "unit_names": access.unit_names(request.user),
            "counts": dict(mine.order_by().values_list("status").annotate(n=Count("id"))),
            "status_labels": AssignmentStatus.choices,
            "inbox": inbox[:WORKBENCH_PAGE],
            "inbox_more": len(inbox) > WORKBENCH_PAGE,
            "in_hand": in_hand[:WORKBENCH_PAGE],
            "in_hand_more": len(in_hand) > WORKBENCH_PAGE,
            "sent": sent,
            # The newest ten picked by id first, so only they are joined to their cases and units.
            "ratings": Rating.objects.filter(
                pk__in=Rating.objects.filter(assignment__unit__in=units)
                .exclude(assignment__status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
                .order_by("-rated_at", "-pk")
                .values("pk")[:LIST_LIMIT]
            )
            .select_related("case", "assignment__unit", "proposer__user")
            .order_by("-rated_at", "-pk"),
            "follow_ups": mine.filter(case__status=Status.CLOSED, case__follow_up_done=False).filter(
                Exists(Reply.objects.filter(assignment=OuterRef("pk"), **workflow.FOLLOW_UP_OWED))
            )[:LIST_LIMIT],
        },
    )


@role_required(Role.LEADER)
def leader_workbench(request: HttpRequest) -> HttpResponse:
    keys = (
        KeyProposal.objects.filter(leaders=request.user)
        .select_related("case__session")
        .annotate(n_activities=Count("activities"))
        .order_by("-id")
    )
    return render(request, "proposals/wb_leader.html", {"keys": keys[:100]})


SORTS = {
    "new": ("-id",),
    "old": ("id",),
    "number": ("session__number", "kind", "number", "id"),
    "submitted": ("-submitted_at", "-id"),
    "title": ("title", "id"),
}


def _without(params, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def filter_cases(request: HttpRequest, qs):
    """The list's query string through the one CaseFilterSet (the API and the export use it too)."""
    return CaseFilterSet(request.GET, queryset=qs).qs.order_by(*SORTS.get(request.GET.get("sort"), SORTS["new"]))


# Keyset orderings of the case list (core.pagination): non-NULL keys, the unique id last.
_FAR_PAST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
KEYSETS = {
    "new": [Key("id", "id", True)],
    "old": [Key("id", "id")],
    "number": [
        Key("k_session", Coalesce("session__number", Value(0), output_field=IntegerField())),
        Key("kind", "kind"),
        Key("k_number", Coalesce("number", Value(0), output_field=IntegerField())),
        Key("id", "id"),
    ],
    "submitted": [
        Key("k_submitted", Coalesce("submitted_at", Value(_FAR_PAST), output_field=DateTimeField()), True),
        Key("id", "id", True),
    ],
    "title": [Key("title", "title"), Key("id", "id")],
}


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    qs = access.visible_cases(request.user)
    keys = KEYSETS.get(request.GET.get("sort") or "new", KEYSETS["new"])
    return render(
        request,
        "proposals/case_list.html",
        {
            "page": KeysetPage(_rows(filter_cases(request, qs)), request, keys),
            "filters": request.GET,
            # "export what I see": the same query string, through the same CaseFilterSet, without the page.
            "export_query": _without(request.GET, "after"),
            "can_export": access.can_export(request.user),
            "kinds": Kind.choices,
            "statuses": Status.choices,
            **selectors.filter_choices(),
            "sorts": [
                ("new", "最新"),
                ("old", "最早"),
                ("number", "编号"),
                ("submitted", "提交时间"),
                ("title", "案由"),
            ],
        },
    )


@role_required(Role.STAFF)
def overdue_board(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    horizon = today + dt.timedelta(days=NEAR_DUE_DAYS)
    # Overdue by the one definition (Assignment.objects.overdue), plus the steps due within the horizon.
    rows = list(
        Assignment.objects.filter(
            overdue_q(horizon + dt.timedelta(days=1)), case__in=access.visible_cases(request.user).values("id")
        )
        .select_related("unit", "case__session")
        .order_by("due_date")[:500]
    )
    urged = services.urging.last_urged([a.pk for a in rows])
    # Most urgent first: each unit's rows by their step's due date, the units by their most overdue row.
    rows.sort(key=lambda a: (a.step_due or today, a.pk))
    by_unit: dict[str, list] = {}
    for a in rows:
        a.days = (a.step_due - today).days
        a.last_urged = urged.get(a.pk)
        by_unit.setdefault(a.unit.name, []).append(a)
    return render(request, "proposals/overdue.html", {"by_unit": by_unit, "today": today, "horizon": horizon})


@login_required
@require_POST
def urge_assignment(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    """催办 from the board: one reminder to the unit's contacts, audited (services.urge). A case the user
    cannot see is a 404, as on every object route; the service refuses anyone but staff."""
    case = access.get_case_or_404(request.user, pk)
    try:
        services.urge(request.user, case.pk, assignment_id)
    except WorkflowError as error:
        if error.kind == WorkflowError.NOT_FOUND:
            raise Http404(error.message)
        if error.kind == WorkflowError.FORBIDDEN:
            raise PermissionDenied(error.message)
        messages.error(request, error.message)
    else:
        messages.success(request, "已催办，承办单位联系人将收到提醒。")
    return redirect(reverse("proposals:overdue_board") + f"#a{assignment_id}")
