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
