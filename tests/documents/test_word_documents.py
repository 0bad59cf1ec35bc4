"""Each official document, made from its template for a case in each state that has it, reopens with
python-docx and carries its fields and the GB/T 9704-2012 layout values (asserted in the XML)."""

import datetime as dt
import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core import clock
from proposals import settings_registry
from proposals.models import Case, KeyProposal
from reporting import documents
from reporting.documents import offers
from reporting.documents import proposal_documents as kinds
from reporting.documents.build_templates import BUILDERS
from reporting.models import DocumentSettings, IssuedDocumentNumber
from tests.factories import CaseBuilder

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def make(kind: str, obj, user=None) -> bytes:
    return documents.make(documents.get(kind), obj, user=user)


def offered(user, case) -> dict[str, list[offers.Offer]]:
    found: dict[str, list[offers.Offer]] = {}
    for offer in offers.case_documents(user, case):
        found.setdefault(offer.kind, []).append(offer)
    return found


def test_every_registered_kind_has_a_committed_default_template_built_by_the_script(db):
    assert {k.key for k in documents.kinds()} == set(BUILDERS)
    for kind in documents.kinds():
        assert kind.default_template.is_file(), kind.key
        assert documents.check_template(kind, kind.default_template.read_bytes()) == [], kind.key


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_each_default_template_has_the_gbt_9704_page_grid_fonts_and_page_numbers(key):
    kind = documents.get(key)
    document = Document(str(kind.default_template))
    section = document.sections[0]
    if kind.landscape:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
        assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (37, 35)
        assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (28, 26)
    else:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (37, 35)
        assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (28, 26)
        # 版心 156 × 225 mm
        assert abs(section.page_width - section.left_margin - section.right_margin - Mm(156)) < Mm(0.5)
        assert abs(section.page_height - section.top_margin - section.bottom_margin - Mm(225)) < Mm(0.5)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in 225 mm
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)  # 三号
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    spacing = normal.element.pPr.find(qn("w:spacing"))
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    # 28 characters: 16 pt less 0.25 pt of character spacing in 156 mm
    char_spacing = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert int(Mm(156).pt // (16 + char_spacing)) == 28
    # page numbers "— 1 —": right on odd pages, left on even ones, 4号 宋体
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT
    for footer in (odd, even):
        assert "PAGE" in footer._p.xml and footer.text.startswith("— ") and footer.text.endswith(" —")
        assert footer.runs[0].font.size == Pt(14)
        assert footer.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    table = next(p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml")).blob.decode()
    assert 'w:name="方正小标宋简体"><w:altName w:val="Noto Serif CJK SC"' in table
    assert 'w:name="黑体"><w:altName w:val="Noto Sans CJK SC"' in table
    for t in document.tables:
        assert t._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        widths = [int(c.get(qn("w:w"))) for c in t._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert all(widths) and abs(sum(widths) / 1440 * 25.4 - (225 if kind.landscape else 156)) < 1


def test_the_official_letters_have_the_red_masthead_its_rule_the_title_and_the_colophon():
    document = Document(str(documents.get("assignment_notice").default_template))
    xml = document.element.xml
    masthead = next(p for p in document.paragraphs if "{{ header_text }}" in p.text)
    assert masthead.runs[0].font.color.rgb == (0xFF, 0x00, 0x00)
    assert masthead.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    number = next(p for p in document.paragraphs if "{{ doc_number }}" in p.text)
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    title = next(p for p in document.paragraphs if "交办通知书" in p.text)
    assert title.runs[0].font.size == Pt(22) and title.alignment == 1
    assert "抄送：" in xml and "印发" in xml


def test_the_proposal_form_has_proposers_body_and_no_number_before_filing(world):
    case = CaseBuilder(world).submitted().refresh()
    text = text_of(make("proposal_form", case))
    assert case.title in text and "张委员" in text and "李委员" in text
    assert "车站片区棚户区房屋老旧" in text and "一是统筹资金" in text
    assert "（立案后编号）" in text and "中国人民政治协商会议陈仓区委员会" in text


def test_a_draft_proposal_form_shows_a_cosigner_still_to_confirm(world):
    case = CaseBuilder(world).refresh()
    assert "李委员（待确认）" in text_of(make("proposal_form", case))


def test_the_proposal_form_shows_the_number_once_filed_and_notes_the_sealed_scan(world):
    from proposals.models import Attachment
    from tests.factories import upload

    builder = CaseBuilder(world).filed()
    upload(builder.case, world.staff, Attachment.Purpose.SEALED_SCAN, "盖章件.pdf")
    text = text_of(make("proposal_form", builder.refresh()))
    assert builder.case.display_number in text and "已附盖章扫描件（盖章件.pdf）" in text


def test_the_filing_notice_goes_to_the_proposers_with_the_number(world):
    case = CaseBuilder(world).filed().refresh()
    assert "filing_notice" in offered(world.member, case)
    text = text_of(make("filing_notice", case))
    assert "立案通知" in text and case.display_number in text and "张委员、李委员：" in text
    assert "政协陈仓区委员会提案委员会" in text


def test_a_converted_case_gets_a_suggestion_registration_notice(world):
    case = CaseBuilder(world).converted().refresh()
    text = text_of(make("filing_notice", case))
    assert "建议立案通知" in text and "作为建议登记" in text


def test_the_rejection_notice_carries_the_ground_and_is_offered_only_when_rejected(world):
    case = CaseBuilder(world).rejected().refresh()
    found = offered(world.member, case)
    assert "rejection_notice" in found and "filing_notice" not in found
    text = text_of(make("rejection_notice", case))
    assert "不予立案通知" in text and f"不予立案的理由：{world.ground.name}" in text and "不属于提案范围" in text


def test_one_assignment_notice_per_unit_with_its_number_role_and_due_date(world):
    case = CaseBuilder(world).assigned().refresh()
    found = offered(world.staff, case)["assignment_notice"]
    assert [o.label for o in found] == ["交办通知书（区住建局）", "交办通知书（区教育局）"]
    lead, co = found[0].obj, found[1].obj
    text = text_of(make("assignment_notice", lead, world.staff))
    assert "区住建局：" in text and "交由你单位主办，区教育局会办" in text and "答复期限" in text
    assert kinds.chinese_date(lead.due_date) in text and case.display_number in text
    assert re.search(r"陈政协提〔\d{4}〕1号", text)
    co_text = text_of(make("assignment_notice", co, world.staff))
    assert "区教育局：" in co_text and "会办意见期限" in co_text and kinds.chinese_date(co.views_due) in co_text
    assert re.search(r"陈政协提〔\d{4}〕2号", co_text)


def test_the_notice_number_is_kept_and_never_reused(world):
    case = CaseBuilder(world).assigned().refresh()
    lead = case.assignments.get(unit=world.unit)
    first = text_of(make("assignment_notice", lead, world.staff))
    again = text_of(make("assignment_notice", lead, world.staff))
    number = re.search(r"陈政协提〔\d{4}〕\d+号", first).group(0)
    assert number in again
    assert IssuedDocumentNumber.objects.filter(kind="assignment_notice").count() == 1
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(action="document_number")
    assert (event.actor, event.case_id, event.data["text"]) == (world.staff, case.pk, number)


def test_the_number_pattern_is_a_setting(world):
    DocumentSettings.objects.create(pk=1, number_pattern="宝陈政提字〔{year}〕第{number}号")
    case = CaseBuilder(world).assigned().refresh()
    text = text_of(make("assignment_notice", case.assignments.get(unit=world.unit)))
    assert re.search(r"宝陈政提字〔\d{4}〕第1号", text)


def test_a_rehandled_cases_notice_keeps_the_first_reply_date_and_notes_the_new_one(world):
    case = CaseBuilder(world).rehandling().refresh()
    lead = case.assignments.get(unit=world.unit)
    assert lead.round == 2 and lead.due_date != lead.original_due_date
    text = text_of(make("assignment_notice", lead))
    table_due = text.split("答复期限")[-1]
    assert kinds.chinese_date(lead.original_due_date) in table_due
    assert f"第2轮答复期限为{kinds.chinese_date(lead.due_date)}" in text


def test_the_reply_letter_is_the_units_letter_with_its_number_class_signer_contact_and_copy(world):
    case = CaseBuilder(world).replied("A").refresh()
    found = offered(world.member, case)["reply_letter"]
    text = text_of(make("reply_letter", found[0].obj, world.member))
    for expected in (
        "A类",
        "区住建局",
        "区住建局函〔",
        "签发人：赵局长",
        f"关于{case.display_number}提案的答复",
        "经研究，答复如下",
        "联系人：钱科长",
        "0917-6212345",
        "抄送：区政协提案委员会",
    ):
        assert expected in text, expected
    document = Document(io.BytesIO(make("reply_letter", found[0].obj)))
    assert document.paragraphs[0].text == "A类" and document.paragraphs[0].alignment == 2  # top right


def test_the_reply_letter_leaves_out_the_class_when_the_kind_has_none(world):
    case = CaseBuilder(world).replied("A").refresh()
    settings_registry.set_value("proposal_reply_class", False)
    reply = offered(world.staff, case)["reply_letter"][0].obj
    document = Document(io.BytesIO(make("reply_letter", reply)))
    assert document.paragraphs[0].text != "A类" and "A类" not in text_of(make("reply_letter", reply))


def test_there_is_no_reply_letter_before_a_reply_is_accepted(world):
    case = CaseBuilder(world).reply_sent().refresh()
    assert "reply_letter" not in offered(world.member, case)
    assert "reply_letter" not in offered(world.staff, case)


def test_one_rating_form_per_proposer_and_replying_unit_with_the_period_from_the_settings(world):
    case = CaseBuilder(world).replied().refresh()
    forms = offered(world.staff, case)["rating_form"]
    assert [o.label for o in forms] == ["征询意见表（张委员，区住建局）", "征询意见表（李委员，区住建局）"]
    settings_registry.set_value("rating_window_workdays", 10)
    text = text_of(make("rating_form", forms[0].obj))
    assert "张委员" in text and "区住建局" in text and "区教育局" not in text
    assert "10个工作日" in text and "15个工作日" not in text
    assert text.count("□满意") == 2 and "对沟通联系及办理态度的意见" in text
    # a proposer gets their own form only
    assert [o.label for o in offered(world.member2, case)["rating_form"]] == ["征询意见表（李委员，区住建局）"]


def test_the_reminder_is_for_staff_about_an_overdue_unit(world):
    case = CaseBuilder(world).handling().refresh()
    lead = case.assignments.get(unit=world.unit)
    assert "reminder_notice" not in offered(world.staff, case)
    with clock.frozen(lead.due_date + dt.timedelta(days=3)):
        found = offered(world.staff, case)["reminder_notice"]
        assert "reminder_notice" not in offered(world.unit_user, case)
        text = text_of(make("reminder_notice", found[0].obj, world.staff))
    assert "关于督促办理" in text and "区住建局：" in text and "已逾期3天" in text
    assert re.search(r"陈政协提〔\d{4}〕\d+号", text)


def test_the_session_assignment_list_has_number_title_units_and_the_current_reply_date(world):
    case = CaseBuilder(world).assigned().refresh()
    lead = case.assignments.get(unit=world.unit)
    co = case.assignments.get(unit=world.unit2)
    text = text_of(make("assignment_list", case.session))
    assert f"{case.session.name}提案交办清单" in text and "共1件" in text
    assert case.title in text and "区住建局" in text
    assert f"区教育局（会办意见{kinds.chinese_date(co.views_due)}前）" in text
    assert kinds.chinese_date(lead.due_date) in text


def test_the_key_catalogue_is_landscape_and_lists_the_designated_key_proposals_of_the_year(world):
    builder = CaseBuilder(world).assigned()
    builder.act("recommend_key", world.staff, {"leaders": [world.leader.pk], "plan": "带案视察"})
    builder.act("designate_key", world.reviewer)
    case = builder.refresh()
    assert KeyProposal.objects.filter(case=case, state="designated").exists()
    from reporting.documents import selectors

    year = case.filed_at.year
    listing = kinds.Listing(
        scope=f"{year}年度", year=year, items=list(selectors.key_proposals_of_year(Case.objects.all(), year))
    )
    content = make("key_catalogue", listing)
    text = text_of(content)
    assert f"{year}年度重点提案目录" in text and case.title in text and case.display_number in text
    assert "督办领导" in text and world.leader.display_name in text and "区住建局" in text
    section = Document(io.BytesIO(content)).sections[0]
    assert section.page_width > section.page_height


def test_the_session_catalogue_lists_the_numbered_cases_with_their_units(world):
    case = CaseBuilder(world).assigned().refresh()
    CaseBuilder(world, title="关于城区供暖设施改造的建议").submitted()
    from reporting.documents import selectors

    cases = list(selectors.session_catalogue(Case.objects.all(), case.session))
    text = text_of(make("catalogue", kinds.Listing(scope=case.session.name, items=cases)))
    assert "共1件" in text and case.title in text and "区教育局（会办）" in text
    assert "城区供暖设施" not in text


def test_the_settings_change_the_masthead_and_signature(world):
    DocumentSettings.objects.create(pk=1, header_text="政协宝鸡市陈仓区委员会", issuer="政协陈仓区委员会办公室")
    case = CaseBuilder(world).filed().refresh()
    text = text_of(make("filing_notice", case))
    assert "政协宝鸡市陈仓区委员会" in text and "政协陈仓区委员会办公室" in text


def test_text_with_markup_characters_stays_text(world):
    builder = CaseBuilder(world, title="关于<b>标签</b>与&符号的建议").filed()
    text = text_of(make("proposal_form", builder.refresh()))
    assert "关于<b>标签</b>与&符号的建议" in text


def test_the_committed_templates_are_what_the_build_script_makes(tmp_path):
    from reporting.documents import build_templates

    for path in build_templates.main(tmp_path):
        committed = build_templates.OUT / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            f"{path.name}: run python reporting/documents/build_templates.py"
        )
