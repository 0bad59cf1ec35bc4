"""The web issue's browser scenario, played through the API with one token per role."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from proposals.models import Case


@pytest.fixture
def frozen_day():
    with clock.frozen(dt.date(2026, 3, 2)):
        yield


def act(client, case_id, action, body=None, status=200):
    response = client.post(f"/api/cases/{case_id}/actions/{action}/", body or {}, format="json")
    assert response.status_code == status, (action, response.json())
    return response.json()


def upload_letter(client, case_id, assignment_id) -> int:
    """The stamped reply letter (required for proposals), uploaded as multipart like any file of the API."""
    letter = SimpleUploadedFile("答复函.pdf", b"%PDF-1.7\n%letter\n", content_type="application/pdf")
    response = client.post(
        f"/api/cases/{case_id}/attachments/",
        {"file": letter, "purpose": "reply_letter", "assignment": assignment_id},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def assignment_of(client, case_id, unit_name):
    rows = client.get(f"/api/cases/{case_id}/assignments/").json()
    return next(r["id"] for r in rows if r["unit_name"] == unit_name and r["status"] != "withdrawn_from_unit")


def test_a_joint_proposal_goes_from_draft_to_published_through_the_api(world, as_, frozen_day):
    member, cosigner, staff, reviewer = as_("member"), as_("member2"), as_("staff"), as_("reviewer")
    lead, co = as_("unit"), as_("unit2")

    created = member.post(
        "/api/cases/",
        {
            "title": "关于加快车站棚户区改造的提案",
            "facts": "车站片区房屋老旧。",
            "suggestions": "统筹资金，分期实施。",
            "category": world.category.pk,
            "cosigners": [world.member2.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    case_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    assert [a["name"] for a in cosigner.get(f"/api/cases/{case_id}/actions/").json()] == ["cosign", "decline_cosign"]
    act(cosigner, case_id, "cosign")
    assert act(member, case_id, "submit")["status"] == "submitted"
    act(staff, case_id, "recommend", {"outcome": "file", "reason": "符合立案标准"})
    filed = act(reviewer, case_id, "file")
    assert filed["status"] == "filed" and filed["number"] == 1
    act(
        staff,
        case_id,
        "assign",
        {"units": [{"unit": world.unit.pk, "role": "lead"}, {"unit": world.unit2.pk, "role": "co"}]},
    )
    lead_id, co_id = assignment_of(staff, case_id, "区住建局"), assignment_of(staff, case_id, "区教育局")
    act(lead, case_id, "sign", {"assignment": lead_id})
    assert act(co, case_id, "sign", {"assignment": co_id})["status"] == "handling"
    act(co, case_id, "send_views", {"assignment": co_id, "text": "我局同意分期实施。"})
    act(
        lead,
        case_id,
        "log_contact",
        {
            "assignment": lead_id,
            "way": "visit",
            "point": "intake",
            "date": "2026-03-02",
            "people": "张委员、钱科长",
            "summary": "上门面商",
            "face_to_face": True,
        },
    )
    reply = {
        "assignment": lead_id,
        "reply_class": "B",
        "letter": "已列入计划。",
        "signer": "赵局长",
        "contact_person": "钱科长",
        "contact_phone": "0917-6212345",
    }
    act(lead, case_id, "reply", {**reply, "letter_file": upload_letter(lead, case_id, lead_id)})
    assert member.get(f"/api/cases/{case_id}/replies/").json() == []  # not yet accepted
    assert act(staff, case_id, "accept_reply", {"assignment": lead_id})["status"] == "replied"
    assert len(member.get(f"/api/cases/{case_id}/replies/").json()) == 1

    act(member, case_id, "rate", {"assignment": lead_id, "reply_rating": "unsatisfied", "contact_rating": "basic"})
    act(cosigner, case_id, "rate", {"assignment": lead_id, "reply_rating": "satisfied", "contact_rating": "satisfied"})
    assert act(staff, case_id, "rehandle", {"reason": "提案人不满意"})["status"] == "rehandling"
    second = {"letter": "已落实首期资金。", "reply_class": "A", "letter_file": upload_letter(lead, case_id, lead_id)}
    act(lead, case_id, "reply", {**reply, **second})
    assert act(staff, case_id, "accept_reply", {"assignment": lead_id})["status"] == "replied"
    for client in (member, cosigner):
        act(
            client, case_id, "rate", {"assignment": lead_id, "reply_rating": "satisfied", "contact_rating": "satisfied"}
        )
    assert act(staff, case_id, "close")["status"] == "closed"
    assert act(staff, case_id, "publish")["published_at"]

    case = Case.objects.get(pk=case_id)
    assert (case.status, case.round) == ("closed", 2)

    timeline = [e["action"] for e in member.get(f"/api/cases/{case_id}/events/").json()]
    for step in (
        "create",
        "cosign",
        "submit",
        "file",
        "assign",
        "sign",
        "log_contact",
        "accept_reply",
        "rate",
        "rehandle",
        "close",
        "publish",
    ):
        assert step in timeline, step
    for internal in ("recommend", "send_views", "reply"):
        assert internal not in timeline, internal
    assert timeline.count("rate") == 2  # the member's own two ratings, not the co-signer's
    assert all("ip" not in e for e in member.get(f"/api/cases/{case_id}/events/").json())
    full = [e["action"] for e in staff.get(f"/api/cases/{case_id}/events/").json()]
    assert {"recommend", "send_views", "reply"} <= set(full)
    assert full.count("rate") == 4
