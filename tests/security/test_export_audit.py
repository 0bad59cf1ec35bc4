"""export_audit appends the audit trail as JSON lines, continuing where the file ends."""

import io
import json

import pytest
from django.core.management import call_command

from audit import trail as audit
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def lines_of(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_it_appends_each_event_once_however_often_it_runs(world, tmp_path):
    target = tmp_path / "audit.jsonl"
    for n in range(3):
        audit.record("login", actor=world.member, data={"n": n}, ip="10.0.0.1")
    call_command("export_audit", "--output", str(target), stderr=io.StringIO())
    call_command("export_audit", "--output", str(target), stderr=io.StringIO())
    audit.record("logout", actor=world.member)
    call_command("export_audit", "--output", str(target), stderr=io.StringIO())

    exported = lines_of(target)
    assert [e["seq"] for e in exported] == list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert exported[-1]["action"] == "logout"
    # The chain can be re-checked from the shipped lines alone.
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in zip(exported, exported[1:]))
    login = next(e for e in exported if e["action"] == "login")
    assert login["actor_label"] == world.member.username and login["ip"] == "10.0.0.1"


def test_since_seq_skips_what_was_already_shipped(world):
    first = audit.record("login", actor=world.member)
    audit.record("logout", actor=world.member)
    out = io.StringIO()
    call_command("export_audit", "--since-seq", str(first.seq), stdout=out)
    assert [json.loads(line)["action"] for line in out.getvalue().splitlines()] == ["logout"]
