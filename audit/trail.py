"""Writing and verifying the append-only, hash-chained audit trail."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

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


def compute_hash(event: AuditEvent) -> str:
    payload = {
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
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


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
    with transaction.atomic():
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
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
    return event


@dataclass
class ChainReport:
    checked: int
    first_break: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk the chain in order; report the first row whose hash, link or sequence is wrong."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch):
        if event.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"缺少序号 {expected_seq}（下一条为 {event.seq}）")
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.seq, "与前一条的哈希链接不符")
        if compute_hash(event) != event.hash:
            return ChainReport(checked, event.seq, "内容与哈希不符（记录被修改）")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked)
