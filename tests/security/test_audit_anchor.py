"""The audit chain proves what it claims (issue 20 item 3): keyed with an HMAC from the environment,
checkpointed outside the database, and verified against the checkpoints — so someone with the
database credentials (even the table owner, triggers disabled) but not the key cannot append,
rewrite or truncate undetected. Rows from before the key keep verifying."""

import hashlib
import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit import trail as audit
from audit.db_triggers import TABLE, create_audit_triggers, drop_audit_triggers
from audit.models import AuditEvent
from core import clock
from tests.security.test_deploy_check import production_env, run_deploy_check

pytestmark = pytest.mark.django_db


def as_table_owner(*statements: tuple[str, list]) -> None:
    """What the owner can do: switch the append-only triggers off (PostgreSQL: ALTER TABLE … DISABLE
    TRIGGER, as the migrations' owner role; SQLite: drop them), change rows, switch them back on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts' deferred FK checks
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_no_update")
        else:
            drop_audit_triggers(connection)
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_no_update")
            else:
                create_audit_triggers(connection)


def events(n: int) -> list[AuditEvent]:
    return [audit.record("test_event", actor_label="tester", data={"n": i}) for i in range(n)]


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def legacy_row(seq: int, prev: str, **fields) -> AuditEvent:
    """A row as written before the chain was keyed: plain SHA-256, no key id."""
    event = AuditEvent(
        seq=seq, at=clock.now(), actor_label="legacy", action="login", data={}, prev_hash=prev, key_id="", **fields
    )
    event.hash = audit.compute_hash(event)
    assert event.hash == hashlib.sha256(audit._raw(audit._payload(event))).hexdigest()
    event.save(force_insert=True)
    return event


def test_rows_written_before_the_key_keep_verifying_and_the_chain_continues_keyed():
    first = legacy_row(1, audit.GENESIS)
    legacy_row(2, first.hash)
    new = events(2)
    assert all(e.key_id == "k1" for e in new) and new[0].prev_hash == AuditEvent.objects.get(seq=2).hash
    report = audit.verify_chain()
    assert report.ok and report.checked == 4


def test_an_unkeyed_row_after_keyed_ones_is_a_forgery():
    events(2)
    last = AuditEvent.objects.order_by("-seq").first()
    legacy_row(3, last.hash)  # what someone with only the database credentials can compute
    report = audit.verify_chain()
    assert (report.ok, report.first_break) == (False, 3)


def test_an_event_appended_with_a_guessed_key_fails(settings):
    events(2)
    settings.AUDIT_HMAC_KEY = "the-attackers-guess-of-the-key-000000"
    audit.record("forged", actor_label="intruder")  # inserted as the application role would
    settings.AUDIT_HMAC_KEY = settings.AUDIT_HMAC_DEV_KEY
    report = audit.verify_chain()
    assert (report.ok, report.first_break) == (False, 3) and "哈希" in report.reason


def test_the_tail_truncated_by_the_table_owner_fails_against_the_checkpoint(caplog):
    events(5)
    with caplog.at_level(logging.INFO, logger="audit.checkpoint"):
        assert "审计链完好：共校验 5 条" in verify()
    logged = [r.getMessage() for r in caplog.records if r.name == "audit.checkpoint"]
    assert logged and '"seq": 5' in logged[0]
    events(2)
    as_table_owner((f"DELETE FROM {TABLE} WHERE seq >= %s", [5]))
    assert audit.verify_chain().ok  # the rows left are self-consistent…
    with pytest.raises(CommandError, match="截断"):
        verify()  # …but the checkpoint remembers seq 5


def test_a_middle_event_rewritten_and_the_rest_rehashed_by_the_owner_fails():
    events(6)
    verify()
    rows = list(AuditEvent.objects.order_by("seq"))
    rows[2].data = {"n": "forged"}
    statements = []
    prev = rows[1].hash
    for row in rows[2:]:  # re-link the whole tail, as a careful forger would — without the key
        row.prev_hash = prev
        row.key_id = ""
        row.hash = prev = audit.compute_hash(row)
        statements.append(
            (
                f"UPDATE {TABLE} SET data = %s, prev_hash = %s, hash = %s, key_id = '' WHERE seq = %s",
                [json.dumps(row.data), row.prev_hash, row.hash, row.seq],
            )
        )
    as_table_owner(*statements)
    with pytest.raises(CommandError, match="第 3 条"):
        verify()


def test_a_rehash_that_would_pass_the_chain_still_fails_the_checkpoint(settings):
    """Even a forger who somehow re-keys the chain (here: with the real key, as the worst case) is
    caught when the rewritten rows include a checkpointed one."""
    events(4)
    verify()
    rows = list(AuditEvent.objects.order_by("seq"))
    rows[1].data = {"n": "forged"}
    statements, prev = [], rows[0].hash
    for row in rows[1:]:
        row.prev_hash = prev
        row.hash = prev = audit.compute_hash(row)
        statements.append(
            (
                f"UPDATE {TABLE} SET data = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [json.dumps(row.data), row.prev_hash, row.hash, row.seq],
            )
        )
    as_table_owner(*statements)
    assert audit.verify_chain().ok
    with pytest.raises(CommandError, match="检查点"):
        verify()


def test_an_edited_checkpoint_file_is_refused():
    events(3)
    verify()
    path = audit.checkpoint_path()
    row = json.loads(path.read_text().splitlines()[-1])
    row["seq"] = 2
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(CommandError, match="校验码"):
        verify()


def test_keys_rotate_with_the_old_key_kept_for_verifying(settings):
    events(2)
    old_key = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_KEY_ID = "a-new-key-after-rotation-0123456789abcdef", "k2"
    settings.AUDIT_HMAC_OLD_KEYS = {"k1": old_key}
    events(2)
    assert [e.key_id for e in AuditEvent.objects.order_by("seq")] == ["k1", "k1", "k2", "k2"]
    assert "共校验 4 条" in verify()
    settings.AUDIT_HMAC_OLD_KEYS = {}
    report = audit.verify_chain()
    assert (report.ok, report.first_break) == (False, 1) and "密钥" in report.reason


def test_the_deploy_check_refuses_a_missing_or_development_key(tmp_path, settings):
    env = production_env(tmp_path)
    env.pop("AUDIT_HMAC_KEY")
    result = run_deploy_check(env)
    assert result.returncode != 0 and "audit.E001" in result.stdout + result.stderr
    result = run_deploy_check(production_env(tmp_path, AUDIT_HMAC_KEY=settings.AUDIT_HMAC_DEV_KEY))
    assert result.returncode != 0 and "audit.E001" in result.stdout + result.stderr
