"""Verify the audit trail's keyed hash chain against its checkpoints, then checkpoint the head;
exit non-zero at the first broken row (for monitoring).

Runs daily (docs/scheduling.md): each run checks every row's HMAC and link, checks the chain against
every checkpoint written before (a truncated tail or a re-hashed chain fails there), and — when the
chain is intact — appends the head (seq + keyed hash) to ``AUDIT_CHECKPOINT_DIR/checkpoints.jsonl``
and to the ``audit.checkpoint`` logger, which deployments ship to their central log server.
On a break it sends ``audit.trail.chain_broken``: the notifications app answers it with an in-app
notice to the staff plus the e-mail/SMS copies they chose (audit sits below notifications, so it
signals rather than imports).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit import trail


class Command(BaseCommand):
    help = "校验审计事件哈希链（含密钥与检查点），完好时写入新的检查点；发现断链时以非零状态退出。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-checkpoint", action="store_true", help="只校验，不写入新的检查点（例如在恢复备份后先核对）"
        )

    def handle(self, *args, **options) -> None:
        report = trail.verify_checkpoints(trail.verify_chain())
        if not report.ok:
            message = f"审计链在第 {report.first_break} 条断开：{report.reason}（此前已校验 {report.checked} 条）"
            with transaction.atomic():
                trail.chain_broken.send(sender=trail.ChainReport, report=report, message=message)
            raise CommandError(message)
        self.stdout.write(f"审计链完好：共校验 {report.checked} 条，核对检查点 {report.checkpoints} 个。")
        if not options["no_checkpoint"]:
            row = trail.write_checkpoint(report)
            self.stdout.write(
                f"检查点：序号 {row['seq']}，哈希 {row['hash']}，{row['at']}（{trail.checkpoint_path()}）"
            )
