"""The synonym list staff edit, and the similarity index of the cases."""

from __future__ import annotations

import re

from django.db import models


class SynonymGroup(models.Model):
    """Words that name one matter (停车难 / 停车位 / 停车场). The first word is the group's name in the index."""

    words = models.TextField(
        "同义词",
        help_text="同一事项的不同说法，用空格、逗号或顿号分隔，第一个词作为该组的名称。例如：停车难 停车位 停车场",
    )
    active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "同义词组"
        verbose_name_plural = "同义词（类似提案）"
        ordering = ["id"]

    def __str__(self) -> str:
        return " / ".join(self.word_list())

    def word_list(self) -> list[str]:
        return split_words(self.words)


def split_words(raw: str) -> list[str]:
    return [w for w in re.split(r"[\s,，、;；/／|]+", raw or "") if w]


class CaseIndex(models.Model):
    """One case's terms and stored vector (assist.engine), written when its text changes."""

    case = models.OneToOneField(
        "proposals.Case", on_delete=models.CASCADE, primary_key=True, related_name="assist_index", verbose_name="提案"
    )
    source_hash = models.CharField("正文摘要", max_length=32)
    title_terms = models.TextField("案由词", blank=True)
    body_terms = models.TextField("正文词", blank=True)
    vector = models.JSONField("向量", default=dict)
    indexed_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        verbose_name = "类似提案索引"
        verbose_name_plural = "类似提案索引"


class TermStat(models.Model):
    """In how many indexed cases a term occurs (its document frequency, for the idf)."""

    term = models.CharField("词", max_length=64, primary_key=True)
    df = models.PositiveIntegerField("文档数", default=0)

    class Meta:
        verbose_name = "词频"
        verbose_name_plural = "词频"


class PrecheckRecord(models.Model):
    """What the pre-submission check (预审) said about a case when it was submitted: kept with the submission
    so staff and reviewers see, at review, which advice the member had and submitted anyway."""

    case = models.ForeignKey(
        "proposals.Case", on_delete=models.CASCADE, related_name="precheck_records", verbose_name="提案"
    )
    event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.SET_NULL, related_name="+", verbose_name="提交记录", null=True
    )
    title = models.CharField("提交时的案由", max_length=200)
    advice = models.JSONField("提示", default=list, help_text="[{rule, message, detail}]")
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "预审提示记录"
        verbose_name_plural = "预审提示记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{len(self.advice)} 条提示）"

    @property
    def items(self) -> list[dict]:
        from .precheck import GROUNDS, RULES

        return [
            {**a, "label": RULES.get(a.get("rule", ""), a.get("rule", "")), "is_ground": a.get("rule") in GROUNDS}
            for a in self.advice
        ]
