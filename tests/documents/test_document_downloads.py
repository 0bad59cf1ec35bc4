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
