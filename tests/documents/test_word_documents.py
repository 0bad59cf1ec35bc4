"""Each Word document opens with python-docx and carries what the office needs on it."""

import io

import pytest
from django.http import Http404
from docx import Document
from docx.shared import Mm, Pt

from proposals import settings_registry
from proposals.models import KeyProposal
from reporting import documents
from tests.factories import CaseBuilder


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_documents_use_the_gbt_9704_page_and_fonts(world):
    case = CaseBuilder(world).filed().refresh()
    document = Document(io.BytesIO(documents.proposal_form(case)))
    section = document.sections[0]
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (37, 35)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (28, 26)
    assert abs(section.page_width - Mm(210)) < Mm(1)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert (
        normal.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "仿宋_GB2312"
    )
    title_run = document.paragraphs[0].runs[0]
    assert title_run.font.size == Pt(22)
    assert "方正小标宋简体" in title_run._element.xml


def test_the_proposal_form_has_title_proposers_body_and_no_number_before_filing(world):
    case = CaseBuilder(world).submitted().refresh()
    text = text_of(documents.proposal_form(case))
    assert case.title in text
    assert "张委员、李委员" in text
    assert "车站片区棚户区房屋老旧" in text and "一是统筹资金" in text
    assert "（立案后编号）" in text


def test_the_proposal_form_shows_the_number_once_filed(world):
    case = CaseBuilder(world).filed().refresh()
    assert case.display_number in text_of(documents.proposal_form(case))


def test_the_assignment_notice_lists_number_title_units_roles_and_due_dates(world):
    case = CaseBuilder(world).assigned().refresh()
    text = text_of(documents.assignment_notice(case))
    lead = case.assignments.get(unit=world.unit)
    assert case.display_number in text and case.title in text
    assert "区住建局" in text and "主办" in text
    assert "区教育局" in text and "会办" in text
    assert f"{lead.due_date.year}年{lead.due_date.month}月{lead.due_date.day}日" in text


def test_the_assignment_notice_needs_an_assignment(world):
    case = CaseBuilder(world).filed().refresh()
    with pytest.raises(Http404):
        documents.assignment_notice(case)


def test_the_reply_letter_has_unit_text_signer_contact_and_class(world):
    case = CaseBuilder(world).replied("A").refresh()
    text = text_of(documents.reply_letter(case))
    for expected in (
        case.display_number,
        case.title,
        "区住建局",
        "经研究，答复如下",
        "赵局长",
        "钱科长",
        "0917-6212345",
        "A类（已解决或采纳）",
    ):
        assert expected in text


def test_the_reply_letter_leaves_out_the_class_when_the_kind_has_none(world):
    case = CaseBuilder(world).replied("A").refresh()
    settings_registry.set_value("proposal_reply_class", False)
    assert "答复类别" not in text_of(documents.reply_letter(case))


def test_there_is_no_reply_letter_before_a_reply_is_accepted(world):
    case = CaseBuilder(world).reply_sent().refresh()
    with pytest.raises(Http404):
        documents.reply_letter(case)


def test_the_rating_form_has_number_title_unit_and_the_choices_on_both_dimensions(world):
    case = CaseBuilder(world).replied().refresh()
    text = text_of(documents.rating_form(case))
    assert case.display_number in text and case.title in text and "区住建局" in text
    assert "区教育局" not in text  # the co-handler does not reply, so it is not rated
    assert text.count("□满意") == 2 and text.count("□基本满意") == 2 and text.count("□不满意") == 2
    assert "对答复内容的意见" in text and "对沟通联系及办理态度的意见" in text


def test_the_key_catalogue_lists_the_designated_key_proposals_of_the_year(world):
    builder = CaseBuilder(world).assigned()
    builder.act("recommend_key", world.staff, {"leaders": [world.leader.pk], "plan": "带案视察"})
    builder.act("designate_key", world.reviewer)
    case = builder.refresh()
    assert KeyProposal.objects.filter(case=case, state="designated").exists()
    from proposals.models import Case

    keys = documents.key_proposals_of_year(Case.objects.all(), case.filed_at.year)
    text = text_of(documents.key_catalogue(case.filed_at.year, keys))
    assert f"{case.filed_at.year}年度重点提案目录" in text
    assert case.title in text and case.display_number in text and "督办领导" in text and "区住建局" in text


def test_the_letterhead_comes_from_the_editable_texts_file():
    data = documents.texts()
    assert data["organisation"] == "中国人民政治协商会议陈仓区委员会"
    assert data["fonts"]["title"] == ["方正小标宋简体", "黑体"]
