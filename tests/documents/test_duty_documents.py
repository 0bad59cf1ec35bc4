"""The 委员年度履职档案 and the 履职考核情况通报 (issue 24) through the documents engine: downloaded as Word
by whom duty's rules allow, reopened with python-docx with their fields and layout, converted to PDF.

The world is tests/duty/conftest.py's: 张委员 (m1) has 21 points in 2025 from a key proposal, the plenary,
a 调研 with two opinions and its report, less an unexcused absence; 李委员 (m2) 5; 王委员 (m3) none."""

from __future__ import annotations

import io
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from audit.models import AuditEvent
from duty import points, selectors, services
from duty.models import AssessmentPolicy
from reporting import documents
from reporting.documents import pdf
from tests.documents.test_document_pdf import ARTIFACTS, needs_tools, pdf_info

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SELF_REPORT = (
    "一年来，本人认真履行委员职责，围绕城镇生活污水处理开展专题调研，提出意见建议两条，"
    "执笔完成调研报告一篇，并积极参加全体会议和专委会活动。"
)


def dossier_url(year, user, fmt="docx") -> str:
    return f"/duty/dossier/{year}/{user.pk}/dossier.{fmt}"


def notice_url(year, fmt="docx") -> str:
    return f"/duty/assessment/{year}/notice.{fmt}"


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.fixture
def assessed(duty_world):
    """Lines at 20 / 5 / 1 points: 张委员 优秀, 李委员 合格, 王委员 不合格; 张委员 has filed their self-report."""
    w = duty_world
    AssessmentPolicy.objects.filter(year=2022).update(excellent_min=20, qualified_min=5, basic_min=1)
    services.submit_self_report(w.member, 2025, SELF_REPORT)
    services.run_assessment(w.staff, 2025)
    return w


def test_a_member_downloads_their_dossier_with_every_rule_record_rank_and_the_self_report(client, assessed):
    w = assessed
    response = get(client, w.member, dossier_url(2025, w.member))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert (
        "2025%E5%B9%B4%E5%BA%A6%E5%B1%A5%E8%81%8C%E6%A1%A3%E6%A1%88" in response["Content-Disposition"]
    )  # 年度履职档案
    text = text_of(response.content)
    assert "中国人民政治协商会议陈仓区委员会\n张委员委员2025年度履职档案" in text
    assert "专 委 会 | " in text
    assert "年度得分 | 21 分" in text and "考核等次 | 优秀" in text
    assert "全体委员第1名（共3人）" in text
    assert "受邀3次，出席2次，请假0次，无故缺席1次" in text and "意见建议 | 2条" in text
    rows = points.compute(2025)[w.member.pk]
    for row in rows:  # every rule in the summary, every record in the detail, with its points
        assert f"{row.label} |" in text, row.label
        for line in row.lines:
            assert line.record.label in text, line.record.label
    assert "关于加快车站棚户区改造的提案" in text
    assert "| -3" in text  # the unexcused absence's deduction
    assert "教科卫体委员会季度会议 | 无故缺席" in text
    assert "城镇生活污水处理专题调研 | 出席" in text
    assert "四、年度履职工作报告" in text and SELF_REPORT in text
    event = AuditEvent.objects.filter(action="download").latest("seq")
    assert event.actor == w.member and event.data == {
        "kind": "duty_dossier",
        "format": "docx",
        "year": 2025,
        "member": w.member.pk,
    }


def test_a_dossier_without_self_report_or_assessment_says_so_and_leaves_the_report_section_out(client, duty_world):
    w = duty_world
    text = text_of(get(client, w.staff, dossier_url(2025, w.member2)).content)
    assert "李委员委员2025年度履职档案" in text and "年度得分 | 5 分" in text
    assert "考核等次 | 尚未评定" in text and "履职报告 | 未提交" in text
    assert "单位有紧急任务" in text  # the leave and its reason
    assert "年度履职工作报告" not in text.replace("履职报告 |", "")


def test_the_dossier_has_the_gbt_9704_page_its_title_and_fixed_tables(client, assessed):
    content = get(client, assessed.member, dossier_url(2025, assessed.member)).content
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "579"
    heading = next(p for p in document.paragraphs if "履职档案" in p.text)
    assert heading.alignment == 1 and heading.runs[0].font.size == Pt(22)
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert len(document.tables) == 4  # the form, the summary, the detail, the activities
    for table in document.tables:
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(Mm(sum(widths) / 1440 * 25.4) - Mm(156)) < Mm(1)
    detail = document.tables[2]
    assert [c.text for c in detail.rows[0].cells] == ["序号", "项目", "日期", "记录", "分值"]
    assert detail.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    assert len(detail.rows) == 1 + sum(r.count for r in points.compute(2025)[assessed.member.pk])


def test_the_notice_is_the_offices_letter_with_the_grades_the_excellent_by_sector_and_those_below(client, assessed):
    w = assessed
    response = get(client, w.staff, notice_url(2025))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    document = Document(io.BytesIO(response.content))
    text = text_of(response.content)
    assert "关于2025年度政协委员履职考核情况的通报" in text and "各位委员：" in text
    assert "参加考核委员3名，其中优秀1名，合格1名，基本合格0名，不合格1名" in text
    assert "全年共组织专题调研视察和对口协商1次，委员提出意见建议2条" in text
    assert "按分数线评定：20 分及以上为优秀" in text
    assert "经济界：张委员" in text and "不合格：王委员（经济界）" in text
    assert "常委应提交年度履职工作报告" in text
    masthead = document.paragraphs[0]
    assert masthead.text == "政协陈仓区委员会办公室"
    assert masthead.runs[0].font.color.rgb == (0xFF, 0x00, 0x00)
    rule = document.paragraphs[1]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    signed = [p.text for p in document.paragraphs if p.alignment == 2]  # right-aligned: 署名 and 成文日期
    assert signed[:2] == ["政协陈仓区委员会办公室", documents.engine.chinese_date(selectors.notice(2025).issued_on)]
    assert "抄送：" in text and "印发" in text


def test_with_nobody_excellent_or_below_the_notice_says_none(client, duty_world):
    w = duty_world
    AssessmentPolicy.objects.filter(year=2022).update(excellent_min=100, qualified_min=0, basic_min=0)
    services.run_assessment(w.staff, 2025)
    text = text_of(get(client, w.member, notice_url(2025)).content)
    assert "一、履职优秀委员（按界别）\n无。\n二、基本合格和不合格委员\n无。" in text


# --- Who may get them: duty's rules ------------------------------------------------------------------


def test_a_member_gets_only_their_own_dossier_and_staff_anyones(client, assessed):
    w = assessed
    assert get(client, w.member2, dossier_url(2025, w.member2)).status_code == 200
    assert get(client, w.member2, dossier_url(2025, w.member)).status_code == 404
    assert get(client, w.member2, dossier_url(2025, w.member, "pdf")).status_code == 404
    assert get(client, w.staff, dossier_url(2025, w.outsider)).status_code == 200
    assert get(client, w.unit_user, dossier_url(2025, w.member)).status_code == 403
    assert get(client, w.staff, dossier_url(1999, w.member)).status_code == 404
    assert get(client, w.staff, dossier_url(2025, w.unit_user)).status_code == 404  # not a member


def test_the_notice_exists_for_members_and_staff_once_the_year_is_assessed(client, duty_world):
    w = duty_world
    assert get(client, w.staff, notice_url(2025)).status_code == 404
    assert get(client, w.member, notice_url(2025)).status_code == 404
    services.run_assessment(w.staff, 2025)
    assert get(client, w.member, notice_url(2025)).status_code == 200
    assert get(client, w.outsider, notice_url(2025)).status_code == 200
    assert get(client, w.unit_user, notice_url(2025)).status_code == 403
    assert get(client, w.unit_user, notice_url(2025, "pdf")).status_code == 403
    client.logout()
    assert client.get(notice_url(2025))["Location"].startswith("/login/")


def test_the_duty_pages_link_the_word_and_pdf_files_through_reportings_hooks(client, assessed):
    w = assessed
    page = get(client, w.member, f"/duty/dossier/2025/{w.member.pk}/").content.decode()
    assert dossier_url(2025, w.member) in page
    assert (dossier_url(2025, w.member, "pdf") in page) == pdf.available()
    assessment = get(client, w.staff, "/duty/assessment/2025/").content.decode()
    assert notice_url(2025) in assessment
    printed = get(client, w.member, "/duty/assessment/2025/notice/").content.decode()
    assert notice_url(2025) in printed


def test_without_libreoffice_the_pdf_says_so_and_links_the_word_file(client, assessed, settings):
    settings.DOCUMENTS_SOFFICE = "/nonexistent/soffice"
    response = get(client, assessed.member, dossier_url(2025, assessed.member, "pdf"))
    assert response.status_code == 200 and dossier_url(2025, assessed.member) in response.content.decode()
    page = get(client, assessed.member, f"/duty/dossier/2025/{assessed.member.pk}/").content.decode()
    assert dossier_url(2025, assessed.member) in page and dossier_url(2025, assessed.member, "pdf") not in page


# --- PDF ---------------------------------------------------------------------------------------------


def test_both_documents_convert_to_a4_pdfs_with_their_text(assessed):
    needs_tools()
    w = assessed
    word = {
        "duty_dossier": documents.make(documents.get("duty_dossier"), selectors.dossier(w.member, 2025), user=w.member),
        "duty_notice": documents.make(documents.get("duty_notice"), selectors.notice(2025), user=w.staff),
    }
    expected = {
        "duty_dossier": ["张委员委员2025年度履职档案", "得分明细", "关于加快车站棚户区改造的提案", SELF_REPORT[:20]],
        "duty_notice": ["政协陈仓区委员会办公室", "履职考核情况的通报", "经济界：张委员", "不合格：王委员"],
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for key, content in zip(word, pdf.convert(list(word.values()))):
        path = ARTIFACTS / f"{key}.pdf"
        path.write_bytes(content)
        # without -layout: a table cell's wrapped lines stay together
        flowing = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        text = "".join(flowing.split())
        for needle in expected[key]:
            assert "".join(needle.split()) in text, (key, needle)
        assert "—1—" in text  # the page number
        info = pdf_info(path)
        assert 1 <= int(info["Pages"]) <= 3, (key, info["Pages"])
        width, height = (float(v) for v in info["Page size"].split()[0:3:2])
        assert (round(width), round(height)) == (595, 842), key
        for old in ARTIFACTS.glob(f"{key}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / key)], check=True)
        assert list(ARTIFACTS.glob(f"{key}-*.png"))
