"""Files kept with a case: attachments, scans of paper, stamped letters, supervision photos."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models

from .cases import Case
from .handling import Assignment
from .keys import SupervisionActivity

User = settings.AUTH_USER_MODEL


def upload_path(instance: Attachment, filename: str) -> str:
    # Random names: what the user called the file is kept in original_name, never on disk.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"cases/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        ATTACHMENT = "attachment", "附件"
        PAPER_SCAN = "paper_scan", "纸质提案扫描件"
        SEALED_SCAN = "sealed_scan", "盖章扫描件"
        COSIGN_SCAN = "cosign_scan", "附议签名扫描件"
        RATING_FORM = "rating_form", "纸质征询意见表"
        REPLY_LETTER = "reply_letter", "盖章答复函"
        EVIDENCE = "evidence", "督办照片/材料"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments", verbose_name="提案")
    purpose = models.CharField("用途", max_length=20, choices=Purpose.choices, default=Purpose.ATTACHMENT)
    file = models.FileField("文件", upload_to=upload_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间")
    activity = models.ForeignKey(
        SupervisionActivity, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="files")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.original_name
