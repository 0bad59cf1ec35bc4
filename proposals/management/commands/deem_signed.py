"""逾期视为签收: sign, as the system, every pending assignment whose return window has passed.

Run by cron or a systemd timer, on as many servers as you like: each assignment goes through
services.perform, which locks the case row and re-checks the state, so a second server that
reaches the same assignment gets a conflict and moves on. Running it twice changes nothing.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand

from core import clock
from proposals import services, settings_registry
from proposals.errors import WorkflowError
from proposals.models import Assignment, AssignmentStatus
from proposals.workflow import IN_HANDLING

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "将申请退回期限已过、仍未签收的交办视为签收（每条交办记一条审计事件，操作人为 system）。"

    def handle(self, *args, **options) -> None:
        if not settings_registry.get("deemed_signed_enabled"):
            self.stdout.write("“逾期视为签收”已关闭，未做任何处理。")
            return
        due = (
            Assignment.objects.filter(
                status=AssignmentStatus.PENDING, return_deadline__lt=clock.today(), case__status__in=IN_HANDLING
            )
            .order_by("return_deadline", "id")
            .values_list("id", "case_id")
        )
        signed = skipped = 0
        for assignment_id, case_id in list(due):
            try:
                services.perform("deem_signed", None, case_id, assignment_id=assignment_id)
            except WorkflowError as error:
                # Another server got there first, a unit signed meanwhile, or the setting is off.
                logger.info("deem_signed skipped assignment %s: %s", assignment_id, error.code)
                skipped += 1
                continue
            signed += 1
            self.stdout.write(f"视为签收：交办 {assignment_id}（提案 {case_id}）")
        self.stdout.write(f"共视为签收 {signed} 条，跳过 {skipped} 条。")
