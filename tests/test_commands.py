"""The scheduled commands: deem_signed (idempotent, safe on several servers) and verify_audit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.db_triggers import create_audit_triggers, drop_audit_triggers
from audit.models import AuditEvent
from core import clock
from proposals import services, settings_registry
from proposals.models import Assignment
from tests.factories import CaseBuilder

T0 = dt.date(2026, 3, 2)
LATER = dt.date(2026, 3, 20)  # past the 5-working-day return window of cases assigned on T0


def _run(name: str, when: dt.date = LATER) -> str:
    out = io.StringIO()
    with clock.frozen(when):
        call_command(name, stdout=out)
    return out.getvalue()


def _assigned(world, n: int = 2) -> list[CaseBuilder]:
    with clock.frozen(T0):
        return [CaseBuilder(world, cosign=False).assigned() for _ in range(n)]


def test_deem_signed_signs_overdue_assignments_as_the_system_and_a_second_run_changes_nothing(world):
    builders = _assigned(world)
    output = _run("deem_signed")
    assert "共视为签收 4 条" in output
    assert all(b.refresh().status == "handling" for b in builders)
    events = AuditEvent.objects.filter(action="deem_signed", outcome="success")
    assert events.count() == 4
    assert {(e.actor_id, e.actor_label, e.from_state, e.to_state) for e in events} == {
        (None, "system", "pending", "signed")
    }
    rows = list(Assignment.objects.order_by("id").values())
    audit_count = AuditEvent.objects.count()
    output = _run("deem_signed", LATER + dt.timedelta(days=3))
    assert "共视为签收 0 条，跳过 0 条" in output
    assert list(Assignment.objects.order_by("id").values()) == rows
    assert AuditEvent.objects.count() == audit_count


def test_deem_signed_leaves_assignments_within_their_window_and_those_already_answered(world):
    builders = _assigned(world, 1)
    b = builders[0]
    with clock.frozen(T0):
        b.act("sign", world.unit2_user, assignment=b.assignment(world.unit2))
        b.act(
            "request_return",
            world.unit_user,
            {"reason": "不属于本单位职责。", "suggested_unit": world.unit3.pk},
            assignment=b.assignment(world.unit),
        )
    assert "共视为签收 0 条" in _run("deem_signed")
    assert b.assignment(world.unit).status == "return_requested"
    fresh = _assigned(world, 1)[0]
    assert "共视为签收 0 条" in _run("deem_signed", T0 + dt.timedelta(days=1))
    assert fresh.refresh().status == "assigned"


def test_deem_signed_does_nothing_when_the_setting_is_off(world):
    builders = _assigned(world, 1)
    settings_registry.set_value("deemed_signed_enabled", False)
    assert "已关闭" in _run("deem_signed")
    assert builders[0].refresh().status == "assigned"


def test_deem_signed_skips_an_assignment_another_server_got_first(world, monkeypatch):
    builders = _assigned(world, 1)
    lead = builders[0].assignment(world.unit)
    original = services.perform

    def racing_perform(action, user, case_id, data=None, *, assignment_id=None):
        if assignment_id == lead.pk:  # another server deems it signed between our query and our turn
            original(action, user, case_id, data, assignment_id=assignment_id)
        return original(action, user, case_id, data, assignment_id=assignment_id)

    monkeypatch.setattr(services, "perform", racing_perform)
    output = _run("deem_signed")
    assert "共视为签收 1 条，跳过 1 条" in output  # ours: the co-handler; the lead went to the other server
    assert builders[0].refresh().status == "handling"
    assert AuditEvent.objects.filter(action="deem_signed", outcome="success").count() == 2
    refused = AuditEvent.objects.get(action="deem_signed", outcome="refused")
    assert refused.data["kind"] == "conflict"


def test_verify_audit_reports_the_count_when_the_chain_is_whole(world):
    _assigned(world, 1)
    output = _run("verify_audit")
    assert f"共校验 {AuditEvent.objects.count()} 条" in output


def test_verify_audit_exits_non_zero_at_the_first_break(world):
    _assigned(world, 1)
    drop_audit_triggers(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET action = 'tampered' WHERE seq = 3")
    finally:
        create_audit_triggers(connection)
    with pytest.raises(CommandError, match="第 3 条断开") as caught:
        _run("verify_audit")
    assert caught.value.returncode == 1
