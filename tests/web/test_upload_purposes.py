"""Uploads offer only the purposes this user may use in this state (issue 17 item 4), page and server alike."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals import access
from tests.factories import CaseBuilder

pytestmark = pytest.mark.django_db


def purposes(user, case):
    return set(access.upload_purposes(user, case))


def test_a_proposer_attaches_to_a_draft_and_nothing_once_closed(world):
    draft = CaseBuilder(world).case
    assert purposes(world.member, draft) == {"attachment", "sealed_scan"}
    closed = CaseBuilder(world, title="关于专精特新企业培育的提案").closed().case
    assert purposes(world.member, closed) == set()
    assert purposes(world.staff, closed) == set()


def test_a_unit_uploads_its_stamped_letter_only_while_it_handles(world):
    builder = CaseBuilder(world).assigned(co=False)
    assert purposes(world.unit_user, builder.case) == set()  # not signed yet
    builder.act("sign", world.unit_user, assignment=builder.assignment(world.unit))
    assert purposes(world.unit_user, builder.refresh()) == {"reply_letter"}


def test_staff_record_a_paper_rating_form_only_while_ratings_are_open(world):
    replied = CaseBuilder(world).replied().case
    assert "rating_form" in purposes(world.staff, replied)
    assert "cosign_scan" not in purposes(world.staff, replied)


def test_the_case_page_offers_only_those_and_the_server_refuses_others(client, world):
    draft = CaseBuilder(world).case
    client.force_login(world.member)
    html = client.get(reverse("proposals:case_detail", args=[draft.pk])).content.decode()
    assert 'value="attachment"' in html and 'value="reply_letter"' not in html and 'value="evidence"' not in html
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = client.post(
        reverse("proposals:upload", args=[draft.pk]), {"purpose": "reply_letter", "file": upload}, follow=True
    )
    assert "不能为本提案上传这类文件" in response.content.decode()
