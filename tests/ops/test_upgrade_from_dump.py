"""A database made by the migrations of 1 December 2026 (before the apps were split) migrates to today's
layout: the moved models keep their tables and rows, the audit chain still verifies, and the content
types (with the role groups' permissions on them) follow the models.

The dump (tests/fixtures/schema_2026-12-01_pg.sql) was written by ``pg_dump --no-owner --no-privileges``
of a database migrated to proposals 0007 holding seven cases built through the services (draft,
submitted, handling, closed, rejected, converted, return requested) and their 37 audit events.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
DUMP = ROOT / "tests" / "fixtures" / "schema_2026-12-01_pg.sql"


def _psql(*args: str, database: str = "postgres") -> subprocess.CompletedProcess:
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    cmd = [
        "psql",
        "-h",
        s.get("HOST") or "127.0.0.1",
        "-p",
        str(s.get("PORT") or 5432),
        "-U",
        s.get("USER") or "postgres",
        "-d",
        database,
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        *args,
    ]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def _scalar(database: str, sql: str) -> str:
    return _psql("-Atc", sql, database=database).stdout.strip()


@pytest.fixture
def old_database(postgres_only):
    name = f"cppcc_upgrade_{uuid.uuid4().hex[:8]}"
    _psql("-c", f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    try:
        _psql("-f", str(DUMP), database=name)
        s = connection.settings_dict
        yield (
            name,
            f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}",
        )
    finally:
        _psql("-c", f"DROP DATABASE IF EXISTS {name}")


def test_a_database_of_the_old_layout_migrates_and_keeps_its_rows_and_audit_chain(old_database):
    name, url = old_database
    before = {
        table: _scalar(name, f"SELECT count(*) FROM {table}")
        for table in ("proposals_case", "proposals_auditevent", "proposals_outboxmessage", "proposals_notification")
    }
    assert before["proposals_case"] == "7" and before["proposals_auditevent"] == "37"

    migrated = _manage(url, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    after = {table: _scalar(name, f"SELECT count(*) FROM {table}") for table in before}
    assert after == before
    verified = _manage(url, "verify_audit")
    assert verified.returncode == 0 and "共校验 37 条" in verified.stdout, verified.stdout + verified.stderr
    assert _scalar(name, "SELECT app_label FROM django_content_type WHERE model = 'auditevent'") == "audit"
    assert (
        _scalar(
            name,
            "SELECT count(*) FROM django_content_type WHERE app_label = 'proposals' "
            "AND model IN ('auditevent', 'outboxmessage', 'notification', 'reminder')",
        )
        == "0"
    )
    # The auditor's group still reads the audit trail (its permission moved with the content type).
    assert (
        _scalar(
            name,
            "SELECT count(*) FROM auth_group g JOIN auth_group_permissions gp ON gp.group_id = g.id "
            "JOIN auth_permission p ON p.id = gp.permission_id JOIN django_content_type ct "
            "ON ct.id = p.content_type_id WHERE g.name = 'auditor' AND ct.app_label = 'audit' "
            "AND p.codename = 'view_auditevent'",
        )
        == "1"
    )
    # The append-only triggers still guard the table under its old name.
    refused = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            name,
            "-c",
            "UPDATE proposals_auditevent SET action = 'forged'",
        ],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "append-only" in refused.stderr
    # And the migration is reversible to the old state of proposals.
    back = _manage(url, "migrate", "proposals", "0007", "--noinput")
    assert back.returncode == 0, back.stderr
    # (post_migrate then creates a fresh content type for the audit app, which is still installed.)
    assert "proposals" in _scalar(name, "SELECT app_label FROM django_content_type WHERE model = 'auditevent'").split()
