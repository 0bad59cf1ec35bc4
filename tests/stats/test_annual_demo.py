"""The annual report on the demo data (issue 23 items 3 and 4): the term report opens with the source
report's figures, and every figure equals the dashboard's for the term, a year and a session.

The seeder runs once for the module inside a transaction rolled back after it (about two minutes, as in
tests/test_seed_demo.py). The term report's first three pages are rendered to PNG (LibreOffice, then
pdftoppm) into test-artifacts/documents/ for people to look at.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from members.models import Term, User
from reporting import annual, stats
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=False)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--demo-logins", stdout=io.StringIO())
        yield Term.objects.get(is_current=True)
        transaction.set_rollback(True)


@pytest.fixture
def staff(demo):
    client = Client()
    client.force_login(User.objects.get(username="staff"))
    return client


def _scopes(term: Term) -> dict[str, annual.Scope]:
    return {
        "term": annual.Scope(term),
        "year 2024": annual.Scope(term, year=2024),
        "四届三次会议": annual.Scope(term, session=term.sessions.get(number=3)),
    }


def test_the_term_report_opens_with_the_source_reports_figures(demo):
    data = stats.dashboard(demo)
    opening = annual.opening(annual.render(annual.Scope(demo), data))
    assert opening.startswith("四届一次会议以来共立案提案393件、建议196件，确立重点提案12件。"), opening
    assert "立案提案393件、建议196件，确立重点提案12件" in opening
    print("\nopening paragraph on the demo data:", opening)


def test_every_figure_of_the_report_equals_the_dashboards_for_a_term_a_year_and_a_session(demo, staff):
    for name, scope in _scopes(demo).items():
        query = {"term": demo.pk}
        if scope.session:
            query["session"] = scope.session.pk
        if scope.year:
            query["year"] = scope.year
        shown = staff.get("/stats/", query).context["data"]
        report = staff.get("/stats/annual/", query)
        assert report.status_code == 200
        ours = annual.figures(stats.dashboard(demo, scope.session, year=scope.year))
        theirs = annual.figures(shown)
        assert ours.keys() == theirs.keys()
        for key in ours:
            assert ours[key] == theirs[key], (name, key)
        # The scopes differ: the year and the session are not the term over again.
        if scope.year or scope.session:
            assert 0 < ours["proposals_filed"] < 393, name
        # The draft page says the same figures in its text.
        page = report.content.decode()
        assert f"共立案提案{ours['proposals_filed']}件、建议{ours['suggestions']}件" in page, name


def test_the_term_reports_word_draft_renders_to_pdf_pages(demo, tmp_path):
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        # Under .ci/run (REQUIRE_ALL_TESTS=1) a missing LibreOffice or poppler is a failure, not a skip.
        skip_or_fail("LibreOffice（soffice）或 poppler-utils 未安装：无法生成并读取报告的 PDF")
    from reporting.documents import pdf as documents_pdf

    scope = annual.Scope(demo)
    data = stats.dashboard(demo)
    word = annual.to_docx(scope, annual.render(scope, data), annual.figures(data))
    path = tmp_path / "term-report.pdf"
    path.write_bytes(documents_pdf.to_pdf(word))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "立案提案393件、建议196件，确立重点提案12件" in "".join(text.split())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("annual-term-report-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(path), str(ARTIFACTS / "annual-term-report")],
        check=True,
        timeout=120,
    )
    assert len(list(ARTIFACTS.glob("annual-term-report-*.png"))) == 3
