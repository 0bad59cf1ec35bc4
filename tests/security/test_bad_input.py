"""The bad-input catalogue, through the pages and the API: each input gets a clear Chinese error
or is stored safely, and a refused request leaves every row as it was."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AuditEvent
from core import clock
from proposals import services
from proposals.models import Attachment, Case, ContactRecord, Proposer, Reply
from tests.auth_helpers import login
from tests.factories import CaseBuilder, reply_letter

CHINESE = re.compile(r"[\u4e00-\u9fff]")
HUGE = "情" * 100_000
SCRIPT = '<script>alert("xss")</script>'
SQL = "'; DROP TABLE proposals_case; --"
RARE = "𠀀𪚥"  # CJK Extension B, outside the Basic Multilingual Plane
EMOJI = "🎉👍"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n%bad-input\n"


def rows() -> dict:
    """Everything a refused request must leave untouched."""
    return {
        "cases": list(Case.objects.order_by("id").values()),
        "proposers": list(Proposer.objects.order_by("id").values()),
        "attachments": list(Attachment.objects.order_by("id").values()),
        "contacts": list(ContactRecord.objects.order_by("id").values()),
        "replies": list(Reply.objects.order_by("id").values()),
        "successes": AuditEvent.objects.filter(outcome="success").count(),
    }


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def api_post(client, url, body):
    return client.post(url, body, content_type="application/json")


def draft_form(world, **fields) -> dict:
    return {
        "kind": "proposal",
        "title": "关于加快车站棚户区改造的提案",
        "category": world.category.pk,
        "facts": "房屋老旧。",
        "suggestions": "分期实施。",
        "is_public": "on",
    } | fields


# --- 100,000-character bodies ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["facts", "suggestions"])
def test_a_100000_character_body_is_refused_on_the_draft_page(world, field):
    member = client_for(world.member)  # logging in is audited: before the snapshot
    before = rows()
    response = member.post("/cases/new/", draft_form(world, **{field: HUGE}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "不能超过 20000 个字" in page and "100000" in page
    assert rows() == before


@pytest.mark.parametrize("field", ["facts", "suggestions"])
def test_a_100000_character_body_is_refused_by_the_api(world, field):
    member = client_for(world.member)
    before = rows()
    response = api_post(
        member, "/api/cases/", {"title": "关于加快车站棚户区改造的提案", "category": world.category.pk, field: HUGE}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "text_too_long" and CHINESE.search(body["detail"])
    assert CHINESE.search(body["errors"][field][0])
    assert rows() == before


def test_editing_a_draft_to_a_100000_character_body_changes_nothing(world):
    case = CaseBuilder(world, cosign=False).case
    member = client_for(world.member)
    before = rows()
    page = member.post(f"/cases/{case.pk}/edit/", draft_form(world, facts=HUGE))
    api = member.patch(f"/api/cases/{case.pk}/", {"suggestions": HUGE}, content_type="application/json")
    assert page.status_code == 400 and "不能超过" in page.content.decode()
    assert api.status_code == 400 and api.json()["code"] == "text_too_long"
    assert rows() == before


def test_a_body_of_exactly_the_limit_is_accepted(world):
    case = services.create_draft(world.member, title="关于城区供暖设施的提案", facts="暖" * services.BODY_MAX)
    assert len(case.facts) == services.BODY_MAX


def test_a_100000_character_contact_summary_is_refused_and_records_nothing(world):
    b = CaseBuilder(world).handling()
    lead = b.assignment(world.unit)
    unit = client_for(world.unit_user)
    before = rows()
    body = {
        "assignment": lead.pk,
        "way": "phone",
        "point": "handling",
        "date": clock.today().isoformat(),
        "people": "钱科长",
        "summary": HUGE,
    }
    api = api_post(unit, f"/api/cases/{b.case.pk}/actions/log_contact/", body)
    page = unit.post(f"/cases/{b.case.pk}/act/log_contact/", body)
    assert api.status_code == 400 and CHINESE.search(api.json()["errors"]["summary"][0])
    assert page.status_code == 400 and "5000" in page.content.decode()
    assert rows() == before


# --- Script and SQL-looking text: stored as typed, shown escaped -----------------------------------

HOSTILE = {
    "title": f"关于{SCRIPT}的提案{SQL}"[:100],
    "facts": f"情况{SCRIPT}\n{SQL}",
    "suggestions": f"建议<img src=x onerror=alert(1)>{SQL}",
    "not_public_reason": f"理由{SCRIPT}",
}


def _assert_escaped(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html and "DROP TABLE proposals_case" in html


def test_hostile_text_in_every_draft_field_is_stored_as_typed_via_the_page(world):
    member = client_for(world.member)
    response = member.post("/cases/new/", draft_form(world, **HOSTILE))
    assert response.status_code == 302
    case = Case.objects.latest("id")
    for field, typed in HOSTILE.items():
        assert getattr(case, field) == typed.strip(), field
    _assert_escaped(member.get(f"/cases/{case.pk}/").content.decode())


def test_hostile_text_in_every_draft_field_is_stored_as_typed_via_the_api(world):
    member = client_for(world.member)
    response = api_post(member, "/api/cases/", {**HOSTILE, "category": world.category.pk, "is_public": False})
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    for field, typed in HOSTILE.items():
        assert getattr(case, field) == typed.strip(), field
        assert response.json()[field] == typed.strip()
    assert Case.objects.count() >= 1  # the table the SQL text names is still there


def test_hostile_text_in_action_fields_is_shown_escaped_on_the_case_page_and_the_public_page(world):
    b = CaseBuilder(world, cosign=False, title=HOSTILE["title"])
    services.update_draft(world.member, b.case.pk, facts=HOSTILE["facts"], suggestions=HOSTILE["suggestions"])
    b.handling(co=False)
    lead = b.assignment(world.unit)
    unit = client_for(world.unit_user)
    contact = {
        "assignment": lead.pk,
        "way": "visit",
        "point": "handling",
        "date": clock.today().isoformat(),
        "people": SCRIPT,
        "summary": f"面商{SCRIPT}{SQL}",
    }
    assert unit.post(f"/cases/{b.case.pk}/act/log_contact/", contact).status_code == 302
    reply = {
        "assignment": lead.pk,
        "reply_class": "A",
        "letter": f"答复{SCRIPT}{SQL}",
        "signer": "赵局长",
        "contact_person": "钱科长",
        "contact_phone": "0917-6212345",
        "letter_file": reply_letter(b.case, world.unit_user).pk,
    }
    assert api_post(unit, f"/api/cases/{b.case.pk}/actions/reply/", reply).status_code == 200
    assert ContactRecord.objects.get(case=b.case).summary == contact["summary"]
    assert Reply.objects.get(case=b.case).letter == reply["letter"]
    _assert_escaped(unit.get(f"/cases/{b.case.pk}/").content.decode())
    b.act("accept_reply", world.staff, assignment=lead)
    b.act("rate", world.member, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, assignment=lead)
    b.act("close", world.staff).act("publish", world.staff)
    public = Client().get(f"/public/{b.case.pk}/")
    assert public.status_code == 200
    html = public.content.decode()
    _assert_escaped(html)
    assert "答复&lt;script&gt;" in html


# --- Rare CJK characters and emoji ------------------------------------------------------------------


def test_rare_cjk_and_emoji_round_trip_through_page_api_and_database(world):
    member = client_for(world.member)
    title = f"关于{RARE}字的提案{EMOJI}"
    created = api_post(
        member, "/api/cases/", {"title": title, "facts": f"生僻字{RARE}{EMOJI}", "category": world.category.pk}
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    case = Case.objects.get(pk=pk)
    assert case.title == title and case.facts == f"生僻字{RARE}{EMOJI}"
    assert Case.objects.filter(title__contains=RARE).filter(pk=pk).exists()
    assert member.get(f"/api/cases/{pk}/").json()["title"] == title
    assert title in member.get(f"/cases/{pk}/").content.decode()
    page = member.post(f"/cases/{pk}/edit/", draft_form(world, title=f"{EMOJI}{RARE}", suggestions=RARE * 3))
    assert page.status_code == 302
    case.refresh_from_db()
    assert case.title == f"{EMOJI}{RARE}" and case.suggestions == RARE * 3


# --- Uploads ------------------------------------------------------------------------------------------


@pytest.fixture
def draft(world):
    return CaseBuilder(world, cosign=False).case


def _page_upload(client, case, name, content):
    return client.post(
        f"/cases/{case.pk}/files/", {"file": SimpleUploadedFile(name, content), "purpose": "attachment"}, follow=True
    )


def _api_upload(client, case, name, content):
    return client.post(
        f"/api/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile(name, content), "purpose": "attachment"}
    )


def _page_error(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_an_executable_named_pdf_is_refused_on_the_page_and_the_api(world, draft):
    member = client_for(world.member)
    before = rows()
    page = _page_upload(member, draft, "提案附件.pdf", EXECUTABLE)
    api = _api_upload(member, draft, "提案附件.pdf", EXECUTABLE)
    assert CHINESE.search(_page_error(page)) and ("类型" in _page_error(page) or "只能上传" in _page_error(page))
    assert api.status_code == 400 and api.json()["code"] == "file_type_not_allowed"
    assert CHINESE.search(api.json()["detail"])
    assert rows() == before


def test_an_upload_over_the_size_limit_is_refused(world, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    member = client_for(world.member)
    before = rows()
    big = PDF + b"0" * 2048
    page = _page_upload(member, draft, "big.pdf", big)
    api = _api_upload(member, draft, "big.pdf", big)
    assert "文件过大" in _page_error(page)
    assert api.status_code == 400 and api.json()["code"] == "file_too_large" and "文件过大" in api.json()["detail"]
    assert rows() == before


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_file_named_with_a_path_is_stored_under_a_random_name(world, draft, via):
    upload = _page_upload if via == "page" else _api_upload
    response = upload(client_for(world.member), draft, "../../etc/passwd.pdf", PDF)
    assert response.status_code in (200, 201)
    attachment = Attachment.objects.get(case=draft)
    assert "/" not in attachment.original_name and ".." not in attachment.original_name
    assert attachment.original_name.endswith("passwd.pdf")
    stored = attachment.file.path
    media = str(settings.MEDIA_ROOT)
    assert stored.startswith(media) and ".." not in attachment.file.name and "passwd" not in attachment.file.name
    assert re.fullmatch(r"cases/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", attachment.file.name)
    attachment.file.delete(save=False)
