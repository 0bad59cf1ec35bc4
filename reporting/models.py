"""The dashboard snapshot: the 统计分析 numbers of one scope (a term, or a session of it) as last computed
by the refresh job, so that no viewer waits for them (issue 14);
and the official documents' settings, numbers and uploaded templates (issue 16)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class DashboardSnapshot(models.Model):
    term = models.ForeignKey("members.Term", on_delete=models.CASCADE, verbose_name="届次")
    session = models.ForeignKey("members.Session", on_delete=models.CASCADE, null=True, blank=True, verbose_name="会议")
    # "t<term>" or "t<term>s<session>": one row per scope (a unique key that also works with a NULL session).
    scope_key = models.CharField("范围", max_length=40, unique=True)
    data = models.JSONField("统计数据", encoder=DjangoJSONEncoder)
    # The newest audit sequence number when the computation started: every change of a case writes
    # an audit event, so a snapshot is current when no case event is newer.
    version = models.BigIntegerField("数据版本（审计序号）", default=0)
    computed_for = models.DateField("统计日")
    computed_at = models.DateTimeField("更新时间")
    seconds = models.FloatField("计算耗时（秒）", default=0)

    class Meta:
        verbose_name = "统计快照"
        verbose_name_plural = "统计快照"

    def __str__(self) -> str:
        return self.scope_key

    @staticmethod
    def key_for(term_id: int, session_id: int | None) -> str:
        return f"t{term_id}" + (f"s{session_id}" if session_id else "")


# --- Official documents (issue 16) ---------------------------------------------------------------------


class DocumentSettings(models.Model):
    """The names, 版头, 发文字号 patterns and signatures the documents print: one row, edited by the system
    administrator in the admin (audited). Templates read them as fields (``{{ committee }}`` …)."""

    committee = models.CharField("委员会名称", max_length=60, default="中国人民政治协商会议陈仓区委员会")
    header_text = models.CharField("版头（发文机关标志）", max_length=40, default="政协陈仓区委员会提案委员会")
    issuer = models.CharField("发文机关署名", max_length=40, default="政协陈仓区委员会提案委员会")
    number_pattern = models.CharField(
        "发文字号格式",
        max_length=40,
        default="陈政协提〔{year}〕{number}号",
        help_text="交办通知书、催办通知的发文字号；{year} 为年份，{number} 为当年顺序号。",
    )
    reply_number_pattern = models.CharField(
        "答复函文号格式",
        max_length=40,
        default="{unit}函〔{year}〕{number}号",
        help_text="承办单位答复函的文号；{unit} 为单位名称，每个单位每年单独编号。",
    )
    cc = models.CharField("抄送", max_length=200, default="区委办公室，区人大常委会办公室，区政府办公室")
    printer = models.CharField("印发机关", max_length=40, default="政协陈仓区委员会办公室")
    reply_cc = models.CharField("答复函抄送", max_length=100, default="区政协提案委员会")
    office_contact = models.CharField("提案委联系人", max_length=30, default="提案委员会办公室")
    office_phone = models.CharField("提案委联系电话", max_length=30, default="0917-6212000")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="修改人"
    )

    class Meta:
        verbose_name = "公文设置"
        verbose_name_plural = "公文设置"

    def __str__(self) -> str:
        return "公文设置"

    @classmethod
    def current(cls) -> DocumentSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)


class DocumentNumberSeries(models.Model):
    """The last number issued in a series (提案委's 发文字号, or one unit's letters) and year."""

    series = models.CharField("文号序列", max_length=60)
    year = models.PositiveSmallIntegerField("年份")
    last = models.PositiveIntegerField("已用最大号", default=0)

    class Meta:
        verbose_name = "文号序列"
        verbose_name_plural = "文号序列"
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="uniq_document_number_series")]


class IssuedDocumentNumber(models.Model):
    """A number given to one document (a kind and its object): downloading it again prints the same number."""

    kind = models.CharField("文书", max_length=40)
    object_key = models.CharField("对象", max_length=80)
    series = models.CharField("文号序列", max_length=60)
    year = models.PositiveSmallIntegerField("年份")
    number = models.PositiveIntegerField("顺序号")
    text = models.CharField("文号", max_length=80)
    issued_at = models.DateTimeField("编号时间")
    issued_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="编号人"
    )

    class Meta:
        verbose_name = "已编文号"
        verbose_name_plural = "已编文号"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_key"], name="uniq_issued_document"),
            models.UniqueConstraint(fields=["series", "year", "number"], name="uniq_issued_number"),
        ]

    def __str__(self) -> str:
        return self.text


class DocumentTemplate(models.Model):
    """A .docx template the system administrator uploaded for a document kind. Versions are kept: the
    newest active one is used; without one, the default template committed with the code."""

    kind = models.CharField("文书", max_length=40)
    version = models.PositiveIntegerField("版本")
    content = models.BinaryField("模板文件")
    filename = models.CharField("文件名", max_length=200)
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    uploaded_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "公文模板"
        verbose_name_plural = "公文模板"
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="uniq_document_template_version")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"
