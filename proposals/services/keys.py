"""Key proposals (重点提案): recommendation, designation, and supervision records."""

from __future__ import annotations

from core import clock
from members.models import Role, User

from ..errors import invalid
from ..models import (
    Attachment,
    KeyProposal,
    SupervisionActivity,
)
from ..workflow import (
    Context,
)
from .runner import (
    Outcome,
    _attachment,
    _now,
    handler,
)


def _leaders(ids: list[int], field_name: str = "leaders") -> list[User]:
    leaders = list(User.objects.filter(pk__in=ids, is_active=True, groups__name=Role.LEADER).distinct())
    if not ids or len(leaders) != len(set(ids)):
        raise invalid(
            "leader_not_found", "请选择督办领导（须为督办领导账号）。", {field_name: ["请选择有效的督办领导。"]}
        )
    return leaders


@handler("recommend_key")
def _recommend_key(ctx: Context, data: dict) -> Outcome:
    leaders = _leaders(data["leaders"])
    key = KeyProposal.objects.create(
        case=ctx.case,
        state=KeyProposal.State.RECOMMENDED,
        plan=data["plan"],
        recommended_by=ctx.actor,
        recommended_at=_now(),
    )
    key.leaders.set(leaders)
    return Outcome({"leaders": [u.display_name for u in leaders]}, obj=key)


@handler("designate_key")
def _designate_key(ctx: Context, data: dict) -> Outcome:
    key = ctx.extra["key"]
    if data.get("leaders"):
        key.leaders.set(_leaders(data["leaders"]))
    if data.get("plan"):
        key.plan = data["plan"]
    key.state = KeyProposal.State.DESIGNATED
    key.designated_by, key.designated_at = ctx.user, _now()
    key.save()
    ctx.case.is_key = True
    return Outcome({"leaders": [u.display_name for u in key.leaders.all()]}, obj=key)


@handler("log_supervision")
def _log_supervision(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    if data["date"] > clock.today():
        raise invalid("date_in_future", "日期不能晚于今天。", {"date": ["日期不能晚于今天。"]})
    photos = [_attachment(case, pk, "photos", (Attachment.Purpose.EVIDENCE,)) for pk in data.get("photos") or []]
    activity = SupervisionActivity.objects.create(
        key=case.key,
        case=case,
        kind=data["kind"],
        date=data["date"],
        people=data["people"],
        minutes=data["minutes"],
        created_by=ctx.actor,
        created_at=_now(),
    )
    for photo in photos:
        photo.activity = activity
        photo.save(update_fields=["activity"])
    return Outcome(
        {"kind": activity.kind, "date": activity.date.isoformat(), "photos": [p.pk for p in photos]}, obj=activity
    )
