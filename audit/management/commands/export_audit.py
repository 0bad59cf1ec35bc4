"""Append the audit trail as JSON lines for a central log server (rsyslog imfile, docs/deploy.md).

Idempotent by sequence number: with --output, it continues after the last seq already in the file,
so a timer can run it every minute without duplicating or losing events."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from audit.models import AuditEvent

FIELDS = (
    "seq",
    "action",
    "outcome",
    "actor_id",
    "actor_label",
    "on_behalf_of_id",
    "object_type",
    "object_id",
    "case_id",
    "from_state",
    "to_state",
    "ip",
    "data",
    "prev_hash",
    "hash",
)


def last_seq_in(path: Path) -> int:
    if not path.exists() or path.stat().st_size == 0:
        return 0
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 65536))
        lines = [line for line in handle.read().splitlines() if line.strip()]
    try:
        return int(json.loads(lines[-1])["seq"])
    except (IndexError, ValueError, KeyError):
        return 0  # an unreadable tail: fall back to --since-seq


def as_line(event: AuditEvent) -> str:
    record = {name: getattr(event, name) for name in FIELDS}
    record["at"] = event.at.isoformat()
    record["app"] = "chencang_cppcc"
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


class Command(BaseCommand):
    help = "以 JSON Lines 追加导出审计事件（按序号续传，可重复运行），供集中日志服务器采集。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since-seq", type=int, default=0, help="只导出序号大于此值的事件")
        parser.add_argument("--output", type=Path, default=None, help="追加写入的文件（默认标准输出）")

    def handle(self, *args, **options) -> None:
        output: Path | None = options["output"]
        since = max(options["since_seq"], last_seq_in(output) if output else 0)
        events = AuditEvent.objects.filter(seq__gt=since).order_by("seq").iterator(chunk_size=2000)
        if output is None:
            for event in events:
                self.stdout.write(as_line(event))
            return
        written = 0
        with open(output, "a", encoding="utf-8") as handle:
            for event in events:
                handle.write(as_line(event) + "\n")
                written += 1
        self.stderr.write(f"已追加 {written} 条（序号 > {since}）到 {output}")
