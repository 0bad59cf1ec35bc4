"""The dashboard snapshot: the 统计分析 numbers of one scope (a term, or a session of it) as last computed
by the refresh job, so that no viewer waits for them (issue 14)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class DashboardSnapshot(models.Model):
    term = models.ForeignKey("members.Term", on_delete=models.CASCADE, verbose_name="届次")
    session = models.ForeignKey("members.Session", on_delete=models.CASCADE, null=True, blank=True, verbose_name="会议")
    # The year scope (issue 23): the term's cases submitted in this calendar year.
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    # "t<term>", "t<term>s<session>" or "t<term>y<year>": one row per scope (a unique key that also
    # works with a NULL session).
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
    def key_for(term_id: int, session_id: int | None, year: int | None = None) -> str:
        return f"t{term_id}" + (f"s{session_id}" if session_id else "") + (f"y{year}" if year else "")
