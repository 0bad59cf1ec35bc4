"""The one append-only audit trail (table ``proposals_auditevent``, kept when the model moved here)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

User = settings.AUTH_USER_MODEL


class AuditEventQuerySet(models.QuerySet):
    """Bulk paths refuse too: queryset update() and delete() would bypass the model's save/delete."""

    def update(self, **kwargs):
        raise PermissionError("审计事件只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计事件不能删除。")


class AuditEvent(models.Model):
    """The one append-only audit trail: workflow actions, refusals, and later logins and exports.

    Each row carries a hash over its content and the previous row's hash; rows are appended
    under a lock (audit.trail) so the chain stays linear. The ORM refuses update and
    delete, and database triggers (proposals migration 0003) refuse UPDATE and DELETE on both databases.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        REFUSED = "refused", "拒绝"
        FAILURE = "failure", "失败"

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    actor_label = models.CharField("操作人标识", max_length=150, help_text="用户名；系统任务为 system")
    on_behalf_of = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="代表"
    )
    action = models.CharField("事件", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象ID", max_length=50, blank=True)
    case = models.ForeignKey(
        "proposals.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name="提案"
    )
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    data = models.JSONField("数据", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)
    # Which key made ``hash`` (an HMAC; settings.AUDIT_HMAC_KEY_ID). Empty on the rows written before
    # the chain was keyed: they keep their plain SHA-256, and only as the chain's beginning.
    key_id = models.CharField("密钥标识", max_length=20, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        db_table = "proposals_auditevent"
        ordering = ["seq"]
        indexes = [models.Index(fields=["case", "seq"]), models.Index(fields=["actor", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计事件只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计事件不能删除。")
