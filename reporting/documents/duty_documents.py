"""The documents of members' duty work (issue 24): a member's yearly 履职档案 and the assessment's 通报.

The objects are duty's own read models — ``duty.selectors.Dossier`` and ``duty.selectors.Notice``, the
same the duty pages and print views show — so the Word file says exactly what the page says. Reporting
sits above duty (it may import duty; duty never imports reporting: duty's pages link these documents
through the template hooks ``reporting/_duty_dossier_documents.html`` and ``_duty_notice_documents.html``).
Who may get them is duty's rule (``duty.access``), applied by the download views.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from duty.selectors import Dossier, Notice

from .engine import Issue, chinese_date
from .registry import DocumentKind, register


def number(value: Decimal | int | None) -> str:
    """21.00 → 21, 7.50 → 7.5: how a document writes a score."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- 履职档案 ----------------------------------------------------------------------------------------


def build_dossier(d: Dossier, issue: Issue) -> dict[str, Any]:
    m = d.membership
    rules = [
        {
            "rule": row.label,
            "per": number(row.per),
            "cap": number(row.cap) if row.cap is not None else "不设上限",
            "count": str(row.count),
            "subtotal": number(row.subtotal),
        }
        for row in d.rows
    ]
    lines = []
    for row in d.rows:
        for line in row.lines:
            lines.append(
                {
                    "index": str(len(lines) + 1),
                    "rule": row.label,
                    "date": f"{line.record.date.month}月{line.record.date.day}日",
                    "record": line.record.label,
                    "points": number(line.points) + ("（超出上限）" if line.capped else ""),
                }
            )
    if d.self_report:
        report_status = f"已于{chinese_date(d.self_report.submitted_at)}提交"
    elif d.needs_self_report:
        report_status = "未提交（常委须提交）"
    else:
        report_status = "未提交"
    c = d.counts
    return {
        "title": d.title,
        "year": str(d.year),
        "name": d.user.display_name,
        "sector": m.sector.name if m else "",
        "special_committee": (m.committee.name + ("（常委）" if m.is_standing else "")) if m else "",
        "total": number(d.total),
        "grade": d.grade or "尚未评定",
        "ranks": "；".join(f"{r.within}第{r.rank}名（共{r.of}人）" for r in d.ranks) or "—",
        "attendance": f"受邀{c['invited']}次，出席{c['present']}次，请假{c['leave']}次，无故缺席{c['absent']}次",
        "opinions": f"{c['opinions']}条",
        "report_status": report_status,
        "rules": rules,
        "lines": lines,
        "activities": [
            {
                "date": f"{a.date.month}月{a.date.day}日",
                "kind": a.kind,
                "title": a.title,
                "status": a.status + (f"（{a.leave_reason}）" if a.leave_reason else ""),
            }
            for a in d.attendance
        ],
        "self_report": paragraphs(d.self_report.text) if d.self_report else [],
        "date": chinese_date(d.generated_on),
    }


register(
    DocumentKind(
        key="duty_dossier",
        title="委员年度履职档案",
        scope="member",
        fields={
            "title": "标题（某委员某年度履职档案）",
            "year": "年度",
            "name": "委员姓名",
            "sector": "界别",
            "special_committee": "专委会（常委注明）",
            "total": "年度得分",
            "grade": "考核等次（未评定时为“尚未评定”）",
            "ranks": "排名（界别、专委会、全体委员）",
            "attendance": "活动出席情况",
            "opinions": "提出意见建议条数",
            "report_status": "年度履职工作报告提交情况",
            "rules": "得分汇总（列表：rule 项目、per 每项分值、cap 年度上限、count 项数、subtotal 得分）",
            "lines": "得分明细（列表：index 序号、rule 项目、date 日期、record 记录、points 分值）",
            "activities": "参加活动（列表：date 日期、kind 类型、title 活动、status 出席）",
            "self_report": "年度履职工作报告（段落列表，未提交为空）",
        },
        build=build_dossier,
        sample=lambda: {
            "title": "张委员委员2025年度履职档案",
            "year": "2025",
            "name": "张委员",
            "sector": "经济",
            "special_committee": "经济委员会（常委）",
            "total": "21",
            "grade": "优秀",
            "ranks": "经济界别第1名（共3人）；经济委员会第1名（共2人）；全体委员第1名（共3人）",
            "attendance": "受邀3次，出席2次，请假0次，无故缺席1次",
            "opinions": "2条",
            "report_status": "已于2026年1月10日提交",
            "rules": [{"rule": "提交提案（领衔）", "per": "3", "cap": "不设上限", "count": "1", "subtotal": "3"}],
            "lines": [
                {"index": "1", "rule": "提交提案（领衔）", "date": "3月10日", "record": "关于…的提案", "points": "3"}
            ],
            "activities": [{"date": "1月8日", "kind": "全体会议", "title": "四届四次会议", "status": "出席"}],
            "self_report": ["一年来，本人认真履行委员职责。"],
        },
        filename=lambda d: f"{d.year}年度履职档案_{d.user.display_name}",
    )
)


# --- 履职考核通报 -----------------------------------------------------------------------------------


def build_notice(n: Notice, issue: Issue) -> dict[str, Any]:
    a = n.activities
    submitted, expected = n.standing_reports
    grades = "，".join(f"{label}{count}名" for label, count in n.by_grade)
    return {
        "title": n.title,
        "year": str(n.year),
        "term_name": n.term_name,
        "office": issue.settings.printer,
        "body": [
            f"根据《委员履职工作规则》《委员履职考核评价办法》，区政协对{n.term_name}委员{n.year}年度履职情况"
            f"进行了登记和考核。全年共组织专题调研视察和对口协商{a['study']}次，委员提出意见建议{a['opinions']}条；"
            f"开展界别活动{a['sector']}场次，走访委员{a['visit']}人次，“书香政协”读书活动{a['reading']}次，"
            f"召开全体会议、常委会议和专委会会议{a['meetings']}次。常委应提交年度履职工作报告{expected}份，"
            f"实际提交{submitted}份。",
            f"{n.policy}参加考核委员{n.members}名，其中{grades}。现将考核情况通报如下：",
        ],
        "excellent": [{"sector": sector, "names": "、".join(names)} for sector, names in n.excellent],
        "below": [{"grade": grade, "name": name, "sector": sector} for grade, name, sector in n.below],
        "closing": "希望受到通报表扬的委员再接再厉，其他委员以先进为榜样，进一步增强履职意识，提高履职能力，"
        "为陈仓高质量发展贡献政协智慧和力量。",
        "date": chinese_date(n.issued_on),
    }


register(
    DocumentKind(
        key="duty_notice",
        title="委员履职考核情况通报",
        scope="year",
        fields={
            "title": "标题",
            "year": "年度",
            "term_name": "届次",
            "office": "发文机关（印发机关，即政协办公室）",
            "body": "正文（段落列表）",
            "excellent": "履职优秀委员（列表：sector 界别、names 姓名）",
            "below": "基本合格和不合格委员（列表：grade 等次、name 姓名、sector 界别）",
            "closing": "结束语",
        },
        build=build_notice,
        sample=lambda: {
            "title": "关于2025年度政协委员履职考核情况的通报",
            "year": "2025",
            "term_name": "第四届",
            "office": "政协陈仓区委员会办公室",
            "body": ["根据《委员履职工作规则》……", "参加考核委员3名，其中优秀1名……"],
            "excellent": [{"sector": "经济界", "names": "张委员"}],
            "below": [{"grade": "不合格", "name": "王委员", "sector": "经济界"}],
            "closing": "希望受到通报表扬的委员再接再厉。",
        },
        filename=lambda n: f"{n.year}年度委员履职考核情况通报",
    )
)
