"""Writes of duty work: one function per change, each in one transaction with one audit event."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from members.models import Membership, User

from . import access, points, selectors
from .events import record
from .models import (
    STUDY_KINDS,
    Activity,
    Assessment,
    AssessmentPolicy,
    AssessmentResult,
    Grade,
    Opinion,
    Participation,
    SelfReport,
)


def _members_of(term, user_ids: Iterable[int]) -> list[int]:
    ids = set(user_ids)
    found = set(Membership.objects.filter(term=term, active=True, user_id__in=ids).values_list("user_id", flat=True))
    if ids - found:
        raise ValidationError({"invitees": "只能邀请本届在任委员。"})
    return sorted(found)


@transaction.atomic
def record_activity(actor: User, activity: Activity, invitees: Iterable[int]) -> Activity:
    """Staff register an activity with the members invited (all start as 已邀请)."""
    access.require_manage(actor)
    term = selectors.term_for_year(activity.date.year)
    if term is None:
        raise ValidationError({"date": "该日期不在任何届次之内。"})
    if activity.date > clock.today() + dt.timedelta(days=366):
        raise ValidationError({"date": "日期不能晚于一年以后。"})
    ids = _members_of(term, invitees)
    activity.term = term
    activity.created_by = actor
    activity.created_at = clock.now()
    activity.full_clean(exclude=["term", "created_by"])
    activity.save()
    Participation.objects.bulk_create([Participation(activity=activity, user_id=uid) for uid in ids])
    record(
        "duty_activity",
        {"kind": activity.kind, "title": activity.title, "date": activity.date.isoformat(), "invited": len(ids)},
        actor=actor,
        obj=activity,
        object_type="duty_activity",
    )
    return activity


@transaction.atomic
def set_attendance(
    actor: User,
    activity: Activity,
    statuses: dict[int, tuple[str, str]],
    *,
    report_title: str | None = None,
    report_author: int | None = None,
) -> int:
    """Staff record who came: participation id → (status, leave reason); leave needs a reason. Returns the
    number of rows changed."""
    access.require_manage(actor)
    rows = {p.pk: p for p in activity.participants.select_for_update()}
    changed: dict[str, str] = {}
    errors = []
    for pk, (status, reason) in statuses.items():
        p = rows.get(pk)
        if p is None or status not in Participation.Status.values:
            errors.append("出席情况无效。")
            continue
        reason = reason.strip()[:200]
        if status == Participation.Status.LEAVE and not reason:
            errors.append(f"{p.user.display_name}：请假须填写事由。")
            continue
        if status != Participation.Status.LEAVE:
            reason = ""
        if (p.status, p.leave_reason) != (status, reason):
            p.status, p.leave_reason = status, reason
            changed[str(p.user_id)] = status
    if errors:
        raise ValidationError(errors)
    Participation.objects.bulk_update(
        [rows[pk] for pk in rows if str(rows[pk].user_id) in changed], ["status", "leave_reason"]
    )
    if report_title is not None:
        if report_title and activity.kind not in STUDY_KINDS:
            raise ValidationError({"report_title": "只有专题调研、视察和对口协商登记调研报告。"})
        if report_author and report_author not in {p.user_id for p in rows.values()}:
            raise ValidationError({"report_author": "报告执笔委员须是参加该活动的委员。"})
        activity.report_title = report_title.strip()[:120]
        activity.report_author_id = report_author if activity.report_title else None
        activity.save(update_fields=["report_title", "report_author"])
    record(
        "duty_attendance",
        {"changed": changed, "report_title": activity.report_title, "report_author": activity.report_author_id},
        actor=actor,
        obj=activity,
        object_type="duty_activity",
    )
    return len(changed)


@transaction.atomic
def invite(actor: User, activity: Activity, user_ids: Iterable[int]) -> int:
    """Staff invite more members after registering the activity; those already invited are left as they are."""
    access.require_manage(actor)
    ids = set(_members_of(activity.term, user_ids)) - set(activity.participants.values_list("user_id", flat=True))
    if not ids:
        raise ValidationError({"invitees": "请选择尚未邀请的委员。"})
    Participation.objects.bulk_create([Participation(activity=activity, user_id=uid) for uid in sorted(ids)])
    record("duty_invite", {"added": sorted(ids)}, actor=actor, obj=activity, object_type="duty_activity")
    return len(ids)


@transaction.atomic
def add_opinion(actor: User, activity: Activity, text: str, author: int | None) -> Opinion:
    access.require_manage(actor)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写意见建议的内容。"})
    if activity.kind not in STUDY_KINDS:
        raise ValidationError({"text": "只有专题调研、视察和对口协商登记意见建议。"})
    if author is not None and not activity.participants.filter(user_id=author).exists():
        raise ValidationError({"author": "提出意见的委员须是参加该活动的委员。"})
    opinion = Opinion.objects.create(activity=activity, author_id=author, text=text[:2000], created_at=clock.now())
    record(
        "duty_opinion",
        {"activity": activity.pk, "author": author},
        actor=actor,
        obj=opinion,
        object_type="duty_opinion",
    )
    return opinion


@transaction.atomic
def confirm(actor: User, activity: Activity) -> Participation:
    """A member confirms what staff recorded of their own attendance (确认)."""
    p = Participation.objects.select_for_update().filter(activity=activity, user=actor).first()
    if p is None:
        raise ValidationError("您不在该活动的参加人员中。")
    if p.status == Participation.Status.INVITED:
        raise ValidationError("工作人员尚未登记出席情况，登记后再确认。")
    if p.confirmed_at is None:
        p.confirmed_at = clock.now()
        p.save(update_fields=["confirmed_at"])
        record(
            "duty_confirm",
            {"activity": activity.pk, "status": p.status},
            actor=actor,
            obj=p,
            object_type="duty_participation",
        )
    return p


@transaction.atomic
def submit_self_report(actor: User, year: int, text: str) -> SelfReport:
    access.require_use(actor)
    text = text.strip()
    if len(text) < 50:
        raise ValidationError({"text": "履职工作报告至少 50 字。"})
    term = selectors.term_for_year(year)
    if term is None or not Membership.objects.filter(term=term, user=actor).exists():
        raise ValidationError("您不是该年度的政协委员。")
    if year > clock.today().year:
        raise ValidationError("不能提交尚未开始年度的报告。")
    report, created = SelfReport.objects.update_or_create(
        user=actor, year=year, defaults={"text": text[:20000], "submitted_at": clock.now()}
    )
    record(
        "duty_self_report",
        {"year": year, "replaced": not created},
        actor=actor,
        obj=report,
        object_type="duty_self_report",
    )
    return report


def grade_all(values: list[tuple[int, points.Decimal]], policy: AssessmentPolicy) -> dict[int, str]:
    """user id → grade. Equal points always get the same grade (the first of them decides)."""
    ordered = sorted(values, key=lambda v: -v[1])
    n = len(ordered)
    grades: dict[int, str] = {}
    if policy.method == AssessmentPolicy.Method.SHARES:
        n_exc = math.floor(n * policy.excellent_share / 100)
        n_unq = math.floor(n * policy.unqualified_share / 100)
        n_basic = math.floor(n * policy.basic_share / 100)
        previous: tuple[points.Decimal, str] | None = None
        for i, (uid, value) in enumerate(ordered):
            if previous is not None and previous[0] == value:
                grades[uid] = previous[1]
                continue
            if i < n_exc:
                grade = Grade.EXCELLENT
            elif i >= n - n_unq:
                grade = Grade.UNQUALIFIED
            elif i >= n - n_unq - n_basic:
                grade = Grade.BASIC
            else:
                grade = Grade.QUALIFIED
            grades[uid] = grade
            previous = (value, grade)
        return grades
    for uid, value in ordered:
        if value >= policy.excellent_min:
            grades[uid] = Grade.EXCELLENT
        elif value >= policy.qualified_min:
            grades[uid] = Grade.QUALIFIED
        elif value >= policy.basic_min:
            grades[uid] = Grade.BASIC
        else:
            grades[uid] = Grade.UNQUALIFIED
    return grades


@transaction.atomic
def run_assessment(actor: User, year: int) -> Assessment:
    """Grade every active member of the year's term from their points; a re-run replaces the results."""
    access.require_manage(actor)
    if year > clock.today().year:
        raise ValidationError("不能考核尚未开始的年度。")
    term = selectors.term_for_year(year)
    if term is None:
        raise ValidationError("该年度不在任何届次之内。")
    policy = selectors.policy_for(year)
    ms, totals = selectors.ranked_totals(year, term)
    grades = grade_all(list(totals.items()), policy)
    values = list(totals.values())
    assessment = Assessment.objects.select_for_update().filter(term=term, year=year).first()
    rerun = assessment is not None
    if assessment is None:
        assessment = Assessment(term=term, year=year)
    assessment.method = policy.method
    assessment.policy = selectors.policy_snapshot(policy)
    assessment.run_by = actor
    assessment.run_at = clock.now()
    assessment.save()
    assessment.results.all().delete()
    AssessmentResult.objects.bulk_create(
        [
            AssessmentResult(
                assessment=assessment,
                user_id=uid,
                sector_id=m.sector_id,
                committee_id=m.committee_id,
                points=totals[uid],
                rank=1 + sum(1 for v in values if v > totals[uid]),
                grade=grades[uid],
            )
            for uid, m in ms.items()
        ]
    )
    count = Counter(grades.values())
    record(
        "duty_assess",
        {
            "year": year,
            "method": policy.method,
            "members": len(ms),
            "grades": {g.value: count[g.value] for g in Grade},
            "rerun": rerun,
        },
        actor=actor,
        obj=assessment,
        object_type="duty_assessment",
    )
    return assessment
