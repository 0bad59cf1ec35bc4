"""Handling a case: one assignment per unit, its replies, ratings, contacts, co-handlers' views,
extensions and 回头看 follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from members.models import Unit

from .cases import AssignmentRole, AssignmentStatus, Case, Proposer, ReplyClass, Satisfaction

User = settings.AUTH_USER_MODEL


# The case states in which units work on a case (workflow.IN_HANDLING, repeated here because
# workflow imports the models; tests/proposals/test_overdue.py checks the two agree).
HANDLING_CASE_STATES = ("assigned", "handling", "rehandling")
# An assignment owes its next step in these states: a reply (lead, separate) or its views (co-handler).
OWING_STATES = (AssignmentStatus.PENDING, AssignmentStatus.RETURN_REQUESTED, AssignmentStatus.SIGNED)
REPLYING = (AssignmentRole.LEAD, AssignmentRole.SEPARATE)


def overdue_q(today, prefix: str = "") -> Q:
    """THE definition of "overdue" (逾期), for the case list, the overdue board, the API and statistics:
    an assignment of a case in handling that still owes its step — a reply past its due date (lead,
    separate) or a co-handler's views past their date. A co-handler that sent its views never is.
    ``prefix`` lets a query on another model reach the assignment (e.g. ``"assignments__"``)."""

    def f(name: str) -> str:
        return prefix + name

    owing = Q(**{f("status__in"): OWING_STATES, f("case__status__in"): HANDLING_CASE_STATES})
    late_reply = Q(**{f("role__in"): REPLYING, f("due_date__lt"): today})
    late_views = Q(**{f("role"): AssignmentRole.CO, f("views_due__lt"): today})
    return owing & (late_reply | late_views)


class AssignmentQuerySet(models.QuerySet):
    def live(self) -> AssignmentQuerySet:
        return self.exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)

    def overdue(self, today) -> AssignmentQuerySet:
        return self.filter(overdue_q(today))


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

    objects = AssignmentQuerySet.as_manager()

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
    def step_due(self):
        """THE due date of this assignment, everywhere (case page, notices, reminders, overdue board): a
        co-handler's views date, everyone else's reply date."""
        if self.role == AssignmentRole.CO and self.views_due:
            return self.views_due
        return self.due_date

    @property
    def step_due_label(self) -> str:
        return "会办意见期限" if self.role == AssignmentRole.CO and self.views_due else "答复期限"

    def is_overdue(self, today) -> bool:
        """The one definition (overdue_q) for one row in hand: owes its step and is past its due date."""
        due = self.views_due if self.role == AssignmentRole.CO else self.due_date
        return (
            self.status in OWING_STATES and self.case.status in HANDLING_CASE_STATES and due is not None and due < today
        )

    @property
    def is_live(self) -> bool:
        return self.status != AssignmentStatus.WITHDRAWN_FROM_UNIT

    @property
    def replies_to_proposer(self) -> bool:
        """Lead and separate units reply; co-handlers send their views to the lead."""
        return self.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE)


class ReplyQuerySet(models.QuerySet):
    def draft_of(self, assignment: Assignment) -> Reply | None:
        """The unit's saved, unsent reply of the assignment's current round (the one draft there is)."""
        return self.filter(assignment=assignment, round=assignment.round, state=Reply.State.DRAFT).first()


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
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人"
    )
    decision_reason = models.TextField("退回理由", blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["assignment", "round", "id"]
        # The 回头看 lists look for accepted B-class replies: few rows, found without a scan.
        indexes = [
            models.Index(fields=["assignment"], condition=Q(state="accepted", reply_class="B"), name="reply_b_accepted")
        ]
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
        constraints = [models.UniqueConstraint(fields=["assignment", "round", "proposer"], name="one_rating_per_round")]


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
    approved_due = models.DateField(
        "批准延至", null=True, blank=True, help_text="工作人员批准的期限，可能不同于申请的日期"
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审批人"
    )
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
