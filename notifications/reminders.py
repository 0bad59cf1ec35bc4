"""Deadline reminders, sent daily by ``manage.py send_reminders``.

Four deadlines are watched: a unit's sign-for (return) window, a co-handler's views period,
a reply's due date and a case's rating window. Each is "near" when it is at most
``reminder_days_before`` working days away (the Chinese calendar: holidays and 调休 count
as they fall) and "past" once it has gone by. Each (kind, phase, object, deadline) is sent
once: the Reminder row with that unique key is inserted in the same transaction as the
notices, so a second run, or a second server running at the same moment, finds the key taken
and sends nothing. A changed deadline (an extension) is a new key, hence a new reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from core import clock
from members.models import User
from notifications import outbox, sms_templates
from notifications import rules as notifications
from notifications.models import Reminder
from proposals import settings_registry, workdays
from proposals.models import Assignment, AssignmentRole, AssignmentStatus, Case, Status
from proposals.workflow import IN_HANDLING, REPLYING_ROLES, ratings_outstanding

NEAR, PAST = "near", "past"


@dataclass(frozen=True)
class Due:
    kind: str
    phase: str
    case: Case
    deadline: dt.date
    title: str
    recipients: Callable[[], Iterable[User]]
    object_id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.phase}:{self.object_id}:{self.deadline.isoformat()}"


def phase(today: dt.date, deadline: dt.date, days_before: int) -> str | None:
    if today > deadline:
        return PAST
    if days_before > 0 and workdays.workdays_between(today, deadline) <= days_before:
        return NEAR
    return None


def _contacts(assignment: Assignment) -> list[User]:
    return list(assignment.unit.contacts.filter(is_active=True))


def _staff() -> list[User]:
    return list(notifications.staff(None))


def _lead_contacts(case: Case) -> list[User]:
    return [u for a in notifications.live_assignments(case).filter(role=AssignmentRole.LEAD) for u in _contacts(a)]


def _when(day: dt.date) -> str:
    return f"{day:%Y年%m月%d日}"


def find(today: dt.date) -> list[Due]:
    n = settings_registry.get("reminder_days_before")
    found: list[Due] = []
    live = Assignment.objects.filter(case__status__in=IN_HANDLING, replaced_by__isnull=True).select_related(
        "unit", "case"
    )

    deemed = settings_registry.get("deemed_signed_enabled")
    for a in live.filter(status=AssignmentStatus.PENDING):
        p = phase(today, a.return_deadline, n)
        if p == NEAR:
            found.append(
                Due(
                    "sign_window",
                    p,
                    a.case,
                    a.return_deadline,
                    f"请于 {_when(a.return_deadline)} 前签收或申请退回：“{a.case.title}”",
                    lambda a=a: _contacts(a),
                    a.pk,
                )
            )
        elif p == PAST and not deemed:  # with deemed signing on, deem_signed signs these instead
            found.append(
                Due(
                    "sign_window",
                    p,
                    a.case,
                    a.return_deadline,
                    f"{a.unit.name}逾期未签收“{a.case.title}”（签收期限 {_when(a.return_deadline)}）",
                    lambda a=a: _contacts(a) + _staff(),
                    a.pk,
                )
            )

    for a in live.filter(status=AssignmentStatus.SIGNED, role=AssignmentRole.CO, views_due__isnull=False):
        p = phase(today, a.views_due, n)
        if p == NEAR:
            found.append(
                Due(
                    "co_views",
                    p,
                    a.case,
                    a.views_due,
                    f"请于 {_when(a.views_due)} 前向主办单位送达会办意见：“{a.case.title}”",
                    lambda a=a: _contacts(a),
                    a.pk,
                )
            )
        elif p == PAST:
            found.append(
                Due(
                    "co_views",
                    p,
                    a.case,
                    a.views_due,
                    f"{a.unit.name}的会办意见已逾期（期限 {_when(a.views_due)}）：“{a.case.title}”",
                    lambda a=a: _contacts(a) + _lead_contacts(a.case),
                    a.pk,
                )
            )

    for a in live.filter(status=AssignmentStatus.SIGNED, role__in=REPLYING_ROLES):
        p = phase(today, a.due_date, n)
        if p == NEAR:
            found.append(
                Due(
                    "reply_due",
                    p,
                    a.case,
                    a.due_date,
                    f"请于 {_when(a.due_date)} 前答复：“{a.case.title}”",
                    lambda a=a: _contacts(a),
                    a.pk,
                )
            )
        elif p == PAST:
            found.append(
                Due(
                    "reply_due",
                    p,
                    a.case,
                    a.due_date,
                    f"{a.unit.name}答复已逾期（期限 {_when(a.due_date)}）：“{a.case.title}”",
                    lambda a=a: _contacts(a) + _staff(),
                    a.pk,
                )
            )

    for case in Case.objects.filter(status=Status.REPLIED, rating_deadline__isnull=False):
        p = phase(today, case.rating_deadline, n)
        if p == NEAR:
            found.append(
                Due(
                    "rating_window",
                    p,
                    case,
                    case.rating_deadline,
                    f"请于 {_when(case.rating_deadline)} 前对“{case.title}”的答复作出评价",
                    lambda case=case: [proposer.user for proposer, _ in ratings_outstanding(case)],
                    case.pk,
                )
            )
        elif p == PAST:
            found.append(
                Due(
                    "rating_window",
                    p,
                    case,
                    case.rating_deadline,
                    f"“{case.title}”评价期限已过（{_when(case.rating_deadline)}），可以办结",
                    _staff,
                    case.pk,
                )
            )
    return found


def send(today: dt.date | None = None) -> list[str]:
    """Send every due reminder not sent before; returns one line per reminder sent."""
    today = today or clock.today()
    lines: list[str] = []
    for due in find(today):
        if Reminder.objects.filter(key=due.key).exists():
            continue
        users = list({u.pk: u for u in due.recipients()}.values())
        if not users:
            continue
        try:
            with transaction.atomic():
                # The claim: a concurrent run inserting the same key waits for us, then fails here.
                Reminder.objects.create(
                    key=due.key, kind=due.kind, case=due.case, due=due.deadline, created_at=clock.now()
                )
                ids = notifications.write(
                    users,
                    kind="reminder",
                    case=due.case,
                    title=due.title,
                    link=notifications.case_link(due.case.pk),
                    key=f"rem:{due.key}",
                    sms_params=sms_templates.params_for_reminder(due),
                )
                outbox.deliver_after_commit(ids)
        except IntegrityError:
            continue
        lines.append(f"{due.title} → {'、'.join(u.display_name for u in users)}")
    return lines
