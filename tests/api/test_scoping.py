"""Each endpoint × each role: allowed or refused as the scoping says (404 for what one may not see)."""

import datetime as dt

import pytest

from core import clock
from tests.factories import CaseBuilder

ROLES = ["member", "member2", "outsider", "staff", "reviewer", "unit", "unit2", "unit3", "leader"]
CASE_ENDPOINTS = ["", "actions/", "events/", "assignments/", "replies/", "ratings/", "contacts/", "attachments/"]


@pytest.fixture
def cases(world):
    with clock.frozen(dt.date(2026, 3, 2)):
        draft = CaseBuilder(world, title="草稿：城区供暖设施").case
        handling = CaseBuilder(world).handling()
        key = CaseBuilder(world, title="加快先进制造业高质量发展").assigned(co=False)
        key.act("recommend_key", world.staff, {"leaders": [world.leader.pk], "plan": "带案视察"})
        key.act("designate_key", world.reviewer)
    return {"draft": draft.pk, "handling": handling.case.pk, "key": key.case.pk}


# Which roles see which case (everyone else: 404).
SEES = {
    "draft": {"member", "member2"},  # the initiator and the invited co-signer; staff never see drafts
    "handling": {"member", "member2", "staff", "reviewer", "unit", "unit2"},
    "key": {"member", "member2", "staff", "reviewer", "unit", "leader"},
}


@pytest.mark.parametrize("case_name", list(SEES))
@pytest.mark.parametrize("role", ROLES)
def test_case_endpoints_answer_as_the_scoping_says(cases, as_, role, case_name):
    client = as_(role)
    expected = 200 if role in SEES[case_name] else 404
    for endpoint in CASE_ENDPOINTS:
        response = client.get(f"/api/cases/{cases[case_name]}/{endpoint}")
        assert response.status_code == expected, (endpoint, response.json())
    listed = {c["id"] for c in client.get("/api/cases/?page_size=200").json()["results"]}
    assert (cases[case_name] in listed) == (role in SEES[case_name])


@pytest.mark.parametrize("role, status", [(r, 200 if r in ("staff", "reviewer", "leader") else 403) for r in ROLES])
def test_statistics_are_for_staff_reviewers_and_leaders(world, as_, role, status):
    response = as_(role).get("/api/stats/summary/")
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "actor_not_allowed"


@pytest.mark.parametrize("role", ROLES)
def test_reference_data_is_readable_by_every_role(world, as_, role):
    for endpoint in ("members/", "units/", "committees/", "sectors/", "sessions/"):
        assert as_(role).get(f"/api/{endpoint}").status_code == 200


@pytest.mark.parametrize(
    "role, sees_contacts", [("staff", True), ("member", False), ("unit", False), ("reviewer", False)]
)
def test_member_contact_fields_only_for_staff(world, as_, role, sees_contacts):
    rows = as_(role).get("/api/members/").json()
    assert rows and all(("phone" in r) == sees_contacts for r in rows)


def test_proposer_phone_numbers_reach_staff_and_assigned_units_only(cases, as_):
    path = f"/api/cases/{cases['handling']}/"
    assert "phone" in as_("unit").get(path).json()["proposers"][0]
    assert "phone" in as_("staff").get(path).json()["proposers"][0]
    assert "phone" not in as_("reviewer").get(path).json()["proposers"][0]
    assert "phone" not in as_("member2").get(path).json()["proposers"][0]


def test_only_members_and_staff_create_drafts(world, as_):
    assert as_("unit").post("/api/cases/", {"title": "x"}, format="json").status_code == 403
    assert as_("unit").post("/api/cases/", {}, format="json").status_code == 403
    assert as_("member").post("/api/cases/", {}, format="json").status_code == 400
