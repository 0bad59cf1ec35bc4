"""The annual 提案工作情况报告 (issue 23): its figures, its text, its Word draft.

Every figure of the report is read from ``stats.dashboard`` for the same scope (a term, a session, or
a year of the term) — the one figures function the 统计分析 page shows — through ``FIGURES``, so the
report can never say what the dashboard does not. The text around the figures is a Jinja2 template
in a sandbox (``reporting/doc_templates/annual_report.j2``, or the office's own file named by the
ANNUAL_REPORT_TEMPLATE setting): the figures are its fields, and its lines say what goes where —
``# `` a heading, ``## `` a subheading, ``[表] name`` one of the tables of ``TABLES``, a blank line
between paragraphs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Any

from django.conf import settings
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from members.models import Session, Term
from reporting import stats

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "doc_templates" / "annual_report.j2"

# name → (label, path into stats.dashboard's data). Rates are fractions (None when nothing counted).
FIGURES: dict[str, tuple[str, str]] = {
    "received": ("收到提案", "review.received"),
    "filed": ("立案提案（收到的提案中）", "review.filed"),
    "proposals_filed": ("立案提案", "headline.proposals_filed"),
    "suggestions": ("建议", "headline.suggestions"),
    "key_proposals": ("重点提案", "headline.key_proposals"),
    "converted": ("转为建议", "review.converted"),
    "merged": ("并案（立案前）", "review.merged"),
    "merged_after_filing": ("立案后并案", "review.merged_after_filing"),
    "rejected": ("不予立案", "review.rejected"),
    "withdrawn": ("撤案", "review.withdrawn"),
    "under_review": ("审查中", "review.under_review"),
    "filing_rate": ("立案率", "headline.filing_rate"),
    "handling_units": ("承办单位", "headline.handling_units"),
    "replying": ("应答复交办", "headline.replying"),
    "replied": ("已答复", "headline.replied"),
    "reply_rate": ("答复率", "headline.reply_rate"),
    "replies_due": ("到期应答复", "headline.replies_due"),
    "replies_on_time": ("按时答复", "headline.replies_on_time"),
    "on_time_rate": ("按时答复率", "headline.on_time_reply_rate"),
    "class_a": ("A类答复", "headline.reply_classes.A"),
    "class_b": ("B类答复", "headline.reply_classes.B"),
    "class_c": ("C类答复", "headline.reply_classes.C"),
    "a_share": ("A类占比", "league.totals.a_share"),
    "b_share": ("B类占比", "league.totals.b_share"),
    "c_share": ("C类占比", "league.totals.c_share"),
    "cases_replied": ("已答复案件", "headline.cases_replied"),
    "cases_face_to_face": ("面商案件", "headline.cases_face_to_face"),
    "face_to_face_rate": ("面商率", "headline.face_to_face_rate"),
    "satisfaction_rate": ("满意率", "headline.satisfaction_rate"),
    "rehandled": ("重新办理", "headline.rehandled"),
    "b_commitments": ("B类承诺事项", "headline.b_commitments"),
    "b_delivered": ("B类承诺已落实", "headline.b_delivered"),
}
# The contact points (接案 / 办理 / 答复) come as two figures each: contact_intake_cases, contact_intake_rate, …
CONTACT_POINTS_PATH = "headline.contact_points"


def pct(value: float | None) -> str:
    """0.8571 → 85.7%; None (nothing counted yet) → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


def _get(data: dict, path: str) -> Any:
    return reduce(lambda d, k: d[k], path.split("."), data)


@dataclass
class Scope:
    term: Term
    session: Session | None = None
    year: int | None = None

    @property
    def title(self) -> str:
        if self.session is not None:
            return self.session.name
        if self.year is not None:
            return f"{self.year}年度"
        return f"{self.term.name}以来"

    @property
    def since(self) -> str:
        """How the report's opening names the period."""
        if self.session is not None:
            return f"{self.session.name}以来"
        if self.year is not None:
            return f"{self.year}年"
        first = self.term.sessions.order_by("number").first()
        return f"{first.name}以来" if first else f"{self.term.name}以来"

    @property
    def heading(self) -> str:
        if self.session is None and self.year is None:
            return f"{self.term.name}"
        return self.title


def figures(data: dict) -> dict[str, Any]:
    """The report's figures, each read from the dashboard's data of the scope (raw numbers/fractions)."""
    out = {name: _get(data, path) for name, (_label, path) in FIGURES.items()}
    for point in _get(data, CONTACT_POINTS_PATH):
        out[f"contact_{point['point']}_cases"] = point["cases"]
        out[f"contact_{point['point']}_rate"] = point["rate"]
    return out


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _fmt_dates(dates: list[str]) -> str:
    return "、".join(f"{dt.date.fromisoformat(d):%-m月%-d日}" for d in dates)


def tables(data: dict) -> dict[str, Table]:
    """The report's tables, from the same data (the names are what ``[表] name`` refers to)."""
    h = data["headline"]
    r = data["review"]
    review = Table(
        "提案审查情况",
        ["项目", "件数"],
        [
            ["收到提案", str(r["received"])],
            ["立案", str(r["filed"])],
            ["转为建议", str(r["converted"])],
            ["并案（立案前）", str(r["merged"])],
            ["不予立案", str(r["rejected"])],
            ["撤案", str(r["withdrawn"])],
            ["立案率", pct(r["filing_rate"])],
        ],
    )
    named = {
        "by_proposer_type": ("按提案人类型", "提案人类型"),
        "by_category": ("按类别", "类别"),
        "by_sector": ("按界别（联名案件在各界别各计一次）", "界别"),
        "by_committee": ("按专委会（联名案件在各专委会各计一次）", "专委会"),
    }
    out = {"review": review}
    for key, (title, label) in named.items():
        out[key] = Table(title, [label, "件数"], [[row["name"], str(row["count"])] for row in data[key]])
    out["handling"] = Table(
        "办理情况",
        ["项目", "数值"],
        [
            ["承办单位", str(h["handling_units"])],
            ["答复率", f"{pct(h['reply_rate'])}（{h['replied']}/{h['replying']}）"],
            ["按时答复率", f"{pct(h['on_time_reply_rate'])}（{h['replies_on_time']}/{h['replies_due']}）"],
            ["A类（已解决或采纳）", f"{h['reply_classes']['A']}（{pct(data['league']['totals']['a_share'])}）"],
            ["B类（正在解决或列入计划）", f"{h['reply_classes']['B']}（{pct(data['league']['totals']['b_share'])}）"],
            ["C类（留作参考）", f"{h['reply_classes']['C']}（{pct(data['league']['totals']['c_share'])}）"],
            ["面商率", f"{pct(h['face_to_face_rate'])}（{h['cases_face_to_face']}/{h['cases_replied']}）"],
            *[
                [f"{p['label']}环节沟通", f"{pct(p['rate'])}（{p['cases']}/{h['cases_replied']}）"]
                for p in h["contact_points"]
            ],
            ["满意率", pct(h["satisfaction_rate"])],
            ["重新办理", str(h["rehandled"])],
            ["B类承诺已落实", f"{h['b_delivered']}/{h['b_commitments']}"],
        ],
    )
    out["key_proposals"] = Table(
        "重点提案督办情况",
        ["编号", "案由", "督办领导", "承办单位", "督办活动"],
        [
            [
                k["number"],
                k["title"],
                k["leaders"] or "—",
                k["units"] or "—",
                "；".join(
                    f"{a['label']}{a['count']}次（{_fmt_dates(a['dates'])}）" for a in k["activity_kinds"] if a["count"]
                )
                or "—",
            ]
            for k in data["key_progress"]
        ],
    )
    out["league"] = Table(
        "承办单位办理情况",
        ["承办单位", "交办", "已答复", "按时答复率", "A类占比", "满意率"],
        [
            [
                row["unit"],
                str(row["assigned"]),
                str(row["replied"]),
                pct(row["on_time_rate"]),
                pct(row["a_share"]),
                pct(row["satisfaction_rate"]),
            ]
            for row in stats.sort_league(data["league"], "assigned")["rows"]
        ],
    )
    awards = data["award_candidates"]
    out["award_proposals"] = Table(
        "优秀提案候选",
        ["编号", "案由"],
        [[p["number"], p["title"] + ("（重点提案）" if p["is_key"] else "")] for p in awards["proposals"]],
    )
    out["award_units"] = Table(
        "办理先进单位候选",
        ["承办单位", "已答复", "按时答复率", "A类占比", "满意率"],
        [
            [u["unit"], str(u["replied"]), pct(u["on_time_rate"]), pct(u["a_share"]), pct(u["satisfaction_rate"])]
            for u in awards["units"]
        ],
    )
    return out


# --- The text ----------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # "heading", "subheading", "paragraph", "table"
    text: str = ""
    table: Table | None = None


class ReportTemplateError(Exception):
    """The office's template cannot be rendered: the message says why, in Chinese."""


def template_source() -> str:
    path = getattr(settings, "ANNUAL_REPORT_TEMPLATE", None) or DEFAULT_TEMPLATE
    return Path(path).read_text(encoding="utf-8")


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters["pct"] = pct
    return env


def context(scope: Scope, data: dict) -> dict[str, Any]:
    """The template's fields: ``n`` the figures, ``rules`` the award rules, the scope's names."""
    return {
        "n": figures(data),
        "scope_title": scope.title,
        "scope_heading": scope.heading,
        "since": scope.since,
        "term_name": scope.term.name,
        "today": dt.date.fromisoformat(data["today"]),
        "key_titles": [k["title"] for k in data["key_progress"]],
        "award_proposals": data["award_candidates"]["proposals"],
        "award_units": data["award_candidates"]["units"],
        "rules": {
            "proposals_max": stats.AWARD_PROPOSALS_MAX,
            "units_max": stats.AWARD_UNITS_MAX,
            "unit_min_replied": stats.AWARD_UNIT_MIN_REPLIED,
            "unit_min_on_time": pct(stats.AWARD_UNIT_MIN_ON_TIME),
            "unit_min_satisfaction": pct(stats.AWARD_UNIT_MIN_SATISFACTION),
        },
    }


def render(scope: Scope, data: dict, source: str | None = None) -> list[Block]:
    """The report as blocks, from the template (the office's, or the bundled one) and the data."""
    try:
        text = (
            _environment().from_string(source if source is not None else template_source()).render(context(scope, data))
        )
    except TemplateError as exc:
        raise ReportTemplateError(f"报告模板有误：{exc}") from exc
    available = tables(data)
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", "".join(line.strip() for line in paragraph)))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            blocks.append(Block("subheading", stripped[3:].strip()))
        elif stripped.startswith("# "):
            flush()
            blocks.append(Block("heading", stripped[2:].strip()))
        elif stripped.startswith("[表]"):
            flush()
            name = stripped[3:].strip()
            if name not in available:
                raise ReportTemplateError(f"报告模板有误：没有名为“{name}”的表格（可用：{'、'.join(available)}）。")
            blocks.append(Block("table", table=available[name]))
        else:
            paragraph.append(stripped)
    flush()
    return blocks


def title(scope: Scope) -> str:
    return f"政协陈仓区委员会{scope.heading}提案工作情况报告"


def opening(blocks: list[Block]) -> str:
    """The first paragraph after the salutation (各位委员：), what the note quotes."""
    return next((b.text for b in blocks if b.kind == "paragraph" and not b.text.endswith("：")), "")


# --- The Word and PDF draft: a document kind of the documents engine (reporting.documents) -------


@dataclass
class Draft:
    """What the document kind renders: the scope and the blocks its text template gave."""

    scope: Scope
    blocks: list[Block]
    figures: dict[str, Any] = field(default_factory=dict)


def _body(blocks: list[Block]) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    for b in blocks:
        if b.kind == "table" and b.table is not None:
            rows = b.table.rows or [["（无）"] + [""] * (len(b.table.header) - 1)]
            body.append({"kind": "table", "text": "", "title": b.table.title, "header": b.table.header, "rows": rows})
        else:
            body.append({"kind": b.kind, "text": b.text, "title": "", "header": [], "rows": []})
    return body


def _text_figures(values: dict[str, Any]) -> dict[str, str]:
    """The figures as the Word template shows them: counts as digits, rates as 85.7%."""
    return {k: pct(v) if k.endswith(("_rate", "_share")) else str(v) for k, v in values.items()}


def build_document(draft: Draft, issue) -> dict[str, Any]:
    return {
        "title": title(draft.scope) + "（草稿）",
        "scope": draft.scope.title,
        "body": _body(draft.blocks),
        "n": _text_figures(draft.figures),
    }


def _sample() -> dict[str, Any]:
    names = list(FIGURES) + [f"contact_{p}_{x}" for p in ("intake", "handling", "reply") for x in ("cases", "rate")]
    return {
        "title": "政协陈仓区委员会四届提案工作情况报告（草稿）",
        "scope": "四届以来",
        "body": [
            {"kind": "heading", "text": "一、提案提交和审查情况", "title": "", "header": [], "rows": []},
            {"kind": "subheading", "text": "（一）按类别", "title": "", "header": [], "rows": []},
            {"kind": "paragraph", "text": "四届一次会议以来共立案提案393件。", "title": "", "header": [], "rows": []},
            {"kind": "table", "text": "", "title": "按类别", "header": ["类别", "件数"], "rows": [["经济", "112"]]},
        ],
        "n": dict.fromkeys(names, "1"),
    }


def register_document_kind() -> None:
    from reporting.documents import DocumentKind, register

    register(
        DocumentKind(
            key="annual_report",
            title="提案工作情况报告",
            scope="year",
            fields={
                "title": "标题",
                "scope": "统计范围（如：2025年度、四届三次会议、四届以来）",
                "body": "正文（由报告文字模板生成：b.kind 为 heading 一级标题 / subheading 二级标题 / paragraph 段落 / "
                "table 表格；b.text 文字；表格的 b.title 表名、b.header 表头、b.rows 各行）",
                "n": "各项数字（n.proposals_filed 立案提案、n.suggestions 建议、n.key_proposals 重点提案、"
                "n.filing_rate 立案率 等，与统计分析相同）",
            },
            build=build_document,
            sample=_sample,
            filename=lambda draft: title(draft.scope) + "（草稿）",
        )
    )


def draft(scope: Scope, data: dict, source: str | None = None) -> Draft:
    return Draft(scope, render(scope, data, source), figures(data))


def to_docx(scope: Scope, blocks: list[Block], figures_: dict[str, Any] | None = None, *, user=None) -> bytes:
    """The Word draft, made by the documents engine from the kind's template (the office's upload, or
    the committed reporting/documents/templates/annual_report.docx)."""
    from reporting.documents import engine, get

    kind = get("annual_report")
    assert kind is not None
    return engine.make(kind, Draft(scope, blocks, figures_ or {}), user=user)
