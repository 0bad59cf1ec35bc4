"""Deadlines in Chinese working days: the return window, 国庆节 2025 with its 调休, missing years, settings."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from audit.models import AuditEvent
from core import clock
from proposals import services, settings_registry, workdays
from proposals.errors import WorkflowError
from tests.factories import CaseBuilder

D = dt.date
# 国庆节 + 中秋节 2025: Oct 1–8 off; Sun Sep 28 and Sat Oct 11 are make-up working days.
ASSIGNED = D(2025, 9, 26)  # a Friday: working days after it are Sep 28, 29, 30, Oct 9, 10, 11, …


def _assigned_case(world):
    with clock.frozen(ASSIGNED):
        b = CaseBuilder(world).assigned()
    return b, b.assignment(world.unit)


def _request_return(world, case, assignment):
    return services.perform(
        "request_return",
        world.unit_user,
        case.pk,
        {"reason": "不属于本单位职责。", "suggested_unit": world.unit3.pk},
        assignment_id=assignment.pk,
    )


@pytest.mark.parametrize("day", [D(2025, 9, 28), D(2025, 10, 10)])
def test_a_return_request_up_to_the_fifth_working_day_is_accepted(world, day):
    b, lead = _assigned_case(world)
    assert lead.return_deadline == D(2025, 10, 10)
    with clock.frozen(day):
        _request_return(world, b.case, lead)
    lead.refresh_from_db()
    assert lead.status == "return_requested"


@pytest.mark.parametrize("day", [D(2025, 10, 11), D(2025, 10, 13)])
def test_a_return_request_on_the_sixth_working_day_is_refused(world, day):
    b, lead = _assigned_case(world)
    with clock.frozen(day), pytest.raises(WorkflowError) as caught:
        _request_return(world, b.case, lead)
    assert (caught.value.kind, caught.value.code) == ("conflict", "return_window_closed")
    assert "2025年10月10日" in caught.value.message
    lead.refresh_from_db()
    assert lead.status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,n,expected",
    [
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # the make-up Sunday counts
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # the whole holiday is skipped
        (D(2025, 9, 30), 3, D(2025, 10, 11)),  # the make-up Saturday counts
        (D(2025, 9, 26), 5, D(2025, 10, 10)),
        (D(2025, 10, 1), 15, D(2025, 10, 28)),
    ],
)
def test_working_days_across_national_day_2025(start, n, expected):
    assert workdays.add_workdays(start, n) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,months,expected",
    [
        (D(2025, 7, 1), 3, D(2025, 10, 9)),  # due on the holiday: next working day
        (D(2025, 9, 5), 1, D(2025, 10, 9)),  # due on a Sunday inside the holiday
        (D(2025, 7, 11), 3, D(2025, 10, 11)),  # due on the make-up Saturday: a working day, stays
        (D(2026, 1, 7), 2, D(2026, 3, 9)),  # due on an ordinary Saturday: Monday
        (D(2025, 11, 30), 3, D(2026, 2, 28)),  # clamped to the month's end (a Saturday that is a 2026 make-up day)
    ],
)
def test_month_based_due_dates_move_off_days_off(start, months, expected):
    assert workdays.add_months(start, months) == expected


def test_the_reply_due_date_follows_the_calendar(world):
    with clock.frozen(D(2025, 7, 1)):
        b = CaseBuilder(world).assigned()
    assert b.assignment(world.unit).due_date == D(2025, 10, 9)


@pytest.mark.django_db
def test_a_year_without_calendar_data_falls_back_to_monday_to_friday_with_a_warning(caplog):
    assert 2027 not in workdays.years_with_data()
    with caplog.at_level(logging.WARNING, logger="proposals.workdays"):
        assert workdays.add_workdays(D(2027, 10, 1), 1) == D(2027, 10, 4)  # a Friday; no 国庆 known
        assert workdays.add_months(D(2027, 3, 6), 0) == D(2027, 3, 8)
    assert any("2027" in r.getMessage() for r in caplog.records)
    with clock.frozen(D(2026, 11, 29)):
        warning = workdays.calendar_warning()
    assert "2027 年" in warning and "周一至周五" in warning
    assert workdays.calendar_warning(D(2025, 6, 1)) == ""


@pytest.mark.django_db
def test_periods_crossing_into_a_missing_year_warn_too(caplog):
    with caplog.at_level(logging.WARNING, logger="proposals.workdays"):
        assert workdays.add_workdays(D(2026, 12, 30), 5) == D(2027, 1, 6)
    assert any("2027" in r.getMessage() for r in caplog.records)


def test_changing_a_setting_changes_the_periods_and_is_audited(world):
    settings_registry.set_value("return_window_workdays", 7, by=world.staff)
    settings_registry.set_value("reply_period_months", 2, by=world.staff)
    b, lead = _assigned_case(world)
    assert lead.return_deadline == D(2025, 10, 13)  # Sep 28, 29, 30, Oct 9, 10, 11, 13
    assert lead.due_date == D(2025, 11, 26)
    events = AuditEvent.objects.filter(action="settings_change").order_by("seq")
    assert [(e.actor, e.data["key"], e.data["old"], e.data["new"]) for e in events] == [
        (world.staff, "return_window_workdays", 5, 7),
        (world.staff, "reply_period_months", 3, 2),
    ]
    with clock.frozen(D(2025, 10, 13)):
        _request_return(world, b.case, lead)  # within the longer window


def test_a_setting_outside_its_range_is_refused_and_not_stored(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        settings_registry.set_value("return_window_workdays", 0, by=world.staff)
    assert settings_registry.get("return_window_workdays") == 5
    assert not AuditEvent.objects.filter(action="settings_change").exists()
