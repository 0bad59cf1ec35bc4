"""Earlier terms' catalogues as offices keep them (issue 22): no 案号, sessions of terms the system never had,
proposer and unit cells in the free forms printed catalogues use. With --create-missing they import whole,
in one transaction; the dry run says which rows get which number; as a job through the staff page too."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from audit.models import AuditEvent
from imports.catalogue import import_file, parse_proposer_cell, parse_session_name, parse_unit_cell
from members.models import Organisation, Session, Term, Unit, User
from proposals.models import Case, NumberSequence, Proposer
from tests.auth_helpers import login

HEADER = ["序号", "案号", "案由", "提案人", "承办单位", "会议", "办理状态", "答复类别"]
ROWS = [
    [1, "", "关于加快农产品冷链物流建设的提案", "罗吉卿等3位委员", "市发改委等", "三届五次会议", "已办结", "A类"],
    [
        2,
        None,
        "关于加强农产品质量安全监管的提案",
        "谢春峰等委员",
        "市农业农村局（牵头）、市市场监督管理局（联合）",
        "三届五次会议",
        "办理中",
        "",
    ],
    [
        3,
        "第12号",
        "关于推进职业教育产教融合的提案",
        "九三学社济南市委（集体提案）",
        "市教育局",
        "三届五次会议",
        "已答复",
        "B",
    ],
    [4, "", "关于解决个人住房纠纷的提案", "冯艳虹（区政协常委）", "", "三届五次会议", "不予立案", ""],
    [5, "", "关于加快智慧医疗建设的提案", "民进漳州市委会", "市卫健委", "三届四次会议", "已办结", "A"],
]


def catalogue(rows=ROWS) -> bytes:
    """The file as an office keeps it: a title row, then the header, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["政协第三届委员会提案目录"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def xlsx_path(tmp_path):
    path = tmp_path / "三届提案目录.xlsx"
    path.write_bytes(catalogue())
    return path


def test_the_free_forms_of_proposer_and_unit_cells_are_read():
    assert parse_proposer_cell("罗吉卿等3位委员").names == ["罗吉卿"]
    assert parse_proposer_cell("罗吉卿等3位委员").unnamed == 2
    assert parse_proposer_cell("谢春峰等委员").names == ["谢春峰"]
    cell = parse_proposer_cell("九三学社济南市委（集体提案）")
    assert cell.names == ["九三学社济南市委"] and cell.collective == {"九三学社济南市委"}
    assert parse_proposer_cell("冯艳虹（区政协常委）").names == ["冯艳虹"]
    assert parse_proposer_cell("民进漳州市委会").names == ["民进漳州市委会"]
    assert parse_proposer_cell("张三（联名人：李四、王五）").names == ["张三", "李四", "王五"]
    assert parse_unit_cell("市发改委等") == [("市发改委", "")]
    assert parse_unit_cell("市农业农村局（牵头）、市市场监督管理局（联合）") == [
        ("市农业农村局", "lead"),
        ("市市场监督管理局", "co"),
    ]
    assert parse_session_name("三届五次会议") == (3, 5) and parse_session_name("十二届十次会议") == (12, 10)


def test_without_create_missing_the_unknown_sessions_are_refused_row_by_row(world, xlsx_path):
    report = import_file(xlsx_path, dry_run=True)
    assert len(report.problems) == 5
    assert all(any("未知的会议" in r for r in p.reasons) for p in report.problems)
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(xlsx_path), "--user", world.staff.username)
    assert Case.objects.count() == 0 and not Term.objects.filter(number=3).exists()


def test_the_dry_run_says_which_rows_get_numbers_and_creates_nothing(world, xlsx_path):
    terms, sessions, users = Term.objects.count(), Session.objects.count(), User.objects.count()
    report = import_file(xlsx_path, dry_run=True, create_missing=True)
    assert report.ok, report.lines()
    lines = "\n".join(report.lines())
    assert "第3行：无案号，将编为三届五次会议第013号" in lines  # after the file's 第12号
    assert "第4行：无案号，将编为三届五次会议第014号" in lines
    assert "第6行：无案号，状态为“不予立案”，导入后不编号" in lines
    assert "第7行：无案号，将编为三届四次会议第001号" in lines
    assert "第3行：另有 2 位联名委员未列出姓名" in lines
    assert "将新建（往届）会议：三届五次会议、三届四次会议" in lines
    assert "九三学社济南市委" in lines and "民进漳州市委会" in lines
    assert (Term.objects.count(), Session.objects.count(), User.objects.count()) == (terms, sessions, users)
    assert Case.objects.count() == 0


def test_the_real_run_imports_everything_as_past_history_in_one_go(world, xlsx_path):
    current = Term.current()
    report = import_file(xlsx_path, create_missing=True, user=world.staff)
    assert report.ok and len(report.imported) == 5
    term = Term.objects.get(number=3)
    assert term.name == "三届" and not term.is_current and Term.current() == current
    assert term.end_date < current.start_date
    fifth = Session.objects.get(term=term, number=5)
    assert fifth.name == "三届五次会议"
    numbers = {c.title: c.number for c in Case.objects.filter(term=term)}
    assert numbers == {
        "关于加快农产品冷链物流建设的提案": 13,
        "关于加强农产品质量安全监管的提案": 14,
        "关于推进职业教育产教融合的提案": 12,
        "关于解决个人住房纠纷的提案": None,
        "关于加快智慧医疗建设的提案": 1,
    }
    rejected = Case.objects.get(title="关于解决个人住房纠纷的提案")
    assert rejected.status == "rejected" and not rejected.assignments.exists()
    monitored = Case.objects.get(title="关于加强农产品质量安全监管的提案")
    roles = {a.unit.name: a.role for a in monitored.assignments.all()}
    assert roles == {"市农业农村局": "lead", "市市场监督管理局": "co"}
    assert Case.objects.get(number=13, session=fifth).assignments.get().unit.name == "市发改委"
    collective = Case.objects.get(title="关于推进职业教育产教融合的提案").proposers.get()
    assert collective.collective == Proposer.Collective.ORGANISATION
    assert collective.organisation.name == "九三学社济南市委" and not collective.organisation.active
    assert Organisation.objects.get(name="民进漳州市委会").kind == Organisation.Kind.PARTY
    person = Case.objects.get(number=13, session=fifth).proposers.get()
    assert person.user.name == "罗吉卿" and not person.user.is_active
    assert person.user.memberships.get().term == term
    assert not Unit.objects.get(name="市卫健委").active
    assert NumberSequence.objects.get(session=fifth, kind="proposal").last == 14
    assert AuditEvent.objects.filter(action="import").count() == 5


def test_one_bad_row_imports_nothing_not_even_the_sessions(world, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(catalogue(ROWS + [[6, "", "", "某委员", "", "三届五次会议", "已办结", ""]]))
    report = import_file(path, create_missing=True, user=world.staff)
    assert not report.ok and report.problems[0].row == 8
    assert Case.objects.count() == 0 and not Term.objects.filter(number=3).exists()


def test_the_staff_page_runs_it_as_a_job_with_the_same_numbers(world, client):
    login(client, world.staff)
    upload = SimpleUploadedFile("三届提案目录.xlsx", catalogue())
    response = client.post("/stats/import/", {"step": "dry_run", "file": upload, "create_missing": "on"})
    html = response.content.decode()
    assert "将编为三届五次会议第013号" in html and "确认导入 5 件" in html
    response = client.post("/stats/import/", {"step": "import", "token": response.context["token"]}, follow=True)
    assert response.redirect_chain[0][0].startswith("/jobs/") and "已导入 5 件" in response.content.decode()
    assert Case.objects.filter(term__number=3).count() == 5
