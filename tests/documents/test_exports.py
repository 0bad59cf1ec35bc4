"""Excel exports re-read with openpyxl: one row per case, the right values, audited."""

import datetime as dt
import io

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from audit.models import AuditEvent
from proposals.access import visible_cases
from proposals.filters import filter_cases
from proposals.models import Case
from reporting import exports
from tests.factories import CaseBuilder


def read(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def three_cases(world):
    closed = CaseBuilder(world, title="关于加快车站棚户区改造的提案").closed("A")
    assigned = CaseBuilder(world, title="关于加快先进制造业高质量发展的提案", cosign=False).assigned(co=False)
    filed = CaseBuilder(world, title="关于城区供暖设施改造的提案").filed()
    return closed.refresh(), assigned.refresh(), filed.refresh()


def test_catalogue_has_one_row_per_numbered_case_with_its_values(world, three_cases):
    closed, assigned, filed = three_cases
    CaseBuilder(world, title="尚未提交的草稿")
    response = exports.export_catalogue(world.staff, visible_cases(world.staff))
    rows = read(response)
    assert rows[0] == ["编号", "案由", "提案人", "类别", "承办单位", "状态", "答复类别", "满意度"]
    body = rows[1:]
    assert len(body) == 3
    by_title = {row[1]: row for row in body}
    row = by_title[closed.title]
    assert row[0] == closed.display_number
    assert row[2] == "张委员、李委员"
    assert row[3] == world.category.name
    assert row[4] == "主办：区住建局；会办：区教育局"
    assert row[5] == "已办结"
    assert row[6] == "A"
    assert row[7] == "满意"
    row = by_title[assigned.title]
    assert (row[2], row[4], row[5], row[6], row[7]) == ("张委员", "主办：区住建局", "已交办待签收", None, None)
    assert by_title[filed.title][4] is None


def test_catalogue_is_sent_as_an_attachment_with_a_chinese_name(world, three_cases):
    response = exports.export_catalogue(world.staff, visible_cases(world.staff))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "%E6%8F%90%E6%A1%88%E7%9B%AE%E5%BD%95_" in disposition  # 提案目录_
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_every_export_is_audited_with_kind_rows_and_filters(world, three_cases):
    exports.export_catalogue(world.staff, visible_cases(world.staff), filters={"kind": "proposal"})
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert event.actor == world.staff
    assert event.object_type == "case_list"
    assert event.data == {"kind": "catalogue", "rows": 3, "filters": {"kind": "proposal"}}


def test_case_list_export_has_dates_as_dates_and_masked_phones_only(world, three_cases):
    closed = three_cases[0]
    response = exports.export_cases(world.staff, visible_cases(world.staff).filter(pk=closed.pk))
    rows = read(response)
    header, row = rows[0], rows[1]
    assert len(rows) == 2
    values = dict(zip(header, row))
    assert isinstance(values["提交日期"], dt.datetime)
    assert isinstance(values["答复期限"], dt.datetime)
    assert values["领衔人电话"] == exports.mask_phone(world.member.phone)
    assert "****" in values["领衔人电话"]
    flat = " ".join(str(v) for v in row)
    assert world.member.phone not in flat


def test_case_list_export_keeps_to_what_the_caller_sees(world, three_cases):
    response = exports.export_cases(world.unit2_user, visible_cases(world.unit2_user))
    titles = [row[2] for row in read(response)[1:]]
    assert titles == ["关于加快车站棚户区改造的提案"]


def test_filters_from_the_query_string_narrow_the_list(world, three_cases):
    # q searches title and body (proposals.search); every built case's body mentions 车站, so the word is the title's.
    params = RequestFactory().get("/", {"status": ["closed", "filed"], "unit": "x", "q": "棚户区改造"}).GET
    cases, applied = filter_cases(Case.objects.all(), params)
    assert [c.title for c in cases] == ["关于加快车站棚户区改造的提案"]
    assert applied == {"status": ["closed", "filed"], "q": "棚户区改造"}


def test_unit_league_export_takes_its_rows_from_the_caller(world):
    rows = [
        {"unit": "区住建局", "assigned": 10, "replied": 9, "a_share": 0.6, "satisfaction_rate": 1.0},
        {"unit": "区教育局", "assigned": 4, "replied": 4, "a_share": 0.5},
    ]
    content = read(exports.export_unit_league(world.staff, rows))
    assert content[0][:3] == ["承办单位", "交办件数", "按时签收"]
    assert content[1][0:4] == ["区住建局", 10, None, 9]
    assert content[2][0] == "区教育局"
    assert AuditEvent.objects.filter(action="export", data__kind="unit_league").count() == 1


def test_the_header_row_is_frozen(world, three_cases, tmp_path):
    path = tmp_path / "x.xlsx"
    exports.write_sheet(
        str(path), "提案目录", exports.CATALOGUE_COLUMNS, exports.iter_cases(Case.objects.filter(number__isnull=False))
    )
    sheet = load_workbook(path).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 40


@pytest.mark.parametrize("phone,masked", [("13917001234", "139****1234"), ("", ""), ("12345", "****")])
def test_phone_numbers_are_masked(phone, masked):
    assert exports.mask_phone(phone) == masked
