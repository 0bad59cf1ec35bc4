"""Duty work records (activities, attendance, opinions, self-reports), the rules that turn records into
points (versioned by year), and the yearly assessment."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from members.models import MemberGroup, Sector, SpecialCommittee, Term, User


class ActivityKind(models.TextChoices):
    PLENARY = "plenary", "全体会议"
    STANDING = "standing", "常委会议"
    COMMITTEE = "committee", "专委会会议"
    RESEARCH = "research", "专题调研"
    INSPECTION = "inspection", "视察"
    CONSULTATION = "consultation", "对口协商"
    SECTOR = "sector", "界别活动"
    VISIT = "visit", "走访委员"
    READING = "reading", "读书活动"


# 调研视察和对口协商: the activities that raise opinions and may end in a written report.
STUDY_KINDS = (ActivityKind.RESEARCH, ActivityKind.INSPECTION, ActivityKind.CONSULTATION)
MEETING_KINDS = (ActivityKind.PLENARY, ActivityKind.STANDING, ActivityKind.COMMITTEE)


class Activity(models.Model):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name="届次")
    kind = models.CharField("类型", max_length=20, choices=ActivityKind.choices)
    title = models.CharField("名称", max_length=120)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    organiser = models.CharField("组织者", max_length=60, blank=True, help_text="如：主席会议、区政协办公室")
    committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="组织专委会"
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="组织界别"
    )
    group = models.ForeignKey(
        MemberGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="委员小组"
    )
    summary = models.TextField("活动情况", blank=True)
    report_title = models.CharField("调研报告", max_length=120, blank=True)
    report_author = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="报告执笔委员"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "履职活动"
        verbose_name_plural = "履职活动"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["term", "date"]), models.Index(fields=["kind", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def organiser_label(self) -> str:
        parts = [str(x) for x in (self.committee, self.sector and f"{self.sector}界别", self.group) if x]
        return "、".join([*([self.organiser] if self.organiser else []), *parts]) or "区政协"


class Participation(models.Model):
    """A member invited to an activity, and whether they came."""

    class Status(models.TextChoices):
        INVITED = "invited", "已邀请"
        PRESENT = "present", "出席"
        LEAVE = "leave", "请假"
        ABSENT = "absent", "无故缺席"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants", verbose_name="活动")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="duty_participations", verbose_name="委员")
    status = models.CharField("出席情况", max_length=20, choices=Status.choices, default=Status.INVITED)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)
    confirmed_at = models.DateTimeField("委员确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "参加人员"
        verbose_name_plural = "参加人员"
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="duty_one_row_per_participant"),
            models.CheckConstraint(condition=~Q(status="leave") | ~Q(leave_reason=""), name="duty_leave_has_reason"),
        ]
        indexes = [models.Index(fields=["user", "activity"])]


class Opinion(models.Model):
    """One opinion or suggestion raised at a 调研/视察/协商 activity (意见建议), each its own record."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="opinions", verbose_name="活动")
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="提出委员"
    )
    text = models.TextField("意见建议")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        ordering = ["activity", "id"]
        indexes = [models.Index(fields=["author", "activity"])]


class RuleKind(models.TextChoices):
    """What earns (or costs) points. Each kind has one source of records in duty.points.SOURCES."""

    CASE_LEAD = "case_lead", "立案提案（领衔）"
    CASE_COSIGN = "case_cosign", "立案提案（附议）"
    SUGGESTION_LEAD = "suggestion_lead", "建议（领衔）"
    SUGGESTION_COSIGN = "suggestion_cosign", "建议（附议）"
    KEY_PROPOSAL = "key_proposal", "重点提案（领衔）"
    CASE_ADOPTED = "case_adopted", "提案被采纳（A类答复，领衔）"
    ATTEND_PLENARY = "attend_plenary", "出席全体会议"
    ATTEND_STANDING = "attend_standing", "出席常委会议"
    ATTEND_COMMITTEE = "attend_committee", "出席专委会会议"
    STUDY = "study", "参加专题调研、视察、对口协商"
    OPINION = "opinion", "提出意见建议"
    REPORT = "report", "执笔调研报告"
    SECTOR = "sector", "参加界别活动"
    READING = "reading", "参加读书活动"
    ABSENCE = "absence", "无故缺席（扣分）"
    # 社情民意信息 (reported / adopted / with 批示) come with part 2 (issue 25): new kinds and their sources.


class PointRule(models.Model):
    """Points of one kind of record, from ``year`` on: the rule of a year is the latest row at or before it,
    so a change applies from its year only and earlier years keep their points."""

    kind = models.CharField("计分项目", max_length=30, choices=RuleKind.choices)
    year = models.PositiveSmallIntegerField(
        "起始年度",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="自该年度起适用，直到有更晚年度的规则",
    )
    points = models.DecimalField("每项分值", max_digits=5, decimal_places=1, help_text="扣分项填负数")
    cap = models.DecimalField(
        "年度上限",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="该项一年最多计（扣）的分数，空为不设上限",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "履职计分规则"
        verbose_name_plural = "履职计分规则"
        ordering = ["kind", "-year"]
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="duty_one_rule_per_kind_and_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.year}年起）"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class AssessmentPolicy(models.Model):
    """How points become grades, from ``year`` on (the latest row at or before the assessed year)."""

    class Method(models.TextChoices):
        THRESHOLDS = "thresholds", "按分数线"
        SHARES = "shares", "按比例"

    year = models.PositiveSmallIntegerField("起始年度", unique=True)
    method = models.CharField("评定方式", max_length=20, choices=Method.choices, default=Method.THRESHOLDS)
    excellent_min = models.DecimalField("优秀分数线", max_digits=6, decimal_places=1, default=Decimal("25"))
    qualified_min = models.DecimalField("合格分数线", max_digits=6, decimal_places=1, default=Decimal("10"))
    basic_min = models.DecimalField("基本合格分数线", max_digits=6, decimal_places=1, default=Decimal("5"))
    excellent_share = models.PositiveSmallIntegerField(
        "优秀比例（%）", default=15, validators=[MaxValueValidator(100)], help_text="按比例时：得分最高的前百分之几"
    )
    basic_share = models.PositiveSmallIntegerField(
        "基本合格比例（%）", default=5, validators=[MaxValueValidator(100)], help_text="按比例时：不合格之上的百分之几"
    )
    unqualified_share = models.PositiveSmallIntegerField(
        "不合格比例（%）", default=2, validators=[MaxValueValidator(100)], help_text="按比例时：得分最低的百分之几"
    )

    class Meta:
        verbose_name = "履职考核评定办法"
        verbose_name_plural = "履职考核评定办法"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年起 {self.get_method_display()}"


class Assessment(models.Model):
    """The yearly assessment of a term's members, as last run by staff."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+", verbose_name="届次")
    year = models.PositiveSmallIntegerField("年度")
    method = models.CharField("评定方式", max_length=20, choices=AssessmentPolicy.Method.choices)
    policy = models.JSONField("评定参数", default=dict)
    run_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="评定人")
    run_at = models.DateTimeField("评定时间")

    class Meta:
        verbose_name = "年度履职考核"
        verbose_name_plural = "年度履职考核"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["term", "year"], name="duty_one_assessment_per_year")]


class AssessmentResult(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results", verbose_name="考核")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="委员")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name="界别")
    committee = models.ForeignKey(SpecialCommittee, on_delete=models.PROTECT, related_name="+", verbose_name="专委会")
    points = models.DecimalField("得分", max_digits=6, decimal_places=1)
    rank = models.PositiveIntegerField("名次")
    grade = models.CharField("等次", max_length=20, choices=Grade.choices)

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"
        ordering = ["assessment", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="duty_one_result_per_member")]


class SelfReport(models.Model):
    """A member's yearly duty report (年度履职工作报告); 常委 must submit one."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="委员")
    year = models.PositiveSmallIntegerField("年度")
    text = models.TextField("履职工作报告")
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "年度履职报告"
        verbose_name_plural = "年度履职报告"
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "year"], name="duty_one_report_per_year")]
