"""Handling (交办、签收、办理、答复): assignment and re-assignment, signing and returns, contacts,
co-handlers' views, extensions, replies and their review, and the saved reply draft."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import clock

from .. import settings_registry, workdays
from ..access import visible_cases
from ..errors import conflict, invalid, not_found
from ..models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Attachment,
    CoHandlerView,
    ContactRecord,
    Extension,
    Reply,
    Status,
)
from ..workflow import (
    Context,
    check,
    get_action,
)
from .runner import (
    Outcome,
    _active_unit,
    _attachment,
    _guarded,
    _live_assignments,
    _lock_case,
    _new_assignment,
    _now,
    _validate_structure,
    handler,
)


@handler("assign")
def _assign(ctx: Context, data: dict) -> Outcome:
    items = data["units"]
    if not items:
        raise invalid("units_required", "请选择承办单位。", {"units": ["请至少选择一个承办单位。"]})
    ids = [i["unit"] for i in items]
    if len(set(ids)) != len(ids):
        raise invalid("duplicate_unit", "同一单位不能重复交办。", {"units": ["同一单位不能重复交办。"]})
    roles = [i["role"] for i in items]
    problem = _validate_structure(roles)
    if problem is None and roles.count("lead") == 0 and len(roles) < 2:
        problem = "分办至少需要两个单位；只交一个单位请选择“主办”。"
    if problem is None and not roles.count("lead") and not roles.count("separate"):
        problem = "请选择主办单位。"
    if problem:
        raise invalid("bad_unit_structure", problem, {"units": [problem]})
    units = [_active_unit(unit_id, "units") for unit_id in ids]
    created = [_new_assignment(ctx.case, unit, role, ctx.user) for unit, role in zip(units, roles)]
    ctx.case.assigned_at = _now()
    return Outcome(
        {
            "units": [
                {
                    "unit": a.unit.name,
                    "role": a.role,
                    "due_date": a.due_date.isoformat(),
                    **({"views_due": a.views_due.isoformat()} if a.views_due else {}),
                }
                for a in created
            ]
        }
    )


@handler("reassign")
def _reassign(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    old = None
    if data.get("replace"):
        old = case.assignments.filter(pk=data["replace"]).select_related("unit").first()
        if old is None or old.replaced_by_id:
            raise invalid("assignment_not_found", "未找到要改派的交办。", {"replace": ["未找到要改派的交办。"]})
    role = data.get("role") or (old.role if old else "")
    if not role:
        raise invalid("role_required", "增派时请选择办理方式。", {"role": ["请选择办理方式。"]})
    unit = _active_unit(data["unit"], "unit")
    live = [a for a in _live_assignments(case) if old is None or a.pk != old.pk]
    if any(a.unit_id == unit.pk for a in live):
        raise invalid("duplicate_unit", f"“{unit.name}”已在办理本提案。", {"unit": ["该单位已在办理本提案。"]})
    problem = _validate_structure([a.role for a in live] + [role])
    if problem:
        raise invalid("bad_unit_structure", problem, {"role": [problem]})
    new = _new_assignment(case, unit, role, ctx.user, rehandling=case.status == Status.REHANDLING)
    if old is not None:
        if old.is_live:
            old.status = AssignmentStatus.WITHDRAWN_FROM_UNIT
            old.ended_at = _now()
        old.replaced_by = new
        old.save()
    return Outcome(
        {
            "reason": data["reason"],
            "unit": unit.name,
            "role": role,
            "replaced_unit": old.unit.name if old else "",
            "due_date": new.due_date.isoformat(),
        },
        obj=new,
    )


def _sign(ctx: Context, deemed: bool) -> Outcome:
    assignment = ctx.unit_assignment
    assignment.signed_at = _now()
    assignment.deemed_signed = deemed
    assignment.save()
    return Outcome({"deemed": deemed} if deemed else {})


@handler("sign")
def _sign_handler(ctx: Context, data: dict) -> Outcome:
    return _sign(ctx, deemed=False)


@handler("deem_signed")
def _deem_signed(ctx: Context, data: dict) -> Outcome:
    return _sign(ctx, deemed=True)


@handler("request_return")
def _request_return(ctx: Context, data: dict) -> Outcome:
    assignment = ctx.unit_assignment
    suggested = _active_unit(data["suggested_unit"], "suggested_unit")
    if suggested.pk == assignment.unit_id:
        raise invalid("suggested_unit_same", "建议改交的单位不能是本单位。", {"suggested_unit": ["请选择其他单位。"]})
    assignment.return_reason = data["reason"]
    assignment.return_suggested_unit = suggested
    assignment.save()
    return Outcome({"reason": data["reason"], "suggested_unit": suggested.name})


@handler("approve_return")
def _approve_return(ctx: Context, data: dict) -> Outcome:
    assignment = ctx.unit_assignment
    assignment.ended_at = _now()
    assignment.decision_reason = data["reason"]
    assignment.save()
    return Outcome({"reason": data["reason"]})


@handler("refuse_return")
def _refuse_return(ctx: Context, data: dict) -> Outcome:
    assignment = ctx.unit_assignment
    assignment.decision_reason = data["reason"]
    assignment.save()
    return Outcome({"reason": data["reason"]})


@handler("log_contact")
def _log_contact(ctx: Context, data: dict) -> Outcome:
    if data["date"] > clock.today():
        raise invalid("date_in_future", "沟通日期不能晚于今天。", {"date": ["沟通日期不能晚于今天。"]})
    record = ContactRecord.objects.create(
        case=ctx.case,
        assignment=ctx.unit_assignment,
        way=data["way"],
        point=data["point"],
        date=data["date"],
        people=data["people"],
        summary=data["summary"],
        face_to_face=bool(data.get("face_to_face")),
        created_by=ctx.actor,
        created_at=_now(),
    )
    return Outcome(
        {
            "way": record.way,
            "point": record.point,
            "date": record.date.isoformat(),
            "face_to_face": record.face_to_face,
            "contact": record.pk,
        }
    )


@handler("send_views")
def _send_views(ctx: Context, data: dict) -> Outcome:
    assignment = ctx.unit_assignment
    CoHandlerView.objects.create(
        assignment=assignment, case=ctx.case, text=data["text"], sent_by=ctx.actor, sent_at=_now()
    )
    assignment.views_sent_at = _now()
    assignment.save()
    return Outcome({"on_time": assignment.views_due is None or clock.today() <= assignment.views_due})


def _extension_limit(assignment: Assignment) -> dt.date:
    return workdays.add_months(clock.local_date(assignment.assigned_at), settings_registry.get("extension_max_months"))


def _check_extension_due(assignment: Assignment, due: dt.date) -> None:
    limit = _extension_limit(assignment)
    current, what = assignment.step_due, assignment.step_due_label
    if due <= current:
        raise invalid(
            "extension_not_later",
            f"延期后的日期须晚于现{what} {current:%Y年%m月%d日}。",
            {"due": [f"须晚于现{what}。"]},
        )
    if due > limit:
        raise invalid(
            "extension_too_long",
            f"延期后最迟为交办起 {settings_registry.get('extension_max_months')} 个月（{limit:%Y年%m月%d日}）。",
            {"due": [f"不能晚于 {limit:%Y年%m月%d日}。"]},
        )


@handler("request_extension")
def _request_extension(ctx: Context, data: dict) -> Outcome:
    _check_extension_due(ctx.unit_assignment, data["due"])
    extension = Extension.objects.create(
        assignment=ctx.unit_assignment,
        case=ctx.case,
        reason=data["reason"],
        requested_due=data["due"],
        requested_by=ctx.actor,
        requested_at=_now(),
    )
    return Outcome({"reason": data["reason"], "due": data["due"].isoformat(), "extension": extension.pk})


@handler("approve_extension")
def _approve_extension(ctx: Context, data: dict) -> Outcome:
    extension, assignment = ctx.extra["extension"], ctx.unit_assignment
    due = data.get("due") or extension.requested_due
    _check_extension_due(assignment, due)
    old_due = assignment.step_due
    if assignment.role == AssignmentRole.CO:
        assignment.views_due = due  # a co-handler's step is its views, due to the lead
    else:
        assignment.due_date = due
    assignment.save()
    extension.state = Extension.State.APPROVED
    extension.approved_due = due
    extension.decided_by, extension.decided_at = ctx.user, _now()
    extension.decision_reason = data.get("reason", "")
    extension.save()
    return Outcome({"old_due": old_due.isoformat(), "due": due.isoformat(), "extension": extension.pk})


@handler("refuse_extension")
def _refuse_extension(ctx: Context, data: dict) -> Outcome:
    extension = ctx.extra["extension"]
    extension.state = Extension.State.REFUSED
    extension.decided_by, extension.decided_at = ctx.user, _now()
    extension.decision_reason = data["reason"]
    extension.save()
    return Outcome({"reason": data["reason"], "extension": extension.pk})


@handler("reply")
def _reply(ctx: Context, data: dict) -> Outcome:
    case, assignment = ctx.case, ctx.unit_assignment
    reply_class = data.get("reply_class") or ""
    if settings_registry.needs_class(case.kind) and not reply_class:
        raise invalid("reply_class_required", "请选择答复类别（A/B/C）。", {"reply_class": ["请选择答复类别。"]})
    if not settings_registry.needs_class(case.kind):
        reply_class = ""
    letter_file = None
    if data.get("letter_file"):
        letter_file = _attachment(case, data["letter_file"], "letter_file", (Attachment.Purpose.REPLY_LETTER,))
    elif settings_registry.needs_letter_file(case.kind):
        raise invalid("letter_file_required", "请上传盖章的答复函。", {"letter_file": ["请上传盖章的答复函。"]})
    reply = Reply.objects.draft_of(assignment) or Reply(
        assignment=assignment, case=case, round=assignment.round, created_by=ctx.actor
    )
    reply.state = Reply.State.SUBMITTED
    reply.reply_class = reply_class
    reply.original_class = reply_class
    reply.letter, reply.signer = data["letter"], data["signer"]
    reply.contact_person, reply.contact_phone = data["contact_person"], data["contact_phone"]
    reply.letter_file = letter_file
    reply.updated_at = reply.submitted_at = _now()
    reply.save()
    assignment.replied_at = _now()
    assignment.save()
    return Outcome({"reply": reply.pk, "reply_class": reply_class, "round": reply.round}, obj=assignment)


def _submitted_reply(assignment: Assignment) -> Reply:
    reply = assignment.replies.filter(state=Reply.State.SUBMITTED).order_by("-id").first()
    if reply is None:  # the table's assignment state (replied) says there is one
        raise conflict("no_submitted_reply", "该交办没有待审核的答复。")
    return reply


@handler("return_reply")
def _return_reply(ctx: Context, data: dict) -> Outcome:
    reply = _submitted_reply(ctx.unit_assignment)
    reply.state = Reply.State.RETURNED
    reply.decided_at, reply.decided_by, reply.decision_reason = _now(), ctx.user, data["reason"]
    reply.save()
    return Outcome({"reason": data["reason"], "reply": reply.pk})


@handler("accept_reply")
def _accept_reply(ctx: Context, data: dict) -> Outcome:
    case, assignment = ctx.case, ctx.unit_assignment
    reply = _submitted_reply(assignment)
    new_class = data.get("reply_class") or ""
    extra: dict[str, Any] = {"reply": reply.pk, "round": reply.round}
    if new_class and new_class != reply.reply_class:
        if not settings_registry.needs_class(case.kind):
            raise invalid(
                "class_not_used", f"{case.get_kind_display()}答复不分类。", {"reply_class": ["本类案件答复不分类。"]}
            )
        if not data.get("reason"):
            raise invalid("reason_required", "调整答复类别须说明理由。", {"reason": ["调整答复类别须说明理由。"]})
        extra["class_changed"] = [reply.reply_class, new_class]
        extra["reason"] = data["reason"]
        reply.reply_class = new_class
    reply.state = Reply.State.ACCEPTED
    reply.decided_at, reply.decided_by = _now(), ctx.user
    reply.save()
    assignment.accepted_at = _now()
    assignment.first_accepted_at = assignment.first_accepted_at or assignment.accepted_at
    assignment.save()
    extra["reply_class"] = reply.reply_class
    return Outcome(extra, obj=assignment)


def save_reply_draft(user, case_id, assignment_id, **fields_) -> Reply:
    """Save the reply form without sending it (units write replies over several days)."""
    allowed = {"reply_class", "letter", "signer", "contact_person", "contact_phone", "letter_file"}

    def body() -> Reply:
        case = _lock_case(case_id)
        if not visible_cases(user).filter(pk=case.pk).exists():
            raise not_found()
        assignment = case.assignments.select_related("unit").filter(pk=assignment_id).first()
        assignment = check(get_action("reply"), user, case, assignment).unit_assignment
        reply = Reply.objects.draft_of(assignment) or Reply(
            assignment=assignment, case=case, round=assignment.round, created_by=user
        )
        for name, value in fields_.items():
            if name not in allowed:
                continue
            if name == "letter_file":
                reply.letter_file = (
                    _attachment(case, value, "letter_file", (Attachment.Purpose.REPLY_LETTER,)) if value else None
                )
            else:
                setattr(reply, name, value or "")
        reply.updated_at = _now()
        reply.save()
        return reply

    return _guarded("save_reply_draft", user, case_id, body)
