"""The documents of the proposal work (issue 16), registered in the registry: how each builds its context.

A build function gets the object the document is about and an ``engine.Issue``; it returns plain values
only (strings, lists of strings, lists of dicts of strings), which is all a sandboxed template can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core import clock
from proposals import settings_registry
from proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Attachment,
    Case,
    Kind,
    Proposer,
    Reply,
    ReplyClass,
    Status,
)

from .engine import Issue, chinese_date
from .registry import DocumentKind, register

CHOICES = "□满意　　□基本满意　　□不满意"
NOT_NUMBERED = "（立案后编号）"


def kind_label(case: Case) -> str:
    return "建议" if case.kind == Kind.SUGGESTION else "提案"


def paragraphs(text: str) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines()]
    return [line for line in lines if line] or [""]


def proposer_names(case: Case) -> str:
    return "、".join(p.display_name for p in case.proposers.all() if p.counts)


def number_of(case: Case) -> str:
    return case.display_number or NOT_NUMBERED


def live_assignments(case: Case) -> list[Assignment]:
    return [a for a in case.assignments.select_related("unit").order_by("id") if a.is_live]


def _units(assignments: list[Assignment], *roles: str) -> str:
    return "、".join(a.unit.name for a in assignments if a.role in roles)


def _case_basics(case: Case) -> dict[str, Any]:
    return {
        "kind_label": kind_label(case),
        "number": number_of(case),
        "title": case.title,
        "proposers": proposer_names(case),
        "session_name": case.session.name if case.session_id else "",
    }


# --- 提案表 --------------------------------------------------------------------------------------------


def build_proposal_form(case: Case, issue: Issue) -> dict[str, Any]:
    rows = list(case.proposers.all())
    initiator = next((p for p in rows if p.is_initiator), None)
    cosigners = []
    for p in rows:
        if p.is_initiator or p.role == Proposer.Role.MERGED:
            continue
        if p.counts:
            cosigners.append(p.display_name)
        elif p.confirmation == Proposer.Confirmation.PENDING:
            cosigners.append(f"{p.display_name}（待确认）")
    scan = case.attachments.filter(purpose=Attachment.Purpose.SEALED_SCAN).order_by("-id").first()
    return {
        **_case_basics(case),
        "initiator": initiator.display_name if initiator else "",
        "cosigners": "、".join(cosigners) or "无",
        "category": case.category.name if case.category_id else "",
        "submitted_date": chinese_date(case.submitted_at) or "（尚未提交）",
        "source": case.get_source_display() if case.source else "",
        "facts": paragraphs(case.facts),
        "suggestions": paragraphs(case.suggestions),
        "sealed_scan": f"已附盖章扫描件（{scan.original_name}），原件存档。" if scan else "",
        "date": chinese_date(case.submitted_at or clock.now()),
    }


CASE_FIELDS = {
    "kind_label": "类型（提案/建议）",
    "number": "编号",
    "title": "案由",
    "proposers": "提案人（全部）",
    "session_name": "会议",
}

register(
    DocumentKind(
        key="proposal_form",
        title="提案表",
        fields={
            **CASE_FIELDS,
            "initiator": "领衔提案人",
            "cosigners": "附议人",
            "category": "类别",
            "submitted_date": "提交时间",
            "source": "来源（大会/平时）",
            "facts": "情况分析（段落列表）",
            "suggestions": "办法建议（段落列表）",
            "sealed_scan": "集体提案盖章件说明（无则为空）",
        },
        build=build_proposal_form,
        sample=lambda: {
            "kind_label": "提案",
            "number": "四届三次会议 第001号",
            "title": "关于加快车站棚户区改造的建议",
            "proposers": "张委员、李委员",
            "session_name": "四届三次会议",
            "initiator": "张委员",
            "cosigners": "李委员",
            "category": "经济",
            "submitted_date": "2026年1月9日",
            "source": "大会提案",
            "facts": ["车站片区棚户区房屋老旧。", "基础设施不完善。"],
            "suggestions": ["一是统筹资金。", "二是分步实施。"],
            "sealed_scan": "",
        },
        filename=lambda case: f"提案表_{case.number or case.pk}",
    )
)


# --- 立案通知 / 不予立案通知 --------------------------------------------------------------------------


def build_filing_notice(case: Case, issue: Issue) -> dict[str, Any]:
    basics = _case_basics(case)
    where = f"在{basics['session_name']}期间" if case.source == "plenary" and basics["session_name"] else ""
    if case.kind == Kind.SUGGESTION:
        outcome = f"经审查，作为建议登记，编为{basics['number']}，将转交有关单位研究办理"
    else:
        outcome = f"经审查，予以立案，编为{basics['number']}，将交有关单位办理"
    return {
        **basics,
        "addressee": basics["proposers"],
        "body": [
            f"您{where}提出的《{case.title}》，{outcome}。",
            "承办单位将在办理过程中与您联系沟通，办理结果将书面答复您。您可以随时在系统中查看办理进度。",
            "感谢您对全区经济社会发展的关心和支持。",
        ],
        "date": chinese_date(case.filed_at),
    }


NOTICE_FIELDS = {**CASE_FIELDS, "addressee": "主送（提案人）", "body": "正文（段落列表）"}

register(
    DocumentKind(
        key="filing_notice",
        title="立案通知",
        fields=NOTICE_FIELDS,
        build=build_filing_notice,
        sample=lambda: {
            "kind_label": "提案",
            "number": "四届三次会议 第001号",
            "title": "关于加快车站棚户区改造的建议",
            "proposers": "张委员、李委员",
            "session_name": "四届三次会议",
            "addressee": "张委员、李委员",
            "body": ["您提出的《关于加快车站棚户区改造的建议》，经审查，予以立案。"],
        },
        filename=lambda case: f"立案通知_{case.number or case.pk}",
    )
)


def build_rejection_notice(case: Case, issue: Issue) -> dict[str, Any]:
    basics = _case_basics(case)
    return {
        **basics,
        "addressee": basics["proposers"],
        "body": [f"您提出的《{case.title}》，经审查，不予立案。"],
        "ground": case.rejection_ground.name if case.rejection_ground_id else "",
        "reason": case.status_reason,
        "date": chinese_date(case.updated_at),
    }


register(
    DocumentKind(
        key="rejection_notice",
        title="不予立案通知",
        fields={**NOTICE_FIELDS, "ground": "不予立案理由", "reason": "说明"},
        build=build_rejection_notice,
        sample=lambda: {
            "kind_label": "提案",
            "number": NOT_NUMBERED,
            "title": "关于某产品推广的建议",
            "proposers": "张委员",
            "session_name": "四届三次会议",
            "addressee": "张委员",
            "body": ["您提出的《关于某产品推广的建议》，经审查，不予立案。"],
            "ground": "涉及产品推介",
            "reason": "",
        },
        filename=lambda case: f"不予立案通知_{case.pk}",
    )
)


# --- 交办通知书 (per unit) -----------------------------------------------------------------------------


def _year_of(moment) -> int:
    if moment is None:
        return clock.today().year
    return clock.local_date(moment).year if hasattr(moment, "tzinfo") else moment.year


def notice_number(issue: Issue, kind: str, key: str, date, case: Case) -> str:
    return issue.number(
        kind, key, series="notice", pattern=issue.settings.number_pattern, year=_year_of(date), case=case
    )


def build_assignment_notice(assignment: Assignment, issue: Issue) -> dict[str, Any]:
    case = assignment.case
    basics = _case_basics(case)
    live = live_assignments(case)
    lead, co = _units(live, AssignmentRole.LEAD), _units(live, AssignmentRole.CO)
    number, title = basics["number"], case.title
    # The notice of the assignment as made: the reply date of its first round (a re-handling's new date
    # is noted under the table, not printed as the reply date).
    if assignment.role == AssignmentRole.CO:
        due_label, due = "会办意见期限", assignment.views_due
        body = f"现将{number}《{title}》交由你单位会办，主办单位为{lead or '—'}。请你单位认真研究，于{chinese_date(due)}前将会办意见送主办单位。"
    else:
        due_label, due = "答复期限", assignment.original_due_date
        how = "主办" if assignment.role == AssignmentRole.LEAD and co else "办理"
        also = f"，{co}会办" if assignment.role == AssignmentRole.LEAD and co else ""
        body = (
            f"现将{number}《{title}》交由你单位{how}{also}。请你单位认真研究，加强与提案人的沟通协商，"
            f"于{chinese_date(due)}前书面答复提案人，并抄送区政协提案委员会。"
        )
    rehandle = ""
    if assignment.round > 1:
        rehandle = f"该件经提案人评价后重新办理，第{assignment.round}轮答复期限为{chinese_date(assignment.due_date)}。"
    return {
        **basics,
        "unit": assignment.unit.name,
        "role": assignment.get_role_display(),
        "lead_units": lead or "—",
        "co_units": co or "无",
        "separate_units": _units(live, AssignmentRole.SEPARATE),
        "assigned_date": chinese_date(assignment.assigned_at),
        "due_label": due_label,
        "due_date": chinese_date(due),
        "return_deadline": chinese_date(assignment.return_deadline),
        "rehandle_note": rehandle,
        "body": [
            body,
            f"如认为该件不属于你单位职责范围，请于{chinese_date(assignment.return_deadline)}前提出退回申请并说明理由；"
            "逾期未提出的，视为签收。",
        ],
        "doc_number": notice_number(
            issue, "assignment_notice", f"assignment:{assignment.pk}", assignment.assigned_at, case
        ),
        "date": chinese_date(assignment.assigned_at),
    }


ASSIGNMENT_FIELDS = {
    **CASE_FIELDS,
    "unit": "承办单位",
    "role": "办理方式",
    "lead_units": "主办单位",
    "co_units": "会办单位",
    "separate_units": "分办单位",
    "assigned_date": "交办日期",
    "due_label": "期限名称（答复期限/会办意见期限）",
    "due_date": "期限",
    "return_deadline": "申请退回截止日期",
    "rehandle_note": "重新办理说明（无则为空）",
    "body": "正文（段落列表）",
}

register(
    DocumentKind(
        key="assignment_notice",
        title="交办通知书",
        scope="assignment",
        fields=ASSIGNMENT_FIELDS,
        build=build_assignment_notice,
        sample=lambda: {
            "kind_label": "提案",
            "number": "四届三次会议 第001号",
            "title": "关于加快车站棚户区改造的建议",
            "proposers": "张委员、李委员",
            "session_name": "四届三次会议",
            "unit": "区住建局",
            "role": "主办",
            "lead_units": "区住建局",
            "co_units": "区教育局",
            "separate_units": "",
            "assigned_date": "2026年3月2日",
            "due_label": "答复期限",
            "due_date": "2026年6月2日",
            "return_deadline": "2026年3月9日",
            "rehandle_note": "",
            "body": ["现将第001号提案交由你单位主办。"],
        },
        filename=lambda a: f"交办通知书_{a.case.number or a.case.pk}_{a.unit.name}",
    )
)


# --- 交办清单 (per session) ----------------------------------------------------------------------------


def session_assignment_cases(session):
    return (
        Case.objects.filter(session=session, number__isnull=False, assignments__isnull=False)
        .exclude(status__in=[Status.MERGED, Status.WITHDRAWN, Status.REJECTED])
        .distinct()
        .select_related("session")
        .prefetch_related(
            "proposers__user",
            "proposers__organisation",
            "proposers__sector",
            "proposers__group",
            "proposers__committee",
            "assignments__unit",
        )
        .order_by("kind", "number")
    )


def build_assignment_list(session, issue: Issue) -> dict[str, Any]:
    rows, dates = [], []
    cases = list(session_assignment_cases(session))
    for index, case in enumerate(cases, start=1):
        live = [a for a in case.assignments.all() if a.status != AssignmentStatus.WITHDRAWN_FROM_UNIT]
        replying = [a for a in live if a.role != AssignmentRole.CO]
        co = [a for a in live if a.role == AssignmentRole.CO]
        dates += [a.assigned_at for a in live]
        # The reply date of the current round; co-handlers' views dates beside their names.
        due = min((a.due_date for a in replying), default=None)
        rows.append(
            {
                "index": str(index),
                "number": case.display_number,
                "title": case.title,
                "proposers": proposer_names(case),
                "lead": "、".join(a.unit.name for a in replying),
                "co": "、".join(
                    f"{a.unit.name}（会办意见{chinese_date(a.views_due)}前）" if a.views_due else a.unit.name
                    for a in co
                ),
                "due": chinese_date(due),
            }
        )
    first, last = (chinese_date(min(dates)), chinese_date(max(dates))) if dates else ("", "")
    span = first if first == last else f"{first}至{last}"
    kinds = {c.kind for c in cases}
    return {
        "session_name": session.name,
        "kind_label": "提案和建议" if len(kinds) > 1 else ("建议" if kinds == {Kind.SUGGESTION} else "提案"),
        "count": str(len(rows)),
        "assigned_dates": span or "—",
        "rows": rows,
    }


LIST_ROW = {"index": "序号", "number": "编号", "title": "案由", "proposers": "提案人"}

register(
    DocumentKind(
        key="assignment_list",
        title="交办清单",
        scope="session",
        landscape=True,
        fields={
            "session_name": "会议",
            "kind_label": "类型",
            "count": "件数",
            "assigned_dates": "交办日期",
            "rows": "清单行（index 序号、number 编号、title 案由、proposers 提案人、lead 主办单位、co 会办单位、due 答复期限）",
        },
        build=build_assignment_list,
        sample=lambda: {
            "session_name": "四届三次会议",
            "kind_label": "提案",
            "count": "1",
            "assigned_dates": "2026年3月2日",
            "rows": [
                {
                    "index": "1",
                    "number": "四届三次会议 第001号",
                    "title": "关于加快车站棚户区改造的建议",
                    "proposers": "张委员",
                    "lead": "区住建局",
                    "co": "区教育局（会办意见2026年4月2日前）",
                    "due": "2026年6月2日",
                }
            ],
        },
        filename=lambda session: f"交办清单_{session.name}",
    )
)


# --- 答复函 (the unit's letter) -------------------------------------------------------------------------


def build_reply_letter(reply: Reply, issue: Issue) -> dict[str, Any]:
    case, unit = reply.case, reply.assignment.unit
    basics = _case_basics(case)
    mark = ""
    if settings_registry.needs_class(case.kind) and reply.reply_class:
        mark = f"{reply.reply_class}类"
    date = reply.submitted_at or reply.decided_at
    return {
        **basics,
        "unit": unit.name,
        "addressee": basics["proposers"],
        "class_mark": mark,
        "reply_class": ReplyClass(reply.reply_class).label if mark else "",
        "signer": reply.signer,
        "contact_person": reply.contact_person,
        "contact_phone": reply.contact_phone,
        "round": str(reply.round),
        "body": paragraphs(reply.letter),
        "cc": issue.settings.reply_cc,
        "date": chinese_date(date),
        "doc_number": issue.number(
            "reply_letter",
            f"reply:{reply.pk}",
            series=f"unit:{unit.pk}",
            pattern=issue.settings.reply_number_pattern,
            year=_year_of(date),
            case=case,
            unit=unit.name,
        ),
    }


register(
    DocumentKind(
        key="reply_letter",
        title="答复函",
        scope="reply",
        fields={
            **CASE_FIELDS,
            "unit": "承办单位",
            "addressee": "主送（提案人）",
            "class_mark": "答复类别标注（如“A类”，不分类时为空）",
            "reply_class": "答复类别全称",
            "signer": "签发人",
            "contact_person": "联系人",
            "contact_phone": "联系电话",
            "round": "办理轮次",
            "body": "答复正文（段落列表）",
        },
        build=build_reply_letter,
        sample=lambda: {
            "kind_label": "提案",
            "number": "四届三次会议 第001号",
            "title": "关于加快车站棚户区改造的建议",
            "proposers": "张委员",
            "session_name": "四届三次会议",
            "unit": "区住建局",
            "addressee": "张委员",
            "class_mark": "A类",
            "reply_class": "A类（已解决或采纳）",
            "signer": "赵局长",
            "contact_person": "钱科长",
            "contact_phone": "0917-6212345",
            "round": "1",
            "body": ["经研究，答复如下。"],
            "cc": "区政协提案委员会",
        },
        filename=lambda reply: f"答复函_{reply.case.number or reply.case.pk}_{reply.assignment.unit.name}",
    )
)


# --- 征询意见表 (per proposer and replying unit) -----------------------------------------------------------


@dataclass(frozen=True)
class RatingSheet:
    proposer: Proposer
    assignment: Assignment

    @property
    def case(self) -> Case:
        return self.assignment.case


def build_rating_form(sheet: RatingSheet, issue: Issue) -> dict[str, Any]:
    case, assignment = sheet.case, sheet.assignment
    window = settings_registry.get("rating_window_workdays")
    reply = case.replies.filter(assignment=assignment, state=Reply.State.ACCEPTED).order_by("-round", "-id").first()
    needs_class = settings_registry.needs_class(case.kind)
    deadline = f"（本轮截止日期：{chinese_date(case.rating_deadline)}）" if case.rating_deadline else ""
    return {
        **_case_basics(case),
        "proposer": sheet.proposer.display_name,
        "unit": assignment.unit.name,
        "reply_class": ReplyClass(reply.reply_class).label if reply and reply.reply_class and needs_class else "—",
        "choices": CHOICES,
        "rating_window": str(window),
        "instruction": (
            f"请在收到答复之日起{window}个工作日内{deadline}填写本表，交区政协提案委员会，"
            "也可登录提案管理系统直接评价。请在所选项前的“□”内打“√”。"
        ),
        "date": chinese_date(case.replied_at or clock.now()),
    }


register(
    DocumentKind(
        key="rating_form",
        title="征询意见表",
        scope="rating",
        fields={
            **CASE_FIELDS,
            "proposer": "提案人（本表填写人）",
            "unit": "承办单位",
            "reply_class": "答复类别",
            "choices": "评价选项",
            "rating_window": "评价期限（工作日，取自业务设置）",
            "instruction": "填表说明",
        },
        build=build_rating_form,
        sample=lambda: {
            "kind_label": "提案",
            "number": "四届三次会议 第001号",
            "title": "关于加快车站棚户区改造的建议",
            "proposers": "张委员",
            "session_name": "四届三次会议",
            "proposer": "张委员",
            "unit": "区住建局",
            "reply_class": "A类（已解决或采纳）",
            "choices": CHOICES,
            "rating_window": "15",
            "instruction": "请在收到答复之日起15个工作日内填写本表。",
        },
        filename=lambda s: (
            f"征询意见表_{s.case.number or s.case.pk}_{s.assignment.unit.name}_{s.proposer.display_name}"
        ),
    )
)


# --- 催办通知 (an overdue unit) -------------------------------------------------------------------------


def build_reminder_notice(assignment: Assignment, issue: Issue) -> dict[str, Any]:
    case = assignment.case
    basics = _case_basics(case)
    today = clock.today()
    due = assignment.step_due
    owed = "送达会办意见" if assignment.role == AssignmentRole.CO and assignment.views_due else "书面答复提案人"
    days = (today - due).days if due else 0
    return {
        **basics,
        "unit": assignment.unit.name,
        "role": assignment.get_role_display(),
        "due_label": assignment.step_due_label,
        "due_date": chinese_date(due),
        "overdue_days": str(days),
        "body": [
            f"{basics['number']}《{case.title}》于{chinese_date(assignment.assigned_at)}交由你单位"
            f"{assignment.get_role_display()}，{assignment.step_due_label}为{chinese_date(due)}。",
            f"截至{chinese_date(today)}，你单位尚未{owed}，已逾期{days}天。请高度重视，抓紧办理，"
            f"尽快{owed}，并将办理情况报区政协提案委员会。",
        ],
        "doc_number": notice_number(
            issue, "reminder_notice", f"reminder:{assignment.pk}:{due.isoformat() if due else ''}", clock.now(), case
        ),
        "date": chinese_date(today),
    }


register(
    DocumentKind(
        key="reminder_notice",
        title="催办通知",
        scope="assignment",
        fields={
            **CASE_FIELDS,
            "unit": "承办单位",
            "role": "办理方式",
            "due_label": "期限名称",
            "due_date": "期限",
            "overdue_days": "逾期天数",
            "body": "正文（段落列表）",
        },
        build=build_reminder_notice,
        sample=lambda: {
            "kind_label": "提案",
            "number": "四届三次会议 第001号",
            "title": "关于加快车站棚户区改造的建议",
            "proposers": "张委员",
            "session_name": "四届三次会议",
            "unit": "区住建局",
            "role": "主办",
            "due_label": "答复期限",
            "due_date": "2026年6月2日",
            "overdue_days": "5",
            "body": ["请抓紧办理。"],
        },
        filename=lambda a: f"催办通知_{a.case.number or a.case.pk}_{a.unit.name}",
    )
)


# --- Catalogues ------------------------------------------------------------------------------------------


@dataclass
class Listing:
    """The rows of a catalogue, already scoped to the person asking (visible_cases)."""

    scope: str  # "2026年度", "四届三次会议"
    year: int | None = None
    items: list[Any] = field(default_factory=list)


def build_key_catalogue(listing: Listing, issue: Issue) -> dict[str, Any]:
    rows = []
    for index, key in enumerate(listing.items, start=1):
        case = key.case
        live = live_assignments(case)
        rows.append(
            {
                "index": str(index),
                "number": case.display_number,
                "title": case.title,
                "proposers": proposer_names(case),
                "lead": _units(live, AssignmentRole.LEAD, AssignmentRole.SEPARATE),
                "leaders": "、".join(u.display_name for u in key.leaders.all()),
                "status": case.status_label,
            }
        )
    return {"year": str(listing.year or ""), "rows": rows, "count": str(len(rows))}


register(
    DocumentKind(
        key="key_catalogue",
        title="重点提案目录",
        scope="year",
        landscape=True,
        fields={
            "year": "年度",
            "count": "件数",
            "rows": "目录行（index、number、title、proposers、lead 主办单位、leaders 督办领导、status 办理状态）",
        },
        build=build_key_catalogue,
        sample=lambda: {
            "year": "2026",
            "count": "1",
            "rows": [
                {
                    "index": "1",
                    "number": "四届三次会议 第001号",
                    "title": "关于加快车站棚户区改造的建议",
                    "proposers": "张委员",
                    "lead": "区住建局",
                    "leaders": "王主席",
                    "status": "办理中",
                }
            ],
        },
        filename=lambda listing: f"{listing.year}年度重点提案目录",
    )
)


def build_catalogue(listing: Listing, issue: Issue) -> dict[str, Any]:
    rows = []
    for index, case in enumerate(listing.items, start=1):
        live = [a for a in case.assignments.all() if a.is_live]
        rows.append(
            {
                "index": str(index),
                "number": case.display_number,
                "title": case.title,
                "proposers": proposer_names(case),
                "category": case.category.name if case.category_id else "",
                "units": "、".join(a.unit.name + ("（会办）" if a.role == AssignmentRole.CO else "") for a in live),
                "status": case.status_label,
            }
        )
    return {"scope": listing.scope, "rows": rows, "count": str(len(rows))}


register(
    DocumentKind(
        key="catalogue",
        title="提案目录",
        scope="session",
        landscape=True,
        fields={
            "scope": "范围（会议或年度）",
            "count": "件数",
            "rows": "目录行（index、number、title、proposers、category 类别、units 承办单位、status 状态）",
        },
        build=build_catalogue,
        sample=lambda: {
            "scope": "四届三次会议",
            "count": "1",
            "rows": [
                {
                    "index": "1",
                    "number": "四届三次会议 第001号",
                    "title": "关于加快车站棚户区改造的建议",
                    "proposers": "张委员",
                    "category": "经济",
                    "units": "区住建局、区教育局（会办）",
                    "status": "办理中",
                }
            ],
        },
        filename=lambda listing: f"{listing.scope}提案目录",
    )
)
