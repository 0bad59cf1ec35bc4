"""A case's history as people read it.

Proposers get the timeline meant for them: only events whose action the workflow table marks
proposer-visible, their own ratings only, and a reply only once staff accepted it. Staff and
reviewers get the whole history. IP addresses are never shown to anyone here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from audit.models import AuditEvent
from proposals import payloads, workflow
from proposals.access import is_reviewer, is_staff
from proposals.models import (
    AssignmentRole,
    Attachment,
    Case,
    ContactRecord,
    Reply,
    ReplyClass,
    Satisfaction,
    SupervisionActivity,
)

EXTRA_LABELS = {
    "create": "起草",
    "edit_draft": "修改草稿",
    "import": "导入",
    "save_reply_draft": "保存答复草稿",
    "urge": "催办",
}
ROLE_LABELS = dict(AssignmentRole.choices)
WAY_LABELS = dict(ContactRecord.Way.choices)
POINT_LABELS = dict(ContactRecord.Point.choices)
SAT_LABELS = dict(Satisfaction.choices)
CLASS_LABELS = dict(ReplyClass.choices)
OUTCOME_LABELS = {"file": "立案", "convert": "转为建议", "merge": "并案", "reject": "不予立案", "return": "退回修改"}


@dataclass
class Entry:
    at: object
    label: str
    text: str
    who: str
    reply: Reply | None = None
    internal: bool = False
    activity: SupervisionActivity | None = None  # a 督办记录's people, minutes and photos


def action_label(name: str) -> str:
    if name in workflow.ACTIONS:
        return workflow.ACTIONS[name].label
    return EXTRA_LABELS.get(name, name)


def _describe(event: AuditEvent) -> str:
    a = event.action

    def d(key: str, default=None):
        return payloads.read(event, key, default)

    if a in ("file", "convert_to_suggestion"):
        return f"编号：{d('display_number', '')}"
    if a == "assign":
        return "；".join(
            f"{u['unit']}（{ROLE_LABELS.get(u['role'], u['role'])}，"
            f"{u.get('views_due') or u['due_date']} 前{'送达会办意见' if u.get('views_due') else '答复'}）"
            for u in d("units", [])
        )
    if a == "reassign":
        replaced = f"由{d('replaced_unit')}改为" if d("replaced_unit") else "增派"
        return f"{replaced}{d('unit', '')}"
    if a in ("sign", "deem_signed"):
        return f"{d('unit', '')}{'（逾期视为签收）' if a == 'deem_signed' else ''}"
    if a == "log_contact":
        way = WAY_LABELS.get(d("way"), d("way", ""))
        point = f"{POINT_LABELS[d('point')]}环节，" if d("point") in POINT_LABELS else ""
        return f"{d('unit', '')}：{point}{way}，{d('date', '')}{'，面商' if d('face_to_face') else ''}"
    if a == "rate":
        return (
            f"{d('proposer', '')}评价{d('unit', '')}：答复{SAT_LABELS.get(d('reply_rating'), '')}，"
            f"沟通联系{SAT_LABELS.get(d('contact_rating'), '')}"
        )
    if a in ("cosign", "decline_cosign"):
        return d("proposer", "")
    if a == "merge":
        return f"并入 {d('host_number') or ''} {d('host_title', '')}"
    if a == "reject":
        return f"{d('ground', '')}。{d('message', '')}"
    if a == "recommend":
        return f"{OUTCOME_LABELS.get(d('outcome'), '')}：{d('reason', '')}"
    if a == "edit_for_review":
        return "；".join(f"{k}：{v[0]} → {v[1]}" for k, v in (d("changes") or {}).items())
    if a == "rehandle":
        return f"第 {d('round', '')} 轮：{'、'.join(d('reopened', []))}"
    if a == "set_public":
        return "同意公开" if d("public") else f"不公开：{d('reason', '')}"
    if a == "log_supervision":
        kind = SupervisionActivity.Kind(d("kind")).label if d("kind") in SupervisionActivity.Kind.values else ""
        return f"{kind}，{d('date', '')}"
    if a == "designate_key":
        return "督办领导：" + "、".join(d("leaders", []))
    fallback = ("unit", "reason", "title")
    known = payloads.declared(a) if a in payloads.PAYLOADS else fallback
    parts = [str(d(k)) for k in fallback if k in known and d(k)]
    return "；".join(parts)


def _who(event: AuditEvent) -> str:
    if event.actor is None:
        return "系统"
    name = event.actor.display_name
    if event.on_behalf_of_id:
        name += f"（代{event.on_behalf_of.display_name}）"
    return name


def _events(case: Case):
    return (
        AuditEvent.objects.filter(case=case, outcome=AuditEvent.Outcome.SUCCESS)
        .select_related("actor", "on_behalf_of")
        .order_by("seq")
    )


def _activities(events) -> dict[str, SupervisionActivity]:
    """The 督办记录 of the log_supervision events, with their photos, in two queries."""
    ids = [e.object_id for e in events if e.action == "log_supervision" and e.object_id]
    if not ids:
        return {}
    activities = SupervisionActivity.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("evidence", Attachment.objects.order_by("id"), to_attr="photo_list")
    )
    return {str(a.pk): a for a in activities}


def _with_activities(entries_events: list[tuple[Entry, AuditEvent]]) -> list[Entry]:
    activities = _activities([e for _, e in entries_events])
    for entry, event in entries_events:
        if event.action == "log_supervision":
            entry.activity = activities.get(event.object_id)
    return [entry for entry, _ in entries_events]


def proposer_timeline(user, case: Case) -> list[Entry]:
    visible = workflow.proposer_visible_actions()
    events = _events(case).filter(action__in=visible).exclude(Q(action="rate") & ~Q(actor=user) & ~Q(on_behalf_of=user))
    events = list(events)
    reply_ids = [payloads.read(e, "reply") for e in events if e.action == "accept_reply"]
    replies = {
        r.pk: r
        for r in Reply.objects.filter(pk__in=reply_ids, state=Reply.State.ACCEPTED).select_related(
            "assignment__unit", "letter_file"
        )
    }
    entries = []
    for e in events:
        if e.action == "accept_reply":
            reply = replies.get(payloads.read(e, "reply"))
            if reply is None:
                continue
            text = f"{reply.assignment.unit.name}答复（第 {reply.round} 轮）"
            if reply.reply_class:
                text += f"，{CLASS_LABELS[reply.reply_class]}"
            entries.append((Entry(e.at, "答复", text, reply.assignment.unit.name, reply=reply), e))
            continue
        entries.append((Entry(e.at, action_label(e.action), _describe(e), _who(e)), e))
    return _with_activities(entries)


def full_history(case: Case) -> list[Entry]:
    visible = workflow.proposer_visible_actions()
    return _with_activities(
        [
            (Entry(e.at, action_label(e.action), _describe(e), _who(e), internal=e.action not in visible), e)
            for e in _events(case)
        ]
    )


def timeline_for(user, case: Case) -> tuple[str, list[Entry]]:
    if is_staff(user) or is_reviewer(user):
        return "办理全过程（含内部环节）", full_history(case)
    return "办理进度", proposer_timeline(user, case)
