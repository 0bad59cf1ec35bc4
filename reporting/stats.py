"""The statistics of proposal work, defined once (DOMAIN.md "Counting").

``summary(term)`` is what GET /api/stats/summary/ answers and what the dashboard reuses. Rates
are fractions between 0 and 1, rounded to four places, or None when nothing is counted yet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Exists, F, OuterRef, Q

from core import clock
from members.models import Membership, Term
from proposals.models import (
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
    SupervisionActivity,
    overdue_q,
)

REPLYING = (AssignmentRole.LEAD, AssignmentRole.SEPARATE)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def numbered(term: Term):
    """Cases that reached filed (took a number) in ``term``: merged-away ones stay, once each."""
    return Case.objects.filter(term=term, number__isnull=False)


def on_time(term: Term, today: dt.date) -> tuple[int, int]:
    """(accepted by their due date, fell due) over the first round's replies of ``term``."""
    replying = Assignment.objects.filter(case__term=term, role__in=REPLYING).exclude(
        status=AssignmentStatus.WITHDRAWN_FROM_UNIT
    )
    counted = _replying_counts(replying, today)
    wanted = {k: counted["aggregates"][k] for k in ("replied_on_time", "replies_due")}
    totals = counted["rows"].order_by().aggregate(**wanted)
    return totals["replied_on_time"], totals["replies_due"]


def latest_ratings(ratings):
    """Each replying assignment's latest round: in a 分办 case where one unit is re-handled, the
    other units' ratings of their own (earlier) round still count; the re-handled unit's count anew."""
    return ratings.filter(round=F("assignment__round"))


def satisfaction(term: Term, today: dt.date) -> dict:
    """Ratings on the reply dimension in each replying assignment's latest round; unrated pairs past the window apart."""
    latest = latest_ratings(Rating.objects.filter(case__term=term))
    counts = Counter(dict(latest.values_list("reply_rating").annotate(n=Count("id")).order_by()))
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
    """(proposer, replying assignment) pairs of each assignment's latest round left unrated after the
    case's rating window, in SQL: per accepted replying assignment, the case's proposers minus the
    ratings given in the assignment's round (a rating exists only for such a pair).
    """
    from django.db.models import IntegerField, Subquery, Sum
    from django.db.models.functions import Coalesce

    from proposals import settings_registry

    kinds = [k for k in Kind.values if settings_registry.needs_rating(k)]
    cases = Case.objects.filter(
        term=term, kind__in=kinds, rating_deadline__lt=today, status__in=[Status.REPLIED, Status.CLOSED]
    )

    def count(qs):
        rows = qs.order_by().values("case").annotate(n=Count("*")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    def per_assignment(qs):
        rows = qs.order_by().values("assignment").annotate(n=Count("*")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    proposers = Proposer.objects.filter(case=OuterRef("case")).filter(
        ~Q(role=Proposer.Role.COSIGNER) | Q(confirmation=Proposer.Confirmation.CONFIRMED)
    )
    assignments = Assignment.objects.filter(case__in=cases, role__in=REPLYING, status=AssignmentStatus.ACCEPTED)
    ratings = Rating.objects.filter(assignment=OuterRef("pk"), round=OuterRef("round"))
    total = assignments.annotate(np=count(proposers), nr=per_assignment(ratings)).aggregate(
        total=Sum(F("np") - F("nr"))
    )["total"]
    return total or 0


def _last_accepted_class():
    return (
        Reply.objects.filter(assignment=OuterRef("pk"), state=Reply.State.ACCEPTED)
        .order_by("-decided_at", "-id")
        .values("reply_class")[:1]
    )


def reply_classes(term: Term) -> dict[str, int]:
    """A/B/C of the last accepted reply of each assignment that has one."""
    from django.db.models import Subquery

    counts = dict(
        Assignment.objects.filter(case__term=term)
        .annotate(last_class=Subquery(_last_accepted_class()))
        .filter(last_class__in=["A", "B", "C"])
        .order_by()
        .values_list("last_class")
        .annotate(n=Count("id"))
    )
    return {c: counts.get(c, 0) for c in ("A", "B", "C")}


# A collective case of a sector (界别) or a committee (专委会) counts for that sector or committee only,
# not for the sector or committee of the member who submitted it; a party's, group's, or other
# collective's case counts for no sector and no committee.
_GROUP_COLLECTIVE = {"sector": Proposer.Collective.SECTOR, "committee": Proposer.Collective.COMMITTEE}


def counting_for_group(field: str, prefix: str = "") -> Q:
    """The proposer rows that make a case count for their ``field`` (sector or committee), as a Q on
    Proposer (``prefix`` reaches Proposer from another model, e.g. ``case__proposers__``)."""
    return (
        (
            ~Q(**{f"{prefix}role": Proposer.Role.COSIGNER})
            | Q(**{f"{prefix}confirmation": Proposer.Confirmation.CONFIRMED})
        )
        & Q(**{f"{prefix}collective__in": [Proposer.Collective.NONE, _GROUP_COLLECTIVE[field]]})
        & Q(**{f"{prefix}{field}__isnull": False})
    )


def _by_proposer_field(cases, field: str) -> dict[str, int]:
    """A case counts once for every sector/committee among its proposers (joint cases in each)."""
    rows = (
        Proposer.objects.filter(counting_for_group(field), case__in=cases)
        .values_list(f"{field}__name")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    return dict(rows)


UNDER_REVIEW = (Status.SUBMITTED, Status.RETURNED)


def filing(cases) -> dict:
    """立案率 = proposals filed / proposals received.

    Received: each case submitted as a proposal, once however often it was returned and resubmitted
    (converted ones included: they were received as proposals). Filed: those numbered as proposals,
    merged-after-filing ones included; converted, merged-before-filing, rejected and withdrawn ones
    count in the denominator only. Cases still under review (submitted, returned for revision) are
    counted apart and left out of both.
    """
    received_as_proposal = cases.filter(submitted_at__isnull=False).filter(
        Q(kind=Kind.PROPOSAL) | ~Q(conversion_consent="")
    )
    decided = ~Q(status__in=UNDER_REVIEW)
    counts = received_as_proposal.order_by().aggregate(
        received=Count("id", filter=decided),
        filed=Count("id", filter=decided & Q(kind=Kind.PROPOSAL, number__isnull=False)),
        under_review=Count("id", filter=Q(status__in=UNDER_REVIEW)),
    )
    return {**counts, "rate": _rate(counts["filed"], counts["received"])}


def replied_cases(cases):
    """Cases with at least one replying assignment accepted (the 面商率 and contact-point denominator)."""
    return cases.filter(
        Exists(
            Assignment.objects.filter(case=OuterRef("pk"), role__in=REPLYING, first_accepted_at__isnull=False).exclude(
                status=AssignmentStatus.WITHDRAWN_FROM_UNIT
            )
        )
    )


def contact_points(cases, replied_count: int) -> list[dict]:
    """Of the cases replied, the share with a contact record at each point (接案 / 办理 / 答复)."""
    counts = dict(
        ContactRecord.objects.filter(case__in=replied_cases(cases))
        .values_list("point")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    return [
        {
            "point": value,
            "label": label,
            "cases": counts.get(value, 0),
            "rate": _rate(counts.get(value, 0), replied_count),
        }
        for value, label in ContactRecord.Point.choices
    ]


_GROUP_COUNTS = (
    "count",
    "replying",
    "replied",
    "replies_due",
    "replied_on_time",
    "A",
    "B",
    "C",
    "satisfied",
    "basic",
    "unsatisfied",
)


def group_table(cases, field: str, today: dt.date) -> dict[str, list[dict]]:
    """By sector (界别) or special committee (专委会), proposals and suggestions apart: the numbered
    cases, and beside them the rates of their live replying assignments — reply rate (replied /
    replying), on-time rate and A/B/C shares (as the unit league counts them) and the satisfaction
    rate (each assignment's latest round). A case counts in every group of its proposers, once each.
    All in SQL: one grouped query each for cases, assignments and ratings."""
    filed = cases.filter(number__isnull=False)
    group, kind = f"case__proposers__{field}__name", "case__kind"
    out: dict[tuple[str, str], dict] = {}

    def row(name: str, k: str) -> dict:
        return out.setdefault((name, k), {"name": name, "kind": k, **dict.fromkeys(_GROUP_COUNTS, 0)})

    for name, k, n in (
        Proposer.objects.filter(counting_for_group(field), case__in=filed)
        .values_list(f"{field}__name", "case__kind")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    ):
        row(name, k)["count"] = n
    live = Assignment.objects.filter(case__in=filed, role__in=REPLYING).exclude(
        status=AssignmentStatus.WITHDRAWN_FROM_UNIT
    )
    counted = _replying_counts(live, today, distinct=True)
    wanted = {key: counted["aggregates"][key] for key in ("replying", "replied", "replies_due", "replied_on_time")}
    # The filter and the grouping share one join to the proposers, so only counting rows group.
    for values in (
        counted["rows"]
        .filter(counting_for_group(field, "case__proposers__"))
        .values(group, kind, "last_class")
        .annotate(**wanted)
        .order_by()
    ):
        r = row(values[group], values[kind])
        for key in wanted:
            r[key] += values[key]
        if values["last_class"] in ("A", "B", "C"):
            r[values["last_class"]] += values["replying"]
    for name, k, value, n in (
        latest_ratings(Rating.objects.filter(case__in=filed))
        .filter(counting_for_group(field, "case__proposers__"))
        .values_list(group, kind, "reply_rating")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    ):
        row(name, k)[value] += n
    tables: dict[str, list[dict]] = {k: [] for k in Kind.values}
    for r in out.values():
        r = _league_rates(r)
        r["reply_rate"] = _rate(r["replied"], r["replying"])
        tables[r["kind"]].append(r)
    for rows in tables.values():
        rows.sort(key=lambda r: (-r["count"], r["name"]))
    return tables


def summary(term: Term, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    cases = Case.objects.filter(term=term)
    filed = numbered(term)
    proposals_filed = filed.filter(kind=Kind.PROPOSAL).count()
    suggestions = filed.filter(kind=Kind.SUGGESTION).count()
    filing_counts = filing(cases)
    replied_assignments = Assignment.objects.filter(
        case__term=term, role__in=REPLYING, first_accepted_at__isnull=False
    ).exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
    replied_cases = cases.filter(Exists(replied_assignments.filter(case=OuterRef("pk"))))
    face_to_face = replied_cases.filter(
        Exists(ContactRecord.objects.filter(case=OuterRef("pk"), face_to_face=True))
    ).count()
    replied_case_count = replied_cases.count()
    in_time, fell_due = on_time(term, today)
    sat = satisfaction(term, today)
    memberships = Membership.objects.filter(term=term)
    by_status = dict(cases.exclude(status=Status.DRAFT).values_list("status").annotate(n=Count("id")).order_by())
    by_category = {
        (name or "未分类"): n for name, n in filed.values_list("category__name").annotate(n=Count("id")).order_by()
    }
    return {
        "term": {"id": term.pk, "number": term.number, "name": term.name},
        "proposals_filed": proposals_filed,
        "suggestions": suggestions,
        "key_proposals": KeyProposal.objects.filter(case__term=term, state=KeyProposal.State.DESIGNATED).count(),
        "members": memberships.values("user").distinct().count(),
        "special_committees": memberships.values("committee").distinct().count(),
        "handling_units": Assignment.objects.filter(case__term=term)
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .values("unit")
        .distinct()
        .count(),
        # 立案率 (``filing``): received = decided proposals; under review apart. "submitted" is "received".
        "submitted": filing_counts["received"],
        "received": filing_counts["received"],
        "filed_of_received": filing_counts["filed"],
        "under_review": filing_counts["under_review"],
        "replied": replied_assignments.count(),
        "replies_due": fell_due,
        "replies_on_time": in_time,
        "on_time_reply_rate": _rate(in_time, fell_due),
        "satisfaction": sat,
        "satisfaction_rate": sat["rate"],
        "filing_rate": filing_counts["rate"],
        "cases_replied": replied_case_count,
        "cases_face_to_face": face_to_face,
        "face_to_face_rate": _rate(face_to_face, replied_case_count),
        "contact_points": contact_points(cases, replied_case_count),
        "by_status": {s: by_status.get(s, 0) for s in Status.values if s != Status.DRAFT},
        "by_category": by_category,
        "by_sector": _by_proposer_field(filed, "sector"),
        "by_committee": _by_proposer_field(filed, "committee"),
        "sector_table": group_table(cases, "sector", today),
        "committee_table": group_table(cases, "committee", today),
        "reply_classes": reply_classes(term),
    }


# =====================================================================================================
# Dashboard (issue 5, 统计分析): the same definitions, per term or per session, grouped for charts.
# Each function takes the scoped cases (``scope(term, session)``) and runs a few aggregate queries
# (the unit league and ``on_time`` share ``_replying_counts``).
# =====================================================================================================

from django.db.models import QuerySet  # noqa: E402
from django.db.models.functions import TruncMonth  # noqa: E402

PROPOSER_TYPES = [
    ("individual", "个人"),
    ("joint", "联名"),
    ("organisation", "党派团体"),
    ("sector_group", "界别/委员小组"),
    ("committee", "专委会"),
]

_LEAGUE_COUNTS = (
    "assigned",
    "replying",
    "signed_on_time",
    "replied",
    "replies_due",
    "replied_on_time",
    "overdue",
    "A",
    "B",
    "C",
    "satisfied",
    "basic",
    "unsatisfied",
)
LEAGUE_SORTS = (
    "unit",
    "assigned",
    "signed_on_time",
    "replied",
    "replied_on_time",
    "on_time_rate",
    "overdue",
    "a_share",
    "b_share",
    "c_share",
    "ratings_given",
    "satisfaction_rate",
)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The calendar year in local time (Asia/Shanghai), as aware datetimes [start, end)."""
    start = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL)


def scope(term: Term, session=None, year: int | None = None) -> QuerySet[Case]:
    """The cases a scope counts: a term's, one session's of it, or those of the term submitted in a
    calendar year (local time) — a year's cases are followed to today, wherever they now stand."""
    cases = Case.objects.filter(term=term)
    if session is not None:
        cases = cases.filter(session=session)
    if year is not None:
        start, end = year_bounds(year)
        cases = cases.filter(submitted_at__gte=start, submitted_at__lt=end)
    return cases


def scope_years(term: Term, today: dt.date | None = None) -> list[int]:
    """The calendar years a term's year scope offers: from its start to its end (or today)."""
    last = (term.end_date or today or clock.today()).year
    return list(range(term.start_date.year, max(last, term.start_date.year) + 1))


def _counting_proposers(cases):
    return Proposer.objects.filter(case__in=cases).filter(
        ~Q(role=Proposer.Role.COSIGNER) | Q(confirmation=Proposer.Confirmation.CONFIRMED)
    )


def _named_counts(rows) -> list[dict]:
    return sorted(({"name": name or "未分类", "count": n} for name, n in rows), key=lambda r: (-r["count"], r["name"]))


def by_kind_and_state(cases) -> list[dict]:
    """Submitted cases (drafts are nobody's business) by state, one column per kind."""
    from proposals.models import STATUS_LABELS_BY_KIND

    counts = {
        (k, s): n
        for k, s, n in cases.exclude(status=Status.DRAFT)
        .values_list("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    for status in Status:
        if status == Status.DRAFT:
            continue
        proposal, suggestion = (
            counts.get((Kind.PROPOSAL, status.value), 0),
            counts.get((Kind.SUGGESTION, status.value), 0),
        )
        label = status.label
        if STATUS_LABELS_BY_KIND.get(Kind.SUGGESTION, {}).get(status):
            label = f"{status.label}（建议：{STATUS_LABELS_BY_KIND[Kind.SUGGESTION][status]}）"
        rows.append(
            {
                "status": status.value,
                "label": label,
                "proposal": proposal,
                "suggestion": suggestion,
                "total": proposal + suggestion,
            }
        )
    return rows


def by_category(cases) -> list[dict]:
    filed = cases.filter(number__isnull=False)
    return _named_counts(filed.values_list("category__name").annotate(n=Count("id")).order_by())


def _by_proposer(cases, field: str) -> list[dict]:
    # A case counts once in each sector/committee of its proposers (DOMAIN.md "Counting").
    return _named_counts(_by_proposer_field(cases.filter(number__isnull=False), field).items())


def by_committee(cases) -> list[dict]:
    return _by_proposer(cases, "committee")


def by_sector(cases) -> list[dict]:
    return _by_proposer(cases, "sector")


def by_proposer_type(cases) -> list[dict]:
    """Numbered cases by who proposed them: the initiator's collective, or individual vs joint."""
    filed = cases.filter(number__isnull=False)
    initiators = Proposer.objects.filter(case__in=filed, role=Proposer.Role.INITIATOR)
    by_collective = dict(initiators.values_list("collective").annotate(n=Count("case_id", distinct=True)).order_by())
    cosigned = Proposer.objects.filter(
        case=OuterRef("case_id"), role=Proposer.Role.COSIGNER, confirmation=Proposer.Confirmation.CONFIRMED
    )
    joint = initiators.filter(collective="").filter(Exists(cosigned)).values("case_id").distinct().count()
    C = Proposer.Collective
    counts = {
        "individual": by_collective.get(C.NONE, 0) - joint,
        "joint": joint,
        "organisation": by_collective.get(C.ORGANISATION, 0),
        "sector_group": by_collective.get(C.SECTOR, 0) + by_collective.get(C.GROUP, 0),
        "committee": by_collective.get(C.COMMITTEE, 0),
    }
    return [{"type": key, "name": label, "count": counts[key]} for key, label in PROPOSER_TYPES]


def _replying_counts(assignments, today: dt.date, distinct: bool = False) -> dict:
    """The per-assignment tests of the league as SQL aggregates (one pass, no rows in Python).

    A replying assignment's first-round due date is its due date in round 1 (an approved extension
    sets it to the date staff approved), else the original one moved by the latest extension approved
    before the first-round reply was accepted — to the date staff approved, not the date the unit
    asked for (re-handling moves due_date); dates are local (Asia/Shanghai).
    """
    from django.db.models import Case as SqlCase
    from django.db.models import DateField, OuterRef, Subquery, When
    from django.db.models.functions import Coalesce, TruncDate

    extended = (
        Extension.objects.filter(
            assignment=OuterRef("pk"), state=Extension.State.APPROVED, decided_at__lte=OuterRef("first_accepted_at")
        )
        .order_by("-decided_at", "-id")
        .annotate(m=Coalesce("approved_due", "requested_due"))
        .values("m")[:1]
    )
    first_due = SqlCase(
        When(round=1, then=F("due_date")),
        default=Coalesce(Subquery(extended, output_field=DateField()), F("original_due_date")),
        output_field=DateField(),
    )
    accepted = Q(first_accepted_at__isnull=False)
    replying = Q(role__in=REPLYING)
    last_class = _last_accepted_class()
    rows = assignments.annotate(
        first_due=first_due,
        signed_day=TruncDate("signed_at", tzinfo=clock.LOCAL),
        accepted_day=TruncDate("first_accepted_at", tzinfo=clock.LOCAL),
        last_class=Subquery(last_class),
    )

    def count(q: Q | None = None) -> Count:
        # distinct: when a join (to the proposers, for the sector table) repeats an assignment.
        return Count("id", filter=q, distinct=distinct)

    return dict(
        rows=rows,
        aggregates=dict(
            assigned=count(),
            signed_on_time=count(Q(signed_at__isnull=False, deemed_signed=False, signed_day__lte=F("return_deadline"))),
            replied=count(replying & accepted),
            replies_due=count(replying & (accepted | Q(first_due__lt=today))),
            replied_on_time=count(replying & accepted & Q(accepted_day__lte=F("first_due"))),
            overdue=count(replying & overdue_q(today)),
            # Split by the last class in the GROUP BY instead (the subquery runs once per row there).
            replying=count(replying),
        ),
    )


def unit_league(cases, today: dt.date | None = None, sort: str = "assigned", descending: bool = True) -> dict:
    """承办单位办理情况: one row per unit with live assignments in scope, plus a totals row.

    assigned — live assignments (any role); signed_on_time — signed by the unit itself within
    its return window (deemed signatures are not on time); replied / replied_on_time — first-round
    replies of lead and separate units, as ``on_time``; overdue — replying assignments still
    without a reply whose due date has passed; A/B/C — class of the last accepted reply;
    ratings — the reply dimension in each replying assignment's latest round. Counted in SQL, grouped by unit.
    """
    today = today or clock.today()
    live = Assignment.objects.filter(case__in=cases).exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
    counted = _replying_counts(live, today)
    rows: dict[int, dict] = {}

    def row(unit_id: int, name: str) -> dict:
        if unit_id not in rows:
            rows[unit_id] = {"unit_id": unit_id, "unit": name, **dict.fromkeys(_LEAGUE_COUNTS, 0)}
        return rows[unit_id]

    grouped = counted["rows"].order_by().values("unit_id", "unit__name", "last_class").annotate(**counted["aggregates"])
    for values in grouped:  # one row per unit and class of its last accepted reply
        r = row(values["unit_id"], values["unit__name"])
        for key in counted["aggregates"]:
            if key in r:
                r[key] += values[key]
        if values["last_class"] in ("A", "B", "C"):
            r[values["last_class"]] += values["replying"]
    ratings = (
        latest_ratings(Rating.objects.filter(case__in=cases))
        .values_list("assignment__unit_id", "assignment__unit__name", "reply_rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    for unit_id, name, value, n in ratings:
        row(unit_id, name)[value] += n
    league = [_league_rates(r) for r in rows.values()]
    totals = _league_rates({"unit_id": None, "unit": "合计", **{k: sum(r[k] for r in league) for k in _LEAGUE_COUNTS}})
    return sort_league({"rows": league, "totals": totals}, sort, descending)


def sort_league(league: dict, sort: str = "assigned", descending: bool = True) -> dict:
    """The league table ordered by one of LEAGUE_SORTS (also re-sorts a stored dashboard snapshot)."""
    key = sort if sort in LEAGUE_SORTS else "assigned"
    rows = sorted(league["rows"], key=lambda r: r["unit"])  # ties keep the unit's name order
    if key == "unit":
        rows.sort(key=lambda r: r["unit"], reverse=descending)
    else:
        # None (nothing to rate yet) always goes last, whichever the direction.
        rows.sort(key=lambda r: (r[key] is None, -(r[key] or 0) if descending else (r[key] or 0)))
    return {**league, "rows": rows, "sort": key, "descending": descending}


def _league_rates(r: dict) -> dict:
    r = dict(r)
    classified = r["A"] + r["B"] + r["C"]
    r["a_share"], r["b_share"], r["c_share"] = (_rate(r[c], classified) for c in "ABC")
    r["on_time_rate"] = _rate(r["replied_on_time"], r["replies_due"])
    r["ratings_given"] = r["satisfied"] + r["basic"] + r["unsatisfied"]
    r["satisfaction_rate"] = _rate(r["satisfied"] + r["basic"], r["ratings_given"])
    return r


def monthly_trend(cases) -> list[dict]:
    """Per calendar month (local time): cases submitted, numbered, replies accepted, closed."""
    series: dict[str, dict] = {}

    def add(name: str, rows) -> None:
        for month, n in rows:
            if month is None:
                continue
            key = f"{month:%Y-%m}"
            series.setdefault(key, {"month": key, "submitted": 0, "filed": 0, "replied": 0, "closed": 0})[name] += n

    for name, field in (("submitted", "submitted_at"), ("filed", "filed_at"), ("closed", "closed_at")):
        add(
            name,
            cases.filter(**{f"{field}__isnull": False})
            .annotate(m=TruncMonth(field))
            .values_list("m")
            .annotate(n=Count("id"))
            .order_by(),
        )
    add(
        "replied",
        Assignment.objects.filter(case__in=cases, role__in=REPLYING, first_accepted_at__isnull=False)
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .annotate(m=TruncMonth("first_accepted_at"))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by(),
    )
    return [series[k] for k in sorted(series)]


def key_progress(cases) -> list[dict]:
    """Designated key proposals: state, units, leaders, supervision activities, replies accepted."""
    from django.db.models import Prefetch

    keys = (
        KeyProposal.objects.filter(case__in=cases, state=KeyProposal.State.DESIGNATED)
        .select_related("case__session")
        .prefetch_related(
            "leaders",
            Prefetch("activities", queryset=SupervisionActivity.objects.order_by("date", "id")),
            Prefetch(
                "case__assignments",
                queryset=Assignment.objects.select_related("unit")
                .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
                .order_by("id"),
            ),
        )
        .order_by("case__session__opens", "case__number")
    )
    out = []
    for key in keys:
        case = key.case
        replying = [a for a in case.assignments.all() if a.role in REPLYING]
        activities = list(key.activities.all())
        out.append(
            {
                "case_id": case.pk,
                "number": case.display_number,
                "title": case.title,
                "status": case.status,
                "status_label": case.status_label,
                "units": "、".join(a.unit.name for a in case.assignments.all()),
                "leaders": "、".join(u.display_name for u in key.leaders.all()),
                "activities": len(activities),
                # 带案视察, 上门协商督办, 座谈会: how many of each and on which dates.
                "activity_kinds": [
                    {
                        "kind": kind,
                        "label": label,
                        "count": sum(1 for a in activities if a.kind == kind),
                        "dates": [a.date.isoformat() for a in activities if a.kind == kind],
                    }
                    for kind, label in SupervisionActivity.Kind.choices
                ],
                "replies_accepted": sum(1 for a in replying if a.first_accepted_at is not None),
                "replies_expected": len(replying),
            }
        )
    return out


def scoped_rates(cases, league_totals: dict) -> dict:
    """Headline figures for a session: the ``summary`` definitions over the scoped cases; the
    reply figures are the league's totals, so the two can never disagree."""
    filed = cases.filter(number__isnull=False)
    proposals_filed = filed.filter(kind=Kind.PROPOSAL).count()
    filing_counts = filing(cases)
    replied = replied_cases(cases)
    replied_case_count = replied.count()
    face_to_face = replied.filter(Exists(ContactRecord.objects.filter(case=OuterRef("pk"), face_to_face=True))).count()
    t = league_totals
    return {
        "proposals_filed": proposals_filed,
        "suggestions": filed.filter(kind=Kind.SUGGESTION).count(),
        "key_proposals": KeyProposal.objects.filter(case__in=cases, state=KeyProposal.State.DESIGNATED).count(),
        "submitted": filing_counts["received"],
        "received": filing_counts["received"],
        "filed_of_received": filing_counts["filed"],
        "under_review": filing_counts["under_review"],
        "filing_rate": filing_counts["rate"],
        "replied": t["replied"],
        "replies_due": t["replies_due"],
        "replies_on_time": t["replied_on_time"],
        "on_time_reply_rate": t["on_time_rate"],
        "satisfaction_rate": t["satisfaction_rate"],
        "cases_replied": replied_case_count,
        "cases_face_to_face": face_to_face,
        "face_to_face_rate": _rate(face_to_face, replied_case_count),
        "contact_points": contact_points(cases, replied_case_count),
        "reply_classes": {c: t[c] for c in "ABC"},
    }


HEADLINE_KEYS = (
    "proposals_filed",
    "suggestions",
    "key_proposals",
    "submitted",
    "received",
    "filed_of_received",
    "under_review",
    "filing_rate",
    "replied",
    "replies_due",
    "replies_on_time",
    "on_time_reply_rate",
    "satisfaction_rate",
    "cases_replied",
    "cases_face_to_face",
    "face_to_face_rate",
    "contact_points",
    "reply_classes",
)


def review_outcomes(cases) -> dict:
    """What review made of the proposals received (``filing``'s received: decided, once each): filed,
    converted to suggestions, merged before filing (merged after filing stay in filed), not filed,
    withdrawn — the five add up to received. Suggestions numbered in all (converted or filed as such)."""
    received = cases.filter(submitted_at__isnull=False).filter(Q(kind=Kind.PROPOSAL) | ~Q(conversion_consent=""))
    decided = ~Q(status__in=UNDER_REVIEW)
    proposal = Q(kind=Kind.PROPOSAL)
    counts = received.order_by().aggregate(
        received=Count("id", filter=decided),
        filed=Count("id", filter=decided & proposal & Q(number__isnull=False)),
        converted=Count("id", filter=decided & Q(kind=Kind.SUGGESTION)),
        merged=Count("id", filter=proposal & Q(status=Status.MERGED, number__isnull=True)),
        merged_after_filing=Count("id", filter=proposal & Q(status=Status.MERGED, number__isnull=False)),
        rejected=Count("id", filter=proposal & Q(status=Status.REJECTED)),
        withdrawn=Count("id", filter=proposal & Q(status=Status.WITHDRAWN)),
        under_review=Count("id", filter=~decided),
    )
    counts["filing_rate"] = _rate(counts["filed"], counts["received"])
    return counts


def handling_figures(cases, league: dict) -> dict:
    """Units and replies of the scope, from the unit league (so they cannot disagree with it): units with
    live assignments, replying assignments, those replied (first round accepted), the reply rate; cases
    re-handled; B-class commitments (closed cases whose last accepted reply of a replying unit is class
    B) and those whose follow-up (回头看) is marked delivered."""
    totals = league["totals"]
    # Only assignments with some accepted class-B reply can have B as their last class: the semi-join
    # narrows the rows the last-class subquery runs for.
    b_class = (
        Assignment.objects.filter(
            case=OuterRef("pk"),
            role__in=REPLYING,
            replies__state=Reply.State.ACCEPTED,
            replies__reply_class="B",
        )
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .annotate(last_class=_last_accepted_class_subquery())
        .filter(last_class="B")
    )
    b_cases = cases.filter(status=Status.CLOSED).filter(Exists(b_class))
    b = b_cases.order_by().aggregate(total=Count("id"), delivered=Count("id", filter=Q(follow_up_done=True)))
    return {
        "handling_units": sum(1 for r in league["rows"] if r["assigned"]),
        "replying": totals["replying"],
        "reply_rate": _rate(totals["replied"], totals["replying"]),
        "rehandled": cases.filter(round__gt=1).count(),
        "b_commitments": b["total"],
        "b_delivered": b["delivered"],
        "b_delivered_rate": _rate(b["delivered"], b["total"]),
    }


# The award candidates' rules (优秀提案, 办理先进单位) until the member-duty issue brings the
# committee's own; the report states them in its text (reporting/doc_templates/annual_report.j2).
AWARD_PROPOSALS_MAX = 10
AWARD_UNITS_MAX = 5
AWARD_UNIT_MIN_REPLIED = 3
AWARD_UNIT_MIN_ON_TIME = 0.9
AWARD_UNIT_MIN_SATISFACTION = 0.95


def award_candidates(cases, league: dict) -> dict:
    """优秀提案 candidates: closed proposals with a class-A reply whose latest-round reply ratings are
    all 满意 (at least one), key proposals first, then by session and number, at most
    AWARD_PROPOSALS_MAX. 办理先进单位 candidates: units of the league with at least
    AWARD_UNIT_MIN_REPLIED replies, none overdue, on-time and satisfaction rates at least the minimums,
    by A share, satisfaction rate and replies, at most AWARD_UNITS_MAX."""
    from django.db.models import Subquery

    class_a = (
        Assignment.objects.filter(
            case=OuterRef("pk"), role__in=REPLYING, replies__state=Reply.State.ACCEPTED, replies__reply_class="A"
        )
        .exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .annotate(last_class=Subquery(_last_accepted_class()))
        .filter(last_class="A")
    )
    latest = latest_ratings(Rating.objects.filter(case=OuterRef("pk")))
    eligible = Case.objects.filter(
        Exists(class_a), Exists(latest), ~Exists(latest.exclude(reply_rating=Satisfaction.SATISFIED))
    )
    ordered = cases.filter(kind=Kind.PROPOSAL, status=Status.CLOSED, number__isnull=False).order_by(
        "-is_key", "session__opens", "number", "pk"
    )
    # The first AWARD_PROPOSALS_MAX in that order that meet the rule: the rule's subqueries run for a
    # growing window of the ordered cases (not for every closed proposal of a 100k-case term).
    chosen: list[int] = []
    start, size = 0, 4 * AWARD_PROPOSALS_MAX
    while len(chosen) < AWARD_PROPOSALS_MAX:
        window = list(ordered.values_list("pk", flat=True)[start : start + size])
        if not window:
            break
        ok = set(eligible.filter(pk__in=window).values_list("pk", flat=True))
        chosen += [pk for pk in window if pk in ok]
        start, size = start + size, size * 4
    by_pk = Case.objects.select_related("session").in_bulk(chosen[:AWARD_PROPOSALS_MAX])
    proposals = [by_pk[pk] for pk in chosen[:AWARD_PROPOSALS_MAX]]
    units = [
        r
        for r in league["rows"]
        if r["replied"] >= AWARD_UNIT_MIN_REPLIED
        and r["overdue"] == 0
        and (r["on_time_rate"] or 0) >= AWARD_UNIT_MIN_ON_TIME
        and (r["satisfaction_rate"] or 0) >= AWARD_UNIT_MIN_SATISFACTION
    ]
    units.sort(key=lambda r: (-(r["a_share"] or 0), -(r["satisfaction_rate"] or 0), -r["replied"], r["unit"]))
    return {
        "proposals": [
            {"case_id": c.pk, "number": c.display_number, "title": c.title, "is_key": c.is_key} for c in proposals
        ],
        "units": [
            {k: r[k] for k in ("unit", "replied", "on_time_rate", "a_share", "satisfaction_rate")}
            for r in units[:AWARD_UNITS_MAX]
        ],
    }


def _last_accepted_class_subquery():
    from django.db.models import Subquery

    return Subquery(_last_accepted_class())


def dashboard(
    term: Term,
    session=None,
    today: dt.date | None = None,
    sort: str = "assigned",
    descending: bool = True,
    year: int | None = None,
) -> dict:
    """Everything the 统计分析 page shows, and every figure of the annual report (``reporting.annual``
    reads this and nothing else). Per term the headline is ``summary`` itself."""
    today = today or clock.today()
    cases = scope(term, session, year)
    league = unit_league(cases, today, sort, descending)
    if session is None and year is None:
        full = summary(term, today)
        headline = {k: full[k] for k in HEADLINE_KEYS}
        headline["unrated_after_window"] = full["satisfaction"]["unrated_after_window"]
        # The term's scope is summary's own: reuse its tables instead of running their queries again
        # (the sector and committee tables are the dashboard's most expensive queries).
        groups = {
            "by_category": _named_counts(full["by_category"].items()),
            "by_committee": _named_counts(full["by_committee"].items()),
            "by_sector": _named_counts(full["by_sector"].items()),
            "sector_table": full["sector_table"],
            "committee_table": full["committee_table"],
        }
    else:
        headline = scoped_rates(cases, league["totals"])
        groups = {
            "by_category": by_category(cases),
            "by_committee": by_committee(cases),
            "by_sector": by_sector(cases),
            "sector_table": group_table(cases, "sector", today),
            "committee_table": group_table(cases, "committee", today),
        }
    headline.update(handling_figures(cases, league))
    return {
        "term": {"id": term.pk, "name": term.name},
        "session": {"id": session.pk, "name": session.name} if session is not None else None,
        "year": year,
        "today": today.isoformat(),
        "headline": headline,
        "review": review_outcomes(cases),
        "by_kind_and_state": by_kind_and_state(cases),
        **groups,
        "by_proposer_type": by_proposer_type(cases),
        "league": league,
        "monthly_trend": monthly_trend(cases),
        "key_progress": key_progress(cases),
        "award_candidates": award_candidates(cases, league),
    }
