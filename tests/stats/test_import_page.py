"""The staff page for legacy catalogues: a dry run lists every rejected row, then the import runs."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from members.models import Session
from proposals.models import Case
from tests.imports.test_import_catalogue import xlsx

ROWS = [
    [1, "第27号", "关于加快车站棚户区改造的提案", "张委员", "区住建局", "", "", "", "已立案"],
    [2, "第28号", "关于城区供暖设施改造的提案", "李委员", "区教育局", "", "", "", "已立案"],
]


def _upload(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("目录.xlsx", xlsx(rows).getvalue())


def test_a_dry_run_shows_every_rejected_row_and_imports_nothing(world, login):
    bad = ROWS + [[3, "第号", "无号的提案", "不存在的人", "不存在的局", "", "", "", "已立案"]]
    session = Session.objects.get(name="四届三次会议")
    response = login(world.staff).post(
        "/stats/import/", {"step": "dry_run", "file": _upload(bad), "session": session.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "第5行" in html and "不存在的人" in html and 'value="import"' not in html
    assert Case.objects.count() == 0


def test_a_clean_dry_run_then_confirm_imports_in_one_go_and_audits_each_case(world, login):
    client = login(world.staff)
    session = Session.objects.get(name="四届三次会议")
    response = client.post("/stats/import/", {"step": "dry_run", "file": _upload(ROWS), "session": session.pk})
    html = response.content.decode()
    assert "确认导入 2 件" in html and Case.objects.count() == 0
    token = response.context["token"]
    # The real run is a background job: the confirmation opens its progress page, which shows the outcome.
    response = client.post("/stats/import/", {"step": "import", "token": token}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[0][0].startswith("/jobs/")
    assert "已导入 2 件" in response.content.decode()
    assert sorted(Case.objects.filter(session=session).values_list("number", flat=True)) == [27, 28]
    assert AuditEvent.objects.filter(action="import").count() == 2
    # The token is spent: a replay imports nothing more.
    again = client.post("/stats/import/", {"step": "import", "token": token})
    assert again.status_code == 302 and Case.objects.count() == 2


def test_a_file_that_is_not_a_catalogue_is_refused_with_a_reason(world, login):
    response = login(world.staff).post(
        "/stats/import/", {"step": "dry_run", "file": SimpleUploadedFile("目录.xls", b"old binary")}
    )
    assert "只能导入 .xlsx 或 .csv" in response.content.decode()
