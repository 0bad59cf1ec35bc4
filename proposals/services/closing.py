"""After the reply: ratings, re-handling, closing, 回头看 follow-ups, and publication."""

from __future__ import annotations

from core import clock

from .. import settings_registry, workdays
from ..errors import conflict, invalid
from ..models import (
    AssignmentStatus,
    FollowUp,
    Rating,
    Satisfaction,
)
from ..workflow import (
    PROPOSER,
    STAFF,
    Context,
)
from .runner import (
    Outcome,
    _attachment,
    _now,
    _proposer_row,
    _require,
    handler,
)


@handler("rate")
def _rate(ctx: Context, data: dict) -> Outcome:
    case, assignment = ctx.case, ctx.unit_assignment
    on_behalf = None
    scan = None
    if STAFF in ctx.relations and (data.get("proposer") or PROPOSER not in ctx.relations):
        row = _proposer_row(case, _require(data.get("proposer"), "proposer", "请选择代录评价的提案人。"))
        if not row.counts:
            raise invalid(
                "proposer_not_found", "该附议人未确认附议，不参与评价。", {"proposer": ["该附议人未确认附议。"]}
            )
        scan = _attachment(
            case, _require(data.get("form_scan"), "form_scan", "代录评价须上传纸质征询意见表扫描件。"), "form_scan"
        )
        on_behalf = row.user
    else:
        row = next(p for p in case.proposers.all() if p.user_id == ctx.actor.pk)
    if Rating.objects.filter(assignment=assignment, round=case.round, proposer=row).exists():
        raise conflict("already_rated", f"{row.user.display_name}已对该单位本轮答复作出评价。")
    rating = Rating.objects.create(
        case=case,
        assignment=assignment,
        proposer=row,
        round=case.round,
        reply_rating=data["reply_rating"],
        contact_rating=data["contact_rating"],
        comment=data.get("comment", ""),
        rated_at=_now(),
        recorded_by=ctx.actor if on_behalf else None,
    )
    extra = {
        "rating": rating.pk,
        "round": rating.round,
        "reply_rating": rating.reply_rating,
        "contact_rating": rating.contact_rating,
        "proposer": row.user.display_name,
    }
    if scan:
        extra["form_scan"] = scan.pk
    return Outcome(extra, on_behalf_of=on_behalf, obj=assignment)


@handler("rehandle")
def _rehandle(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    old_round = case.round
    unsatisfied_ids = set(
        case.ratings.filter(round=old_round)
        .exclude(
            reply_rating__in=[Satisfaction.SATISFIED, Satisfaction.BASIC],
            contact_rating__in=[Satisfaction.SATISFIED, Satisfaction.BASIC],
        )
        .values_list("assignment_id", flat=True)
    )
    case.round = old_round + 1
    due = workdays.add_months(clock.today(), settings_registry.get("rehandle_period_months"))
    reopened = []
    for assignment in case.assignments.filter(pk__in=unsatisfied_ids).select_related("unit"):
        assignment.status = AssignmentStatus.SIGNED
        assignment.round = case.round
        assignment.due_date = due
        assignment.save()
        reopened.append(assignment.unit.name)
    case.replied_at = None
    case.rating_deadline = None
    return Outcome(
        {"round": case.round, "reopened": reopened, "due_date": due.isoformat(), "reason": data.get("reason", "")}
    )


@handler("close")
def _close(ctx: Context, data: dict) -> Outcome:
    ctx.case.closed_at = _now()
    return Outcome({"round": ctx.case.round})


@handler("follow_up")
def _follow_up(ctx: Context, data: dict) -> Outcome:
    if data["date"] > clock.today():
        raise invalid("date_in_future", "日期不能晚于今天。", {"date": ["日期不能晚于今天。"]})
    record = FollowUp.objects.create(
        case=ctx.case,
        date=data["date"],
        content=data["content"],
        done=bool(data.get("done")),
        created_by=ctx.actor,
        created_at=_now(),
    )
    if record.done:
        ctx.case.follow_up_done = True
    return Outcome({"follow_up": record.pk, "done": record.done}, obj=record)


@handler("set_public")
def _set_public(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    public = bool(data.get("public"))
    reason = (data.get("reason") or "").strip()
    if not public and not reason:
        raise invalid("reason_required", "不公开须说明理由。", {"reason": ["不公开须说明理由。"]})
    case.is_public = public
    case.not_public_reason = "" if public else reason
    if not public:
        case.published_at = None
    return Outcome({"public": public, "reason": case.not_public_reason})


@handler("publish")
def _publish(ctx: Context, data: dict) -> Outcome:
    ctx.case.published_at = _now()
    return Outcome({})
