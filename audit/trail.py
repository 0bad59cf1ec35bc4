"""Writing and verifying the append-only, hash-chained audit trail."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.dispatch import Signal

from audit.models import AuditEvent
from core import clock

GENESIS = "0" * 64
# Sent by verify_audit when the chain is broken (kwargs: report, message); notifications alerts the staff.
chain_broken = Signal()
# Any constant works: it names the one PostgreSQL advisory lock that keeps the chain linear.
CHAIN_LOCK_KEY = 2022_0402

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_client_ip", default=None)


@contextlib.contextmanager
def client_ip(ip: str | None):
    """Set by the request middleware so services need not carry the request around."""
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)


def current_ip() -> str | None:
    return _client_ip.get()


def _json_safe(data: Any) -> Any:
    # Store exactly what the hash covers: what JSON gives back when it is read.
    return json.loads(json.dumps(data or {}, ensure_ascii=False, default=str, sort_keys=True))


def keys() -> dict[str, str]:
    """Key id → key: the current key and the retired ones kept for verifying older rows."""
    found = dict(settings.AUDIT_HMAC_OLD_KEYS)
    if settings.AUDIT_HMAC_KEY:
        found[settings.AUDIT_HMAC_KEY_ID] = settings.AUDIT_HMAC_KEY
    return found


def _current_key() -> tuple[str, str]:
    if not settings.AUDIT_HMAC_KEY:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY 未设置：审计链的密钥必须由环境变量提供（docs/deploy.md）。")
    return settings.AUDIT_HMAC_KEY_ID, settings.AUDIT_HMAC_KEY


def _payload(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        # In UTC: the clock may hand out local times, the database gives back UTC ones.
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "on_behalf_of": event.on_behalf_of_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case": event.case_id,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "outcome": event.outcome,
        "data": event.data,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }


def _raw(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def compute_hash(event: AuditEvent, key: str | None = None) -> str:
    """The row's hash. Rows written before the chain was keyed (``key_id`` empty) keep their plain
    SHA-256; keyed rows carry an HMAC-SHA256 over the same content plus the key id."""
    if not event.key_id:
        return hashlib.sha256(_raw(_payload(event))).hexdigest()
    if key is None:
        key = keys().get(event.key_id)
        if key is None:
            return ""  # an unknown key id never matches
    payload = {**_payload(event), "key_id": event.key_id}
    return hmac.new(key.encode("utf-8"), _raw(payload), hashlib.sha256).hexdigest()


def seal(event: AuditEvent) -> AuditEvent:
    """Key a new event with the current key (its seq and prev_hash set): for writers that build rows
    in bulk (demo.bulk) and must continue the chain exactly as ``record`` does."""
    event.key_id, key = _current_key()
    event.hash = compute_hash(event, key)
    return event


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite: the IMMEDIATE transaction already holds the database's one write lock.


def record(
    action: str,
    *,
    actor=None,
    actor_label: str | None = None,
    on_behalf_of=None,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    case=None,
    from_state: str = "",
    to_state: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    data: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event. Call inside the action's transaction: the row commits or rolls back with it."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    key_id, key = _current_key()
    # Inside the caller's transaction no savepoint of its own (two statements fewer per action): a
    # failure here fails the whole action, as it must; outside one, this opens the transaction.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            at=clock.now(),
            actor=actor,
            actor_label=actor_label or (actor.get_username() if actor else "system"),
            on_behalf_of=on_behalf_of,
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            case=case,
            from_state=from_state or "",
            to_state=to_state or "",
            outcome=outcome,
            data=_json_safe(data),
            ip=ip if ip is not None else current_ip(),
            prev_hash=last["hash"] if last else GENESIS,
            key_id=key_id,
        )
        event.hash = compute_hash(event, key)
        event.save(force_insert=True)
    return event


@dataclass
class ChainReport:
    checked: int
    first_break: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.first_break is None


def head_seq() -> int:
    """The newest event's number (0 on an empty trail): it changes whenever anything is recorded, so it
    keys caches and snapshots of what the trail's events change."""
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk the chain in order; report the first row whose hash, link, sequence or key is wrong.

    Unkeyed rows (from before the chain was keyed) are accepted only as the chain's beginning: once
    a keyed row appears every later row must be keyed, so whoever lacks the key cannot append or
    rewrite a row as an "old" one. Truncation of the tail is caught by the checkpoints
    (``verify_checkpoints``)."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    keyed_seen = False
    known = keys()
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch):
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"缺少序号 {expected_seq}（下一条为 {event.seq}）")
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.seq, "与前一条的哈希链接不符")
        if event.key_id:
            keyed_seen = True
            if event.key_id not in known:
                return ChainReport(checked, event.seq, f"未知的密钥标识 {event.key_id}（记录伪造，或缺少旧密钥）")
        elif keyed_seen:
            return ChainReport(checked, event.seq, "启用密钥之后出现未加密钥的记录（记录被伪造）")
        if not hmac.compare_digest(compute_hash(event, known.get(event.key_id)), event.hash):
            return ChainReport(checked, event.seq, "内容与哈希不符（记录被修改）")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked, head_seq=expected_seq - 1, head_hash=expected_prev)


# --- Checkpoints: the chain head, kept outside the database ---------------------------------------

checkpoint_log = logging.getLogger("audit.checkpoint")
CHECKPOINT_FILE = "checkpoints.jsonl"


def _checkpoint_mac(seq: int, head_hash: str, at: str, key_id: str, key: str) -> str:
    raw = _raw({"seq": seq, "hash": head_hash, "at": at, "key_id": key_id})
    return hmac.new(key.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def checkpoint_path():
    return settings.AUDIT_CHECKPOINT_DIR / CHECKPOINT_FILE


def read_checkpoints() -> list[dict]:
    path = checkpoint_path()
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError:
                rows.append({"unreadable": line[:80]})
    return rows


def verify_checkpoints(report: ChainReport) -> ChainReport:
    """Check the (already verified) chain against every checkpoint: each checkpoint's own MAC, and the
    row of its sequence number still there with the same hash. A truncated tail or a re-hashed chain
    fails here even when the rows left are self-consistent."""
    if not report.ok:
        return report
    known = keys()
    checkpoints = read_checkpoints()
    seqs = [int(cp["seq"]) for cp in checkpoints if isinstance(cp.get("seq"), int)]
    hashes = dict(AuditEvent.objects.filter(seq__in=seqs).values_list("seq", "hash"))
    for cp in checkpoints:
        try:
            seq, head_hash, at, key_id, mac = cp["seq"], cp["hash"], cp["at"], cp["key_id"], cp["mac"]
        except (KeyError, TypeError):
            return ChainReport(report.checked, 0, "检查点文件中有无法识别的行（文件被修改）")
        key = known.get(key_id)
        if key is None or not hmac.compare_digest(_checkpoint_mac(seq, head_hash, at, key_id, key), str(mac)):
            return ChainReport(report.checked, seq, f"检查点 {seq} 的校验码不符（检查点被修改，或缺少旧密钥）")
        if seq == 0:
            continue
        if seq > report.head_seq:
            return ChainReport(
                report.checked,
                report.head_seq + 1,
                f"检查点 {seq} 之后的记录缺失（链尾被截断，现仅到 {report.head_seq}）",
            )
        if hashes.get(seq) != head_hash:
            return ChainReport(report.checked, seq, f"第 {seq} 条的哈希与检查点（{at}）不符（链被重写）")
    report.checkpoints = len(checkpoints)
    return report


def write_checkpoint(report: ChainReport) -> dict:
    """Append the verified chain head to the checkpoint file and send it to the ``audit.checkpoint``
    logger (shipped to the central log server in production)."""
    key_id, key = _current_key()
    at = clock.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    row = {"seq": report.head_seq, "hash": report.head_hash, "at": at, "key_id": key_id}
    row["mac"] = _checkpoint_mac(report.head_seq, report.head_hash, at, key_id, key)
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, sort_keys=True) + "\n")
    checkpoint_log.info("audit checkpoint %s", json.dumps(row, sort_keys=True))
    return row
