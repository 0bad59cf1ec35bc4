"""催办: staff remind a unit of an assignment that still owes its step (the 逾期督办 board).

Not a workflow action: it moves no state. One audit event (``urge``) per reminder; the notifications
app sends it to the unit's contacts through the ``assignment_urged`` signal, inside the same
transaction (a refused reminder sends nothing).
"""

from __future__ import annotations

from django.db.models import Max
from django.dispatch import Signal

from audit import trail as audit
from audit.models import AuditEvent

from .. import payloads
from ..access import is_staff, visible_cases
from ..errors import conflict, forbidden, not_found
from ..models import Assignment
from ..models.handling import HANDLING_CASE_STATES, OWING_STATES
from .runner import _guarded, _lock_case

# kwargs: assignment, user, event. notifications.rules sends the reminder.
assignment_urged = Signal()


def urge(user, case_id, assignment_id) -> AuditEvent:
    def body() -> AuditEvent:
        case = _lock_case(case_id)
        if not visible_cases(user).filter(pk=case.pk).exists():
            raise not_found()
        if not is_staff(user):
            raise forbidden("not_staff", "只有提案委可以催办。")
        assignment = case.assignments.select_related("unit").filter(pk=assignment_id).first()
        if assignment is None:
            raise not_found("assignment_not_found", "未找到该交办记录。")
        if assignment.status not in OWING_STATES or case.status not in HANDLING_CASE_STATES:
            raise conflict("nothing_owed", "该单位已答复或不再办理此件，无需催办。")
        due = assignment.step_due
        data = {"assignment": assignment.pk, "unit": assignment.unit.name, "due": due.isoformat() if due else ""}
        payloads.check_written("urge", data)
        event = audit.record("urge", actor=user, obj=assignment, case=case, data=data)
        assignment_urged.send(sender=Assignment, assignment=assignment, user=user, event=event)
        return event

    return _guarded("urge", user, case_id, body)


def last_urged(assignment_ids) -> dict[int, object]:
    """assignment id → when it was last urged (for the board)."""
    rows = (
        AuditEvent.objects.filter(
            action="urge",
            outcome=AuditEvent.Outcome.SUCCESS,
            object_type=Assignment._meta.model_name,
            object_id__in=[str(i) for i in assignment_ids],
        )
        .values("object_id")
        .annotate(last=Max("at"))
    )
    return {int(r["object_id"]): r["last"] for r in rows}
