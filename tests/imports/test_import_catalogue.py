"""Importing legacy catalogues: good files import whole, bad files import nothing and say why."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from audit.models import AuditEvent
from imports.catalogue import ImportFileError, import_file
from members.models import MemberGroup, Membership, Organisation, Session, Unit, User
from proposals.models import Case, NumberSequence, Proposer
from tests.factories import CaseBuilder

HEADER = ["序号", "编号", "标题", "领衔人", "主办单位", "会办单位", "类别", "答复类别", "办理状态"]
GOOD_ROWS = [
    [
        1,
        "第〔27〕号",
        "关于加快车站棚户区改造的提案",
        "张委员（联名人：李委员）",
        "区住建局",
        "区教育局",
        "城乡建设",
        "A类",
        "已办结",
    ],
    [2, "第28号", "关于职业技术教育人才培养的提案", "民进陈仓区委会", "区教育局", "", "教育", "B", "已答复"],
    [
        3,
        "〔2024〕29号",
        "关于城镇生活污水处理的提案",
        "十里铺学联组",
        "区住建局",
        "区交通运输局、区教育局",
        "",
        "",
        "办理中",
    ],
    [4, "30", "关于电信网络诈骗治理的提案", "王委员、张委员", "", "", "社会", "", "已立案"],
]


@pytest.fixture
def collectives(world):
    Organisation.objects.create(name="民进陈仓区委会", kind=Organisation.Kind.PARTY)
    MemberGroup.objects.create(term=world.term, name="十里铺学联组")


def xlsx(rows, header=HEADER, title="四届三次会议提案目录") -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_bytes(rows, header=HEADER, encoding="gb18030") -> io.BytesIO:
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode(encoding))


def run(source, world, filename="目录.xlsx", **options):
    options.setdefault("session", "四届三次会议")
    return import_file(source, filename=filename, user=world.staff, **options)


def test_a_good_xlsx_imports_every_case_in_its_final_state(world, collectives):
    report = run(xlsx(GOOD_ROWS), world)
    assert report.ok, report.lines()
    assert len(report.imported) == 4
    session = Session.objects.get(name="四届三次会议")
    cases = {c.number: c for c in Case.objects.filter(session=session)}
    assert sorted(cases) == [27, 28, 29, 30]

    closed = cases[27]
    assert (closed.status, closed.kind, closed.title, closed.category.name) == (
        "closed",
        "proposal",
        "关于加快车站棚户区改造的提案",
        "城乡建设",
    )
    assert [(p.user.name, p.role) for p in closed.proposers.all()] == [("张委员", "initiator"), ("李委员", "cosigner")]
    assert closed.proposers.get(user=world.member).sector_id is not None
    assert {(a.unit.name, a.role, a.status) for a in closed.assignments.all()} == {
        ("区住建局", "lead", "accepted"),
        ("区教育局", "co", "views_sent"),
    }
    assert closed.replies.get().reply_class == "A"

    party = cases[28].proposers.get()
    assert (party.collective, party.organisation.name, party.display_name) == (
        "organisation",
        "民进陈仓区委会",
        "民进陈仓区委会",
    )
    assert cases[28].status == "replied" and cases[28].replies.get().reply_class == "B"

    group_case = cases[29]
    assert group_case.proposers.get().display_name == "十里铺学联组"
    assert group_case.status == "handling"
    assert {(a.unit.name, a.role, a.status) for a in group_case.assignments.all()} == {
        ("区住建局", "lead", "signed"),
        ("区交通运输局", "co", "signed"),
        ("区教育局", "co", "signed"),
    }

    filed = cases[30]
    assert filed.status == "filed" and not filed.assignments.exists()
    assert [p.user.name for p in filed.proposers.all()] == ["王委员", "张委员"]


def test_the_import_moves_the_sequence_and_audits_each_case(world, collectives):
    run(xlsx(GOOD_ROWS), world, filename="旧目录.xlsx")
    session = Session.objects.get(name="四届三次会议")
    assert NumberSequence.objects.get(session=session, kind="proposal").last == 30
    events = list(AuditEvent.objects.filter(action="import").order_by("seq"))
    assert len(events) == 4
    assert [e.data["row"] for e in events] == [3, 4, 5, 6]
    assert all(e.data["file"] == "旧目录.xlsx" and e.actor == world.staff for e in events)
    assert events[0].to_state == "closed" and events[0].case.number == 27


def test_a_lower_import_never_moves_the_sequence_back(world, collectives):
    session = Session.objects.get(name="四届三次会议")
    NumberSequence.objects.create(session=session, kind="proposal", last=100)
    run(xlsx(GOOD_ROWS), world)
    assert NumberSequence.objects.get(session=session, kind="proposal").last == 100


def test_a_gb18030_csv_with_columns_in_another_order_imports(world, collectives):
    header = ["案由", "案号", "提案人", "会办单位", "主办单位"]
    rows = [
        ["关于城区供暖设施的提案", "第〔5〕号", "李委员", "", "区住建局"],
        ["关于专精特新企业培育的提案", "6", "张委员、王委员", "区教育局", "区交通运输局"],
    ]
    report = run(csv_bytes(rows, header), world, filename="目录.csv", kind="suggestion")
    assert report.ok, report.lines()
    cases = Case.objects.filter(kind="suggestion").order_by("number")
    assert [(c.number, c.title, c.status) for c in cases] == [
        (5, "关于城区供暖设施的提案", "assigned"),
        (6, "关于专精特新企业培育的提案", "assigned"),
    ]
    assert cases[1].assignments.get(role="co").unit.name == "区教育局"


def test_a_utf8_csv_with_a_bom_imports(world):
    rows = [["第1号", "关于基础教育双减的提案", "张委员", "区教育局", "", "", "", "", ""]]
    header = ["编号", "案由", "提案人", "主办单位", "会办单位", "类别", "答复类别", "办理状态", "备注"]
    assert run(csv_bytes(rows, header, encoding="utf-8-sig"), world, filename="x.csv").ok


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_bad_row(world, collectives):
    existing = CaseBuilder(world).filed().refresh()
    rows = GOOD_ROWS[:1] + [
        [2, "第几号", "编号读不出", "张委员", "区住建局", "", "", "", ""],
        [3, "第27号", "文件内重号", "张委员", "区住建局", "", "", "", ""],
        [4, "31", "未知委员", "赵无此人", "区住建局", "", "", "", ""],
        [5, "32", "未知单位", "张委员", "区不存在局", "", "", "", ""],
        [6, str(existing.number), "系统内重号", "张委员", "区住建局", "", "", "", ""],
    ]
    session = existing.session.name
    before = Case.objects.count()
    report = run(xlsx(rows), world, session=session)
    assert not report.ok
    reasons = {p.row: "；".join(p.reasons) for p in report.problems}
    assert sorted(reasons) == [4, 5, 6, 7, 8]
    assert "无法识别的编号" in reasons[4]
    assert "编号重复" in reasons[5] and "本文件" in reasons[5]
    assert "未知的提案人“赵无此人”" in reasons[6]
    assert "未知的承办单位“区不存在局”" in reasons[7]
    assert "编号重复" in reasons[8] and "系统中" in reasons[8]
    assert Case.objects.count() == before
    assert not AuditEvent.objects.filter(action="import").exists()
    assert "未导入任何数据" in report.lines()[-1]


def test_a_dry_run_reports_and_changes_nothing(world, collectives):
    report = run(xlsx(GOOD_ROWS), world, dry_run=True)
    assert report.ok and report.would_import == 4 and report.imported == []
    assert not Case.objects.filter(number__in=[27, 28, 29, 30]).exists()
    assert not NumberSequence.objects.filter(last=30).exists()


def test_create_missing_records_unknown_people_and_units_as_inactive(world):
    rows = [[1, "40", "关于乡村振兴的提案", "赵新人（联名人：张委员）", "区新设局", "", "", "", ""]]
    dry = run(xlsx(rows), world, create_missing=True, dry_run=True)
    assert dry.ok and dry.created_people == ["赵新人"] and dry.created_units == ["区新设局"]
    assert not User.objects.filter(name="赵新人").exists()

    report = run(xlsx(rows), world, create_missing=True)
    assert report.ok, report.lines()
    person = User.objects.get(name="赵新人")
    assert not person.is_active and not person.has_usable_password()
    membership = Membership.objects.get(user=person)
    assert membership.term == world.term and not membership.active
    assert not Unit.objects.get(name="区新设局").active
    case = Case.objects.get(number=40)
    assert case.proposers.get(role=Proposer.Role.INITIATOR).user == person
    assert case.assignments.get().unit.name == "区新设局"


def test_the_year_in_a_number_picks_the_session(world):
    rows = [[1, "〔2024〕7号", "关于先进制造业的提案", "张委员", "区住建局", "", "", "", ""]]
    report = import_file(xlsx(rows), filename="x.xlsx", user=world.staff)
    assert report.ok, report.lines()
    assert Case.objects.get(number=7).session.opens.year == 2024


def test_a_file_without_a_recognisable_header_is_refused(world):
    with pytest.raises(ImportFileError):
        run(xlsx([["a", "b"]], header=["甲", "乙"]), world)


def test_the_command_runs_a_dry_run_and_a_real_run(world, collectives, tmp_path):
    path = tmp_path / "目录.xlsx"
    path.write_bytes(xlsx(GOOD_ROWS).getvalue())
    out = io.StringIO()
    call_command("import_catalogue", str(path), "--dry-run", "--session", "四届三次会议", stdout=out)
    assert "试运行" in out.getvalue() and not Case.objects.filter(number=27).exists()
    call_command("import_catalogue", str(path), "--session", "四届三次会议", "--user", "s1", stdout=out)
    assert "已导入 4 件" in out.getvalue()
    assert Case.objects.filter(number__in=[27, 28, 29, 30]).count() == 4


def test_the_command_fails_on_bad_rows_and_needs_a_staff_user(world, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([[1, "?", "x", "谁", "区住建局", "", "", "", ""]]).getvalue())
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_catalogue", str(path), "--session", "四届三次会议", "--user", "s1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="提案委"):
        call_command("import_catalogue", str(path), "--user", "m1", stdout=io.StringIO())
