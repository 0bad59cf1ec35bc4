"""Download views: who may fetch which document, the print view, and the export URLs."""

import io

import pytest
from docx import Document

from audit.models import AuditEvent
from tests.factories import CaseBuilder


@pytest.fixture
def replied(world):
    return CaseBuilder(world).replied("B").refresh()


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_a_proposer_downloads_the_reply_letter_and_the_download_is_audited(client, world, replied):
    response = get(client, world.member, f"/cases/{replied.pk}/documents/reply_letter.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in response["Content-Disposition"]
    Document(io.BytesIO(response.content))
    event = AuditEvent.objects.filter(action="download").latest("seq")
    assert (event.actor, event.case_id, event.data["kind"]) == (world.member, replied.pk, "reply_letter")


@pytest.mark.parametrize("kind", ["proposal_form", "assignment_notice", "reply_letter", "rating_form"])
def test_the_assigned_unit_downloads_every_document(client, world, replied, kind):
    assert get(client, world.unit_user, f"/cases/{replied.pk}/documents/{kind}.docx").status_code == 200


@pytest.mark.parametrize("kind", ["proposal_form", "reply_letter"])
def test_another_units_case_is_a_404(client, world, replied, kind):
    assert get(client, world.unit3_user, f"/cases/{replied.pk}/documents/{kind}.docx").status_code == 404
    assert get(client, world.unit3_user, f"/cases/{replied.pk}/print/").status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


def test_an_unknown_document_kind_is_a_404(client, world, replied):
    assert get(client, world.staff, f"/cases/{replied.pk}/documents/secret.docx").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, replied):
    response = client.get(f"/cases/{replied.pk}/documents/proposal_form.docx")
    assert response.status_code == 302


def test_the_print_view_shows_the_case_with_its_accepted_reply(client, world, replied):
    response = get(client, world.member, f"/cases/{replied.pk}/print/")
    html = response.content.decode()
    assert response.status_code == 200
    assert replied.title in html and replied.display_number in html
    assert "经研究，答复如下" in html and "区住建局" in html and "B类" in html
    assert "css/print.css" in html and "<script" not in html  # print styles are a static file (CSP: no inline styles)


def test_the_print_view_hides_a_reply_not_yet_accepted(client, world):
    case = CaseBuilder(world).reply_sent().refresh()
    html = get(client, world.member, f"/cases/{case.pk}/print/").content.decode()
    assert "经研究，答复如下" not in html and "尚无审核通过的答复" in html


@pytest.mark.parametrize("url", ["/exports/catalogue.xlsx", "/exports/cases.xlsx", "/exports/key_proposals.docx"])
def test_members_and_units_may_not_export(client, world, replied, url):
    assert get(client, world.member, url).status_code == 403
    assert get(client, world.unit_user, url).status_code == 403


@pytest.mark.parametrize("role", ["staff", "reviewer", "leader"])
def test_staff_reviewers_and_leaders_export_the_catalogue(client, world, replied, role):
    response = get(client, getattr(world, role), "/exports/catalogue.xlsx")
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_the_case_list_export_applies_the_filters_and_records_them(client, world, replied):
    response = get(client, world.staff, "/exports/cases.xlsx", status="closed")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert event.data == {"kind": "case_list", "rows": 0, "filters": {"status": ["closed"]}}


# --- The case page's document list and the download views read the same offers (issue 16) -----------


def document_links(client, user, case) -> str:
    client.force_login(user)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    return html.split('id="case-documents-h"')[1].split("</section>")[0] if 'id="case-documents-h"' in html else ""


def test_the_case_page_lists_what_each_person_may_get(client, world, replied):
    staff = document_links(client, world.staff, replied)
    assert "交办通知书（区住建局）" in staff and "交办通知书（区教育局）" in staff and "答复函（区住建局）" in staff
    member = document_links(client, world.member, replied)
    assert "答复函（区住建局）" in member and "交办通知书" not in member
    assert "征询意见表（张委员，区住建局）" in member and "征询意见表（李委员" not in member
    co_unit = document_links(client, world.unit2_user, replied)
    assert "交办通知书（区教育局）" in co_unit and "交办通知书（区住建局）" not in co_unit


def test_a_document_not_offered_is_a_404_even_with_a_guessed_id(client, world, replied):
    lead = replied.assignments.get(unit=world.unit)
    client.force_login(world.unit2_user)
    url = f"/cases/{replied.pk}/documents/assignment_notice.docx"
    assert client.get(url, {"assignment": lead.pk}).status_code == 404
    client.force_login(world.member)
    assert client.get(url).status_code == 404


def test_a_download_picks_the_asked_item_and_records_it(client, world, replied):
    co = replied.assignments.get(unit=world.unit2)
    response = get(client, world.staff, f"/cases/{replied.pk}/documents/assignment_notice.docx", assignment=co.pk)
    assert response.status_code == 200
    assert "区教育局" in "".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    event = AuditEvent.objects.filter(action="download").latest("seq")
    assert event.data == {"kind": "assignment_notice", "format": "docx", "item": f"assignment={co.pk}"}


def test_the_reply_letter_pdf_downloads_where_libreoffice_is_installed(client, world, replied):
    from reporting.documents import pdf
    from tests.conftest import skip_or_fail

    if not pdf.available():
        skip_or_fail("LibreOffice（soffice）未安装：PDF 下载需要 libreoffice-writer-nogui")
    response = get(client, world.member, f"/cases/{replied.pk}/documents/reply_letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="download").latest("seq").data["format"] == "pdf"


def test_the_catalogue_and_key_catalogue_come_as_word(client, world, replied):
    response = get(client, world.staff, "/exports/catalogue.docx", session=replied.session_id)
    assert response.status_code == 200
    assert replied.title in "".join(
        c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells
    )
    assert get(client, world.member, "/exports/catalogue.docx", session=replied.session_id).status_code == 403
    assert get(client, world.staff, "/exports/catalogue.docx").status_code == 404
