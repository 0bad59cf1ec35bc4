"""Cases (提案/建议) and everything that happens to them.

Workflow fields (status, number, kind, assignment states, replies, ratings) are written only
by proposals.services; the admin shows them read-only. The states and actions are those of
DOMAIN.md's reference workflow table, kept as data in proposals.workflow.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from members.models import MemberGroup, Organisation, Sector, Session, SpecialCommittee, Term, Unit

from .search import SOURCE_FIELDS as SEARCH_SOURCE_FIELDS, CaseSearchVectorField, vector_of as search_vector_of

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
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="会议",
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
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, verbose_name="党派团体")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, null=True, blank=True, verbose_name="界别")
    committee = models.ForeignKey(SpecialCommittee, on_delete=models.PROTECT, null=True, blank=True, verbose_name="专委会")
    group = models.ForeignKey(MemberGroup, on_delete=models.PROTECT, null=True, blank=True, verbose_name="委员小组")
    confirmation = models.CharField("附议确认", max_length=20, choices=Confirmation.choices, default=Confirmation.PENDING)
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


class Assignment(models.Model):
    """One handling unit's part of a case, with its own state (DOMAIN.md: assignment states)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments", verbose_name="提案")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name="承办单位")
    role = models.CharField("办理方式", max_length=20, choices=AssignmentRole.choices)
    status = models.CharField("状态", max_length=30, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    assigned_at = models.DateTimeField("交办时间")
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="交办人")
    return_deadline = models.DateField("申请退回截止")
    due_date = models.DateField("答复期限")
    original_due_date = models.DateField("原答复期限")
    views_due = models.DateField("会办意见期限", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    deemed_signed = models.BooleanField("逾期视为签收", default=False)
    views_sent_at = models.DateTimeField("会办意见送达", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    accepted_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    first_accepted_at = models.DateTimeField("首轮审核通过时间", null=True, blank=True)
    ended_at = models.DateTimeField("改派时间", null=True, blank=True)
    return_reason = models.TextField("申请退回理由", blank=True)
    return_suggested_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="建议改交单位"
    )
    decision_reason = models.TextField("审核意见", blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="改派为"
    )

    class Meta:
        verbose_name = "交办"
        verbose_name_plural = "交办"
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "unit"], condition=~Q(status="withdrawn_from_unit"), name="one_live_assignment_per_unit"
            )
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_role_display()}"

    @property
    def is_live(self) -> bool:
        return self.status != AssignmentStatus.WITHDRAWN_FROM_UNIT

    @property
    def replies_to_proposer(self) -> bool:
        """Lead and separate units reply; co-handlers send their views to the lead."""
        return self.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE)


class Reply(models.Model):
    """A reply letter. One row per round and submission; a draft is saved before it is sent."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "审核通过"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies", verbose_name="交办")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies", verbose_name="提案")
    round = models.PositiveSmallIntegerField("轮次")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    reply_class = models.CharField("答复类别", max_length=1, choices=ReplyClass.choices, blank=True)
    original_class = models.CharField("单位所报类别", max_length=1, choices=ReplyClass.choices, blank=True)
    letter = models.TextField("答复内容", blank=True)
    signer = models.CharField("签发人", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    letter_file = models.ForeignKey(
        "Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="盖章答复函"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="填写人")
    updated_at = models.DateTimeField("保存时间")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人")
    decision_reason = models.TextField("退回理由", blank=True)

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["assignment", "round", "id"]
        # The 回头看 lists look for accepted B-class replies: few rows, found without a scan.
        indexes = [models.Index(fields=["assignment"], condition=Q(state="accepted", reply_class="B"), name="reply_b_accepted")]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "round"], condition=Q(state="draft"), name="one_reply_draft_per_round"
            )
        ]


class Rating(models.Model):
    """A proposer's rating of one replying assignment in one round, on two dimensions."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings", verbose_name="提案")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="ratings", verbose_name="交办")
    proposer = models.ForeignKey(Proposer, on_delete=models.CASCADE, related_name="ratings", verbose_name="提案人")
    round = models.PositiveSmallIntegerField("轮次")
    reply_rating = models.CharField("对答复的评价", max_length=20, choices=Satisfaction.choices)
    contact_rating = models.CharField("对沟通态度的评价", max_length=20, choices=Satisfaction.choices)
    comment = models.TextField("意见", blank=True)
    rated_at = models.DateTimeField("评价时间")
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="代录人"
    )

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["case", "round", "id"]
        # A unit's newest ratings: read from the index through its assignments, not by a table scan.
        indexes = [models.Index(fields=["assignment", "rated_at", "id"], name="rating_assignment_rated")]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round", "proposer"], name="one_rating_per_round")
        ]

    @property
    def is_unsatisfied(self) -> bool:
        return Satisfaction.UNSATISFIED in (self.reply_rating, self.contact_rating)


class ContactRecord(models.Model):
    class Way(models.TextChoices):
        PHONE = "phone", "电话"
        VISIT = "visit", "走访"
        MEETING = "meeting", "座谈"
        INSPECTION = "inspection", "视察"

    class Point(models.TextChoices):
        """At which point of handling the unit contacted the proposer (the seed's three points)."""

        INTAKE = "intake", "接案"
        HANDLING = "handling", "办理"
        REPLY = "reply", "答复"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts", verbose_name="提案")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts", verbose_name="交办")
    way = models.CharField("方式", max_length=20, choices=Way.choices)
    point = models.CharField("沟通环节", max_length=20, choices=Point.choices, default=Point.HANDLING)
    date = models.DateField("日期")
    people = models.CharField("参加人员", max_length=300)
    summary = models.TextField("沟通情况")
    face_to_face = models.BooleanField("面商", default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "沟通记录"
        verbose_name_plural = "沟通记录"
        ordering = ["case", "date", "id"]


class CoHandlerView(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="views", verbose_name="会办交办")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="co_views", verbose_name="提案")
    text = models.TextField("会办意见")
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="送达人")
    sent_at = models.DateTimeField("送达时间")

    class Meta:
        verbose_name = "会办意见"
        verbose_name_plural = "会办意见"
        ordering = ["case", "id"]


class Extension(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions", verbose_name="交办")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions", verbose_name="提案")
    reason = models.TextField("延期理由")
    requested_due = models.DateField("申请延至")
    approved_due = models.DateField("批准延至", null=True, blank=True, help_text="工作人员批准的期限，可能不同于申请的日期")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(state="pending"), name="one_pending_extension")
        ]


class FollowUp(models.Model):
    """回头看: what was delivered of a B-class commitment after closing."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name="提案")
    date = models.DateField("日期")
    content = models.TextField("落实情况")
    done = models.BooleanField("已全部落实", default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "回头看记录"
        verbose_name_plural = "回头看记录"
        ordering = ["case", "date", "id"]


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
    designated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确定人")
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


def upload_path(instance: "Attachment", filename: str) -> str:
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


class AuditEventQuerySet(models.QuerySet):
    """Bulk paths refuse too: queryset update() and delete() would bypass the model's save/delete."""

    def update(self, **kwargs):
        raise PermissionError("审计事件只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计事件不能删除。")


class AuditEvent(models.Model):
    """The one append-only audit trail: workflow actions, refusals, and later logins and exports.

    Each row carries a hash over its content and the previous row's hash; rows are appended
    under a lock (proposals.audit) so the chain stays linear. The ORM refuses update and
    delete, and database triggers (migration 0002) refuse UPDATE and DELETE on both databases.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        REFUSED = "refused", "拒绝"
        FAILURE = "failure", "失败"

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    actor_label = models.CharField("操作人标识", max_length=150, help_text="用户名；系统任务为 system")
    on_behalf_of = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="代表"
    )
    action = models.CharField("事件", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象ID", max_length=50, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name="提案"
    )
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    data = models.JSONField("数据", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["seq"]
        indexes = [models.Index(fields=["case", "seq"]), models.Index(fields=["actor", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计事件只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计事件不能删除。")


class WorkflowSetting(models.Model):
    """An administrator's value for one workflow setting; defaults live in proposals.settings_registry."""

    key = models.CharField("设置项", max_length=60, unique=True)
    value = models.JSONField("值")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="修改人")

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
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="收件人")
    address = models.CharField("地址/号码", max_length=200)
    subject = models.CharField("标题", max_length=200, blank=True)
    body = models.TextField("内容")
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
        verbose_name = "待发消息"
        verbose_name_plural = "待发消息"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]


# --- Notifications (issue 6): the in-app centre, channel preferences, reminder claims ------------

class Notification(models.Model):
    """One in-app notice to one user; email/SMS copies go through OutboxMessage."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="提案")
    event = models.CharField("事件类型", max_length=50)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.title}"


class NotificationPreference(models.Model):
    """A user's channels for one kind of event (in-app is always on). No row: the kind's default."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences", verbose_name="用户")
    event = models.CharField("事件类型", max_length=50)
    email = models.BooleanField("邮件", default=True)
    sms = models.BooleanField("短信", default=False)

    class Meta:
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")]


class Reminder(models.Model):
    """A deadline reminder already sent: the unique key makes send_reminders idempotent across servers."""

    key = models.CharField("提醒键", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=30)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="提案")
    due = models.DateField("期限")
    created_at = models.DateTimeField("发送时间")

    class Meta:
        verbose_name = "到期提醒"
        verbose_name_plural = "到期提醒"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
