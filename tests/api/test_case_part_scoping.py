"""A case's parts are read by exactly those the pages show them to (issue 20 item 4): one test per
sub-resource × role, the API and the case page both read through proposals.access
(visible_contacts, visible_ratings, upload_assignment_allowed)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from proposals import access
from tests.api.conftest import client_for
from tests.auth_helpers import login
from tests.factories import CaseBuilder
from tests.security.world import administrator

ROLES = ["member", "member2", "outsider", "staff", "reviewer", "unit", "unit2", "unit3", "leader"]
ADMINS = ["sysadmin", "secadmin", "auditor"]

# The published, closed case: the member initiated it, member2 co-signed, unit led and unit2 co-handled.
SEES_CONTACTS = {"member", "member2", "staff", "unit", "unit2"}
SEES_ALL_RATINGS = {"staff", "reviewer", "unit", "unit2"}
OWN_RATING = {"member", "member2"}


@pytest.fixture
def published(world):
    b = CaseBuilder(world).handling()
    b.act(
        "log_contact",
        world.unit_user,
        {
            "way": "visit",
            "point": "handling",
            "date": "2026-03-03",
            "people": "钱科长、张委员",
            "summary": "面商办理方案。",
        },
        assignment=b.assignment(world.unit),
    )
    b.replied().rated().act("close", world.staff).act("publish", world.staff)
    return b


def user_of(world, role):
    return world.users()[role] if role in ROLES else administrator(role)


@pytest.mark.parametrize("role", ROLES + ADMINS)
def test_contact_logs_reach_staff_the_cases_units_and_its_proposers_only(world, published, role):
    user = user_of(world, role)
    response = client_for(user).get(f"/api/cases/{published.case.pk}/contacts/")
    assert response.status_code == 200  # everyone sees the published case itself
    rows = response.json()
    assert len(rows) == (1 if role in SEES_CONTACTS else 0), rows
    if rows:
        assert rows[0]["summary"] == "面商办理方案。"
    page = Client()
    login(page, user)
    shown = page.get(f"/cases/{published.case.pk}/").context["contacts_log"]
    assert [c.pk for c in shown] == [r["id"] for r in rows]  # the page shows exactly the same
    assert [c.pk for c in access.visible_contacts(user, published.refresh())] == [r["id"] for r in rows]


@pytest.mark.parametrize("role", ROLES + ADMINS)
def test_ratings_reach_staff_reviewers_and_the_cases_units_and_each_proposer_only_their_own(world, published, role):
    user = user_of(world, role)
    rows = client_for(user).get(f"/api/cases/{published.case.pk}/ratings/").json()
    if role in SEES_ALL_RATINGS:
        assert len(rows) == 2
    elif role in OWN_RATING:
        assert len(rows) == 1
    else:
        assert rows == []
    assert sorted(r.pk for r in access.visible_ratings(user, published.refresh())) == sorted(r["id"] for r in rows)


def _pdf():
    return SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%reply\n", content_type="application/pdf")


@pytest.mark.parametrize(
    "uploader,owner,status",
    [
        ("unit", "unit", 201),
        ("unit2", "unit2", 201),
        ("unit", "unit2", 403),  # another unit's assignment of the same case
        ("unit2", "unit", 403),
        ("staff", "unit", 201),
        ("staff", "unit2", 201),
    ],
)
def test_a_unit_uploads_a_reply_letter_only_for_its_own_assignment(world, uploader, owner, status):
    b = CaseBuilder(world).handling()
    assignment = b.assignment({"unit": world.unit, "unit2": world.unit2}[owner])
    client = client_for(world.users()[uploader])
    response = client.post(
        f"/api/cases/{b.case.pk}/attachments/",
        {"file": _pdf(), "purpose": "reply_letter", "assignment": assignment.pk},
        format="multipart",
    )
    assert response.status_code == status, response.content
    assert b.case.attachments.filter(purpose="reply_letter").count() == (1 if status == 201 else 0)
    if status == 403:
        assert response.json()["code"] == "upload_assignment_not_allowed"


def test_an_unrelated_unit_cannot_upload_to_a_case_it_sees_only_as_published(world, published):
    response = client_for(world.unit3_user).post(
        f"/api/cases/{published.case.pk}/attachments/",
        {"file": _pdf(), "purpose": "reply_letter", "assignment": published.assignment(world.unit).pk},
        format="multipart",
    )
    assert response.status_code == 403
