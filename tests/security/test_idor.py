"""IDOR: every object URL, asked for by a user of the same role who may not see the object → 404.

Another member, another unit, a leader who does not supervise the key proposal, and staff or a
reviewer for a member's unsubmitted draft. The routes come from the resolver: a new object route
must be listed in ``OBJECT_URLS`` or this module fails.
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from proposals.workflow import ACTIONS, SYSTEM
from tests.auth_helpers import login
from tests.factories import upload
from tests.security.world import build, walk

# route key -> (method, url template); {case}, {attachment}, {assignment} come from the target.
OBJECT_URLS: dict[str, list[tuple[str, str]]] = {
    "proposals:case_detail": [("GET", "/cases/{case}/")],
    "proposals:draft_edit": [("GET", "/cases/{case}/edit/"), ("POST", "/cases/{case}/edit/")],
    "proposals:case_action": [
        (m, f"/cases/{{case}}/act/{name}/")
        for name in ("withdraw", "submit", "log_contact", "rate")
        for m in ("GET", "POST")
    ],
    "proposals:reply_draft": [("POST", "/cases/{case}/reply-draft/{assignment}/")],
    "proposals:urge_assignment": [("POST", "/cases/{case}/urge/{assignment}/")],
    "proposals:host_search": [("GET", "/cases/{case}/hosts/?host_q=提案")],
    "proposals:upload": [("POST", "/cases/{case}/files/")],
    "proposals:download": [("GET", "/files/{attachment}/")],
    "reporting:case_document": [("GET", "/cases/{case}/documents/proposal_form.docx")],
    "reporting:case_document_pdf": [("GET", "/cases/{case}/documents/proposal_form.pdf")],
    "reporting:case_print": [("GET", "/cases/{case}/print/")],
    "proposals:public_detail": [("GET", "/public/{case}/")],
    "notifications:mark_read": [("POST", "/notifications/{notification}/read/")],
    "api:case": [("GET", "/api/cases/{case}/"), ("PATCH", "/api/cases/{case}/")],
    "api:case-actions": [("GET", "/api/cases/{case}/actions/")],
    "api:case-similar": [("GET", "/api/cases/{case}/similar/")],
    "assist:case_similar": [("GET", "/assist/cases/{case}/similar/")],
    "api:case-suggested-units": [("GET", "/api/cases/{case}/suggested-units/")],
    "assist:case_units": [("GET", "/assist/cases/{case}/units/")],
    "assist:case_precheck": [("GET", "/assist/cases/{case}/precheck/")],
    **{
        f"api:case-action-{name}": [("POST", f"/api/cases/{{case}}/actions/{name}/")]
        for name, action in ACTIONS.items()
        if action.actors != {SYSTEM}
    },
    "api:case-action-unknown": [("POST", "/api/cases/{case}/actions/no_such_action/")],
    **{
        f"api:case-{part}": [("GET", f"/api/cases/{{case}}/{part}/")]
        for part in ("events", "assignments", "replies", "ratings", "contacts")
    },
    "api:case-attachments": [("GET", "/api/cases/{case}/attachments/"), ("POST", "/api/cases/{case}/attachments/")],
    "api:case-attachment-download": [("GET", "/api/cases/{case}/attachments/{attachment}/download/")],
}

# 委员履职 (issue 24): another member's activity and record. Only members are intruders of the same role
# here (staff see every record; other roles are refused with 403 before any object is looked up).
DUTY_OBJECT_URLS: dict[str, list[tuple[str, str]]] = {
    "duty:activity_detail": [("GET", "/duty/activities/{activity}/")],
    "duty:activity_attendance": [("POST", "/duty/activities/{activity}/attendance/")],
    "duty:activity_invite": [("POST", "/duty/activities/{activity}/invite/")],
    "duty:activity_opinion": [("POST", "/duty/activities/{activity}/opinions/")],
    "duty:activity_confirm": [("POST", "/duty/activities/{activity}/confirm/")],
    "duty:dossier": [("GET", "/duty/dossier/2025/{member}/")],
    "duty:dossier_print": [("GET", "/duty/dossier/2025/{member}/print/")],
    "reporting:duty_dossier_document": [("GET", "/duty/dossier/2025/{member}/dossier.docx")],
    "reporting:duty_dossier_document_pdf": [("GET", "/duty/dossier/2025/{member}/dossier.pdf")],
    "api:duty-points": [("GET", "/api/duty/points/2025/{member}/")],
}


@pytest.fixture(scope="module")
def sw(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            world = build()
            w = world.world
            from members.models import User

            world.users["other_leader"] = User.objects.get(pk=world.ids["other_leader"])
            draft = world.ids["draft"]
            from proposals.models import Case

            world.ids["draft_attachment"] = upload(Case.objects.get(pk=draft), w.member).pk
            yield world
            transaction.set_rollback(True)


def test_every_object_route_is_probed():
    object_routes = {key for key, route, _ in walk() if "<id:" in route and not route.startswith("admin/")}
    assert object_routes - set(OBJECT_URLS) - set(DUTY_OBJECT_URLS) == set(), "add the new object routes to OBJECT_URLS"


def test_another_members_duty_record_is_a_404_and_the_member_sees_their_own(sw, db):
    ids = {"activity": sw.ids["duty_activity"], "member": sw.ids["member_user"]}
    for role, want_404 in (("other_member", True), ("member", False)):
        client = Client()
        login(client, sw.users[role])
        for probes in DUTY_OBJECT_URLS.values():
            for method, template in probes:
                url = template.format(**ids)
                with transaction.atomic():
                    status = client.generic(
                        method, url, "", content_type="application/x-www-form-urlencoded"
                    ).status_code
                    transaction.set_rollback(True)
                assert (status == 404) == want_404, f"{method} {url} as {role}: {status}"


# (intruder role, target): a user of the same role as someone who may see the target.
INTRUDERS = [
    ("other_member", "case"),
    ("other_unit", "case"),
    ("other_leader", "case"),
    ("staff", "draft"),
    ("reviewer", "draft"),
    ("other_member", "draft"),
]


def _ids(sw, target):
    if target == "draft":
        return {
            "case": sw.ids["draft"],
            "attachment": sw.ids["draft_attachment"],
            "assignment": sw.ids["lead"],
            "notification": sw.ids["notification"],
        }
    return {
        "case": sw.ids["case"],
        "attachment": sw.ids["attachment"],
        "assignment": sw.ids["lead"],
        "notification": sw.ids["notification"],
    }


@pytest.mark.parametrize("intruder,target", INTRUDERS)
def test_an_object_someone_may_not_see_is_a_404(sw, db, intruder, target):
    client = Client()
    login(client, sw.users[intruder])
    ids = _ids(sw, target)
    leaks = []
    for key, probes in OBJECT_URLS.items():
        for method, template in probes:
            url = template.format(**ids)
            body = {"assignment": ids["assignment"]}
            with transaction.atomic():
                if key.startswith("api:"):
                    response = client.generic(method, url, json.dumps(body), content_type="application/json")
                else:
                    response = client.generic(
                        method, url, f"assignment={ids['assignment']}", content_type="application/x-www-form-urlencoded"
                    )
                transaction.set_rollback(True)
            if response.status_code != 404:
                leaks.append(f"{method} {url} as {intruder}: {response.status_code}")
    assert not leaks, "\n".join(leaks)


def test_the_owner_does_see_them(sw, db):
    """The control: the same URLs answer the member who owns the case (so the 404s above mean something)."""
    client = Client()
    login(client, sw.users["member"])
    for url in (
        f"/cases/{sw.ids['case']}/",
        f"/files/{sw.ids['attachment']}/",
        f"/api/cases/{sw.ids['case']}/",
        f"/cases/{sw.ids['draft']}/",
        f"/api/cases/{sw.ids['case']}/attachments/{sw.ids['attachment']}/download/",
    ):
        assert client.get(url).status_code == 200, url
