"""Notifications: the in-app centre, channel preferences, the outbox of e-mail and SMS, reminder claims.

The tables keep their names from when these models lived in ``proposals``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

User = settings.AUTH_USER_MODEL


class OutboxMessage(models.Model):
    """A message to deliver after commit (email, SMS). Written in the action's transaction,
    claimed and sent by `manage.py deliver_outbox` with a conditional update."""

    class Channel(models.TextChoices):
        EMAIL = "email", "邮件"
        SMS = "sms", "短信"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="收件人"
    )
    address = models.CharField("地址/号码", max_length=200)
    subject = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("内容")
    # SMS through a template gateway (notifications.sms_templates): the kind of event whose registered
    # template is sent, and its parameters; ``body`` keeps the rendered text for the outbox page.
    template = models.CharField("短信模板", max_length=40, blank=True)
    params = models.JSONField("模板参数", default=dict, blank=True)
    dedupe_key = models.CharField("去重键", max_length=200, null=True, blank=True, unique=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    claimed_by = models.CharField("领取进程", max_length=100, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        db_table = "proposals_outboxmessage"
        verbose_name = "待发消息"
        verbose_name_plural = "待发消息"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]


# --- Notifications (issue 6): the in-app centre, channel preferences, reminder claims ------------


class Notification(models.Model):
    """One in-app notice to one user; email/SMS copies go through OutboxMessage."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人")
    case = models.ForeignKey(
        "proposals.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="提案"
    )
    event = models.CharField("事件类型", max_length=50)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        db_table = "proposals_notification"
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.title}"


class NotificationPreference(models.Model):
    """A user's channels for one kind of event (in-app is always on). No row: the kind's default."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences", verbose_name="用户"
    )
    event = models.CharField("事件类型", max_length=50)
    email = models.BooleanField("邮件", default=True)
    sms = models.BooleanField("短信", default=False)

    class Meta:
        db_table = "proposals_notificationpreference"
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")]


class Reminder(models.Model):
    """A deadline reminder already sent: the unique key makes send_reminders idempotent across servers."""

    key = models.CharField("提醒键", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=30)
    case = models.ForeignKey(
        "proposals.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="提案"
    )
    due = models.DateField("期限")
    created_at = models.DateTimeField("发送时间")

    class Meta:
        db_table = "proposals_reminder"
        verbose_name = "到期提醒"
        verbose_name_plural = "到期提醒"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
