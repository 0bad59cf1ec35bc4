"""Review (审查): the staff's recommendation, edits for review, return, filing, conversion to a
suggestion, rejection and merging."""

from __future__ import annotations

from django.db.models import Max

from ..errors import invalid
from ..models import (
    Case,
    Category,
    Kind,
    Proposer,
    RejectionGround,
)
from ..workflow import (
    MERGE_HOST_STATES,
    Context,
)
from .runner import (
    Outcome,
    _now,
    _take_number,
    handler,
)


@handler("recommend")
def _recommend(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    case.recommendation = data["outcome"]
    case.recommendation_reason = data["reason"]
    case.recommended_by = ctx.user
    return Outcome({"outcome": data["outcome"], "reason": data["reason"]})


@handler("edit_for_review")
def _edit_for_review(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    changes: dict[str, list] = {}
    title = (data.get("title") or "").strip()
    if title and title != case.title:
        changes["title"] = [case.title, title]
        case.title = title
    if data.get("category") and data["category"] != case.category_id:
        category = Category.objects.filter(pk=data["category"], active=True).first()
        if category is None:
            raise invalid("category_not_found", "未找到该类别。", {"category": ["未找到该类别。"]})
        changes["category"] = [case.category.name if case.category else "", category.name]
        case.category = category
    if not changes:
        raise invalid("nothing_changed", "没有需要修改的内容。", {"title": ["请修改案由或类别。"]})
    return Outcome({"changes": changes, "note": data.get("note", "")})


@handler("return_for_revision")
def _return_for_revision(ctx: Context, data: dict) -> Outcome:
    ctx.case.status_reason = data["reason"]
    return Outcome({"reason": data["reason"]})


@handler("file")
def _file(ctx: Context, data: dict) -> Outcome:
    _take_number(ctx.case, ctx.case.kind)
    return Outcome(
        {
            "number": ctx.case.number,
            "session": ctx.case.session.name if ctx.case.session else "",
            "display_number": ctx.case.display_number,
        }
    )


def suggestion_title(title: str) -> str:
    """A converted case's title names what it now is: “关于…的提案” becomes “关于…的建议”."""
    if title.endswith("提案"):
        return title[: -len("提案")] + "建议"
    return title


@handler("convert_to_suggestion")
def _convert(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    original_title = case.title
    case.title = suggestion_title(case.title)
    case.conversion_consent = data["consent"]
    case.status_reason = data["reason"]
    _take_number(case, Kind.SUGGESTION)
    return Outcome(
        {
            "reason": data["reason"],
            "consent": data["consent"],
            "number": case.number,
            "display_number": case.display_number,
            "original_title": original_title,
            "title": case.title,
        }
    )


@handler("reject")
def _reject(ctx: Context, data: dict) -> Outcome:
    ground = RejectionGround.objects.filter(pk=data["ground"], active=True).first()
    if ground is None:
        raise invalid("ground_not_found", "请选择一项不予立案理由。", {"ground": ["请选择一项有效的不予立案理由。"]})
    ctx.case.rejection_ground = ground
    ctx.case.status_reason = data["message"]
    return Outcome({"ground": ground.name, "message": data["message"]})


@handler("merge")
def _merge(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    host = Case.objects.select_for_update().filter(pk=data["host"]).first()
    if host is None or host.pk == case.pk:
        raise invalid("merge_host_not_found", "未找到要并入的提案。", {"host": ["未找到要并入的提案。"]})
    if host.kind != case.kind:
        raise invalid(
            "merge_kind_mismatch",
            f"只能并入同类案件：本件为{case.get_kind_display()}，所选为{host.get_kind_display()}。",
            {"host": ["所选案件类型不同。"]},
        )
    if host.status not in MERGE_HOST_STATES:
        raise invalid(
            "merge_host_state",
            f"所选案件状态为“{host.status_label}”，只能并入已立案的案件。",
            {"host": ["只能并入已立案的案件。"]},
        )
    case.merged_into = host
    existing = set(host.proposers.values_list("user_id", flat=True))
    order = (host.proposers.aggregate(m=Max("order"))["m"] or 0) + 1
    joined = []
    for row in case.proposers.select_related("user"):
        if row.counts and row.user_id not in existing:
            Proposer.objects.create(
                case=host,
                user=row.user,
                role=Proposer.Role.MERGED,
                order=order,
                collective=row.collective,
                organisation=row.organisation,
                sector=row.sector,
                committee=row.committee,
                group=row.group,
                confirmation=Proposer.Confirmation.CONFIRMED,
                confirmed_at=_now(),
            )
            order += 1
            joined.append(row.user.display_name)
    return Outcome(
        {
            "host": host.pk,
            "host_number": host.display_number,
            "host_title": host.title,
            "joined": joined,
            "reason": data.get("reason", ""),
        }
    )
