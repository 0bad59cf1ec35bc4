"""Reads of duty work: a member's 履职档案 for a year, the public totals, the assessment and its 通报, the
dashboard's duty figures. The dossier and the 通报 are plain dataclasses holding exactly what the documents
print, so the page, the print view and (later) the Word/PDF templates of reporting's documents engine read
the same context."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q

from core import clock
from members.models import Membership, Term, User

from . import points
from .models import (
    STUDY_KINDS,
    Activity,
    ActivityKind,
    Assessment,
    AssessmentPolicy,
    AssessmentResult,
    Grade,
    Opinion,
    Participation,
    SelfReport,
)

FIRST_YEAR = 2000


def term_for_year(year: int) -> Term | None:
    """The term in office during ``year`` (the latest one that had begun by its end)."""
    return (
        Term.objects.filter(start_date__lte=dt.date(year, 12, 31))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=dt.date(year, 1, 1)))
        .order_by("-number")
        .first()
    )


def years_of(term: Term | None) -> list[int]:
    if term is None:
        return []
    last = term.end_date.year if term.end_date else clock.today().year
    return list(range(term.start_date.year, last + 1))


def default_year() -> int:
    """Last year until March (the yearly registration and assessment happen early in the next year)."""
    today = clock.today()
    return today.year - 1 if today.month <= 3 else today.year


def memberships(term: Term) -> dict[int, Membership]:
    rows = Membership.objects.filter(term=term, active=True).select_related("user", "sector", "committee", "group")
    return {m.user_id: m for m in rows}


@dataclass(frozen=True)
class Rank:
    rank: int
    of: int
    within: str


def _rank(value: Decimal, peers: list[Decimal]) -> int:
    return 1 + sum(1 for p in peers if p > value)


def ranked_totals(
    year: int, term: Term, computed: dict[int, list[points.RuleRow]] | None = None
) -> tuple[dict[int, Membership], dict[int, Decimal]]:
    """Every active member of the term with their total of the year (0 without records)."""
    ms = memberships(term)
    computed = points.compute(year) if computed is None else computed
    return ms, {uid: points.total(computed.get(uid, [])) for uid in ms}


# --- The 履职档案 --------------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    activity_id: int
    date: dt.date
    kind: str
    title: str
    status: str
    leave_reason: str
    confirmed: bool


@dataclass
class Dossier:
    year: int
    user: User
    membership: Membership | None
    rows: list[points.RuleRow]
    total: Decimal
    ranks: list[Rank]
    attendance: list[AttendanceRow]
    counts: dict[str, int]
    self_report: SelfReport | None
    needs_self_report: bool
    grade: str = ""
    generated_on: dt.date = field(default_factory=clock.today)

    @property
    def title(self) -> str:
        return f"{self.user.display_name}委员{self.year}年度履职档案"


def dossier(user: User, year: int, term: Term | None = None) -> Dossier:
    term = term or term_for_year(year)
    everyone = points.compute(year)  # the ranks need everyone's totals: one pass serves both
    ms, all_totals = ranked_totals(year, term, everyone) if term else ({}, {})
    membership = ms.get(user.pk)
    rows = everyone.get(user.pk, [])
    total = points.total(rows)
    ranks = []
    if membership is not None:
        for name, key in (
            (membership.sector.name + "界别", "sector_id"),
            (membership.committee.name, "committee_id"),
        ):
            peers = [all_totals[uid] for uid, m in ms.items() if getattr(m, key) == getattr(membership, key)]
            ranks.append(Rank(_rank(total, peers), len(peers), name))
        ranks.append(Rank(_rank(total, list(all_totals.values())), len(all_totals), "全体委员"))
    attendance = [
        AttendanceRow(
            p.activity_id,
            p.activity.date,
            p.activity.get_kind_display(),
            p.activity.title,
            p.get_status_display(),
            p.leave_reason,
            p.confirmed_at is not None,
        )
        for p in Participation.objects.filter(user=user, activity__date__year=year)
        .select_related("activity")
        .order_by("activity__date", "activity_id")
    ]
    statuses = Counter(a.status for a in attendance)
    counts = {
        "invited": len(attendance),
        "present": statuses[Participation.Status.PRESENT.label],
        "leave": statuses[Participation.Status.LEAVE.label],
        "absent": statuses[Participation.Status.ABSENT.label],
        "opinions": Opinion.objects.filter(author=user, activity__date__year=year).count(),
    }
    report = SelfReport.objects.filter(user=user, year=year).first()
    result = (
        AssessmentResult.objects.filter(assessment__year=year, assessment__term=term, user=user).first()
        if term
        else None
    )
    return Dossier(
        year=year,
        user=user,
        membership=membership,
        rows=rows,
        total=total,
        ranks=ranks,
        attendance=attendance,
        counts=counts,
        self_report=report,
        needs_self_report=bool(membership and membership.is_standing),
        grade=result.get_grade_display() if result else "",
    )


# --- Public totals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalRow:
    user_id: int
    name: str
    sector: str
    committee: str
    total: Decimal
    rank: int


def public_totals(year: int) -> list[TotalRow]:
    """Every member's total and rank of the year: what any member may see of the others."""
    term = term_for_year(year)
    if term is None:
        return []
    ms, totals = ranked_totals(year, term)
    values = list(totals.values())
    rows = [
        TotalRow(uid, m.user.display_name, m.sector.name, m.committee.name, totals[uid], _rank(totals[uid], values))
        for uid, m in ms.items()
    ]
    return sorted(rows, key=lambda r: (r.rank, r.name))


# --- The assessment and its 通报 ------------------------------------------------------------------


def policy_for(year: int) -> AssessmentPolicy:
    found = AssessmentPolicy.objects.filter(year__lte=year).order_by("-year").first()
    return found or AssessmentPolicy(year=FIRST_YEAR)


def policy_text(policy: AssessmentPolicy | dict) -> str:
    p = policy if isinstance(policy, dict) else policy_snapshot(policy)
    if p["method"] == AssessmentPolicy.Method.SHARES:
        return (
            f"按得分排名评定：前 {p['excellent_share']}% 为优秀，末位 {p['unqualified_share']}% 为不合格，"
            f"其上 {p['basic_share']}% 为基本合格，其余为合格。"
        )
    excellent, qualified, basic = (_plain(p[k]) for k in ("excellent_min", "qualified_min", "basic_min"))
    return (
        f"按分数线评定：{excellent} 分及以上为优秀，{qualified} 分及以上为合格，"
        f"{basic} 分及以上为基本合格，不足 {basic} 分为不合格。"
    )


def _plain(value) -> str:
    """25.0 → 25, 7.5 → 7.5: how a document writes a score line."""
    return format(Decimal(str(value)).normalize(), "f")


def policy_snapshot(policy: AssessmentPolicy) -> dict:
    return {
        "year": policy.year,
        "method": policy.method,
        "excellent_min": str(policy.excellent_min),
        "qualified_min": str(policy.qualified_min),
        "basic_min": str(policy.basic_min),
        "excellent_share": policy.excellent_share,
        "basic_share": policy.basic_share,
        "unqualified_share": policy.unqualified_share,
    }


def assessment_of(year: int) -> Assessment | None:
    term = term_for_year(year)
    if term is None:
        return None
    return Assessment.objects.filter(term=term, year=year).select_related("run_by").first()


def assessment_results(assessment: Assessment):
    return assessment.results.select_related("user", "sector", "committee").order_by("rank", "user__name")


@dataclass
class Notice:
    """The public 通报 of a year's assessment: what the document prints."""

    year: int
    term_name: str
    title: str
    issued_on: dt.date
    policy: str
    members: int
    by_grade: list[tuple[str, int]]
    excellent: list[tuple[str, list[str]]]  # (界别, names)
    below: list[tuple[str, str, str]]  # (grade, name, 界别) of 基本合格 and 不合格
    standing_reports: tuple[int, int]  # (submitted, expected)
    activities: dict[str, int]


def notice(year: int) -> Notice | None:
    assessment = assessment_of(year)
    if assessment is None:
        return None
    results = list(assessment_results(assessment))
    count = Counter(r.grade for r in results)
    excellent: dict[str, list[str]] = defaultdict(list)
    below = []
    for r in sorted(results, key=lambda r: (r.sector.order, r.sector_id, r.user.name)):
        if r.grade == Grade.EXCELLENT:
            excellent[r.sector.name].append(r.user.display_name)
        elif r.grade in (Grade.BASIC, Grade.UNQUALIFIED):
            below.append((r.get_grade_display(), r.user.display_name, r.sector.name))
    standing = Membership.objects.filter(term=assessment.term, active=True, is_standing=True)
    submitted = SelfReport.objects.filter(year=year, user__in=standing.values("user_id")).count()
    per_kind = dict(
        Activity.objects.filter(term=assessment.term, date__year=year).values_list("kind").annotate(n=Count("id"))
    )
    return Notice(
        year=year,
        term_name=assessment.term.name,
        title=f"关于{year}年度政协委员履职考核情况的通报",
        issued_on=clock.local_date(assessment.run_at),
        policy=policy_text(assessment.policy),
        members=len(results),
        by_grade=[(g.label, count[g.value]) for g in Grade],
        excellent=sorted(excellent.items(), key=lambda kv: -len(kv[1])),
        below=sorted(below, key=lambda row: (row[0] != Grade.BASIC.label, row[2], row[1])),
        standing_reports=(submitted, standing.count()),
        activities={
            "study": sum(per_kind.get(k, 0) for k in STUDY_KINDS),
            "sector": per_kind.get(ActivityKind.SECTOR, 0),
            "visit": per_kind.get(ActivityKind.VISIT, 0),
            "reading": per_kind.get(ActivityKind.READING, 0),
            "meetings": sum(per_kind.get(k, 0) for k in ("plenary", "standing", "committee")),
            "opinions": Opinion.objects.filter(activity__term=assessment.term, activity__date__year=year).count(),
        },
    )


# --- Self-reports -----------------------------------------------------------------------------------


def standing_without_report(year: int) -> list[User]:
    term = term_for_year(year)
    if term is None:
        return []
    done = SelfReport.objects.filter(year=year).values("user_id")
    return list(
        User.objects.filter(
            memberships__term=term, memberships__active=True, memberships__is_standing=True, is_active=True
        ).exclude(pk__in=done)
    )


# --- The dashboard's duty section -------------------------------------------------------------------

POINT_BINS = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 60), (60, None)]


def dashboard(term: Term | None, year: int | None = None) -> dict:
    """Participation by 专委会 and 界别 (present / invited), the points distribution of the year, activities
    per month of the year — aggregates only, for the statistics page."""
    if term is None:
        return {}
    year = year or default_year()
    present = Count("id", filter=Q(status=Participation.Status.PRESENT))
    base = Participation.objects.filter(activity__term=term, activity__date__year=year).exclude(
        activity__kind=ActivityKind.VISIT
    )
    by = {}
    for key, field_name, order in (
        ("committee", "committee", "user__memberships__committee__order"),
        ("sector", "sector", "user__memberships__sector__order"),
    ):
        rows = (
            base.filter(user__memberships__term=term)
            .values(name=F(f"user__memberships__{field_name}__name"))
            .annotate(invited=Count("id"), present=present)
            .order_by(order, "name")
        )
        by[key] = [{**r, "rate": round(100 * r["present"] / r["invited"], 1) if r["invited"] else None} for r in rows]
    _, totals = ranked_totals(year, term)
    bins = []
    for low, high in POINT_BINS:
        n = sum(1 for v in totals.values() if v >= low and (high is None or v < high))
        bins.append({"label": f"{low}–{high} 分" if high else f"{low} 分以上", "members": n})
    months = dict(
        Activity.objects.filter(term=term, date__year=year).values_list("date__month").annotate(n=Count("id"))
    )
    return {
        "year": year,
        "by_committee": by["committee"],
        "by_sector": by["sector"],
        "points": bins,
        "per_month": [{"month": f"{m}月", "activities": months.get(m, 0)} for m in range(1, 13)],
        "activities": sum(months.values()),
    }
