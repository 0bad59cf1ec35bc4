"""The 交办会 batch: every 交办通知书 of a session as one .zip of Word files and as one PDF, written by a
background job (started from the 交办 page), with progress, downloaded from 我的导出."""

import io
import re
import zipfile

import pytest

from jobs.models import Job
from tests.conftest import skip_or_fail
from tests.factories import CaseBuilder


@pytest.fixture
def session_cases(world):
    first = CaseBuilder(world).assigned().refresh()
    second = CaseBuilder(world, title="关于城区供暖设施改造的提案").assigned(co=False).refresh()
    CaseBuilder(world, title="关于职业技术教育人才培养的提案").filed()  # not assigned: no notice
    return first, second


def start(client, user, session, fmt):
    client.force_login(user)
    return client.post(f"/sessions/{session.pk}/notices/", {"format": fmt})


def test_the_zip_holds_one_word_notice_per_unit_in_number_order(client, world, session_cases):
    first, _second = session_cases
    response = start(client, world.staff, first.session, "zip")
    job = Job.objects.get(kind="session_notices_zip")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.state == Job.State.SUCCEEDED and (job.done, job.total) == (3, 3)
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len(names) == 3 and all(n.endswith(".docx") for n in names)
    assert "区住建局" in names[0] and "区教育局" in names[1] and "区住建局" in names[2]
    numbers = set()
    for name in names:
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(archive.read(name))).paragraphs)
        numbers.add(re.search(r"陈政协提〔\d{4}〕\d+号", text).group(0))
    assert len(numbers) == 3  # every notice its own number
    assert "交办通知书批量下载（Word）" in client.get("/jobs/").content.decode()  # listed on 我的导出


def test_the_pdf_is_one_file_with_every_notice(client, world, session_cases):
    from reporting.documents import pdf

    if not pdf.available():
        skip_or_fail("LibreOffice（soffice）未安装：交办通知书合并 PDF 需要 libreoffice-writer-nogui")
    first, _ = session_cases
    start(client, world.staff, first.session, "pdf")
    job = Job.objects.get(kind="session_notices_pdf")
    assert job.state == Job.State.SUCCEEDED, job.message
    assert (job.done, job.total) == (6, 6) and job.result_name.endswith("交办通知书.pdf")
    content = b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content)
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert len(reader.pages) >= 3 and text.count("交办通知书") >= 3


def test_only_staff_start_the_batch(client, world, session_cases):
    first, _ = session_cases
    assert start(client, world.unit_user, first.session, "zip").status_code == 403
    assert start(client, world.member, first.session, "zip").status_code == 403
    assert not Job.objects.exists()


def test_the_assignment_page_offers_the_batch_and_the_list(client, world, session_cases):
    first, _ = session_cases
    client.force_login(world.staff)
    html = client.get("/cases/assign/").content.decode()
    assert "交办会材料" in html and f"/sessions/{first.session.pk}/notices/" in html
    assert f"/sessions/{first.session.pk}/assignment_list.docx" in html and "3 份" in html
    response = client.get(f"/sessions/{first.session.pk}/assignment_list.docx")
    assert response.status_code == 200
