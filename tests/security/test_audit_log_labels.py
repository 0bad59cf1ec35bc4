"""The auditor reads the log in Chinese: every event the code base writes has a registered name, the page
shows it beside the code, and 事件 filters by either."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from audit import labels
from audit import trail as audit
from members.models import AdminRole, role_group
from tests.auth_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("audit", "members", "proposals", "assist", "jobs", "notifications", "duty", "reporting", "imports", "ops")
# A literal event code handed to the audit trail: record("login", …), trail.record("x", …), _audit(user, "x", …).
WRITES = re.compile(r'(?:\brecord|_audit)\(\s*(?:[a-z_.]+,\s*)?"([a-z_]+)"')


def codes_written() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= set(WRITES.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_event_the_code_writes_has_a_chinese_name():
    written = codes_written()
    assert {"login", "urge", "export", "duty_assess", "synonym_group_created"} <= written  # the scan finds them
    unnamed = sorted(code for code in written if labels.label(code) == code)
    assert not unnamed, f"register a Chinese name for these audit events (audit.labels.register): {unnamed}"


def test_every_workflow_action_has_its_table_label():
    from proposals.workflow import ACTIONS

    assert all(labels.label(name) == action.label for name, action in ACTIONS.items())


@pytest.fixture
def auditor(client):
    user = UserFactory(username="auditor", is_staff=True)
    user.groups.add(role_group(AdminRole.AUDITOR))
    login(client, user)
    return user


def test_the_log_shows_the_name_beside_the_code_and_filters_by_the_name(client, auditor):
    audit.record("urge", actor=auditor, object_type="assignment", object_id=1)
    audit.record("synonym_group_deleted", actor=auditor, object_type="synonymgroup", object_id=2)

    page = client.get(reverse("audit:audit_log")).content.decode()
    assert "催办" in page and "删除同义词组" in page and "urge" in page

    by_name = client.get(reverse("audit:audit_log"), {"action": "催办"}).content.decode()
    assert "催办" in by_name and "删除同义词组" not in by_name
    by_code = client.get(reverse("audit:audit_log"), {"action": "synonym_group_deleted"}).content.decode()
    assert "删除同义词组" in by_code and "催办" not in by_code.split("<tbody")[-1]
