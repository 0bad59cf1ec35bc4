import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from proposals import uploads
from proposals.errors import WorkflowError
from tests.factories import CaseBuilder, upload


@pytest.fixture
def draft(world):
    with clock.frozen(dt.date(2026, 3, 2)):
        return CaseBuilder(world)


def test_the_initiator_uploads_a_pdf_and_downloads_it(draft, as_):
    url = f"/api/cases/{draft.case.pk}/attachments/"
    response = as_("member").post(url, {"file": SimpleUploadedFile("调研.pdf", b"%PDF-1.7\nbody")}, format="multipart")
    assert response.status_code == 201, response.json()
    download = as_("member").get(response.json()["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


def test_a_disguised_file_is_refused_by_its_content(draft, as_):
    response = as_("member").post(
        f"/api/cases/{draft.case.pk}/attachments/",
        {"file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "file_type_not_allowed"


def test_an_oversized_file_is_refused(draft, as_, settings):
    settings.UPLOAD_MAX_BYTES = 10
    response = as_("member").post(
        f"/api/cases/{draft.case.pk}/attachments/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7\n0123456789")},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "file_too_large"


def test_others_cannot_see_upload_or_download(draft, world, as_):
    attachment = upload(draft.case, world.member)
    base = f"/api/cases/{draft.case.pk}/attachments/"
    for role in ("unit", "staff", "outsider"):
        assert as_(role).get(f"{base}{attachment.pk}/download/").status_code == 404
        assert (
            as_(role).post(base, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1")}, format="multipart").status_code
            == 404
        )
    # The invited co-signer sees the draft but may not attach files to it.
    assert (
        as_("member2").post(base, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1")}, format="multipart").status_code
        == 403
    )


def test_a_reply_letter_reaches_proposers_only_once_accepted(world, as_):
    with clock.frozen(dt.date(2026, 3, 2)):
        b = CaseBuilder(world).handling()
    letter = upload(b.case, world.unit_user, purpose="reply_letter")
    path = f"/api/cases/{b.case.pk}/attachments/{letter.pk}/download/"
    assert as_("unit").get(path).status_code == 200
    assert as_("member").get(path).status_code == 404


def test_the_shared_check_accepts_ofd_by_extension_and_content():
    assert uploads.check_upload(SimpleUploadedFile("函.ofd", b"PK\x03\x04rest")) == "application/ofd"
    with pytest.raises(WorkflowError):
        uploads.check_upload(SimpleUploadedFile("x.exe", b"PK\x03\x04rest"))
