import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Attachment
from tests.factories import CaseBuilder, upload

pytestmark = pytest.mark.django_db


def post_file(client, case, name, content, purpose="attachment"):
    return client.post(
        reverse("proposals:upload", args=[case.pk]),
        {"purpose": purpose, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_a_pdf_is_stored_under_a_random_name(client, world):
    b = CaseBuilder(world)
    client.force_login(world.member)
    response = post_file(client, b.case, "材料.pdf", b"%PDF-1.7\nhello")
    attachment = Attachment.objects.get(case=b.case)
    assert "已上传" in response.content.decode()
    assert attachment.original_name == "材料.pdf" and "材料" not in attachment.file.name
    assert attachment.content_type == "application/pdf"


@pytest.mark.parametrize(
    "name,content",
    [
        ("virus.pdf", b"MZ\x90\x00\x03"),
        ("tool.pdf", b"\x7fELF\x02\x01"),
        ("note.txt", b"plain text"),
        ("scan.pdf", b"PK\x03\x04zip-pretending-to-be-pdf"),
    ],
)
def test_executables_and_mismatched_files_are_refused(client, world, name, content):
    b = CaseBuilder(world)
    client.force_login(world.member)
    response = post_file(client, b.case, name, content)
    assert "上传失败" in response.content.decode()
    assert not Attachment.objects.filter(case=b.case).exists()


def test_an_ofd_letter_and_a_png_photo_are_accepted(client, world):
    b = CaseBuilder(world)
    client.force_login(world.member)
    post_file(client, b.case, "答复函.ofd", b"PK\x03\x04ofd")
    post_file(client, b.case, "photo.png", b"\x89PNG\r\n\x1a\n....")
    assert sorted(Attachment.objects.filter(case=b.case).values_list("content_type", flat=True)) == [
        "application/ofd",
        "image/png",
    ]


def test_a_file_over_the_size_limit_is_refused(client, world, settings):
    settings.UPLOAD_MAX_BYTES = 10
    b = CaseBuilder(world)
    client.force_login(world.member)
    assert "文件过大" in post_file(client, b.case, "big.pdf", b"%PDF-" + b"x" * 20).content.decode()


def test_a_download_is_an_attachment_with_nosniff(client, world):
    b = CaseBuilder(world)
    attachment = upload(b.case, world.member)
    client.force_login(world.member2)
    response = client.get(reverse("proposals:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_member_who_may_not_see_the_case_cannot_download_or_upload(client, world):
    b = CaseBuilder(world)
    attachment = upload(b.case, world.member)
    client.force_login(world.outsider)
    assert client.get(reverse("proposals:download", args=[attachment.pk])).status_code == 404
    assert (
        client.post(
            reverse("proposals:upload", args=[b.case.pk]), {"file": SimpleUploadedFile("a.pdf", b"%PDF-")}
        ).status_code
        == 404
    )
