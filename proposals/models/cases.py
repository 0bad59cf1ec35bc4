"""The case (提案/建议), its proposers, and the editable reference lists of review.

Workflow fields (status, number, kind) are written only by proposals.services; the states are
DOMAIN.md's reference workflow, kept as data in proposals.workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from members.models import MemberGroup, Organisation, Sector, Session, SpecialCommittee, Term

from ..search import SOURCE_FIELDS as SEARCH_SOURCE_FIELDS
from ..search import CaseSearchVectorField
from ..search import vector_of as search_vector_of

User = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    PROPOSAL = "proposal", "提案"
    SUGGESTION = "suggestion", "建议"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审查"
    RETURNED = "returned", "退回修改"
    FILED = "filed", "已立案待交办"
    ASSIGNED = "assigned", "已交办待签收"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复待评价"
    REHANDLING = "rehandling", "重新办理"
    CLOSED = "closed", "已办结"
    WITHDRAWN = "withdrawn", "已撤案"
    REJECTED = "rejected", "不予立案"
    MERGED = "merged", "已并案"


# Labels that differ by kind (DOMAIN.md: "labels may differ by kind").
STATUS_LABELS_BY_KIND = {Kind.SUGGESTION: {Status.FILED: "已登记待交办"}}


class Source(models.TextChoices):
    PLENARY = "plenary", "大会提案"
    REGULAR = "regular", "平时提案"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    RETURN_REQUESTED = "return_requested", "申请退回"
    WITHDRAWN_FROM_UNIT = "withdrawn_from_unit", "已改派"
    SIGNED = "signed", "办理中"
    VIEWS_SENT = "views_sent", "会办意见已送"
    REPLIED = "replied", "已答复"
    ACCEPTED = "accepted", "答复已审核"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "会办"
    SEPARATE = "separate", "分办"


class ReplyClass(models.TextChoices):
    A = "A", "A类（已解决或采纳）"
    B = "B", "B类（正在解决或列入计划）"
    C = "C", "C类（留作参考）"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Category(models.Model):
    name = models.CharField("类别", max_length=30, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "提案类别"
        verbose_name_plural = "提案类别"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class RejectionGround(models.Model):
    name = models.CharField("不予立案理由", max_length=100, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "不予立案理由"
        verbose_name_plural = "不予立案理由"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class NumberSequence(models.Model):
    """The last number given in one kind's sequence of one session. Locked while filing."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, verbose_name="会议")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    last = models.PositiveIntegerField("已用最大号", default=0)

    class Meta:
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"
        constraints = [models.UniqueConstraint(fields=["session", "kind"], name="one_sequence_per_kind")]


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[Status.ASSIGNED, Status.HANDLING, Status.REHANDLING])


class CaseManager(models.Manager.from_queryset(CaseQuerySet)):
    """Cases without their search vector (kilobytes of bigrams a row) unless a query asks for it;
    filtering on it needs no loading. Saving still writes it (Case.save sets it first)."""

    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


class Case(models.Model):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="cases", verbose_name="届次")
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="会议",
        help_text="大会提案提交时确定；平时提案立案时取立案前最近一次会议",
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.PROPOSAL)
    number = models.PositiveIntegerField("编号", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField("来源", max_length=20, choices=Source.choices, blank=True)

    title = models.CharField("案由", max_length=100)
    facts = models.TextField("情况分析", blank=True)
    suggestions = models.TextField("办法建议", blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, verbose_name="类别")

    is_public = models.BooleanField("同意公开", default=True)
    not_public_reason = models.CharField("不公开理由", max_length=300, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("修改时间")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    filed_at = models.DateTimeField("立案时间", null=True, blank=True)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True, help_text="本轮答复全部审核通过的时间")
    rating_deadline = models.DateField("评价截止", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    # Review outcome details.
    recommendation = models.CharField("初审意见", max_length=20, blank=True)
    recommendation_reason = models.TextField("初审理由", blank=True)
    recommended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="初审人"
    )
    conversion_consent = models.CharField("提案人同意转为建议的记录", max_length=300, blank=True)
    rejection_ground = models.ForeignKey(
        RejectionGround, on_delete=models.PROTECT, null=True, blank=True, verbose_name="不予立案理由"
    )
    status_reason = models.TextField("最近一次退回/撤案/不予立案说明", blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases", verbose_name="并入"
    )

    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    is_key = models.BooleanField("重点提案", default=False)
    follow_up_done = models.BooleanField("回头看已完成", default=False)
    # CJK bigrams + ASCII words of title, facts, suggestions and number (proposals.search); GIN-indexed on PostgreSQL.
    search_vector = CaseSearchVectorField("检索词", null=True, blank=True, editable=False)

    objects = CaseManager()

    class Meta:
        verbose_name = "提案"
        verbose_name_plural = "提案"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "number"], condition=Q(number__isnull=False), name="unique_case_number"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["term", "status"]),
            models.Index(fields=["submitted_at"]),
            models.Index(fields=["filed_at"]),
            # The lists' filters and orderings (issue 8); the GIN index on search_vector is PostgreSQL-only
            # and lives in migration 0005.
            models.Index(fields=["status", "-id"], name="case_status_id"),
            models.Index(fields=["kind", "-id"], name="case_kind_id"),
            models.Index(fields=["category", "-id"], name="case_category_id"),
            models.Index(fields=["session", "kind", "number", "id"], name="case_session_number"),
            models.Index(fields=["-submitted_at", "-id"], name="case_submitted_id"),
            models.Index(fields=["title", "id"], name="case_title_id"),
            models.Index(fields=["-published_at", "-id"], name="case_published_id"),
            models.Index(fields=["-id"], condition=Q(is_key=True), name="case_key_id"),
            # The workbench queues: one state, oldest step first.
            models.Index(fields=["status", "submitted_at", "id"], name="case_status_submitted"),
            models.Index(fields=["status", "filed_at", "id"], name="case_status_filed"),
            models.Index(fields=["status", "replied_at", "id"], name="case_status_replied"),
            models.Index(fields=["status", "closed_at", "id"], name="case_status_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.display_number or '（未编号）'} {self.title}"

    def save(self, *args, **kwargs):
        # The search index follows the text on every save, whichever code path saves.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCH_SOURCE_FIELDS & set(update_fields):
            self.search_vector = search_vector_of(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_vector"}
        super().save(*args, **kwargs)

    @property
    def display_number(self) -> str:
        if self.number is None or self.session_id is None:
            return ""
        prefix = "建议" if self.kind == Kind.SUGGESTION else ""
        return f"{self.session.name} {prefix}第{self.number:03d}号"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_BY_KIND.get(self.kind, {}).get(self.status, self.get_status_display())

    @property
    def initiator(self):
        for proposer in self.proposers.all():
            if proposer.is_initiator:
                return proposer
        return None


class Proposer(models.Model):
    """One proposer of a case: the initiator (order 0) or a co-signer (附议人).

    A collective proposer (party, sector, group, committee) acts through the member it names
    (``user``) and keeps its sealed scan. The sector/committee/group columns are a snapshot
    taken at submission, so statistics never move when a member changes committee.
    """

    class Role(models.TextChoices):
        INITIATOR = "initiator", "领衔人"
        COSIGNER = "cosigner", "附议人"
        MERGED = "merged", "并案提案人"

    class Collective(models.TextChoices):
        NONE = "", "个人"
        ORGANISATION = "organisation", "党派团体"
        SECTOR = "sector", "界别"
        GROUP = "group", "委员小组/联组"
        COMMITTEE = "committee", "专委会"

    class Confirmation(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DECLINED = "declined", "已谢绝"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proposers", verbose_name="提案")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="proposer_rows", verbose_name="委员")
    role = models.CharField("身份", max_length=20, choices=Role.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    collective = models.CharField("集体提案", max_length=20, choices=Collective.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, verbose_name="党派团体"
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name="界别")
    committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, null=True, blank=True, verbose_name="专委会"
    )
    group = models.ForeignKey(MemberGroup, on_delete=models.PROTECT, null=True, blank=True, verbose_name="委员小组")
    confirmation = models.CharField(
        "附议确认", max_length=20, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="代为确认人"
    )

    class Meta:
        verbose_name = "提案人"
        verbose_name_plural = "提案人"
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_row_per_proposer")]
        indexes = [models.Index(fields=["user", "case"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.user}"

    @property
    def is_initiator(self) -> bool:
        return self.role == self.Role.INITIATOR

    @property
    def counts(self) -> bool:
        """Whether this row is a proposer of the case (rates, is notified, is counted)."""
        return self.role != self.Role.COSIGNER or self.confirmation == self.Confirmation.CONFIRMED

    @property
    def display_name(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        if self.collective == self.Collective.SECTOR and self.sector_id:
            return f"{self.sector.name}界别"
        if self.collective == self.Collective.GROUP and self.group_id:
            return self.group.name
        if self.collective == self.Collective.COMMITTEE and self.committee_id:
            return self.committee.name
        return self.user.display_name
