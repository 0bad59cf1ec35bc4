"""The audit trail is append-only (ORM, bulk paths, raw SQL, admin) and its hash chain verifies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from audit import trail as audit
from audit.db_triggers import create_audit_triggers, drop_audit_triggers
from audit.models import AuditEvent
from core import clock
from tests.factories import CaseBuilder

T0 = dt.date(2026, 3, 2)
TABLE = AuditEvent._meta.db_table


@pytest.fixture
def flow(world):
    with clock.frozen(T0):
        return CaseBuilder(world).handling()


def _one() -> AuditEvent:
    return AuditEvent.objects.order_by("seq")[2]


def _unchanged(event: AuditEvent) -> None:
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert (fresh.action, fresh.data, fresh.hash) == (event.action, event.data, event.hash)


def test_the_orm_refuses_to_save_a_changed_event(flow):
    event = _one()
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    _unchanged(AuditEvent.objects.get(pk=event.pk))


def test_the_orm_refuses_to_delete_an_event(flow):
    event = _one()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_queryset_bulk_paths_refuse(flow, operation):
    before = AuditEvent.objects.count()
    qs = AuditEvent.objects.filter(seq__lte=3)
    with pytest.raises(PermissionError):
        qs.update(action="tampered") if operation == "update" else qs.delete()
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="tampered").exists()


@pytest.mark.parametrize("operation", ["update", "delete"])
def test_the_database_refuses_bulk_writes_that_bypass_the_manager(flow, operation):
    # The base manager has none of the model's protections: only the triggers stand in the way.
    qs = AuditEvent._base_manager.filter(seq__lte=3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        qs.update(action="tampered") if operation == "update" else qs.delete()
    assert AuditEvent.objects.filter(seq__lte=3).count() == 3
    assert audit.verify_chain().ok


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET action = 'tampered' WHERE seq = 2",
        f"UPDATE {TABLE} SET data = '{{}}'",
        f"DELETE FROM {TABLE} WHERE seq = 2",
        f"DELETE FROM {TABLE}",
    ],
)
def test_raw_sql_cannot_change_or_delete_events(flow, sql):
    before = list(AuditEvent.objects.values_list("seq", "hash"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert list(AuditEvent.objects.values_list("seq", "hash")) == before


def test_the_admin_offers_no_add_change_or_delete(flow, admin_client, admin_user):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = admin_user  # a superuser: the admin class itself says no
    event = _one()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200  # view only
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "tampered"}).status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(
        "/admin/audit/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    _unchanged(event)


def test_the_chain_verifies_after_a_flow_with_refusals(flow, world):
    from proposals import services
    from proposals.errors import WorkflowError

    with pytest.raises(WorkflowError):
        services.perform("file", world.member, flow.case.pk)
    report = audit.verify_chain()
    assert report.ok, report
    assert report.checked == AuditEvent.objects.count() >= 8
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))


def _with_triggers_dropped(sql: str, params=()) -> None:
    drop_audit_triggers(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        create_audit_triggers(connection)


def test_verify_chain_finds_a_row_tampered_with_while_the_triggers_were_dropped(flow):
    target = AuditEvent.objects.get(seq=4)
    _with_triggers_dropped(f"UPDATE {TABLE} SET to_state = %s WHERE seq = 4", ["closed"])
    report = audit.verify_chain()
    assert (report.ok, report.first_break, report.checked) == (False, 4, 3)
    assert "哈希" in report.reason
    assert AuditEvent.objects.get(seq=4).hash == target.hash  # the stored hash no longer fits the row
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 4")  # the triggers are back


def test_verify_chain_finds_a_deleted_row(flow):
    _with_triggers_dropped(f"DELETE FROM {TABLE} WHERE seq = 5")
    report = audit.verify_chain()
    assert (report.ok, report.first_break) == (False, 5)


def test_verify_chain_finds_a_rehashed_row_by_its_broken_link(flow):
    event = AuditEvent.objects.get(seq=3)
    event.data = {"forged": True}
    forged = audit.compute_hash(event)
    _with_triggers_dropped(f"UPDATE {TABLE} SET data = %s, hash = %s WHERE seq = 3", ['{"forged": true}', forged])
    report = audit.verify_chain()
    assert (report.ok, report.first_break) == (False, 4)
