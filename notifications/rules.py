"""Who hears about what: the event → recipients rules, as a table, and the writer behind them.

``RULES`` maps each workflow action to the notices it causes. A notice goes in-app to every
recipient (a Notification row) and, by the recipient's preference for that kind of event
(NotificationPreference, or the kind's default), to the outbox as an email and/or an SMS.
Everything is written inside the action's transaction (services.action_performed is sent
there), so an action that rolls back leaves no notice; delivery happens after commit
(notifications.outbox). The actor never notifies themself.

Recipients: proposers are the case's proposer rows that count (initiator, confirmed
co-signers, merged-in); a unit is its contact users; staff are the active users of the
"staff" group; leaders are the key proposal's supervising leaders.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from audit import trail as audit_trail
from core import clock
from members.models import Role, User
from members.validators import is_mobile
from notifications import outbox, sms, sms_templates
from notifications.models import Notification, NotificationPreference, OutboxMessage
from proposals import payloads, services, settings_registry
from proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    Proposer,
    Satisfaction,
    SupervisionActivity,
)

# --- Kinds of event: what a user chooses channels for -----------------------------------------------


@dataclass(frozen=True)
class EventKind:
    key: str
    label: str
    email: bool = True  # default when the user has not chosen
    sms: bool = False


EVENT_KINDS: dict[str, EventKind] = {
    k.key: k
    for k in [
        EventKind("cosign_requested", "附议邀请"),
        EventKind("cosign_answered", "附议确认或谢绝"),
        EventKind("withdrawn", "撤案"),
        EventKind("review_outcome", "审查结果（退回修改、立案、转为建议、并案、不予立案）"),
        EventKind("assigned", "交办、改派", sms=True),
        EventKind("return_request", "申请退回及审批"),
        EventKind("extension", "延期申请及审批"),
        EventKind("co_views", "会办意见"),
        EventKind("reply_submitted", "答复待审核"),
        EventKind("reply_reviewed", "答复退回或调整类别"),
        EventKind("reply_accepted", "收到答复、请评价", sms=True),
        EventKind("rating", "评价结果"),
        EventKind("rehandle", "重新办理", sms=True),
        EventKind("progress", "办理进展（交办承办单位、重新办理）"),
        EventKind("closed", "办结"),
        EventKind("key_proposal", "重点提案"),
        EventKind("supervision", "督办记录"),
        EventKind("published", "公开"),
        EventKind("reminder", "到期提醒", sms=True),
        EventKind("audit_break", "审计记录校验告警（仅提案委）", sms=True),
    ]
}


# --- What happened ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Happening:
    action: str
    case: Case
    actor: User | None
    data: dict
    event_id: int
    from_state: str = ""
    assignment: Assignment | None = None
    object_id: str = ""

    @property
    def t(self) -> str:
        return f"“{self.case.title}”"


# --- Audiences ------------------------------------------------------------------------------------------

Audience = Callable[[Happening], Iterable[User]]


def proposers(h: Happening) -> list[User]:
    return [p.user for p in h.case.proposers.select_related("user") if p.counts]


def initiator(h: Happening) -> list[User]:
    return [p.user for p in h.case.proposers.select_related("user") if p.is_initiator]


def cosigners(h: Happening) -> list[User]:
    return [
        p.user
        for p in h.case.proposers.select_related("user")
        if p.role == Proposer.Role.COSIGNER and p.confirmation != Proposer.Confirmation.DECLINED
    ]


def staff(h: Happening) -> Iterable[User]:
    return User.objects.filter(groups__name=Role.STAFF, is_active=True).distinct()


def unit(h: Happening) -> Iterable[User]:
    return h.assignment.unit.contacts.filter(is_active=True) if h.assignment else []


def lead_unit(h: Happening) -> list[User]:
    leads = live_assignments(h.case).filter(role=AssignmentRole.LEAD)
    return [u for a in leads for u in a.unit.contacts.filter(is_active=True)]


def leaders(h: Happening) -> Iterable[User]:
    key = getattr(h.case, "key", None)
    return key.leaders.filter(is_active=True) if key else []


def live_assignments(case: Case):
    return (
        case.assignments.exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
        .filter(replaced_by__isnull=True)
        .select_related("unit")
    )


# Per-assignment fan-out: a rule with ``each`` runs once per assignment, with h.assignment set.


def each_live(h: Happening) -> list[Assignment]:
    return list(live_assignments(h.case))


def each_reassigned(h: Happening) -> list[Assignment]:
    return list(h.case.assignments.filter(pk=h.object_id).select_related("unit"))


def each_replaced(h: Happening) -> list[Assignment]:
    return list(h.case.assignments.filter(replaced_by_id=h.object_id).select_related("unit"))


def each_reopened(h: Happening) -> list[Assignment]:
    return [a for a in live_assignments(h.case) if a.round == h.case.round and a.status == AssignmentStatus.SIGNED]


# --- Texts ---------------------------------------------------------------------------------------------


def _d(value) -> str:
    """An ISO date from an audit event as 2025年10月09日."""
    return (
        f"{value[:4]}年{value[5:7]}月{value[8:10]}日"
        if isinstance(value, str) and len(value) >= 10
        else str(value or "")
    )


def _reason(h: Happening, label: str = "理由") -> str:
    reason = payloads.read(h, "reason") or ""
    return f"{label}：{reason}" if reason else ""


def _unit_name(h: Happening) -> str:
    return h.assignment.unit.name if h.assignment else payloads.read(h, "unit", "")


def _rating_body(h: Happening) -> str:
    labels = dict(Satisfaction.choices)
    return (
        f"{payloads.read(h, 'proposer', '')}：对答复{labels.get(payloads.read(h, 'reply_rating'), '')}，"
        f"对沟通联系和办理态度{labels.get(payloads.read(h, 'contact_rating'), '')}。"
    )


def _assigned_body(h: Happening) -> str:
    a = h.assignment
    return (
        f"办理方式：{a.get_role_display()}。请于 {a.return_deadline:%Y年%m月%d日} 前签收或申请退回；"
        f"{a.step_due_label} {a.step_due:%Y年%m月%d日}。"
    )


def _unsatisfied(h: Happening) -> bool:
    return Satisfaction.UNSATISFIED in (payloads.read(h, "reply_rating"), payloads.read(h, "contact_rating"))


def _accepted_title(h: Happening) -> str:
    ask = "，请评价" if settings_registry.needs_rating(h.case.kind) else ""
    return f"{h.t}已收到{_unit_name(h)}的答复{ask}"


@dataclass(frozen=True)
class Rule:
    kind: str
    audiences: tuple[Audience, ...]
    title: Callable[[Happening], str]
    body: Callable[[Happening], str] = lambda h: ""
    when: Callable[[Happening], bool] = lambda h: True
    each: Callable[[Happening], list[Assignment]] | None = None
    anchor: str = ""  # a fragment of the case page (#rate: the rating form)


def R(kind, audiences, title, body=None, **kw) -> Rule:
    return Rule(kind, tuple(audiences), title, body or (lambda h: ""), **kw)


RULES: dict[str, tuple[Rule, ...]] = {
    # Drafting (services.draft_changed): invited co-signers, again after the text changed.
    "cosign_requested": (
        R(
            "cosign_requested",
            [lambda h: h.data["invited"]],
            lambda h: f"{initiator(h)[0].display_name}邀请您附议提案{h.t}",
            lambda h: "请在提交前登录系统确认附议或谢绝附议。",
        ),
    ),
    "cosign": (R("cosign_answered", [initiator], lambda h: f"{payloads.read(h, 'proposer', '')}已确认附议{h.t}"),),
    "decline_cosign": (
        R(
            "cosign_answered",
            [initiator],
            lambda h: f"{payloads.read(h, 'proposer', '')}谢绝附议{h.t}",
            lambda h: _reason(h, "说明"),
        ),
    ),
    "withdraw": (
        R("withdrawn", [cosigners], lambda h: f"提案{h.t}已撤案", lambda h: _reason(h, "撤案理由")),
        # Staff never saw a draft; they hear of withdrawals once the case was submitted.
        R(
            "withdrawn",
            [staff],
            lambda h: f"提案{h.t}已撤案",
            lambda h: _reason(h, "撤案理由"),
            when=lambda h: h.from_state != "draft",
        ),
    ),
    "return_for_revision": (
        R(
            "review_outcome",
            [proposers],
            lambda h: f"提案{h.t}被退回修改",
            lambda h: f"{_reason(h, '退回理由')}。请修改后重新提交。",
        ),
    ),
    "file": (
        R("review_outcome", [proposers], lambda h: f"提案{h.t}已立案（{payloads.read(h, 'display_number', '')}）"),
    ),
    "convert_to_suggestion": (
        R(
            "review_outcome",
            [proposers],
            lambda h: f"{h.t}已转为建议（{payloads.read(h, 'display_number', '')}）",
            lambda h: _reason(h, "说明"),
        ),
    ),
    "merge": (
        R(
            "review_outcome",
            [proposers],
            lambda h: f"{h.t}已并入{payloads.read(h, 'host_number') or ''}“{payloads.read(h, 'host_title', '')}”",
            lambda h: f"您将作为并案提案人继续关注该件办理。{_reason(h, '说明')}",
        ),
    ),
    "reject": (
        R(
            "review_outcome",
            [proposers],
            lambda h: f"{h.t}不予立案",
            lambda h: f"理由：{payloads.read(h, 'ground', '')}。{payloads.read(h, 'message', '')}",
        ),
    ),
    "assign": (
        R("assigned", [unit], lambda h: f"新交办：{h.t}", _assigned_body, each=each_live),
        # Proposers follow their case (issue 17 item 7): told where it went and by when it is answered.
        R(
            "progress",
            [proposers],
            lambda h: f"{h.t}已交办承办单位",
            lambda h: "；".join(
                f"{u['unit']}（{dict(AssignmentRole.choices).get(u['role'], u['role'])}）"
                for u in payloads.read(h, "units", [])
            ),
        ),
    ),
    "reassign": (
        R("assigned", [unit], lambda h: f"新交办（改派/增派）：{h.t}", _assigned_body, each=each_reassigned),
        R(
            "assigned",
            [unit],
            lambda h: f"{h.t}已改派其他单位办理",
            lambda h: f"贵单位不再办理此件。{_reason(h)}",
            each=each_replaced,
        ),
    ),
    "request_return": (
        R(
            "return_request",
            [staff],
            lambda h: f"{_unit_name(h)}申请退回{h.t}",
            lambda h: f"{_reason(h)}；建议改交：{payloads.read(h, 'suggested_unit', '')}",
        ),
    ),
    "approve_return": (R("return_request", [unit], lambda h: f"同意退回：{h.t}", lambda h: _reason(h, "意见")),),
    "refuse_return": (
        R("return_request", [unit], lambda h: f"不同意退回：{h.t}，请签收办理", lambda h: _reason(h, "意见")),
    ),
    "request_extension": (
        R(
            "extension",
            [staff],
            lambda h: f"{_unit_name(h)}申请延期答复{h.t}",
            lambda h: f"申请延至 {_d(payloads.read(h, 'due'))}。{_reason(h)}",
        ),
    ),
    "approve_extension": (
        R(
            "extension",
            [unit],
            lambda h: f"延期已批准：{h.t}",
            lambda h: f"答复期限延至 {_d(payloads.read(h, 'due'))}。",
        ),
    ),
    "refuse_extension": (R("extension", [unit], lambda h: f"延期未获批准：{h.t}", lambda h: _reason(h, "意见")),),
    "send_views": (R("co_views", [lead_unit], lambda h: f"{_unit_name(h)}已送达会办意见：{h.t}"),),
    "reply": (R("reply_submitted", [staff], lambda h: f"{_unit_name(h)}已答复{h.t}，请审核"),),
    "return_reply": (R("reply_reviewed", [unit], lambda h: f"答复被退回：{h.t}", lambda h: _reason(h, "退回理由")),),
    "accept_reply": (
        R("reply_accepted", [proposers], _accepted_title, lambda h: "请登录系统查看答复全文。", anchor="#rate"),
        R(
            "reply_reviewed",
            [unit],
            lambda h: f"答复类别已调整：{h.t}",
            lambda h: f"由 {h.data['class_changed'][0]} 类调整为 {h.data['class_changed'][1]} 类。{_reason(h)}",
            when=lambda h: bool(payloads.read(h, "class_changed")),
        ),
    ),
    "rate": (
        R("rating", [unit], lambda h: f"提案人对{h.t}的答复作出评价", _rating_body),
        R("rating", [staff], lambda h: f"{h.t}收到“不满意”评价", _rating_body, when=_unsatisfied),
    ),
    "rehandle": (
        R(
            "progress",
            [proposers],
            lambda h: f"{h.t}已转承办单位重新办理",
            lambda h: "重新办理的单位：" + "、".join(payloads.read(h, "reopened", [])),
        ),
        R(
            "rehandle",
            [unit],
            lambda h: f"重新办理：{h.t}",
            lambda h: f"提案人对答复不满意，请重新办理，答复期限 {h.assignment.due_date:%Y年%m月%d日}。",
            each=each_reopened,
        ),
    ),
    "close": (
        R("closed", [proposers], lambda h: f"{h.t}已办结"),
        R("closed", [unit], lambda h: f"{h.t}已办结", each=each_live),
    ),
    "designate_key": (
        R("key_proposal", [leaders], lambda h: f"{h.t}确定为重点提案，请您领衔督办"),
        R("key_proposal", [unit], lambda h: f"{h.t}确定为重点提案", each=each_live),
    ),
    "log_supervision": (
        R(
            "supervision",
            [proposers],
            lambda h: f"{h.t}督办记录：{SupervisionActivity.Kind(h.data['kind']).label}",
            lambda h: f"日期：{_d(payloads.read(h, 'date'))}",
        ),
        R(
            "supervision",
            [unit],
            lambda h: f"{h.t}督办记录：{SupervisionActivity.Kind(h.data['kind']).label}",
            lambda h: f"日期：{_d(payloads.read(h, 'date'))}",
            each=each_live,
        ),
    ),
    "publish": (R("published", [proposers], lambda h: f"{h.t}已公开"),),
    # 催办 from the 逾期督办 board (proposals.services.urging), not a workflow action.
    "urge": (
        R(
            "reminder",
            [unit],
            lambda h: f"提案委催办：{h.t}",
            lambda h: (
                f"{h.assignment.step_due_label if h.assignment else '期限'}：{_d(payloads.read(h, 'due'))}，请抓紧办理。"
            ),
        ),
    ),
}


# --- Writing notices ---------------------------------------------------------------------------------------


def case_link(case_id: int) -> str:
    try:
        return reverse("proposals:case_detail", args=[case_id])
    except NoReverseMatch:
        return f"/cases/{case_id}/"


def channels(users: list[User], kind: str) -> dict[int, tuple[bool, bool]]:
    """user id → (email, sms) for this kind of event."""
    default = EVENT_KINDS[kind]
    chosen = {p.user_id: (p.email, p.sms) for p in NotificationPreference.objects.filter(user__in=users, event=kind)}
    return {u.pk: chosen.get(u.pk, (default.email, default.sms)) for u in users}


def _email_body(user: User, title: str, body: str, link: str) -> str:
    lines = [f"{user.display_name}：", "", title]
    if body:
        lines.append(body)
    lines += [
        "",
        f"查看详情：{getattr(settings, 'SITE_URL', '')}{link}",
        "",
        "（陈仓区政协提案管理系统自动发送，请勿直接回复。）",
    ]
    return "\n".join(lines)


def sms_available(kind: str) -> bool:
    """Whether notices of this kind can go out by SMS with the configured backend and templates."""
    return kind in sms_templates.TEMPLATES and sms.backend_class().available(kind)


def write(
    users: Iterable[User],
    *,
    kind: str,
    case: Case | None,
    title: str,
    body: str = "",
    link: str = "",
    key: str,
    sms_params: dict | None = None,
) -> list[int]:
    """In-app notices for ``users`` plus their chosen email/SMS copies; returns the outbox ids.

    ``key`` identifies this notice (event, rule, assignment): with the user and the channel it
    is the outbox row's dedupe key, so the same notice is never queued twice. An SMS is the
    kind's registered template (notifications.sms_templates) with ``sms_params`` (by default the
    case's 案由); it is queued only to a valid mainland mobile number and only when the kind's
    template can be sent (a gateway needs its code).
    """
    users = list({u.pk: u for u in users}.values())
    if not users:
        return []
    now = clock.now()
    title = title[:200]
    Notification.objects.bulk_create(
        [Notification(user=u, case=case, event=kind, title=title, body=body, link=link, created_at=now) for u in users]
    )
    forget_unread(u.pk for u in users)
    wanted = channels(users, kind)
    template = sms_templates.TEMPLATES.get(kind)
    can_text = sms_available(kind)
    if can_text:
        if sms_params is None:
            sms_params = {"title": sms_templates.short(getattr(case, "title", ""), "title")}
        sms_params = {name: sms_params.get(name, "") for name in template.params}
    messages = []
    for u in users:
        email, text = wanted[u.pk]
        if email and u.email:
            messages.append(
                OutboxMessage(
                    channel=OutboxMessage.Channel.EMAIL,
                    recipient=u,
                    address=u.email,
                    subject=title,
                    body=_email_body(u, title, body, link),
                    dedupe_key=f"{key}:{u.pk}:email"[:200],
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        if text and can_text and is_mobile(u.phone):
            messages.append(
                OutboxMessage(
                    channel=OutboxMessage.Channel.SMS,
                    recipient=u,
                    address=u.phone,
                    subject=title,
                    body=template.render(sms_params),
                    template=kind,
                    params=sms_params,
                    dedupe_key=f"{key}:{u.pk}:sms"[:200],
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    if not messages:
        return []
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
    # ignore_conflicts leaves pks unset on some databases: read them back by key.
    return list(
        OutboxMessage.objects.filter(
            dedupe_key__in=[m.dedupe_key for m in messages], state=OutboxMessage.State.PENDING
        ).values_list("pk", flat=True)
    )


def dispatch(h: Happening) -> list[int]:
    """Apply the rules of ``h.action``; returns the outbox ids written."""
    ids: list[int] = []
    seen: set[tuple[str, int, int]] = set()  # (kind, assignment, user): one notice each, whatever the overlap
    for index, rule in enumerate(RULES.get(h.action, ())):
        targets = [dataclasses.replace(h, assignment=a) for a in rule.each(h)] if rule.each else [h]
        for target in targets:
            if not rule.when(target):
                continue
            assignment_id = target.assignment.pk if target.assignment else 0
            users = []
            for audience in rule.audiences:
                for user in audience(target):
                    mark = (rule.kind, assignment_id, user.pk)
                    if (h.actor is not None and user.pk == h.actor.pk) or mark in seen:
                        continue
                    seen.add(mark)
                    users.append(user)
            ids += write(
                users,
                kind=rule.kind,
                case=h.case,
                title=rule.title(target),
                body=rule.body(target),
                link=case_link(h.case.pk) + rule.anchor,
                key=f"ev:{h.event_id}:{index}:{assignment_id}",
                sms_params=sms_templates.params_for_rule(
                    rule.kind, h.action, rule, h.case, date=_d(payloads.read(h, "due")) if h.action == "urge" else ""
                ),
            )
    return ids


# --- Hooks ---------------------------------------------------------------------------------------------


@receiver(services.action_performed)
def _on_action(sender, action, ctx, event, case, **kwargs) -> None:
    if action.name not in RULES:
        return
    h = Happening(
        action=action.name,
        case=case,
        actor=ctx.user,
        data=event.data or {},
        event_id=event.pk,
        from_state=event.from_state,
        assignment=ctx.assignment,
        object_id=event.object_id,
    )
    outbox.deliver_after_commit(dispatch(h))


def _on_draft_changed(sender, case, user, event, invited, **kwargs) -> None:
    if not invited:
        return
    h = Happening(
        action="cosign_requested",
        case=case,
        actor=user,
        data={"invited": list(invited)},
        event_id=event.pk,
        from_state=case.status,
    )
    outbox.deliver_after_commit(dispatch(h))


services.draft_changed.connect(_on_draft_changed, dispatch_uid="notifications.draft_changed")


def _on_urged(sender, assignment, user, event, **kwargs) -> None:
    h = Happening(
        action="urge",
        case=assignment.case,
        actor=user,
        data=event.data or {},
        event_id=event.pk,
        from_state=assignment.case.status,
        assignment=assignment,
        object_id=event.object_id,
    )
    outbox.deliver_after_commit(dispatch(h))


services.assignment_urged.connect(_on_urged, dispatch_uid="notifications.assignment_urged")


# --- Web: requests that are not user activity -------------------------------------------------------------


def passive(view):
    """Mark a view as background polling (the bell): it does not count as user activity.

    The view sets ``request.passive_request = True`` (for middleware that looks after the
    response) and carries ``view.passive = True`` (for ``process_view``). The idle-logout timer
    must skip such requests, else an open tab polling the bell would keep a session alive forever.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.passive_request = True
        return view(request, *args, **kwargs)

    wrapped.passive = True
    return wrapped


# The bell's count is on every page; it is cached per user and dropped whenever a notice is written
# or read. With the default per-process cache another worker's copy can lag until the bell's next
# poll (which always counts afresh) or UNREAD_TTL; with CACHE_URL (Redis) all workers share one copy.
UNREAD_TTL = 60


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user, *, fresh: bool = False) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    key = _unread_key(user.pk)
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    cache.set(key, count, UNREAD_TTL)
    return count


def forget_unread(user_ids: Iterable[int]) -> None:
    """Drop the cached counts once the transaction that wrote or read notices has committed."""
    keys = [_unread_key(pk) for pk in user_ids]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


@receiver(audit_trail.chain_broken)
def _on_chain_broken(sender, report, message: str, **kwargs) -> None:
    """verify_audit found a break: every active staff member hears of it, once per broken row."""
    staff = User.objects.filter(is_active=True, groups__name=Role.STAFF).distinct()
    write(
        staff,
        kind="audit_break",
        case=None,
        title="审计记录校验发现断链，请立即核查",
        body=f"{message}。请联系安全管理员和审计管理员，保留现场并核查数据库操作记录。",
        key=f"audit_break:{report.first_break}:{report.reason}",
    )
