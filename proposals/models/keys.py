"""Key proposals (重点提案) and their supervision activities (督办)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .cases import Case

User = settings.AUTH_USER_MODEL


class KeyProposal(models.Model):
    class State(models.TextChoices):
        RECOMMENDED = "recommended", "已推荐"
        DESIGNATED = "designated", "已确定"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="key", verbose_name="提案")
    state = models.CharField("状态", max_length=20, choices=State.choices)
    leaders = models.ManyToManyField(User, related_name="supervised_keys", verbose_name="督办领导")
    plan = models.TextField("督办计划")
    recommended_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="推荐人")
    recommended_at = models.DateTimeField("推荐时间")
    designated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确定人"
    )
    designated_at = models.DateTimeField("确定时间", null=True, blank=True)

    class Meta:
        verbose_name = "重点提案"
        verbose_name_plural = "重点提案"
        ordering = ["-id"]


class SupervisionActivity(models.Model):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", "带案视察"
        VISIT = "visit", "上门协商督办"
        SYMPOSIUM = "symposium", "座谈会"

    key = models.ForeignKey(KeyProposal, on_delete=models.CASCADE, related_name="activities", verbose_name="重点提案")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision", verbose_name="提案")
    kind = models.CharField("形式", max_length=20, choices=Kind.choices)
    date = models.DateField("日期")
    people = models.CharField("参加人员", max_length=300)
    minutes = models.TextField("纪要")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["case", "date", "id"]
