"""One function per workflow action, and the drafting operations around them.

Every action goes through ``perform()``: it opens one transaction, locks the case row, runs the
table's checks (visibility 404, actor 403, state 409), validates the data (400), moves the
states, writes exactly one audit event and commits. A refusal rolls everything back and is then
recorded, in its own transaction, as one ``refused`` security event. Web views and API views
both call these functions; nothing else writes workflow fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal

from members.models import Membership, Role, Session, Term, Unit, User

from audit import trail as audit
from core import clock
from . import settings_registry, workdays
from .access import visible_cases
from .action_forms import action_form_class
from .errors import WorkflowError, conflict, forbidden, invalid, not_found
from .models import (
    Assignment,
    AssignmentStatus,
    Attachment,
    Case,
    Category,
    CoHandlerView,
    ContactRecord,
    Extension,
    FollowUp,
    KeyProposal,
    Kind,
    NumberSequence,
    Proposer,
    Rating,
    RejectionGround,
    Reply,
    Satisfaction,
    Source,
    Status,
    SupervisionActivity,
)
from audit.models import AuditEvent
from .workflow import (
    MERGE_HOST_STATES,
    draft_edit_refusal,
    PROPOSER,
    STAFF,
    AUTO_MOVES,
    ActionDef,
    Context,
    automatic_move,
    check,
    get_action,
)

# Sent inside the action's transaction after its audit event: notifications (the outbox) hook in
# here, so a rolled-back action leaves no message behind.
action_performed = Signal()
# Sent inside a draft's transaction when co-signers are asked to confirm (newly added, or asked
# again because the text changed): kwargs case, user, event (the audit event), invited (users).
draft_changed = Signal()

TITLE_MAX = 100
# 情况分析 and 办法建议: a generous page count for one matter (一事一案), the same for pages and API.
BODY_MAX = 20000


@dataclass
class Outcome:
    """What a handler did, for the audit event."""

    data: dict[str, Any] = field(default_factory=dict)
    on_behalf_of: User | None = None
    obj: Any = None


# --- The runner ------------------------------------------------------------------------------------

def _lock_case(case_id) -> Case:
    try:
        return Case.objects.select_for_update().get(pk=int(case_id))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise not_found()


def _validate(action: ActionDef, data: dict | None) -> dict:
    form = action_form_class(action)(data=data or {})
    if form.is_valid():
        return form.cleaned_data
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    first_field, first_messages = next(iter(errors.items()))
    label = action.fields and next((f.label for f in action.fields if f.name == first_field), first_field)
    raise invalid("invalid_data", f"{label}：{first_messages[0]}", errors)


def _record_refusal(action_name: str, user, case_id, error: WorkflowError) -> None:
    case = Case.objects.filter(pk=case_id).only("id", "status").first() if str(case_id).isdigit() else None
    with transaction.atomic():
        audit.record(
            action_name,
            actor=user,
            object_type="case",
            object_id=case_id or "",
            case=case,
            from_state=case.status if case else "",
            outcome=AuditEvent.Outcome.REFUSED,
            data={"kind": error.kind, "code": error.code, "message": error.message, "errors": error.errors},
        )


def _guarded(action_name: str, user, case_id, body: Callable[[], Case]) -> Case:
    try:
        with transaction.atomic():
            return body()
    except WorkflowError as error:
        _record_refusal(action_name, user, case_id, error)
        raise


def perform(action_name: str, user, case_id, data: dict | None = None, *, assignment_id=None) -> Case:
    """Carry out one action of the workflow table. ``user=None`` is the system (scheduled commands)."""
    data = dict(data or {})
    if assignment_id is None and "assignment" in data:
        assignment_id = data.pop("assignment")

    def body() -> Case:
        case = _lock_case(case_id)
        visible = user is None or visible_cases(user).filter(pk=case.pk).exists()
        if not visible:
            raise not_found()
        action = get_action(action_name)
        assignment = None
        if action.on_assignment and assignment_id not in (None, ""):
            try:
                assignment = case.assignments.select_related("unit").filter(pk=int(assignment_id)).first()
            except (TypeError, ValueError):
                assignment = None
        ctx = check(action, user, case, assignment)
        cleaned = _validate(action, data)
        case_from = case.status
        assignment_from = assignment.status if assignment else ""
        outcome = HANDLERS[action.name](ctx, cleaned) or Outcome()
        if action.to_state:
            case.status = action.to_state
        if action.assignment_to:
            # The table, not the handler, moves the named assignment.
            assignment.status = action.assignment_to
            assignment.save()
        auto_moves = _apply_automatic_moves(case)
        case.updated_at = clock.now()
        case.save()
        event_data = dict(outcome.data)
        if assignment is not None:
            event_data.setdefault("assignment", assignment.pk)
            event_data.setdefault("unit", assignment.unit.name)
            if case.status != case_from:
                event_data["case_status"] = [case_from, case.status]
        if auto_moves:
            event_data["auto_moves"] = auto_moves
        event = audit.record(
            action.name,
            actor=user,
            on_behalf_of=outcome.on_behalf_of,
            obj=outcome.obj or assignment or case,
            case=case,
            from_state=assignment_from if assignment else case_from,
            to_state=assignment.status if assignment else case.status,
            data=event_data,
        )
        action_performed.send(sender=Case, action=action, ctx=ctx, event=event, case=case)
        return case

    return _guarded(action_name, user, case_id, body)


def _apply_automatic_moves(case: Case) -> list[str]:
    """Apply workflow.AUTO_MOVES until none applies; the names of those applied, for the audit event."""
    applied: list[str] = []
    for _ in range(len(AUTO_MOVES) + 1):
        live = [a for a in Assignment.objects.filter(case=case) if a.is_live]
        move = automatic_move(case, live)
        if move is None:
            return applied
        case.status = move.to_state
        if move.effect:
            move.effect(case)
        applied.append(move.name)
    raise RuntimeError(f"automatic moves do not settle for case {case.pk}: {applied}")


HANDLERS: dict[str, Callable[[Context, dict], Outcome | None]] = {}


def handler(name: str):
    def register(fn):
        HANDLERS[name] = fn
        return fn

    return register


# --- Helpers ---------------------------------------------------------------------------------------

def _now() -> dt.datetime:
    return clock.now()


def _attachment(case: Case, attachment_id, field_name: str, purposes: tuple[str, ...] | None = None) -> Attachment:
    found = case.attachments.filter(pk=attachment_id).first() if attachment_id else None
    if found is None or (purposes and found.purpose not in purposes):
        raise invalid("attachment_not_found", "所选文件不属于本提案，请先上传。", {field_name: ["所选文件不属于本提案。"]})
    return found


def _active_unit(unit_id, field_name: str) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise invalid("unit_not_found", "未找到该承办单位。", {field_name: ["未找到该承办单位。"]})
    if not unit.active:
        raise invalid("unit_inactive", f"“{unit.name}”已停用，不能交办。", {field_name: [f"“{unit.name}”已停用。"]})
    return unit


def _proposer_row(case: Case, user_id, field_name: str = "proposer", **filters) -> Proposer:
    row = case.proposers.filter(user_id=user_id, **filters).select_related("user").first() if user_id else None
    if row is None:
        raise invalid("proposer_not_found", "请选择本提案的提案人。", {field_name: ["不是本提案的提案人。"]})
    return row


def _require(value, field_name: str, message: str):
    if value in (None, "", []):
        raise invalid(f"{field_name}_required", message, {field_name: [message]})
    return value


def _live_assignments(case: Case) -> list[Assignment]:
    return [a for a in case.assignments.select_related("unit") if a.is_live]


def _validate_structure(roles: list[str]) -> str | None:
    """None when the live roles form 单办 / 主办+会办 / 分办, else the reason."""
    leads, cos, separates = roles.count("lead"), roles.count("co"), roles.count("separate")
    if leads > 1:
        return "只能有一个主办单位。"
    if cos and not leads:
        return "有会办单位时必须有一个主办单位。"
    if separates and (leads or cos):
        return "分办不能与主办、会办同时使用。"
    return None


def _new_assignment(case: Case, unit: Unit, role: str, by, *, rehandling: bool = False) -> Assignment:
    today = clock.today()
    months = settings_registry.get("rehandle_period_months" if rehandling else "reply_period_months")
    due = workdays.add_months(today, months)
    return Assignment.objects.create(
        case=case,
        unit=unit,
        role=role,
        round=case.round,
        assigned_at=_now(),
        assigned_by=by,
        return_deadline=workdays.add_workdays(today, settings_registry.get("return_window_workdays")),
        due_date=due,
        original_due_date=due,
        views_due=workdays.add_months(today, settings_registry.get("co_views_period_months")) if role == "co" else None,
    )


def _session_for_filing(case: Case) -> Session:
    if case.session_id:
        return case.session
    today = clock.today()
    sessions = Session.objects.filter(term=case.term)
    if settings_registry.get("regular_case_session") == "next_session":
        upcoming = sessions.filter(opens__gt=today).order_by("opens").first()
        if upcoming:
            return upcoming
    latest = sessions.filter(opens__lte=today).order_by("-opens").first() or sessions.order_by("opens").first()
    if latest is None:
        raise conflict("no_session", "本届尚未设置任何会议，无法编号。请先在系统中添加会议。")
    return latest


def _take_number(case: Case, kind: str) -> None:
    session = _session_for_filing(case)
    NumberSequence.objects.bulk_create([NumberSequence(session=session, kind=kind)], ignore_conflicts=True)
    sequence = NumberSequence.objects.select_for_update().get(session=session, kind=kind)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    case.session = session
    case.kind = kind
    case.number = sequence.last
    case.filed_at = _now()


# --- Handlers, in the order of the table --------------------------------------------------------------

def _answer_cosign(ctx: Context, data: dict, confirmation: str) -> Outcome:
    case = ctx.case
    if STAFF in ctx.relations and (data.get("proposer") or ctx.relations.isdisjoint({"cosigner"})):
        row = _proposer_row(case, data.get("proposer"), role=Proposer.Role.COSIGNER)
        if row.confirmation != Proposer.Confirmation.PENDING:
            raise conflict("cosign_already_answered", f"{row.user.display_name}已{row.get_confirmation_display()}。")
        scan = _attachment(case, _require(data.get("scan"), "scan", "代为确认须上传附议签名扫描件。"), "scan")
        row.confirmed_by = ctx.user
        on_behalf, extra = row.user, {"scan": scan.pk}
    else:
        row = case.proposers.get(user=ctx.user, role=Proposer.Role.COSIGNER)
        on_behalf, extra = None, {}
    row.confirmation = confirmation
    row.confirmed_at = _now()
    row.save()
    if data.get("reason"):
        extra["reason"] = data["reason"]
    return Outcome({"proposer": row.user.display_name, **extra}, on_behalf_of=on_behalf, obj=row)


@handler("cosign")
def _cosign(ctx: Context, data: dict) -> Outcome:
    return _answer_cosign(ctx, data, Proposer.Confirmation.CONFIRMED)


@handler("decline_cosign")
def _decline_cosign(ctx: Context, data: dict) -> Outcome:
    return _answer_cosign(ctx, data, Proposer.Confirmation.DECLINED)


def _check_case_text(case: Case) -> None:
    errors: dict[str, list[str]] = {}
    if not case.title.strip():
        errors["title"] = ["请填写案由。"]
    elif len(case.title) > TITLE_MAX:
        errors["title"] = [f"案由不能超过 {TITLE_MAX} 个字（现为 {len(case.title)} 个字）。"]
    if not case.facts.strip():
        errors["facts"] = ["请填写情况分析。"]
    if not case.suggestions.strip():
        errors["suggestions"] = ["请填写具体的办法建议。"]
    if case.category_id is None:
        errors["category"] = ["请选择类别。"]
    if errors:
        raise invalid("case_incomplete", "提案内容不完整：" + "；".join(m[0] for m in errors.values()), errors)


@handler("submit")
def _submit(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    _check_case_text(case)
    today = clock.today()
    plenary = Session.objects.filter(term=case.term, opens__lte=today, closes__gte=today).first()
    rows = list(case.proposers.select_related("user"))
    memberships = {
        m.user_id: m for m in Membership.objects.filter(term=case.term, user__in=[r.user_id for r in rows], active=True)
    }
    for row in rows:
        if not row.counts:
            continue
        membership = memberships.get(row.user_id)
        if membership is None:
            raise invalid("proposer_not_member", f"{row.user.display_name}不是本届在任委员，不能作为提案人。",
                          {"proposers": [f"{row.user.display_name}不是本届在任委员。"]})
        if row.collective in (Proposer.Collective.SECTOR, Proposer.Collective.GROUP) and plenary is None:
            raise invalid("collective_plenary_only", "界别和委员小组（联组）提案只能在大会期间提出。",
                          {"proposers": ["界别和委员小组提案只能在大会期间提出。"]})
        if not row.collective:
            # Snapshot: the case keeps the membership as it was when submitted.
            row.sector_id, row.committee_id, row.group_id = membership.sector_id, membership.committee_id, membership.group_id
            row.save(update_fields=["sector", "committee", "group"])
    case.source = Source.PLENARY if plenary else Source.REGULAR
    case.session = plenary
    case.submitted_at = _now()
    case.status_reason = ""
    initiator = next(r for r in rows if r.is_initiator)
    on_behalf = initiator.user if ctx.user.pk != initiator.user_id else None
    return Outcome({"source": case.source}, on_behalf_of=on_behalf)


@handler("withdraw")
def _withdraw(ctx: Context, data: dict) -> Outcome:
    ctx.case.status_reason = data["reason"]
    return Outcome({"reason": data["reason"]})


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
    return Outcome({"number": ctx.case.number, "session": ctx.case.session.name, "display_number": ctx.case.display_number})


@handler("convert_to_suggestion")
def _convert(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    case.conversion_consent = data["consent"]
    case.status_reason = data["reason"]
    _take_number(case, Kind.SUGGESTION)
    return Outcome({"reason": data["reason"], "consent": data["consent"], "number": case.number,
                    "display_number": case.display_number})


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
        raise invalid("merge_kind_mismatch", f"只能并入同类案件：本件为{case.get_kind_display()}，所选为{host.get_kind_display()}。",
                      {"host": ["所选案件类型不同。"]})
    if host.status not in MERGE_HOST_STATES:
        raise invalid("merge_host_state", f"所选案件状态为“{host.status_label}”，只能并入已立案的案件。",
                      {"host": ["只能并入已立案的案件。"]})
    case.merged_into = host
    existing = set(host.proposers.values_list("user_id", flat=True))
    order = (host.proposers.aggregate(m=Max("order"))["m"] or 0) + 1
    joined = []
    for row in case.proposers.select_related("user"):
        if row.counts and row.user_id not in existing:
            Proposer.objects.create(
                case=host, user=row.user, role=Proposer.Role.MERGED, order=order,
                collective=row.collective, organisation=row.organisation, sector=row.sector,
                committee=row.committee, group=row.group, confirmation=Proposer.Confirmation.CONFIRMED,
                confirmed_at=_now(),
            )
            order += 1
            joined.append(row.user.display_name)
    return Outcome({"host": host.pk, "host_number": host.display_number, "host_title": host.title,
                    "joined": joined, "reason": data.get("reason", "")})


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
    return Outcome({"units": [{"unit": a.unit.name, "role": a.role, "due_date": a.due_date.isoformat()} for a in created]})


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
    return Outcome({"reason": data["reason"], "unit": unit.name, "role": role,
                    "replaced_unit": old.unit.name if old else "", "due_date": new.due_date.isoformat()}, obj=new)


def _sign(ctx: Context, deemed: bool) -> Outcome:
    assignment = ctx.assignment
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
    assignment = ctx.assignment
    suggested = _active_unit(data["suggested_unit"], "suggested_unit")
    if suggested.pk == assignment.unit_id:
        raise invalid("suggested_unit_same", "建议改交的单位不能是本单位。", {"suggested_unit": ["请选择其他单位。"]})
    assignment.return_reason = data["reason"]
    assignment.return_suggested_unit = suggested
    assignment.save()
    return Outcome({"reason": data["reason"], "suggested_unit": suggested.name})


@handler("approve_return")
def _approve_return(ctx: Context, data: dict) -> Outcome:
    assignment = ctx.assignment
    assignment.ended_at = _now()
    assignment.decision_reason = data["reason"]
    assignment.save()
    return Outcome({"reason": data["reason"]})


@handler("refuse_return")
def _refuse_return(ctx: Context, data: dict) -> Outcome:
    assignment = ctx.assignment
    assignment.decision_reason = data["reason"]
    assignment.save()
    return Outcome({"reason": data["reason"]})


@handler("log_contact")
def _log_contact(ctx: Context, data: dict) -> Outcome:
    if data["date"] > clock.today():
        raise invalid("date_in_future", "沟通日期不能晚于今天。", {"date": ["沟通日期不能晚于今天。"]})
    record = ContactRecord.objects.create(
        case=ctx.case, assignment=ctx.assignment, way=data["way"], point=data["point"], date=data["date"], people=data["people"],
        summary=data["summary"], face_to_face=bool(data.get("face_to_face")), created_by=ctx.user, created_at=_now(),
    )
    return Outcome({"way": record.way, "point": record.point, "date": record.date.isoformat(), "face_to_face": record.face_to_face,
                    "contact": record.pk})


@handler("send_views")
def _send_views(ctx: Context, data: dict) -> Outcome:
    assignment = ctx.assignment
    CoHandlerView.objects.create(assignment=assignment, case=ctx.case, text=data["text"], sent_by=ctx.user, sent_at=_now())
    assignment.views_sent_at = _now()
    assignment.save()
    return Outcome({"on_time": assignment.views_due is None or clock.today() <= assignment.views_due})


def _extension_limit(assignment: Assignment) -> dt.date:
    return workdays.add_months(clock.local_date(assignment.assigned_at), settings_registry.get("extension_max_months"))


def _check_extension_due(assignment: Assignment, due: dt.date) -> None:
    limit = _extension_limit(assignment)
    if due <= assignment.due_date:
        raise invalid("extension_not_later", f"延期后的日期须晚于现答复期限 {assignment.due_date:%Y年%m月%d日}。",
                      {"due": ["须晚于现答复期限。"]})
    if due > limit:
        raise invalid("extension_too_long", f"延期后最迟为交办起 {settings_registry.get('extension_max_months')} 个月（{limit:%Y年%m月%d日}）。",
                      {"due": [f"不能晚于 {limit:%Y年%m月%d日}。"]})


@handler("request_extension")
def _request_extension(ctx: Context, data: dict) -> Outcome:
    _check_extension_due(ctx.assignment, data["due"])
    extension = Extension.objects.create(
        assignment=ctx.assignment, case=ctx.case, reason=data["reason"], requested_due=data["due"],
        requested_by=ctx.user, requested_at=_now(),
    )
    return Outcome({"reason": data["reason"], "due": data["due"].isoformat(), "extension": extension.pk})


@handler("approve_extension")
def _approve_extension(ctx: Context, data: dict) -> Outcome:
    extension, assignment = ctx.extra["extension"], ctx.assignment
    due = data.get("due") or extension.requested_due
    _check_extension_due(assignment, due)
    old_due = assignment.due_date
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
    case, assignment = ctx.case, ctx.assignment
    reply_class = data.get("reply_class") or ""
    if settings_registry.needs_class(case.kind) and not reply_class:
        raise invalid("reply_class_required", "请选择答复类别（A/B/C）。", {"reply_class": ["请选择答复类别。"]})
    if not settings_registry.needs_class(case.kind):
        reply_class = ""
    letter_file = None
    if data.get("letter_file"):
        letter_file = _attachment(case, data["letter_file"], "letter_file", (Attachment.Purpose.REPLY_LETTER,))
    elif settings_registry.get("reply_letter_file_required"):
        raise invalid("letter_file_required", "请上传盖章的答复函。", {"letter_file": ["请上传盖章的答复函。"]})
    reply = Reply.objects.draft_of(assignment) or Reply(
        assignment=assignment, case=case, round=assignment.round, created_by=ctx.user
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
    return assignment.replies.filter(state=Reply.State.SUBMITTED).order_by("-id").first()


@handler("return_reply")
def _return_reply(ctx: Context, data: dict) -> Outcome:
    reply = _submitted_reply(ctx.assignment)
    reply.state = Reply.State.RETURNED
    reply.decided_at, reply.decided_by, reply.decision_reason = _now(), ctx.user, data["reason"]
    reply.save()
    return Outcome({"reason": data["reason"], "reply": reply.pk})


@handler("accept_reply")
def _accept_reply(ctx: Context, data: dict) -> Outcome:
    case, assignment = ctx.case, ctx.assignment
    reply = _submitted_reply(assignment)
    new_class = data.get("reply_class") or ""
    extra: dict[str, Any] = {"reply": reply.pk, "round": reply.round}
    if new_class and new_class != reply.reply_class:
        if not settings_registry.needs_class(case.kind):
            raise invalid("class_not_used", f"{case.get_kind_display()}答复不分类。", {"reply_class": ["本类案件答复不分类。"]})
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


@handler("rate")
def _rate(ctx: Context, data: dict) -> Outcome:
    case, assignment = ctx.case, ctx.assignment
    on_behalf = None
    scan = None
    if STAFF in ctx.relations and (data.get("proposer") or PROPOSER not in ctx.relations):
        row = _proposer_row(case, _require(data.get("proposer"), "proposer", "请选择代录评价的提案人。"))
        if not row.counts:
            raise invalid("proposer_not_found", "该附议人未确认附议，不参与评价。", {"proposer": ["该附议人未确认附议。"]})
        scan = _attachment(case, _require(data.get("form_scan"), "form_scan", "代录评价须上传纸质征询意见表扫描件。"), "form_scan")
        on_behalf = row.user
    else:
        row = next(p for p in case.proposers.all() if p.user_id == ctx.user.pk)
    if Rating.objects.filter(assignment=assignment, round=case.round, proposer=row).exists():
        raise conflict("already_rated", f"{row.user.display_name}已对该单位本轮答复作出评价。")
    rating = Rating.objects.create(
        case=case, assignment=assignment, proposer=row, round=case.round,
        reply_rating=data["reply_rating"], contact_rating=data["contact_rating"], comment=data.get("comment", ""),
        rated_at=_now(), recorded_by=ctx.user if on_behalf else None,
    )
    extra = {"rating": rating.pk, "round": rating.round, "reply_rating": rating.reply_rating,
             "contact_rating": rating.contact_rating, "proposer": row.user.display_name}
    if scan:
        extra["form_scan"] = scan.pk
    return Outcome(extra, on_behalf_of=on_behalf, obj=assignment)


@handler("rehandle")
def _rehandle(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    old_round = case.round
    unsatisfied_ids = set(
        case.ratings.filter(round=old_round).exclude(
            reply_rating__in=[Satisfaction.SATISFIED, Satisfaction.BASIC],
            contact_rating__in=[Satisfaction.SATISFIED, Satisfaction.BASIC],
        ).values_list("assignment_id", flat=True)
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
    return Outcome({"round": case.round, "reopened": reopened, "due_date": due.isoformat(), "reason": data.get("reason", "")})


@handler("close")
def _close(ctx: Context, data: dict) -> Outcome:
    ctx.case.closed_at = _now()
    return Outcome({"round": ctx.case.round})


@handler("follow_up")
def _follow_up(ctx: Context, data: dict) -> Outcome:
    if data["date"] > clock.today():
        raise invalid("date_in_future", "日期不能晚于今天。", {"date": ["日期不能晚于今天。"]})
    record = FollowUp.objects.create(case=ctx.case, date=data["date"], content=data["content"],
                                     done=bool(data.get("done")), created_by=ctx.user, created_at=_now())
    if record.done:
        ctx.case.follow_up_done = True
    return Outcome({"follow_up": record.pk, "done": record.done}, obj=record)


def _leaders(ids: list[int], field_name: str = "leaders") -> list[User]:
    leaders = list(User.objects.filter(pk__in=ids, is_active=True, groups__name=Role.LEADER).distinct())
    if not ids or len(leaders) != len(set(ids)):
        raise invalid("leader_not_found", "请选择督办领导（须为督办领导账号）。", {field_name: ["请选择有效的督办领导。"]})
    return leaders


@handler("recommend_key")
def _recommend_key(ctx: Context, data: dict) -> Outcome:
    leaders = _leaders(data["leaders"])
    key = KeyProposal.objects.create(case=ctx.case, state=KeyProposal.State.RECOMMENDED, plan=data["plan"],
                                     recommended_by=ctx.user, recommended_at=_now())
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
        key=case.key, case=case, kind=data["kind"], date=data["date"], people=data["people"],
        minutes=data["minutes"], created_by=ctx.user, created_at=_now(),
    )
    for photo in photos:
        photo.activity = activity
        photo.save(update_fields=["activity"])
    return Outcome({"kind": activity.kind, "date": activity.date.isoformat(), "photos": [p.pk for p in photos]},
                   obj=activity)


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


# --- Drafting: creating and editing a case before it is submitted --------------------------------------

DRAFT_FIELDS = ("title", "facts", "suggestions", "category", "kind", "is_public", "not_public_reason")
TEXT_FIELDS = ("title", "facts", "suggestions")


def _check_cosigners(term: Term, user_ids: list[int], initiator_id: int) -> list[User]:
    ids = [int(i) for i in dict.fromkeys(user_ids) if int(i) != initiator_id]
    members = {m.user_id: m.user for m in Membership.objects.filter(term=term, active=True, user_id__in=ids).select_related("user")}
    missing = [i for i in ids if i not in members]
    if missing:
        names = "、".join(u.display_name for u in User.objects.filter(pk__in=missing)) or "、".join(map(str, missing))
        raise invalid("cosigner_not_member", f"附议人须为本届在任委员：{names}不是。", {"cosigners": [f"{names}不是本届在任委员。"]})
    return [members[i] for i in ids]


def _apply_draft_fields(case: Case, fields_: dict) -> list[str]:
    changed = []
    for name in DRAFT_FIELDS:
        if name not in fields_:
            continue
        value = fields_[name]
        if name == "category":
            value = Category.objects.filter(pk=value).first() if value else None
            if fields_[name] and value is None:
                raise invalid("category_not_found", "未找到该类别。", {"category": ["未找到该类别。"]})
            if value != case.category:
                changed.append(name)
            case.category = value
            continue
        if name == "kind" and value not in Kind.values:
            raise invalid("kind_invalid", "类型只能是提案或建议。", {"kind": ["类型只能是提案或建议。"]})
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        if getattr(case, name) != value:
            changed.append(name)
            setattr(case, name, value)
    errors = {}
    if "title" in fields_ and not case.title:
        errors["title"] = ["请填写案由。"]
    if len(case.title) > TITLE_MAX:
        errors["title"] = [f"案由不能超过 {TITLE_MAX} 个字（现为 {len(case.title)} 个字）。"]
    if errors:
        raise invalid("title_invalid", errors["title"][0], errors)
    labels = {"facts": "情况分析", "suggestions": "办法建议"}
    too_long = {name: [f"{label}不能超过 {BODY_MAX} 个字（现为 {len(getattr(case, name))} 个字）。"]
                for name, label in labels.items() if len(getattr(case, name) or "") > BODY_MAX}
    if too_long:
        raise invalid("text_too_long", next(iter(too_long.values()))[0], too_long)
    return changed


def create_draft(user, *, on_behalf_of: int | None = None, cosigners: list[int] = (), collective: str = "",
                 organisation: int | None = None, **fields_) -> Case:
    """A member's new draft, or staff entering a paper proposal on a member's behalf (代录)."""

    def body() -> Case:
        term = Term.current()
        if term is None:
            raise conflict("no_current_term", "当前没有进行中的届次。")
        roles = user.role_set()
        if on_behalf_of is not None:
            if Role.STAFF not in roles:
                raise forbidden("actor_not_allowed", "只有提案委工作人员可以代为录入提案。")
            initiator = User.objects.filter(pk=on_behalf_of).first()
        else:
            initiator = user
        if Role.MEMBER not in roles and on_behalf_of is None:
            raise forbidden("actor_not_allowed", "只有委员可以起草提案。")
        if initiator is None or not Membership.objects.filter(term=term, user=initiator, active=True).exists():
            raise invalid("proposer_not_member", "领衔提案人须为本届在任委员。", {"on_behalf_of": ["须为本届在任委员。"]})
        now = _now()
        case = Case(term=term, created_by=user, created_at=now, updated_at=now, title="")
        _apply_draft_fields(case, fields_)
        if not case.title:
            raise invalid("title_invalid", "请填写案由。", {"title": ["请填写案由。"]})
        cosigner_users = _check_cosigners(term, list(cosigners), initiator.pk)
        case.save()
        initiator_row = Proposer(case=case, user=initiator, role=Proposer.Role.INITIATOR, order=0,
                                 confirmation=Proposer.Confirmation.CONFIRMED, confirmed_at=now)
        _set_collective(initiator_row, collective, organisation, term)
        initiator_row.save()
        for order, member in enumerate(cosigner_users, start=1):
            Proposer.objects.create(case=case, user=member, role=Proposer.Role.COSIGNER, order=order)
        event = audit.record("create", actor=user, on_behalf_of=initiator if initiator != user else None, obj=case, case=case,
                             to_state=case.status, data={"title": case.title, "cosigners": [u.display_name for u in cosigner_users]})
        draft_changed.send(sender=Case, case=case, user=user, event=event, invited=cosigner_users)
        return case

    return _guarded("create", user, None, body)


def _set_collective(row: Proposer, collective: str, organisation: int | None, term: Term) -> None:
    if not collective:
        return
    if collective not in Proposer.Collective.values:
        raise invalid("collective_invalid", "集体提案类型不正确。", {"collective": ["集体提案类型不正确。"]})
    row.collective = collective
    membership = Membership.objects.filter(term=term, user=row.user).first()
    if collective == Proposer.Collective.ORGANISATION:
        from members.models import Organisation

        row.organisation = Organisation.objects.filter(pk=organisation, active=True).first()
        if row.organisation is None:
            raise invalid("organisation_not_found", "请选择党派团体。", {"organisation": ["请选择党派团体。"]})
    elif membership:
        row.sector_id, row.committee_id, row.group_id = membership.sector_id, membership.committee_id, membership.group_id


def _editable(user, case_id) -> Case:
    case = _lock_case(case_id)
    if not visible_cases(user).filter(pk=case.pk).exists():
        raise not_found()
    refusal = draft_edit_refusal(user, case)
    if refusal is not None:
        raise refusal
    return case


def update_draft(user, case_id, *, cosigners: list[int] | None = None, **fields_) -> Case:
    """Edit a draft (or a case returned for revision). Editing the text asks every co-signer again."""

    def body() -> Case:
        case = _editable(user, case_id)
        changed = _apply_draft_fields(case, fields_)
        initiator = case.proposers.get(role=Proposer.Role.INITIATOR)
        added, removed, added_users = [], [], []
        if cosigners is not None:
            wanted = _check_cosigners(case.term, list(cosigners), initiator.user_id)
            current = {p.user_id: p for p in case.proposers.filter(role=Proposer.Role.COSIGNER)}
            for user_id, row in current.items():
                if user_id not in {u.pk for u in wanted}:
                    removed.append(row.user.display_name)
                    row.delete()
            order = max([p.order for p in current.values()] + [0]) + 1
            for member in wanted:
                if member.pk not in current:
                    Proposer.objects.create(case=case, user=member, role=Proposer.Role.COSIGNER, order=order)
                    order += 1
                    added.append(member.display_name)
                    added_users.append(member)
        reset = 0
        invited = list(added_users)
        if set(changed) & {"title", "facts", "suggestions", "category", "kind"}:
            answered = case.proposers.filter(role=Proposer.Role.COSIGNER).exclude(confirmation=Proposer.Confirmation.PENDING)
            invited += [row.user for row in answered.select_related("user")]
            reset = answered.update(confirmation=Proposer.Confirmation.PENDING, confirmed_at=None, confirmed_by=None)
        if not changed and not added and not removed:
            return case
        case.updated_at = _now()
        case.save()
        event = audit.record("edit_draft", actor=user, obj=case, case=case, from_state=case.status, to_state=case.status,
                             data={"changed": changed, "added": added, "removed": removed, "confirmations_reset": reset})
        draft_changed.send(sender=Case, case=case, user=user, event=event, invited=invited)
        return case

    return _guarded("edit_draft", user, case_id, body)


def save_reply_draft(user, case_id, assignment_id, **fields_) -> Reply:
    """Save the reply form without sending it (units write replies over several days)."""
    allowed = {"reply_class", "letter", "signer", "contact_person", "contact_phone", "letter_file"}

    def body() -> Reply:
        case = _lock_case(case_id)
        if not visible_cases(user).filter(pk=case.pk).exists():
            raise not_found()
        assignment = case.assignments.select_related("unit").filter(pk=assignment_id).first()
        check(get_action("reply"), user, case, assignment)
        reply = Reply.objects.draft_of(assignment) or Reply(
            assignment=assignment, case=case, round=assignment.round, created_by=user)
        for name, value in fields_.items():
            if name not in allowed:
                continue
            if name == "letter_file":
                reply.letter_file = _attachment(case, value, "letter_file", (Attachment.Purpose.REPLY_LETTER,)) if value else None
            else:
                setattr(reply, name, value or "")
        reply.updated_at = _now()
        reply.save()
        return reply

    return _guarded("save_reply_draft", user, case_id, body)
