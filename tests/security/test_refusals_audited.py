"""Every refused workflow action leaves exactly one ``refused`` security event — through the pages
and the API alike — and nothing else changes."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from proposals.models import Case
from tests.auth_helpers import login
from tests.factories import CaseBuilder


def _client(user) -> Client:
    client = Client()
    login(client, user)
    return client


def _refusals():
    return AuditEvent.objects.filter(outcome="refused")


# (who, action, via, extra body, expected status): actor wrong, state wrong, data wrong, invisible case.
REFUSALS = [
    ("unit_user", "file", "api", {}, 403),
    ("staff", "assign", "api", {"units": []}, 409),
    ("member", "withdraw", "page", {}, 409),
    ("staff", "file", "page", {}, 403),
    ("outsider", "withdraw", "api", {"reason": "无关"}, 404),
    ("outsider", "withdraw", "page", {"reason": "无关"}, 404),
    ("unit3_user", "sign", "api", {"assignment": "lead"}, 404),
    ("unit_user", "log_contact", "api", {"assignment": "lead", "way": "phone"}, 400),
    ("unit_user", "log_contact", "page", {"assignment": "lead", "way": "phone"}, 400),
    ("member2", "rate", "api", {"assignment": "lead", "reply_rating": "satisfied"}, 409),
]


@pytest.mark.parametrize("who,action,via,body,status", REFUSALS)
def test_a_refused_action_leaves_exactly_one_refused_event(world, who, action, via, body, status):
    b = CaseBuilder(world).handling()
    lead = b.assignment(world.unit)
    user = getattr(world, who)
    client = _client(user)
    data = {k: (lead.pk if v == "lead" else v) for k, v in body.items()}
    before_refused = set(_refusals().values_list("id", flat=True))
    before_case = Case.objects.filter(pk=b.case.pk).values().get()
    successes = AuditEvent.objects.filter(outcome="success").count()
    if via == "api":
        response = client.post(f"/api/cases/{b.case.pk}/actions/{action}/", data, content_type="application/json")
    else:
        response = client.post(f"/cases/{b.case.pk}/act/{action}/", data)
    assert response.status_code == status
    new = _refusals().exclude(id__in=before_refused)
    assert new.count() == 1
    event = new.get()
    assert event.action == action and event.actor_id == user.pk
    assert Case.objects.filter(pk=b.case.pk).values().get() == before_case
    assert AuditEvent.objects.filter(outcome="success").count() == successes


def test_a_refused_draft_edit_is_audited_once(world):
    case = CaseBuilder(world).submitted().case
    client = _client(world.member)
    before = _refusals().count()
    response = client.patch(f"/api/cases/{case.pk}/", {"title": "改"}, content_type="application/json")
    assert response.status_code == 409
    assert _refusals().count() == before + 1
