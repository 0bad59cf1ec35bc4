"""The workflow's run-time settings and the working-day calendar's exceptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

User = settings.AUTH_USER_MODEL


class WorkflowSetting(models.Model):
    """An administrator's value for one workflow setting; defaults live in proposals.settings_registry."""

    key = models.CharField("设置项", max_length=60, unique=True)
    value = models.JSONField("值")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="修改人"
    )

    class Meta:
        verbose_name = "业务设置"
        verbose_name_plural = "业务设置"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class CalendarDay(models.Model):
    """An exception to Mon–Fri: a statutory holiday on a weekday, or a make-up workday (调休) on a weekend."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'调休上班' if self.is_workday else '放假'} {self.name}"
