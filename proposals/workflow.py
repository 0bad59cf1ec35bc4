"""The reference workflow of DOMAIN.md as data, and the checks it drives.

One table (ACTIONS) says, for every action: who may take it, from which case states (and, for
actions on one unit's assignment, from which assignment states and roles), where it leads,
what data it needs and whether proposers see it in their timeline. From it come:

- ``check()``: the server-side gate of every service function — visibility (404), actor (403),
  state (409) in that order; the service then validates the data (400);
- ``available_actions()``: the buttons on a case page and ``GET /api/cases/{id}/actions/``;
- the generated tests (tests/test_workflow_table.py) and the API's one route per action.

Guards are the workflow rules that depend on more than the state (a window that has passed,
a rating that must exist); they live here too, beside the table, and answer with a conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from members.models import User

from core import clock

from . import settings_registry
from .errors import WorkflowError, conflict, forbidden, not_found
from .models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    ContactRecord,
    Extension,
    KeyProposal,
    Kind,
    Proposer,
    Reply,
    ReplyClass,
    Satisfaction,
    Status,
    SupervisionActivity,
)

# Actor tokens (how a user relates to a case) and relations() live in proposals.relations, which
# access.py uses too; they are re-exported here because the table is written in them.
from .relations import (  # noqa: F401
    ACTOR_LABELS,
    COSIGNER,
    CREATOR,
    INITIATOR,
    LEADER,
    PROPOSER,
    PROXY,
    REVIEWER,
    STAFF,
    SYSTEM,
    UNIT,
    relations,
    unit_ids,
)

S = Status
A = AssignmentStatus
PRE_SUBMIT = frozenset({S.DRAFT, S.RETURNED})
IN_HANDLING = frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING})
KEY_STATES = frozenset({S.FILED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING})
ALL_STATES = frozenset(Status.values)
# A case may be merged (并案) only into a host of its kind that is filed or later.
MERGE_HOST_STATES = frozenset({S.FILED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.CLOSED})
WORKING_ASSIGNMENT = frozenset({A.SIGNED, A.VIEWS_SENT, A.REPLIED, A.ACCEPTED})
REPLYING_ROLES = frozenset({AssignmentRole.LEAD, AssignmentRole.SEPARATE})


@dataclass(frozen=True)
class FieldSpec:
    """One input of an action. ``type`` is one of: text, string, choice, date, bool, id, ids, units."""

    name: str
    label: str
    type: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    help: str = ""


@dataclass(frozen=True)
class ActionDef:
    name: str
    label: str
    actors: frozenset[str]
    states: frozenset[str]
    to_state: str | None = None  # None: the case state does not change (or the service decides)
    scope: str = "case"  # or "assignment": the body names one unit's assignment
    assignment_states: frozenset[str] = frozenset()
    assignment_roles: frozenset[str] = frozenset(AssignmentRole.values)
    assignment_to: str | None = None
    kinds: frozenset[str] = frozenset(Kind.values)
    fields: tuple[FieldSpec, ...] = ()
    proposer_visible: bool = False
    guard: Callable[[Context], None] | None = None
    description: str = ""

    @property
    def on_assignment(self) -> bool:
        return self.scope == "assignment"


@dataclass
class Context:
    """What a check found out; services act on it."""

    action: ActionDef
    user: User | None  # None: the system (a scheduled command)
    case: Case
    relations: frozenset[str]
    assignment: Assignment | None = None
    extra: dict = field(default_factory=dict)

    @property
    def is_system(self) -> bool:
        return self.user is None

    @property
    def actor(self) -> User:
        """The user acting; the system's actions (user None) are refused here, not silently recorded."""
        if self.user is None:
            raise forbidden("actor_not_allowed", "系统不能执行此操作。")
        return self.user

    @property
    def unit_assignment(self) -> Assignment:
        """The assignment an action on one unit's assignment names; check() refused the action without one."""
        if self.assignment is None:
            raise not_found("assignment_not_found", "未找到该交办记录。")
        return self.assignment


# --- Guards ------------------------------------------------------------------------------------


def _guard_cosign(ctx: Context) -> None:
    if COSIGNER in ctx.relations and STAFF not in ctx.relations:
        row = ctx.case.proposers.get(user=ctx.user)
        if row.confirmation != Proposer.Confirmation.PENDING:
            raise conflict("cosign_already_answered", f"您已{row.get_confirmation_display()}，无需重复操作。")


def _guard_cosign_on_behalf(ctx: Context) -> None:
    """Staff answer for a co-signer only while one is still pending (else the button could not succeed)."""
    if COSIGNER in ctx.relations and STAFF not in ctx.relations:
        _guard_cosign(ctx)
        return
    if COSIGNER in ctx.relations:
        row = ctx.case.proposers.filter(user=ctx.user, role=Proposer.Role.COSIGNER).first()
        if row is not None and row.confirmation == Proposer.Confirmation.PENDING:
            return
    pending = ctx.case.proposers.filter(role=Proposer.Role.COSIGNER, confirmation=Proposer.Confirmation.PENDING)
    if not pending.exists():
        raise conflict("no_cosigner_pending", "没有待确认的附议人。")


def _guard_merge(ctx: Context) -> None:
    """A case can be merged only when a host exists: another case of its kind, filed or later."""
    hosts = Case.objects.filter(kind=ctx.case.kind, status__in=MERGE_HOST_STATES).exclude(pk=ctx.case.pk)
    if not hosts.exists():
        raise conflict("no_merge_host", f"没有可并入的已立案{ctx.case.get_kind_display()}。")


def _guard_reassign(ctx: Context) -> None:
    """改派/增派 needs a unit to go to: an active unit that does not hold the case already."""
    from members.models import Unit

    held = [a.unit_id for a in ctx.case.assignments.all() if a.is_live]
    if not Unit.objects.filter(active=True).exclude(pk__in=held).exists():
        raise conflict("no_free_unit", "所有承办单位均已在办理本提案，没有可改派或增派的单位。")


def _guard_submit(ctx: Context) -> None:
    pending = [
        p.user.display_name
        for p in ctx.case.proposers.all()
        if p.confirmation == Proposer.Confirmation.PENDING and p.role == Proposer.Role.COSIGNER
    ]
    if pending:
        raise conflict("cosigners_pending", f"还有附议人未确认：{'、'.join(pending)}。请等待确认或移除后再提交。")


def _guard_deem_signed(ctx: Context) -> None:
    if not settings_registry.get("deemed_signed_enabled"):
        raise conflict("deemed_signing_off", "“逾期视为签收”已关闭。")
    if clock.today() <= ctx.unit_assignment.return_deadline:
        raise conflict("return_window_open", "申请退回期限未过，不能视为签收。")


def _guard_request_return(ctx: Context) -> None:
    if clock.today() > ctx.unit_assignment.return_deadline:
        raise conflict(
            "return_window_closed",
            f"申请退回期限已过（截止 {ctx.unit_assignment.return_deadline:%Y年%m月%d日}），请签收办理。",
        )


def _pending_extension(ctx: Context) -> Extension | None:
    return ctx.unit_assignment.extensions.filter(state=Extension.State.PENDING).first()


def _guard_request_extension(ctx: Context) -> None:
    if _pending_extension(ctx):
        raise conflict("extension_pending", "已有一份延期申请正在审批。")


def _guard_decide_extension(ctx: Context) -> None:
    extension = _pending_extension(ctx)
    if extension is None:
        raise conflict("no_pending_extension", "该单位没有待审批的延期申请。")
    ctx.extra["extension"] = extension


def _guard_rate(ctx: Context) -> None:
    case, assignment = ctx.case, ctx.unit_assignment
    if not settings_registry.needs_rating(case.kind):
        raise conflict("rating_not_needed", f"{case.get_kind_display()}无需评价。")
    if assignment.round != case.round:
        raise conflict("not_in_current_round", "该单位本轮未重新答复，无需再次评价。")
    if case.rating_deadline and clock.today() > case.rating_deadline:
        raise conflict("rating_window_closed", f"评价期限已过（截止 {case.rating_deadline:%Y年%m月%d日}）。")
    if PROPOSER in ctx.relations and STAFF not in ctx.relations:
        proposer = next(p for p in case.proposers.all() if p.user_id == ctx.actor.pk)
        if assignment.ratings.filter(round=case.round, proposer=proposer).exists():
            raise conflict("already_rated", "您已对该单位本轮答复作出评价。")
    elif STAFF in ctx.relations:
        # Staff record a paper form for a proposer who still owes a rating; with none left there is nothing to record.
        rated = set(assignment.ratings.filter(round=case.round).values_list("proposer_id", flat=True))
        if not any(p.counts and p.pk not in rated for p in case.proposers.all()):
            raise conflict("all_rated", "全部提案人均已对该单位本轮答复作出评价。")


def _guard_rehandle(ctx: Context) -> None:
    case = ctx.case
    if case.round - 1 >= settings_registry.get("rehandle_max"):
        raise conflict("rehandle_limit", "已达到重新办理次数上限。")
    unsatisfied = case.ratings.filter(round=case.round).filter(
        reply_rating=Satisfaction.UNSATISFIED
    ) | case.ratings.filter(round=case.round, contact_rating=Satisfaction.UNSATISFIED)
    if not unsatisfied.exists():
        raise conflict("no_unsatisfied_rating", "本轮没有“不满意”评价，不能重新办理。")


def ratings_outstanding(case: Case) -> list[tuple[Proposer, Assignment]]:
    """(proposer, assignment) pairs of the current round that still owe a rating."""
    if not settings_registry.needs_rating(case.kind):
        return []
    proposers = [p for p in case.proposers.all() if p.counts]
    assignments = [
        a
        for a in case.assignments.all()
        if a.role in REPLYING_ROLES and a.status == A.ACCEPTED and a.round == case.round
    ]
    if "ratings" in getattr(case, "_prefetched_objects_cache", {}):
        # Statistics prefetch ratings for many cases at once; one query per case otherwise.
        rated = {(r.proposer_id, r.assignment_id) for r in case.ratings.all() if r.round == case.round}
    else:
        rated = set(case.ratings.filter(round=case.round).values_list("proposer_id", "assignment_id"))
    return [(p, a) for a in assignments for p in proposers if (p.pk, a.pk) not in rated]


def _guard_close(ctx: Context) -> None:
    case = ctx.case
    window_open = case.rating_deadline is not None and clock.today() <= case.rating_deadline
    if window_open and ratings_outstanding(case):
        raise conflict(
            "ratings_outstanding",
            f"仍有提案人未评价，评价期限至 {case.rating_deadline:%Y年%m月%d日}；请待全部评价或期限届满后办结。",
        )


# A B-class reply (正在解决或列入计划), once accepted, owes a 回头看; the workbenches list by the same rule.
FOLLOW_UP_OWED = {"state": Reply.State.ACCEPTED, "reply_class": ReplyClass.B}


def _guard_follow_up(ctx: Context) -> None:
    case = ctx.case
    if case.follow_up_done:
        raise conflict("follow_up_done", "回头看已标记全部落实。")
    if not case.replies.filter(**FOLLOW_UP_OWED).exists():
        raise conflict("not_class_b", "只有 B 类答复（正在解决或列入计划）需要回头看。")


def _guard_recommend_key(ctx: Context) -> None:
    if KeyProposal.objects.filter(case=ctx.case).exists():
        raise conflict("already_key", "该提案已被推荐或确定为重点提案。")


def _guard_designate_key(ctx: Context) -> None:
    key = KeyProposal.objects.filter(case=ctx.case).first()
    if key is None:
        raise conflict("not_recommended", "请先由提案委推荐为重点提案。")
    if key.state == KeyProposal.State.DESIGNATED:
        raise conflict("already_key", "该提案已确定为重点提案。")
    ctx.extra["key"] = key


def _guard_log_supervision(ctx: Context) -> None:
    if not ctx.case.is_key:
        raise conflict("not_key", "只有重点提案才有督办记录。")


def _guard_publish(ctx: Context) -> None:
    case = ctx.case
    if case.published_at:
        raise conflict("already_published", "该提案已公开。")
    if not case.is_public:
        raise conflict("not_public", f"提案人或提案委已设为不公开：{case.not_public_reason or '（未说明理由）'}")


# --- The table -----------------------------------------------------------------------------------

REASON = FieldSpec("reason", "理由", "text", max_length=2000)
SATISFACTION_CHOICES = tuple(Satisfaction.choices)
CLASS_CHOICES = tuple((c, c) for c in ReplyClass.values)

_ACTIONS = [
    ActionDef(
        "cosign",
        "附议确认",
        frozenset({COSIGNER, STAFF}),
        PRE_SUBMIT,
        fields=(
            FieldSpec("proposer", "代为确认的附议人（提案委凭签名件代录时填写）", "id", required=False),
            FieldSpec("scan", "附议签名扫描件（代录时必填）", "id", required=False),
        ),
        proposer_visible=True,
        guard=_guard_cosign_on_behalf,
    ),
    ActionDef(
        "decline_cosign",
        "谢绝附议",
        frozenset({COSIGNER, STAFF}),
        PRE_SUBMIT,
        fields=(
            FieldSpec("proposer", "代为谢绝的附议人（提案委代录时填写）", "id", required=False),
            FieldSpec("scan", "签名扫描件（代录时必填）", "id", required=False),
            FieldSpec("reason", "说明", "text", required=False, max_length=500),
        ),
        proposer_visible=True,
        guard=_guard_cosign_on_behalf,
    ),
    ActionDef(
        "submit",
        "提交",
        frozenset({INITIATOR, CREATOR, PROXY}),  # any staff member submits a case staff entered (issue 13)
        PRE_SUBMIT,
        S.SUBMITTED,
        proposer_visible=True,
        guard=_guard_submit,
    ),
    ActionDef(
        "withdraw",
        "撤案",
        frozenset({INITIATOR}),
        frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}),
        S.WITHDRAWN,
        fields=(REASON,),
        proposer_visible=True,
    ),
    ActionDef(
        "recommend",
        "初审意见",
        frozenset({STAFF}),
        frozenset({S.SUBMITTED}),
        fields=(
            FieldSpec(
                "outcome",
                "建议处理",
                "choice",
                choices=(
                    ("file", "立案"),
                    ("convert", "转为建议"),
                    ("merge", "并案"),
                    ("reject", "不予立案"),
                    ("return", "退回修改"),
                ),
            ),
            REASON,
        ),
    ),
    ActionDef(
        "edit_for_review",
        "审查修改",
        frozenset({STAFF, REVIEWER}),
        frozenset({S.SUBMITTED}),
        fields=(
            FieldSpec("title", "案由", "string", required=False, max_length=100),
            FieldSpec("category", "类别", "id", required=False),
            FieldSpec("note", "修改说明", "text", required=False, max_length=500),
        ),
        proposer_visible=True,
    ),
    ActionDef(
        "return_for_revision",
        "退回修改",
        frozenset({REVIEWER, STAFF}),
        frozenset({S.SUBMITTED}),
        S.RETURNED,
        fields=(REASON,),
        proposer_visible=True,
    ),
    ActionDef("file", "立案", frozenset({REVIEWER}), frozenset({S.SUBMITTED}), S.FILED, proposer_visible=True),
    ActionDef(
        "convert_to_suggestion",
        "转为建议",
        frozenset({REVIEWER}),
        frozenset({S.SUBMITTED}),
        S.FILED,
        kinds=frozenset({Kind.PROPOSAL}),
        fields=(
            REASON,
            FieldSpec("consent", "提案人同意的记录（何时、以何种方式同意）", "string", max_length=300),
        ),
        proposer_visible=True,
    ),
    ActionDef(
        "reject",
        "不予立案",
        frozenset({REVIEWER}),
        frozenset({S.SUBMITTED}),
        S.REJECTED,
        fields=(
            FieldSpec("ground", "不予立案理由", "id"),
            FieldSpec("message", "致提案人的说明", "text", max_length=2000),
        ),
        proposer_visible=True,
    ),
    ActionDef(
        "merge",
        "并案",
        frozenset({REVIEWER}),
        frozenset({S.SUBMITTED, S.FILED}),
        S.MERGED,
        fields=(
            FieldSpec("host", "并入的提案", "id"),
            FieldSpec("reason", "说明", "text", required=False, max_length=1000),
        ),
        proposer_visible=True,
        guard=_guard_merge,
    ),
    ActionDef(
        "assign",
        "交办",
        frozenset({STAFF}),
        frozenset({S.FILED}),
        S.ASSIGNED,
        fields=(
            FieldSpec("units", "承办单位及办理方式", "units", help="单办：一个主办单位；主办+会办；或两个以上分办单位"),
        ),
        proposer_visible=True,
    ),
    ActionDef(
        "reassign",
        "改派/增派",
        frozenset({STAFF}),
        IN_HANDLING,
        fields=(
            FieldSpec("replace", "被改派的交办（增派时不填）", "id", required=False),
            FieldSpec("unit", "新承办单位", "id"),
            FieldSpec(
                "role",
                "办理方式（改派时默认沿用原方式）",
                "choice",
                required=False,
                choices=tuple(AssignmentRole.choices),
            ),
            FieldSpec("reason", "理由", "text", max_length=1000),
        ),
        proposer_visible=True,
        guard=_guard_reassign,
    ),
    ActionDef(
        "sign",
        "签收",
        frozenset({UNIT}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.PENDING}),
        assignment_to=A.SIGNED,
        proposer_visible=True,
    ),
    ActionDef(
        "deem_signed",
        "逾期视为签收",
        frozenset({SYSTEM}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.PENDING}),
        assignment_to=A.SIGNED,
        proposer_visible=True,
        guard=_guard_deem_signed,
    ),
    ActionDef(
        "request_return",
        "申请退回",
        frozenset({UNIT}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.PENDING}),
        assignment_to=A.RETURN_REQUESTED,
        fields=(REASON, FieldSpec("suggested_unit", "建议改交的单位", "id")),
        guard=_guard_request_return,
    ),
    ActionDef(
        "approve_return",
        "同意退回",
        frozenset({STAFF}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.RETURN_REQUESTED}),
        assignment_to=A.WITHDRAWN_FROM_UNIT,
        fields=(REASON,),
    ),
    ActionDef(
        "refuse_return",
        "不同意退回",
        frozenset({STAFF}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.RETURN_REQUESTED}),
        assignment_to=A.PENDING,
        fields=(REASON,),
    ),
    ActionDef(
        "log_contact",
        "沟通记录",
        frozenset({UNIT}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=WORKING_ASSIGNMENT,
        fields=(
            FieldSpec("way", "方式", "choice", choices=tuple(ContactRecord.Way.choices)),
            FieldSpec("point", "沟通环节", "choice", choices=tuple(ContactRecord.Point.choices)),
            FieldSpec("date", "日期", "date"),
            FieldSpec("people", "参加人员", "string", max_length=300),
            FieldSpec("summary", "沟通情况", "text", max_length=5000),
            FieldSpec("face_to_face", "面商（与提案人当面协商）", "bool", required=False),
        ),
        proposer_visible=True,
    ),
    ActionDef(
        "send_views",
        "会办意见",
        frozenset({UNIT}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.SIGNED}),
        assignment_roles=frozenset({AssignmentRole.CO}),
        assignment_to=A.VIEWS_SENT,
        fields=(FieldSpec("text", "会办意见", "text", max_length=10000),),
    ),
    ActionDef(
        "request_extension",
        "申请延期",
        frozenset({UNIT}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.SIGNED}),
        # Every unit on its own signed assignment: a lead or separate unit its reply date, a co-handler
        # its views date (issue 13).
        fields=(REASON, FieldSpec("due", "申请延至", "date")),
        guard=_guard_request_extension,
    ),
    ActionDef(
        "approve_extension",
        "批准延期",
        frozenset({STAFF}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.SIGNED}),
        fields=(
            FieldSpec("due", "批准延至（默认按申请）", "date", required=False),
            FieldSpec("reason", "审批意见", "text", required=False, max_length=1000),
        ),
        guard=_guard_decide_extension,
    ),
    ActionDef(
        "refuse_extension",
        "不批准延期",
        frozenset({STAFF}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.SIGNED}),
        fields=(REASON,),
        guard=_guard_decide_extension,
    ),
    ActionDef(
        "reply",
        "答复",
        frozenset({UNIT}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.SIGNED}),
        assignment_roles=REPLYING_ROLES,
        assignment_to=A.REPLIED,
        fields=(
            FieldSpec(
                "reply_class",
                "答复类别",
                "choice",
                required=False,
                choices=CLASS_CHOICES,
                help="提案须选择 A/B/C；建议按设置",
            ),
            FieldSpec("letter", "答复内容", "text", max_length=50000),
            FieldSpec("signer", "签发人", "string", max_length=50),
            FieldSpec("contact_person", "联系人", "string", max_length=50),
            FieldSpec("contact_phone", "联系电话", "string", max_length=30),
            FieldSpec("letter_file", "盖章答复函（PDF/OFD）", "id", required=False),
        ),
    ),
    ActionDef(
        "return_reply",
        "退回答复",
        frozenset({STAFF}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.REPLIED}),
        assignment_to=A.SIGNED,
        fields=(REASON,),
    ),
    ActionDef(
        "accept_reply",
        "审核通过答复",
        frozenset({STAFF}),
        IN_HANDLING,
        scope="assignment",
        assignment_states=frozenset({A.REPLIED}),
        assignment_to=A.ACCEPTED,
        fields=(
            FieldSpec("reply_class", "调整答复类别（不调整则不填）", "choice", required=False, choices=CLASS_CHOICES),
            FieldSpec("reason", "调整理由", "text", required=False, max_length=1000),
        ),
        proposer_visible=True,
    ),
    ActionDef(
        "rate",
        "评价",
        frozenset({PROPOSER, STAFF}),
        frozenset({S.REPLIED}),
        scope="assignment",
        assignment_states=frozenset({A.ACCEPTED}),
        assignment_roles=REPLYING_ROLES,
        fields=(
            FieldSpec("reply_rating", "对答复的评价", "choice", choices=SATISFACTION_CHOICES),
            FieldSpec("contact_rating", "对沟通联系和办理态度的评价", "choice", choices=SATISFACTION_CHOICES),
            FieldSpec("comment", "意见和建议", "text", required=False, max_length=2000),
            FieldSpec("proposer", "提案人（提案委代录纸质征询意见表时填写）", "id", required=False),
            FieldSpec("form_scan", "纸质征询意见表扫描件（代录时必填）", "id", required=False),
        ),
        proposer_visible=True,
        guard=_guard_rate,
    ),
    ActionDef(
        "rehandle",
        "重新办理",
        frozenset({STAFF}),
        frozenset({S.REPLIED}),
        S.REHANDLING,
        fields=(FieldSpec("reason", "说明", "text", required=False, max_length=1000),),
        proposer_visible=True,
        guard=_guard_rehandle,
    ),
    ActionDef(
        "close", "办结", frozenset({STAFF}), frozenset({S.REPLIED}), S.CLOSED, proposer_visible=True, guard=_guard_close
    ),
    ActionDef(
        "follow_up",
        "回头看",
        frozenset({STAFF, UNIT}),
        frozenset({S.CLOSED}),
        fields=(
            FieldSpec("date", "日期", "date"),
            FieldSpec("content", "落实情况", "text", max_length=5000),
            FieldSpec("done", "承诺事项已全部落实", "bool", required=False),
        ),
        proposer_visible=True,
        guard=_guard_follow_up,
    ),
    ActionDef(
        "recommend_key",
        "推荐重点提案",
        frozenset({STAFF}),
        KEY_STATES,
        kinds=frozenset({Kind.PROPOSAL}),
        fields=(FieldSpec("leaders", "督办领导", "ids"), FieldSpec("plan", "督办计划", "text", max_length=5000)),
        guard=_guard_recommend_key,
    ),
    ActionDef(
        "designate_key",
        "确定重点提案",
        frozenset({REVIEWER}),
        KEY_STATES,
        kinds=frozenset({Kind.PROPOSAL}),
        fields=(
            FieldSpec("leaders", "督办领导（不调整则不填）", "ids", required=False),
            FieldSpec("plan", "督办计划（不调整则不填）", "text", required=False, max_length=5000),
        ),
        proposer_visible=True,
        guard=_guard_designate_key,
    ),
    ActionDef(
        "log_supervision",
        "督办记录",
        frozenset({LEADER, STAFF}),
        frozenset({S.ASSIGNED, S.HANDLING, S.REHANDLING, S.REPLIED}),
        kinds=frozenset({Kind.PROPOSAL}),
        fields=(
            FieldSpec("kind", "形式", "choice", choices=tuple(SupervisionActivity.Kind.choices)),
            FieldSpec("date", "日期", "date"),
            FieldSpec("people", "参加人员", "string", max_length=300),
            FieldSpec("minutes", "纪要", "text", max_length=20000),
            FieldSpec("photos", "照片/材料", "ids", required=False),
        ),
        proposer_visible=True,
        guard=_guard_log_supervision,
    ),
    ActionDef(
        "set_public",
        "公开设置",
        frozenset({PROPOSER, STAFF}),
        ALL_STATES,  # drafts included (issue 13): a proposer may say so before submitting
        fields=(
            FieldSpec("public", "同意公开", "bool", required=False),
            FieldSpec("reason", "不公开理由（不公开时必填）", "text", required=False, max_length=300),
        ),
        proposer_visible=True,
    ),
    ActionDef(
        "publish", "公开", frozenset({STAFF}), frozenset({S.CLOSED}), proposer_visible=True, guard=_guard_publish
    ),
]

ACTIONS: dict[str, ActionDef] = {a.name: a for a in _ACTIONS}


# --- The moves a case makes by itself ---------------------------------------------------------------
# After every action (whoever took it, whichever assignment it named) the runner applies these until
# none applies. They depend only on the live assignments, never on the order in which the units
# signed, replied or were accepted: a lead unit's reply accepted while a co-handler has not signed yet
# moves the case on as soon as every replying assignment is accepted (the co-handler's views are no
# longer needed once the reply they were meant for has been accepted).

UNSIGNED = frozenset({A.PENDING, A.RETURN_REQUESTED})


def _all_replying_accepted(live: list[Assignment]) -> bool:
    replying = [a for a in live if a.role in REPLYING_ROLES]
    return bool(replying) and all(a.status == A.ACCEPTED for a in replying)


def _all_signed(live: list[Assignment]) -> bool:
    return bool(live) and all(a.status not in UNSIGNED for a in live)


def _on_replied(case: Case) -> None:
    from . import workdays

    case.replied_at = clock.now()
    case.rating_deadline = (
        workdays.add_workdays(clock.today(), settings_registry.get("rating_window_workdays"))
        if settings_registry.needs_rating(case.kind)
        else None
    )


@dataclass(frozen=True)
class AutoMove:
    name: str
    states: frozenset[str]
    to_state: str
    when: Callable[[list[Assignment]], bool]
    effect: Callable[[Case], None] | None = None
    description: str = ""


AUTO_MOVES: tuple[AutoMove, ...] = (
    # First: a case whose replies are all accepted is replied, whether or not a co-handler ever signed.
    AutoMove(
        "all_replies_accepted",
        IN_HANDLING,
        S.REPLIED,
        _all_replying_accepted,
        _on_replied,
        "每个答复单位的答复均已审核通过 → 已答复待评价",
    ),
    AutoMove("all_signed", frozenset({S.ASSIGNED}), S.HANDLING, _all_signed, None, "每个承办单位均已签收 → 办理中"),
)


def live_assignments(case: Case) -> list[Assignment]:
    return [a for a in case.assignments.all() if a.is_live]


def automatic_move(case: Case, live: list[Assignment] | None = None) -> AutoMove | None:
    """The automatic move that applies to ``case`` now, or None (the case is where its assignments put it)."""
    if live is None:
        live = live_assignments(case)
    for move in AUTO_MOVES:
        if case.status in move.states and move.when(live):
            return move
    return None


# Timeline entries that are not actions of the table but belong to a case's history.
EXTRA_PROPOSER_EVENTS = frozenset({"create", "edit_draft", "import"})


def get_action(name: str) -> ActionDef:
    try:
        return ACTIONS[name]
    except KeyError:
        raise not_found("action_not_found", f"没有名为“{name}”的操作。")


# --- Checks --------------------------------------------------------------------------------------


def _actor_ok(action: ActionDef, rel: frozenset[str], assignment: Assignment | None, user) -> bool:
    allowed = action.actors & rel
    if not allowed:
        return False
    if action.on_assignment and assignment is not None and allowed == {UNIT}:
        # A unit acts only on its own assignment, whatever the other units are doing.
        return assignment.unit_id in unit_ids(user)
    return True


def check(
    action: ActionDef,
    user,
    case: Case,
    assignment: Assignment | None = None,
    *,
    visible: bool = True,
    rel: frozenset[str] | None = None,
) -> Context:
    """Raise the first failing check's WorkflowError; return the context when the action may go ahead.

    ``visible`` is decided by the caller from visible_cases(user) (system actions see everything);
    ``rel`` may be passed when the caller already computed relations(user, case).
    """
    if not visible:
        raise not_found()
    if action.on_assignment:
        if assignment is None or assignment.case_id != case.pk:
            raise not_found("assignment_not_found", "未找到该交办记录。请在请求中注明 assignment。")
    if rel is None:
        rel = relations(user, case)
    if not _actor_ok(action, rel, assignment, user):
        raise forbidden("actor_not_allowed", f"您无权对此提案执行“{action.label}”。")
    if action.on_assignment and assignment is not None and assignment.role not in action.assignment_roles:
        roles = "、".join(AssignmentRole(r).label for r in sorted(action.assignment_roles))
        raise forbidden("assignment_role_not_allowed", f"“{action.label}”只适用于{roles}单位。")
    if case.kind not in action.kinds:
        raise conflict("wrong_kind", f"{case.get_kind_display()}不能执行“{action.label}”。")
    if case.status not in action.states:
        raise conflict("wrong_state", f"提案当前状态为“{case.status_label}”，不能执行“{action.label}”。")
    if action.on_assignment and assignment is not None and assignment.status not in action.assignment_states:
        raise conflict(
            "wrong_assignment_state",
            f"{assignment.unit.name}的交办状态为“{assignment.get_status_display()}”，不能执行“{action.label}”。",
        )
    ctx = Context(action=action, user=user, case=case, relations=rel, assignment=assignment)
    if action.guard:
        action.guard(ctx)
    return ctx


@dataclass(frozen=True)
class Available:
    action: ActionDef
    assignment: Assignment | None = None


def available_actions(user, case: Case) -> list[Available]:
    """The actions ``user`` may take on ``case`` now (each assignment-level action per assignment).

    The caller has already scoped ``case`` through visible_cases(user).
    """
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([case], "proposers__user", "assignments__unit")
    rel = relations(user, case)
    found: list[Available] = []
    assignments = list(case.assignments.all()) if case.status in IN_HANDLING | {S.REPLIED} else []
    for action in ACTIONS.values():
        if SYSTEM in action.actors and len(action.actors) == 1:
            continue
        if not (action.actors & rel) or case.status not in action.states:
            continue  # cheap pre-filter; check() below gives the authoritative answer
        targets = assignments if action.on_assignment else [None]
        for assignment in targets:
            try:
                check(action, user, case, assignment, rel=rel)
            except WorkflowError:
                continue
            found.append(Available(action, assignment))
    return found


def proposer_visible_actions() -> frozenset[str]:
    return frozenset(a.name for a in ACTIONS.values() if a.proposer_visible) | EXTRA_PROPOSER_EVENTS


# --- Editing a draft ----------------------------------------------------------------------------
# Not an action of the table (it moves no state), but one rule the services, the case page's
# button and the edit page all ask: who may change a draft's text, and when.
DRAFT_EDITORS = frozenset({INITIATOR, CREATOR})


def draft_edit_refusal(user, case: Case, rel: frozenset[str] | None = None) -> WorkflowError | None:
    """Why ``user`` may not edit ``case``'s draft now (None: they may). The caller checked visibility."""
    rel = relations(user, case) if rel is None else rel
    if not DRAFT_EDITORS & rel:
        return forbidden("actor_not_allowed", "只有领衔提案人（或代录的工作人员）可以修改草稿。")
    if case.status not in PRE_SUBMIT:
        return conflict("wrong_state", f"提案当前状态为“{case.status_label}”，不能修改。")
    return None


def can_edit_draft(user, case: Case, rel: frozenset[str] | None = None) -> bool:
    return draft_edit_refusal(user, case, rel) is None
