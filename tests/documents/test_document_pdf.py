"""Every document kind as PDF through LibreOffice headless: text present, page count, A4 or landscape;
the pages are written as PNG to test-artifacts/documents/ for people to look at.

All kinds are converted in ONE soffice run (its start-up is most of the cost). Without LibreOffice or
poppler the test skips with the reason — a failure under REQUIRE_ALL_TESTS (.ci/run installs them)."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from core import clock
from proposals.models import Case
from reporting import documents
from reporting.documents import offers, pdf, selectors
from reporting.documents import proposal_documents as kinds
from tests.conftest import skip_or_fail
from tests.factories import CaseBuilder

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


def needs_tools() -> None:
    if not pdf.available():
        skip_or_fail("LibreOffice（soffice）未安装：PDF 测试需要 Debian 软件包 libreoffice-writer-nogui")
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        skip_or_fail("poppler-utils（pdftotext、pdftoppm）未安装：无法读取生成的 PDF")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def test_each_document_kind_converts_to_a_pdf_with_its_text_and_pages(world):
    needs_tools()
    builder = CaseBuilder(world).replied("A")
    builder.act("recommend_key", world.staff, {"leaders": [world.leader.pk], "plan": "带案视察"})
    builder.act("designate_key", world.reviewer)
    case = builder.refresh()
    rejected = CaseBuilder(world, title="关于推广某品牌净水器的建议").rejected().refresh()
    found = {o.kind: o for o in reversed(offers.case_documents(world.staff, case))}
    overdue = case.assignments.get(unit=world.unit2)
    year = case.filed_at.year
    made = {
        "proposal_form": found["proposal_form"].obj,
        "filing_notice": case,
        "rejection_notice": rejected,
        "assignment_notice": found["assignment_notice"].obj,
        "reply_letter": found["reply_letter"].obj,
        "rating_form": found["rating_form"].obj,
        "reminder_notice": overdue,
        "assignment_list": case.session,
        "key_catalogue": kinds.Listing(
            scope=f"{year}年度", year=year, items=list(selectors.key_proposals_of_year(Case.objects.all(), year))
        ),
        "catalogue": kinds.Listing(
            scope=case.session.name, items=list(selectors.session_catalogue(Case.objects.all(), case.session))
        ),
    }
    assert set(made) == {k.key for k in documents.kinds()}
    with clock.frozen((overdue.views_due or overdue.due_date) + dt.timedelta(days=2)):
        word = {key: documents.make(documents.get(key), obj, user=world.staff) for key, obj in made.items()}
    pdfs = dict(zip(word, pdf.convert(list(word.values()))))

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expected = {
        "proposal_form": [case.title, "情况分析", "办法建议", "张委员"],
        "filing_notice": ["立案通知", case.display_number.split()[-1], "政协陈仓区委员会提案委员会"],
        "rejection_notice": ["不予立案通知", world.ground.name],
        "assignment_notice": ["交办通知书", "陈政协提", "区住建局", "抄送"],
        "reply_letter": ["A类", "签发人", "赵局长", "钱科长", "抄送：区政协提案委员会"],
        "rating_form": ["征询意见表", "基本满意", "15个工作日"],
        "reminder_notice": ["督促办理", "已逾期2天", "区教育局"],
        "assignment_list": ["交办清单", case.title, "区教育局"],
        "key_catalogue": ["重点提案目录", "督办领导", world.leader.display_name],
        "catalogue": ["提案目录", case.title],
    }
    for key, content in pdfs.items():
        path = ARTIFACTS / f"{key}.pdf"
        path.write_bytes(content)
        text = "".join(pdf_text(path).split())  # CJK lines may break anywhere: compare without spaces
        for needle in expected[key]:
            assert "".join(needle.split()) in text, (key, needle)
        info = pdf_info(path)
        pages = int(info["Pages"])
        assert 1 <= pages <= 3, (key, pages)
        width, height = (float(v) for v in info["Page size"].split()[0:3:2])
        if documents.get(key).landscape:
            assert (round(width), round(height)) == (842, 595), key  # A4 landscape, in points
        else:
            assert (round(width), round(height)) == (595, 842), key
        for old in ARTIFACTS.glob(f"{key}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / key)], check=True)
        assert list(ARTIFACTS.glob(f"{key}-*.png"))
    # "— 1 —" page numbers are printed
    assert "—1—" in "".join(pdf_text(ARTIFACTS / "assignment_notice.pdf").split())


def test_without_libreoffice_the_pdf_link_says_so_and_the_word_file_still_works(client, world, settings):
    settings.DOCUMENTS_SOFFICE = "/nonexistent/soffice"
    case = CaseBuilder(world).filed().refresh()
    client.force_login(world.member)
    response = client.get(f"/cases/{case.pk}/documents/proposal_form.pdf")
    assert response.status_code == 503
    html = response.content.decode()
    assert "LibreOffice" in html and f"/cases/{case.pk}/documents/proposal_form.docx" in html
    assert client.get(f"/cases/{case.pk}/documents/proposal_form.docx").status_code == 200
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert (
        "生成 PDF 需要服务器安装 LibreOffice" in page and ".pdf" not in page.split("文书下载")[1].split("</section>")[0]
    )
