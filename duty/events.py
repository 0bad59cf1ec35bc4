"""The audit events duty writes (not case events: they go through ``audit.trail.record`` directly, as jobs and
reporting do) and the keys of each one's data, checked when written so the trail stays readable."""

from __future__ import annotations

from typing import Any, TypedDict

from audit import trail as audit


class ActivityRecorded(TypedDict):
    kind: str
    title: str
    date: str
    invited: int


class AttendanceSet(TypedDict):
    changed: dict[str, str]  # user id → new status
    report_title: str
    report_author: int | None


class Invited(TypedDict):
    added: list[int]  # user ids


class OpinionAdded(TypedDict):
    activity: int
    author: int | None


class Confirmed(TypedDict):
    activity: int
    status: str


class SelfReportSubmitted(TypedDict):
    year: int
    replaced: bool


class AssessmentRun(TypedDict):
    year: int
    method: str
    members: int
    grades: dict[str, int]
    rerun: bool


EVENTS: dict[str, Any] = {
    "duty_activity": ActivityRecorded,
    "duty_attendance": AttendanceSet,
    "duty_invite": Invited,
    "duty_opinion": OpinionAdded,
    "duty_confirm": Confirmed,
    "duty_self_report": SelfReportSubmitted,
    "duty_assess": AssessmentRun,
}


def record(action: str, data: dict[str, Any], **kwargs):
    """One audit event; its data must carry exactly the declared keys (a programming error otherwise)."""
    declared = EVENTS[action]
    keys = set(declared.__required_keys__) | set(declared.__optional_keys__)
    if set(data) - keys or set(declared.__required_keys__) - set(data):
        raise KeyError(f"{action} writes {sorted(data)}, declared {sorted(keys)}")
    return audit.record(action, data=data, **kwargs)
