"""The one runner of workflow actions (``perform``), the handler registry, and the helpers the stage
modules share.

``perform()`` opens one transaction, locks the case row, runs the table's checks (visibility 404,
actor 403, state 409), validates the data (400), runs the action's handler, applies the table's
moves (case ``to_state``, the named assignment's ``assignment_to``, then workflow.AUTO_MOVES), writes
exactly one audit event and commits. A refusal rolls everything back and is then recorded, in its own
transaction, as one ``refused`` security event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.dispatch import Signal

from audit import trail as audit
from audit.models import AuditEvent
from core import clock
from members.models import Session, Unit, User

from .. import payloads, settings_registry, workdays
from ..access import visible_cases
from ..action_forms import action_form_class
from ..errors import WorkflowError, conflict, invalid, not_found
from ..models import (
    Assignment,
    Attachment,
    Case,
    NumberSequence,
    Proposer,
)
from ..workflow import (
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


# One form class per action definition, built on first use (a form copies its class's fields anyway).
_FORM_CLASSES: dict[str, tuple[ActionDef, type]] = {}


def _form_class(action: ActionDef) -> type:
    cached = _FORM_CLASSES.get(action.name)
    if cached is None or cached[0] is not action:
        cached = _FORM_CLASSES[action.name] = (action, action_form_class(action))
    return cached[1]


def _validate(action: ActionDef, data: dict | None) -> dict:
    form = _form_class(action)(data=data or {})
    if form.is_valid():
        return form.cleaned_data
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    first_field, first_messages = next(iter(errors.items()))
    label = next((f.label for f in action.fields if f.name == first_field), first_field)
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


T = TypeVar("T")


def _guarded(action_name: str, user, case_id, body: Callable[[], T]) -> T:
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
        before = _field_values(case)
        outcome = HANDLERS[action.name](ctx, cleaned) or Outcome()
        if action.to_state:
            case.status = action.to_state
        if action.assignment_to and assignment is not None:
            # The table, not the handler, moves the named assignment.
            assignment.status = action.assignment_to
            assignment.save()
        auto_moves = _apply_automatic_moves(case)
        case.updated_at = clock.now()
        # Only what the action changed: a smaller UPDATE, and the similar-case index (assist, on
        # post_save) is not consulted when no text field moved.
        case.save(update_fields=_changed_fields(case, before))
        event_data = dict(outcome.data)
        if assignment is not None:
            event_data.setdefault("assignment", assignment.pk)
            event_data.setdefault("unit", assignment.unit.name)
            if case.status != case_from:
                event_data["case_status"] = [case_from, case.status]
        if auto_moves:
            event_data["auto_moves"] = auto_moves
        payloads.check_written(action.name, event_data)
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


def _field_values(case: Case) -> dict[str, Any]:
    """The loaded scalar fields of ``case`` (a deferred one, never loaded, cannot have been changed
    without being set: it then shows up in ``case.__dict__``)."""
    loaded = case.__dict__
    return {f.attname: loaded[f.attname] for f in _SCALAR_FIELDS if f.attname in loaded}


def _changed_fields(case: Case, before: dict[str, Any]) -> list[str]:
    """The fields of ``case`` that differ from ``before``, with updated_at and every field whose value
    may have been changed in place (JSON) — those are always written."""
    now = case.__dict__
    changed = [
        f.name
        for f in _SCALAR_FIELDS
        if f.attname in now and (f.attname not in before or now[f.attname] != before[f.attname])
    ]
    return [*changed, *_ALWAYS_WRITTEN]


# A JSON value can be changed in place, so comparing it with its earlier self proves nothing.
_ALWAYS_WRITTEN = ["updated_at", *(f.name for f in Case._meta.concrete_fields if f.get_internal_type() == "JSONField")]
_SCALAR_FIELDS = [f for f in Case._meta.concrete_fields if not f.primary_key and f.name not in _ALWAYS_WRITTEN]


_AUTO_MOVE_STATES = frozenset().union(*(move.states for move in AUTO_MOVES))


def _apply_automatic_moves(case: Case) -> list[str]:
    """Apply workflow.AUTO_MOVES until none applies; the names of those applied, for the audit event."""
    applied: list[str] = []
    live: list[Assignment] | None = None
    for _ in range(len(AUTO_MOVES) + 1):
        if case.status not in _AUTO_MOVE_STATES:
            return applied  # no automatic move starts here: the assignments need not be read
        if live is None:
            live = [a for a in Assignment.objects.filter(case=case) if a.is_live]
        move = automatic_move(case, live)
        if move is None:
            return applied
        case.status = move.to_state
        if move.effect:
            move.effect(case)
            live = None  # an effect may change the assignments: read them again
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
        raise invalid(
            "attachment_not_found", "所选文件不属于本提案，请先上传。", {field_name: ["所选文件不属于本提案。"]}
        )
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
    if case.session is not None:
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
