"""Official documents as Word files (python-docx), in the layout of GB/T 9704 (党政机关公文格式).

The layout is built in code (A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
body 仿宋_GB2312 三号 16 pt; title 方正小标宋简体 二号 22 pt, falling back to 黑体 where the font is
missing); every fixed text (the organisation's name, titles, standard paragraphs, fonts) lives in
``proposals/doc_templates/texts.json`` so the office changes the letterhead without touching code.

Each builder returns the document's bytes; ``docx_response`` sends it and audits the download.
Callers fetch the case through ``access.get_case_or_404`` first; builders never widen access.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from audit import trail as audit
from proposals import settings_registry
from proposals.models import AssignmentRole, AssignmentStatus, Case, KeyProposal, Reply, ReplyClass

TEXTS_PATH = Path(__file__).parent / "doc_templates" / "texts.json"

# 号 sizes of Chinese typesetting, in points.
SIZE_ERHAO = 22  # 二号: titles
SIZE_SANHAO = 16  # 三号: body
SIZE_SIHAO = 14  # 四号: tables

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CASE_DOCUMENTS = ("proposal_form", "assignment_notice", "reply_letter", "rating_form")
DOCUMENT_LABELS = {
    "proposal_form": "提案表",
    "assignment_notice": "交办通知书",
    "reply_letter": "答复函",
    "rating_form": "征询意见表",
    "key_catalogue": "重点提案目录",
}


@lru_cache(maxsize=1)
def _texts_cached(mtime: float) -> dict:
    return json.loads(TEXTS_PATH.read_text(encoding="utf-8"))


def texts() -> dict:
    # Keyed on the file's mtime: an edited texts.json is picked up without a restart.
    return _texts_cached(TEXTS_PATH.stat().st_mtime)


# --- Layout --------------------------------------------------------------------------------------


def _set_east_asian(element, font: str) -> None:
    rpr = element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        rfonts.set(qn(attr), font)


def _declare_fallbacks(document, fonts: dict) -> None:
    """Tell Word which font to use when the preferred one is not installed (w:altName)."""
    part = next((p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml")), None)
    if part is None:
        return
    entries = []
    for names in fonts.values():
        if len(names) > 1:
            entries.append(
                f'<w:font w:name="{names[0]}"><w:altName w:val="{names[1]}"/><w:charset w:val="86"/></w:font>'
            )
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", "".join(entries) + "</w:fonts>").encode("utf-8")


def new_document():
    fonts = texts()["fonts"]
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.size = Pt(SIZE_SANHAO)
    _set_east_asian(normal.element, fonts["body"][0])
    normal.paragraph_format.line_spacing = Pt(28)  # GB/T 9704: 22 lines a page at 三号
    normal.paragraph_format.space_after = Pt(0)
    _declare_fallbacks(document, fonts)
    return document


def _run(paragraph, text: str, *, font: str | None = None, size: int | None = None, bold: bool = False):
    run = paragraph.add_run(text)
    if font:
        _set_east_asian(run._element, font)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    return run


def add_title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(SIZE_SANHAO)
    paragraph.paragraph_format.line_spacing = Pt(36)
    _run(paragraph, text, font=texts()["fonts"]["title"][0], size=SIZE_ERHAO)


def add_paragraph(document, text: str, *, indent: bool = True, align=None, heading: bool = False) -> None:
    for line in (text or "").splitlines() or [""]:
        paragraph = document.add_paragraph()
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(SIZE_SANHAO * 2)
        if align is not None:
            paragraph.alignment = align
        _run(paragraph, line, font=texts()["fonts"]["heading"][0] if heading else None)


FORM_WIDTHS = (Mm(35), Mm(121))


def add_table(document, rows: Iterable[tuple[str, str]], *, widths=FORM_WIDTHS) -> None:
    """A two-column form: label | value."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = widths
        _fill(cells[0], label, bold=True)
        _fill(cells[1], value)


def add_grid(document, header: list[str], rows: Iterable[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header):
        _fill(cell, text, bold=True)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            _fill(cell, text)


def _fill(cell, text: str, *, bold: bool = False) -> None:
    lines = (text or "").splitlines() or [""]
    cell.paragraphs[0].text = ""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.line_spacing = Pt(22)
        _run(paragraph, line, size=SIZE_SIHAO, bold=bold)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Case data ------------------------------------------------------------------------------------


def _number(case: Case) -> str:
    return case.display_number or texts()["proposal_form"]["unnumbered"]


def _proposers(case: Case) -> str:
    return "、".join(p.display_name for p in case.proposers.all() if p.counts)


def _live(case: Case):
    return case.assignments.exclude(status=AssignmentStatus.WITHDRAWN_FROM_UNIT).select_related("unit").order_by("id")


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def _accepted_reply(case: Case, assignment_id: int | None = None) -> Reply:
    replies = case.replies.filter(state=Reply.State.ACCEPTED).select_related("assignment__unit")
    if assignment_id is not None:
        replies = replies.filter(assignment_id=assignment_id)
    reply = replies.order_by("-round", "-decided_at", "-id").first()
    if reply is None:
        raise Http404("该提案尚无审核通过的答复。")
    return reply


# --- The documents --------------------------------------------------------------------------------


def proposal_form(case: Case) -> bytes:
    """提案表: number once filed, title, proposers, category, facts, suggestions."""
    t = texts()
    document = new_document()
    add_title(
        document,
        t["proposal_form"]["title"] if case.kind == "proposal" else t["proposal_form"]["title"].replace("提案", "建议"),
    )
    add_table(
        document,
        [
            ("编号", _number(case)),
            ("案由", case.title),
            ("提案人", _proposers(case)),
            ("类别", case.category.name if case.category_id else ""),
            ("提交时间", _date(case.submitted_at)),
        ],
    )
    add_paragraph(document, "一、情况分析", indent=False, heading=True)
    add_paragraph(document, case.facts)
    add_paragraph(document, "二、办法建议", indent=False, heading=True)
    add_paragraph(document, case.suggestions)
    return to_bytes(document)


def assignment_notice(case: Case) -> bytes:
    """交办通知书: number, title, every live unit with its role, and the due dates."""
    t = texts()["assignment_notice"]
    assignments = list(_live(case))
    if not assignments:
        raise Http404("该提案尚未交办。")
    document = new_document()
    add_title(document, t["title"])
    add_paragraph(document, "、".join(a.unit.name for a in assignments) + "：", indent=False)
    add_paragraph(document, t["opening"])
    add_table(document, [("编号", _number(case)), ("案由", case.title), ("提案人", _proposers(case))])
    add_paragraph(document, "")
    add_grid(
        document,
        ["承办单位", "办理方式", "交办日期", "答复期限"],
        [
            [
                a.unit.name,
                a.get_role_display(),
                _date(a.assigned_at),
                _date(a.views_due) + "（会办意见）"
                if a.role == AssignmentRole.CO and a.views_due
                else _date(a.due_date),
            ]
            for a in assignments
        ],
    )
    if any(a.role == AssignmentRole.CO for a in assignments):
        add_paragraph(document, t["co_note"])
    add_paragraph(document, "")
    add_paragraph(document, t["signature"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_paragraph(
        document, _date(min(a.assigned_at for a in assignments)), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    return to_bytes(document)


def reply_letter(case: Case, assignment_id: int | None = None) -> bytes:
    """答复函: number, title, unit, reply text, signer, contact — and the class where the kind has one."""
    t = texts()["reply_letter"]
    reply = _accepted_reply(case, assignment_id)
    document = new_document()
    add_title(document, t["title"].format(number=_number(case), title=case.title))
    add_paragraph(document, t["salutation"].format(proposers=_proposers(case)), indent=False)
    add_paragraph(document, f"您提出的《{case.title}》（{_number(case)}）收悉，现答复如下：")
    add_paragraph(document, reply.letter)
    add_paragraph(document, t["closing"])
    add_paragraph(document, "")
    rows = [("编号", _number(case)), ("案由", case.title), ("承办单位", reply.assignment.unit.name)]
    if settings_registry.needs_class(case.kind) and reply.reply_class:
        rows.append(("答复类别", ReplyClass(reply.reply_class).label))
    rows += [("签发人", reply.signer), ("联系人", reply.contact_person), ("联系电话", reply.contact_phone)]
    add_table(document, rows)
    add_paragraph(document, "")
    add_paragraph(document, reply.assignment.unit.name, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_paragraph(document, _date(reply.submitted_at), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return to_bytes(document)


def rating_form(case: Case, assignment_id: int | None = None) -> bytes:
    """征询意见表: number, title, unit, and 满意/基本满意/不满意 on both dimensions."""
    t = texts()["rating_form"]
    replying = [a for a in _live(case) if a.replies_to_proposer]
    if assignment_id is not None:
        replying = [a for a in replying if a.pk == assignment_id]
    if not replying:
        raise Http404("该提案尚无承办单位。")
    document = new_document()
    boxes = "　".join(f"□{choice}" for choice in t["choices"])
    for index, assignment in enumerate(replying):
        if index:
            document.add_page_break()
        add_title(document, t["title"])
        rows = [
            ("编号", _number(case)),
            ("案由", case.title),
            ("提案人", _proposers(case)),
            ("承办单位", assignment.unit.name),
        ]
        rows += [(dimension, boxes) for dimension in t["dimensions"]]
        rows.append(("意见和建议", "\n\n\n"))
        rows.append(("提案人签名", "\n\n" + "年　　月　　日"))
        add_table(document, rows)
        add_paragraph(document, t["instruction"])
    return to_bytes(document)


def key_catalogue(year: int, keys: Iterable[KeyProposal]) -> bytes:
    """年度重点提案目录: one row per designated key proposal of the year (caller scopes the rows)."""
    document = new_document()
    add_title(document, texts()["key_catalogue"]["title"].format(year=year))
    rows = []
    for index, key in enumerate(keys, start=1):
        case = key.case
        units = "、".join(a.unit.name for a in _live(case) if a.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE))
        leaders = "、".join(u.display_name for u in key.leaders.all())
        rows.append([str(index), case.display_number, case.title, _proposers(case), units, leaders, case.status_label])
    add_grid(document, ["序号", "编号", "案由", "提案人", "主办单位", "督办领导", "办理状态"], rows)
    return to_bytes(document)


def key_proposals_of_year(cases, year: int):
    """Designated key proposals among the (already scoped) cases, filed in the given year."""
    return (
        KeyProposal.objects.filter(state=KeyProposal.State.DESIGNATED, case__in=cases, case__filed_at__year=year)
        .select_related("case__session")
        .prefetch_related("leaders", "case__proposers__user", "case__proposers__organisation")
        .order_by("case__session__opens", "case__number")
    )


BUILDERS = {
    "proposal_form": proposal_form,
    "assignment_notice": assignment_notice,
    "reply_letter": reply_letter,
    "rating_form": rating_form,
}


def case_document(kind: str, case: Case) -> bytes:
    if kind not in BUILDERS:
        raise Http404("没有这种文书。")
    return BUILDERS[kind](case)


# --- Responses ------------------------------------------------------------------------------------


def docx_response(
    user, content: bytes, *, kind: str, filename_stem: str, case: Case | None = None, data: dict | None = None
) -> HttpResponse:
    audit.record(
        "download",
        actor=user,
        object_type="document",
        object_id=case.pk if case else "",
        case=case,
        data={"kind": kind, "format": "docx", **(data or {})},
    )
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename_stem}.docx")
    return response


def document_filename(kind: str, case: Case) -> str:
    return f"{DOCUMENT_LABELS[kind]}_{case.number or case.pk}"


def print_context(case: Case) -> dict:
    replies = (
        case.replies.filter(state=Reply.State.ACCEPTED)
        .select_related("assignment__unit")
        .order_by("round", "assignment_id", "id")
    )
    return {
        "case": case,
        "organisation": texts()["organisation"],
        "proposers": _proposers(case),
        "assignments": list(_live(case)),
        "replies": [
            {"reply": r, "show_class": settings_registry.needs_class(case.kind) and bool(r.reply_class)}
            for r in replies
        ],
        "printed_at": timezone.localtime(),
    }


def print_html(user, case: Case) -> HttpResponse:
    audit.record(
        "download",
        actor=user,
        object_type="document",
        object_id=case.pk,
        case=case,
        data={"kind": "print", "format": "html"},
    )
    return HttpResponse(render_to_string("print/case.html", print_context(case)))
