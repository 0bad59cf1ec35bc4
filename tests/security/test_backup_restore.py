"""Backup → restore into a fresh database gives the same rows per table and the same audit chain."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from core import clock
from ops.backup import current_facts, database_facts, postgres_tables, sha256_of, sqlite_tables
from tests.factories import CaseBuilder, upload
from tests.web.test_crawl import DAY

ROOT = Path(__file__).resolve().parents[2]
RESTORE_DB = "cppcc_seca_restore"


@pytest.fixture
def filled(transactional_db, world, settings, tmp_path):
    """Committed data (pg_dump sees only committed rows) and uploads in a media root of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with clock.frozen(DAY):
        closed = CaseBuilder(world, title="关于加快先进制造业高质量发展的提案").closed()
        upload(closed.case, world.staff)
        CaseBuilder(world, title="关于车站棚户区改造的提案").assigned()
    return world


@pytest.fixture
def fresh_target(tmp_path):
    """(DATABASE_URL, facts-reader) of an empty database of the same vendor."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def facts():
            with sqlite3.connect(path) as db:
                cursor = db.cursor()
                return database_facts(cursor, sqlite_tables(cursor))

        yield f"sqlite:///{path}", facts
        return
    import psycopg2

    params = connection.settings_dict
    server = dict(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
    )

    def admin(sql: str):
        conn = psycopg2.connect(dbname="postgres", **server)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
        conn.close()

    admin(f"DROP DATABASE IF EXISTS {RESTORE_DB}")
    admin(f"CREATE DATABASE {RESTORE_DB} ENCODING 'UTF8' TEMPLATE template0")

    def facts():
        conn = psycopg2.connect(dbname=RESTORE_DB, **server)
        try:
            with conn.cursor() as cursor:
                return database_facts(cursor, postgres_tables(cursor))
        finally:
            conn.close()

    auth = f"{server['user']}:{server['password']}@" if server["password"] else f"{server['user']}@"
    yield f"postgres://{auth}{server['host']}:{server['port']}/{RESTORE_DB}", facts
    admin(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)")


def restore(archive: Path, database_url: str, media: Path, *extra: str, key: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=database_url, MEDIA_ROOT=str(media), BACKUP_KEY=key)
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def backup(tmp_path: Path, *extra: str) -> Path:
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), *extra, stdout=out)
    return Path(out.getvalue().strip())


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def test_a_restore_into_a_fresh_database_has_the_same_rows_and_audit_chain(filled, fresh_target, tmp_path, settings):
    database_url, restored_facts = fresh_target
    before = current_facts()
    archive = backup(tmp_path)
    assert Path(f"{archive}.sha256").read_text().split() == [sha256_of(archive), archive.name]

    manifest = manifest_of(archive)
    assert manifest["vendor"] == connection.vendor
    assert manifest["row_counts"] == before["row_counts"]
    assert manifest["audit_head"] == before["audit_head"] and before["audit_head"]["seq"] > 10
    assert manifest["row_counts"]["proposals_case"] == 2
    assert any(name.startswith("media/") for name in manifest["members"])
    assert "proposals.0001_initial" in manifest["migrations"]

    media = tmp_path / "restored-media"
    result = restore(archive, database_url, media)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "恢复完成，校验通过" in result.stdout

    after = restored_facts()
    assert after["row_counts"] == before["row_counts"]
    assert after["audit_head"] == before["audit_head"]
    assert after["migrations"] == before["migrations"]
    originals = {
        p.relative_to(settings.MEDIA_ROOT): p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()
    }
    copies = {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert copies == originals and originals

    again = restore(archive, database_url, tmp_path / "media-2")
    assert again.returncode != 0
    assert "目标数据库不是空的" in again.stderr


def test_an_encrypted_backup_needs_the_key(filled, fresh_target, tmp_path, settings):
    database_url, restored_facts = fresh_target
    settings.BACKUP_KEY = Fernet.generate_key().decode()
    archive = backup(tmp_path, "--encrypt")
    assert archive.name.endswith(".tar.gz.enc")
    assert not tarfile.is_tarfile(archive)

    wrong = restore(archive, database_url, tmp_path / "m", "--decrypt", key=Fernet.generate_key().decode())
    assert wrong.returncode != 0 and "解密失败" in wrong.stderr
    right = restore(archive, database_url, tmp_path / "m", "--decrypt", key=settings.BACKUP_KEY)
    assert right.returncode == 0, right.stdout + right.stderr
    assert restored_facts()["audit_head"] == current_facts()["audit_head"]


def test_a_tampered_archive_is_refused(filled, fresh_target, tmp_path):
    database_url, _ = fresh_target
    archive = backup(tmp_path)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    result = restore(archive, database_url, tmp_path / "m")
    assert result.returncode != 0
    assert "校验失败" in result.stderr
