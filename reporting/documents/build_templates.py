"""Builds the default .docx templates of the official documents (GB/T 9704-2012, 党政机关公文格式).

Run ``python -m reporting.documents.build_templates`` after changing this file and commit the .docx files
it writes to ``reporting/documents/templates/``: they are ordinary Word files (the office opens and edits
them in Word, WPS or LibreOffice) whose ``{{ field }}`` placeholders docxtpl fills in. The layout lives
here once, so every template shares it:

- A4, margins 37 / 35 / 28 / 26 mm (top / bottom / left / right): a 版心 of 156 × 225 mm;
- 22 lines × 28 characters: 仿宋 三号 (16 pt) at an exact 28.95 pt line pitch (a line grid,
  ``w:docGrid w:type="lines" w:linePitch="579"``) and a character spacing of −0.25 pt, so 28 characters
  fill the 156 mm line. (Word's character grid, ``linesAndChars`` with ``w:charSpace``, is not used:
  LibreOffice lays it out at about half the characters a line, and the PDFs come from LibreOffice.)
- 版头 (发文机关标志) in red #FF0000 小标宋 with the red rule under the 发文字号 line;
- title 小标宋 二号 (22 pt); page numbers 4号半角宋体 "— 1 —", right on odd and left on even pages
  (``w:evenAndOddHeaders``); 版记 with the 抄送 and 印发 lines between rules;
- tables in a fixed layout with explicit grid and cell widths, so Word, WPS and LibreOffice keep them.

The official fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) are named first; the font table names
Noto Serif CJK SC / Noto Sans CJK SC as their alternates (``w:altName``) for machines without them.
This module imports only python-docx: it needs no Django.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).parent / "templates"

FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_SONG = "宋体"
LATIN = "Times New Roman"
FALLBACKS = {
    FONT_BODY: "Noto Serif CJK SC",
    FONT_TITLE: "Noto Serif CJK SC",
    FONT_KAI: "Noto Serif CJK SC",
    FONT_SONG: "Noto Serif CJK SC",
    FONT_HEI: "Noto Sans CJK SC",
}
RED = "FF0000"

LINE_PITCH = 579  # twentieths of a point: 28.95 pt, 22 lines in the 225 mm 版心
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
SIHAO_PT = 14  # 四号: page numbers, 版记, tables
TEXT_WIDTH_MM = 156
CHAR_PITCH_PT = TEXT_WIDTH_MM / 25.4 * 72 / 28  # 28 characters a line: 15.79 pt
# w:spacing of the Normal style's runs, in twentieths of a point: 16 − 0.25 = 15.75 pt a character (28.08 a line).
CHAR_SPACING = -5


def _twips_mm(mm: float) -> int:
    return round(mm / 25.4 * 1440)


# --- Low-level XML helpers ----------------------------------------------------------------------------


def _set(element, tag: str, **attrs) -> OxmlElement:
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.append(child)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), str(value))
    return child


def _fonts(rpr, east_asian: str, latin: str | None = None) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    latin = latin or east_asian
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:cs"), latin)


def _rpr_order(rpr) -> None:
    order = ["w:rStyle", "w:rFonts", "w:b", "w:i", "w:color", "w:spacing", "w:sz", "w:szCs", "w:lang"]
    rank = {qn(t): i for i, t in enumerate(order)}
    for child in sorted(rpr, key=lambda c: rank.get(c.tag, len(order))):
        rpr.remove(child)
        rpr.append(child)


def _defaults(document) -> None:
    """The document defaults too (WPS and the grid read them): 仿宋 三号, Chinese, no paragraph spacing."""
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    _fonts(rpr, FONT_BODY, LATIN)
    _set(rpr, "w:sz", val=BODY_PT * 2)
    _set(rpr, "w:szCs", val=BODY_PT * 2)
    _set(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    _set(ppr, "w:spacing", after=0, line=LINE_PITCH, lineRule="exact")


def _ppr_order(ppr) -> None:
    """Word is strict about the order of pPr children: sort the ones these helpers add."""
    order = [
        "w:pStyle",
        "w:keepNext",
        "w:pageBreakBefore",
        "w:pBdr",
        "w:tabs",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:jc",
    ]
    rank = {qn(t): i for i, t in enumerate(order)}
    children = sorted(ppr, key=lambda c: rank.get(c.tag, len(order) + (1 if c.tag == qn("w:rPr") else 0)))
    for child in children:
        ppr.remove(child)
        ppr.append(child)


def _spacing(paragraph, *, line: int | None = LINE_PITCH, rule: str = "exact", before: int = 0, after: int = 0):
    ppr = paragraph._p.get_or_add_pPr()
    if line != LINE_PITCH:
        # Off the 28.95 pt line grid (tables, the 版头, titles): LibreOffice would otherwise snap each
        # line to the grid whatever the exact spacing says.
        _set(ppr, "w:snapToGrid", val=0)
    spacing = _set(ppr, "w:spacing", before=before, after=after)
    if line is not None:
        spacing.set(qn("w:line"), str(line))
        spacing.set(qn("w:lineRule"), rule)
    _ppr_order(ppr)


def _indent(paragraph, *, first_chars: int = 0, left_chars: int = 0, right_chars: int = 0, size: int = BODY_PT):
    """Indents in characters (w:…Chars, hundredths of a character) with the twip value Word falls back to."""
    ppr = paragraph._p.get_or_add_pPr()
    ind = _set(ppr, "w:ind")
    if first_chars:
        ind.set(qn("w:firstLineChars"), str(first_chars * 100))
        ind.set(qn("w:firstLine"), str(first_chars * size * 20))
    if left_chars:
        ind.set(qn("w:leftChars"), str(left_chars * 100))
        ind.set(qn("w:left"), str(left_chars * size * 20))
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars * 100))
        ind.set(qn("w:right"), str(right_chars * size * 20))
    _ppr_order(ppr)


def _border(paragraph, side: str, *, size: int, color: str = "000000", space: int = 1) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.append(pbdr)
    _set(pbdr, f"w:{side}", val="single", sz=size, space=space, color=color)
    _ppr_order(ppr)


def _right_tab(paragraph, position_mm: float) -> None:
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(position_mm), WD_TAB_ALIGNMENT.RIGHT)
    _ppr_order(paragraph._p.get_or_add_pPr())


def run(paragraph, text: str, *, font: str = FONT_BODY, size: float = BODY_PT, bold: bool = False, color=None):
    r = paragraph.add_run(text)
    rpr = r._r.get_or_add_rPr()
    _fonts(rpr, font, LATIN if font in (FONT_BODY, FONT_SONG, FONT_KAI) else None)
    r.font.size = Pt(size)
    if bold:
        r.bold = True
    if color:
        r.font.color.rgb = RGBColor.from_string(color)
    return r


def para(
    container,
    text: str = "",
    *,
    align=None,
    first: int = 2,
    left: int = 0,
    right: int = 0,
    font: str = FONT_BODY,
    size: float = BODY_PT,
    bold: bool = False,
    color=None,
    line: int | None = LINE_PITCH,
    rule: str = "exact",
):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _spacing(paragraph, line=line, rule=rule)
    if first or left or right:
        _indent(paragraph, first_chars=first, left_chars=left, right_chars=right, size=round(size))
    if text:
        run(paragraph, text, font=font, size=size, bold=bold, color=color)
    return paragraph


def tag(container, statement: str):
    """A paragraph holding only a docxtpl paragraph tag (``{%p … %}``): removed when rendered."""
    paragraph = container.add_paragraph()
    _spacing(paragraph)
    run(paragraph, "{%p " + statement + " %}")
    return paragraph


def loop(container, items: str, item: str, text: str, **kwargs) -> None:
    """One paragraph per element of ``items`` (the body text, given as a list of paragraphs)."""
    tag(container, f"for {item} in {items}")
    para(container, text, **kwargs)
    tag(container, "endfor")


# --- The page --------------------------------------------------------------------------------------


def _declare_fallbacks(document) -> None:
    part = next(p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml"))
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"modern" if alt.endswith("Sans CJK SC") else "roman"}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _page_number(footer, *, odd: bool) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    _spacing(paragraph, line=None)
    # GB/T 9704 7.5: 单页码居右空一字，双页码居左空一字.
    _indent(paragraph, right_chars=1 if odd else 0, left_chars=0 if odd else 1, size=SIHAO_PT)
    run(paragraph, "— ", font=FONT_SONG, size=SIHAO_PT)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        r = run(paragraph, "", font=FONT_SONG, size=SIHAO_PT)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        r._r.append(element)
    run(paragraph, " —", font=FONT_SONG, size=SIHAO_PT)


def new_document(*, landscape: bool = False):
    document = Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        # The portrait margins turned with the page: the 版心 is 225 × 156 mm.
        section.left_margin, section.right_margin = Mm(37), Mm(35)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20 if not landscape else 12)
    sectpr = section._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))

    styles = document.styles
    normal = styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    _fonts(rpr, FONT_BODY, LATIN)
    normal.font.size = Pt(BODY_PT)
    _set(rpr, "w:spacing", val=CHAR_SPACING)
    _rpr_order(rpr)
    _defaults(document)
    lang = _set(rpr, "w:lang", val="en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    spacing = _set(normal.element.get_or_add_pPr(), "w:spacing")
    spacing.set(qn("w:line"), str(LINE_PITCH))
    spacing.set(qn("w:lineRule"), "exact")
    pf.widow_control = False

    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)
    _declare_fallbacks(document)
    return document


# --- Parts of a 公文 ----------------------------------------------------------------------------------


def masthead(document, field: str = "{{ header_text }}", *, size: int = 30) -> None:
    """发文机关标志: red 小标宋, centred."""
    para(
        document,
        field,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first=0,
        font=FONT_TITLE,
        size=size,
        color=RED,
        line=round(size * 1.3 * 20),
    )


def number_rule(document, *, left: str | None = None, right: str | None = None, center: str | None = None) -> None:
    """The 发文字号 line (centred; or 发文字号 left and 签发人 right) with the red 版头 rule under it; without
    a number, the rule right under the 发文机关标志."""
    if left is None and center is None:
        paragraph = para(document, first=0, line=240)
        _border(paragraph, "bottom", size=12, color=RED, space=4)
        para(document, first=0)
        return
    para(document, first=0)
    paragraph = para(document, first=0, align=WD_ALIGN_PARAGRAPH.CENTER if center is not None else None)
    if center is not None:
        run(paragraph, center)
    else:
        _indent(paragraph, left_chars=1, right_chars=1)
        _right_tab(paragraph, TEXT_WIDTH_MM - 5.6)
        run(paragraph, left or "")
        run(paragraph, "\t")
        run(paragraph, right or "")
    # 版头中的分隔线: red, the width of the 版心, 4 mm under the 发文字号.
    _border(paragraph, "bottom", size=12, color=RED, space=11)
    para(document, first=0)


def title(document, text: str, *, size: int = TITLE_PT) -> None:
    para(
        document,
        text,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        first=0,
        font=FONT_TITLE,
        size=size,
        line=round(size * 1.5 * 20),
    )
    para(document, first=0)


def signature(document, *, issuer: str = "{{ issuer }}", date: str = "{{ date }}") -> None:
    para(document, first=0)
    para(document, first=0)
    para(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, first=0, right=4)
    para(document, date, align=WD_ALIGN_PARAGRAPH.RIGHT, first=0, right=4)


def colophon(document, *, cc: str = "{{ cc }}", printer: str = "{{ printer }}", printed: str = "{{ print_date }}"):
    """版记: 抄送 line between a thick and a thin rule, the 印发 line over a thick rule (GB/T 9704 8.3)."""
    para(document, first=0)
    tag(document, "if cc")
    line = para(document, first=0, left=1, right=1, size=SIHAO_PT)
    run(line, "抄送：", size=SIHAO_PT)
    run(line, cc + "。", size=SIHAO_PT)
    _border(line, "top", size=8)
    _border(line, "bottom", size=4)
    tag(document, "endif")
    line = para(document, first=0, left=1, right=1, size=SIHAO_PT)
    _right_tab(line, TEXT_WIDTH_MM - 5)
    run(line, printer, size=SIHAO_PT)
    run(line, "\t", size=SIHAO_PT)
    run(line, printed + "印发", size=SIHAO_PT)
    _border(line, "bottom", size=8)


# --- Tables ------------------------------------------------------------------------------------------


def _fixed(table, widths_mm: list[float]) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout w:type="fixed"
    tblpr = table._tbl.tblPr
    _set(tblpr, "w:tblW", w=_twips_mm(sum(widths_mm)), type="dxa")
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(_twips_mm(width)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _cell(cell, text: str, *, size: float = SIHAO_PT, bold: bool = False, align=None, font: str = FONT_BODY):
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    _spacing(paragraph, line=round(size * 1.5 * 20))
    if text:
        run(paragraph, text, font=font, size=size, bold=bold)
    return paragraph


def _cell_para(cell, text: str, *, size: float = SIHAO_PT, first: int = 0):
    paragraph = cell.add_paragraph()
    _spacing(paragraph, line=round(size * 1.5 * 20))
    if first:
        _indent(paragraph, first_chars=first, size=round(size))
    run(paragraph, text, size=size)
    return paragraph


def grid(document, columns: list[tuple[str, str, float]], *, items: str, item: str = "r", size: float = SIHAO_PT):
    """A list table: a bold header row, then one row per element of ``items`` ({%tr for %} rows)."""
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    for cell, (label, _, _) in zip(table.rows[0].cells, columns):
        _cell(cell, label, size=size, font=FONT_HEI, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(table.rows[1].cells[0], "{%tr for " + item + " in " + items + " %}", size=size)
    for cell, (_, field, _) in zip(table.rows[2].cells, columns):
        _cell(cell, "{{ " + item + "." + field + " }}", size=size)
    _cell(table.rows[3].cells[0], "{%tr endfor %}", size=size)
    for row in (1, 3):
        for cell in table.rows[row].cells[1:]:
            _cell(cell, "", size=size)
    # The header row repeats on every page.
    _set(table.rows[0]._tr.get_or_add_trPr(), "w:tblHeader")
    _fixed(table, [w for _, _, w in columns])
    return table


def form(document, rows: list[tuple[str, object]], widths=(34.0, 122.0), *, size: float = SIHAO_PT):
    """A two-column form: label | value. A value is a field, or ("loop", items, item) for paragraphs."""
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows):
        _cell(row.cells[0], label, size=size, font=FONT_HEI, align=WD_ALIGN_PARAGRAPH.CENTER)
        row.cells[0].vertical_alignment = 1  # centre
        if isinstance(value, tuple):
            _, items, item = value
            first = _cell(row.cells[1], "{%p for " + item + " in " + items + " %}", size=size)
            del first
            _cell_para(row.cells[1], "{{ " + item + " }}", size=size, first=2)
            _cell_para(row.cells[1], "{%p endfor %}", size=size)
        else:
            _cell(row.cells[1], str(value), size=size)
    _fixed(table, list(widths))
    return table


# --- The documents -----------------------------------------------------------------------------------


def proposal_form():
    d = new_document()
    title(d, "{{ committee }}\n{{ session_name }}{{ kind_label }}", size=TITLE_PT)
    form(
        d,
        [
            ("编　　号", "{{ number }}"),
            ("类　　别", "{{ category }}"),
            ("提 案 人", "{{ initiator }}"),
            ("附 议 人", "{{ cosigners }}"),
            ("提交时间", "{{ submitted_date }}"),
            ("来　　源", "{{ source }}"),
            ("案　　由", "{{ title }}"),
            ("情况分析", ("loop", "facts", "line")),
            ("办法建议", ("loop", "suggestions", "line")),
        ],
    )
    tag(d, "if sealed_scan")
    para(d, "注：本件为集体提案，{{ sealed_scan }}", first=0, size=SIHAO_PT)
    tag(d, "endif")
    return d


def filing_notice():
    d = new_document()
    masthead(d)
    number_rule(d)
    title(d, "{{ kind_label }}立案通知")
    para(d, "{{ addressee }}：", first=0)
    loop(d, "body", "line", "{{ line }}")
    signature(d)
    return d


def rejection_notice():
    d = new_document()
    masthead(d)
    number_rule(d)
    title(d, "{{ kind_label }}不予立案通知")
    para(d, "{{ addressee }}：", first=0)
    loop(d, "body", "line", "{{ line }}")
    para(d, "不予立案的理由：{{ ground }}")
    tag(d, "if reason")
    para(d, "说明：{{ reason }}")
    tag(d, "endif")
    para(d, "感谢您对政协提案工作的关心和支持，欢迎继续提出意见建议。")
    signature(d)
    return d


def assignment_notice():
    d = new_document()
    masthead(d)
    number_rule(d, center="{{ doc_number }}")
    title(d, "{{ kind_label }}交办通知书")
    para(d, "{{ unit }}：", first=0)
    loop(d, "body", "line", "{{ line }}")
    form(
        d,
        [
            ("编　　号", "{{ number }}"),
            ("案　　由", "{{ title }}"),
            ("提 案 人", "{{ proposers }}"),
            ("办理方式", "{{ role }}"),
            ("主办单位", "{{ lead_units }}"),
            ("会办单位", "{{ co_units }}"),
            ("交办日期", "{{ assigned_date }}"),
            ("{{ due_label }}", "{{ due_date }}"),
        ],
    )
    tag(d, "if rehandle_note")
    para(d, "{{ rehandle_note }}")
    tag(d, "endif")
    para(d, "联系人：{{ office_contact }}　　联系电话：{{ office_phone }}", first=2)
    signature(d)
    colophon(d)
    return d


def assignment_list():
    d = new_document(landscape=True)
    masthead(d)
    number_rule(d)
    title(d, "{{ session_name }}{{ kind_label }}交办清单")
    para(d, "共{{ count }}件。交办日期：{{ assigned_dates }}。", first=2)
    grid(
        d,
        [
            ("序号", "index", 13),
            ("编号", "number", 34),
            ("案由", "title", 64),
            ("提案人", "proposers", 26),
            ("主办单位", "lead", 28),
            ("会办单位", "co", 31),
            ("答复期限", "due", 29),
        ],
        items="rows",
        size=12,
    )
    signature(d)
    return d


def reply_letter():
    d = new_document()
    tag(d, "if class_mark")
    para(d, "{{ class_mark }}", align=WD_ALIGN_PARAGRAPH.RIGHT, first=0, font=FONT_HEI)
    tag(d, "endif")
    masthead(d, "{{ unit }}", size=28)
    number_rule(d, left="{{ doc_number }}", right="签发人：{{ signer }}")
    title(d, "关于{{ number }}{{ kind_label }}的答复")
    para(d, "{{ addressee }}：", first=0)
    para(d, "您提出的《{{ title }}》（{{ number }}）收悉。现答复如下：")
    loop(d, "body", "line", "{{ line }}")
    para(d, "感谢您对我们工作的关心和支持。")
    signature(d, issuer="{{ unit }}")
    para(d, "联系人：{{ contact_person }}　　联系电话：{{ contact_phone }}", first=0, left=1)
    colophon(d, cc="{{ cc }}", printer="{{ unit }}")
    return d


def rating_form():
    d = new_document()
    title(d, "{{ committee }}\n{{ kind_label }}办理情况征询意见表")
    form(
        d,
        [
            ("编　　号", "{{ number }}"),
            ("案　　由", "{{ title }}"),
            ("提 案 人", "{{ proposer }}"),
            ("承办单位", "{{ unit }}"),
            ("答复类别", "{{ reply_class }}"),
            ("对答复内容的意见", "{{ choices }}"),
            ("对沟通联系及办理态度的意见", "{{ choices }}"),
            ("意见和建议", "\n\n"),
            ("提案人签名", "\n\n　　　　　　　　　　　　　年　　月　　日"),
        ],
        widths=(44.0, 112.0),
    )
    para(d, "{{ instruction }}", size=SIHAO_PT)
    return d


def reminder_notice():
    d = new_document()
    masthead(d)
    number_rule(d, center="{{ doc_number }}")
    title(d, "关于督促办理{{ number }}{{ kind_label }}的通知")
    para(d, "{{ unit }}：", first=0)
    loop(d, "body", "line", "{{ line }}")
    para(d, "联系人：{{ office_contact }}　　联系电话：{{ office_phone }}")
    signature(d)
    colophon(d)
    return d


def key_catalogue():
    d = new_document(landscape=True)
    title(d, "{{ committee }}{{ year }}年度重点提案目录")
    grid(
        d,
        [
            ("序号", "index", 14),
            ("编号", "number", 38),
            ("案由", "title", 62),
            ("提案人", "proposers", 30),
            ("主办单位", "lead", 30),
            ("督办领导", "leaders", 26),
            ("办理状态", "status", 25),
        ],
        items="rows",
        size=12,
    )
    return d


def catalogue():
    d = new_document(landscape=True)
    title(d, "{{ committee }}\n{{ scope }}提案目录")
    para(d, "共{{ count }}件。", first=2)
    grid(
        d,
        [
            ("序号", "index", 14),
            ("编号", "number", 38),
            ("案由", "title", 66),
            ("提案人", "proposers", 32),
            ("类别", "category", 20),
            ("承办单位", "units", 35),
            ("状态", "status", 20),
        ],
        items="rows",
        size=12,
    )
    return d


BUILDERS = {
    "proposal_form": proposal_form,
    "filing_notice": filing_notice,
    "rejection_notice": rejection_notice,
    "assignment_notice": assignment_notice,
    "assignment_list": assignment_list,
    "reply_letter": reply_letter,
    "rating_form": rating_form,
    "reminder_notice": reminder_notice,
    "key_catalogue": key_catalogue,
    "catalogue": catalogue,
}


FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def save(document, path: Path) -> None:
    """Byte for byte the same on every run: fixed document properties and zip entry times, so a rebuild
    changes the committed file only when the layout or the text changed."""
    props = document.core_properties
    props.author = props.last_modified_by = "陈仓区政协提案管理系统"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, source.read(item.filename))


def main(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for key, build in BUILDERS.items():
        document = build()
        document.core_properties.title = key
        path = out / f"{key}.docx"
        save(document, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in main():
        print(written_path)
