"""One row per background job: who started it, what and with which parameters, how far it got, its file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jobs import registry


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name="发起人",
        help_text="空：系统任务（如统计数据更新）",
    )
    # Staff may see and download a staff job's result (a job started by a staff member in staff work).
    staff_job = models.BooleanField("工作人员任务", default=False)
    params = models.JSONField("参数", default=dict, blank=True)
    ip = models.GenericIPAddressField("发起请求的IP", null=True, blank=True)

    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.TextField("说明", blank=True)
    result_file = models.CharField("结果文件（私有存储中的路径）", max_length=300, blank=True)
    result_name = models.CharField("下载文件名", max_length=200, blank=True)
    result_type = models.CharField("文件类型", max_length=100, blank=True)
    result = models.JSONField("结果摘要", default=dict, blank=True)

    # The lease: the claiming worker's token and its last heartbeat. A running job whose heartbeat is
    # older than JOBS_LEASE_SECONDS lost its worker and is queued again (jobs.services.reclaim_stale).
    token = models.CharField("租约令牌", max_length=64, blank=True)
    worker = models.CharField("执行进程", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    task_id = models.CharField("队列任务编号", max_length=64, blank=True)
    # Debounce: at most one queued job per key (e.g. one pending dashboard refresh).
    dedupe_key = models.CharField("去重键", max_length=100, null=True, blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["owner", "-id"], name="job_owner_id"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state="queued") & Q(dedupe_key__isnull=False),
                name="one_queued_job_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        return registry.label(self.kind)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0
