"""Backup and restore of the database and the uploaded files as one checksummed archive.

Archive layout (tar.gz, optionally Fernet-encrypted as a whole):
    manifest.json   created_at, vendor, applied migrations, row counts, audit chain head, member SHA-256s
    db.dump         PostgreSQL: pg_dump --format=custom --no-owner
    db.sqlite3      SQLite: a copy made with the online backup API
    media/...       MEDIA_ROOT

The manifest's counts and audit head describe exactly what the dump holds: on PostgreSQL they are
read in the REPEATABLE READ snapshot that pg_dump is given (--snapshot), on SQLite from the copy.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

AUDIT_TABLE = "proposals_auditevent"
MANIFEST = "manifest.json"
PG_DUMP_FILE = "db.dump"
SQLITE_FILE = "db.sqlite3"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_binary(name: str) -> str:
    """The newest installed client: pg_dump refuses a server newer than itself."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（postgresql-client）。")
    return found


def pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq environment for the pg_* tools, so no password appears on a command line."""
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


# --- Facts about a database, read through any DB-API cursor ---------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_facts(cursor, tables: list[str]) -> dict[str, Any]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    head = {"seq": 0, "hash": ""}
    if AUDIT_TABLE in tables:
        cursor.execute(f"SELECT seq, hash FROM {AUDIT_TABLE} ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
        if row:
            head = {"seq": int(row[0]), "hash": row[1]}
    migrations: list[str] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return {"row_counts": counts, "audit_head": head, "migrations": migrations}


def sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


def postgres_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def current_facts() -> dict[str, Any]:
    """Facts of the database Django is configured for (used after a restore)."""
    with connection.cursor() as cursor:
        tables = postgres_tables(cursor) if connection.vendor == "postgresql" else sqlite_tables(cursor)
        return database_facts(cursor, tables)


# --- Backup ---------------------------------------------------------------------------------------


def _dump_postgres(target: Path) -> dict[str, Any]:
    if connection.in_atomic_block:
        raise BackupError("备份须在事务之外运行（pg_dump 只能看到已提交的数据）。")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = database_facts(cursor, postgres_tables(cursor))
            # The snapshot stays valid while this transaction is open, i.e. for the whole dump.
            result = subprocess.run(
                [pg_binary("pg_dump"), "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}"],
                env=pg_env(connection.settings_dict),
                capture_output=True,
                text=True,
            )
    if result.returncode != 0:
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    return facts


def _dump_sqlite(target: Path) -> dict[str, Any]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        cursor = copy.cursor()
        return database_facts(cursor, sqlite_tables(cursor))
    finally:
        copy.close()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def create_backup(output_dir: Path, *, encrypt: bool = False, key: str = "") -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"cppcc-backup-{stamp}.tar.gz"
    fernet = _fernet(key) if encrypt else None
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="cppcc-backup-") as tmp:
        staging = Path(tmp)
        dump_name = PG_DUMP_FILE if connection.vendor == "postgresql" else SQLITE_FILE
        if connection.vendor == "postgresql":
            facts = _dump_postgres(staging / dump_name)
        elif connection.vendor == "sqlite":
            facts = _dump_sqlite(staging / dump_name)
        else:
            raise BackupError(f"不支持的数据库：{connection.vendor}")
        media = _media_files(media_root)
        members = {dump_name: sha256_of(staging / dump_name)}
        for path in media:
            members[MEDIA_PREFIX + path.relative_to(media_root).as_posix()] = sha256_of(path)
        manifest = {
            "format": 1,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "vendor": connection.vendor,
            **facts,
            "encrypted": bool(fernet),
            "members": members,
        }
        archive = staging / name
        with tarfile.open(archive, "w:gz") as tar:
            raw = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(raw), int(dt.datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(raw))
            tar.add(staging / dump_name, arcname=dump_name)
            for path in media:
                tar.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix())
        if fernet:
            # Fernet works on whole messages: the archive is held in memory once. Fine for this
            # system's size; a streaming cipher would be the next step for very large uploads.
            name += ".enc"
            final = output_dir / name
            final.write_bytes(fernet.encrypt(archive.read_bytes()))
        else:
            final = output_dir / name
            shutil.move(archive, final)
    os.chmod(final, 0o600)
    Path(f"{final}.sha256").write_text(f"{sha256_of(final)}  {final.name}\n", encoding="utf-8")
    return final


def _fernet(key: str):
    from cryptography.fernet import Fernet

    if not key:
        raise BackupError("未设置 BACKUP_KEY：加密/解密备份需要环境变量 BACKUP_KEY（Fernet 密钥）。")
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as exc:
        raise BackupError("BACKUP_KEY 不是有效的 Fernet 密钥（32 字节，URL 安全的 Base64）。") from exc


# --- Restore --------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_archive(path: Path, *, decrypt: bool = False, key: str = "") -> bytes:
    checksum_file = Path(f"{path}.sha256")
    if checksum_file.exists():
        expected = checksum_file.read_text(encoding="utf-8").split()[0]
        if sha256_of(path) != expected:
            raise BackupError(f"备份文件校验失败：{path.name} 与 {checksum_file.name} 不符。")
    data = path.read_bytes()
    if decrypt:
        from cryptography.fernet import InvalidToken

        try:
            data = _fernet(key).decrypt(data)
        except InvalidToken as exc:
            raise BackupError("解密失败：密钥不对，或文件已损坏。") from exc
    return data


def _target_is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = postgres_tables(cursor) if connection.vendor == "postgresql" else sqlite_tables(cursor)
    return not tables


def _unpack(data: bytes, staging: Path) -> dict[str, Any]:
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
    except tarfile.TarError as exc:
        raise BackupError("不是有效的备份归档（tar.gz）；加密的备份请加 --decrypt。") from exc
    with tar:
        try:
            manifest = json.loads(tar.extractfile(MANIFEST).read().decode("utf-8"))
        except (KeyError, AttributeError, ValueError) as exc:
            raise BackupError("归档中缺少有效的 manifest.json。") from exc
        names = {m.name for m in tar.getmembers() if m.isfile()} - {MANIFEST}
        if names != set(manifest["members"]):
            raise BackupError("归档内容与清单不符（有多出或缺少的文件）。")
        # The "data" filter refuses absolute paths, "..", links out of the tree and device files.
        tar.extractall(staging, filter="data")
    for name, digest in manifest["members"].items():
        if sha256_of(staging / name) != digest:
            raise BackupError(f"校验失败：{name} 的 SHA-256 与清单不符。")
    return manifest


def _restore_postgres(dump: Path, force: bool) -> None:
    command = [
        pg_binary("pg_restore"),
        "--no-owner",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if force:
        command += ["--clean", "--if-exists"]
    connection.close()
    result = subprocess.run(command + [str(dump)], env=pg_env(connection.settings_dict), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")


def _restore_sqlite(copy: Path) -> None:
    target = connection.settings_dict["NAME"]
    if not target or str(target).startswith(("file:", ":memory:")):
        raise BackupError("SQLite 恢复需要一个数据库文件（DATABASE_URL=sqlite:////路径/db.sqlite3）。")
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(copy, target)


def _restore_media(staging: Path, manifest: dict[str, Any], media_root: Path) -> int:
    count = 0
    for name in manifest["members"]:
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = media_root / name[len(MEDIA_PREFIX) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(staging / name, target)
        os.chmod(target, 0o640)
        count += 1
    return count


def restore_backup(path: Path, *, decrypt: bool = False, key: str = "", force: bool = False) -> RestoreReport:
    from audit import trail as audit

    data = read_archive(path, decrypt=decrypt, key=key)
    with tempfile.TemporaryDirectory(prefix="cppcc-restore-") as tmp:
        staging = Path(tmp)
        manifest = _unpack(data, staging)
        report = RestoreReport(manifest)
        report.lines.append(f"归档：{path.name}（{manifest['created_at']}，{manifest['vendor']}）校验通过。")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"备份来自 {manifest['vendor']}，目标数据库是 {connection.vendor}，不能直接恢复。")
        if not _target_is_empty() and not force:
            raise BackupError("目标数据库不是空的：请恢复到新建的空库，或确认覆盖后加 --force。")
        if connection.vendor == "postgresql":
            _restore_postgres(staging / PG_DUMP_FILE, force)
        else:
            _restore_sqlite(staging / SQLITE_FILE)
        report.lines.append("数据库已恢复。")
        media = _restore_media(staging, manifest, Path(settings.MEDIA_ROOT))
        report.lines.append(f"上传文件已恢复：{media} 个，至 {settings.MEDIA_ROOT}。")

    connection.close()
    chain = audit.verify_chain()
    if chain.ok:
        report.lines.append(f"审计链完好：共校验 {chain.checked} 条。")
    else:
        report.problems.append(f"审计链在第 {chain.first_break} 条断开：{chain.reason}")
    facts = current_facts()
    if facts["audit_head"] != manifest["audit_head"]:
        report.problems.append(f"审计链末条不符：备份 {manifest['audit_head']}，恢复后 {facts['audit_head']}")
    else:
        report.lines.append(f"审计链末条一致：第 {facts['audit_head']['seq']} 条。")
    differing = {
        table: (count, facts["row_counts"].get(table))
        for table, count in manifest["row_counts"].items()
        if facts["row_counts"].get(table) != count
    }
    for table, (expected, found) in sorted(differing.items()):
        report.problems.append(f"表 {table} 行数不符：备份 {expected}，恢复后 {found}")
    if not differing:
        report.lines.append(f"各表行数与清单一致（{len(manifest['row_counts'])} 张表）。")
    return report
